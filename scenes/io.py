"""Scenes from and to YAML / JSON, with every validation problem located by path and line."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .documents import Document, Path_, issues_from_error, iter_documents, raise_if_issues, read_source
from .errors import Issue, IssueList, SceneInvalid
from .model import Instance, PoseKeypoints, RenderSettings, Scene


@dataclass(frozen=True)
class LoadedScene:
    scene: Scene
    source: str | None
    label: str | None
    line: int | None


def load_scenes(text: str, source: str | None = None) -> list[LoadedScene]:
    """Every scene in a YAML/JSON text. Raises SceneInvalid listing all problems of all scenes."""
    loaded, issues = [], IssueList()
    for document in iter_documents(text, source):  # one scene at a time: a hostile file never sits whole in memory
        try:
            loaded.append(LoadedScene(scene_from_document(document), document.source, document.label,
                                      document.line_of(())))
        except SceneInvalid as exc:
            issues.add(exc.issues, exc.more)
    raise_if_issues(issues)
    return loaded


def load_scene_file(path: str, *, stdin_bytes: bytes | None = None) -> list[LoadedScene]:
    text, name = read_source(path, stdin_bytes=stdin_bytes)
    return load_scenes(text, name)


def scene_from_document(document: Document) -> Scene:
    if not isinstance(document.data, dict):
        raise SceneInvalid([Issue(location=document.label or "", source=document.source,
                                  line=document.line_of(()),
                                  message=f"a scene must be a mapping with at least a 'caption', not "
                                          f"{_kind(document.data)}")])
    try:
        return Scene.model_validate(document.data)
    except ValidationError as exc:
        issues = issues_from_error(exc, document, describe_error)
        raise SceneInvalid(issues, more=exc.error_count() - len(issues)) from None


def scene_from_data(data: Any, source: str | None = None) -> Scene:
    """Validate an in-memory document (e.g. an LLM's reply turned into a scene)."""
    return scene_from_document(Document(data=data, source=source))


# -- wording of validation errors ---------------------------------------------------------------

_MODELS_BY_KEY: dict[str, type[BaseModel]] = {"instances": Instance, "render": RenderSettings, "pose": PoseKeypoints}


def _model_at(path: Path_) -> type[BaseModel]:
    for part in reversed(path):
        if isinstance(part, str) and part in _MODELS_BY_KEY:
            return _MODELS_BY_KEY[part]
    return Scene


def _keys_of(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = json.dumps(value, default=str, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe_error(err: dict[str, Any], path: Path_) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else "?"
        allowed = _keys_of(_model_at(path[:-1]))
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
        return f"unknown key '{key}' ({hint})"
    if kind == "missing":
        return f"required key '{path[-1]}' is missing" if path else "required value is missing"
    if kind == "literal_error" and path and path[-1] == "version":
        return f"unsupported scene version {_short(err['input'])}; this deig reads version 1"
    message = err["msg"].replace(" after validation", "")
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping, got {_kind(err['input'])}"
    if kind in ("value_error", "box_too_small"):
        return message
    message = message[0].lower() + message[1:]
    value = err.get("input")
    if kind in ("too_short", "too_long"):
        return message
    if isinstance(value, str | int | float | bool) or value is None:
        return f"{message} (got {_short(value)})"
    return f"{message} (got {_kind(value)})"


# -- writing ---------------------------------------------------------------------------------


class _SceneDumper(yaml.SafeDumper):
    """Block style, but short lists of numbers (boxes, keypoints) on one line."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flow = len(data) <= 4 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_SceneDumper.add_representer(list, _represent_list)
_SceneDumper.add_representer(str, _represent_str)


def dump_yaml(document: Any) -> str:
    return yaml.dump(document, Dumper=_SceneDumper, sort_keys=False, allow_unicode=True, width=100)


def dump_scene(scene: Scene, fmt: str = "yaml") -> str:
    """One scene as YAML (a document), JSON (indented) or JSONL (one line, with the newline)."""
    document = scene.to_document()
    if fmt == "yaml":
        return dump_yaml(document)
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"
    raise ValueError(f"unknown format {fmt!r}")


def dump_scenes(scenes: list[Scene], fmt: str = "yaml") -> str:
    if fmt == "yaml":
        return "---\n".join(dump_scene(scene, "yaml") for scene in scenes)
    if fmt == "json":
        if len(scenes) == 1:
            return dump_scene(scenes[0], "json")
        return json.dumps([s.to_document() for s in scenes], indent=2, ensure_ascii=False) + "\n"
    return "".join(dump_scene(scene, "jsonl") for scene in scenes)
