"""The layout solver: boxes for instances that satisfy their relations, usable by any planner.

How it places things, in four steps:

1. **Sizes.** Each instance gets a size prior by kind (`planners.priors`: people tall, cars wide,
   cups small; a pose changes a person's shape), in scene units.
2. **Attachments.** Relations that put one thing *at* another (on, inside, under, holding, in
   front of, behind) glue the two into a composite: a cup sits on the saucer, the held umbrella
   at the hand. Each composite is laid out around its root.
3. **Order.** Relations between composites (left of, right of, above, below, next to, between,
   zones such as "on the left") become edges of two acyclic graphs, one per axis; an edge that
   would close a cycle is dropped and reported. Connected composites form a component laid out
   on a grid: the column is the longest path in the x graph, the row the longest path in the y
   graph, so every edge's centres come out ordered. Components are packed on shelves.
4. **Canvas.** One scale fits everything with a margin (ratios between sizes are kept), spare
   room is spread evenly, zones pull components to their side, and each box is made at least
   8 px each way and rounded outward to 4 decimals.

Boxes given by the caller (`LayoutItem.box`) are never moved: things attached to them are placed
around them, and everything else is laid out in the largest empty region left between them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from planners import priors
from scenes.model import MIN_BOX_PIXELS

Box = tuple[float, float, float, float]

# Relations, read as "subject RELATION object" ("a cup on a saucer": cup on saucer).
HORIZONTAL = ("left of", "right of")
VERTICAL = ("above", "below")
ATTACHING = ("on", "inside", "under", "holding", "in front of", "behind")
RELATIONS = HORIZONTAL + VERTICAL + ATTACHING + ("next to", "between")
X_ZONES = ("left", "center", "right")
Y_ZONES = ("top", "back", "front", "bottom")

_MARGIN = 0.04          # of the canvas, all round
_MAX_EXTENT = 0.82      # no composite larger than this fraction of the canvas
_ZONED_EXTENT = 0.46    # a zoned component stays within its half
_GAP = 0.12             # between neighbours, as a fraction of the median composite height
_ROUND = 4


@dataclass(frozen=True)
class LayoutItem:
    """One instance to place. `box` set: fixed, never moved. `zone`: (x, y) canvas region."""

    name: str
    pose: str | None = None
    box: Box | None = None
    zone: tuple[str | None, str | None] = (None, None)
    prior: priors.SizePrior | None = None


@dataclass(frozen=True)
class LayoutRelation:
    subject: int
    kind: str
    object: int
    third: int | None = None  # the second object of "between"

    def __post_init__(self) -> None:
        if self.kind not in RELATIONS:
            raise ValueError(f"unknown relation '{self.kind}' (known: {', '.join(RELATIONS)})")


@dataclass
class Layout:
    boxes: list[Box]
    dropped: list[LayoutRelation] = field(default_factory=list)  # relations the boxes do not satisfy


# -- checking ---------------------------------------------------------------------------------


def centre(box: Sequence[float]) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _x_overlap(a: Sequence[float], b: Sequence[float]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0])


def relation_holds(kind: str, subject: Sequence[float], obj: Sequence[float],
                   third: Sequence[float] | None = None) -> bool:
    """Whether boxes satisfy a relation, judged by centres (GenEval-style, no margin)."""
    (sx, sy), (ox, oy) = centre(subject), centre(obj)
    if kind == "left of":
        return sx < ox
    if kind == "right of":
        return sx > ox
    if kind == "above":
        return sy < oy
    if kind == "below":
        return sy > oy
    if kind == "on":
        return sy < oy and obj[0] <= sx <= obj[2]
    if kind == "under":
        return sy > oy and obj[0] <= sx <= obj[2]
    if kind == "inside":
        return obj[0] <= sx <= obj[2] and obj[1] <= sy <= obj[3]
    if kind == "holding":
        return _touching(subject, obj)
    if kind == "in front of":
        return subject[3] > obj[3] and _x_overlap(subject, obj)
    if kind == "behind":
        return subject[3] < obj[3] and _x_overlap(subject, obj)
    if kind == "next to":
        return min(subject[3], obj[3]) > max(subject[1], obj[1])  # side by side: their heights overlap
    if kind == "between":
        if third is None:
            return False
        tx = centre(third)[0]
        return min(ox, tx) < sx < max(ox, tx)
    raise ValueError(f"unknown relation '{kind}'")


def _touching(a: Sequence[float], b: Sequence[float], slack: float = 0.02) -> bool:
    return (min(a[2], b[2]) + slack >= max(a[0], b[0])) and (min(a[3], b[3]) + slack >= max(a[1], b[1]))


# -- step 1: sizes ----------------------------------------------------------------------------


def _size(item: LayoutItem) -> tuple[float, float, str]:
    prior = item.prior or priors.prior_for(item.name, item.pose)
    height = prior.height
    if item.zone[1] == "back":
        height *= 0.75
    elif item.zone[1] == "front":
        height *= 1.15
    return prior.aspect * height, height, prior.category


# -- step 2: attachments ----------------------------------------------------------------------


@dataclass
class _Attachment:
    child: int
    parent: int
    kind: str


def _attachments(items: Sequence[LayoutItem], relations: Sequence[LayoutRelation],
                 sizes: list[tuple[float, float, str]]) -> dict[int, _Attachment]:
    """Which item is glued to which: child -> attachment. Fixed items are never children."""
    attached: dict[int, _Attachment] = {}

    def root_of(index: int) -> int:
        while index in attached:
            index = attached[index].parent
        return index

    for relation in relations:
        if relation.kind not in ATTACHING:
            continue
        child, parent = relation.subject, relation.object
        if relation.kind == "holding":
            child, parent = parent, child  # the held thing goes to the holder's hand
        if child == parent or child in attached or items[child].box is not None or root_of(parent) == child:
            continue
        if relation.kind == "under" and not _fits_under(sizes[child], sizes[parent]):
            continue  # too big to go beneath: becomes "below"
        attached[child] = _Attachment(child, parent, relation.kind)
    return attached


def _fits_under(child: tuple[float, float, str], parent: tuple[float, float, str]) -> bool:
    return child[0] <= 0.9 * parent[0] and child[1] <= 0.7 * parent[1]


def _place_children(parent_box: Box, children: list[_Attachment], sizes, out: dict[int, Box]) -> None:
    """Boxes (scene units, any origin) for the children of one placed parent."""
    px0, py0, px1, py1 = parent_box
    pw, ph = px1 - px0, py1 - py0
    by_kind: dict[str, list[_Attachment]] = {}
    for child in children:
        by_kind.setdefault(child.kind, []).append(child)
    parent_category = sizes[children[0].parent][2]
    for kind, group in by_kind.items():
        count = len(group)
        for slot, attachment in enumerate(group):
            cw, ch, category = sizes[attachment.child]
            if kind == "on":
                riding = category == priors.PERSON and parent_category in (priors.ANIMAL, priors.VEHICLE)
                cw, ch = _shrink(cw, ch, max_w=1.2 * pw / count if not riding else 2 * pw)
                cx = px0 + (slot + 0.5) * pw / count
                bottom = py0 + (0.55 if riding else 0.2) * ph
                box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
            elif kind == "under":
                cw, ch = _shrink(cw, ch, max_w=0.9 * pw / count, max_h=0.7 * ph)
                cx = px0 + (slot + 0.5) * pw / count
                box = (cx - cw / 2, py1 - ch, cx + cw / 2, py1)
            elif kind == "inside":
                cw, ch = _shrink(cw, ch, max_w=0.85 * pw / count, max_h=1.3 * ph)
                cx = px0 + (slot + 0.5) * pw / count
                bottom = py1 - 0.12 * ph
                box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
            elif kind == "holding":
                cw, ch = _shrink(cw, ch, max_w=pw * 1.2, max_h=0.6 * ph)
                side = px1 if slot % 2 == 0 else px0  # the hand on the image's right first
                cy = py0 + 0.5 * ph + (slot // 2) * 0.15 * ph
                box = (side - cw / 2, cy - ch / 2, side + cw / 2, cy + ch / 2)
            elif kind == "in front of":
                offset = (0.25 if slot % 2 == 0 else -0.25) * pw * (1 + slot // 2)
                cx = (px0 + px1) / 2 + offset
                bottom = py1 + 0.12 * ch
                box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
            else:  # behind
                cw, ch = cw * 0.85, ch * 0.85
                offset = (0.3 if slot % 2 == 0 else -0.3) * pw * (1 + slot // 2)
                cx = (px0 + px1) / 2 + offset
                bottom = py1 - 0.25 * ph
                box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
            out[attachment.child] = box


def _shrink(w: float, h: float, *, max_w: float = math.inf, max_h: float = math.inf) -> tuple[float, float]:
    factor = min(1.0, max_w / w if w > 0 else 1.0, max_h / h if h > 0 else 1.0)
    return w * factor, h * factor


def _composite(root: int, sizes, children_of: dict[int, list[_Attachment]],
               root_box: Box | None = None) -> dict[int, Box]:
    """Boxes of a root and everything attached to it, in scene units (root at the origin)."""
    w, h, _ = sizes[root]
    boxes: dict[int, Box] = {root: root_box or (0.0, 0.0, w, h)}
    queue = [root]
    while queue:
        parent = queue.pop(0)
        kids = children_of.get(parent, [])
        if kids:
            _place_children(boxes[parent], kids, sizes, boxes)
            queue.extend(k.child for k in kids)
    return boxes


def _bounds(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


# -- step 3: order ----------------------------------------------------------------------------


class _Graph:
    """A DAG over composites; an edge that would close a cycle is refused."""

    def __init__(self, nodes: Sequence[int]):
        self.out: dict[int, set[int]] = {n: set() for n in nodes}

    def reaches(self, start: int, goal: int) -> bool:
        seen, stack = {start}, [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for nxt in self.out[node]:
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


def _zone_rank(zone: str | None, axis: str) -> int | None:
    if zone is None:
        return None
    if axis == "x":
        return X_ZONES.index(zone) if zone in X_ZONES else None
    return {"top": 0, "back": 0, "front": 2, "bottom": 2}.get(zone)


# -- step 4: the canvas -----------------------------------------------------------------------


@dataclass
class _Block:
    """A component: composites on a grid, in scene units, with its preferred side of the canvas."""

    members: dict[int, Box]           # item -> box, block origin at (0, 0)
    width: float
    height: float
    first: int                        # earliest item, to keep the order of mention
    x_pref: int | None = None         # 0 left, 1 centre, 2 right
    y_pref: int | None = None         # 0 top, 2 bottom
    floats: bool = False              # sky things sit high when nothing else says where


def solve(items: Sequence[LayoutItem], relations: Sequence[LayoutRelation] = (), *,
          width: int = 512, height: int = 512) -> Layout:
    """Boxes (canvas fractions, [x0, y0, x1, y1], y down) for `items`, honouring `relations`."""
    n = len(items)
    if n == 0:
        return Layout([])
    for relation in relations:
        for index in (relation.subject, relation.object, relation.third):
            if index is not None and not 0 <= index < n:
                raise ValueError(f"relation {relation} refers to item {index}; there are {n}")
    sizes = [_size(item) for item in items]
    attached = _attachments(items, relations, sizes)
    children_of: dict[int, list[_Attachment]] = {}
    for attachment in sorted(attached.values(), key=lambda a: a.child):
        children_of.setdefault(attachment.parent, []).append(attachment)

    def root_of(index: int) -> int:
        while index in attached:
            index = attached[index].parent
        return index

    px: dict[int, Box] = {}  # final boxes in pixels
    fixed_roots = [i for i in range(n) if items[i].box is not None]
    scale = None
    if fixed_roots:
        scale = _scale_of_fixed(items, sizes, fixed_roots, width, height)
        for root in fixed_roots:
            x0, y0, x1, y1 = items[root].box  # type: ignore[misc]
            pixel_box = (x0 * width, y0 * height, x1 * width, y1 * height)
            # Work in pixels directly: a composite around a fixed box, children scaled to match.
            scaled = [(w * scale, h * scale, c) for w, h, c in sizes]
            scaled[root] = (pixel_box[2] - pixel_box[0], pixel_box[3] - pixel_box[1], sizes[root][2])
            for member, box in _composite(root, scaled, children_of, root_box=pixel_box).items():
                px[member] = box
    free_roots = [i for i in range(n) if i not in attached and items[i].box is None]
    region = (0.0, 0.0, float(width), float(height))
    if fixed_roots:
        region = _free_region([items[i].box for i in fixed_roots], width, height)  # type: ignore[misc]
    if free_roots:
        px.update(_lay_out(free_roots, items, relations, sizes, children_of, root_of, region, width, height,
                           max_scale=scale))
    boxes = [_finish(px[i], width, height, fixed=items[i].box) for i in range(n)]
    dropped = [r for r in relations
               if not relation_holds(r.kind, boxes[r.subject], boxes[r.object],
                                     boxes[r.third] if r.third is not None else None)]
    return Layout(boxes, dropped)


def _scale_of_fixed(items, sizes, fixed: list[int], width: int, height: int) -> float:
    """Pixels per scene unit implied by the boxes the caller fixed (their median)."""
    ratios = []
    for index in fixed:
        x0, y0, x1, y1 = items[index].box
        w, h, _ = sizes[index]
        ratios.append(math.sqrt(((x1 - x0) * width * (y1 - y0) * height) / (w * h)))
    ratios.sort()
    return ratios[len(ratios) // 2]


def _free_region(fixed: list[Box], width: int, height: int, cells: int = 24) -> tuple[float, float, float, float]:
    """The largest empty rectangle (pixels) between fixed boxes, or the whole canvas if it is small."""
    occupied = [[False] * cells for _ in range(cells)]
    for x0, y0, x1, y1 in fixed:
        for row in range(cells):
            cy = (row + 0.5) / cells
            if y0 - 0.5 / cells < cy < y1 + 0.5 / cells:
                for col in range(cells):
                    cx = (col + 0.5) / cells
                    if x0 - 0.5 / cells < cx < x1 + 0.5 / cells:
                        occupied[row][col] = True
    best, best_area = None, 0.0
    heights = [0] * cells
    for row in range(cells):
        for col in range(cells):
            heights[col] = 0 if occupied[row][col] else heights[col] + 1
        for left in range(cells):
            run = math.inf
            for right in range(left, cells):
                run = min(run, heights[right])
                if run == 0:
                    break
                area = (right - left + 1) * width * run * height
                if area > best_area:
                    best_area, best = area, (left, row - run + 1, right + 1, row + 1)
    if best is None or best_area < 0.12 * cells * cells * width * height:
        return 0.0, 0.0, float(width), float(height)
    c0, r0, c1, r1 = best
    return c0 * width / cells, r0 * height / cells, c1 * width / cells, r1 * height / cells


def _lay_out(roots, items, relations, sizes, children_of, root_of, region, width, height, max_scale):
    """Pixel boxes for free roots (and everything attached to them) inside `region`."""
    composites = {root: _composite(root, sizes, children_of) for root in roots}
    extent = {root: _bounds(list(c.values())) for root, c in composites.items()}
    graph_x, graph_y = _Graph(roots), _Graph(roots)
    linked: dict[int, set[int]] = {root: set() for root in roots}

    def edge(graph: _Graph, a: int, b: int) -> None:
        if a in linked and b in linked and graph.add(a, b):
            linked[a].add(b)
            linked[b].add(a)

    soft = []
    for relation in relations:
        s, o = root_of(relation.subject), root_of(relation.object)
        kind = relation.kind
        if kind in ATTACHING and s == o:
            continue  # glued into one composite already
        if kind == "left of" or kind == "right of":
            a, b = (s, o) if kind == "left of" else (o, s)
            edge(graph_x, a, b)
        elif kind in ("above", "on"):
            edge(graph_y, s, o)
        elif kind in ("below", "under"):
            edge(graph_y, o, s)
        elif kind == "between" and relation.third is not None:
            t = root_of(relation.third)
            if s in linked and o in linked and t in linked and not graph_x.reaches(s, o) and not graph_x.reaches(t, s):
                edge(graph_x, o, s)
                edge(graph_x, s, t)
        else:
            soft.append((o, s))  # next to, and attachments that could not glue: side by side
    _zone_edges(roots, items, root_of, graph_x, graph_y, edge)
    for a, b in soft:
        if a != b and not graph_x.reaches(b, a) and not graph_x.reaches(a, b):
            edge(graph_x, a, b)

    blocks = [_block(component, composites, extent, graph_x, graph_y, items, sizes)
              for component in _components(roots, linked)]
    return _place_blocks(blocks, region, width, height, max_scale)


def _zone_edges(roots, items, root_of, graph_x, graph_y, edge) -> None:
    """Zoned composites are ordered among themselves: everything 'left' before everything 'right'."""
    for axis, graph in (("x", graph_x), ("y", graph_y)):
        ranked = []
        for root in roots:
            ranks = [_zone_rank(items[i].zone[0 if axis == "x" else 1], axis) for i in range(len(items))
                     if root_of(i) == root]
            ranks = [r for r in ranks if r is not None]
            if ranks:
                ranked.append((min(ranks), root))
        for rank_a, a in ranked:
            for rank_b, b in ranked:
                if rank_a < rank_b:
                    edge(graph, a, b)


def _components(roots: list[int], linked: dict[int, set[int]]) -> list[list[int]]:
    seen: set[int] = set()
    out = []
    for root in roots:
        if root in seen:
            continue
        stack, component = [root], []
        seen.add(root)
        while stack:
            node = stack.pop()
            component.append(node)
            for nxt in linked[node]:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        out.append(sorted(component))
    return out


def _block(component, composites, extent, graph_x, graph_y, items, sizes) -> _Block:
    """Lay one component out on its grid (scene units)."""
    columns = graph_x.layers(component)
    rows = graph_y.layers(component)
    has_x_edges = any(graph_x.out[r] for r in component)
    cells: dict[tuple[int, int], list[int]] = {}
    for root in component:
        cells.setdefault((columns[root], rows[root]), []).append(root)
    heights = sorted(extent[r][3] - extent[r][1] for r in component)
    gap = _GAP * heights[len(heights) // 2]
    # Each cell holds its composites on a small grid of equal slots.
    cell_grid: dict[tuple[int, int], tuple[int, int, float, float]] = {}
    for key, members in cells.items():
        slot_w = max(extent[m][2] - extent[m][0] for m in members)
        slot_h = max(extent[m][3] - extent[m][1] for m in members)
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
    for (col, row), roots_here in cells.items():
        cols, nrows, slot_w, slot_h = cell_grid[(col, row)]
        cell_w = cols * slot_w + (cols - 1) * gap
        cell_h = nrows * slot_h + (nrows - 1) * gap
        left = col_x[col] + (col_w[col] - cell_w) / 2
        # Side-by-side relations are judged by centres: line centres up; otherwise stand on the ground.
        top = row_y[row] + ((row_h[row] - cell_h) / 2 if has_x_edges else row_h[row] - cell_h)
        for slot, root in enumerate(roots_here):
            sc, sr = slot % cols, slot // cols
            ex0, ey0, ex1, ey1 = extent[root]
            ew, eh = ex1 - ex0, ey1 - ey0
            ox = left + sc * (slot_w + gap) + (slot_w - ew) / 2 - ex0
            oy = top + sr * (slot_h + gap) + ((slot_h - eh) / 2 if has_x_edges else slot_h - eh) - ey0
            for item, (x0, y0, x1, y1) in composites[root].items():
                members[item] = (x0 + ox, y0 + oy, x1 + ox, y1 + oy)
    block_w = col_x[-1] + col_w[-1]
    block_h = row_y[-1] + row_h[-1]
    x_ranks = [_zone_rank(items[i].zone[0], "x") for i in members]
    y_ranks = [_zone_rank(items[i].zone[1], "y") for i in members]
    return _Block(members, block_w, block_h, min(members),
                  x_pref=_preference(x_ranks), y_pref=_preference(y_ranks),
                  floats=all(sizes[i][2] == priors.SKY for i in component))


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


def _place_blocks(blocks: list[_Block], region, width: int, height: int, max_scale: float | None):
    """Shelve the blocks inside `region` (pixels) at one scale; pixel boxes of every member."""
    rx0, ry0, rx1, ry1 = region
    margin_x, margin_y = _MARGIN * width, _MARGIN * height
    ax0, ay0 = rx0 + margin_x, ry0 + margin_y
    avail_w, avail_h = max(rx1 - rx0 - 2 * margin_x, 1.0), max(ry1 - ry0 - 2 * margin_y, 1.0)
    blocks = sorted(blocks, key=lambda b: (b.x_pref if b.x_pref is not None else 1, b.first))
    gap = _GAP * sorted(b.height for b in blocks)[len(blocks) // 2]
    best = None
    for n_shelves in range(1, len(blocks) + 1):
        shelves = _shelve(blocks, n_shelves, gap)
        shelf_w = max(sum(b.width for b in shelf) + gap * (len(shelf) - 1) for shelf in shelves)
        total_h = sum(max(b.height for b in shelf) for shelf in shelves) + gap * (len(shelves) - 1)
        scale = min(avail_w / shelf_w, avail_h / total_h)
        if best is None or scale > best[0] * 1.001:
            best = (scale, shelves)
        if n_shelves > 1 and scale < best[0] * 0.7:
            break
    scale, shelves = best
    for block in blocks:
        limit_w = (_ZONED_EXTENT if block.x_pref in (0, 2) else _MAX_EXTENT) * width
        limit_h = (_ZONED_EXTENT if block.y_pref in (0, 2) else _MAX_EXTENT) * height
        scale = min(scale, limit_w / block.width, limit_h / block.height)
    if max_scale is not None:
        scale = min(scale, max_scale)
    out: dict[int, Box] = {}
    shelf_heights = [max(b.height for b in shelf) * scale for shelf in shelves]
    free_h = avail_h - sum(shelf_heights) - gap * scale * (len(shelves) - 1)
    single = len(shelves) == 1
    # Spare height: a little more above than below, as in a photo taken at eye level.
    top = ay0 + (0 if single else free_h * 0.55 / max(len(shelves), 1))
    for shelf, shelf_h in zip(shelves, shelf_heights, strict=True):
        lefts = _spread([b.width * scale for b in shelf], [b.x_pref for b in shelf], ax0, avail_w)
        for block, left in zip(shelf, lefts, strict=True):
            bh = block.height * scale
            if single:
                ground = ay0 + (avail_h - shelf_h) * 0.6 + shelf_h
                if block.y_pref == 0 or (block.floats and block.y_pref is None):
                    block_top = ay0 + (0 if block.y_pref == 0 else (avail_h - bh) * 0.1)
                elif block.y_pref == 2:
                    block_top = ay0 + avail_h - bh
                else:
                    block_top = ground - bh
            else:
                block_top = top + (0 if block.y_pref == 0 or block.floats else shelf_h - bh)
            for item, (x0, y0, x1, y1) in block.members.items():
                out[item] = (left + x0 * scale, block_top + y0 * scale, left + x1 * scale, block_top + y1 * scale)
        top += shelf_h + gap * scale + (0 if single else free_h * 0.45 / max(len(shelves) - 1, 1))
    return out


def _shelve(blocks: list[_Block], n_shelves: int, gap: float) -> list[list[_Block]]:
    """Split blocks, in order, into `n_shelves` rows of about equal width."""
    total = sum(b.width for b in blocks) + gap * (len(blocks) - 1)
    target = total / n_shelves
    shelves: list[list[_Block]] = [[]]
    width = 0.0
    for block in blocks:
        if shelves[-1] and width + gap + block.width / 2 > target and len(shelves) < n_shelves:
            shelves.append([])
            width = 0.0
        width += (gap if shelves[-1] else 0.0) + block.width
        shelves[-1].append(block)
    return shelves


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
            lefts[i] = start + sum(widths[:i]) + space * 0.25 * i
        elif pref == 2:
            lefts[i] = start + avail - sum(widths[i:]) - space * 0.25 * (len(widths) - 1 - i)
        elif pref == 1 and len(widths) == 1:
            lefts[i] = start + (avail - widths[i]) / 2
    # Keep the order and keep them apart after the pulls.
    for i in range(1, len(lefts)):
        lefts[i] = max(lefts[i], lefts[i - 1] + widths[i - 1])
    for i in range(len(lefts) - 2, -1, -1):
        lefts[i] = min(lefts[i], lefts[i + 1] - widths[i])
    return lefts


def _finish(box: Box, width: int, height: int, fixed: Box | None) -> Box:
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


def finish_fraction(box: Sequence[float], width: int, height: int) -> Box:
    """A box in canvas fractions made valid for the canvas: at least 8 px each way, rounded outward."""
    x0, y0, x1, y1 = box
    return _finish((x0 * width, y0 * height, x1 * width, y1 * height), width, height, fixed=None)
