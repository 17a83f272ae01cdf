"""Things glued to things: which item is attached to which, and where attached things go.

A relation that puts one thing *at* another (on, inside, under, holding, in front of, behind)
makes a composite: the child is placed relative to its parent's box (a cup stands on the upper
part of a table, a held umbrella at the hand, a tree behind a house sticks out above it), and
the composite is laid out as one piece. Sizes here are (width, height, category) in scene units.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from planners import priors

Box = tuple[float, float, float, float]
Size = tuple[float, float, str]  # width, height, category

ATTACHING = ("on", "inside", "under", "holding", "in front of", "behind")


@dataclass
class Attachment:
    child: int
    parent: int
    kind: str


def attachments(fixed: Sequence[bool], relations: Sequence, sizes: list[Size]) -> dict[int, Attachment]:
    """Which item is glued to which: child -> attachment. Fixed items are never children.

    `relations` have .subject, .kind and .object; the first that can glue a child wins, so that
    an item has one parent and no item is its own ancestor.
    """
    attached: dict[int, Attachment] = {}

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
        if child == parent or child in attached or fixed[child] or root_of(parent) == child:
            continue
        if relation.kind == "under" and not _fits_under(sizes[child], sizes[parent]):
            continue  # too big to go beneath: becomes "below"
        attached[child] = Attachment(child, parent, relation.kind)
    return attached


def _fits_under(child: Size, parent: Size) -> bool:
    # A dog fits under a table (shrunk a little to clear the top); a car does not fit under a cup.
    return child[0] <= 1.2 * parent[0] and child[1] <= 0.95 * parent[1]


def _place_children(parent_box: Box, children: list[Attachment], sizes, out: dict[int, Box],
                    left_of: set[tuple[int, int]]) -> None:
    """Boxes (scene units, any origin) for the children of one placed parent."""
    px0, py0, px1, py1 = parent_box
    pw, ph = px1 - px0, py1 - py0
    by_kind: dict[str, list[Attachment]] = {}
    for child in _left_to_right(children, left_of):
        by_kind.setdefault(child.kind, []).append(child)
    parent_category = sizes[children[0].parent][2]
    for kind, group in by_kind.items():
        count = len(group)
        for slot, attachment in enumerate(group):
            cw, ch, category = sizes[attachment.child]
            if kind == "on":
                # A person on a horse, a bike or a bench sits into it rather than on its top edge.
                riding = category == priors.PERSON and parent_category != priors.PERSON
                cw, ch = _shrink(cw, ch, max_w=1.2 * pw / count if not riding else 2 * pw)
                cx = px0 + (slot + 0.5) * pw / count
                # Its centre stays above the parent's, however flat it is (a person lying on a bed).
                bottom = min(py0 + (0.55 if riding else 0.2) * ph, py0 + 0.45 * ph + ch / 2)
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
                if category == priors.SKY:
                    # Balloons and kites fly above the hand, their strings reaching down to it.
                    cy = py0 + 0.02 * ph - ch / 2 - (slot // 2) * 0.3 * ch
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


def _left_to_right(children: list[Attachment], left_of: set[tuple[int, int]]) -> list[Attachment]:
    """Siblings in an order that keeps their own left/right relations ("a cup left of a plate, both
    on a table"), otherwise in the order given."""
    remaining = list(children)
    ordered: list[Attachment] = []
    while remaining:
        for candidate in remaining:
            if not any((other.child, candidate.child) in left_of for other in remaining if other is not candidate):
                break
        else:
            candidate = remaining[0]  # a cycle: keep the given order
        ordered.append(candidate)
        remaining.remove(candidate)
    return ordered


def _shrink(w: float, h: float, *, max_w: float = math.inf, max_h: float = math.inf) -> tuple[float, float]:
    factor = min(1.0, max_w / w if w > 0 else 1.0, max_h / h if h > 0 else 1.0)
    return w * factor, h * factor


def composite(root: int, sizes, children_of: dict[int, list[Attachment]], left_of: set[tuple[int, int]],
               root_box: Box | None = None) -> dict[int, Box]:
    """Boxes of a root and everything attached to it, in scene units (root at the origin)."""
    w, h, _ = sizes[root]
    boxes: dict[int, Box] = {root: root_box or (0.0, 0.0, w, h)}
    queue = [root]
    while queue:
        parent = queue.pop(0)
        kids = children_of.get(parent, [])
        if kids:
            _place_children(boxes[parent], kids, sizes, boxes, left_of)
            queue.extend(k.child for k in kids)
    return boxes


def bounds(boxes: Sequence[Box]) -> Box:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
