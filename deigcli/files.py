"""Files that appear complete or not at all, and names that cannot leave the output folder."""

from __future__ import annotations

import contextlib
import errno
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


def _write_temp(final: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `final`, on disk (fsync) before it is published."""
    temp = _temp_name(final)
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    os.close(fd)
    return temp


def _cannot_write(path: Path, exc: OSError) -> DeigError:
    return DeigError(f"cannot write {path}: {exc.strerror or exc}",
                     hint="Check that its folder exists, is writable and has free space.")


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename.

    A failing disk (full, gone, read-only) is the user's to fix, not a bug: it raises a DeigError
    naming `path`, never the temporary name."""
    temp: Path | None = None
    try:
        temp = _write_temp(path, data)
        os.replace(temp, path)
    except BaseException as exc:
        if temp is not None:
            with contextlib.suppress(OSError):
                temp.unlink()
        if isinstance(exc, OSError):
            raise _cannot_write(path, exc) from exc
        raise
    _fsync_dir(path.parent)


class NameTaken(Exception):
    """A final name was claimed by someone else between planning and publishing."""

    def __init__(self, path: Path):
        super().__init__(str(path))
        self.path = path


# errno values of a filesystem without hard links: publishing falls back to claim-then-rename.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}


class Publication:
    """Several files that appear under their final names together, or not at all.

    `stage()` writes each file to a temporary name (a full disk fails here, before anything is
    visible). `publish()` then claims each final name atomically: a hard link, which fails when the
    name exists, so nothing another process wrote is ever replaced (with `replace`, i.e. --force,
    a rename that keeps the old file aside until every file is in place). If any step fails, every
    name published so far is taken back and the folder is as it was; NameTaken reports a name
    someone else holds.
    """

    def __init__(self, *, replace: bool = False):
        self.replace = replace
        self._staged: list[tuple[Path, Path]] = []  # (temp, final), in publishing order
        self._done: list[tuple[Path, Path | None]] = []  # (final, the old file kept aside, if any)

    def __enter__(self) -> Publication:
        return self

    def __exit__(self, *exc: object) -> None:
        for temp, _ in self._staged:  # on success these are only the second links of published files
            with contextlib.suppress(OSError):
                temp.unlink()

    def stage(self, final: Path, data: bytes) -> None:
        try:
            temp = _write_temp(final, data)
        except OSError as exc:
            raise _cannot_write(final, exc) from exc
        self._staged.append((temp, final))

    def publish(self) -> None:
        try:
            for temp, final in self._staged:
                self._claim(temp, final)
        except BaseException as exc:
            self._take_back()
            if isinstance(exc, OSError):
                raise _cannot_write(final, exc) from exc
            raise
        for _, old in self._done:
            if old is not None:
                with contextlib.suppress(OSError):
                    old.unlink()
        _fsync_dir(self._staged[0][1].parent if self._staged else Path("."))

    def _claim(self, temp: Path, final: Path) -> None:
        if self.replace:
            old = _temp_name(final)
            try:
                os.link(final, old)
            except FileNotFoundError:
                old = None
            except OSError as exc:  # no hard links here: --force replaces without a way back
                if exc.errno not in _NO_LINKS:
                    raise
                old = None
            os.replace(temp, final)
            self._done.append((final, old))
            return
        try:
            os.link(temp, final)
        except FileExistsError:
            raise NameTaken(final) from None
        except OSError as exc:
            if exc.errno not in _NO_LINKS:
                raise
            _claim_by_creating(temp, final)
        self._done.append((final, None))

    def _take_back(self) -> None:
        """Undo every claim made so far, newest first, touching only files that are still ours."""
        temps = {final: temp for temp, final in self._staged}
        for final, old in reversed(self._done):
            with contextlib.suppress(OSError):
                if old is not None:
                    os.replace(old, final)
                elif _same_file(final, temps[final]) or not temps[final].exists():
                    final.unlink()
        self._done.clear()


def _claim_by_creating(temp: Path, final: Path) -> None:
    """Where hard links are not supported: claim the name by creating it exclusively, then rename onto it."""
    try:
        fd = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        raise NameTaken(final) from None
    os.close(fd)
    os.replace(temp, final)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


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
