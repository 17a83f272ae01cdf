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

from planners.layout import canvas, priors, staging
from planners.layout.arrangement import arrange, beside
from planners.layout.attachment import (
    ATTACHING,
    Attachment,
    Box,
    Thing,
    attachments,
    bounds,
    composite,
    reading,
    sitters,
)
from planners.layout.packing import MARGIN as _MARGIN
from planners.layout.packing import X_ZONES, Y_ZONES, Block, OrderGraph, finish, lay_out_component, zone_rank

__all__ = ["ATTACHING", "RELATIONS", "X_ZONES", "Y_ZONES", "Layout", "LayoutItem", "LayoutRelation",
           "finish_fraction", "relation_holds", "seated", "solve"]

# Relations, read as "subject RELATION object" ("a cup on a saucer": cup on saucer).
HORIZONTAL = ("left of", "right of")
VERTICAL = ("above", "below")
RELATIONS = HORIZONTAL + VERTICAL + ATTACHING + ("next to", "between", "at", "near")
# What people gather round: three or more "next to" one of these are around it.
_GATHERING_POINTS = frozenset({"table", "dining table", "desk", "counter", "coffee table", "campfire", "fire",
                               "bonfire", "fireplace", "christmas tree", "piano", "grand piano", "tree", "fountain",
                               "cake", "birthday cake", "stove", "grill", "bed"})


@dataclass(frozen=True)
class LayoutItem:
    """One instance to place. `box` set: fixed, never moved. `zone`: (x, y) canvas region."""

    name: str
    pose: str | None = None
    box: Box | None = None
    zone: tuple[str | None, str | None] = (None, None)
    prior: priors.SizePrior | None = None
    support: str | None = None  # staging.GROUND, SKY or WALL; None: by the kind of thing


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
    relations: list[LayoutRelation] = field(default_factory=list)  # the relations as the layout read them
    width: int = 512   # the canvas the boxes were laid out on
    height: int = 512


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
    if kind in ("at", "near", "around"):
        return _touching(subject, obj, slack=0.2 if kind == "near" else 0.1)
    if kind == "between":
        if third is None:
            return False
        tx = centre(third)[0]
        return min(ox, tx) < sx < max(ox, tx)
    raise ValueError(f"unknown relation '{kind}'")


def _touching(a: Sequence[float], b: Sequence[float], slack: float = 0.02) -> bool:
    return (min(a[2], b[2]) + slack >= max(a[0], b[0])) and (min(a[3], b[3]) + slack >= max(a[1], b[1]))


# -- step 1: sizes ----------------------------------------------------------------------------


def seated(items: Sequence[LayoutItem], relations: Sequence[LayoutRelation]) -> set[int]:
    """The people without a pose whom the layout sits down on a seat (a bench, a sofa)."""
    plain = [item.prior or priors.prior_for(item.name, item.pose) for item in items]
    return sitters([item.name.strip().lower() for item in items], [p.category for p in plain],
                   [item.pose for item in items], relations)


def _things(items: Sequence[LayoutItem], relations: Sequence[LayoutRelation]) -> list[Thing]:
    """Each item's size and staging. A person on a seat with no pose sits, and gets a sitting shape."""
    sitting = seated(items, relations)
    things = []
    for index, item in enumerate(items):
        key = item.name.strip().lower()
        pose = "sitting" if index in sitting else item.pose
        prior = item.prior or priors.prior_for(item.name, pose)
        height = prior.height
        if item.zone[1] == "back":
            height *= 0.75
        elif item.zone[1] == "front":
            height *= 1.15
        support = item.support or staging.support(key, prior.category)
        things.append(Thing(prior.aspect * height, height, prior.category, key, pose, support))
    return things


def _as_read(given: LayoutRelation, read: LayoutRelation, attached: dict[int, Attachment]) -> LayoutRelation:
    """A person read as holding a cup that already stands on something stands next to it instead."""
    if read.kind == "holding" and given.kind != "holding":
        glued = attached.get(read.object)
        if glued is None or glued.parent != read.subject:
            return LayoutRelation(read.subject, "next to", read.object)
    return read


def _gatherings(items: Sequence[LayoutItem], relations: Sequence[LayoutRelation]) -> list[LayoutRelation]:
    """Three or more things "next to" one table or campfire are around it (four people at a dinner)."""
    beside: dict[int, list[int]] = {}
    for r in relations:
        if r.kind == "next to":
            beside.setdefault(r.object, []).append(r.subject)
    gathered = {o for o, subjects in beside.items()
                if len(set(subjects)) >= 3 and items[o].name.strip().lower() in _GATHERING_POINTS
                and items[o].box is None}
    return [LayoutRelation(r.subject, "around", r.object) if r.kind == "next to" and r.object in gathered else r
            for r in relations]


def _cut_scenery(things: list[Thing], items: Sequence[LayoutItem], children_of: dict[int, list[Attachment]]) -> None:
    """Trees and buildings no taller than the rest of the picture needs: they reach up out of the frame
    instead of shrinking the people (the boxes run up to the top edge once placed)."""
    scenery = [i for i, t in enumerate(things)
               if items[i].box is None and staging.is_backdrop(t.name, t.category, t.height)]
    rest = [t.height for i, t in enumerate(things)
            if t.support == staging.GROUND and not staging.is_backdrop(t.name, t.category, t.height)]
    if not scenery or not rest:
        return
    for index in scenery:
        thing = things[index]
        aspect = thing.width / thing.height
        cap, wide = 1.2 * max(rest), 0.0
        for attachment in children_of.get(index, []):
            child = things[attachment.child]
            if attachment.kind == "under":  # what stands under a tree still fits beneath its crown
                cap = max(cap, child.height / 0.7, child.width / (1.5 * aspect))
            elif attachment.kind in ("in front of", "behind"):  # a building stays wider than the taxi before it
                wide = max(wide, 1.2 * child.width)
        if thing.height > cap:
            things[index] = thing._replace(width=min(max(cap * aspect, wide), thing.width), height=cap,
                                           reaches_up=True)


# -- solving -------------------------------------------------------------------------------------


def solve(items: Sequence[LayoutItem], relations: Sequence[LayoutRelation] = (), *,
          width: int = 512, height: int = 512, fit_canvas: bool = False) -> Layout:
    """Boxes (canvas fractions, [x0, y0, x1, y1], y down) for `items`, honouring `relations`.

    With `fit_canvas` (the user named no size) the canvas takes the shape the scene asks for, and
    `Layout.width` / `Layout.height` say which; otherwise they are `width` and `height`.
    """
    n = len(items)
    if n == 0:
        return Layout([], relations=list(relations), width=width, height=height)
    for relation in relations:
        for index in (relation.subject, relation.object, relation.third):
            if index is not None and not 0 <= index < n:
                raise ValueError(f"relation {relation} refers to item {index}; there are {n}")
    relations = _gatherings(items, relations)
    sizes = _things(items, relations)
    attached = attachments([item.box is not None for item in items], relations, sizes)
    children_of: dict[int, list[Attachment]] = {}
    for attachment in sorted(attached.values(), key=lambda a: a.child):
        children_of.setdefault(attachment.parent, []).append(attachment)
    _cut_scenery(sizes, items, children_of)

    def root_of(index: int) -> int:
        while index in attached:
            index = attached[index].parent
        return index

    left_of = {(r.subject, r.object) if r.kind == "left of" else (r.object, r.subject)
               for r in relations if r.kind in HORIZONTAL}
    px: dict[int, Box] = {}  # final boxes in pixels
    fixed_roots = [i for i in range(n) if items[i].box is not None]
    scale = None
    if fixed_roots:
        scale = _scale_of_fixed(items, sizes, fixed_roots, width, height)
        for root in fixed_roots:
            x0, y0, x1, y1 = items[root].box  # type: ignore[misc]
            pixel_box = (x0 * width, y0 * height, x1 * width, y1 * height)
            # Work in pixels directly: a composite around a fixed box, children scaled to match.
            scaled = [t._replace(width=t.width * scale, height=t.height * scale) for t in sizes]
            scaled[root] = scaled[root]._replace(width=pixel_box[2] - pixel_box[0], height=pixel_box[3] - pixel_box[1])
            for member, box in composite(root, scaled, children_of, left_of, root_box=pixel_box).items():
                px[member] = box
    free_roots = [i for i in range(n) if i not in attached and items[i].box is None]
    if free_roots:
        blocks = _blocks(free_roots, items, relations, sizes, children_of, left_of, root_of)
        if fit_canvas and not fixed_roots:
            width, height = canvas.shape_for(canvas.natural_aspect(blocks))
        if fixed_roots:
            px.update(_around_fixed(blocks, [px[i] for i in fixed_roots],
                                    [sizes[i].support == staging.GROUND for i in fixed_roots], width, height, scale))
        else:
            px.update(arrange(blocks, (0.0, 0.0, float(width), float(height)), width, height, None))
    boxes = [finish(px[i], width, height, fixed=items[i].box) for i in range(n)]
    _reach_up(boxes, sizes, items, relations, width, height)
    _lift_sky(boxes, sizes, [i for i in free_roots if sizes[i].support == staging.SKY], root_of, relations, height)
    _keep_depth(boxes, relations, attached, height)
    read = [_as_read(r, reading(r, sizes), attached) for r in relations]
    dropped = [r for r in read
               if not relation_holds(r.kind, boxes[r.subject], boxes[r.object],
                                     boxes[r.third] if r.third is not None else None)]
    return Layout(boxes, dropped, relations=read, width=width, height=height)


_FLOOR = 0.07  # where the ground line is when nothing says, from the bottom edge (of the height)


def _around_fixed(blocks, fixed: list[Box], grounded: list[bool], width: int, height: int,
                  scale: float) -> dict[int, Box]:
    """Free blocks around the caller's boxes (pixels): on their ground line beside them where there is
    room, else in the largest empty rectangle they leave."""
    standing = sorted(b[3] for b, on_ground in zip(fixed, grounded, strict=True) if on_ground)
    ground = min(standing[len(standing) // 2], 0.98 * height) if standing else None
    placed = beside(blocks, fixed, ground if ground is not None else height * (1 - _FLOOR), width, height, scale)
    if placed is not None:
        return placed
    fractions = [(x0 / width, y0 / height, x1 / width, y1 / height) for x0, y0, x1, y1 in fixed]
    region = _free_region(fractions, width, height, ground if ground is not None else height * (1 - _FLOOR))
    if ground is not None and not region[1] < ground <= region[3] + 1e-6:
        ground = None  # no room on the given ground line: stand on the free region's own floor
    return arrange(blocks, region, width, height, scale, ground)


def _keep_depth(boxes: list[Box], relations, attached: dict[int, Attachment], height: int) -> None:
    """Tiny boxes grow to 8 px about their centre, which can carry a bottom edge past the one a thing
    stands in front of (or behind); such a child moves the pixel or two back."""
    step = 1 / height
    for r in relations:
        if r.kind not in ("in front of", "behind") or attached.get(r.subject) is None \
                or attached[r.subject].parent != r.object or relation_holds(r.kind, boxes[r.subject], boxes[r.object]):
            continue
        x0, y0, x1, y1 = boxes[r.subject]
        target = boxes[r.object][3] + (step if r.kind == "in front of" else -step)
        shift = max(min(target - y1, 1.0 - y1), -y0)
        shift = (math.ceil if shift > 0 else math.floor)(shift * height * 10**4) / (height * 10**4)
        boxes[r.subject] = (x0, round(y0 + shift, 4), x1, round(y1 + shift, 4))


def _lift_sky(boxes: list[Box], sizes: list[Thing], roots: list[int], root_of, relations, height: int) -> None:
    """Sky things that a row of ground things left at its top edge go up to the top of the picture,
    where nothing is above them and no left/right relation would then lean (judged with a margin)."""
    for root in roots:
        if any(root_of(r.subject) == root or root_of(r.object) == root for r in relations
               if r.kind in HORIZONTAL + VERTICAL + ("between",)):
            continue
        members = [i for i in range(len(boxes)) if root_of(i) == root]
        x0, y0 = min(boxes[m][0] for m in members), min(boxes[m][1] for m in members)
        x1 = max(boxes[m][2] for m in members)
        ceiling = max([b[3] + _MARGIN for j, b in enumerate(boxes)
                       if j not in members and b[3] <= y0 + 1e-9 and min(b[2], x1) > max(b[0], x0)], default=_MARGIN)
        lift = math.floor((y0 - ceiling) * height) / height
        if lift <= 0:
            continue
        before = {m: boxes[m] for m in members}
        for m in members:
            bx0, by0, bx1, by1 = boxes[m]
            boxes[m] = (bx0, round(by0 - lift, 4), bx1, round(by1 - lift, 4))
        involved = [r for r in relations if r.subject in before or r.object in before]
        if not all(relation_holds(r.kind, boxes[r.subject], boxes[r.object]) for r in involved):
            for m, box in before.items():
                boxes[m] = box


def _reach_up(boxes: list[Box], sizes: list[Thing], items, relations, width: int, height: int) -> None:
    """Scenery cut to scale runs up to the top edge, or to the lowest thing above it, so that it reads
    as a tree or house too big for the frame; unless that breaks one of its relations."""
    for index, thing in enumerate(sizes):
        if not thing.reaches_up or items[index].box is not None:
            continue
        x0, y0, x1, y1 = boxes[index]
        ceiling = max([b[3] for j, b in enumerate(boxes)
                       if j != index and b[3] <= y0 + 1e-9 and min(b[2], x1) > max(b[0], x0)], default=0.0)
        if ceiling >= y0:
            continue
        before = boxes[index]
        boxes[index] = finish_fraction((x0, ceiling, x1, y1), width, height)
        involved = [r for r in relations if index in (r.subject, r.object, r.third)]
        if any(relation_holds(r.kind, before if r.subject == index else boxes[r.subject],
                              before if r.object == index else boxes[r.object],
                              None if r.third is None else (before if r.third == index else boxes[r.third]))
               and not relation_holds(r.kind, boxes[r.subject], boxes[r.object],
                                      None if r.third is None else boxes[r.third]) for r in involved):
            boxes[index] = before


def _scale_of_fixed(items, sizes, fixed: list[int], width: int, height: int) -> float:
    """Pixels per scene unit implied by the boxes the caller fixed (their median). A box drawn wider or
    taller than its thing is shaped says as much as its other side: the thing fits inside it."""
    ratios = []
    for index in fixed:
        x0, y0, x1, y1 = items[index].box
        w, h = sizes[index].width, sizes[index].height
        ratios.append(min((x1 - x0) * width / w, (y1 - y0) * height / h))
    ratios.sort()
    return ratios[len(ratios) // 2]


def _free_region(fixed: list[Box], width: int, height: int, ground: float,
                 cells: int = 24) -> tuple[float, float, float, float]:
    """The empty rectangle (pixels) between fixed boxes where free things go, or the whole canvas.

    Things stand on the ground, so a rectangle that reaches down to the ground line (`ground`,
    pixels) is worth three times one that floats above it: the largest by that measure wins.
    """
    occupied = [[False] * cells for _ in range(cells)]
    for x0, y0, x1, y1 in fixed:
        for row in range(cells):
            cy = (row + 0.5) / cells
            if y0 - 0.5 / cells < cy < y1 + 0.5 / cells:
                for col in range(cells):
                    cx = (col + 0.5) / cells
                    if x0 - 0.5 / cells < cx < x1 + 0.5 / cells:
                        occupied[row][col] = True
    ground_row = min(max(math.ceil(ground / height * cells) - 1, 0), cells - 1)
    best, best_score = None, 0.0
    heights = [0] * cells
    for row in range(cells):
        for col in range(cells):
            heights[col] = 0 if occupied[row][col] else heights[col] + 1
        grounded = 1.0 if row >= ground_row else 1 / 3
        for left in range(cells):
            run = math.inf
            for right in range(left, cells):
                run = min(run, heights[right])
                if run == 0:
                    break
                score = (right - left + 1) * width * run * height * grounded
                if score > best_score:
                    best_score, best = score, (left, row - run + 1, right + 1, row + 1)
    if best is None or best_score < 0.12 * cells * cells * width * height / 3:
        return 0.0, 0.0, float(width), float(height)
    c0, r0, c1, r1 = best
    return c0 * width / cells, r0 * height / cells, c1 * width / cells, r1 * height / cells


def _blocks(roots, items, relations, sizes, children_of, left_of, root_of) -> list[Block]:
    """The free roots (and everything attached to them) as blocks: related ones on one grid each."""
    composites = {root: composite(root, sizes, children_of, left_of) for root in roots}
    extent = {root: bounds(list(c.values())) for root, c in composites.items()}
    graph_x, graph_y = OrderGraph(roots), OrderGraph(roots)
    linked: dict[int, set[int]] = {root: set() for root in roots}

    def edge(graph: OrderGraph, a: int, b: int) -> None:
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
            # Next to, and attachments that could not glue: side by side, in the order they were mentioned.
            soft.append((s, o) if relation.subject < relation.object else (o, s))
    _zone_edges(roots, items, root_of, graph_x, graph_y, edge)
    for a, b in soft:
        if a != b and not graph_x.reaches(b, a) and not graph_x.reaches(a, b):
            edge(graph_x, a, b)

    return [lay_out_component(component, composites, extent, graph_x, graph_y, items, sizes)
            for component in _components(roots, linked)]


def _zone_edges(roots, items, root_of, graph_x, graph_y, edge) -> None:
    """Zoned composites are ordered among themselves: everything 'left' before everything 'right'."""
    for axis, graph in (("x", graph_x), ("y", graph_y)):
        ranked = []
        for root in roots:
            ranks = [zone_rank(items[i].zone[0 if axis == "x" else 1], axis) for i in range(len(items))
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




















def finish_fraction(box: Sequence[float], width: int, height: int) -> Box:
    """A box in canvas fractions made valid for the canvas: at least 8 px each way, rounded outward."""
    x0, y0, x1, y1 = box
    return finish((x0 * width, y0 * height, x1 * width, y1 * height), width, height, fixed=None)
