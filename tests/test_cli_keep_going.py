"""One bad line or scene must not cost the others: --keep-going for `plan` and `render`, and the
flags that used to be ignored or refused for no reason (issue 12 items 5 and 8)."""

from __future__ import annotations

import json
from pathlib import Path

from batch_support import audit, pngs
from conftest import REPO

from scenes.model import MAX_PROMPT_CHARS

EXAMPLE = REPO / "scenes" / "examples" / "park-couple.yaml"
TOO_LONG = "a cat " * (MAX_PROMPT_CHARS // 6 + 10)  # over the prompt limit, computed from the limit itself


def _prompts(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "prompts.txt"
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_plan_keep_going_prints_the_other_scenes_in_order_and_names_the_bad_line(cli, tmp_path: Path) -> None:
    prompts = _prompts(tmp_path, "a red apple", TOO_LONG, "a blue car")
    result = cli("plan", "-f", prompts, "--keep-going")
    assert result.code == 2, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["prompt"] for r in records] == ["a red apple", "a blue car"]
    assert f"{prompts}:2" in result.stderr and "the limit is" in result.stderr
    assert f"{prompts}:1" not in result.stderr and f"{prompts}:3" not in result.stderr


def test_plan_without_keep_going_stops_at_the_bad_line(cli, tmp_path: Path) -> None:
    prompts = _prompts(tmp_path, "a red apple", TOO_LONG, "a blue car")
    result = cli("plan", "-f", prompts)
    assert result.code == 2 and len(result.error_lines) == 1
    assert f"{prompts}:2" in result.stderr
    assert "a blue car" not in result.stdout


def test_a_control_character_in_a_prompt_file_is_reported_with_its_line(cli, tmp_path: Path) -> None:
    prompts = _prompts(tmp_path, "a red apple", "a green pear", "a \x07dog", "a blue car")
    stopped = cli("plan", "-f", prompts)
    assert stopped.code == 2 and stopped.stdout == ""  # a cheap check: before anything is planned
    assert f"{prompts}:3 " in stopped.stderr and "control character (U+0007)" in stopped.stderr
    going = cli("plan", "-f", prompts, "--keep-going")
    assert going.code == 2
    assert [json.loads(line)["prompt"] for line in going.stdout.splitlines()] == [
        "a red apple", "a green pear", "a blue car"]


def test_a_planner_failure_keeps_what_was_planned_before_it(cli, tmp_path: Path, monkeypatch) -> None:
    from planners.rules.planner import RulesPlanner
    from scenes.errors import PlannerError

    real_plan = RulesPlanner.plan

    def plan(self, prompt, **kwargs):
        if "dog" in prompt:
            raise PlannerError("the planner gave up (simulated)", hint="Try again.")
        return real_plan(self, prompt, **kwargs)

    monkeypatch.setattr(RulesPlanner, "plan", plan)
    prompts = _prompts(tmp_path, "a red apple", "a green pear", "a brown dog", "a blue car")
    stopped = cli("plan", "-f", prompts)
    assert stopped.code == 3
    assert [json.loads(line)["prompt"] for line in stopped.stdout.splitlines()] == ["a red apple", "a green pear"]
    assert f"{prompts}:3: the planner gave up" in stopped.stderr
    going = cli("plan", "-f", prompts, "--keep-going")
    assert going.code == 3
    assert [json.loads(line)["prompt"] for line in going.stdout.splitlines()] == [
        "a red apple", "a green pear", "a blue car"]


def test_render_keep_going_carries_on_past_a_prompt_that_cannot_be_planned(cli, tmp_path: Path) -> None:
    prompts = _prompts(tmp_path, "a red apple", TOO_LONG, "a blue car")
    out = tmp_path / "out"
    result = cli("render", "-f", prompts, "--renderer", "preview", "-o", out, "--keep-going")
    assert result.code == 2, result.stderr
    written = [Path(line).name for line in result.stdout.splitlines()]
    assert len(written) == 2 and written[0].startswith("0001-a-red-apple") and written[1].startswith("0003-a-blue-car")
    assert f"{prompts}:2" in result.stderr
    assert len(audit(out)) == 2
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert [(r["scene_index"], r["status"]) for r in index] == [(0, "ok"), (1, "failed"), (2, "ok")]
    assert index[1]["label"] == f"{prompts}:2" and "limit" in index[1]["error"]


def test_render_keep_going_carries_on_past_a_scene_the_renderer_refuses(cli, tmp_path: Path) -> None:
    scenes = tmp_path / "scenes.yaml"
    scenes.write_text(
        "- {caption: a cat on a sofa, seed: 1, instances: [{name: cat, caption: a cat, box: [0.1, 0.1, 0.5, 0.9]}]}\n"
        "- {caption: an empty room, seed: 2}\n"
        "- {caption: a man in a park, seed: 3, instances: [{name: man, caption: a man, box: [0.1, 0.1, 0.5, 0.9]}]}\n")
    out = tmp_path / "out"
    args = ("render", "--scene", scenes, "--renderer", "finecontrolnet", "--model", "tiny", "--dry-run", "-o", out)
    stopped = cli(*args)
    assert stopped.code == 2 and "scene 2" in stopped.stderr and not out.exists()  # checks come before writing
    going = cli(*args, "--keep-going")
    assert going.code == 2, going.stderr
    assert f"{scenes} scene 2: renderer 'finecontrolnet' needs at least one instance" in going.stderr
    assert len(going.stdout.splitlines()) == 2 and len(pngs(out)) == 2


def test_the_worst_exit_code_wins(cli, tmp_path: Path, monkeypatch) -> None:
    from renderers.preview import PreviewRenderer

    real_render = PreviewRenderer.render

    def render(self, scene, seeds, progress=None):
        if "pear" in scene.caption:
            raise RuntimeError("simulated crash")
        return real_render(self, scene, seeds, progress)

    monkeypatch.setattr(PreviewRenderer, "render", render)
    prompts = _prompts(tmp_path, "a red apple", "a green pear", "a blue car")
    only_render = cli("render", "-f", prompts, "--renderer", "preview", "-o", tmp_path / "a", "--keep-going")
    assert only_render.code == 1 and len(only_render.stdout.splitlines()) == 2
    prompts = _prompts(tmp_path, "a red apple", "a green pear", TOO_LONG)
    both = cli("render", "-f", prompts, "--renderer", "preview", "-o", tmp_path / "b", "--keep-going")
    assert both.code == 2 and len(both.stdout.splitlines()) == 1


def test_width_and_height_override_the_size_of_scene_files(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", out, "--width", "256", "--height", "192")
    assert result.code == 0, result.stderr
    (png,) = result.stdout.splitlines()
    manifest = json.loads(Path(png).with_suffix(".json").read_text())
    assert (manifest["scene"]["width"], manifest["scene"]["height"]) == (256, 192)
    assert manifest["outputs"][0]["width"] == 256 and manifest["outputs"][0]["height"] == 192
    planned = cli("plan", "--scene", EXAMPLE, "--width", "320", "--format", "json")
    assert planned.code == 0 and json.loads(planned.stdout)["width"] == 320
    assert json.loads(planned.stdout)["height"] == 512  # the scene's own height: only --width was given
    # Without the flags the scene's own size stays (768x512 in the example).
    plain = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", tmp_path / "plain")
    assert json.loads(Path(plain.stdout.strip()).with_suffix(".json").read_text())["scene"]["width"] == 768


def test_diffusion_flags_with_the_preview_renderer_are_unused_said_and_recorded(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "--steps", "3", "--guidance", "5",
                 "--max-batch", "2", "-o", out)
    assert result.code == 0, result.stderr
    assert "--steps" in result.stderr and "--guidance" in result.stderr and "unused" in result.stderr
    manifest = json.loads(Path(result.stdout.strip()).with_suffix(".json").read_text())
    assert manifest["renderer"]["details"]["unused_flags"] == {"steps": 3, "guidance": 5.0, "max_batch": 2}
    assert "steps" not in manifest["renderer"]["options"]
    # The same image as without the flags: unused flags are not part of the recipe.
    plain = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", out, "--json")
    assert json.loads(plain.stdout)["status"] == "skipped"


def test_help_texts_name_real_files_and_real_flags(cli) -> None:
    render_help = cli("render", "--help").stdout
    for word in render_help.split():
        if word.startswith("scenes/examples/"):
            assert (REPO / word).exists(), word
    plan_help = cli("plan", "--help").stdout
    assert "--count" not in plan_help and "--keep-going" in plan_help
    assert "name ." not in render_help.replace("\n", " ") and " ." not in cli("plan", "--help").stdout


def test_error_lists_are_capped(cli, tmp_path: Path) -> None:
    scene = tmp_path / "many.yaml"
    scene.write_text("caption: x\n" + "".join(f"unknown_{n}: 1\n" for n in range(100)))
    result = cli("validate", scene)
    assert result.code == 2
    problems = [line for line in result.stderr.splitlines() if "unknown_" in line]
    assert len(problems) == 20
    assert "… and 80 more" in result.stderr
