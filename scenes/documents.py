"""Reading YAML and JSON documents safely, remembering the line of every value.

A file may hold one scene, a list of scenes, several YAML documents, or JSON lines. Everything is
read once, event by event (`reading`), with the limits kept while reading: bytes before parsing,
then values per scene (aliases counted as expanded), depth and value length; duplicate keys are
errors, and each value's line is kept so that validation errors can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import MAX_LISTED_PROBLEMS, InvalidInput, Issue, IssueList, SceneInvalid
from .reading import AnotherValue as _AnotherValue
from .reading import EventReader as _EventReader

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_SCENES = 10_000  # per file; a larger batch is split into several files

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """One scene-shaped value and where its parts came from."""

    data: Any
    source: str | None = None
    lines: dict[Path_, int] = field(default_factory=dict)
    label: str | None = None  # "scene 3" when a file holds several

    def line_of(self, path: Path_) -> int | None:
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def decode_text(raw: bytes, source: str) -> str:
    """Bytes from a file or stdin as text, refusing binary data with a clear message."""
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"{source} is larger than {MAX_DOCUMENT_BYTES // 2**20} MiB, the limit for one document",
            hint="Split the batch into several files.",
        )
    if b"\x00" in raw:
        raise InvalidInput(f"{source} holds binary data (NUL bytes), not YAML or JSON text",
                           hint="Pass a scene file written as YAML or JSON in UTF-8.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{source} is not UTF-8 text (invalid byte at offset {exc.start})",
                           hint="Save the file as UTF-8.") from None
    return text.removeprefix("\ufeff")


def read_source(path: str, *, stdin_bytes: bytes | None = None) -> tuple[str, str]:
    """(text, display name) of a file path, or of stdin for '-'."""
    if path == "-":
        return decode_text(stdin_bytes or b"", "stdin"), "<stdin>"
    file = Path(path)
    if not file.exists():
        raise InvalidInput(f"no such file: {path}", hint="Check the path; use '-' to read from stdin.")
    if file.is_dir():
        raise InvalidInput(f"{path} is a directory, not a scene file", hint="Pass a .yaml or .json file.")
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_DOCUMENT_BYTES + 1)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", hint="Check the file's permissions.") from None
    return decode_text(raw, path), path


# -- parsing ---------------------------------------------------------------------------------


def parse_documents(text: str, source: str | None = None) -> list[Document]:
    """Every scene-shaped value in `text`: a mapping, each item of a list, each YAML document."""
    return list(iter_documents(text, source))


def iter_documents(text: str, source: str | None = None) -> Iterator[Document]:
    """The scenes of `text` one by one, each read, counted and located in the same single parse.

    Only one scene's values are held at a time (and the next one's, to know whether the file
    holds several), so a hostile file costs what its largest allowed scene costs, not its size.
    """
    name = source or "input"
    stripped = text.lstrip()
    if not stripped:
        raise InvalidInput(f"{source or 'the input'} is empty", hint="A scene needs at least a 'caption'.")
    if stripped[0] in "{[":
        # JSON (or a YAML flow collection): read with JSON's number rules; leading blank lines kept for line numbers.
        skipped_lines = text[:len(text) - len(stripped)].count("\n")
        scenes = _json_scenes(_join_surrogate_escapes(stripped), name, skipped_lines)
    else:
        scenes = _EventReader(text, name, json_numbers=False).scenes()
    pending: tuple[Any, dict[Path_, int], int] | None = None
    count = 0
    for item in scenes:
        count += 1
        if count > MAX_SCENES:
            raise InvalidInput(f"{name} holds more than {MAX_SCENES:,} scenes, the limit for one file",
                               hint="Split the batch into several files.")
        if pending is not None:
            yield _document(pending, source, f"scene {count - 1}")
        pending = item
    if pending is None:
        raise InvalidInput(f"{source or 'the input'} holds no scene", hint="A scene needs at least a 'caption'.")
    yield _document(pending, source, f"scene {count}" if count > 1 else None)


def _document(item: tuple[Any, dict[Path_, int], int], source: str | None, label: str | None) -> Document:
    data, lines, line = item
    lines.setdefault((), line)
    return Document(data=data, source=source, lines=lines, label=label)


def _json_scenes(text: str, name: str, line_offset: int) -> Iterator[tuple[Any, dict[Path_, int], int]]:
    """One JSON document, or JSON lines: when a second value follows the first, each line is read on its own."""
    reader = _EventReader(text, name, json_numbers=True, line_offset=line_offset, several_values=True)
    try:
        yield from reader.scenes()
    except _AnotherValue as more:
        for number, line in _lines_after(text, more.line):
            if line.strip():
                yield from _EventReader(line, name, json_numbers=True, line_offset=line_offset + number - 1).scenes()


def _lines_after(text: str, skip: int) -> Iterator[tuple[int, str]]:
    """(number, line) of each line after the first `skip`, one at a time (a million lines are not listed)."""
    number, start = 0, 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end == -1 else end
        number += 1
        if number > skip:
            yield number, text[start:end]
        start = end + 1


# JSON writes characters outside the BMP as two escaped surrogates, which YAML does not read.
_SURROGATE_PAIR = re.compile(r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})")


def _join_surrogate_escapes(text: str) -> str:
    if "\\u" not in text:
        return text
    return _SURROGATE_PAIR.sub(
        lambda m: m.group(1) + chr(0x10000 + ((int(m.group(2), 16) - 0xD800) << 10) + int(m.group(3), 16) - 0xDC00),
        text)


# -- validation errors -----------------------------------------------------------------------


def format_location(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def issues_from_error(error: Any, document: Document, describe: Any) -> list[Issue]:
    """pydantic ValidationError -> located Issues; `describe(err, path)` words each one.

    Only the first MAX_LISTED_PROBLEMS are worded (the rest are counted by `error.error_count()`):
    wording costs time, and a hostile document may hold a hundred thousand problems.
    """
    issues = []
    for err in error.errors(include_url=False)[:MAX_LISTED_PROBLEMS]:
        path = clean_location(err["loc"])
        # A missing key is reported at the mapping that lacks it.
        location = format_location(path[:-1] if err["type"] == "missing" else path)
        if document.label:
            location = f"{document.label}: {location}" if location else document.label
        issues.append(Issue(location=location, message=describe(err, path), source=document.source,
                            line=document.line_of(path)))
    return issues


_UNION_TAGS = {"name", "keypoints"}


def clean_location(loc: tuple[Any, ...]) -> Path_:
    """Drop pydantic's internal location parts (union tags, validator names)."""
    out: list[str | int] = []
    for position, part in enumerate(loc):
        last = position == len(loc) - 1
        if isinstance(part, str) and not last:
            if "[" in part and part.endswith("]"):
                continue
            if part in _UNION_TAGS and out and out[-1] == "pose":
                continue
        out.append(part)
    return tuple(out)


def raise_if_issues(issues: IssueList) -> None:
    if issues:
        raise SceneInvalid(issues.shown, more=issues.more)
