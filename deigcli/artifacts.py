"""Images and their manifests on disk: naming, writing, and recognising finished work.

Each image is written as NAME.png (with the recipe in a `deig` text chunk and an
AUTOMATIC1111-style `parameters` chunk) and NAME.json (the full manifest with file hashes).
The JSON is written last, so its presence with matching hashes means the image is complete.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import io
import json
import platform
import re
from dataclasses import dataclass
from enum import Enum
from importlib import metadata
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin
from pydantic import ValidationError

from renderers.base import RenderedImage
from scenes.manifest import InputRecord, Manifest, OutputRecord, PlannerRecord, RendererRecord
from scenes.model import Scene

from .files import Publication, inside

PNG_MANIFEST_KEY = "deig"
PNG_PARAMETERS_KEY = "parameters"
# Fields that change from run to run without changing the pixels; kept out of the PNG so that a
# replay on the same machine writes the same bytes.
VOLATILE_FIELDS = {"created", "timings", "outputs"}
UNUSED_FLAGS_KEY = "unused_flags"  # in the renderer record's details


@dataclass(frozen=True)
class ImageJob:
    """One image to produce: the scene with its seed, where it goes, and its recipe hash."""

    scene: Scene
    seed: int
    image_index: int
    scene_index: int
    stem: str
    recipe: str
    folder: Path

    @property
    def png(self) -> Path:
        return inside(self.folder, f"{self.stem}.png")

    @property
    def manifest_path(self) -> Path:
        return inside(self.folder, f"{self.stem}.json")

    def extra_path(self, role: str) -> Path:
        return inside(self.folder, f"{self.stem}.{role}.png")


def deig_version() -> str:
    try:
        return metadata.version("deig")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def environment() -> dict[str, str]:
    env = {"python": platform.python_version(), "platform": platform.platform(), "deig": deig_version()}
    for package in ("torch", "diffusers", "transformers", "accelerate", "pillow", "numpy", "pydantic"):
        try:
            env[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return env


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- reading back --------------------------------------------------------------------------------


def read_manifest(path: Path) -> Manifest | None:
    """The manifest at `path`, or None when it is missing, unreadable or invalid."""
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValidationError, ValueError):
        return None


def _outputs_intact(manifest: Manifest, folder: Path) -> bool:
    if not manifest.outputs:
        return False
    for output in manifest.outputs:
        try:
            path = inside(folder, output.file)
            if path.stat().st_size != output.bytes or file_sha256(path) != output.sha256:
                return False
        except (OSError, ValueError):
            return False
    return True


class JobState(str, Enum):
    FINISHED = "finished"  # made from this recipe, every file intact: skip it
    FREE = "free"  # nothing of this name yet
    LEFTOVER = "leftover"  # ours, but the write was interrupted (PNG without manifest, broken file): redo
    BUSY = "busy"  # ours, being published by another run right now: leave it to that run
    FOREIGN = "foreign"  # something else has this name: only --force overwrites it


def job_state(job: ImageJob) -> JobState:
    """What the output folder already holds for `job`."""
    manifest = read_manifest(job.manifest_path)
    if manifest is not None:
        if manifest.recipe_sha256 != job.recipe:
            return JobState.FOREIGN
        return JobState.FINISHED if _outputs_intact(manifest, job.folder) else JobState.LEFTOVER
    if job.manifest_path.exists():
        return JobState.FOREIGN  # manifests are written atomically, so an unreadable one is not ours
    if not job.png.exists():
        return JobState.FREE
    # The PNG is written before its manifest: a PNG carrying this recipe but no manifest is the
    # trace of a process killed between the two writes.
    embedded = manifest_from_png(job.png)
    if embedded is not None and embedded.get("recipe_sha256") == job.recipe:
        return JobState.BUSY if _being_published(job.png) else JobState.LEFTOVER
    return JobState.FOREIGN


def _being_published(path: Path) -> bool:
    """A published file keeps a second name (its temporary one) until its whole image is published;
    temporary files of dead processes are removed before this is asked."""
    try:
        return path.stat().st_nlink > 1
    except OSError:
        return False


def remove_leftovers(job: ImageJob) -> None:
    """Delete what an interrupted write of `job` left behind (it is rendered again)."""
    for path in (job.manifest_path, job.png):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def manifest_from_png(path: Path) -> dict[str, Any] | None:
    """The manifest in a PNG's `deig` chunk as a document, or None when there is none (or no PNG)."""
    try:
        with Image.open(path) as image:
            text = image.info.get(PNG_MANIFEST_KEY)
        document = json.loads(text) if text else None
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return None
    return document if isinstance(document, dict) else None


# -- writing ---------------------------------------------------------------------------------


def a1111_parameters(scene: Scene, renderer: RendererRecord, seed: int) -> str:
    """The `parameters` text other image tools show: prompt, negative, then key: value pairs."""
    options = renderer.options
    pairs: list[tuple[str, Any]] = [
        ("Steps", options.get("steps")),
        ("Sampler", options.get("scheduler")),
        ("CFG scale", options.get("guidance")),
        ("Seed", seed),
        ("Size", f"{scene.width}x{scene.height}"),
        ("Model", options.get("model")),
        ("Renderer", renderer.name),
        ("Instances", json.dumps([i.name for i in scene.instances], ensure_ascii=False)),
        ("Version", f"deig {deig_version()}"),
    ]

    def quote(value: Any) -> str:
        text = str(value)
        return json.dumps(text, ensure_ascii=False) if any(ch in text for ch in ",\n:") else text

    lines = [scene.caption]
    if scene.negative:
        lines.append(f"Negative prompt: {scene.negative}")
    lines.append(", ".join(f"{key}: {quote(value)}" for key, value in pairs if value is not None))
    return "\n".join(lines)


def encode_png(image: Image.Image, text_chunks: dict[str, str]) -> bytes:
    info = PngImagePlugin.PngInfo()
    for key, value in text_chunks.items():
        info.add_itxt(key, value, zip=len(value) > 1024)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


# Option names that hold credentials: never written into a manifest (`max_tokens` is not one).
SECRET_NAME = re.compile(r"(^|_)(api_?key|key|token|secret|password|passwd|authorization|credentials?)$", re.IGNORECASE)


def without_secrets(values: dict[str, Any]) -> dict[str, Any]:
    """`values` less every entry, at any depth, whose name says it holds a credential."""
    return {key: without_secrets(value) if isinstance(value, dict) else value
            for key, value in values.items() if not SECRET_NAME.search(str(key))}


def _recordable(renderer: RendererRecord, planner: PlannerRecord | None) -> tuple[RendererRecord, PlannerRecord | None]:
    renderer = renderer.model_copy(update={"options": without_secrets(renderer.options),
                                           "details": without_secrets(renderer.details)})
    if planner is not None:
        planner = planner.model_copy(update={"options": without_secrets(planner.options)})
    return renderer, planner


def embedded_manifest_json(manifest: Manifest) -> str:
    document = manifest.model_dump(mode="json", by_alias=True, exclude_none=True, exclude=VOLATILE_FIELDS)
    # Flags given but unused do not change the pixels: the sidecar records them, the PNG does not,
    # so a replay (which cannot know them) writes the same bytes.
    document.get("renderer", {}).get("details", {}).pop(UNUSED_FLAGS_KEY, None)
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def write_image(
    job: ImageJob,
    rendered: RenderedImage,
    *,
    renderer: RendererRecord,
    planner: PlannerRecord | None,
    input_record: InputRecord | None,
    timings: dict[str, float],
    replace: bool = False,
) -> Manifest:
    """Publish NAME.png (+ extras) and NAME.json together; return the manifest written.

    Every file is written under a temporary name first; then the names are claimed, the manifest
    last. Without `replace` (--force) a name someone else holds raises files.NameTaken and nothing
    of this image stays; a write error leaves the folder as it was before this image."""
    renderer, planner = _recordable(renderer, planner)
    manifest = Manifest(
        deig_version=deig_version(),
        created=_dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        recipe_sha256=job.recipe,
        scene=job.scene,
        seed=job.seed,
        image_index=job.image_index,
        renderer=renderer,
        planner=planner,
        input=input_record,
        environment=environment(),
        timings={k: round(v, 4) for k, v in timings.items()},
    )
    chunks = {
        PNG_MANIFEST_KEY: embedded_manifest_json(manifest),
        PNG_PARAMETERS_KEY: a1111_parameters(job.scene, renderer, job.seed),
    }
    with Publication(replace=replace) as publication:
        png_bytes = encode_png(rendered.image, chunks)
        publication.stage(job.png, png_bytes)
        outputs = [OutputRecord(file=job.png.name, sha256=sha256(png_bytes), bytes=len(png_bytes),
                                width=rendered.image.width, height=rendered.image.height)]
        for role, extra in sorted(rendered.extras.items()):
            extra_bytes = encode_png(extra, {})
            path = job.extra_path(role)
            publication.stage(path, extra_bytes)
            outputs.append(OutputRecord(file=path.name, sha256=sha256(extra_bytes), bytes=len(extra_bytes),
                                        width=extra.width, height=extra.height, role=role))
        manifest = manifest.model_copy(update={"outputs": outputs})
        publication.stage(job.manifest_path, (manifest.to_json() + "\n").encode("utf-8"))
        publication.publish()
    return manifest
