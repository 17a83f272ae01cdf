"""One batch across two processes started by torchrun or accelerate launch (gloo on the CPU), as on several GPUs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from batch_support import as_jsonl, audit, manifests, pngs, scene_batch, temp_files
from conftest import HANG_SECONDS, REPO, isolate, run_deig

from deigcli.distributed import Processes, launched

SCENES = 7
RENDER = ("render", "--scene", "-", "--renderer", "regional", "--model", "tiny", "--steps", "2", "--json")
# Same thread count in every process, so that CPU arithmetic is comparable bit for bit.
ONE_THREAD = {"OMP_NUM_THREADS": "1"}


LAUNCHERS = {
    "torchrun": ["torch.distributed.run", "--standalone", "--nproc_per_node", "2"],
    # Without CUDA, deig asks accelerate for a CPU process group (gloo) itself.
    "accelerate": ["accelerate.commands.launch", "--multi_gpu", "--num_processes", "2", "--num_machines", "1",
                   "--mixed_precision", "no", "--dynamo_backend", "no"],
}


def _launch(launcher: str, out: Path, scenes: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", *LAUNCHERS[launcher], "-m", "deigcli", *RENDER, "-o", str(out)]
    env = {**os.environ, **ONE_THREAD}
    return subprocess.run(command, input=scenes.encode(), capture_output=True, env=env, cwd=REPO, timeout=HANG_SECONDS)


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The batch rendered by one process: what each launcher's two processes must reproduce (rendered
    once for both launchers)."""
    out = tmp_path_factory.mktemp("single") / "single"
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, tmp_path_factory.mktemp("cache"))
        alone = run_deig(*RENDER, "-o", out, stdin=as_jsonl(scene_batch(SCENES, size=64)), env=ONE_THREAD)
    assert alone.code == 0, alone.stderr
    return out


@pytest.mark.parametrize("launcher", list(LAUNCHERS))
def test_two_processes_share_a_batch_and_write_what_one_process_writes(tmp_path: Path, launcher: str,
                                                                       single: Path) -> None:
    scenes = as_jsonl(scene_batch(SCENES, size=64))
    split = tmp_path / "split"
    launched_run = _launch(launcher, split, scenes)
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
