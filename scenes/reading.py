"""YAML and JSON read event by event, with every limit enforced while reading.

One pass over the parser's events builds the values, records the line of each one, refuses
duplicate keys and unsafe tags, and counts: values per scene (aliases counted as expanded),
nesting depth and the length of each value. A limit is hit as soon as the text crosses it, so a
hostile file costs what the limit allows, never what the whole file would have cost.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from .errors import InvalidInput

# A scene at its largest (100 instances with 18-keypoint poses, relations, render options) holds
# about 10,000 values and is nested 7 deep; the limits leave room for that and refuse the rest.
MAX_SCENE_VALUES = 50_000
MAX_DEPTH = 32
MAX_VALUE_CHARS = 100_000

Path_ = tuple[str | int, ...]
Scene = tuple[Any, dict[Path_, int], int]  # the value, the line of each of its paths, its first line

_SCALAR_TAGS = {f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float", "bool", "null", "timestamp",
                                                          "binary")}
_COLLECTION_TAGS = {None, "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}
_MERGE_TAG = "tag:yaml.org,2002:merge"
_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = SafeConstructor()


class AnotherValue(Exception):
    """A second JSON value after the first: the text is JSON lines, from this (0-based) line on."""

    def __init__(self, line: int):
        self.line = line


def _parser(text: str, json_text: bool) -> Any:
    if getattr(yaml, "__with_libyaml__", False):
        from yaml.cyaml import CParser

        return CParser(text)
    # PyYAML's own scanner refuses the tabs JSON allows between tokens; valid JSON has none inside strings.
    return _PythonParser(text.replace("\t", " ") if json_text else text)


class _PythonParser(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


class EventReader:
    """The scenes of one text: each YAML document, or each item of a document that is a list."""

    def __init__(self, text: str, name: str, *, json_numbers: bool, line_offset: int = 0,
                 several_values: bool = False):
        self.name = name
        self.json_numbers = json_numbers  # plain scalars that are JSON numbers are read as JSON reads them
        self.line_offset = line_offset
        self.several_values = several_values  # a second top-level value raises AnotherValue (JSON lines)
        self.parser = _parser(text, json_numbers)
        self.anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, values it expands to)
        self.values = 0
        self.aliased = False
        self.scene_number = 0

    # -- the structure of the stream ------------------------------------------------------------

    def scenes(self) -> Iterator[Scene]:
        try:
            self._expect(StreamStartEvent)
            documents = 0
            while not self._next_is_stream_end(documents):
                self._expect(DocumentStartEvent)
                documents += 1
                self.anchors.clear()  # anchors belong to their document
                yield from self._document_scenes()
                self._expect(DocumentEndEvent)
        except yaml.MarkedYAMLError as exc:
            raise self._syntax_error(exc) from None
        except yaml.YAMLError as exc:
            problem = str(exc).splitlines()[-1] if str(exc) else "invalid YAML"
            raise InvalidInput(f"{self.name}: invalid {self._format}: {problem}", hint="Check the file's syntax.") from None
        finally:
            dispose = getattr(self.parser, "dispose", None)
            if dispose is not None:
                dispose()

    def _next_is_stream_end(self, documents: int) -> bool:
        try:
            return bool(self.parser.check_event(StreamEndEvent))
        except yaml.MarkedYAMLError as exc:
            if self.several_values and documents and exc.problem_mark is not None:
                raise AnotherValue(exc.problem_mark.line) from None
            raise

    def _document_scenes(self) -> Iterator[Scene]:
        event = self.parser.peek_event()
        if isinstance(event, SequenceStartEvent):  # a list of scenes: each item is one
            self.parser.get_event()
            self._check_collection_tag(event)
            index = 0
            while not self.parser.check_event(SequenceEndEvent):
                yield self._scene(depth=1)
                index += 1
            self.parser.get_event()
        elif isinstance(event, ScalarEvent) and event.implicit[0] and event.value in ("", "~", "null", "Null", "NULL"):
            self.parser.get_event()  # an empty document holds no scene
        else:
            yield self._scene(depth=0)

    def _scene(self, depth: int) -> Scene:
        self.scene_number += 1
        self.values, self.aliased = 0, False
        lines: dict[Path_, int] = {}
        line = self._line(self.parser.peek_event())
        value = self._value((), depth, lines)
        return value, lines, line

    # -- values ------------------------------------------------------------------------------------

    def _value(self, path: Path_, depth: int, lines: dict[Path_, int]) -> Any:
        event = self.parser.get_event()
        lines.setdefault(path, self._line(event))
        if isinstance(event, AliasEvent):
            if event.anchor not in self.anchors:
                raise self._problem(event, f"unknown alias '*{_short(event.anchor)}'",
                                    "Define the anchor (&name) before using it, and not inside itself.")
            value, size = self.anchors[event.anchor]
            self.aliased = True
            self._count(size, event)
            return value
        start = self.values
        self._count(1, event)
        if isinstance(event, ScalarEvent):
            value = self._scalar(event)
        elif isinstance(event, SequenceStartEvent):
            self._enter(event, depth)
            value = []
            while not self.parser.check_event(SequenceEndEvent):
                value.append(self._value((*path, len(value)), depth + 1, lines))
            self.parser.get_event()
        elif isinstance(event, MappingStartEvent):
            self._enter(event, depth)
            value = self._mapping(path, depth, lines)
        else:  # pragma: no cover - the parser only gives the events above here
            raise self._problem(event, "unexpected YAML structure", "Check the file's syntax.")
        if event.anchor:  # registered once complete: an alias inside its own anchor is refused
            self.anchors[event.anchor] = (value, self.values - start)
        return value

    def _mapping(self, path: Path_, depth: int, lines: dict[Path_, int]) -> dict[Any, Any]:
        explicit: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        while not self.parser.check_event(MappingEndEvent):
            key_event = self.parser.peek_event()
            if isinstance(key_event, ScalarEvent) and self._tag(key_event) == _MERGE_TAG:
                self.parser.get_event()
                self._count(1, key_event)
                merged.update(self._merge_value(path, depth, lines))
                continue
            key = self._value((*path, "?"), depth + 1, {})  # the key's own lines are not kept
            if isinstance(key, list | dict):
                raise self._problem(key_event, "a mapping key must be a plain value, not a list or mapping",
                                    "Write keys as plain words.")
            if key in explicit:
                raise self._problem(key_event, f"duplicate key '{_short(str(key))}'", "Each key may appear once in a "
                                    "mapping.")
            child = (*path, key if isinstance(key, str | int) else str(key))
            lines[child] = self._line(key_event)
            explicit[key] = self._value(child, depth + 1, lines)
        self.parser.get_event()
        return {**merged, **explicit}  # YAML merge keys: the mapping's own keys win

    def _merge_value(self, path: Path_, depth: int, lines: dict[Path_, int]) -> dict[Any, Any]:
        event = self.parser.peek_event()
        value = self._value((*path, "<<"), depth + 1, {})
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(source, dict) for source in sources):
            raise self._problem(event, "a merge key (<<) takes a mapping or a list of mappings",
                                "Merge an anchored mapping, e.g. <<: *defaults.")
        merged: dict[Any, Any] = {}
        for source in reversed(sources):  # earlier mappings in the list win
            merged.update(source)
        return merged

    def _scalar(self, event: ScalarEvent) -> Any:
        if len(event.value) > MAX_VALUE_CHARS:
            raise self._problem(event, f"a value of {len(event.value):,} characters; the limit is "
                                f"{MAX_VALUE_CHARS:,}", "Scene values are short texts and numbers.")
        if self.json_numbers and event.implicit[0] and _JSON_NUMBER.fullmatch(event.value):
            return json.loads(event.value)
        tag = self._tag(event)
        if tag not in _SCALAR_TAGS:
            raise self._problem(event, f"the tag {_short(str(tag))} is not allowed in a scene file",
                                "Remove the tag; scene values are plain text, numbers and booleans.")
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ConstructorError, ValueError, OverflowError):
            raise self._problem(event, f"cannot read {_short(event.value)!r} as {tag.rsplit(':', 1)[-1]}",
                                "Remove the tag or fix the value.") from None

    @staticmethod
    def _tag(event: ScalarEvent) -> str | None:
        if event.tag not in (None, "!"):
            return event.tag
        return _RESOLVER.resolve(ScalarNode, event.value, event.implicit)

    # -- limits ------------------------------------------------------------------------------------

    def _count(self, values: int, event: Event) -> None:
        self.values += values
        if self.values <= MAX_SCENE_VALUES:
            return
        what = "the scene" if self.scene_number == 1 else f"scene {self.scene_number}"
        if self.aliased:
            raise self._problem(event, f"{what} expands to more than {MAX_SCENE_VALUES:,} values through YAML "
                                "aliases, the limit for one scene",
                                "Scene files do not need deeply nested aliases; write the values out.")
        raise self._problem(event, f"{what} holds more than {MAX_SCENE_VALUES:,} values, the limit for one scene",
                            "A scene needs a few hundred values; look for a runaway list or repeated keys.")

    def _enter(self, event: Event, depth: int) -> None:
        self._check_collection_tag(event)
        if depth >= MAX_DEPTH:
            raise self._problem(event, f"nested too deeply (more than {MAX_DEPTH} levels, the limit)",
                                "Check the document's structure; a scene is nested a few levels deep.")

    def _check_collection_tag(self, event: Any) -> None:
        if event.tag not in _COLLECTION_TAGS:
            raise self._problem(event, f"the tag {_short(str(event.tag))} is not allowed in a scene file",
                                "Remove the tag; scenes are plain mappings and lists.")

    # -- messages ----------------------------------------------------------------------------------

    @property
    def _format(self) -> str:
        return "JSON" if self.json_numbers else "YAML"

    def _line(self, event: Event) -> int:
        return event.start_mark.line + 1 + self.line_offset

    def _problem(self, event: Event, message: str, hint: str) -> InvalidInput:
        return InvalidInput(f"{self.name}:{self._line(event)}: {message}", hint=hint)

    def _syntax_error(self, exc: yaml.MarkedYAMLError) -> InvalidInput:
        mark = exc.problem_mark or exc.context_mark
        where = f"{self.name}:{mark.line + 1 + self.line_offset}" if mark else self.name
        problem = exc.problem or exc.context or "invalid syntax"
        if "nesting depth" in problem:  # libyaml's own limit (1000 levels), met before ours when it reads ahead
            return InvalidInput(f"{where}: nested too deeply (more than {MAX_DEPTH} levels, the limit)",
                                hint="Check the document's structure; a scene is nested a few levels deep.")
        return InvalidInput(f"{where}: invalid {self._format}: {problem}",
                            hint="Check the indentation and quoting near that line." if self._format == "YAML"
                            else "Check the brackets, commas and quotes near that line.")

    def _expect(self, kind: type[Event]) -> Event:
        event = self.parser.get_event()
        if not isinstance(event, kind):  # pragma: no cover - the parser guarantees the stream's shape
            raise self._problem(event, "unexpected YAML structure", "Check the file's syntax.")
        return event


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."
