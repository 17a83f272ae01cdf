"""Scene files: every accepted shape, and every problem located by path and line."""

from __future__ import annotations

import json

import pytest

from scenes.errors import InvalidInput, SceneInvalid
from scenes.io import dump_scene, dump_scenes, load_scenes
from scenes.model import Scene

GOOD = """\
version: 1
caption: a man and a woman standing in a sunny park
background: a sunny park with trees
negative: blurry, low quality
width: 768
height: 512
seed: 1234
instances:
  - name: man
    caption: a man wearing a red hat and a blue jacket
    box: [0.05, 0.10, 0.45, 0.98]
    pose: standing
  - name: woman
    caption: a woman in a yellow dress
    box: [0.55, 0.10, 0.95, 0.98]
"""


def _alias_bomb(levels: int = 9, fan_out: int = 9) -> str:
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * fan_out)}]")
    return "\n".join(lines) + "\n"


ALIAS_BOMB = _alias_bomb()  # a few hundred bytes that would expand to ~9**9 values


def problems(text: str, source: str = "s.yaml") -> list[str]:
    with pytest.raises(SceneInvalid) as caught:
        load_scenes(text, source)
    return [issue.render() for issue in caught.value.issues]


def test_design_example_loads_and_round_trips_through_yaml_and_json() -> None:
    (loaded,) = load_scenes(GOOD, "good.yaml")
    scene = loaded.scene
    assert scene.width == 768 and scene.instances[0].pose == "standing" and scene.instances[1].pose is None
    for fmt in ("yaml", "json", "jsonl"):
        (again,) = load_scenes(dump_scene(scene, fmt), f"x.{fmt}")
        assert again.scene == scene


def test_a_list_several_documents_and_json_lines_each_give_several_scenes() -> None:
    one = {"caption": "a cat"}
    two = {"caption": "a dog", "seed": 3}
    as_list = load_scenes(json.dumps([one, two]))
    as_docs = load_scenes("caption: a cat\n---\ncaption: a dog\nseed: 3\n")
    as_jsonl = load_scenes(json.dumps(one) + "\n\n" + json.dumps(two) + "\n")
    for loaded in (as_list, as_docs, as_jsonl):
        assert [s.scene.caption for s in loaded] == ["a cat", "a dog"]
        assert [s.label for s in loaded] == ["scene 1", "scene 2"]
    assert [s.line for s in as_docs] == [1, 3]
    assert [s.line for s in as_jsonl] == [1, 3]
    assert load_scenes(dump_scenes([Scene(caption="a"), Scene(caption="b")], "yaml"))[1].scene.caption == "b"


def test_yaml_flow_mapping_is_accepted_even_though_it_starts_like_json() -> None:
    (loaded,) = load_scenes("{caption: a red apple, seed: 5}")
    assert loaded.scene.seed == 5


def test_each_problem_names_its_location_and_line() -> None:
    text = """\
caption: a man and a woman
width: 500
instances:
  - name: man
    box: [0.6, 0.1, 0.4, 0.9]
    colour: red
  - name: woman
    pose: standin
  - name: dog
    box: [0.1, 0.1, 1.5, 0.9]
render: {steps: abc}
version: 2
"""
    found = problems(text)
    assert "s.yaml:12: version: unsupported scene version 2; this deig reads version 1" in found
    assert "s.yaml:2: width: must be a multiple of 8 (got 500; nearest: 496)" in found
    assert any(p.startswith("s.yaml:5: instances[0].box: x0 must be less than x1") for p in found)
    assert "s.yaml:6: instances[0].colour: unknown key 'colour' (allowed: name, caption, box, pose, depth, reference, identity, reference_strength, concept, concept_token, concept_scale, concept_sha256)" in found
    assert any(p.startswith("s.yaml:8: instances[1].pose: unknown pose 'standin'; did you mean 'standing'?")
               for p in found)
    assert any(p.startswith("s.yaml:10: instances[2].box[2]: input should be less than or equal to 1") for p in found)
    assert any(p.startswith("s.yaml:11: render.steps: input should be a valid integer") for p in found)
    assert len(found) == 7


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("seed: 3\n", "s.yaml:1: required key 'caption' is missing"),
        ("caption: x\ncaptoin: y\n", "s.yaml:2: captoin: unknown key 'captoin' (did you mean 'caption'?)"),
        ("caption: x\ninstances:\n  - {name: a, box: [0, 0, 0.01, 0.5]}\n",
         "s.yaml:3: instances[0].box: box is 5x256 px on the 512x512 canvas; an instance needs at least 8 px each way"),
        ("caption: x\ninstances: {name: a}\n", "s.yaml:2: instances: input should be a valid list (got a mapping)"),
        ("caption: x\nseed: -4\n", "s.yaml:2: seed: input should be greater than or equal to 0 (got -4)"),
        ("caption: '   '\n", "s.yaml:1: caption: must not be blank"),
        ("caption: x\ninstances:\n  - {name: a, box: [0.1, 0.1, .nan, 0.5]}\n",
         "s.yaml:3: instances[0].box[2]: input should be a finite number"),
        ("caption: x\ninstances:\n  - name: a\n    pose: {keypoints: [[0.5, 0.5, 1]]}\n",
         "s.yaml:4: instances[0].pose.keypoints: list should have at least 18 items, not 1"),
    ],
)
def test_single_problems_are_worded_for_people(text: str, expected: str) -> None:
    (found,) = problems(text)
    assert found.startswith(expected), found


def test_problems_in_a_list_name_the_scene() -> None:
    found = problems("- caption: ok\n- caption: 3\n  width: 12\n")
    assert any(p.startswith("s.yaml:2: scene 2: caption: input should be a valid string") for p in found)
    assert any(p.startswith("s.yaml:3: scene 2: width") for p in found)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("caption: [\n", "s.yaml:2: invalid YAML"),
        ("caption: x\n  bad: indent\n", "s.yaml:2: invalid YAML"),
        ("caption: a\ncaption: b\n", "s.yaml:2: duplicate key 'caption'"),
        ('{"caption": "a", "caption": "b"}', "duplicate key 'caption'"),
        ("", "is empty"),
        ("# only a comment\n", "holds no scene"),
        (ALIAS_BOMB, "expands to more than"),
        ("[" * 5000 + "]" * 5000, "nested too deeply"),
    ],
)
def test_unreadable_documents_are_refused_with_one_message(text: str, fragment: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        load_scenes(text, "s.yaml")
    assert fragment in caught.value.message


def test_explicit_keypoints_and_library_poses_give_canvas_keypoints() -> None:
    keypoints = [[0.5, 0.1 + 0.04 * i, 1.0] for i in range(18)]
    (loaded,) = load_scenes(json.dumps({"caption": "x", "instances": [
        {"name": "man", "caption": "a man", "box": [0.1, 0.1, 0.4, 0.9], "pose": "waving"},
        {"name": "woman", "caption": "a woman", "pose": {"keypoints": keypoints}},
    ]}))
    man, woman = loaded.scene.instances
    placed = man.keypoints(canvas_aspect=1.0)
    assert len(placed) == 18
    assert all(0.1 - 1e-9 <= x <= 0.4 + 1e-9 and 0.1 - 1e-9 <= y <= 0.9 + 1e-9 for x, y, c in placed if c > 0)
    assert woman.keypoints(1.0) == [tuple(k) for k in keypoints]
    assert loaded.scene.missing() == ["instances[1].box"]
