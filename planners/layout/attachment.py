"""Things glued to things: which item is attached to which, and where attached things go.

A relation that puts one thing *at* another (on, inside, under, holding, in front of, behind)
makes a composite: the child is placed relative to its parent's box (a cup stands on the table
top, a sitting woman has her hips on the seat, a held umbrella rises from the hand, a tree behind
a house sticks out above it), and the composite is laid out as one piece. Sizes here are
`Thing`s in scene units (a standing adult is 1.0 tall).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from planners.layout import priors, staging

Box = tuple[float, float, float, float]

ATTACHING = ("on", "inside", "under", "holding", "in front of", "behind", "around")
_PLACING = ("on", "inside", "under")  # relations that say where a thing is, more than "holding" does


class Thing(NamedTuple):
    """An item's size and what the layout needs to know to stage it."""

    width: float
    height: float
    category: str
    name: str = ""
    pose: str | None = None
    support: str = staging.GROUND
    reaches_up: bool = False  # scenery cut to the scene's scale: its box may run up out of the frame


@dataclass
class Attachment:
    child: int
    parent: int
    kind: str


def attachments(fixed: Sequence[bool], relations: Sequence, sizes: Sequence[Thing]) -> dict[int, Attachment]:
    """Which item is glued to which: child -> attachment. Fixed items are never children.

    `relations` have .subject, .kind and .object; the first that can glue a child wins, so that
    an item has one parent and no item is its own ancestor. One exception reads the prompt the way
    a person would: a held thing that is also *on* something ("reading a book on a sofa", "with a
    pot on the stove") puts the holder on a seat, or else leaves the thing on its support.
    """
    attached: dict[int, Attachment] = {}

    def root_of(index: int) -> int:
        while index in attached:
            index = attached[index].parent
        return index

    for relation in relations:
        if relation.kind not in ATTACHING:
            continue
        child, parent, kind = relation.subject, relation.object, relation.kind
        if kind == "holding":
            child, parent = parent, child  # the held thing goes to the holder's hand
            if sizes[parent].category not in (priors.PERSON, priors.ANIMAL) and staging.has_surface(sizes[parent].name):
                kind = "on"  # a tray with glasses, a car with a surfboard: on it
        if kind in _PLACING and _too_big_for(sizes[child], sizes[parent]):
            # "a woman pouring tea into a cup": a person does not go into a cup; she holds it.
            child, parent, kind = parent, child, "holding"
        if child == parent or fixed[child] or root_of(parent) == child:
            continue
        if child in attached and kind in _PLACING and attached[child].kind in _PLACING:
            # "candles on a cake on a table": what carries the child goes on the new parent.
            carrier = root_of(child)
            if carrier != parent and not fixed[carrier] and root_of(parent) != carrier \
                    and sizes[carrier].height <= sizes[parent].height * 1.5:
                attached[carrier] = Attachment(carrier, parent, kind)
            continue
        if child in attached:
            held = attached[child]
            if kind not in _PLACING or held.kind != "holding":
                continue
            holder = held.parent
            if (staging.seat_height(sizes[parent].name) is not None and sizes[holder].category == priors.PERSON
                    and holder not in attached and not fixed[holder] and root_of(parent) != holder):
                attached[holder] = Attachment(holder, parent, kind)
                continue
            del attached[child]  # the thing stays on its support; the holder stands by
            if root_of(parent) == child:  # the support hangs from the thing itself: keep it held
                attached[child] = held
                continue
        if kind == "under" and not _fits_under(sizes[child], sizes[parent]):
            continue  # far too big to go beneath: becomes "below"
        attached[child] = Attachment(child, parent, kind)
    return attached


def reading(relation, sizes: Sequence[Thing]):
    """A relation as the layout reads it: a person on or in a cup holds the cup instead."""
    if relation.kind in _PLACING and _too_big_for(sizes[relation.subject], sizes[relation.object]):
        return type(relation)(relation.subject, "holding", relation.object)
    return relation


def sitters(names: Sequence[str], categories: Sequence[str], poses: Sequence[str | None],
            relations: Sequence) -> set[int]:
    """People without a pose who are on a seat (a bench, a sofa), ride astride (a horse, a bicycle) or
    in a vehicle (a car, a canoe): they sit, so they get a sitting shape."""
    out = set()
    held_by = {r.object: r.subject for r in relations if r.kind == "holding"}
    for relation in relations:
        seat = names[relation.object]
        riding_in = relation.kind == "inside" and categories[relation.object] == priors.VEHICLE  # "driving a car"
        if not riding_in and (relation.kind != "on" or not (staging.is_seat(seat) or staging.sits_astride(seat))):
            continue
        person = relation.subject
        if categories[person] != priors.PERSON and person in held_by:
            person = held_by[person]  # "a girl reading a book on a sofa": she is on the sofa
        if categories[person] == priors.PERSON and poses[person] is None:
            out.add(person)
    return out


def _too_big_for(child: Thing, parent: Thing) -> bool:
    """A person on or in a thing far smaller than them that is no seat or mount (a cup, a phone)."""
    return (child.category == priors.PERSON and parent.category in (priors.OBJECT, priors.FOOD)
            and staging.seat_height(parent.name) is None and parent.height < 0.4 * child.height)


def _fits_under(child: Thing, parent: Thing) -> bool:
    # A dog fits under a table or, a little smaller, under a bench; a car does not fit under a cup.
    return child.width <= 1.5 * parent.width and child.height <= 1.2 * parent.height


def _place_children(parent_box: Box, children: list[Attachment], sizes: Sequence[Thing], out: dict[int, Box],
                    left_of: set[tuple[int, int]]) -> None:
    """Boxes (scene units, any origin) for the children of one placed parent."""
    by_kind: dict[str, list[Attachment]] = {}
    for child in _left_to_right(children, left_of):
        by_kind.setdefault(child.kind, []).append(child)
    parent = sizes[children[0].parent]
    for kind, group in by_kind.items():
        if kind == "on":
            _place_on(parent_box, parent, group, sizes, out)
        elif kind == "holding":
            _place_held(parent_box, parent, group, sizes, out)
        elif kind == "around":
            _place_ring(parent_box, group, sizes, out)
        else:
            _place_around(parent_box, kind, group, sizes, out)


def _place_on(parent_box: Box, parent: Thing, group: list[Attachment], sizes, out: dict[int, Box]) -> None:
    """Things on a parent: a cup on the table top, a cat on the seat, a woman sitting with her hips on it."""
    px0, py0, px1, py1 = parent_box
    pw, ph = px1 - px0, py1 - py0
    count = len(group)
    seat = staging.seat_height(parent.name)
    for slot, attachment in enumerate(group):
        child = sizes[attachment.child]
        cx = px0 + (slot + 0.5) * pw / count
        sits = child.category == priors.PERSON and seat is not None and child.pose in staging.SEATED_POSES
        if sits:
            # Side by side along the seat (a little overlap is fine); hips on the seat, feet towards the floor.
            cw, ch = _shrink(child.width, child.height, max_w=1.15 * pw / count if count > 1 else 2 * pw)
            top = py0 + seat * ph - staging.hip_fraction(child.pose) * ch
            # Feet on the floor: a little in front of the seat's legs at most, dangling only when short.
            feet = top + ch
            if py1 - 0.15 * ch < feet < py1:
                top += py1 - feet
            top -= max(feet - (py1 + 0.12 * ph), 0.0)
            # Its centre stays above the parent's, so that it reads as on it.
            top = min(top, py0 + 0.45 * ph - ch / 2)
            out[attachment.child] = (cx - cw / 2, top, cx + cw / 2, top + ch)
            continue
        riding = child.category == priors.PERSON and parent.category != priors.PERSON
        cw, ch = _shrink(child.width, child.height, max_w=1.2 * pw / count if not riding else 2 * pw)
        # Its centre stays above the parent's, however flat it is (a person lying on a bed).
        bottom = min(py0 + staging.rest_height(parent.name, child.name) * ph, py0 + 0.45 * ph + ch / 2)
        out[attachment.child] = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)


def _place_held(parent_box: Box, holder: Thing, group: list[Attachment], sizes, out: dict[int, Box]) -> None:
    """Held things at the holder's hands: the first in the hand on the image's right, the next in the other."""
    px0, py0, px1, py1 = parent_box
    pw, ph = px1 - px0, py1 - py0
    if holder.category == priors.PERSON:
        hands = staging.hands(holder.pose)
    else:  # a dog with a ball: at the front of the body, low
        hands = ((0.95, 0.55), (0.05, 0.55))
    for slot, attachment in enumerate(group):
        child = sizes[attachment.child]
        style = staging.hold_style(child.name, child.category)
        cw, ch = _shrink(child.width, child.height, max_w=pw * (2.5 if style == staging.OVERHEAD else 1.2),
                         max_h=ph * (1.0 if style == staging.ALOFT else 0.6))
        (hx, hy) = hands[slot % 2]
        hx, hy = px0 + hx * pw, py0 + hy * ph + (slot // 2) * 0.12 * ph
        outward = 1.0 if hx >= (px0 + px1) / 2 else -1.0
        if style == staging.ALOFT:
            # Balloons and kites fly above the hand, their strings reaching down to it.
            bottom = min(hy, py0) - 0.02 * ph - (slot // 2) * 0.3 * ch
            cx = hx + outward * 0.2 * cw
            box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
        elif style == staging.OVERHEAD:
            # An umbrella's handle is in the hand; its canopy spreads over the head, well above it.
            aspect = child.width / child.height
            bottom, top = hy + 0.05 * ph, min(py0, hy - 0.4 * ph) - 0.15 * ph
            cw = min((bottom - top) * aspect, 2.5 * pw)
            cx = hx
            box = (cx - cw / 2, top, cx + cw / 2, bottom)
        elif style == staging.HANGING:
            top = hy - 0.12 * ch
            top -= max(top + ch - py1, 0.0)  # a suitcase stands on the floor rather than below it
            cx = hx + outward * 0.25 * cw
            box = (cx - cw / 2, top, cx + cw / 2, top + ch)
        else:
            cx = hx + outward * 0.25 * cw  # in the hand, beside the body rather than over it
            box = (cx - cw / 2, hy - ch / 2, cx + cw / 2, hy + ch / 2)
        out[attachment.child] = box


def _place_around(parent_box: Box, kind: str, group: list[Attachment], sizes, out: dict[int, Box]) -> None:
    """Under, inside, in front of and behind a parent."""
    px0, py0, px1, py1 = parent_box
    pw, ph = px1 - px0, py1 - py0
    count = len(group)
    parent = sizes[group[0].parent]
    for slot, attachment in enumerate(group):
        child = sizes[attachment.child]
        cw, ch = child.width, child.height
        if kind == "under":
            cw, ch = _shrink(cw, ch, max_w=0.9 * pw / count, max_h=0.7 * ph)
            cx = px0 + (slot + 0.5) * pw / count
            box = (cx - cw / 2, py1 - ch, cx + cw / 2, py1)
        elif kind == "inside":
            cw, ch = _shrink(cw, ch, max_w=0.85 * pw / count, max_h=1.3 * ph)
            cx = px0 + (slot + 0.5) * pw / count
            bottom = py1 - 0.12 * ph
            box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
        elif kind == "in front of" and _sits_at(child, parent):
            # Sitting at a table: at its two ends, facing each other across it, feet on the floor.
            side = -1.0 if slot % 2 == 0 else 1.0
            cx = (px0 + px1) / 2 + side * (pw / 2 - 0.05 * cw + (slot // 2) * 0.6 * cw)
            bottom = py1 + 0.03 * ph
            box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
        elif kind == "in front of":
            offset = (0.25 if slot % 2 == 0 else -0.25) * pw * (1 + slot // 2)
            cx = (px0 + px1) / 2 + offset
            # Before a painting on the wall one stands on the floor well below it; before a car, a little lower.
            hangs = parent.support == staging.WALL and child.support == staging.GROUND
            bottom = py1 + (0.45 if hangs else 0.12) * ch
            box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
        else:  # behind
            cw, ch = cw * 0.85, ch * 0.85
            offset = (0.3 if slot % 2 == 0 else -0.3) * pw * (1 + slot // 2)
            cx = (px0 + px1) / 2 + offset
            bottom = py1 - 0.25 * ph
            box = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
        out[attachment.child] = box


def _place_ring(parent_box: Box, group: list[Attachment], sizes, out: dict[int, Box]) -> None:
    """Around a table or a campfire: one at each end, a little nearer the camera, the rest behind it
    spread along its width, their lower halves hidden by it (as people sit or stand round a table)."""
    px0, py0, px1, py1 = parent_box
    pw, ph = px1 - px0, py1 - py0
    ends, behind = group[:2], group[2:]
    for side, attachment in zip((-1.0, 1.0), ends, strict=False):
        child = sizes[attachment.child]
        cw, ch = child.width, child.height
        cx = (px0 if side < 0 else px1) + side * 0.3 * cw
        bottom = py1 + 0.04 * ch
        out[attachment.child] = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)
    for slot, attachment in enumerate(behind):
        child = sizes[attachment.child]
        cw, ch = _shrink(child.width * 0.92, child.height * 0.92, max_w=1.1 * pw / len(behind))
        cx = px0 + (slot + 0.5) * pw / len(behind)
        bottom = py0 + 0.45 * ph
        out[attachment.child] = (cx - cw / 2, bottom - ch, cx + cw / 2, bottom)


def _sits_at(child: Thing, parent: Thing) -> bool:
    """A sitting person in front of a table, desk or counter sits at it."""
    return (child.category == priors.PERSON and child.pose == "sitting" and parent.category == priors.FURNITURE
            and staging.rest_height(parent.name) <= 0.15)


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


def composite(root: int, sizes: Sequence[Thing], children_of: dict[int, list[Attachment]],
              left_of: set[tuple[int, int]], root_box: Box | None = None) -> dict[int, Box]:
    """Boxes of a root and everything attached to it, in scene units (root at the origin)."""
    boxes: dict[int, Box] = {root: root_box or (0.0, 0.0, sizes[root].width, sizes[root].height)}
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
