"""From complete scenes to checked work: resolve each renderer, check everything cheap, name each image.

The order is the design's flow: options and scene limits are validated, the output folder is
proven writable and every output name is checked for conflicts before any weights load; each
image gets its own seed. A command's trip is plan (inputs.py) -> check (`prepare_work`) ->
render and publish (`batch.run_batch`), each once.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from renderers.base import Renderer
from scenes.errors import DeigError, InvalidInput
from scenes.manifest import recipe_hash
from scenes.model import MAX_SEED, Scene
from scenes.references import reference_digests

from . import console, registry
from .artifacts import ImageJob
from .concepts import pin_concepts
from .failures import Failures, Unplanned
from .files import check_output_path, prepare_output_folder, slug
from .options import build_options, parse_assignments
from .planning import PlannedScene
from .settings import RenderSettings

DEFAULT_RENDERER = "regional"
PREVIEW_RENDERER = "preview"


def derived_seed(scene: Scene) -> int:
    """A seed that follows from the scene's content, so an unseeded scene renders the same way twice."""
    document = scene.content_document(exclude={"seed", "render", "prompt", "schema_ref"})
    digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % (MAX_SEED + 1)


def renderer_name(flags: RenderSettings, scene: Scene) -> str:
    if flags.renderer:
        return flags.renderer
    if scene.render and scene.render.renderer:
        return scene.render.renderer
    return DEFAULT_RENDERER


def option_values(flags: RenderSettings, scene: Scene | None, name: str,
                  fields: Collection[str] | None = None) -> dict[str, Any]:
    """Scene `render:` block first (when it is meant for this renderer), then flags on top.

    With `fields` (the renderer's option names), flags the renderer has no option for are left out:
    they are unused (see `unused_flags`), not an error, so that switching renderers needs no other edit."""
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
    given = flags.given_options()
    values.update({k: v for k, v in given.items() if fields is None or k in fields})
    return values


def unused_flags(flags: RenderSettings, fields: Collection[str]) -> dict[str, Any]:
    """The flags given for options this renderer does not have (e.g. --steps with the preview renderer)."""
    return {k: v for k, v in flags.given_options().items() if k not in fields}


class RendererPool:
    """One renderer per distinct (name, options); each loads its weights at most once."""

    def __init__(self) -> None:
        self._renderers: dict[str, Renderer] = {}
        self._preloaded: dict[int, float] = {}  # id(renderer) -> load seconds not yet reported
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

    def preload(self, renderer: Renderer) -> None:
        """Load before a progress bar starts, so that what is loading shows on lines of its own; the time
        is reported with the renderer's first image as usual."""
        if not renderer.loaded:
            self._preloaded[id(renderer)] = self.ensure_loaded(renderer)

    def ensure_loaded(self, renderer: Renderer) -> float:
        if renderer.loaded:
            return self._preloaded.pop(id(renderer), 0.0)
        start = time.perf_counter()
        renderer.load()
        renderer.loaded = True
        self.loads += 1
        return time.perf_counter() - start


def renderer_for(flags: RenderSettings, scene: Scene | None, name: str, pool: RendererPool,
                 device: str | None = None) -> Renderer:
    """The pooled renderer `name` with the options the flags and the scene's block give it."""
    fields = registry.load("renderer", name).Options.model_fields
    return pool.get(name, option_values(flags, scene, name, fields), device)


def check_flags(flags: RenderSettings, pool: RendererPool, *, scene_files: bool, device: str | None = None) -> None:
    """What the flags alone decide, checked before any planner is asked and before anything is written.

    Without scene files the renderer and its options are known now: it is checked in full, and the
    pool keeps it for the render. With scene files a `render:` block may still choose them, so only a
    renderer named by --renderer is checked, against the flags' own option values.
    """
    check_output_path(flags.output)
    name = flags.renderer or (None if scene_files else DEFAULT_RENDERER)
    if name is None:
        return
    if scene_files:
        fields = registry.load("renderer", name).Options.model_fields
        build_options(registry.load("renderer", name).Options, option_values(flags, None, name, fields),
                      f"renderer '{name}'")
    else:
        renderer_for(flags, None, name, pool, device)


@contextmanager
def about(label: str) -> Iterator[None]:
    """Name the scene in an error raised inside (by its `render:` block, or the renderer's check)."""
    try:
        yield
    except DeigError as exc:
        if label and not exc.message.startswith(label):
            exc.message = f"{label}: {exc.message}"
        raise


@dataclass
class SceneWork:
    planned: PlannedScene
    renderer: Renderer
    jobs: list[ImageJob]
    unused: dict[str, Any] = field(default_factory=dict)  # flags given that this renderer has no option for


@dataclass
class Batch:
    """The checked work of one run, and the inputs that failed before it (with --keep-going)."""

    work: list[SceneWork]
    failed: list[Unplanned] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.work) + len(self.failed)


def prepare_work(planned: list[PlannedScene | Unplanned], flags: RenderSettings, pool: RendererPool,
                 failures: Failures, device: str | None = None) -> Batch:
    """Every cheap decision and check, scene by scene, before anything heavy happens.

    `device` is this process's own device under a distributed launcher (None otherwise). The output
    folder is created only once every check has passed (and only if something is left to render)."""
    batch = Batch([], [item for item in planned if isinstance(item, Unplanned)])
    several = len(planned) > 1
    names = _Names()
    noted: set[str] = set()
    for scene_index, item in enumerate(planned):
        if isinstance(item, Unplanned):
            continue
        try:
            with about(item.label):
                work = _scene_work(item, scene_index, several, flags, pool, device, names)
        except DeigError as exc:
            batch.failed.append(failures.unplanned(scene_index, item.label, exc))
            continue
        if work.unused and work.renderer.name not in noted and failures.speak:
            noted.add(work.renderer.name)
            given = ", ".join("--" + key.replace("_", "-") for key in work.unused)
            console.note(f"Note: renderer '{work.renderer.name}' has no use for {given}: unused "
                         "(recorded in each manifest).")
        batch.work.append(work)
    batch.failed.sort(key=lambda failed: failed.scene_index)
    if batch.work and not flags.dry_run:  # every missing piece of the run at once, fetched with consent
        from .weights import ensure

        ensure(lambda: [need for w in batch.work for need in w.renderer.weight_needs([w.planned.scene])],
               download=flags.download)
    if batch.work:
        prepare_output_folder(flags.output)
    return batch


def _scene_work(item: PlannedScene, scene_index: int, several: bool, flags: RenderSettings, pool: RendererPool,
                device: str | None, names: _Names) -> SceneWork:
    scene = item.scene = pin_concepts(item.scene)
    name = renderer_name(flags, scene)
    if scene.render and scene.render.renderer and flags.renderer and scene.render.renderer != flags.renderer:
        console.note(f"Note: {item.label}: its render settings are for '{scene.render.renderer}'; "
                     f"rendering with '{flags.renderer}' without them.")
    renderer = renderer_for(flags, scene, name, pool, device)
    unused = unused_flags(flags, registry.load("renderer", name).Options.model_fields)
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
    digests = reference_digests(scene)
    jobs = []
    for image_index in range(count):
        seed = (base_seed + image_index) % (MAX_SEED + 1)
        seeded = scene.with_seed(seed)
        job = ImageJob(scene=seeded, seed=seed, image_index=image_index, scene_index=scene_index,
                       stem=f"{stem}-{seed}", recipe=recipe_hash(seeded, renderer.name, renderer.resolved_options(), digests),
                       folder=flags.output)
        names.claim(job)
        jobs.append(job)
    return SceneWork(item, renderer, jobs, unused)


class _Names:
    """Two images of one run must not share a name (unless they are the same image)."""

    def __init__(self) -> None:
        self._recipes: dict[str, str] = {}

    def claim(self, job: ImageJob) -> None:
        if self._recipes.setdefault(job.stem, job.recipe) != job.recipe:
            raise InvalidInput(f"two images of this run would both be named {job.stem}.png",
                               hint="Give the scenes different seeds or captions.")


def check_scene(renderer: Renderer, scene: Scene, label: str) -> None:
    with about(label):
        warnings = renderer.check(scene)
    for warning in warnings:
        console.warn(f"{label}: {warning}")
