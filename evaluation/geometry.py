"""Boxes: IoU, non-maximum suppression and the position predicates of GenEval and LMD.

Boxes are (x0, y0, x1, y1) in pixels, y down, unless a function says otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Box = Sequence[float]


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes, continuous coordinates (MIG's and DEIG's formula)."""
    iw = max(min(a[2], b[2]) - max(a[0], b[0]), 0.0)
    ih = max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def best_iou(boxes: Sequence[Box], truth: Box) -> float:
    """MIG's `ovmax`: the largest IoU of any detection with the ground-truth box (0 without detections)."""
    return max((iou(box, truth) for box in boxes), default=0.0)


def nms(boxes: Sequence[Box], scores: Sequence[float], threshold: float) -> list[int]:
    """Indices kept by greedy NMS, highest score first; a box goes when its IoU with a kept one is
    above `threshold` (torchvision's rule), so 0.8 keeps boxes overlapping by exactly 0.8."""
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    kept: list[int] = []
    for index in order:
        if all(iou(boxes[index], boxes[k]) <= threshold for k in kept):
            kept.append(index)
    return kept


def lmd_nms(boxes: Sequence[Box], scores: Sequence[float], threshold: float) -> list[int]:
    """LMD's NMS (utils/eval/eval.py): highest score first; a box stays only while its IoU with each
    kept box is *below* the threshold (`ratio < threshold`)."""
    order = sorted(range(len(boxes)), key=lambda i: -scores[i])
    kept: list[int] = []
    for index in order:
        if all(iou(boxes[index], boxes[k]) < threshold for k in kept):
            kept.append(index)
    return kept


def lmd_class_aware_nms(boxes: Sequence[Box], scores: Sequence[float], labels: Sequence[int],
                        threshold: float) -> list[int]:
    """LMD's class-aware NMS: each label on its own, labels in ascending order, each label's boxes by
    descending score; the returned order is the order LMD's predicates see."""
    kept: list[int] = []
    for label in sorted(set(labels)):
        members = [i for i in range(len(boxes)) if labels[i] == label]
        chosen = lmd_nms([boxes[i] for i in members], [scores[i] for i in members], threshold)
        kept += [members[i] for i in chosen]
    return kept


def geneval_relations(a: Box, b: Box, margin: float = 0.1) -> set[str]:
    """GenEval's `relative_position(A, B)`: the relations A has to B.

    The centre offset is shrunk, per axis, by margin x (sum of both boxes' sizes along it); when
    nothing is left there is no relation; otherwise the shrunk offset is divided by the length of
    the full offset and a component beyond 0.5 names the relation.
    """
    acx, acy = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
    bcx, bcy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    offset = (acx - bcx, acy - bcy)
    sizes = (abs(a[2] - a[0]) + abs(b[2] - b[0]), abs(a[3] - a[1]) + abs(b[3] - b[1]))
    revised = [max(abs(o) - margin * s, 0.0) * _sign(o) for o, s in zip(offset, sizes, strict=True)]
    if all(abs(r) < 1e-3 for r in revised):
        return set()
    norm = math.hypot(*offset)
    dx, dy = revised[0] / norm, revised[1] / norm
    relations = set()
    if dx < -0.5:
        relations.add("left of")
    if dx > 0.5:
        relations.add("right of")
    if dy < -0.5:
        relations.add("above")
    if dy > 0.5:
        relations.add("below")
    return relations


def _sign(value: float) -> float:
    return (value > 0) - (value < 0)


def lmd_location_holds(location1: str, location2: str, a: Box, b: Box) -> bool:
    """LMD's spatial predicate (`locations_xywh`): plain centre comparison, no margin.

    "X on the left and Y on the right" holds when X's centre x is strictly smaller than Y's.
    """
    centre_a = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2)
    centre_b = ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
    rules = {("left", "right"): centre_a[0] < centre_b[0], ("right", "left"): centre_a[0] > centre_b[0],
             ("top", "bottom"): centre_a[1] < centre_b[1], ("bottom", "top"): centre_a[1] > centre_b[1]}
    if (location1, location2) not in rules:
        raise ValueError(f"no LMD location pair ({location1!r}, {location2!r})")
    return rules[(location1, location2)]


def to_pixels(box: Box, width: int, height: int) -> tuple[float, float, float, float]:
    """A box in canvas fractions to pixels."""
    return (box[0] * width, box[1] * height, box[2] * width, box[3] * height)


def crop_box(box: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """A pixel box clamped to the image and rounded outwards to whole pixels, at least 1x1."""
    x0 = min(max(int(math.floor(box[0])), 0), width - 1)
    y0 = min(max(int(math.floor(box[1])), 0), height - 1)
    x1 = max(min(int(math.ceil(box[2])), width), x0 + 1)
    y1 = max(min(int(math.ceil(box[3])), height), y0 + 1)
    return x0, y0, x1, y1
