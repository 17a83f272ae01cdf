"""Batches survive crashes: SIGKILL and Ctrl-C part-way, then the same command again.

Real subprocesses render a JSON-lines batch from stdin; the test waits for the Nth finished
manifest and then kills the process, so the kill lands part-way through the batch. The same command
run again (the resume) runs in the test's own process, which has the libraries loaded already.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from batch_support import (
    as_jsonl,
    audit,
    deig_process,
    drain,
    file_marks,
    manifests,
    pngs,
    scene_batch,
    temp_files,
    wait_for,
)
from conftest import HANG_SECONDS, run_deig
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture: the resume renders in this process)

from deigcli import files

SCENES = 20
# The tiny preset of the regional renderer, with a pose control image per scene: slow enough
# (a few tenths of a second per scene here) for a kill to land part-way through the batch.
RENDER = ("render", "--scene", "-", "--renderer", "regional", "--model", "tiny", "--steps", "3")
KILL_AFTER = 4
STDOUT_ROOM = 800  # bytes: each image path printed is over 55 bytes, so at most 14 of the 20 fit


def _start_batch(tmp_path: Path, out: Path):
    scenes = as_jsonl(scene_batch(SCENES, size=128))
    # Its stdout is a pipe with room for a few of the image paths it prints, one per finished scene,
    # and the test reads none until the signal is sent: the batch waits in a write part-way, never
    # at its end, however long a busy machine keeps the test from acting.
    return scenes, deig_process(*RENDER, "-o", out, out_dir=tmp_path / "first", stdin=scenes,
                                niceness=19, stdout_room=STDOUT_ROOM)


def _rerun(cli, scenes: str, out: Path):
    result = cli(*RENDER, "-o", out, "--json", stdin=scenes)
    assert result.code == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def _finished_part_way(proc: subprocess.Popen, out: Path, sig: int) -> None:
    try:
        wait_for(lambda: len(manifests(out)) >= KILL_AFTER or proc.poll() is not None)
        # Frozen first, so the batch cannot run on to its end before the signal is sent; a stopped
        # process receives the signal when it continues (SIGKILL ends it at once).
        proc.send_signal(signal.SIGSTOP)
        proc.send_signal(sig)
        proc.send_signal(signal.SIGCONT)
        drain(proc)
        proc.wait(timeout=HANG_SECONDS)  # the process's end is the event; only a hang trips this
    finally:
        if proc.poll() is None:
            proc.kill()
    assert KILL_AFTER <= len(manifests(out)) < SCENES, "the signal did not land part-way through the batch"


def test_a_batch_killed_with_sigkill_resumes_without_losing_or_redoing_work(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenes, proc = _start_batch(tmp_path, out)
    _finished_part_way(proc, out, signal.SIGKILL)
    assert proc.returncode == -signal.SIGKILL
    assert not (out / "index.jsonl").exists()  # written only when a batch ends
    finished = manifests(out)
    before = file_marks(finished + [p.with_suffix(".png") for p in finished])

    records = _rerun(cli, scenes, out)

    # Every scene exactly once, in input order; the finished ones skipped, the rest rendered.
    assert [r["scene_index"] for r in records] == sorted(r["scene_index"] for r in records)
    assert sorted(r["scene_index"] for r in records) == list(range(SCENES))
    skipped = {Path(r["path"]).name for r in records if r["status"] == "skipped"}
    assert skipped == {p.with_suffix(".png").name for p in finished}
    assert len(pngs(out)) == len(manifests(out)) == SCENES
    assert len(audit(out)) == SCENES
    assert not temp_files(out)
    # Finished files were not written again: same inode, same modification time.
    assert file_marks([out / name for name in before]) == before
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert [(r["scene_index"], r["status"]) for r in index] == [(i, "ok") for i in range(SCENES)]
    assert [r["image"] for r in index] == [p.name for p in pngs(out)]


def test_ctrl_c_exits_130_and_leaves_only_whole_images(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenes, proc = _start_batch(tmp_path, out)
    _finished_part_way(proc, out, signal.SIGINT)
    stderr = (tmp_path / "first" / "stderr.txt").read_text()
    assert proc.returncode == 130, stderr
    assert "Error: interrupted" in stderr and "Hint:" in stderr and "Traceback" not in stderr
    # Writes are held against Ctrl-C: every PNG has its manifest, nothing half-written remains.
    assert [p.stem for p in pngs(out)] == [p.stem for p in manifests(out)]
    assert not temp_files(out)
    finished = audit(out)
    before = file_marks(manifests(out))

    records = _rerun(cli, scenes, out)
    assert sum(r["status"] == "skipped" for r in records) == len(finished)
    assert len(audit(out)) == SCENES and not temp_files(out)
    assert file_marks([out / name for name in before]) == before


def test_leftovers_of_an_interrupted_write_are_removed_and_redone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenes = as_jsonl(scene_batch(3))
    assert run_deig("render", "--scene", "-", "--renderer", "preview", "-o", out, stdin=scenes).code == 0
    first, second, third = manifests(out)
    # A kill between the PNG and its manifest: the PNG (carrying its recipe) without a manifest.
    second.unlink()
    # A kill in the middle of a write: a temp file of a process that no longer runs.
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = out / f".deig-tmp-{files.host_tag()}-{dead.stdout.strip()}-0badc0de-{third.stem}.png"
    stale.write_bytes(b"\x89PNG half")
    before = file_marks([first, third])

    result = run_deig("render", "--scene", "-", "--renderer", "preview", "-o", out, "--json", stdin=scenes)
    assert result.code == 0, result.stderr
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert sorted(statuses) == ["rendered", "skipped", "skipped"]
    assert "leftovers of 1 interrupted image" in result.stderr
    assert not temp_files(out) and len(audit(out)) == 3
    assert file_marks([first, third]) == before


def test_a_file_that_is_not_ours_stops_the_batch_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    scenes = as_jsonl(scene_batch(3))
    assert run_deig("render", "--scene", "-", "--renderer", "preview", "-o", out, stdin=scenes).code == 0
    victim = pngs(out)[1]
    victim.with_suffix(".json").unlink()
    victim.write_bytes(b"someone else's picture")
    result = run_deig("render", "--scene", "-", "--renderer", "preview", "-o", out, stdin=scenes)
    assert result.code == 2 and "already exists and was not made from this recipe" in result.stderr
    assert victim.read_bytes() == b"someone else's picture"
