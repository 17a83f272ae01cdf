"""One batch across two processes started by torchrun (gloo on the CPU), as on several GPUs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from batch_support import as_jsonl, audit, manifests, pngs, scene_batch, temp_files
from conftest import REPO, run_deig

from deigcli.distributed import Processes, launched

SCENES = 7
RENDER = ("render", "--scene", "-", "--renderer", "preview", "-O", "control_image=true", "--json")


def _torchrun(out: Path, scenes: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", "deigcli", *RENDER, "-o", str(out)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, input=scenes.encode(), capture_output=True, env=env, cwd=REPO, timeout=180)


def test_two_processes_share_a_batch_and_write_what_one_process_writes(tmp_path: Path) -> None:
    scenes = as_jsonl(scene_batch(SCENES))
    single, split = tmp_path / "single", tmp_path / "split"
    alone = run_deig(*RENDER, "-o", single, stdin=scenes)
    assert alone.code == 0, alone.stderr

    launched_run = _torchrun(split, scenes)
    stderr = launched_run.stderr.decode()
    assert launched_run.returncode == 0, stderr

    # Each scene rendered exactly once, by one of the two processes.
    records = [json.loads(line) for line in launched_run.stdout.decode().splitlines()]
    assert sorted(r["scene_index"] for r in records) == list(range(SCENES))
    assert {r["status"] for r in records} == {"rendered"}
    # Two processes worked, each loading its renderer once: two first images carry a load time.
    loaded = [m for m in manifests(split) if "load_seconds" in json.loads(m.read_text())["timings"]]
    assert len(loaded) == 2
    assert len([m for m in manifests(single) if "load_seconds" in json.loads(m.read_text())["timings"]]) == 1

    # Seeds come from the scenes, not the rank: the same files, byte for byte.
    assert [p.name for p in pngs(split)] == [p.name for p in pngs(single)] and len(pngs(split)) == SCENES
    for image in [*pngs(single), *single.glob("*.control.png")]:
        assert (split / image.name).read_bytes() == image.read_bytes(), image.name
    # One index, written by process 0 after both finished, the same as the single process's.
    assert sorted(p.name for p in split.glob("index*")) == ["index.jsonl"]
    assert (split / "index.jsonl").read_bytes() == (single / "index.jsonl").read_bytes()
    assert len((split / "index.jsonl").read_text().splitlines()) == SCENES
    assert len(audit(split)) == SCENES and not temp_files(split)
    assert "Error" not in stderr and "Traceback" not in stderr


def test_without_a_launcher_this_process_does_everything(monkeypatch) -> None:
    for name in ("WORLD_SIZE", "PMI_SIZE", "OMPI_COMM_WORLD_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert not launched()
    monkeypatch.setenv("WORLD_SIZE", "1")
    assert not launched()
    monkeypatch.setenv("WORLD_SIZE", "4")
    assert launched()
    alone = Processes()
    assert alone.is_main and alone.split([1, 2, 3]) == [1, 2, 3] and alone.gather([4]) == [4]
