"""Output files written whole or not at all, names that stay inside the output folder, and the journal."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from scenes.errors import DeigError

JOURNAL = "journal.jsonl"


def atomic_write(path: Path, data: bytes) -> None:
    temp = path.with_name(f".deig-tmp-{os.getpid()}-{path.name}")
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise DeigError(f"cannot write {path}: {exc.strerror or exc}",
                        hint="Check that its folder exists, is writable and has free space.") from exc


def write_json(path: Path, document: Any) -> None:
    atomic_write(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))


def write_jsonl(path: Path, records: list[dict]) -> None:
    atomic_write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8"))


def safe_name(key: str) -> str:
    """A file-name stem from an item key (bench ids come from users' files): letters, digits, - and _
    only; a short hash keeps different keys apart when characters had to go."""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")[:80] or "item"
    if clean != key:
        clean = f"{clean}-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:8]}"
    return clean


def read_journal(folder: Path) -> dict[str, dict]:
    """The samples already scored, by key. A line cut short by an interruption is ignored (redone)."""
    done: dict[str, dict] = {}
    path = folder / JOURNAL
    if not path.is_file():
        return done
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and "key" in entry:
            done[entry["key"]] = entry
    return done


def append_journal(folder: Path, entry: dict) -> None:
    """One line per scored sample, flushed to disk before the next sample starts."""
    path = folder / JOURNAL
    data = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
    with open(path, "ab") as handle:
        # A previous interruption may have left a partial line: start ours on a fresh one.
        if handle.tell() > 0:
            with open(path, "rb") as reader:
                reader.seek(-1, os.SEEK_END)
                if reader.read(1) != b"\n":
                    data = b"\n" + data
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
