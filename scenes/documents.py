"""Reading YAML and JSON documents safely, remembering the line of every value.

A file may hold one scene, a list of scenes, several YAML documents, or JSON lines. Everything is
parsed with YAML's safe loader (or `json`), aliases are bounded so that a small file cannot expand
into a huge one, duplicate keys are errors, and each value's line is kept so that validation
errors can point at it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import InvalidInput, Issue, SceneInvalid

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
MAX_EXPANDED_NODES = 2_000_000

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
    """Every scene-shaped value in `text`: a mapping, each mapping of a list, each YAML document."""
    stripped = text.lstrip()
    if not stripped:
        raise InvalidInput(f"{source or 'the input'} is empty", hint="A scene needs at least a 'caption'.")
    if stripped[0] in "{[":
        docs = _parse_json(text, source)
        if docs is not None:
            return _split(docs, source)
    return _split(_parse_yaml(text, source), source)


def _parse_json(text: str, source: str | None) -> list[tuple[Any, dict[Path_, int], int]] | None:
    """JSON or JSON lines; None when the text is not JSON (so it is tried as YAML)."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicate_pairs)
    except _DuplicateKey as dup:
        raise InvalidInput(f"{source or 'input'}: duplicate key '{dup.key}'", hint="Each key may appear once.") from None
    except RecursionError:
        raise InvalidInput(f"{source or 'input'} is nested too deeply", hint="Check the document's structure.") from None
    except json.JSONDecodeError as exc:
        if exc.msg != "Extra data":
            return None
        return _parse_json_lines(text, source)
    return [(data, _yaml_lines_or_empty(text), 1)]


def _parse_json_lines(text: str, source: str | None) -> list[tuple[Any, dict[Path_, int], int]]:
    docs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, object_pairs_hook=_no_duplicate_pairs)
        except _DuplicateKey as dup:
            raise InvalidInput(f"{source or 'input'}:{number}: duplicate key '{dup.key}'",
                               hint="Each key may appear once.") from None
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            raise InvalidInput(f"{source or 'input'}:{number}: not valid JSON ({reason})",
                               hint="JSON lines hold one complete JSON object per line.") from None
        docs.append((value, {(): number}, number))
    return docs


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _no_duplicate_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def _yaml_lines_or_empty(text: str) -> dict[Path_, int]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return {}
    lines: dict[Path_, int] = {}
    if node is not None:
        try:
            _walk(node, (), lines, check_duplicates=False)
        except InvalidInput:
            return {}
    return lines


def _parse_yaml(text: str, source: str | None) -> list[tuple[Any, dict[Path_, int], int]]:
    name = source or "input"
    docs = []
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            _check_expansion(node, name)
            lines: dict[Path_, int] = {}
            _walk(node, (), lines, check_duplicates=True, source=name)
            data = loader.construct_document(node)
            docs.append((data, lines, node.start_mark.line + 1))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        problem = exc.problem or exc.context or "invalid YAML"
        raise InvalidInput(f"{where}: invalid YAML: {problem}",
                           hint="Check the indentation and quoting near that line.") from None
    except yaml.YAMLError as exc:
        problem = str(exc).splitlines()[-1] if str(exc) else "invalid YAML"
        raise InvalidInput(f"{name}: invalid YAML: {problem}", hint="Check the file's syntax.") from None
    except RecursionError:
        raise InvalidInput(f"{name} is nested too deeply", hint="Check the document's structure.") from None
    finally:
        if loader is not None:
            loader.dispose()
    return docs


def _check_expansion(root: yaml.Node, name: str) -> None:
    """Refuse alias bombs: count nodes as the document would expand, sharing counts per node."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > 500:
            raise InvalidInput(f"{name} is nested too deeply", hint="Check the document's structure.")
        sizes[key] = 1  # guards against recursive aliases
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > MAX_EXPANDED_NODES:
            raise InvalidInput(f"{name} expands to more than {MAX_EXPANDED_NODES:,} values (YAML aliases)",
                               hint="Scene files do not need deeply nested aliases; write the values out.")
        sizes[key] = total
        return total

    size(root, 0)


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], *, check_duplicates: bool,
          source: str = "input", seen: set[int] | None = None) -> None:
    seen = set() if seen is None else seen
    if id(node) in seen:  # an alias: its lines were recorded where it was anchored
        return
    seen.add(id(node))
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.SequenceNode):
        for index, child in enumerate(node.value):
            _walk(child, (*path, index), lines, check_duplicates=check_duplicates, source=source, seen=seen)
    elif isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.value == "<<":
                continue
            key = key_node.value
            if check_duplicates and key in keys:
                raise InvalidInput(f"{source}:{key_node.start_mark.line + 1}: duplicate key '{key}'",
                                   hint="Each key may appear once in a mapping.")
            keys.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, check_duplicates=check_duplicates, source=source, seen=seen)


def _split(docs: list[tuple[Any, dict[Path_, int], int]], source: str | None) -> list[Document]:
    """Flatten documents and top-level lists into one Document per scene."""
    items: list[tuple[Any, dict[Path_, int], int]] = []
    for data, lines, line in docs:
        if isinstance(data, list):
            for index, value in enumerate(data):
                sub = {path[1:]: ln for path, ln in lines.items() if path[:1] == (index,)}
                items.append((value, sub, sub.get((), line)))
        elif data is not None:
            items.append((data, lines, line))
    if not items:
        raise InvalidInput(f"{source or 'the input'} holds no scene", hint="A scene needs at least a 'caption'.")
    several = len(items) > 1
    out = []
    for number, (data, lines, line) in enumerate(items, start=1):
        lines.setdefault((), line)
        out.append(Document(data=data, source=source, lines=lines, label=f"scene {number}" if several else None))
    return out


# -- validation errors -----------------------------------------------------------------------


def format_location(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def issues_from_error(error: Any, document: Document, describe: Any) -> list[Issue]:
    """pydantic ValidationError -> located Issues; `describe(err, path)` words each one."""
    issues = []
    for err in error.errors(include_url=False):
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


def raise_if_issues(issues: list[Issue]) -> None:
    if issues:
        raise SceneInvalid(issues)
