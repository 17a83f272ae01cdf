"""Batches: weights loaded once, --count seeds, the index and contact sheet, --keep-going, quiet and progress."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from batch_support import as_jsonl, audit, manifests, pngs, scene_batch
from conftest import HANG_SECONDS, REPO, run_deig
from PIL import Image

from renderers.preview import PreviewRenderer


@pytest.fixture
def counted_loads(monkeypatch: pytest.MonkeyPatch) -> list[PreviewRenderer]:
    """Every call of the renderer's load(), recorded (and still performed)."""
    calls: list[PreviewRenderer] = []
    real_load = PreviewRenderer.load

    def load(self: PreviewRenderer) -> None:
        calls.append(self)
        real_load(self)

    monkeypatch.setattr(PreviewRenderer, "load", load)
    return calls


def test_a_batch_of_ten_scenes_loads_the_weights_once(cli, tmp_path: Path, counted_loads: list) -> None:
    batch = tmp_path / "batch.yaml"
    batch.write_text(json.dumps(scene_batch(10, size=128)))  # a JSON list is a YAML list
    result = cli("render", "--scene", batch, "--renderer", "preview", "-o", tmp_path / "out", "--count", "2")
    assert result.code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 20
    assert len(counted_loads) == 1
    timed = [m for m in manifests(tmp_path / "out") if "load_seconds" in json.loads(m.read_text())["timings"]]
    assert len(timed) == 1


def test_count_seeds_index_and_contact_sheet(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = cli("render", "--scene", "-", "--renderer", "preview", "-o", out, "-n", "3", "--grid",
                 stdin=as_jsonl(scene_batch(4, size=128)))
    assert result.code == 0, result.stderr
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert [(r["scene_index"], r["image_index"], r["seed"]) for r in index] == [
        (scene, image, 5000 + scene + image) for scene in range(4) for image in range(3)]
    assert [r["image"] for r in index] == [Path(line).name for line in result.stdout.splitlines()]
    assert {r["status"] for r in index} == {"ok"} and all(r["label"] == f"<stdin> scene {r['scene_index'] + 1}"
                                                          for r in index)
    assert len(audit(out)) == 12
    with Image.open(out / "contact-sheet.png") as sheet:
        sheet.load()
        assert sheet.width > 3 * 128 and sheet.height > 3 * 128  # 12 thumbnails: 4 columns, 3 rows
    assert "Contact sheet:" in result.stderr


def test_keep_going_renders_the_rest_and_records_the_failure(cli, tmp_path: Path, monkeypatch) -> None:
    real_render = PreviewRenderer.render

    def render(self, scene, seeds, progress=None):
        if "scene 2:" in scene.caption:
            raise RuntimeError("CUDA out of memory (simulated)")
        return real_render(self, scene, seeds, progress)

    monkeypatch.setattr(PreviewRenderer, "render", render)
    scenes = as_jsonl(scene_batch(4, size=128))
    stopped = cli("render", "--scene", "-", "--renderer", "preview", "-o", tmp_path / "a", stdin=scenes)
    assert stopped.code == 1 and "CUDA out of memory" in stopped.stderr
    assert len(pngs(tmp_path / "a")) == 2 and not (tmp_path / "a" / "index.jsonl").exists()

    out = tmp_path / "b"
    going = cli("render", "--scene", "-", "--renderer", "preview", "-o", out, "--keep-going", stdin=scenes)
    assert going.code == 1
    assert "<stdin> scene 3: renderer 'preview' failed: RuntimeError: CUDA out of memory" in going.stderr
    assert "1 image(s) failed" in going.stderr
    assert len(going.stdout.splitlines()) == 3 and len(audit(out)) == 3
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert [r["status"] for r in index] == ["ok", "ok", "failed", "ok"]
    assert "CUDA out of memory" in index[2]["error"]


def test_quiet_batch_prints_paths_and_nothing_else(tmp_path: Path) -> None:
    scenes = as_jsonl(scene_batch(3, size=128))
    noisy = run_deig("render", "--scene", "-", "--renderer", "preview", "-o", tmp_path / "a", "--grid", stdin=scenes)
    assert noisy.code == 0 and noisy.stderr  # the contact-sheet note, at least
    quiet = run_deig("render", "--scene", "-", "--renderer", "preview", "-o", tmp_path / "b", "--grid", "-q",
                     stdin=scenes)
    assert quiet.code == 0 and quiet.stderr == ""
    assert len(quiet.stdout.splitlines()) == 3


def test_progress_is_one_bar_on_a_terminal_and_absent_otherwise(tmp_path: Path) -> None:
    scenes = as_jsonl(scene_batch(6, size=512))
    main, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "100"}
    env.pop("NO_COLOR", None)
    proc = subprocess.run([sys.executable, "-m", "deigcli", "render", "--scene", "-", "--renderer", "preview",
                           "-o", str(tmp_path / "tty")], input=scenes.encode(), stdout=subprocess.PIPE,
                          stderr=secondary, env=env, cwd=REPO, timeout=HANG_SECONDS)
    os.close(secondary)
    drawn = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the terminal's other end is closed and drained
            break
        if not chunk:
            break
        drawn += chunk
    os.close(main)
    assert proc.returncode == 0
    assert b"Rendering" in drawn and b"/6" in drawn  # the bar, counting images
    assert b"Rendering" not in proc.stdout and len(proc.stdout.splitlines()) == 6

    piped = run_deig("render", "--scene", "-", "--renderer", "preview", "-o", tmp_path / "pipe", stdin=scenes)
    assert piped.code == 0 and "Rendering" not in piped.stderr
