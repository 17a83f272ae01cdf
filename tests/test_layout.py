"""The layout solver: valid boxes, plausible shapes, relations kept, fixed boxes left alone."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planners.layout import ATTACHING, LayoutItem, LayoutRelation, priors, relation_holds, solve
from planners.layout.geometry import union_area
from scenes.model import Scene

NAMES = ["person", "man", "car", "cup", "dog", "cat", "bus", "giraffe", "table", "bench", "apple", "umbrella",
         "laptop", "tree", "kite", "zorb", "wine glass", "teddy bear", "horse", "bottle"]
POSES = [None, None, "standing", "sitting", "lying", "waving", "kneeling"]
SIDES = st.integers(min_value=8, max_value=256).map(lambda k: k * 8)  # 64 .. 2048 px


def _valid(boxes, width: int, height: int) -> None:
    for x0, y0, x1, y1 in boxes:
        assert 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0
        assert (x1 - x0) * width >= 8 - 1e-6 and (y1 - y0) * height >= 8 - 1e-6
        for value in (x0, y0, x1, y1):
            assert round(value, 4) == value  # rounded so that scenes read well


def _overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@st.composite
def consistent_scenes(draw, max_items: int = 30):
    """Items plus relations that can all hold: attachments form a forest, and left/right/above/below
    between different trees follow one random order per axis."""
    n = draw(st.integers(min_value=1, max_value=max_items))
    items = [LayoutItem(draw(st.sampled_from(NAMES)), pose=draw(st.sampled_from(POSES))) for _ in range(n)]
    relations: list[LayoutRelation] = []
    root = list(range(n))
    for child in range(1, n):
        if draw(st.booleans()) and draw(st.booleans()):
            parent = draw(st.integers(min_value=0, max_value=child - 1))
            kind = draw(st.sampled_from([k for k in ATTACHING if k != "under"]))
            relations.append(LayoutRelation(parent, kind, child) if kind == "holding"
                             else LayoutRelation(child, kind, parent))
            root[child] = root[parent]
    x_rank = draw(st.permutations(range(n)))
    y_rank = draw(st.permutations(range(n)))
    pairs = [(a, b) for a, b in itertools.permutations(range(n), 2) if root[a] == a and root[b] == b]
    for a, b in draw(st.lists(st.sampled_from(pairs), max_size=12, unique=True)) if pairs else []:
        axis = draw(st.sampled_from(["x", "y"]))
        if axis == "x":
            relations.append(LayoutRelation(a, "left of" if x_rank[a] < x_rank[b] else "right of", b))
        else:
            relations.append(LayoutRelation(a, "above" if y_rank[a] < y_rank[b] else "below", b))
    return items, relations


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scene=consistent_scenes(), width=st.integers(32, 160).map(lambda k: k * 8),
       height=st.integers(32, 160).map(lambda k: k * 8))
def test_consistent_relations_all_hold(scene, width: int, height: int) -> None:
    items, relations = scene
    layout = solve(items, relations, width=width, height=height)
    _valid(layout.boxes, width, height)
    assert layout.dropped == []
    # The layout reads a person "on" or "in" a cup as holding it, or standing next to it where the cup
    # stands on something else (the issue: plausible support); every other relation is kept as given,
    # and what the layout read holds.
    for given_relation, read in zip(relations, layout.relations, strict=True):
        if read != given_relation:
            assert read.kind in ("holding", "next to") and given_relation.kind in ("on", "inside", "under")
            assert priors.prior_for(items[read.subject].name, items[read.subject].pose).category == priors.PERSON
        assert relation_holds(read.kind, layout.boxes[read.subject], layout.boxes[read.object]), read


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 100), width=SIDES, height=SIDES, data=st.data())
def test_any_number_of_instances_on_any_canvas_gives_valid_boxes(n: int, width: int, height: int, data) -> None:
    items = [LayoutItem(data.draw(st.sampled_from(NAMES)), pose=data.draw(st.sampled_from(POSES))) for _ in range(n)]
    layout = solve(items, width=width, height=height)
    assert len(layout.boxes) == n
    _valid(layout.boxes, width, height)
    Scene(caption="x", width=width, height=height,
          instances=[{"name": i.name, "caption": i.name, "box": b} for i, b in zip(items, layout.boxes, strict=True)])


@st.composite
def fixed_scenes(draw):
    width = draw(st.integers(16, 160)) * 8
    height = draw(st.integers(16, 160)) * 8
    items = []
    for _ in range(draw(st.integers(1, 12))):
        name = draw(st.sampled_from(NAMES))
        if draw(st.booleans()):
            x0 = draw(st.floats(0.0, 0.8))
            y0 = draw(st.floats(0.0, 0.8))
            x1 = draw(st.floats(min(x0 + 16 / width, 1.0), 1.0))
            y1 = draw(st.floats(min(y0 + 16 / height, 1.0), 1.0))
            items.append(LayoutItem(name, box=(x0, y0, x1, y1)))
        else:
            items.append(LayoutItem(name))
    relations = []
    for child in range(len(items)):
        if items[child].box is None and child > 0 and draw(st.booleans()):
            relations.append(LayoutRelation(child, draw(st.sampled_from(["on", "inside", "next to"])),
                                            draw(st.integers(0, child - 1))))
    return items, relations, width, height


@settings(max_examples=150, deadline=None)
@given(scene=fixed_scenes())
def test_fixed_boxes_are_never_moved(scene) -> None:
    items, relations, width, height = scene
    layout = solve(items, relations, width=width, height=height)
    for item, box in zip(items, layout.boxes, strict=True):
        if item.box is not None:
            assert box == item.box
        else:
            _valid([box], width, height)


def test_free_items_go_into_the_room_the_fixed_ones_leave() -> None:
    fixed = (0.0, 0.0, 0.5, 1.0)
    layout = solve([LayoutItem("man", box=fixed), LayoutItem("dog"), LayoutItem("cat")], width=512, height=512)
    for box in layout.boxes[1:]:
        assert _overlap(box, fixed) == 0.0
        assert box[0] >= 0.5


def test_things_attached_to_a_fixed_box_go_with_it() -> None:
    table = (0.1, 0.5, 0.6, 0.9)
    layout = solve([LayoutItem("table", box=table), LayoutItem("cup")], [LayoutRelation(1, "on", 0)],
                   width=512, height=512)
    assert relation_holds("on", layout.boxes[1], table)


@pytest.mark.parametrize(("name", "pose", "tall"), [
    ("person", None, True), ("man", "standing", True), ("giraffe", None, True), ("bottle", None, True),
    ("car", None, False), ("bus", None, False), ("couch", None, False), ("man", "lying", False),
])  # fmt: skip
def test_shapes_follow_the_kind_of_thing(name: str, pose: str | None, tall: bool) -> None:
    (x0, y0, x1, y1), = solve([LayoutItem(name, pose=pose)], width=768, height=512).boxes
    aspect = (x1 - x0) * 768 / ((y1 - y0) * 512)
    expected = priors.prior_for(name, pose).aspect
    assert (aspect < 1) == tall
    assert aspect == pytest.approx(expected, rel=0.02)


def test_sizes_keep_their_proportions() -> None:
    cup, car, person = solve([LayoutItem("cup"), LayoutItem("car"), LayoutItem("person")], width=768, height=512).boxes

    def area(b):
        return (b[2] - b[0]) * (b[3] - b[1])

    assert area(cup) < area(person) < area(car)
    assert area(cup) < 0.1 * area(car)


def _hidden(boxes, index: int) -> float:
    """The share of a box covered by the boxes in front of it (lower bottom: nearer the camera)."""
    box = boxes[index]
    nearer = [b for j, b in enumerate(boxes) if j != index and b[3] > box[3] + 1e-9]
    cuts = [(max(b[0], box[0]), max(b[1], box[1]), min(b[2], box[2]), min(b[3], box[3])) for b in nearer]
    return union_area([c for c in cuts if c[2] > c[0] and c[3] > c[1]]) / ((box[2] - box[0]) * (box[3] - box[1]))


def test_unrelated_things_stand_apart_or_in_depth_rows_and_use_the_canvas() -> None:
    # Things on one ground line do not touch; rows behind stand higher, smaller and shown between the
    # ones in front (the issue replaced the grid of shelves by this).
    names = ["man", "woman", "dog", "car", "tree", "bench", "cup", "bicycle"]
    for count in range(1, len(names) + 1):
        boxes = solve([LayoutItem(n) for n in names[:count]], width=768, height=512).boxes
        for i, j in itertools.combinations(range(count), 2):
            if abs(boxes[i][3] - boxes[j][3]) < 1e-6:
                assert _overlap(boxes[i], boxes[j]) == 0.0, (count, names[i], names[j])
        for i in range(count):
            assert _hidden(boxes, i) <= 0.6, (count, names[i], boxes)
        x0 = min(b[0] for b in boxes)
        x1 = max(b[2] for b in boxes)
        y0 = min(b[1] for b in boxes)
        y1 = max(b[3] for b in boxes)
        assert max(x1 - x0, y1 - y0) >= 0.6                  # not crammed into a corner
        assert abs((x0 + x1) / 2 - 0.5) < 0.1                # centred left to right
        assert 0.3 < (y0 + y1) / 2 < 0.7


def test_thirty_instances_in_rows_receding_into_depth() -> None:
    boxes = solve([LayoutItem("apple")] * 30, width=512, height=512).boxes
    _valid(boxes, 512, 512)
    rows = sorted({round(b[3], 3) for b in boxes}, reverse=True)
    assert 3 <= len(rows) <= 8  # rows, not a line
    heights = [min(b[3] - b[1] for b in boxes if round(b[3], 3) == row) for row in rows]
    assert all(back < front for front, back in zip(heights, heights[1:], strict=False))  # farther: smaller
    for i in range(len(boxes)):
        assert _hidden(boxes, i) <= 0.6
    assert max(b[3] for b in boxes) - min(b[1] for b in boxes) >= 0.5  # not squeezed into a band


@pytest.mark.parametrize(("zone", "check"), [
    (("left", None), lambda cx, cy: cx < 0.5), (("right", None), lambda cx, cy: cx > 0.5),
    ((None, "top"), lambda cx, cy: cy < 0.5), ((None, "bottom"), lambda cx, cy: cy > 0.5),
    (("left", "top"), lambda cx, cy: cx < 0.5 and cy < 0.5), (("center", None), lambda cx, cy: abs(cx - 0.5) < 0.2),
])  # fmt: skip
def test_zones(zone, check) -> None:
    for others in (0, 1, 3):
        items = [LayoutItem("dog", zone=zone)] + [LayoutItem("cat")] * others
        x0, y0, x1, y1 = solve(items, width=512, height=512).boxes[0]
        assert check((x0 + x1) / 2, (y0 + y1) / 2), (zone, others)


def test_on_in_front_of_and_behind_look_plausible() -> None:
    cup, table = solve([LayoutItem("cup"), LayoutItem("table")], [LayoutRelation(0, "on", 1)]).boxes
    assert table[1] < cup[3] < table[1] + 0.5 * (table[3] - table[1])  # stands on the top surface
    dog, man = solve([LayoutItem("dog"), LayoutItem("man")], [LayoutRelation(0, "in front of", 1)]).boxes
    assert dog[3] > man[3] and _overlap(dog, man) > 0
    tree, house = solve([LayoutItem("tree"), LayoutItem("house")], [LayoutRelation(0, "behind", 1)]).boxes
    assert tree[3] < house[3] and _overlap(tree, house) > 0


def test_a_cycle_is_reported_not_looped_on() -> None:
    items = [LayoutItem("cat"), LayoutItem("dog"), LayoutItem("bird")]
    relations = [LayoutRelation(0, "left of", 1), LayoutRelation(1, "left of", 2), LayoutRelation(2, "left of", 0)]
    layout = solve(items, relations)
    _valid(layout.boxes, 512, 512)
    assert layout.dropped == [relations[2]]


def test_deterministic() -> None:
    items = [LayoutItem(n) for n in ("man", "dog", "umbrella", "car")]
    relations = [LayoutRelation(0, "holding", 2), LayoutRelation(1, "left of", 3)]
    assert solve(items, relations, width=640, height=480) == solve(items, relations, width=640, height=480)


def test_unknown_relations_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown relation"):
        LayoutRelation(0, "sideways of", 1)
    with pytest.raises(ValueError, match="refers to item 5"):
        solve([LayoutItem("cat")], [LayoutRelation(0, "left of", 5)])


@pytest.mark.parametrize(("kind", "a", "b", "holds"), [
    ("left of", (0.0, 0.0, 0.2, 0.2), (0.5, 0.0, 0.7, 0.2), True),
    ("left of", (0.5, 0.0, 0.7, 0.2), (0.0, 0.0, 0.2, 0.2), False),
    ("above", (0.0, 0.0, 0.2, 0.2), (0.0, 0.5, 0.2, 0.7), True),
    ("below", (0.0, 0.0, 0.2, 0.2), (0.0, 0.5, 0.2, 0.7), False),
    ("on", (0.4, 0.1, 0.6, 0.3), (0.2, 0.25, 0.8, 0.9), True),
    ("on", (0.9, 0.1, 0.95, 0.3), (0.2, 0.25, 0.8, 0.9), False),
    ("inside", (0.4, 0.4, 0.6, 0.6), (0.3, 0.3, 0.7, 0.7), True),
    ("inside", (0.0, 0.0, 0.1, 0.1), (0.3, 0.3, 0.7, 0.7), False),
])  # fmt: skip
def test_relation_holds(kind, a, b, holds) -> None:
    assert relation_holds(kind, a, b) is holds
    assert math.isfinite(a[0])
