"""`deig render --renderer deig` and `deig convert deig` through the real command line, on CPU."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml
from conftest import HANG_SECONDS, REPO
from deig_fixtures import one_torch_thread, tiny_checkpoint_dir  # noqa: F401 (one_torch_thread: autouse fixture)
from PIL import Image

from renderers.deig.index import read_index

DONUTS = REPO / "scenes" / "examples" / "donut-box.yaml"


def test_render_the_donut_example_with_the_tiny_deig_model(cli, tmp_path):
    result = cli("render", "--scene", DONUTS, "--renderer", "deig", "--model", "tiny", "--steps", "2",
                 "-o", tmp_path)
    assert result.code == 0, result.stderr
    [png] = [Path(line) for line in result.stdout.splitlines()]
    assert "Warning" not in result.stderr
    with Image.open(png) as image:
        assert image.size == (512, 512) and image.mode == "RGB"
    manifest = json.loads(png.with_suffix(".json").read_text())
    renderer = manifest["renderer"]
    assert renderer["name"] == "deig" and renderer["device"] == "cpu" and renderer["dtype"] == "float32"
    assert renderer["options"]["steps"] == 2 and renderer["options"]["fusion"] == "masked"
    assert renderer["models"][0]["id"] == "tiny" and renderer["models"][0]["revision"].startswith("sha256:")
    assert renderer["scheduler"]["iterations"] == 2
    assert len(manifest["scene"]["instances"]) == 6 and manifest["seed"] == 42
    # the same command again finds the same recipe and renders nothing
    again = cli("render", "--scene", DONUTS, "--renderer", "deig", "--model", "tiny", "--steps", "2", "-o", tmp_path)
    assert again.code == 0 and "Skipped 1 image" in again.stderr and again.stdout == result.stdout


def write_scene(path: Path, instances: int, **extra) -> Path:
    scene = {"caption": "a crowd", "width": 64, "height": 64, **extra,
             "instances": [{"name": "person", "caption": f"a person in shirt number {i}",
                            "box": [0.0, 0.0, 0.5, 0.5]} for i in range(instances)]}
    path.write_text(yaml.safe_dump(scene))
    return path


def test_more_than_30_instances_exit_2_and_point_to_regional(cli, tmp_path):
    scene = write_scene(tmp_path / "crowd.yaml", 31)
    result = cli("render", "--scene", scene, "--renderer", "deig", "--model", "tiny", "-o", tmp_path / "out")
    assert result.code == 2 and result.stdout == ""
    assert result.error_lines == [f"Error: {scene}: the scene has 31 instances; the DEIG model has 30 instance slots"]
    assert "Hint: Use --renderer regional" in result.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_poses_are_warned_about_and_bad_step_counts_refused(cli, tmp_path):
    park = REPO / "scenes" / "examples" / "park-couple.yaml"
    result = cli("render", "--scene", park, "--renderer", "deig", "--model", "tiny", "--dry-run", "-o", tmp_path)
    assert result.code == 0, result.stderr
    assert "does not use poses; ignoring the pose of 2 instance(s) (man, woman)" in result.stderr
    bad = cli("render", "--scene", park, "--renderer", "deig", "--model", "tiny", "--steps", "3", "-o", tmp_path)
    assert bad.code == 2 and "use 2 or 4" in bad.stderr


def test_convert_then_render_from_safetensors(cli, tmp_path):
    source = tiny_checkpoint_dir()
    destination = tmp_path / "converted"
    result = cli("convert", "deig", source, destination)
    assert result.code == 0, result.stderr
    assert result.stdout.strip() == str(destination) and "Converted model.pth" in result.stderr
    refused = cli("convert", "deig", source, destination)
    assert refused.code == 2 and "already exists" in refused.stderr and "--force" in refused.stderr
    before = {p.name: p.read_bytes() for p in destination.rglob("*") if p.is_file()}
    assert cli("convert", "deig", source, destination, "--force").code == 0
    assert before == {p.name: p.read_bytes() for p in destination.rglob("*") if p.is_file()}

    scene = write_scene(tmp_path / "pair.yaml", 2)
    rendered = cli("render", "--scene", scene, "--renderer", "deig", "--model", destination, "--steps", "2",
                   "-o", tmp_path / "out")
    assert rendered.code == 0, rendered.stderr
    manifest = json.loads(Path(rendered.stdout.strip()).with_suffix(".json").read_text())
    assert manifest["renderer"]["models"][0]["revision"].startswith("sha256:")


def test_convert_into_the_cache_is_what_model_src_loads(cli, tmp_path):
    source = tiny_checkpoint_dir()
    # before conversion the pickle folder is refused (pickles need an explicit opt-in)
    scene = write_scene(tmp_path / "pair.yaml", 2)
    refused = cli("render", "--scene", scene, "--renderer", "deig", "--model", source, "-o", tmp_path / "out")
    assert refused.code == 2 and f"deig convert deig {source}" in refused.stderr
    first = cli("convert", "deig", source)
    assert first.code == 0, first.stderr
    cached = Path(first.stdout.strip())
    assert cached.is_relative_to(Path(os.environ["DEIG_CACHE_DIR"]))
    second = cli("convert", "deig", source)
    assert second.code == 0 and "Already converted" in second.stderr and second.stdout == first.stdout
    rendered = cli("render", "--scene", scene, "--renderer", "deig", "--model", source, "--steps", "2",
                   "-o", tmp_path / "out")
    assert rendered.code == 0, rendered.stderr
    manifest = json.loads(Path(rendered.stdout.strip()).with_suffix(".json").read_text())
    assert manifest["renderer"]["models"][0]["revision"] == "sha256:" + read_index(cached).source.sha256


def test_convert_errors(cli):
    offline = cli("convert", "deig", "dushy5/DEIG")
    assert offline.code == 4 and offline.error_lines[0].startswith("Error: cannot download 'dushy5/DEIG'")
    unknown = cli("convert", "sdxl", "x")
    assert unknown.code == 2 and "'deig'" in unknown.stderr
    tiny = cli("convert", "deig", "tiny")
    assert tiny.code == 2 and "nothing to convert" in tiny.stderr


def test_checking_a_scene_against_deig_imports_no_torch():
    """`deig validate --renderer deig` and `deig convert --help` stay light (the limits need no weights)."""
    import subprocess
    import sys

    probe = ("import json, sys\nfrom deigcli.main import main\ncode = main(sys.argv[1:])\n"
             "print(json.dumps([code, sorted({m.split('.')[0] for m in sys.modules} & "
             "{'torch', 'diffusers', 'transformers'})]), file=sys.stderr)")
    for args in (["validate", str(DONUTS), "--renderer", "deig"], ["convert", "--help"]):
        proc = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, timeout=HANG_SECONDS, cwd=REPO)
        assert json.loads(proc.stderr.decode().strip().splitlines()[-1]) == [0, []], args
