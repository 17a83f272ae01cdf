"""Box arithmetic in canvas fractions (x0, y0, x1, y1; y down), shared by the layout steps."""

from __future__ import annotations

from collections.abc import Sequence

Box = tuple[float, float, float, float]


def centre(box: Sequence[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def area(box: Sequence[float]) -> float:
    return max(box[2] - box[0], 0.0) * max(box[3] - box[1], 0.0)


def intersection(a: Sequence[float], b: Sequence[float]) -> float:
    return max(min(a[2], b[2]) - max(a[0], b[0]), 0.0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)


def overlaps(a: Sequence[float], b: Sequence[float]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def union_area(boxes: Sequence[Sequence[float]]) -> float:
    """The area the boxes cover together, clipped to the unit canvas (exact, by cutting into strips)."""
    clipped = [(max(b[0], 0.0), max(b[1], 0.0), min(b[2], 1.0), min(b[3], 1.0)) for b in boxes]
    clipped = [b for b in clipped if b[2] > b[0] and b[3] > b[1]]
    xs = sorted({x for b in clipped for x in (b[0], b[2])})
    total = 0.0
    for left, right in zip(xs, xs[1:], strict=False):
        spans = sorted((b[1], b[3]) for b in clipped if b[0] <= left and b[2] >= right)
        covered, top, bottom = 0.0, None, None
        for y0, y1 in spans:
            if bottom is None or y0 > bottom:
                if bottom is not None:
                    covered += bottom - top
                top, bottom = y0, y1
            else:
                bottom = max(bottom, y1)
        if bottom is not None:
            covered += bottom - top
        total += (right - left) * covered
    return total
