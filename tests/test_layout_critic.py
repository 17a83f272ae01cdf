"""The layout critic: one property test per rule, on layouts whose right answer is known by construction.

Each test builds a layout that is right by construction (sizes in the priors' ratio at one depth,
a thing standing on its support, a thing inside its container ...), checks the rule finds nothing,
then breaks exactly the property the rule is about and checks that the rule, and only it, finds it.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from planners.layout import critic, priors
from planners.layout.critic import Fact, Placed, review
from planners.layout.geometry import union_area

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True)
coord = st.integers(0, 64).map(lambda k: k / 64)


def _rules(found: critic.Review) -> list[str]:
    return [f.rule for f in found.findings]


@st.composite
def boxes(draw, min_side: float = 0.05):
    x0, y0 = draw(st.floats(0, 1 - min_side - 1e-3)), draw(st.floats(0, 1 - min_side - 1e-3))
    w, h = draw(st.floats(min_side, 1 - x0)), draw(st.floats(min_side, 1 - y0))
    return (x0, y0, x0 + w, y0 + h)


# -- geometry: the union of boxes, against counting cells of a grid ------------------------------------


@SETTINGS
@given(st.lists(st.tuples(coord, coord, coord, coord), min_size=1, max_size=6))
def test_union_area_counts_every_covered_cell_once(corners) -> None:
    rects = [(min(a, c), min(b, d), max(a, c), max(b, d)) for a, b, c, d in corners]
    cells = sum(1 for i in range(64) for j in range(64)
                if any(r[0] <= (i + 0.5) / 64 <= r[2] and r[1] <= (j + 0.5) / 64 <= r[3] for r in rects))
    assert abs(union_area(rects) - cells / 64 / 64) < 1e-9


# -- size -------------------------------------------------------------------------------------------

SIZED = ["man", "woman", "dog", "cat", "horse", "car", "cup", "chair", "table", "bird", "bicycle", "apple"]


@SETTINGS
@given(a=st.sampled_from(SIZED), b=st.sampled_from(SIZED), unit=st.floats(0.1, 0.5), bottom=st.floats(0.6, 1.0))
def test_size_rule_flags_a_swapped_pair_and_only_that(a: str, b: str, unit: float, bottom: float) -> None:
    ha, hb = priors.prior_for(a).height * unit, priors.prior_for(b).height * unit
    if max(ha, hb) > bottom:
        return
    right = [Placed(a, (0.1, bottom - ha, 0.3, bottom)), Placed(b, (0.6, bottom - hb, 0.8, bottom))]
    assert "size" not in _rules(review(right))
    swapped = [Placed(a, (0.1, bottom - hb, 0.3, bottom)), Placed(b, (0.6, bottom - ha, 0.8, bottom))]
    order_is_a_fact = max(ha, hb) / min(ha, hb) >= critic.SIZE_ORDER
    assert _rules(review(swapped)).count("size") == (1 if order_is_a_fact else 0)


def test_size_rule_lets_the_nearer_small_thing_look_larger() -> None:
    # A cup near the camera (low bottom) larger than a person far off is perspective, not a mistake.
    scene = [Placed("man", (0.4, 0.3, 0.45, 0.45)), Placed("cup", (0.1, 0.7, 0.3, 0.98))]
    assert "size" not in _rules(review(scene))


def test_size_rule_catches_a_bird_as_big_as_half_a_house() -> None:
    scene = [Placed("house", (0.3, 0.3, 0.95, 0.9)), Placed("bird", (0.02, 0.55, 0.27, 0.9))]
    assert _rules(review(scene)) == ["size"]


# -- support and containment -------------------------------------------------------------------------


@SETTINGS
@given(support=boxes(0.2), share=st.floats(0.05, 0.9), rest=st.floats(0.0, 0.5), height=st.floats(0.03, 0.3))
def test_support_rule(support, share: float, rest: float, height: float) -> None:
    x0, y0, x1, y1 = support
    cx = x0 + share * (x1 - x0)
    bottom = y0 + rest * (y1 - y0) * 0.9  # on its top, or on a level in its upper half
    if bottom - height < 0:
        return
    on = [Placed("cup", (cx - 0.02, bottom - height, cx + 0.02, bottom)), Placed("table", support)]
    found = review(on, [Fact(0, "on", 1)])
    assert found.measures.support_violations == 0 and "support" not in _rules(found)
    lifted = bottom - (y1 - y0) - 0.05  # floating well above it
    if lifted - height >= 0:
        up = [Placed("cup", (cx - 0.02, lifted - height, cx + 0.02, lifted)), Placed("table", support)]
        assert review(up, [Fact(0, "on", 1)]).measures.support_violations == 1
    if x1 + 0.1 < 0.96:  # beside it, on the floor
        beside = [Placed("cup", (x1 + 0.05, bottom - height, x1 + 0.09, bottom)), Placed("table", support)]
        assert _rules(review(beside, [Fact(0, "on", 1)])).count("support") == 1


def test_support_is_transitive_through_what_stands_on_the_support() -> None:
    table, cake, candle = (0.1, 0.5, 0.9, 0.9), (0.35, 0.35, 0.65, 0.56), (0.45, 0.28, 0.5, 0.4)
    things = [Placed("candle", candle), Placed("cake", cake), Placed("table", table)]
    assert review(things, [Fact(0, "on", 2)]).measures.support_violations == 0


@SETTINGS
@given(container=boxes(0.2), fx=st.floats(0.0, 0.5), fy=st.floats(0.0, 0.5), fw=st.floats(0.2, 0.5),
       fh=st.floats(0.2, 0.5))
def test_containment_rule(container, fx: float, fy: float, fw: float, fh: float) -> None:
    x0, y0, x1, y1 = container
    w, h = x1 - x0, y1 - y0
    inside = (x0 + fx * w, y0 + fy * h, x0 + (fx + fw) * w, y0 + (fy + fh) * h)
    found = review([Placed("apple", inside), Placed("bowl", container)], [Fact(0, "in", 1)])
    assert found.measures.containment_violations == 0
    outside = (x1 + 0.01, y0, min(x1 + 0.01 + fw * w, 1.0), y0 + fh * h) if x1 < 0.9 else (0.0, 0.0, x0 * 0.9, 0.05)
    if outside[2] > outside[0]:
        found = review([Placed("apple", outside), Placed("bowl", container)], [Fact(0, "in", 1)])
        assert found.measures.containment_violations == 1 and "containment" in _rules(found)


# -- frame use, overlap, people's size, floating -------------------------------------------------------


@SETTINGS
@given(count=st.integers(3, 8), top=st.floats(0.0, 0.5), extent=st.floats(0.05, 0.5))
def test_frame_rule_flags_things_squeezed_into_a_band(count: int, top: float, extent: float) -> None:
    width = 0.9 / count
    things = [Placed("apple", (k * width + 0.01, top, (k + 1) * width, top + extent)) for k in range(count)]
    found = review(things)
    squeezed = extent < critic.BAND_MIN
    assert ("frame" in _rules(found)) == (squeezed or found.measures.coverage < critic.COVERAGE_MIN)
    assert abs(found.measures.band - extent) < 1e-9


@SETTINGS
@given(outer=boxes(0.2), related=st.booleans())
def test_overlap_rule_flags_unrelated_things_hiding_each_other(outer, related: bool) -> None:
    x0, y0, x1, y1 = outer
    inner = (x0 + 0.1 * (x1 - x0), y0 + 0.1 * (y1 - y0), x1 - 0.1 * (x1 - x0), y1)
    facts = [Fact(0, "in_front_of", 1)] if related else []
    found = review([Placed("dog", inner), Placed("cat", outer)], facts)
    assert ("overlap" in _rules(found)) == (not related)
    apart = review([Placed("dog", (0.0, 0.5, 0.2, 0.9)), Placed("cat", (0.5, 0.5, 0.7, 0.9))])
    assert "overlap" not in _rules(apart)


@SETTINGS
@given(heights=st.lists(st.floats(0.05, 0.95), min_size=1, max_size=6), far=st.booleans())
def test_person_size_rule(heights: list[float], far: bool) -> None:
    width = 0.95 / len(heights)
    people = [Placed("woman", (k * width, 0.98 - h, (k + 0.9) * width, 0.98)) for k, h in enumerate(heights)]
    found = review(people, far=far)
    expected = 0 if far or len(heights) > critic.FEW_PEOPLE else sum(h < critic.PERSON_MIN for h in heights)
    assert _rules(found).count("person-size") == expected


def test_far_words_excuse_small_people() -> None:
    assert critic.is_far("a lone hiker far away in a vast valley")
    assert critic.is_far("two people in the distance")
    assert not critic.is_far("a man and a woman in a park")


@SETTINGS
@given(bottom=st.floats(0.1, 0.98), name=st.sampled_from(["dog", "chair", "kite", "clock", "car"]),
       under=st.booleans())
def test_floating_rule(bottom: float, name: str, under: bool) -> None:
    thing = Placed(name, (0.4, max(bottom - 0.1, 0.0), 0.6, bottom))
    things = [thing] + ([Placed("table", (0.3, bottom - 0.01, 0.7, min(bottom + 0.3, 1.0)))] if under else [])
    found = review(things)
    on_ground = name in ("dog", "chair", "car")  # a kite flies, a clock hangs on the wall
    floats = any(f.rule == "floating" and f.instances == (0,) for f in found.findings)
    assert floats == (on_ground and bottom <= 0.5 and not under)


# -- relations ---------------------------------------------------------------------------------------


@SETTINGS
@given(a=boxes(0.05), b=boxes(0.05))
def test_directions_are_judged_by_centres(a, b) -> None:
    (ax, ay), (bx, by) = ((a[0] + a[2]) / 2, (a[1] + a[3]) / 2), ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
    things = [Placed("dog", a), Placed("cat", b)]
    for kind, holds in (("left_of", ax < bx), ("right_of", ax > bx), ("above", ay < by), ("below", ay > by)):
        found = review(things, [Fact(0, kind, 1)])
        assert found.measures.relations_broken == (0 if holds else 1), kind


@SETTINGS
@given(cx=st.floats(0.06, 0.94), cy=st.floats(0.06, 0.94),
       place=st.sampled_from(["top-left", "top-right", "bottom-left", "bottom-right", "left", "right", "top",
                              "bottom", "center"]))
def test_places_are_judged_by_the_centre(cx: float, cy: float, place: str) -> None:
    box = (cx - 0.05, cy - 0.05, cx + 0.05, cy + 0.05)
    x_ok = {"left": cx <= 0.42, "right": cx >= 0.58, "center": 0.28 <= cx <= 0.72, None: True}
    y_ok = {"top": cy <= 0.45, "bottom": cy >= 0.55, "center": 0.25 <= cy <= 0.75, None: True}
    y, x = (place.split("-") if "-" in place else (place, None) if place in ("top", "bottom")
            else ("center", "center") if place == "center" else (None, place))
    kind = "in_corner" if "-" in place else "at_place"
    found = review([Placed("ball", box)], [Fact(0, kind, place=place)])
    assert found.measures.relations_broken == (0 if x_ok[x] and y_ok[y] else 1)


def test_notes_are_capped_and_name_the_things() -> None:
    people = [Placed("man", (k * 0.1, 0.9, k * 0.1 + 0.05, 0.95)) for k in range(4)]
    facts = [Fact(k, "left_of", k - 1) for k in range(1, 4)]
    notes = review(people, facts).notes(limit=3)
    assert len(notes) == 4 and notes[-1].startswith("layout: … and ")
    assert all(n.startswith("layout: ") for n in notes) and "man #1" in " ".join(notes)
