"""`deig schema`: the JSON Schema of scene files (usable as `$schema` in editors)."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from scenes.errors import InvalidInput
from scenes.manifest import Manifest
from scenes.model import Scene

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def scene_file_schema() -> dict[str, Any]:
    """One scene, or a list of scenes (a file may hold either)."""
    scene = Scene.model_json_schema(mode="validation")
    defs = scene.pop("$defs", {})
    defs["Scene"] = scene
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "deig scene file",
        "description": "One scene, or a list of scenes (deig scene schema version 1).",
        "anyOf": [{"$ref": "#/$defs/Scene"}, {"type": "array", "items": {"$ref": "#/$defs/Scene"}}],
        "$defs": defs,
    }


def manifest_schema() -> dict[str, Any]:
    schema = Manifest.model_json_schema(mode="validation")
    return {"$schema": SCHEMA_DIALECT, **schema}


def plan_schema() -> dict[str, Any]:
    try:
        from planners.llm import reply_json_schema  # noqa: PLC0415 - only when asked
    except ImportError:
        raise InvalidInput("the LLM planner is not installed, so there is no plan schema",
                           hint="Reinstall deig with its dependencies.") from None
    return reply_json_schema()


def schema(
    manifest: Annotated[bool, typer.Option("--manifest", help="The schema of manifests instead.")] = False,
    plan: Annotated[bool, typer.Option("--plan", help="The reply format the LLM planner asks for instead.")] = False,
) -> None:
    """Print the JSON Schema of scene files on stdout.

    Examples:

      deig schema > scene.schema.json     # then "$schema": "./scene.schema.json" in a JSON scene

      deig schema --manifest
    """
    if manifest and plan:
        raise InvalidInput("--manifest and --plan exclude each other", hint="Pick one.")
    document = manifest_schema() if manifest else plan_schema() if plan else scene_file_schema()
    print(json.dumps(document, indent=2, ensure_ascii=False))
