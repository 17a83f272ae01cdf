"""The rules planner as a Planner: contract, determinism, refusals, completing hand-written scenes."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest
from conftest import HANG_SECONDS
from hypothesis import given, settings
from hypothesis import strategies as st

from planners.base import Canvas, Planner, PlanResult
from planners.rules import RulesPlanner
from scenes import poses
from scenes.errors import InvalidInput
from scenes.manifest import PlannerRecord
from scenes.model import Instance, PoseKeypoints, Scene


def test_registered_as_the_rules_planner() -> None:
    found = {ep.name: ep for ep in entry_points(group="deig.planners")}
    assert found["rules"].load() is RulesPlanner
    assert issubclass(RulesPlanner, Planner) and RulesPlanner.name == "rules"


def test_plan_returns_a_complete_valid_scene() -> None:
    prompt = "a man in a red hat sitting on a bench in a park at dusk, no dogs"
    result = RulesPlanner().plan(prompt, canvas=Canvas(768, 512), seed=42)
    assert isinstance(result, PlanResult)
    assert result.record == PlannerRecord(name="rules")
    scene = result.scene
    assert scene.prompt == prompt and scene.seed == 42
    assert (scene.width, scene.height) == (768, 512)
    assert scene.is_complete
    assert Scene.model_validate(scene.model_dump(by_alias=True)) == scene
    man = next(i for i in scene.instances if i.name == "man")
    assert man.pose == "sitting" and "red hat" in man.caption
    assert scene.background == "a park at dusk"
    assert scene.negative == "dogs" and "dogs" not in scene.caption


def test_deterministic() -> None:
    prompts = ["two cats, one black and one white, on a wooden table", "a woman waving next to a red car"]
    for prompt in prompts:
        first = RulesPlanner().plan(prompt, canvas=Canvas(640, 480))
        second = RulesPlanner().plan(prompt, canvas=Canvas(640, 480))
        assert first.scene == second.scene and first.notes == second.notes


@pytest.mark.parametrize(("prompt", "message"), [
    ("", "empty"), ("   \n\t ", "empty"), ("a cat " * 2000, "at most 10,000"),
    ("a cat\x1b[31m", "control character"), ("a dog\x00", "control character"),
])  # fmt: skip
def test_refuses_what_cannot_be_planned(prompt: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message) as caught:
        RulesPlanner().plan(prompt, canvas=Canvas())
    assert caught.value.hint


@pytest.mark.parametrize("seed", [-1, 2**32])
def test_refuses_seeds_out_of_range(seed: int) -> None:
    with pytest.raises(InvalidInput, match="seed"):
        RulesPlanner().plan("a cat", canvas=Canvas(), seed=seed)


@pytest.mark.parametrize("canvas", [Canvas(500, 512), Canvas(32, 512), Canvas(512, 8192)])
def test_refuses_unusable_canvases(canvas: Canvas) -> None:
    with pytest.raises(InvalidInput, match="canvas") as caught:
        RulesPlanner().plan("a cat", canvas=canvas)
    assert "multiple of 8" in caught.value.hint


def test_words_it_cannot_place_still_give_a_scene_with_a_note() -> None:
    result = RulesPlanner().plan("Ein Hund und eine Katze", canvas=Canvas())
    assert result.scene.instances == [] and result.scene.caption == "Ein Hund und eine Katze"
    assert any("no objects" in note for note in result.notes)


def test_too_many_things_are_capped_with_a_note() -> None:
    result = RulesPlanner().plan("500 birds", canvas=Canvas())
    assert len(result.scene.instances) == 100
    assert any("at most 100" in note for note in result.notes)


def test_conflicting_relations_are_noted() -> None:
    result = RulesPlanner().plan("a cat left of a dog. The dog is left of the cat.", canvas=Canvas())
    assert [i.name for i in result.scene.instances] == ["cat", "dog"]
    assert any("conflicts" in note for note in result.notes)


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=300))
def test_any_text_gives_a_valid_scene_or_a_clear_refusal(text: str) -> None:
    try:
        scene = RulesPlanner().plan(text, canvas=Canvas(256, 256)).scene
    except InvalidInput as error:
        assert error.hint
        return
    assert Scene.model_validate(scene.model_dump(by_alias=True)) == scene


WORDS = ["a", "the", "two", "3", "red", "wooden", "cat", "dogs", "man", "woman", "in", "on", "left of", "next to",
         "with", "without", "no", "and", ",", ".", "sitting", "waving", "hat", "park", "at dusk", "from left to right",
         "it", "both", "of", "is", "geese", "tv remote", "zorbs", "between"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30))
def test_word_salad_never_breaks_the_planner(words: list[str]) -> None:
    scene = RulesPlanner().plan(" ".join(words), canvas=Canvas(512, 384)).scene
    assert scene.is_complete


def test_imports_neither_torch_nor_numpy() -> None:
    code = ("import sys\nfrom planners.rules import RulesPlanner\nfrom planners.base import Canvas\n"
            "RulesPlanner().plan('a red cup on a table', canvas=Canvas())\n"
            "heavy = [m for m in ('torch', 'numpy', 'diffusers', 'transformers') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=HANG_SECONDS)



def test_missing_word_tables_are_a_clear_error_not_a_bad_plan() -> None:
    # lemminflect made unfindable in a real process: planning must refuse, not draw verbs as things
    code = ("import sys\nsys.modules['lemminflect'] = None\nsys.argv = ['deig', 'plan', 'a rooster crows on a fence']\n"
            "from deigcli.main import run\nrun()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_SECONDS)
    assert done.returncode == 4, done.stderr
    assert done.stdout == ""
    assert "Error: the rules planner cannot find its word tables" in done.stderr
    assert "Hint: Reinstall deig" in done.stderr and "Traceback" not in done.stderr

# -- complete() ----------------------------------------------------------------------------------

KEYPOINTS = PoseKeypoints(keypoints=[(0.2 + 0.01 * i, 0.2 + 0.03 * i, 1.0) for i in range(poses.NUM_KEYPOINTS)])


def test_complete_fills_boxes_and_captions_and_records_them() -> None:
    scene = Scene(caption="a man and a dog in a garden", width=640, height=480, instances=[
        Instance(name="man", caption="a man in a blue coat", box=(0.05, 0.1, 0.4, 0.95), pose="waving"),
        Instance(name="dog"),
        Instance(name="tree", caption="an old oak"),
        Instance(name="person", pose=KEYPOINTS),
    ])
    result = RulesPlanner().complete(scene)
    done = result.scene
    assert done.is_complete
    assert result.record.name == "rules"
    assert result.record.completed == ["instances[1].box", "instances[1].caption", "instances[2].box",
                                       "instances[3].box", "instances[3].caption"]
    assert done.instances[0] == scene.instances[0]
    assert done.instances[1].caption == "a dog" and done.instances[3].caption == "a person"
    assert done.instances[2].caption == "an old oak"
    x0, y0, x1, y1 = done.instances[3].box
    kx = [k[0] for k in KEYPOINTS.keypoints]
    assert x0 <= min(kx) and max(kx) <= x1  # a keypoint pose says where the person is
    for free in (done.instances[1].box, done.instances[2].box):
        assert free[0] >= 0.4 or free[2] <= 0.05 or free[1] >= 0.95  # outside the man's box
    assert result.notes


def test_complete_leaves_a_complete_scene_alone() -> None:
    scene = RulesPlanner().plan("two dogs and a cat", canvas=Canvas()).scene
    result = RulesPlanner().complete(scene)
    assert result.scene == scene and result.record.completed == [] and result.notes == []


@st.composite
def partial_scenes(draw):
    width, height = draw(st.integers(8, 128)) * 8, draw(st.integers(8, 128)) * 8
    instances = []
    for _ in range(draw(st.integers(0, 12))):
        fields = {"name": draw(st.sampled_from(["man", "cat", "car", "cup", "zorb", "tree", "fire hydrant"]))}
        if draw(st.booleans()):
            fields["caption"] = draw(st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF), min_size=1,
                                             max_size=20).filter(str.strip))
        if draw(st.booleans()):
            x0, y0 = draw(st.floats(0, 0.8)), draw(st.floats(0, 0.8))
            fields["box"] = (x0, y0, draw(st.floats(min(x0 + 8 / width, 1), 1)),
                             draw(st.floats(min(y0 + 8 / height, 1), 1)))
        if fields["name"] == "man" and draw(st.booleans()):
            fields["pose"] = draw(st.sampled_from(poses.POSE_NAMES))
        instances.append(fields)
    document = {"caption": "hand-written", "width": width, "height": height, "instances": instances,
                "background": draw(st.none() | st.just("a quiet street")), "seed": draw(st.none() | st.integers(0, 9))}
    return Scene.model_validate(document)


@settings(max_examples=150, deadline=None)
@given(partial_scenes())
def test_complete_never_changes_a_given_value(scene: Scene) -> None:
    result = RulesPlanner().complete(scene)
    done = result.scene
    assert done.is_complete
    expected = [f"instances[{i}].{key}" for i, inst in enumerate(scene.instances)
                for key in ("box", "caption") if getattr(inst, key) is None]
    assert result.record.completed == expected
    for before, after in zip(scene.instances, done.instances, strict=True):
        for key in ("name", "caption", "box", "pose"):
            if getattr(before, key) is not None:
                assert getattr(after, key) == getattr(before, key)
    for key in ("caption", "background", "negative", "width", "height", "seed", "prompt"):
        assert getattr(done, key) == getattr(scene, key)
