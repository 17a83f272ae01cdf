"""Files that appear complete or not at all, and names that cannot leave the output folder."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import socket
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from scenes.errors import DeigError, InvalidInput

TEMP_PREFIX = ".deig-tmp-"
MAX_STEM = 48


def slug(text: str | None, fallback: str = "scene") -> str:
    """A short, safe file-name stem from free text: ASCII letters, digits and single hyphens.

    Scene text is untrusted: `../`, absolute paths, NUL bytes and very long names all reduce to
    a plain stem, so a name built from it always stays inside the output folder.
    """
    if not text:
        return fallback
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    stem = ""
    for word in words:
        candidate = f"{stem}-{word}" if stem else word
        if len(candidate) > MAX_STEM:
            break
        stem = candidate
    if not stem and words:
        stem = words[0][:MAX_STEM]
    return stem or fallback


def inside(folder: Path, name: str) -> Path:
    """folder/name, refusing any name that would resolve outside `folder`."""
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        raise InvalidInput(f"unsafe output name {name!r}", hint="Output names are derived from scene text; report this.")
    path = folder / name
    if path.resolve().parent != folder.resolve():
        raise InvalidInput(f"output name {name!r} leaves the output folder", hint="Report this as a bug.")
    return path


def host_tag() -> str:
    """This machine's name as it appears in temp file names (several machines may share a folder)."""
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:16] or "host"


def _temp_name(final: Path) -> Path:
    return final.with_name(f"{TEMP_PREFIX}{host_tag()}-{os.getpid()}-{secrets.token_hex(4)}-{final.name}")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    A failing disk (full, gone, read-only) is the user's to fix, not a bug: it raises a DeigError
    naming `path`, never the temporary name."""
    temp = _temp_name(path)
    try:
        with open(temp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise DeigError(f"cannot write {path}: {exc.strerror or exc}",
                            hint="Check that its folder exists, is writable and has free space.") from exc
        raise
    _fsync_dir(path.parent)


def write_if_changed(path: Path, data: bytes) -> bool:
    """atomic_write, unless `path` already holds exactly `data`; True when it wrote."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data)
    return True


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) and SIGTERM until the block is done, then act on them.

    An image, its extras and its manifest are written as one unit: Ctrl-C during the writes takes
    effect right after them, so an interrupted batch never leaves a PNG without its manifest.
    (SIGKILL cannot be held; `job_state` recognises what it leaves.)
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)  # SIGTERM: what torchrun sends the others when one fails
    previous = {signum: signal.signal(signum, lambda number, frame: received.append(number)) for signum in held}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(received):
            handler = previous[signum]
            if handler is signal.default_int_handler:
                raise KeyboardInterrupt
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                os.kill(os.getpid(), signum)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete leftovers of interrupted writes by processes of this host that are no longer running."""
    removed = []
    host = host_tag()
    for temp in folder.glob(f"{TEMP_PREFIX}*"):
        match = re.match(rf"{re.escape(TEMP_PREFIX)}([A-Za-z0-9]+)-(\d+)-", temp.name)
        if not match or match.group(1) != host or _pid_alive(int(match.group(2))):
            continue
        with contextlib.suppress(OSError):
            temp.unlink()
            removed.append(temp)
    return removed


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_output_path(folder: Path) -> None:
    """Refuse an output path that is a file, without creating anything."""
    if folder.exists() and not folder.is_dir():
        raise InvalidInput(f"output path {folder} exists and is not a folder", hint="Pass a folder with -o/--output.")


def prepare_output_folder(folder: Path) -> Path:
    """Create the output folder if needed and prove it writable, before any weights load."""
    check_output_path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = _temp_name(folder / "probe")
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InvalidInput(f"cannot write to {folder}: {exc.strerror or exc}",
                           hint="Choose another folder with -o/--output.") from None
    return folder
