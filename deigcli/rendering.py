"""From complete scenes to planned work: resolve each renderer, check everything cheap, name each image.

The order is the design's flow: options and scene limits are validated, the output folder is
proven writable and every output name is checked for conflicts before any weights load; each
image gets its own seed. `batch.run_batch` then renders the work and writes it atomically.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from renderers.base import Renderer
from scenes.errors import DeigError, InvalidInput
from scenes.manifest import recipe_hash
from scenes.model import MAX_SEED, Scene

from . import console, registry
from .artifacts import ImageJob
from .files import check_output_path, prepare_output_folder, slug
from .options import build_options, parse_assignments
from .planning import PlannedScene

DEFAULT_RENDERER = "regional"
PREVIEW_RENDERER = "preview"


@dataclass
class RenderFlags:
    """The render-related command-line flags, as given (None = not given)."""

    renderer: str | None = None
    model: str | None = None
    steps: int | None = None
    guidance: float | None = None
    scheduler: str | None = None
    device: str | None = None
    dtype: str | None = None
    offload: str | None = None
    max_batch: int | None = None
    allow_pickle: bool = False
    options: list[str] = field(default_factory=list)
    count: int | None = None
    seed: int | None = None
    output: Path = Path("deig-out")
    force: bool = False
    json: bool = False
    dry_run: bool = False
    keep_going: bool = False
    grid: bool = False
    download: bool = False  # fetch missing openly licensed weights without asking


def derived_seed(scene: Scene) -> int:
    """A seed that follows from the scene's content, so an unseeded scene renders the same way twice."""
    document = scene.model_dump(mode="json", exclude={"seed", "render", "prompt", "schema_ref"})
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % (MAX_SEED + 1)


def renderer_name(flags: RenderFlags, scene: Scene) -> str:
    if flags.renderer:
        return flags.renderer
    if scene.render and scene.render.renderer:
        return scene.render.renderer
    return DEFAULT_RENDERER


def option_values(flags: RenderFlags, scene: Scene | None, name: str) -> dict[str, Any]:
    """Scene `render:` block first (when it is meant for this renderer), then flags on top."""
    values: dict[str, Any] = {}
    block = scene.render if scene is not None else None
    if block is not None and block.renderer in (None, name):
        if "allow_pickle" in block.options:
            # A scene file is untrusted: only the person running deig may allow pickle checkpoints.
            raise InvalidInput("a scene's render options may not set 'allow_pickle'",
                               hint="Pass --allow-pickle on the command line if you trust the checkpoint.")
        values.update(block.options)
        values.update({k: v for k, v in (("model", block.model), ("steps", block.steps),
                                          ("guidance", block.guidance), ("scheduler", block.scheduler))
                       if v is not None})
    values.update(parse_assignments(flags.options, "-O/--option"))
    given = {"model": flags.model, "steps": flags.steps, "guidance": flags.guidance, "scheduler": flags.scheduler,
             "device": flags.device, "dtype": flags.dtype, "offload": flags.offload, "max_batch": flags.max_batch}
    values.update({k: v for k, v in given.items() if v is not None})
    if flags.allow_pickle:
        values["allow_pickle"] = True
    return values


class RendererPool:
    """One renderer per distinct (name, options); each loads its weights at most once."""

    def __init__(self) -> None:
        self._renderers: dict[str, Renderer] = {}
        self.loads = 0

    def get(self, name: str, values: dict[str, Any], device: str | None = None) -> Renderer:
        """The renderer `name` with these option values; `device`, when given, is used unless one was chosen."""
        cls = registry.load("renderer", name)
        if device is not None and "device" in cls.Options.model_fields and values.get("device") in (None, "auto"):
            values = {**values, "device": device}
        key = json.dumps([name, values], sort_keys=True, default=str)
        if key not in self._renderers:
            options = build_options(cls.Options, values, f"renderer '{name}'")
            renderer = cls(options)
            renderer.check_environment()
            self._renderers[key] = renderer
        return self._renderers[key]

    def ensure_loaded(self, renderer: Renderer) -> float:
        if renderer.loaded:
            return 0.0
        start = time.perf_counter()
        renderer.load()
        renderer.loaded = True
        self.loads += 1
        return time.perf_counter() - start


def check_flags(flags: RenderFlags, pool: RendererPool, *, scene_files: bool, device: str | None = None) -> None:
    """What the flags alone decide, checked before any planner is asked and before anything is written.

    Without scene files the renderer and its options are known now: it is checked in full, and the
    pool keeps it for the render. With scene files a `render:` block may still choose them, so only a
    renderer named by --renderer is checked, against the flags' own option values.
    """
    check_output_path(flags.output)
    name = flags.renderer or (None if scene_files else DEFAULT_RENDERER)
    if name is None:
        parse_assignments(flags.options, "-O/--option")
        return
    values = option_values(flags, None, name)
    if scene_files:
        build_options(registry.load("renderer", name).Options, values, f"renderer '{name}'")
    else:
        pool.get(name, values, device)


@contextmanager
def about(label: str) -> Iterator[None]:
    """Name the scene in an invalid-input error raised inside (e.g. by its `render:` block)."""
    try:
        yield
    except InvalidInput as exc:
        if label:
            exc.message = f"{label}: {exc.message}"
        raise


@dataclass
class SceneWork:
    planned: PlannedScene
    renderer: Renderer
    jobs: list[ImageJob]


def plan_work(planned: list[PlannedScene], flags: RenderFlags, pool: RendererPool,
              device: str | None = None) -> list[SceneWork]:
    """Every cheap decision and check, scene by scene, before anything heavy happens.

    `device` is this process's own device under a distributed launcher (None otherwise). The output
    folder is created only once every check has passed."""
    folder = flags.output
    several = len(planned) > 1
    work: list[SceneWork] = []
    seen_names: dict[str, str] = {}
    for scene_index, item in enumerate(planned):
        scene = item.scene
        name = renderer_name(flags, scene)
        if scene.render and scene.render.renderer and flags.renderer and scene.render.renderer != flags.renderer:
            console.note(f"Note: {item.label}: its render settings are for '{scene.render.renderer}'; "
                         f"rendering with '{flags.renderer}' without them.")
        with about(item.label):
            renderer = pool.get(name, option_values(flags, scene, name), device)
        if flags.dry_run and name != PREVIEW_RENDERER:
            check_scene(renderer, scene, item.label)  # the real renderer's limits still apply
            renderer = pool.get(PREVIEW_RENDERER, {})
        check_scene(renderer, scene, item.label)
        count = flags.count or (scene.render.count if scene.render and scene.render.count else 1)
        base_seed = flags.seed if flags.seed is not None else (scene.seed if scene.seed is not None else derived_seed(scene))
        stem = slug(scene.prompt or scene.caption)
        if several:
            stem = f"{scene_index + 1:04d}-{stem}"
        if flags.dry_run:
            stem = f"{stem}-preview"
        jobs = []
        for image_index in range(count):
            seed = (base_seed + image_index) % (MAX_SEED + 1)
            seeded = scene.with_seed(seed)
            job = ImageJob(scene=seeded, seed=seed, image_index=image_index, scene_index=scene_index,
                           stem=f"{stem}-{seed}", recipe=recipe_hash(seeded, renderer.name, renderer.resolved_options()),
                           folder=folder)
            if job.stem in seen_names and seen_names[job.stem] != job.recipe:
                raise InvalidInput(f"two images of this run would both be named {job.stem}.png",
                                   hint="Give the scenes different seeds or captions.")
            seen_names[job.stem] = job.recipe
            jobs.append(job)
        work.append(SceneWork(item, renderer, jobs))
    if not flags.dry_run:  # every missing piece of the run at once, fetched with consent
        from .weights import ensure

        ensure(lambda: [need for w in work for need in w.renderer.weight_needs([w.planned.scene])],
               download=flags.download)
    prepare_output_folder(folder)
    return work


def check_scene(renderer: Renderer, scene: Scene, label: str) -> None:
    try:
        warnings = renderer.check(scene)
    except DeigError as exc:
        exc.message = f"{label}: {exc.message}" if label else exc.message
        raise
    for warning in warnings:
        console.warn(f"{label}: {warning}")
