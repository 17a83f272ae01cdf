"""Helpers for the batch, replay and distributed tests: scene batches, folder audits, the manifest schema."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
from conftest import REPO, run_deig
from PIL import Image

TEMP_PREFIX = ".deig-tmp-"


def scene_batch(count: int, *, size: int = 256, poses: bool = True) -> list[dict]:
    """`count` distinct, complete scenes with fixed seeds."""
    scenes = []
    for number in range(count):
        pose = {"pose": "standing"} if poses else {}
        scenes.append({
            "caption": f"scene {number}: a man and a woman in a park", "seed": 5000 + number,
            "width": size, "height": size,
            "instances": [
                {"name": "man", "caption": f"a man in a red hat, number {number}", "box": [0.05, 0.1, 0.45, 0.95], **pose},
                {"name": "woman", "caption": f"a woman in a yellow dress, number {number}", "box": [0.5, 0.1, 0.95, 0.95],
                 **pose},
            ],
        })
    return scenes


def as_jsonl(scenes: list[dict]) -> str:
    return "".join(json.dumps(scene) + "\n" for scene in scenes)


@functools.lru_cache(maxsize=1)
def manifest_schema() -> str:
    """The text of `deig schema --manifest`, as a user would get it."""
    result = run_deig("schema", "--manifest")
    assert result.code == 0, result.stderr
    return result.stdout


def validate_manifest(document: dict) -> None:
    schema = json.loads(manifest_schema())
    jsonschema.Draft202012Validator(schema).validate(document)


def manifests(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))


def pngs(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.png") if not p.name.startswith(".") and p.name.count(".") == 1
                  and p.name != "contact-sheet.png")


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{TEMP_PREFIX}*"))


def audit(folder: Path) -> dict[str, dict]:
    """Every manifest valid against the schema, every file it lists intact, every PNG decodable and
    carrying its manifest; returns {stem: manifest}."""
    found = {}
    for path in manifests(folder):
        document = json.loads(path.read_text())
        validate_manifest(document)
        for output in document["outputs"]:
            data = (folder / output["file"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == output["sha256"], output["file"]
        found[path.stem] = document
    for png in pngs(folder):
        with Image.open(png) as image:
            image.load()
            embedded = json.loads(image.info["deig"])
        validate_manifest(embedded)
        assert png.stem in found, f"{png.name} has no manifest"
        assert embedded["recipe_sha256"] == found[png.stem]["recipe_sha256"]
    return found


def deig_process(*args: str, out_dir: Path, stdin: str | None = None, env: dict[str, str] | None = None,
                 niceness: int = 0, stdout_room: int | None = None) -> subprocess.Popen:
    """`python -m deigcli ARGS` running in the background; stdout and stderr go to files in `out_dir`.

    `niceness` lowers the child's priority, so that a test watching it on a busy machine gets the
    CPU when it needs to act (a batch must not race to its end while the watcher waits its turn).
    With `stdout_room`, stdout is instead a pipe nobody reads that has room for only that many more
    bytes: like a consumer at the other end of a shell pipe that has stopped reading, it holds the
    process in its next write once they are used, however fast the process runs. `drain(proc)`
    reads it to its end.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    if stdout_room is None:
        stdout = open(out_dir / "stdout.txt", "wb")  # noqa: SIM115 - closed by the caller through finish()
    else:
        reading, stdout = _pipe_with_room(stdout_room)
    stderr = open(out_dir / "stderr.txt", "wb")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-m", "deigcli", *map(str, args)], stdin=subprocess.PIPE,
                            stdout=stdout, stderr=stderr, env={**os.environ, **(env or {})}, cwd=REPO,
                            preexec_fn=lambda: _as_from_a_terminal(niceness))
    if stdout_room is not None:
        proc.unread_stdout = reading
    stdout.close()
    stderr.close()
    if stdin is not None:
        proc.stdin.write(stdin.encode("utf-8"))
    proc.stdin.close()
    return proc


def _as_from_a_terminal(niceness: int) -> None:
    """In the child before it starts: Ctrl-C acts as it does for a command typed at a terminal, even
    where the test runs as a background job of a shell, whose children inherit SIGINT ignored (then
    Python installs no KeyboardInterrupt handler and the batch would run on to its end)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if niceness:
        os.nice(niceness)


def _pipe_with_room(room: int):
    """(read end, write end) of a pipe at its smallest capacity, filled so that `room` bytes are left."""
    read_fd, write_fd = os.pipe()
    capacity = fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 4096)
    os.write(write_fd, b"#" * (capacity - room))
    return os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")


def drain(proc: subprocess.Popen) -> None:
    """Read a `stdout_room` process's stdout to its end in the background, so it can write and exit."""
    reading = proc.unread_stdout
    threading.Thread(target=lambda: (reading.read(), reading.close()), daemon=True).start()


def wait_for(condition: Callable[[], bool], *, every: float = 0.005) -> None:
    """Poll until `condition` holds: an event, however long a busy machine takes to get there.

    Callers watching a process include its end in the condition (`or proc.poll() is not None`), so
    the wait ends either way; a hang is caught by the process's own HANG_SECONDS guard.
    """
    while not condition():
        time.sleep(every)


def file_marks(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of each file: a file written again gets a new inode (atomic rename)."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in paths}
