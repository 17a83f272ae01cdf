"""The manifest: everything needed to re-render an image exactly, and nothing secret.

Written next to every image as `NAME.json` and inside the PNG (`deig` text chunk). The copy inside
the PNG has no `outputs` (a file cannot hold its own hash).
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .model import Scene

MANIFEST_VERSION = 1


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Repair(_Record):
    """A change a planner made to what it was given, e.g. a box clamped onto the canvas."""

    location: str = Field(description="Where, e.g. 'instances[1].box'.")
    action: str = Field(description="What was done, in words.")
    before: Any = None
    after: Any = None


class PlannerRecord(_Record):
    name: str
    model: str | None = None
    base_url_host: str | None = None
    template_sha256: str | None = None
    mode: str | None = Field(default=None, description="How the reply was obtained (e.g. json_schema, json_object, text).")
    attempts: int = 0
    cached: bool = False
    repairs: list[Repair] = Field(default_factory=list)
    completed: list[str] = Field(default_factory=list, description="Locations the planner filled in.")
    notes: list[str] = Field(default_factory=list, description="What the planner and the layout critic "
                             "remarked on the plan (also shown on stderr).")
    raw_replies: list[str] = Field(default_factory=list)
    usage: dict[str, int] = Field(default_factory=dict)
    options: dict[str, Any] = Field(default_factory=dict)


class ModelRef(_Record):
    role: str = Field(description="e.g. 'pipeline', 'controlnet', 'text_encoder'.")
    id: str
    revision: str | None = Field(default=None, description="Hub commit, or 'sha256:…' of local weights.")


class RendererRecord(_Record):
    name: str
    version: str | None = None
    options: dict[str, Any] = Field(default_factory=dict, description="Resolved options, defaults included.")
    models: list[ModelRef] = Field(default_factory=list)
    scheduler: dict[str, Any] | None = None
    dtype: str | None = None
    device: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class InputRecord(_Record):
    kind: Literal["prompt", "scene", "manifest"]
    prompt: str | None = None
    path: str | None = None
    sha256: str | None = None
    label: str | None = None


class OutputRecord(_Record):
    file: str = Field(description="File name, relative to the manifest's folder.")
    sha256: str
    bytes: int
    width: int | None = None
    height: int | None = None
    role: str = "image"


class Manifest(_Record):
    manifest_version: Literal[1] = MANIFEST_VERSION
    deig_version: str
    created: str | None = Field(default=None, description="UTC time the image was rendered, ISO 8601 (absent in "
                                "the copy inside the PNG, which holds nothing that changes between identical renders).")
    recipe_sha256: str = Field(description="Hash of everything that determines the pixels (see recipe_hash).")
    scene: Scene = Field(description="The complete scene; `seed` is this image's seed.")
    seed: Annotated[int, Field(ge=0)]
    image_index: int = Field(default=0, ge=0, description="Index of the image among --count images.")
    generator: str = Field(default="torch.Generator('cpu')", description="Where the initial noise was drawn.")
    renderer: RendererRecord
    planner: PlannerRecord | None = None
    input: InputRecord | None = None
    environment: dict[str, str] = Field(default_factory=dict)
    timings: dict[str, float] = Field(default_factory=dict)
    outputs: list[OutputRecord] = Field(default_factory=list)

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.model_dump(mode="json", by_alias=True, exclude_none=True), indent=indent,
                          ensure_ascii=False)


# Options that say where a renderer runs, not what it draws: a batch resumed on another GPU, or
# split across several, recognises the images it already has.
PLACEMENT_OPTIONS = frozenset({"device", "offload"})


def recipe_hash(scene: Scene, renderer: str, options: dict[str, Any], references: list[str] | None = None) -> str:
    """What decides the pixels: the scene (with this image's seed), the renderer and its options,
    and the content (sha256) of its reference images, if any.

    Two renders with the same recipe on the same hardware and versions give the same image, which
    is how a batch recognises work it has already done.
    """
    payload = {
        "scene": scene.content_document(exclude={"schema_ref", "render", "prompt"}),
        "renderer": renderer,
        "options": {key: value for key, value in options.items() if key not in PLACEMENT_OPTIONS},
    }
    if references:  # absent otherwise, so that scenes without references keep their recipes
        payload["references"] = list(references)
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
