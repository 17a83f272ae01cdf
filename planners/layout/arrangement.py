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

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planners.layout import staging
from planners.layout.attachment import Box
from planners.layout.packing import GAP, MARGIN, MAX_EXTENT, ZONED_EXTENT, Block

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


# -- one ground plane with depth ---------------------------------------------------------------------

DEPTH_SHRINK = 0.86    # each row further back is drawn this much smaller
_FOOT_ROOM = 0.03      # ground below the feet of the front row, of the canvas height
_BELOW = 0.3           # of the spare height, at most this much goes below the front row
_MAX_ROWS = 8
_MAX_HIDDEN = 0.6     # of a thing in a row behind, at most this share is hidden by the ones in front
_ONE_ROW_UP_TO = 4     # up to four things stand side by side on one ground line, as people would
_SQUEEZED = 0.5        # ... unless the tallest of them would be less than this share of the height
_FAR_EXTENT = 0.3      # things said to be far away are at most this share of the height
_HORIZON = 0.62       # where the ground meets the sky, of the height: far things stand on it
_TUCK = 0.75           # in a zigzag, this share of each thing's width is its own; the rest may overlap
_TALL_RISE = 0.3       # a row of people behind another: heads and shoulders above the front row
_SMALL_RISE = 0.65     # a row of apples behind another: half an apple higher


@dataclass
class _Row:
    blocks: list[Block]
    shrink: float      # scale of this row relative to the front one
    slots: list[float] | None = None  # centres (share of the width) when rows interleave left to right


def _order_front_to_back(block: Block) -> tuple[int, int, int]:
    """Front to back: what the zones pull to the bottom, things on the ground in the order they
    were mentioned, scenery, then wall and sky things, then what the zones pull to the top."""
    zone = {2: 0, 0: 2}.get(block.y_pref, 1)  # type: ignore[arg-type]
    kind = 1 if block.scenery else {staging.GROUND: 0, staging.WALL: 2, staging.SKY: 3}[block.support]
    return zone, kind, block.first


def _deal(blocks: list[Block], count: int) -> list[_Row]:
    """Blocks dealt into `count` rows, the smallest in front as in a group photo (among equals, the ones
    mentioned first); scenery always at the back."""
    front = sorted((b for b in blocks if not b.scenery), key=lambda b: (b.height, b.first))
    back = [b for b in blocks if b.scenery]
    if count == 1 or len(front) < count:
        return [_Row(blocks, 1.0)]
    bounds = [round(k * len(front) / count) for k in range(count + 1)]
    rows = [_Row(front[bounds[k]:bounds[k + 1]], DEPTH_SHRINK ** k) for k in range(count)]
    rows[-1].blocks += back
    return rows


def _rise(row: _Row) -> float:
    """How much higher (scene units, front scale) the row behind this one stands."""
    tall = sorted(b.height / max(b.width, 1e-9) for b in row.blocks)[len(row.blocks) // 2] >= 1.5
    heights = sorted(b.height for b in row.blocks)
    return (_TALL_RISE if tall else _SMALL_RISE) * heights[len(heights) // 2] * row.shrink


def _fit(rows: list[_Row], gap: float, avail_w: float, avail_h: float) -> float:
    """The largest front-row scale at which every row fits the width and the whole fits the height."""
    scale = float("inf")
    lift = 0.0
    for depth, row in enumerate(rows):
        row_w = sum(b.width for b in row.blocks) + gap * (len(row.blocks) - 1)
        if depth % 2:  # staggered half a place
            row_w += (row_w + gap) / len(row.blocks) / 2
        scale = min(scale, avail_w / (row_w * row.shrink))
        top = lift + max(b.height for b in row.blocks) * row.shrink
        scale = min(scale, avail_h / top)
        lift += _rise(row)
    return scale


def _candidates(blocks: list[Block], gap: float, avail_w: float, avail_h: float):
    """(scale, rows) for one row and, for more than a few things on the ground, for 2.. rows."""
    one = _fit([_Row(blocks, 1.0)], gap, avail_w, avail_h)
    yield one, [_Row(blocks, 1.0)]
    # A few things stand side by side, unless that squeezes them into a thin band (three boats, a
    # waiter, a woman and a table on a wide canvas): then they stand at different depths too.
    squeezed = one * max(b.height for b in blocks) < _SQUEEZED * avail_h
    if not all(not b.floats for b in blocks) or len(blocks) < 3:
        return
    zoned = any(b.x_pref is not None or b.y_pref is not None for b in blocks)
    if len(blocks) <= _ONE_ROW_UP_TO:
        if squeezed and not zoned:
            yield _zigzag(blocks, gap, avail_w, avail_h)
        return
    most = min(_MAX_ROWS, math.ceil(math.sqrt(len(blocks))) + 1)
    for count in range(2, most + 1):
        rows = _deal(blocks, count)
        if len(rows) == count:
            yield _fit(rows, gap, avail_w, avail_h), rows


def _zigzag(blocks: list[Block], gap: float, avail_w: float, avail_h: float) -> tuple[float, list[_Row]]:
    """Three or four things left to right in the order of mention, every other one a step further back
    (three boats on a lake): larger than in one row, and still read left to right."""
    ordered = sorted(blocks, key=lambda b: b.first)
    shrinks = [1.0 if k % 2 == 0 else DEPTH_SHRINK for k in range(len(ordered))]
    full = [b.width * f for b, f in zip(ordered, shrinks, strict=True)]
    steps = [(a + b) * _TUCK / 2 + gap for a, b in zip(full, full[1:], strict=False)]
    span = full[0] / 2 + sum(steps) + full[-1] / 2
    front, back = _Row(ordered[0::2], 1.0), _Row(ordered[1::2], DEPTH_SHRINK)
    scale = min(avail_w / span, avail_h / max(max(b.height for b in front.blocks),
                                              _rise(front) + max(b.height for b in back.blocks) * DEPTH_SHRINK))
    x = (avail_w - span * scale) / 2 + full[0] / 2 * scale
    centres = [x]
    for step in steps:
        x += step * scale
        centres.append(x)
    centres = [c / avail_w for c in centres]
    front.slots, back.slots = centres[0::2], centres[1::2]
    return scale, [front, back]


def _hidden(boxes: list[Box], index: int) -> float:
    """The largest share of a box that one box lower on the canvas (nearer) covers: the critic's overlap
    rule, which a crowd may come near but not pass."""
    box = boxes[index]
    area = max((box[2] - box[0]) * (box[3] - box[1]), 1e-9)
    return max([_overlap_area(box, other) / area for j, other in enumerate(boxes)
                if j != index and other[3] > box[3] + 1e-9], default=0.0)


def _overlap_area(a: Box, b: Box) -> float:
    return max(min(a[2], b[2]) - max(a[0], b[0]), 0.0) * max(min(a[3], b[3]) - max(a[1], b[1]), 0.0)


def _one_row(count: int) -> float:
    """How much larger a second row must make things: a few things stand side by side even when small."""
    return 1.05 if count <= 4 else 1.5 if count <= 6 else 1.2


def place_blocks(blocks: list[Block], region, width: int, height: int, max_scale: float | None,
                 ground: float | None = None):
    """Blocks inside `region` (pixels) on one ground plane: (the front row's scale, pixel boxes).

    The front row stands on the ground line (`ground`, pixels, or low in the region); rows behind it
    stand a little higher and are drawn smaller, offset half a place so that they show between
    the ones in front (a group photo, a crowd, apples on a cloth). Within a row, blocks keep the
    order they were mentioned in, left to right. Sky and wall blocks alone make one row that hangs
    from the top.
    """
    rx0, ry0, rx1, ry1 = region
    margin_x, margin_y = MARGIN * width, MARGIN * height
    ax0, ay0 = rx0 + margin_x, ry0 + margin_y
    avail_w, avail_h = max(rx1 - rx0 - 2 * margin_x, 1.0), max(ry1 - ry0 - 2 * margin_y, 1.0)
    if ground is not None:
        avail_h = max(min(avail_h, ground - ay0), 1.0)
    blocks = sorted(blocks, key=_order_front_to_back)
    gap = GAP * sorted(b.height for b in blocks)[len(blocks) // 2]
    best = None
    for scale, rows in _candidates(blocks, gap, avail_w, avail_h):
        placed = _placed(rows, scale, gap, ground, ax0, ay0, avail_w, avail_h, width, height, max_scale)
        # The critic's overlap rule decides: rows behind must show; then, the larger the better.
        footprints = [_bounds(list(placed[1][b.first].values())) for row in rows for b in row.blocks]
        if len(rows) > 1 and max(_hidden(footprints, i) for i in range(len(footprints))) > _MAX_HIDDEN:
            continue
        if best is None or placed[0] > best[0] * (_one_row(len(blocks)) if len(best[2]) == 1 else 1.05):
            best = (placed[0], placed[1], rows)
    assert best is not None
    return best[0], {item: box for members in best[1].values() for item, box in members.items()}


def _bounds(boxes: list[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _placed(rows: list[_Row], scale: float, gap: float, ground: float | None, ax0: float, ay0: float,
            avail_w: float, avail_h: float, width: int, height: int, max_scale: float | None):
    """(scale, pixel boxes of each block's members by block) for rows at the largest scale that fits."""
    for row in rows:
        for block in row.blocks:
            limit_w = (ZONED_EXTENT if block.x_pref in (0, 2) else MAX_EXTENT) * width
            limit_h = (_FAR_EXTENT if block.far else ZONED_EXTENT if block.y_pref in (0, 2) else MAX_EXTENT) * height
            scale = min(scale, limit_w / (block.width * row.shrink), limit_h / (block.height * row.shrink))
    if max_scale is not None:
        scale = min(scale, max_scale)
    used = _fit(rows, gap, 1e18, 1.0) ** -1 * scale  # the height the rows take at `scale`
    spare = max(avail_h - used, 0.0)
    if ground is None:
        # A photo taken at eye level: feet a little above the frame's bottom edge, most spare room above
        # them; small things seen from further off stand higher, on ground that recedes.
        floor = ay0 + avail_h - max(min(spare, _FOOT_ROOM * height), _BELOW * spare)
    else:
        floor = ay0 + avail_h
    out: dict[int, dict[int, Box]] = {}
    bottom = floor
    centres: list[float] = []
    for row in rows:
        row_scale = scale * row.shrink
        ordered = _left_to_right_blocks(sorted(row.blocks, key=lambda b: b.first))
        widths = [b.width * row_scale for b in ordered]
        if row.slots is not None:
            ordered = sorted(row.blocks, key=lambda b: b.first)
            widths = [b.width * row_scale for b in ordered]
            lefts = [ax0 + c * avail_w - w / 2 for c, w in zip(row.slots, widths, strict=True)]
        elif centres and all(b.x_pref is None for b in ordered):
            lefts = _between(centres, widths, ax0, avail_w)
        else:
            lefts = None
        if lefts is None:
            lefts = _spread(widths, [b.x_pref for b in ordered], ax0, avail_w)
        centres = [left + w / 2 for left, w in zip(lefts, widths, strict=True)]
        for block, left in zip(ordered, lefts, strict=True):
            bh = block.height * row_scale
            top = _block_top(block, bottom, bh, ay0, avail_h, len(rows) == 1)
            out[block.first] = {item: (left + x0 * row_scale, top + y0 * row_scale, left + x1 * row_scale,
                                       top + y1 * row_scale) for item, (x0, y0, x1, y1) in block.members.items()}
        bottom -= _rise(row) * scale
    return scale, out


def _between(front: list[float], widths: list[float], start: float, avail: float) -> list[float] | None:
    """Left edges that put a row's things between the centres of the row in front (a group photo's
    second row looks between the heads of the first), or None when they do not fit that way."""
    if len(front) < 2 or len(widths) > len(front) + 1:
        return None
    step = (front[-1] - front[0]) / (len(front) - 1)
    if step < max(widths):
        return None
    spots = [front[0] - step / 2 + k * step for k in range(len(front) + 1)]
    while len(spots) > len(widths):  # drop from the ends, keeping the row centred
        spots.pop(0 if spots[0] - start < start + avail - spots[-1] else -1)
    lefts = [c - w / 2 for c, w in zip(spots, widths, strict=True)]
    # A row as long as the one in front sticks out half a place at one end: slide it back in.
    slide = max(start - lefts[0], 0.0) - max(lefts[-1] + widths[-1] - (start + avail), 0.0)
    lefts = [x + slide for x in lefts]
    if lefts[0] < start - 1e-6 or lefts[-1] + widths[-1] > start + avail + 1e-6:
        return None
    return lefts


def _block_top(block: Block, bottom: float, bh: float, ay0: float, avail_h: float, single: bool) -> float:
    """Where a block's top goes in its row: zoned to the top or bottom, hung (sky, wall), or standing."""
    if block.far and block.support == staging.GROUND:
        return min(bottom, ay0 + _HORIZON * avail_h) - bh  # far off: on the horizon, not up in the sky
    if block.y_pref == 0:
        return ay0
    if block.y_pref == 2:
        return ay0 + avail_h - bh
    if single and block.support == staging.SKY:
        return ay0
    if single and block.support == staging.WALL:
        return ay0 + min(max(0.3 * (bottom - ay0) - bh / 2, 0.0), bottom - ay0 - bh)
    return bottom - bh


def _left_to_right_blocks(shelf: list[Block]) -> list[Block]:
    """A row's order: left-zoned blocks first, right-zoned last, centred ones in the middle."""
    plain = [b for b in shelf if b.x_pref is None]
    half = len(plain) // 2
    return ([b for b in shelf if b.x_pref == 0] + plain[:half] + [b for b in shelf if b.x_pref == 1]
            + plain[half:] + [b for b in shelf if b.x_pref == 2])


def _spread(widths: list[float], prefs: list[int | None], start: float, avail: float) -> list[float]:
    """Left edges for widths in a row: evenly spaced, zoned ones pulled to their side, in order."""
    free = max(avail - sum(widths), 0.0)
    space = free / (len(widths) + 1)
    lefts, x = [], start + space
    for w in widths:
        lefts.append(x)
        x += w + space
    for i, pref in enumerate(prefs):
        if pref == 0:
            lefts[i] = start + sum(widths[:i])
        elif pref == 2:
            lefts[i] = start + avail - sum(widths[i:])
        elif pref == 1:
            lefts[i] = start + (avail - widths[i]) / 2
    # Keep the order, a little apart, and on the row after the pulls.
    apart = space / 2
    for i in range(len(lefts)):
        low = start if i == 0 else lefts[i - 1] + widths[i - 1] + apart
        lefts[i] = max(lefts[i], low)
    for i in range(len(lefts) - 1, -1, -1):
        high = start + avail - widths[i] if i == len(lefts) - 1 else lefts[i + 1] - widths[i] - apart
        lefts[i] = min(lefts[i], high)
    return lefts
