"""Composites onto the canvas: a grid per group of related composites, shelves, one scale.

`OrderGraph` keeps the left/right and above/below order of composites acyclic; each connected
group is laid out on a grid whose column and row are longest paths in those graphs, so every
ordered pair of centres comes out ordered. The groups (blocks) are then packed on shelves at
one scale that fits the canvas with a margin, spare room is spread evenly, zones pull blocks to
their side, and every box is made at least 8 px each way and rounded outward.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planners.layout import staging
from planners.layout.attachment import Box
from scenes.model import MIN_BOX_PIXELS

X_ZONES = ("left", "center", "right")
Y_ZONES = ("top", "back", "front", "bottom")

MARGIN = 0.04          # of the canvas, all round
MAX_EXTENT = 0.82      # no composite larger than this fraction of the canvas
ZONED_EXTENT = 0.46     # a zoned block stays within its half
GAP = 0.12             # between neighbours, as a fraction of the median composite height
_ROUND = 4              # decimals of the boxes, rounded outward


class OrderGraph:
    """A DAG over composites; an edge that would close a cycle is refused."""

    def __init__(self, nodes: Sequence[int]):
        self.out: dict[int, set[int]] = {n: set() for n in nodes}

    def reaches(self, start: int, goal: int) -> bool:
        seen, stack = {start}, [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for nxt in self.out.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return False

    def add(self, a: int, b: int) -> bool:
        if a == b or self.reaches(b, a):
            return False
        self.out[a].add(b)
        return True

    def layers(self, nodes: Sequence[int]) -> dict[int, int]:
        """Longest-path layer of each node (0 for sources)."""
        indegree = {n: 0 for n in nodes}
        for n in nodes:
            for m in self.out[n]:
                indegree[m] += 1
        layer = {n: 0 for n in nodes}
        ready = [n for n in nodes if indegree[n] == 0]
        while ready:
            n = ready.pop(0)
            for m in sorted(self.out[n]):
                layer[m] = max(layer[m], layer[n] + 1)
                indegree[m] -= 1
                if indegree[m] == 0:
                    ready.append(m)
        return layer


def zone_rank(zone: str | None, axis: str) -> int | None:
    if zone is None:
        return None
    if axis == "x":
        return X_ZONES.index(zone) if zone in X_ZONES else None
    return {"top": 0, "back": 0, "front": 2, "bottom": 2}.get(zone)


@dataclass
class Block:
    """A component: composites on a grid, in scene units, with its preferred side of the canvas."""

    members: dict[int, Box]           # item -> box, block origin at (0, 0)
    width: float
    height: float
    first: int                        # earliest item, to keep the order of mention
    x_pref: int | None = None         # 0 left, 1 centre, 2 right
    y_pref: int | None = None         # 0 top, 2 bottom
    support: str = staging.GROUND     # what its lowest things rest on: the ground line, or the sky or a wall
    scenery: bool = False             # holds a tree or a building: goes behind when there are rows
    far: bool = False                 # said to be far away: stands small, on the horizon

    @property
    def floats(self) -> bool:
        return self.support != staging.GROUND


def lay_out_component(component, composites, extent, graph_x, graph_y, items, sizes) -> Block:
    """Lay one component out on its grid (scene units).

    Within a row of the grid, things on the ground share its bottom line, sky things its top, and
    wall things hang a little above its middle.
    """
    columns = graph_x.layers(component)
    rows = graph_y.layers(component)
    # What nothing puts above or below anything stays on the ground (the lowest row), or in the sky.
    stacked = {r for r in component if graph_y.out[r]} | {m for r in component for m in graph_y.out[r]}
    for root in component:
        if root not in stacked:
            rows[root] = 0 if sizes[root].support == staging.SKY else max(rows.values())
    cells: dict[tuple[int, int], list[int]] = {}
    for root in component:
        cells.setdefault((columns[root], rows[root]), []).append(root)
    heights = sorted(extent[r][3] - extent[r][1] for r in component)
    gap = GAP * heights[len(heights) // 2]
    # Each cell holds its composites on a small grid of equal slots.
    cell_grid: dict[tuple[int, int], tuple[int, int, float, float]] = {}
    for key, members in cells.items():
        slot_w = max(extent[m][2] - extent[m][0] for m in members)
        slot_h = max(extent[m][3] - extent[m][1] for m in members)
        if all(sizes[m].support == staging.GROUND for m in members):
            cols = len(members)  # things on the ground stand side by side, never on each other's heads
        else:
            cols = _grid_columns(len(members), slot_w + gap, slot_h + gap)
        cell_grid[key] = (cols, math.ceil(len(members) / cols), slot_w, slot_h)
    n_cols = max(columns.values()) + 1
    n_rows = max(rows.values()) + 1
    col_w = [0.0] * n_cols
    row_h = [0.0] * n_rows
    for (col, row), (cols, nrows, slot_w, slot_h) in cell_grid.items():
        col_w[col] = max(col_w[col], cols * slot_w + (cols - 1) * gap)
        row_h[row] = max(row_h[row], nrows * slot_h + (nrows - 1) * gap)
    col_x = [sum(col_w[:c]) + c * gap for c in range(n_cols)]
    row_y = [sum(row_h[:r]) + r * gap for r in range(n_rows)]
    members: dict[int, Box] = {}
    lowest: list[int] = []
    for (col, row), roots_here in cells.items():
        cols, nrows, slot_w, slot_h = cell_grid[(col, row)]
        cell_w = cols * slot_w + (cols - 1) * gap
        left = col_x[col] + (col_w[col] - cell_w) / 2
        for slot, root in enumerate(roots_here):
            sc, sr = slot % cols, slot // cols
            ex0, ey0, ex1, ey1 = extent[root]
            ew, eh = ex1 - ex0, ey1 - ey0
            ox = left + sc * (slot_w + gap) + (slot_w - ew) / 2 - ex0
            if nrows == 1:
                oy = _align(sizes[root].support, row_y[row], row_h[row], eh) - ey0
            else:
                oy = row_y[row] + sr * (slot_h + gap) + _align(sizes[root].support, 0.0, slot_h, eh) - ey0
            if row == n_rows - 1:
                # What holds the block up is what its lowest thing stands on (a man in front of a painting: the floor).
                lowest.append(max(composites[root], key=lambda i: composites[root][i][3]))
            for item, (x0, y0, x1, y1) in composites[root].items():
                members[item] = (x0 + ox, y0 + oy, x1 + ox, y1 + oy)
    block_w = col_x[-1] + col_w[-1]
    block_h = row_y[-1] + row_h[-1]
    x_ranks = [zone_rank(items[i].zone[0], "x") for i in members]
    y_ranks = [zone_rank(items[i].zone[1], "y") for i in members]
    supports = {sizes[r].support for r in lowest}
    support = next(s for s in (staging.GROUND, staging.WALL, staging.SKY) if s in supports)
    return Block(members, block_w, block_h, min(members),
                 x_pref=_preference(x_ranks), y_pref=_preference(y_ranks), support=support,
                 far=all(items[i].zone[1] == "back" for i in members),
                 scenery=any(sizes[i].reaches_up for i in members))


def _align(support: str, top: float, room: float, height: float) -> float:
    """The top of a thing `height` tall in a row `room` tall starting at `top`, by what holds it up."""
    if support == staging.SKY:
        return top
    if support == staging.WALL:
        return top + min(max(0.3 * room - height / 2, 0.0), room - height)
    return top + room - height


def _preference(ranks: list[int | None]) -> int | None:
    known = {r for r in ranks if r is not None}
    if len(known) == 1:
        return known.pop()
    return None


def _grid_columns(count: int, slot_w: float, slot_h: float, aspect: float = 1.0) -> int:
    """Columns for `count` equal slots so that the grid is as close to `aspect` as it can be."""
    if count <= 1:
        return 1
    best, best_cost = 1, math.inf
    for cols in range(1, count + 1):
        rows = math.ceil(count / cols)
        cost = abs(math.log((cols * slot_w) / (rows * slot_h) / aspect)) + 0.05 * (cols * rows - count)
        if cost < best_cost:
            best, best_cost = cols, cost
    return best


def finish(box: Box, width: int, height: int, fixed: Box | None) -> Box:
    """Canvas fractions: at least 8 px each way, on the canvas, rounded outward."""
    if fixed is not None:
        return tuple(fixed)  # type: ignore[return-value]
    x0, y0, x1, y1 = box
    x0, x1 = _min_span(x0, x1, width)
    y0, y1 = _min_span(y0, y1, height)
    scale = 10**_ROUND
    fx0 = math.floor(x0 / width * scale) / scale
    fy0 = math.floor(y0 / height * scale) / scale
    fx1 = math.ceil(x1 / width * scale) / scale
    fy1 = math.ceil(y1 / height * scale) / scale
    return (max(fx0, 0.0), max(fy0, 0.0), min(fx1, 1.0), min(fy1, 1.0))


def _min_span(a: float, b: float, size: int) -> tuple[float, float]:
    need = MIN_BOX_PIXELS + 0.5
    if b - a < need:
        mid = (a + b) / 2
        a, b = mid - need / 2, mid + need / 2
    # Slide back onto the canvas (keeping the size), then clip what still sticks out.
    if a < 0:
        a, b = 0.0, b - a
    if b > size:
        a, b = a - (b - size), float(size)
    return max(a, 0.0), min(b, float(size))
