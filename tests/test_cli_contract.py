"""The command line's contract: stdout is data, one Error:/Hint: per failure, exit codes, no clobbering."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import REPO, run_deig
from PIL import Image

from deigcli import files
from scenes.errors import InvalidInput

EXAMPLE = REPO / "scenes" / "examples" / "park-couple.yaml"
SCENE = """\
caption: a red apple on a table
seed: 5
instances:
  - name: apple
    caption: a shiny red apple
    box: [0.3, 0.3, 0.7, 0.7]
"""


def assert_one_error(result, *fragments: str, code: int = 2) -> None:
    assert result.code == code, (result.code, result.stderr)
    assert len(result.error_lines) == 1, result.stderr
    assert "Hint:" in result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def test_render_prints_only_paths_on_stdout_and_writes_png_and_manifest(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", out)
    assert result.code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    png = Path(line)
    assert png.parent == out and png.suffix == ".png"
    with Image.open(png) as image:
        assert image.size == (768, 512)
        embedded = json.loads(image.info["deig"])
        assert "Seed: 1234" in image.info["parameters"] and "Size: 768x512" in image.info["parameters"]
    manifest = json.loads(png.with_suffix(".json").read_text())
    assert manifest["scene"]["seed"] == 1234 and manifest["renderer"]["name"] == "preview"
    assert manifest["outputs"][0]["file"] == png.name
    assert embedded["recipe_sha256"] == manifest["recipe_sha256"] and "created" not in embedded


def test_json_records_and_resume_of_finished_images(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", out, "--count", "2", "--json")
    records = [json.loads(line) for line in first.stdout.splitlines()]
    assert [r["status"] for r in records] == ["rendered", "rendered"]
    assert [r["seed"] for r in records] == [1234, 1235]
    mtimes = {p: p.stat().st_mtime_ns for p in out.iterdir()}
    again = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", out, "--count", "2", "--json")
    assert [json.loads(line)["status"] for line in again.stdout.splitlines()] == ["skipped", "skipped"]
    assert {p: p.stat().st_mtime_ns for p in out.iterdir()} == mtimes


def test_an_existing_file_is_never_overwritten_without_force(cli, tmp_path: Path) -> None:
    scene = tmp_path / "apple.yaml"
    scene.write_text(SCENE)
    out = tmp_path / "out"
    out.mkdir()
    victim = out / "a-red-apple-on-a-table-5.png"
    victim.write_bytes(b"precious")
    result = cli("render", "--scene", scene, "--renderer", "preview", "-o", out)
    assert_one_error(result, "already exists", "--force")
    assert victim.read_bytes() == b"precious" and not (out / "a-red-apple-on-a-table-5.json").exists()
    forced = cli("render", "--scene", scene, "--renderer", "preview", "-o", out, "--force")
    assert forced.code == 0 and victim.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("document", "fragments"),
    [
        ("caption: [unclosed\n", ["scene.yaml:", "invalid YAML"]),
        ("caption: x\nwidth: wide\n", ["scene.yaml:2: width"]),
        ("caption: x\ninstances:\n  - {name: a, box: [0.1, 0.1, 1.4, 0.9]}\n", ["scene.yaml:3: instances[0].box[2]"]),
        ("caption: x\ninstances:\n  - {name: a, box: [0.8, 0.1, 0.2, 0.9]}\n", ["scene.yaml:3: instances[0].box",
                                                                                 "x0 must be less than x1"]),
        ("caption: x\nlighting: warm\n", ["scene.yaml:2: lighting: unknown key 'lighting'"]),
        ("caption: x\ninstances:\n  - name: a\n    box: [0.1, 0.1, 0.5, 0.9]\n    colour: red\n",
         ["scene.yaml:5: instances[0].colour"]),
    ],
)
def test_bad_scene_files_give_one_located_error_and_write_nothing(cli, tmp_path: Path, document, fragments) -> None:
    scene = tmp_path / "scene.yaml"
    scene.write_text(document)
    out = tmp_path / "out"
    for args in (("render", "--scene", scene, "--renderer", "preview", "-o", out), ("validate", scene)):
        result = cli(*args)
        assert_one_error(result, *fragments)
        assert result.stdout == ""
    assert not out.exists()  # not even an empty folder


def test_bad_inputs_from_stdin_and_arguments(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    huge = "a red apple " * 900_000  # ~10 MB
    assert_one_error(cli("render", huge, "--renderer", "preview", "-o", out), "characters; the limit is")
    assert_one_error(cli("plan", "-", stdin=huge), "the prompt on stdin", "the limit is")
    garbage = bytes(range(256)) * 40
    assert_one_error(cli("render", "--scene", "-", "--renderer", "preview", "-o", out, stdin=garbage), "binary")
    assert_one_error(cli("validate", "-", stdin=b"\xff\xfe caption"), "not UTF-8")
    assert_one_error(cli("render", "--scene", tmp_path / "missing.yaml", "-o", out), "no such file")
    assert_one_error(cli("validate", tmp_path), "is a directory")
    assert_one_error(cli("render", "--renderer", "preview", "-o", out), "nothing to render")
    assert_one_error(cli("render", "--scene", EXAMPLE, "--renderer", "previw", "-o", out), "Did you mean 'preview'")
    assert_one_error(cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-O", "steps=3", "-o", out),
                     "renderer 'preview' has no option 'steps'")
    assert_one_error(cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-O", "captions=maybe", "-o", out),
                     "option 'captions'")
    assert_one_error(cli("render", "--scene", EXAMPLE, "--bogus-flag"), "No such option", "--help")
    assert_one_error(cli("render", "x", "--width", "500"), "--width must be a multiple of 8")
    assert not out.exists()  # not even an empty folder


def test_an_output_path_that_is_a_file_is_refused_before_rendering(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    assert_one_error(cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", blocker), "not a folder")


@pytest.mark.parametrize("text", ["../../../etc/passwd", "/etc/shadow", "..\\..\\windows\\system32", "x" * 1900,
                                  "../" * 300, "ｆｕｌｌ　ｗｉｄｔｈ　ｃａｔ", "🙂🙂🙂", "CON", ".hidden"],
                         ids=["dotdot", "absolute", "backslashes", "long", "many-dotdots", "fullwidth", "emoji",
                              "device-name", "hidden"])
def test_names_derived_from_scene_text_stay_inside_the_output_folder(cli, tmp_path: Path, text: str) -> None:
    out = tmp_path / "out"
    scene = tmp_path / "s.json"
    scene.write_text(json.dumps({"caption": text, "prompt": text, "seed": 9}))
    result = cli("render", "--scene", scene, "--renderer", "preview", "-o", out)
    assert result.code == 0, result.stderr
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2 and all(not name.startswith(".") for name in written)
    for name in written:
        assert (out / name).resolve().parent == out.resolve() and len(name) <= 70
    assert not (tmp_path / "etc").exists()


def test_slug_and_inside_refuse_escapes() -> None:
    assert files.slug("../../etc/passwd") == "etc-passwd"
    assert files.slug("\x00\x00") == "scene" and files.slug(None) == "scene"
    assert len(files.slug("word " * 1000)) <= files.MAX_STEM
    for bad in ("../x", "/abs", "a/b", "a\\b", "a\x00b", "..", ""):
        with pytest.raises(InvalidInput):
            files.inside(Path("/tmp/out"), bad)


def test_atomic_write_leaves_old_content_and_no_temp_file_when_interrupted(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "image.png"
    target.write_bytes(b"old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        files.atomic_write(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_stale_temp_files_of_dead_processes_are_removed_live_ones_kept(tmp_path: Path) -> None:
    host = files._temp_name(tmp_path / "x").name.split("-")[2]
    dead = tmp_path / f"{files.TEMP_PREFIX}{host}-999999999-abcd-x.png"
    alive = tmp_path / f"{files.TEMP_PREFIX}{host}-{os.getpid()}-abcd-y.png"
    dead.write_bytes(b"half")
    alive.write_bytes(b"in progress")
    assert files.remove_stale_temp_files(tmp_path) == [dead]
    assert alive.exists() and not dead.exists()


def test_unexpected_errors_are_one_line_and_a_traceback_only_with_debug(cli, monkeypatch) -> None:
    import deigcli.commands.schema as schema_module

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(schema_module, "scene_file_schema", broken)
    result = cli("schema")
    assert_one_error(result, "unexpected RuntimeError: boom", "DEIG_DEBUG=1", code=1)
    monkeypatch.setenv("DEIG_DEBUG", "1")
    debug = cli("schema")
    assert debug.code == 1 and "Traceback" in debug.stderr


def test_schema_validates_the_examples_and_a_scene_may_point_at_it(cli, tmp_path: Path) -> None:
    import jsonschema
    import yaml

    result = cli("schema")
    schema = json.loads(result.stdout)
    validator = jsonschema.Draft202012Validator(schema)
    for example in sorted((REPO / "scenes" / "examples").glob("*.yaml")):
        for document in yaml.safe_load_all(example.read_text()):
            assert not list(validator.iter_errors(document)), example
    assert list(validator.iter_errors({"caption": "x", "instances": [{"name": "a", "pose": "flying"}]}))
    schema_file = tmp_path / "scene.schema.json"
    schema_file.write_text(result.stdout)
    scene = tmp_path / "s.json"
    scene.write_text(json.dumps({"$schema": "./scene.schema.json", "caption": "a cat", "seed": 1}))
    assert cli("validate", scene).code == 0


def test_poses_lists_the_library_and_draws_a_preview(cli, tmp_path: Path) -> None:
    listed = cli("poses")
    names = [line.split("\t")[0] for line in listed.stdout.splitlines()]
    assert len(names) >= 10 and "waving" in names
    preview = tmp_path / "poses.png"
    assert cli("poses", "waving", "lying", "--preview", preview).code == 0
    with Image.open(preview) as image:
        assert image.size == (320, 320 + 28)  # two figures, their names underneath
    assert_one_error(cli("poses", "waving", "--preview", preview), "already exists")
    assert_one_error(cli("poses", "flying"), "unknown pose 'flying'")


def test_plugins_lists_the_builtins_through_entry_points(cli) -> None:
    records = [json.loads(line) for line in cli("plugins", "--json").stdout.splitlines()]
    pairs = {(r["kind"], r["name"]) for r in records}
    assert ("renderer", "preview") in pairs and ("planner", "rules") in pairs
    assert all(r["builtin"] for r in records)


def test_python_dash_m_and_exit_codes_in_a_real_subprocess(tmp_path: Path) -> None:
    ok = run_deig("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", tmp_path / "o")
    assert ok.code == 0 and ok.stdout.strip().endswith(".png")
    bad = run_deig("validate", tmp_path / "nope.yaml")
    assert bad.code == 2 and bad.stderr.startswith("Error: no such file") and "Traceback" not in bad.stderr
    help_text = run_deig("--help")
    assert help_text.code == 0 and "render" in help_text.stdout and help_text.stderr == ""


def test_render_flags_map_onto_renderer_options_and_a_scene_block(cli, tmp_path: Path) -> None:
    from deigcli.rendering import option_values
    from deigcli.settings import RenderSettings
    from scenes.model import Scene

    scene = Scene(caption="x", render={"renderer": "finecontrolnet", "steps": 12, "options": {"max_batch": 8}})
    values = option_values(RenderSettings(max_batch=3, guidance=4.5, options=["harmony_level=2"]), scene,
                           "finecontrolnet")
    assert values == {"max_batch": 3, "steps": 12, "guidance": 4.5, "harmony_level": 2}
    # a block meant for another renderer is not applied
    assert option_values(RenderSettings(), scene, "regional") == {}
    # a dedicated flag the renderer has no option for is unused (tests/test_cli_keep_going.py), -O is not
    assert_one_error(cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-O", "max_batch=2", "-o", tmp_path),
                     "renderer 'preview' has no option 'max_batch'")


def test_a_scene_file_cannot_allow_pickle_checkpoints(cli, tmp_path: Path) -> None:
    scene = tmp_path / "s.yaml"
    scene.write_text("caption: x\nrender:\n  options: {allow_pickle: true}\n")
    assert_one_error(cli("render", "--scene", scene, "--model", "tiny", "-o", tmp_path / "out"),
                     "may not set 'allow_pickle'", "--allow-pickle")


def test_schema_plan_prints_the_strict_reply_format_the_llm_is_asked_for(cli) -> None:
    from planners.llm import reply_json_schema

    result = cli("schema", "--plan")
    assert result.code == 0
    schema = json.loads(result.stdout)
    assert schema == json.loads(json.dumps(reply_json_schema()))
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"caption", "background", "negative", "instances"}
    assert_one_error(cli("schema", "--plan", "--manifest"), "exclude each other")


def test_plan_reads_stdin_once_and_checks_every_prompt_before_printing(cli, tmp_path: Path) -> None:
    both = cli("plan", "-", "-f", "-", stdin="a red apple\n")
    assert_one_error(both, "stdin ('-') can be read only once")
    assert both.stdout == ""
    piped = cli("plan", "-", "--scene", "-", stdin=SCENE)
    assert_one_error(piped, "stdin ('-') can be read only once")
    scene = tmp_path / "apple.yaml"
    scene.write_text(SCENE)
    late = cli("plan", "  ", "--scene", scene)  # the scene is fine, the prompt is not: nothing is printed
    assert_one_error(late, "the prompt is empty")
    assert late.stdout == ""


def test_validate_reads_stdin_once_and_keeps_the_specific_hint(cli, tmp_path: Path) -> None:
    assert_one_error(cli("validate", "-", "-", stdin="caption: x\n"), "stdin ('-') can be read only once")
    broken = tmp_path / "broken.yaml"
    broken.write_bytes(b"\xff\xfecaption: x")
    result = cli("validate", broken)
    assert_one_error(result, "not UTF-8", "Hint: Save the file as UTF-8.")
    bad = tmp_path / "bad.yaml"
    bad.write_text("caption: x\nlighting: warm\n")
    result = cli("validate", bad)
    assert_one_error(result, "bad.yaml:2: lighting", "deig schema")
    assert "deig validate FILE" not in result.stderr  # no advice to run the command that just ran


def test_flags_are_checked_before_the_planner_is_asked(cli, tmp_path: Path) -> None:
    # An LLM planner that cannot be reached would fail with exit 3: these end before it is asked.
    llm = ("--planner", "llm", "--llm-base-url", "http://127.0.0.1:9/v1", "-P", "max_retries=0")
    out = tmp_path / "out"
    assert_one_error(cli("render", "a red apple", *llm, "--renderer", "previw", "-o", out), "Did you mean 'preview'")
    assert_one_error(cli("render", "a red apple", *llm, "--renderer", "preview", "-O", "captions", "-o", out),
                     "-O/--option expects KEY=VALUE")
    assert_one_error(cli("render", "a red apple", *llm, "--renderer", "preview", "-O", "steps=3", "-o", out),
                     "renderer 'preview' has no option 'steps'")
    assert_one_error(cli("render", "a red apple", *llm, "--model", "tiny", "-O", "fusion_strenght=0.5", "-o", out),
                     "renderer 'regional' has no option 'fusion_strenght'", "did you mean 'fusion_strength'")
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert_one_error(cli("render", "a red apple", *llm, "--renderer", "preview", "-o", blocker), "not a folder")
    assert not out.exists()
    reached = cli("render", "a red apple", *llm, "--renderer", "preview", "-o", out)
    assert reached.code == 3 and not out.exists()  # the same command with good flags does ask it


def test_a_bad_render_block_names_its_scene_and_writes_nothing(cli, tmp_path: Path) -> None:
    scene = tmp_path / "cat.yaml"
    scene.write_text("caption: a cat\nrender:\n  renderer: nope\n")
    out = tmp_path / "out"
    assert_one_error(cli("render", "--scene", scene, "-o", out), f"{scene}: unknown renderer 'nope'")
    scene.write_text("- caption: a cat\n  render: {renderer: preview}\n"
                     "- caption: a dog\n  render: {renderer: preview, options: {bogus: 1}}\n")
    assert_one_error(cli("render", "--scene", scene, "-o", out),
                     f"{scene} scene 2: renderer 'preview' has no option 'bogus'")
    assert not out.exists()


def test_planner_notes_say_which_prompt_or_scene_they_are_about(cli, tmp_path: Path) -> None:
    prompts = tmp_path / "prompts.txt"
    prompts.write_text("a red apple\n一只猫\n")
    result = cli("plan", "-f", prompts)
    assert result.code == 0 and len(result.stdout.splitlines()) == 2
    assert f"Note: {prompts}:2: no objects recognised" in result.stderr
    partial = REPO / "scenes" / "examples" / "picnic-partial.yaml"
    completed = cli("plan", "--scene", partial)
    assert completed.code == 0 and f"Note: {partial}: filled 4 missing value(s)" in completed.stderr


def test_a_full_disk_is_one_error_not_a_bug_and_leaves_no_temp_file(cli, tmp_path: Path, monkeypatch) -> None:
    import errno

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    out = tmp_path / "out"
    result = cli("render", "--scene", EXAMPLE, "--renderer", "preview", "-o", out)
    assert_one_error(result, f"cannot write {out}", "No space left on device", "free space", code=1)
    assert "bug" not in result.stderr and files.TEMP_PREFIX not in result.stderr
    assert not list(out.iterdir())


def test_poses_checks_the_preview_path_before_printing(cli, tmp_path: Path) -> None:
    nowhere = cli("poses", "waving", "--preview", tmp_path / "missing" / "poses.png")
    assert_one_error(nowhere, "there is no folder")
    assert nowhere.stdout == ""
    assert_one_error(cli("poses", "waving", "--preview", tmp_path, "--force"), "is a folder")
