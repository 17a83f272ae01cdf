"""The regional renderer through the command line: prompt to PNG and manifest, poses, replay, exit 4."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import HANG_SECONDS, REPO, run_deig
from PIL import Image
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture)

from scenes.errors import EXIT_UNAVAILABLE


def test_deig_render_with_the_tiny_model_writes_png_and_manifest(cli, tmp_path):
    result = cli("render", "a man in a red hat next to a woman in a yellow dress", "--model", "tiny",
                 "--steps", "2", "--width", "128", "--height", "96", "-o", tmp_path)
    assert result.code == 0, result.stderr
    (path,) = result.stdout.split()
    image = Image.open(path)
    assert image.size == (128, 96) and Path(path).parent == tmp_path
    manifest = json.loads(Path(path).with_suffix(".json").read_text())
    record = manifest["renderer"]
    assert record["name"] == "regional" and record["options"]["model"] == "tiny"
    assert record["models"][0]["id"] == "tiny" and record["models"][0]["revision"].startswith("sha256:")
    assert record["dtype"] == "float32" and record["device"] == "cpu"
    assert record["scheduler"]["name"] == "dpm++2m-karras"
    assert len(manifest["scene"]["instances"]) >= 2  # planned by the rules planner, rendered regionally


def test_a_posed_example_scene_renders_its_control_image_and_replays_byte_for_byte(cli, tmp_path):
    # The example scene (two posed people), on a smaller canvas to keep the test fast.
    document = yaml.safe_load((REPO / "scenes/examples/park-couple.yaml").read_text())
    document.update(width=192, height=128)
    scene_file = tmp_path / "park-couple.yaml"
    scene_file.write_text(yaml.safe_dump(document))
    result = cli("render", "--scene", scene_file, "--model", "tiny",
                 "--steps", "2", "-O", "self_attention_steps=0.5", "-o", tmp_path / "first")
    assert result.code == 0, result.stderr
    (path,) = result.stdout.split()
    manifest = json.loads(Path(path).with_suffix(".json").read_text())
    roles = {output["role"]: output for output in manifest["outputs"]}
    assert set(roles) == {"image", "control"} and roles["control"]["width"] == 192
    assert [m["role"] for m in manifest["renderer"]["models"]] == ["pipeline", "controlnet"]
    assert manifest["renderer"]["options"]["self_attention_steps"] == 0.5

    replayed = cli("replay", Path(path).with_suffix(".json"), "-o", tmp_path / "again")
    assert replayed.code == 0, replayed.stderr
    (again,) = replayed.stdout.split()
    assert Path(again).read_bytes() == Path(path).read_bytes()


def test_missing_weights_exit_4_with_a_hint(tmp_path):
    result = run_deig("render", "a red apple", "--renderer", "regional", "-o", tmp_path / "out",
                      env={"HF_HOME": str(tmp_path / "empty-cache"), "HF_HUB_OFFLINE": "1"})
    assert result.code == EXIT_UNAVAILABLE
    assert result.error_lines and "stable-diffusion-v1-5/stable-diffusion-v1-5" in result.stderr
    assert "Hint:" in result.stderr and "deig download stable-diffusion-v1-5/stable-diffusion-v1-5" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").glob("*.png"))


def test_bad_renderer_options_exit_2(cli, tmp_path):
    result = cli("render", "a red apple", "--model", "tiny", "-O", "fusion_strength=-1", "-o", tmp_path)
    assert result.code == 2 and "fusion_strength" in result.stderr
    result = cli("render", "a red apple", "--model", "tiny", "--scheduler", "warp-drive", "-o", tmp_path)
    assert result.code == 2 and "scheduler" in result.stderr


def test_choosing_the_renderer_and_its_options_imports_no_torch():
    probe = ("import sys; from renderers.regional import RegionalRenderer; "
             "RegionalRenderer.Options(model='tiny', steps=3, fusion_strength=2.0); "
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'diffusers', 'transformers'}))")
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=HANG_SECONDS)
    assert output.stdout.strip() == "[]", output.stderr
