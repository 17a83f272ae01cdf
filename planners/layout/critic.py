"""What is implausible about a layout, for any planner: one rule per kind of mistake.

The critic reads boxes, names, poses and the relations a plan states, and finds:

- `size`: relative sizes that contradict the size priors (a bird 60 % of a house, a wrench as big as
  a torso), judged only between things at about the same depth (a cup near the camera may look
  larger than a person far off);
- `support`: a thing *on* another that does not rest on it;
- `containment`: a thing *in* another that is not inside it;
- `frame`: a scene of three or more things squeezed into less than half the height, or using
  little of the frame;
- `overlap`: two things nothing relates hiding one another;
- `person-size`: people too small to draw a face, in scenes of up to four people not said to be far;
- `floating`: a thing that stands on the ground hanging in the upper half with nothing under it;
- `relation`: a relation the plan states that the boxes do not satisfy.

Every rule is a function of plain data (`Placed` things and `Fact`s), so it runs the same on a
scene from the rules planner, from an LLM, or from a file, and on candidate layouts inside the
solver. `Review.score` weighs the findings, lower is better.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from planners.layout import priors, staging
from planners.layout.geometry import Box, area, centre, intersection, union_area

# Weights for choosing between candidate layouts: broken facts first, then what makes a bad photo.
WEIGHTS = {"support": 6.0, "containment": 6.0, "relation": 4.0, "size": 2.0, "person-size": 2.0,
           "floating": 2.0, "frame": 1.5, "overlap": 1.0}

PERSON_MIN = 0.25       # of the canvas height: smaller people cannot carry a face or an outfit
FEW_PEOPLE = 4          # scenes with at most this many people should show them large
BAND_MIN = 0.5          # a scene of 3+ things spanning less of the height is squeezed
COVERAGE_MIN = 0.2      # of the canvas area
COMPARABLE_DEPTH = 0.12  # bottoms closer than this (of the height) stand at about the same depth
SIZE_ORDER = 1.5        # prior height ratio from which the order of two sizes is a fact
SIZE_FACTOR = 3.0       # apparent ratio this many times the prior ratio (or less) is implausible
MAX_NOTES = 6           # findings shown per plan; the rest are counted
HIDDEN = 0.6            # share of the smaller box that another, unrelated box may cover
FAR_WORDS = re.compile(r"\b(far away|far off|far in the distance|in the distance|distant|on the horizon|tiny "
                       r"(?:people|figures?|man|woman|person)|from (?:far|afar|above))\b", re.IGNORECASE)


@dataclass(frozen=True)
class Placed:
    """One thing as the critic sees it: a name, a box (canvas fractions, y down), a pose name."""

    name: str
    box: Box
    pose: str | None = None


@dataclass(frozen=True)
class Fact:
    """A stated relation in the scene schema's words: `subject KIND object` (see scenes.model.Relation)."""

    subject: int
    kind: str
    object: int | None = None
    other: int | None = None
    place: str | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    instances: tuple[int, ...] = ()


@dataclass
class Measures:
    """The numbers behind the findings, for benchmarks: one scene's rates and counts."""

    person_heights: list[float] = field(default_factory=list)
    coverage: float = 0.0
    band: float = 0.0
    things: int = 0
    size_pairs: int = 0
    size_violations: int = 0
    support_checked: int = 0
    support_violations: int = 0
    containment_checked: int = 0
    containment_violations: int = 0
    floating: int = 0
    relations_checked: int = 0
    relations_broken: int = 0
    far: bool = False


@dataclass
class Review:
    findings: list[Finding]
    measures: Measures

    @property
    def score(self) -> float:
        return sum(WEIGHTS.get(f.rule, 1.0) for f in self.findings)

    def notes(self, limit: int = MAX_NOTES) -> list[str]:
        """One line per finding, at most `limit` of them (the weightiest), then how many more there are."""
        ranked = sorted(self.findings, key=lambda f: -WEIGHTS.get(f.rule, 1.0))
        lines = [f"layout: {f.message}" for f in ranked[:limit]]
        if len(ranked) > limit:
            lines.append(f"layout: … and {len(ranked) - limit} more finding(s) of the same kinds")
        return lines


# -- helpers -----------------------------------------------------------------------------------


def is_far(prompt: str | None) -> bool:
    """Whether the words put the scene's subjects far away (then they may be small)."""
    return bool(prompt and FAR_WORDS.search(prompt))


def _prior(thing: Placed) -> priors.SizePrior:
    return priors.prior_for(thing.name, thing.pose)


def _category(thing: Placed) -> str:
    return _prior(thing).category


def _support(thing: Placed) -> str:
    return staging.support(thing.name.strip().lower(), _category(thing))


def _label(things: Sequence[Placed], index: int) -> str:
    name = things[index].name
    same = [i for i, t in enumerate(things) if t.name == name]
    return name if len(same) == 1 else f"{name} #{same.index(index) + 1}"


def _height(box: Box) -> float:
    return box[3] - box[1]


def _width(box: Box) -> float:
    return box[2] - box[0]


# -- relations -----------------------------------------------------------------------------------

_PLACE_X = {"left": (0.0, 0.42), "center": (0.28, 0.72), "right": (0.58, 1.0)}
_PLACE_Y = {"top": (0.0, 0.45), "center": (0.25, 0.75), "bottom": (0.55, 1.0)}


def place_holds(place: str, box: Box) -> bool:
    """Whether a box's centre is in a named place of the canvas ('top-left', 'right', 'center')."""
    cx, cy = centre(box)
    parts = place.split("-")
    if len(parts) == 2:
        y_part, x_part = parts
    elif place in ("top", "bottom"):
        y_part, x_part = place, None
    elif place == "center":
        y_part, x_part = "center", "center"
    else:
        y_part, x_part = None, place
    ok = True
    if x_part is not None:
        low, high = _PLACE_X[x_part]
        ok &= low <= cx <= high
    if y_part is not None:
        low, high = _PLACE_Y[y_part]
        ok &= low <= cy <= high
    return ok


def _gap(a: Box, b: Box) -> float:
    """The empty distance between two boxes (0 when they touch or overlap)."""
    dx = max(a[0] - b[2], b[0] - a[2], 0.0)
    dy = max(a[1] - b[3], b[1] - a[3], 0.0)
    return max(dx, dy)


def rests_on(thing: Box, support: Box) -> bool:
    """A thing rests on a support: its centre is over the support, above the support's middle, and its
    bottom is on the support (between its top edge and a little below its bottom: feet of a sitter)."""
    cx, cy = centre(thing)
    sx0, sy0, sx1, sy1 = support
    tol = 0.02
    return (sx0 - tol <= cx <= sx1 + tol and cy < (sy0 + sy1) / 2
            and sy0 - tol <= thing[3] <= sy1 + 0.2 * _height(thing) + tol)


def is_inside(thing: Box, container: Box) -> bool:
    """A thing is in a container: its centre and its bottom inside the container's box, and most of its
    width within it (a man in a boat may stand out above it, not beside it)."""
    cx, cy = centre(thing)
    x0, y0, x1, y1 = container
    tol = 0.01
    overlap = max(min(thing[2], x1) - max(thing[0], x0), 0.0)
    return (x0 - tol <= cx <= x1 + tol and y0 - tol <= thing[3] <= y1 + tol
            and overlap >= 0.7 * _width(thing) and cy >= y0 - _height(thing) / 2)


def fact_holds(fact: Fact, boxes: Sequence[Box]) -> bool:
    """Whether boxes satisfy a stated relation (centres for directions, as GenEval judges them)."""
    s = boxes[fact.subject]
    if fact.kind in ("in_corner", "at_place"):
        return place_holds(fact.place or "center", s)
    o = boxes[fact.object]  # type: ignore[index]
    (sx, sy), (ox, oy) = centre(s), centre(o)
    kind = fact.kind
    if kind == "left_of":
        return sx < ox
    if kind == "right_of":
        return sx > ox
    if kind == "above":
        return sy < oy
    if kind == "below":
        return sy > oy
    if kind == "on":
        return rests_on(s, o)
    if kind == "in":
        return is_inside(s, o)
    if kind == "under":
        return sy > oy and o[0] - 0.02 <= sx <= o[2] + 0.02
    if kind == "in_front_of":
        return s[3] >= o[3] and min(s[2], o[2]) > max(s[0], o[0])
    if kind == "behind":
        return s[3] <= o[3] and min(s[2], o[2]) > max(s[0], o[0])
    if kind == "next_to":
        return min(s[3], o[3]) > max(s[1], o[1]) and _gap(s, o) <= 0.25
    if kind == "between":
        tx = centre(boxes[fact.other])[0]  # type: ignore[index]
        return min(ox, tx) < sx < max(ox, tx)
    if kind in ("held_by", "at"):
        return _gap(s, o) <= 0.03
    if kind == "near":
        return _gap(s, o) <= 0.2
    if kind == "around":
        # Around a table: within about one table-width of it, on either side or behind it.
        reach = max(_width(o), _height(o))
        return abs(sx - ox) <= reach and abs(sy - oy) <= reach and _gap(s, o) <= 0.15
    raise ValueError(f"unknown relation '{kind}'")


# -- the rules -----------------------------------------------------------------------------------


def _related(facts: Sequence[Fact]) -> set[frozenset[int]]:
    pairs = set()
    for f in facts:
        for other in (f.object, f.other):
            if other is not None:
                pairs.add(frozenset((f.subject, other)))
    return pairs


def _free_standing(facts: Sequence[Fact]) -> set[int]:
    """Things the stated relations hold up off the ground (on, in, held, above something)."""
    return {f.subject for f in facts if f.kind in ("on", "in", "held_by", "above", "at")} | {
        f.object for f in facts if f.kind == "below" and f.object is not None}


def check_sizes(things: Sequence[Placed], facts: Sequence[Fact], out: list[Finding], m: Measures) -> None:
    """Pairs at about the same depth whose apparent sizes contradict the priors' order or ratio."""
    judged = [i for i, t in enumerate(things) if _support(t) != staging.SKY]
    for a_pos, i in enumerate(judged):
        for j in judged[a_pos + 1:]:
            pi, pj = _prior(things[i]).height, _prior(things[j]).height
            big, small = (i, j) if pi >= pj else (j, i)
            ratio = max(pi, pj) / min(pi, pj)
            if ratio < SIZE_ORDER:
                continue
            bb, sb = things[big].box, things[small].box
            # Only the same depth is comparable; a smaller thing farther off only looks smaller still.
            if abs(bb[3] - sb[3]) > COMPARABLE_DEPTH and sb[3] > bb[3]:
                continue
            if _reaches_edge(bb):
                continue  # cut by the frame: its box says nothing of its size
            m.size_pairs += 1
            seen = _height(bb) / max(_height(sb), 1e-6)
            if seen < 1.0 or seen * SIZE_FACTOR < ratio:
                m.size_violations += 1
                how = "smaller than" if seen < 1.0 else f"only {seen:.1f}x as tall as"
                out.append(Finding("size", f"the {_label(things, big)} is {how} the {_label(things, small)}",
                                   (big, small)))


def _reaches_edge(box: Box) -> bool:
    return box[1] <= 0.002 or box[3] >= 0.998 and box[1] <= 0.02


def check_support(things, facts, out, m) -> None:
    for f in facts:
        if f.kind != "on":
            continue
        m.support_checked += 1
        subject, support = things[f.subject].box, things[f.object].box
        # Candles on a cake on a table are on the table too.
        if not rests_on(subject, support) and not any(
                rests_on(subject, t.box) and rests_on(t.box, support) for k, t in enumerate(things)
                if k not in (f.subject, f.object)):
            m.support_violations += 1
            out.append(Finding("support", f"the {_label(things, f.subject)} does not rest on the "
                                          f"{_label(things, f.object)}", (f.subject, f.object)))


def check_containment(things, facts, out, m) -> None:
    for f in facts:
        if f.kind != "in":
            continue
        m.containment_checked += 1
        if not is_inside(things[f.subject].box, things[f.object].box):
            m.containment_violations += 1
            out.append(Finding("containment", f"the {_label(things, f.subject)} is not inside the "
                                              f"{_label(things, f.object)}", (f.subject, f.object)))


def check_frame(things, facts, out, m) -> None:
    boxes = [t.box for t in things]
    m.things = len(boxes)
    if not boxes:
        return
    m.coverage = union_area(boxes)
    m.band = max(b[3] for b in boxes) - min(b[1] for b in boxes)
    if len(boxes) >= 3 and m.band < BAND_MIN:
        out.append(Finding("frame", f"the {len(boxes)} things are squeezed into {m.band:.0%} of the height"))
    elif m.coverage < COVERAGE_MIN and not m.far:
        out.append(Finding("frame", f"the things cover only {m.coverage:.0%} of the frame"))


def check_overlap(things, facts, out, m) -> None:
    related = _related(facts)
    for i in range(len(things)):
        for j in range(i + 1, len(things)):
            if frozenset((i, j)) in related:
                continue
            a, b = things[i].box, things[j].box
            smaller = min(area(a), area(b))
            if smaller > 0 and intersection(a, b) > HIDDEN * smaller:
                out.append(Finding("overlap", f"the {_label(things, i)} and the {_label(things, j)} hide "
                                              "each other", (i, j)))


def check_people(things, facts, out, m) -> None:
    people = [i for i, t in enumerate(things) if _category(t) == priors.PERSON]
    m.person_heights = [_height(things[i].box) for i in people]
    if len(people) > FEW_PEOPLE or m.far:
        return
    for i in people:
        h = _height(things[i].box)
        if h < PERSON_MIN:
            out.append(Finding("person-size", f"the {_label(things, i)} is {h:.0%} of the height, too small "
                                              "for a face", (i,)))


def check_floating(things, facts, out, m) -> None:
    held_up = _free_standing(facts)
    for i, t in enumerate(things):
        if i in held_up or _support(t) != staging.GROUND:
            continue
        x0, _, x1, bottom = t.box
        if bottom > 0.5:
            continue
        resting = any(j != i and min(x1, o.box[2]) > max(x0, o.box[0]) and o.box[1] - 0.02 <= bottom <= o.box[3]
                      for j, o in enumerate(things))
        if not resting:
            m.floating += 1
            out.append(Finding("floating", f"the {_label(things, i)} floats in the upper half", (i,)))


def check_relations(things, facts, out, m) -> None:
    boxes = [t.box for t in things]
    for f in facts:
        if f.kind in ("on", "in"):
            continue  # judged by support and containment
        m.relations_checked += 1
        if not fact_holds(f, boxes):
            m.relations_broken += 1
            target = f.place if f.object is None else f"the {_label(things, f.object)}"
            out.append(Finding("relation", f"the {_label(things, f.subject)} is not "
                                           f"{f.kind.replace('_', ' ')} {target}", (f.subject,)))


RULES = (check_sizes, check_support, check_containment, check_frame, check_overlap, check_people,
         check_floating, check_relations)


def review(things: Sequence[Placed], facts: Sequence[Fact] = (), *, far: bool = False) -> Review:
    """Every rule over one layout."""
    findings: list[Finding] = []
    measures = Measures(far=far)
    for f in facts:
        for index in (f.subject, f.object, f.other):
            if index is not None and not 0 <= index < len(things):
                raise ValueError(f"relation {f} refers to instance {index}; there are {len(things)}")
    for rule in RULES:
        rule(things, facts, findings, measures)
    return Review(findings, measures)
