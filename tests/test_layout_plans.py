"""Every plan gets a depth order and the critic's notes; the canvas follows the scene when no size is given."""

from __future__ import annotations

import json

import pytest
import yaml
from chat_server import ChatServer, reply_with
from hypothesis import given, settings
from hypothesis import strategies as st
from llm_fixtures import llm_env, planner_for  # noqa: F401

from planners.base import Canvas
from planners.layout import LayoutItem, LayoutRelation, finish_plan, review_scene, solve, with_depth
from planners.layout import canvas as canvas_shapes
from planners.layout.critic import Fact, rests_on
from planners.layout.depth import depth_ranks
from planners.layout.geometry import overlaps
from planners.rules import RulesPlanner
from scenes.depth import front_to_back
from scenes.model import Instance, Relation, Scene

RULES = RulesPlanner()


def _scene(boxes, relations=(), names=None) -> Scene:
    names = names or [f"thing{k}" for k in range(len(boxes))]
    return Scene(caption="x", instances=[Instance(name=n, box=b) for n, b in zip(names, boxes, strict=True)],
                 relations=[Relation(**r) for r in relations])


# -- depth order --------------------------------------------------------------------------------------


def test_a_cup_on_a_table_is_drawn_in_front_of_the_table() -> None:
    # The table's bottom is lower, so the ground rule alone would put the table in front.
    scene = _scene([(0.4, 0.3, 0.5, 0.45), (0.1, 0.4, 0.9, 0.9)], [{"subject": 0, "kind": "on", "object": 1}])
    ranked = with_depth(scene)
    assert [i.depth for i in ranked.instances] == [0, 1]
    assert front_to_back(ranked.instances) == [0, 1]


def test_behind_and_held_by_order_the_pair_whatever_the_bottoms_say() -> None:
    man, car = (0.3, 0.2, 0.5, 0.95), (0.2, 0.5, 0.9, 0.9)
    assert depth_ranks([man, car], [Fact(0, "behind", 1)]) == [1, 0]
    hand, plate = (0.3, 0.1, 0.6, 0.95), (0.5, 0.4, 0.7, 0.5)
    assert depth_ranks([hand, plate], [Fact(1, "held_by", 0)]) == [1, 0]


def test_only_overlapping_instances_get_a_depth() -> None:
    ranks = depth_ranks([(0.0, 0.0, 0.2, 0.2), (0.5, 0.5, 0.7, 0.9), (0.6, 0.6, 0.8, 0.8)])
    assert ranks[0] is None and ranks[1] == 0 and ranks[2] == 1


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.floats(0, 0.8), st.floats(0, 0.8), st.floats(0.05, 0.2), st.floats(0.05, 0.2)),
                min_size=2, max_size=8))
def test_without_relations_the_lower_bottom_is_in_front_where_boxes_overlap(raw) -> None:
    boxes = [(x, y, x + w, y + h) for x, y, w, h in raw]
    ranks = depth_ranks(boxes)
    for i in range(len(boxes)):
        for j in range(len(boxes)):
            if i != j and overlaps(boxes[i], boxes[j]) and boxes[i][3] > boxes[j][3]:
                assert ranks[i] < ranks[j]
    scene = with_depth(_scene(boxes))
    order = front_to_back(scene.instances)  # what renderers use agrees with the planner
    for i in range(len(boxes)):
        for j in range(len(boxes)):
            if overlaps(boxes[i], boxes[j]) and boxes[i][3] > boxes[j][3]:
                assert order.index(i) < order.index(j)


def test_a_scene_that_states_depth_is_left_as_it_is() -> None:
    scene = _scene([(0.1, 0.1, 0.6, 0.6), (0.2, 0.2, 0.7, 0.9)])
    scene = scene.model_copy(update={"instances": [scene.instances[0].model_copy(update={"depth": 0}),
                                                   scene.instances[1]]})
    assert with_depth(scene) is scene


def test_planned_scenes_record_who_is_in_front() -> None:
    result = finish_plan(RULES.plan("a cup on a table next to a man", canvas=Canvas(512, 512)))
    cup, table = (next(i for i in result.scene.instances if i.name == n) for n in ("cup", "table"))
    assert cup.depth is not None and table.depth is not None and cup.depth < table.depth


# -- notes on every plan ------------------------------------------------------------------------------


def test_findings_become_notes_on_stderr_and_in_the_record() -> None:
    result = RULES.plan("a man next to a woman", canvas=Canvas(512, 512))
    tiny = [i.model_copy(update={"box": (0.1 + 0.3 * k, 0.8, 0.15 + 0.3 * k, 0.9)})
            for k, i in enumerate(result.scene.instances)]
    result.scene = result.scene.model_copy(update={"instances": tiny})
    finished = finish_plan(result)
    assert any("too small for a face" in n for n in finished.notes)
    assert finished.record.notes == [n for n in finished.notes if n.startswith("layout: ")]


def test_deig_plan_prints_the_critics_notes(cli) -> None:
    scene = {"caption": "two people", "instances": [
        {"name": "man", "caption": "a man", "box": [0.1, 0.8, 0.15, 0.9]},
        {"name": "woman", "caption": "a woman"}]}
    result = cli("plan", "--scene", "-", "--planner", "rules", stdin=json.dumps(scene))
    assert result.code == 0
    assert "Note:" in result.stderr and "layout: the man is 10% of the height" in result.stderr


# -- the canvas follows the scene ---------------------------------------------------------------------


def test_shapes_follow_the_natural_extent() -> None:
    assert canvas_shapes.shape_for(0.4) == (512, 768)
    assert canvas_shapes.shape_for(1.0) == (512, 512)
    assert canvas_shapes.shape_for(3.0) == (896, 512)


@pytest.mark.parametrize(("prompt", "wide"), [
    ("a row of six soldiers standing at attention", True),
    ("a woman in a long red dress", False),
    ("a red car", True),
])
def test_a_planner_free_to_choose_shapes_the_canvas(prompt: str, wide: bool) -> None:
    scene = RULES.plan(prompt, canvas=Canvas(512, 512, given=False)).scene
    assert (scene.width > scene.height) == wide, (scene.width, scene.height)
    assert scene.width % 8 == 0 and scene.height % 8 == 0
    fixed = RULES.plan(prompt, canvas=Canvas(512, 512)).scene
    assert (fixed.width, fixed.height) == (512, 512)


def test_deig_plan_keeps_the_users_size_and_shapes_it_otherwise(cli) -> None:
    prompt = "six people standing in a row"
    free = yaml.safe_load(cli("plan", prompt, "--planner", "rules").stdout)
    assert free["width"] > free["height"]
    given = yaml.safe_load(cli("plan", prompt, "--planner", "rules", "--width", "512", "--height", "512").stdout)
    assert (given["width"], given["height"]) == (512, 512)
    one_side = yaml.safe_load(cli("plan", prompt, "--planner", "rules", "--width", "640").stdout)
    assert (one_side["width"], one_side["height"]) == (640, 512)


# -- the LLM planner's critic re-ask --------------------------------------------------------------------

TINY = {"caption": "a man and a woman", "background": "", "negative": "", "instances": [
    {"name": "man", "caption": "a man", "box": [40, 440, 70, 500], "pose": None},
    {"name": "woman", "caption": "a woman", "box": [300, 440, 330, 500], "pose": None}]}
LARGE = {"caption": "a man and a woman", "background": "", "negative": "", "instances": [
    {"name": "man", "caption": "a man", "box": [40, 60, 220, 500], "pose": None},
    {"name": "woman", "caption": "a woman", "box": [280, 60, 460, 500], "pose": None}]}


@pytest.mark.usefixtures("llm_env")
def test_the_critic_reask_is_off_by_default() -> None:
    with ChatServer([reply_with(TINY)]) as server:
        result = planner_for(server).plan("a man and a woman", canvas=Canvas(512, 512), seed=1)
        assert len(server.requests) == 1
    assert review_scene(result.scene).findings  # kept as it came; the notes will say why


@pytest.mark.usefixtures("llm_env")
def test_the_critic_reask_sends_the_findings_back_and_keeps_the_better_layout() -> None:
    with ChatServer([reply_with(TINY), reply_with(LARGE)]) as server:
        result = planner_for(server, critic_reask=True).plan("a man and a woman", canvas=Canvas(512, 512), seed=1)
        assert len(server.requests) == 2
        second = server.requests[1].body["messages"][-1]["content"]
    assert "too small for a face" in second
    assert not review_scene(result.scene).findings
    assert result.record.options["critic_reask"] is True


@pytest.mark.usefixtures("llm_env")
def test_a_worse_answer_to_the_critic_keeps_the_first_layout() -> None:
    worse = json.loads(json.dumps(TINY))
    worse["instances"][1]["box"] = [45, 445, 65, 495]  # now also hidden behind the man
    with ChatServer([reply_with(TINY), reply_with(worse)]) as server:
        result = planner_for(server, critic_reask=True).plan("a man and a woman", canvas=Canvas(512, 512), seed=1)
        assert len(server.requests) == 2
    assert result.scene.instances[1].box[0] == pytest.approx(300 / 512, abs=1e-3)


# -- support, as the issue saw it go wrong -------------------------------------------------------------


@pytest.mark.parametrize(("thing", "on_top"), [("plant", True), ("cat", True), ("book", False), ("vase", False)])
def test_on_a_bookshelf_is_on_its_top_or_on_a_shelf_level(thing: str, on_top: bool) -> None:
    solved = solve([LayoutItem(thing), LayoutItem("bookshelf")], [LayoutRelation(0, "on", 1)])
    (x0, y0, x1, y1), shelf = solved.boxes
    shelf_height = shelf[3] - shelf[1]
    if on_top:
        assert abs(y1 - shelf[1]) <= 0.002  # standing on the top edge, not inside
    else:
        assert shelf[1] + 0.1 * shelf_height < y1 < shelf[1] + 0.5 * shelf_height  # on an upper shelf level


def test_candles_on_a_cake_on_a_table_all_rest_on_the_table() -> None:
    items = [LayoutItem("candle"), LayoutItem("cake"), LayoutItem("table")]
    solved = solve(items, [LayoutRelation(0, "on", 1), LayoutRelation(0, "on", 2)])
    candle, cake, table = solved.boxes
    assert rests_on(candle, cake) and rests_on(cake, table)


def test_a_person_in_a_cup_holds_it_instead() -> None:
    solved = solve([LayoutItem("woman"), LayoutItem("cup")], [LayoutRelation(0, "inside", 1)])
    assert solved.relations == [LayoutRelation(0, "holding", 1)]
    woman, cup = solved.boxes
    assert (cup[3] - cup[1]) < 0.3 * (woman[3] - woman[1])


def test_people_around_a_table_form_a_ring() -> None:
    items = [LayoutItem("person") for _ in range(4)] + [LayoutItem("dining table")]
    solved = solve(items, [LayoutRelation(k, "next to", 4) for k in range(4)], width=768, height=512)
    assert [r.kind for r in solved.relations] == ["around"] * 4
    table = solved.boxes[4]
    ends = sorted(solved.boxes[:2], key=lambda b: b[0])
    assert ends[0][0] < table[0] and ends[1][2] > table[2]  # one at each end
    for behind in solved.boxes[2:4]:  # the others behind it: higher feet, inside its width
        assert behind[3] < table[3] and table[0] <= (behind[0] + behind[2]) / 2 <= table[2]


def test_a_completed_scene_file_gets_depth_only_where_relations_overrule_the_ground_rule() -> None:
    plain = _scene([(0.1, 0.1, 0.6, 0.6), (0.2, 0.2, 0.7, 0.9)])
    assert with_depth(plain, only_when_needed=True) is plain  # the ground rule already says it
    cup_on_table = _scene([(0.4, 0.3, 0.5, 0.45), (0.1, 0.4, 0.9, 0.9)], [{"subject": 0, "kind": "on", "object": 1}])
    assert [i.depth for i in with_depth(cup_on_table, only_when_needed=True).instances] == [0, 1]
