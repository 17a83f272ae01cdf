"""Blocks on the ground and in the room above it: beside given boxes, and sky things hung up high.

`place_blocks` shelves blocks in a rectangle. Two situations want more than that:

- Sky and wall things (a kite, the sun, a clock) need no room on the ground. Put in a row with
  the people they make everyone smaller; hung in the free room above the people (`hang`) they do
  not. `arrange` takes whichever gives the things on the ground the larger scale.
- Completing a scene around boxes the caller gave (`beside`): the free things stand on the given
  boxes' ground line, in the stretches of it that the given boxes leave free, at the given boxes'
  scale where they fit, in the order they were mentioned from left to right.
"""

from __future__ import annotations

from collections.abc import Sequence

from planners.layout import staging
from planners.layout.attachment import Box
from planners.layout.packing import GAP, MARGIN, MAX_EXTENT, Block, place_blocks

_STEPS = 48          # candidate positions across the width when hanging a block
_ROOM = 0.01         # clearance between a hung block and its neighbours, of the canvas width
_MIN_SCALE = 0.35    # beside given boxes, free things may shrink to this share of the boxes' scale
_SHRINKS = (1.0, 0.8, 0.6, 0.45, 0.3, 0.2)  # sky and wall things may be this much smaller (further off) to find room


def _hangs(block: Block) -> bool:
    return block.floats and block.y_pref is None


def arrange(blocks: list[Block], region, width: int, height: int, max_scale: float | None,
            ground: float | None = None) -> dict[int, Box]:
    """Pixel boxes for the blocks inside `region`: shelved together, or the ground ones shelved and the
    sky and wall ones hung above them when that makes the ground ones larger."""
    scale, together = place_blocks(blocks, region, width, height, max_scale, ground)
    hanging = [b for b in blocks if _hangs(b)]
    standing = [b for b in blocks if not _hangs(b)]
    if not hanging or not standing:
        return together
    ground_scale, boxes = place_blocks(standing, region, width, height, max_scale, ground)
    if ground_scale <= scale * 1.05:
        return together
    rx0, ry0, rx1, ry1 = region
    inner = (rx0 + MARGIN * width, ry0 + MARGIN * height, rx1 - MARGIN * width, ry1 - MARGIN * height)
    floor = max(b[3] for b in boxes.values())
    hung = hang(hanging, ground_scale, list(boxes.values()), inner, floor, width, order=_ranks(blocks))
    if hung is None:
        return together
    return boxes | hung


def _ranks(blocks: list[Block]) -> dict[int, float]:
    """Where along the width each block would be in one row in the order of mention (0..1)."""
    ordered = sorted(blocks, key=lambda b: b.first)
    return {b.first: (i + 0.5) / len(ordered) for i, b in enumerate(ordered)}


def hang(blocks: list[Block], scale: float, obstacles: Sequence[Box], inner: Box, floor: float, width: int,
         order: dict[int, float] | None = None) -> dict[int, Box] | None:
    """Sky blocks at the top and wall blocks about head-high, in free room between `obstacles`.

    Each goes as near its place in the order of mention (or its zone) as the room allows, at
    `scale` or, where the room is short, smaller (a kite further off); None when they do not fit.
    """
    for shrink in _SHRINKS:
        hung = _hang_at(blocks, scale * shrink, obstacles, inner, floor, width, order)
        if hung is not None:
            return hung
    return None


def _hang_at(blocks: list[Block], scale: float, obstacles: Sequence[Box], inner: Box, floor: float, width: int,
             order: dict[int, float] | None) -> dict[int, Box] | None:
    ix0, iy0, ix1, iy1 = inner
    placed = list(obstacles)
    out: dict[int, Box] = {}
    room = _ROOM * width
    # Without an order, several things share the sky left to right instead of all wanting its middle.
    order = order if order is not None else _ranks(blocks)
    for block in sorted(blocks, key=lambda b: b.first):
        bw, bh = block.width * scale, block.height * scale
        span = ix1 - ix0 - bw
        if span < 0 or bh > floor - iy0:
            return None
        where = order.get(block.first, 0.5)
        low, high = 0.0, 1.0
        if block.x_pref is not None:  # a zone keeps the block on its side
            low, high = {0: (0.0, 0.45), 1: (0.3, 0.7), 2: (0.55, 1.0)}[block.x_pref]
            where = min(max(where, low), high)
        lefts = [ix0 + span * (low + (high - low) * k / _STEPS) for k in range(_STEPS + 1)]
        lefts.sort(key=lambda x: abs(x + bw / 2 - (ix0 + where * (ix1 - ix0))))
        if block.support == staging.WALL:
            wish = iy0 + min(max(0.3 * (floor - iy0) - bh / 2, 0.0), floor - iy0 - bh)
            tops = [wish] + [t for t in (iy0 + (wish - iy0) * k / 4 for k in range(3, -1, -1))]
        else:
            tops = [iy0]
        spot = next(((x, t) for x in lefts for t in tops
                     if not any(_overlaps((x - room, t - room, x + bw + room, t + bh + room), p) for p in placed)),
                    None)
        if spot is None:
            return None
        x, t = spot
        placed.append((x, t, x + bw, t + bh))
        for item, (x0, y0, x1, y1) in block.members.items():
            out[item] = (x + x0 * scale, t + y0 * scale, x + x1 * scale, t + y1 * scale)
    return out


def _overlaps(a: Box, b: Box) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


# -- beside given boxes -----------------------------------------------------------------------------


def beside(blocks: list[Block], fixed: Sequence[Box], ground: float, width: int, height: int,
           max_scale: float) -> dict[int, Box] | None:
    """Pixel boxes for free blocks around the caller's `fixed` boxes (pixels), or None if they do not fit.

    Ground blocks stand on `ground` in the free stretches of it, left to right in the order of
    mention, as large as the given boxes' scale allows; sky and wall blocks hang in the room left.
    """
    inner = (MARGIN * width, MARGIN * height, (1 - MARGIN) * width, ground)
    standing = sorted((b for b in blocks if not _hangs(b)), key=lambda b: b.first)
    hanging = [b for b in blocks if _hangs(b)]
    # An airplane in the sky is far off: its size caps its own scale, never the people's on the ground.
    scale = _framed(standing, max_scale, width, height)
    out: dict[int, Box] = {}
    if standing:
        stretches = _stretches(fixed, ground, inner, width)
        gap = GAP * sorted(b.height for b in standing)[len(standing) // 2]
        scale = _largest_fitting(standing, stretches, gap, scale)
        if scale is None:
            return None
        out = _stand(standing, stretches, gap, scale, ground)
    if hanging:
        obstacles = list(fixed) + list(out.values())
        hung = hang(hanging, _framed(hanging, scale, width, height), obstacles, inner, ground, width)
        if hung is None:
            return None
        out |= hung
    return out


def _framed(blocks: list[Block], scale: float, width: int, height: int) -> float:
    """`scale`, lowered so that no block is larger than a picture would frame it."""
    return min([scale] + [min(MAX_EXTENT * width / b.width, MAX_EXTENT * height / b.height) for b in blocks])


def _stretches(fixed: Sequence[Box], ground: float, inner: Box, width: int) -> list[tuple[float, float, float]]:
    """(left, right, free height) of the stretches of the ground line that no given box stands in.

    A given box blocks the ground when it comes down into the lower half of the room above the
    ground; one higher up (a kite, a painting) only lowers the ceiling of the stretches below it.
    """
    ix0, iy0, ix1, _ = inner
    clear = _ROOM * width
    band = ground - 0.5 * (ground - iy0)
    blockers = sorted((b[0] - clear, b[2] + clear) for b in fixed if b[3] > band and b[1] < ground)
    stretches = []
    left = ix0
    for x0, x1 in blockers + [(ix1, ix1)]:
        right = min(x0, ix1)
        if right - left > 8:
            ceiling = max([b[3] for b in fixed if b[3] <= band and min(b[2], right) > max(b[0], left)], default=iy0)
            stretches.append((left, right, ground - ceiling - clear))
        left = max(left, x1)
    return stretches


def _fits(blocks: list[Block], stretches, gap: float, scale: float) -> list[list[Block]] | None:
    """The blocks, in order, split over the stretches left to right at `scale`; None if they do not fit."""
    groups: list[list[Block]] = [[] for _ in stretches]
    k, used = 0, 0.0
    for block in blocks:
        bw, bh = block.width * scale, block.height * scale
        while k < len(stretches):
            left, right, room = stretches[k]
            need = bw + (gap * scale if groups[k] else 0.0)
            if used + need <= right - left and bh <= room:
                groups[k].append(block)
                used += need
                break
            k, used = k + 1, 0.0
        else:
            return None
    return groups


def _largest_fitting(blocks: list[Block], stretches, gap: float, top: float) -> float | None:
    if not stretches or _fits(blocks, stretches, gap, top * _MIN_SCALE) is None:
        return None
    if _fits(blocks, stretches, gap, top) is not None:
        return top
    low, high = top * _MIN_SCALE, top
    for _ in range(24):
        mid = (low + high) / 2
        low, high = (mid, high) if _fits(blocks, stretches, gap, mid) is not None else (low, mid)
    return low


def _stand(blocks: list[Block], stretches, gap: float, scale: float, ground: float) -> dict[int, Box]:
    out: dict[int, Box] = {}
    for (left, right, _), group in zip(stretches, _fits(blocks, stretches, gap, scale) or [], strict=True):
        if not group:
            continue
        widths = [b.width * scale for b in group]
        space = (right - left - sum(widths)) / (len(group) + 1)
        x = left + space
        for block, bw in zip(group, widths, strict=True):
            top = ground - block.height * scale
            for item, (x0, y0, x1, y1) in block.members.items():
                out[item] = (x + x0 * scale, top + y0 * scale, x + x1 * scale, top + y1 * scale)
            x += bw + space
    return out
