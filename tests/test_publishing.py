"""Output files are claimed when they are written, and an image and its manifest appear together or
not at all (issue 16 items 3 and 6): two real processes racing into one folder, a real full
filesystem, and a simulated ENOSPC at every write step."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from batch_support import as_jsonl, audit, deig_process, manifests, pngs, scene_batch, temp_files, wait_for
from conftest import REPO

from deigcli import files

SCENES = 8
FAST = ("--renderer", "preview")


def _held_back(*args: str, stdin: str) -> subprocess.Popen:
    """A `deig render --json` whose stdout is a pipe of one page that the test does not read yet: it
    publishes an image or two, then waits inside its next report until the test reads (the event
    that lets it go on). Its later images were planned against a folder another run fills meanwhile."""
    proc = subprocess.Popen([sys.executable, "-m", "deigcli", *map(str, args)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO)
    fcntl.fcntl(proc.stdout.fileno(), fcntl.F_SETPIPE_SZ, 4096)
    proc.stdin.write(stdin.encode())
    proc.stdin.close()
    proc.stdin = None  # all written: communicate() only reads
    return proc


def _let_go(proc: subprocess.Popen) -> tuple[int, list[dict], str]:
    try:
        out, err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, [json.loads(line) for line in out.decode().splitlines()], err.decode()


def _finish(proc: subprocess.Popen, out_dir: Path) -> tuple[int, list[dict], str]:
    try:
        proc.wait(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    records = [json.loads(line) for line in (out_dir / "stdout.txt").read_text().splitlines()]
    return proc.returncode, records, (out_dir / "stderr.txt").read_text()


def _only_complete_pairs(folder: Path) -> dict[str, dict]:
    """Every PNG has its manifest and every manifest its PNG, all intact; no temporary file is left."""
    found = audit(folder)
    assert {p.stem for p in pngs(folder)} == {m.stem for m in manifests(folder)} == set(found)
    assert not temp_files(folder)
    return found


def _still_theirs(folder: Path, records: list[dict]) -> None:
    """What a run reported as written is what the folder holds now: its recipe, its bytes."""
    for record in records:
        if record["status"] != "rendered":
            continue
        png = Path(record["path"])
        manifest = json.loads(png.with_suffix(".json").read_text())
        assert manifest["recipe_sha256"] == record["recipe_sha256"], f"{png.name} was replaced"
        assert hashlib.sha256(png.read_bytes()).hexdigest() == record["manifest"]["outputs"][0]["sha256"]


def test_a_concurrent_run_of_another_recipe_never_replaces_what_the_first_wrote(tmp_path: Path) -> None:
    scenes = as_jsonl(scene_batch(SCENES, size=128))
    out = tmp_path / "race"
    first = _held_back("render", "--scene", "-", *FAST, "-o", out, "--json", stdin=scenes)
    wait_for(lambda: len(manifests(out)) >= 1 or first.poll() is not None)  # it has looked at the folder
    # The same names (from caption and seed), another recipe (a background): the second run fills
    # what the first has not written yet.
    other = as_jsonl([{**scene, "background": "a sunny park"} for scene in scene_batch(SCENES, size=128)])
    second = deig_process("render", "--scene", "-", *FAST, "-o", out, "--json", "--keep-going",
                          out_dir=tmp_path / "second", stdin=other)
    second_code, second_records, second_err = _finish(second, tmp_path / "second")
    first_code, first_records, first_err = _let_go(first)

    assert second_code == 2 and "already exists" in second_err  # the first run's images: refused, not replaced
    assert first_code == 2 and "already exists" in first_err  # the second run's image: refused at write time
    _still_theirs(out, second_records)
    _still_theirs(out, first_records)
    mine = {Path(r["path"]).name for r in first_records if r["status"] == "rendered"}
    theirs = {Path(r["path"]).name for r in second_records if r["status"] == "rendered"}
    assert mine and theirs and not mine & theirs
    assert len(_only_complete_pairs(out)) == len(mine | theirs) == SCENES


def test_two_runs_of_the_same_recipe_give_one_copy_once(tmp_path: Path) -> None:
    scenes = as_jsonl(scene_batch(SCENES, size=128))
    out = tmp_path / "same"
    first = _held_back("render", "--scene", "-", *FAST, "-o", out, "--json", stdin=scenes)
    wait_for(lambda: len(manifests(out)) >= 1 or first.poll() is not None)
    second = deig_process("render", "--scene", "-", *FAST, "-o", out, "--json", out_dir=tmp_path / "2", stdin=scenes)
    code2, records2, err2 = _finish(second, tmp_path / "2")
    code1, records1, err1 = _let_go(first)
    assert code1 == 0 and code2 == 0, (err1, err2)
    rendered = [Path(r["path"]).name for r in records1 + records2 if r["status"] == "rendered"]
    assert sorted(rendered) == sorted(set(rendered)), "an image was written twice"
    assert len(rendered) == SCENES
    assert len(records1) == len(records2) == SCENES  # each run accounts for every image
    _still_theirs(out, records1)
    _still_theirs(out, records2)
    assert len(_only_complete_pairs(out)) == SCENES


# -- full disks ---------------------------------------------------------------------------------


@pytest.fixture
def small_filesystem(tmp_path: Path):
    mount_point = tmp_path / f"small-{uuid.uuid4().hex[:6]}"
    mount_point.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20k", "tmpfs", str(mount_point)],
                             capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}"
                    " (the simulated variant below still runs)")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_real_full_disk_leaves_only_complete_pairs(cli, small_filesystem: Path) -> None:
    # tmpfs counts 4 KiB pages: a filler leaves 4, 3, 2, 1 or 0 pages free, so that somewhere the
    # PNG fits and its manifest does not.
    failures = 0
    for free_pages in range(5, -1, -1):
        for path in small_filesystem.iterdir():
            subprocess.run(["rm", "-rf", str(path)], check=True)
        filler = small_filesystem / "filler"
        with contextlib.suppress(OSError):
            filler.write_bytes(b"x" * max(0, (5 - free_pages) * 4096))
        out = small_filesystem / "out"
        result = cli("render", "--scene", "-", *FAST, "-o", out, "--keep-going",
                     stdin=as_jsonl(scene_batch(2, size=128)))
        assert "Traceback" not in result.stderr
        if result.code != 0:
            failures += 1
            assert result.code in (1, 2) and ("No space left on device" in result.stderr
                                              or "cannot write to" in result.stderr), result.stderr
        if out.exists():
            written = _only_complete_pairs(out)
            assert {Path(line).stem for line in result.stdout.splitlines()} == set(written)
    assert failures  # the disk did get full


class _FailingOs:
    """`os` as files.py sees it, failing the `fail_at`-th write step with ENOSPC (counting only)."""

    STEPS = ("write", "fsync", "link", "replace", "rename")

    def __init__(self, fail_at: int | None):
        self.fail_at = fail_at
        self.calls = 0

    def __getattr__(self, name: str):
        real = getattr(os, name)
        if name not in self.STEPS:
            return real

        def step(*args, **kwargs):
            self.calls += 1
            if self.calls == self.fail_at:
                raise OSError(errno.ENOSPC, "No space left on device")
            return real(*args, **kwargs)

        return step


def test_a_full_disk_at_any_write_step_leaves_the_folder_as_it_was_before_that_image(
        cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenes = as_jsonl(scene_batch(3, size=128))
    counting = _FailingOs(None)
    monkeypatch.setattr(files, "os", counting)
    assert cli("render", "--scene", "-", *FAST, "-o", tmp_path / "count", stdin=scenes).code == 0
    steps = counting.calls
    assert steps >= 3 * 4  # per image at least: write, fsync, publish the PNG, publish the manifest
    for fail_at in range(1, steps + 1):
        out = tmp_path / f"at-{fail_at}"
        monkeypatch.setattr(files, "os", _FailingOs(fail_at))
        result = cli("render", "--scene", "-", *FAST, "-o", out, stdin=scenes)
        monkeypatch.setattr(files, "os", os)
        written = _only_complete_pairs(out)
        # The images before the failing one are there, complete; nothing of it or after it.
        assert sorted(written) == sorted(Path(line).stem for line in result.stdout.splitlines())
        if result.code == 0:  # only a folder's fsync after publishing may fail without failing the run
            assert len(written) == 3 and (out / "index.jsonl").exists()
            continue
        assert result.code == 1 and "No space left on device" in result.stderr, (fail_at, result.stderr)
        with contextlib.suppress(FileNotFoundError):
            index = out / "index.jsonl"
            json.loads(index.read_text().splitlines()[0])  # when present, it is whole
