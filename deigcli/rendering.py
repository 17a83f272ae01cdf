"""From complete scenes to files: resolve the renderer, check everything cheap, load once, render.

The order is the design's flow: options and scene limits are validated, the output folder is
proven writable and every output name is checked for conflicts before any weights load; then
each image gets its own seed and is written atomically, PNG first and manifest last.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from renderers.base import Renderer
from scenes.errors import DeigError, InvalidInput, RenderFailed
from scenes.manifest import recipe_hash
from scenes.model import MAX_SEED, Scene

from . import console, registry
from .artifacts import ImageJob, is_finished, occupied, write_image
from .files import prepare_output_folder, remove_stale_temp_files, slug
from .options import build_options, parse_assignments
from .planning import PlannedScene
from .progress import Progress

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
    allow_pickle: bool = False
    options: list[str] = field(default_factory=list)
    count: int | None = None
    seed: int | None = None
    output: Path = Path("deig-out")
    force: bool = False
    json: bool = False
    dry_run: bool = False
    keep_going: bool = False


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


def option_values(flags: RenderFlags, scene: Scene, name: str) -> dict[str, Any]:
    """Scene `render:` block first (when it is meant for this renderer), then flags on top."""
    values: dict[str, Any] = {}
    block = scene.render
    if block is not None and block.renderer in (None, name):
        values.update(block.options)
        values.update({k: v for k, v in (("model", block.model), ("steps", block.steps),
                                          ("guidance", block.guidance), ("scheduler", block.scheduler))
                       if v is not None})
    values.update(parse_assignments(flags.options, "-O/--option"))
    given = {"model": flags.model, "steps": flags.steps, "guidance": flags.guidance, "scheduler": flags.scheduler,
             "device": flags.device, "dtype": flags.dtype, "offload": flags.offload}
    values.update({k: v for k, v in given.items() if v is not None})
    if flags.allow_pickle:
        values["allow_pickle"] = True
    return values


class RendererPool:
    """One renderer per distinct (name, options); each loads its weights at most once."""

    def __init__(self) -> None:
        self._renderers: dict[str, Renderer] = {}
        self.loads = 0

    def get(self, name: str, values: dict[str, Any]) -> Renderer:
        key = json.dumps([name, values], sort_keys=True, default=str)
        if key not in self._renderers:
            cls = registry.load("renderer", name)
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


@dataclass
class SceneWork:
    planned: PlannedScene
    renderer: Renderer
    jobs: list[ImageJob]


def plan_work(planned: list[PlannedScene], flags: RenderFlags, pool: RendererPool) -> list[SceneWork]:
    """Every cheap decision and check, scene by scene, before anything heavy happens."""
    folder = prepare_output_folder(flags.output)
    several = len(planned) > 1
    work: list[SceneWork] = []
    seen_names: dict[str, str] = {}
    for scene_index, item in enumerate(planned):
        scene = item.scene
        name = renderer_name(flags, scene)
        if scene.render and scene.render.renderer and flags.renderer and scene.render.renderer != flags.renderer:
            console.note(f"Note: {item.label}: its render settings are for '{scene.render.renderer}'; "
                         f"rendering with '{flags.renderer}' without them.")
        renderer = pool.get(name, option_values(flags, scene, name))
        if flags.dry_run and name != PREVIEW_RENDERER:
            _checked(renderer, scene, item.label)  # the real renderer's limits still apply
            renderer = pool.get(PREVIEW_RENDERER, {})
        _checked(renderer, scene, item.label)
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
    return work


def _checked(renderer: Renderer, scene: Scene, label: str) -> None:
    try:
        warnings = renderer.check(scene)
    except DeigError as exc:
        exc.message = f"{label}: {exc.message}" if label else exc.message
        raise
    for warning in warnings:
        console.warn(f"{label}: {warning}")


def render_all(planned: list[PlannedScene], flags: RenderFlags, pool: RendererPool | None = None) -> int:
    """Render every scene; return the exit code (0, or 1 when --keep-going skipped failures)."""
    pool = pool or RendererPool()
    work = plan_work(planned, flags, pool)
    remove_stale_temp_files(flags.output)

    pending: list[tuple[SceneWork, list[ImageJob]]] = []
    finished: list[ImageJob] = []
    for item in work:
        todo = []
        for job in item.jobs:
            if not flags.force and is_finished(job):
                finished.append(job)
            elif occupied(job) and not flags.force:
                raise InvalidInput(f"{job.png} already exists and was not made from this recipe",
                                   hint="Pass --force to overwrite it, or choose another folder with -o.")
            else:
                todo.append(job)
        if todo:
            pending.append((item, todo))
    for job in finished:
        _report(job, "skipped", as_json=flags.json)
    if finished:
        console.note(f"Skipped {len(finished)} image(s) already rendered with the same recipe.")

    failures = 0
    with Progress(sum(len(todo) for _, todo in pending)) as progress:
        for item, todo in pending:
            try:
                load_seconds = pool.ensure_loaded(item.renderer)
                start = time.perf_counter()
                rendered = item.renderer.render(
                    item.jobs[0].scene, [job.seed for job in todo],
                    progress=lambda done, total, n=len(todo): progress.step(done, total, n),
                )
                seconds = time.perf_counter() - start
                if len(rendered) != len(todo):
                    raise RenderFailed(f"renderer '{item.renderer.name}' returned {len(rendered)} images for "
                                       f"{len(todo)} seeds", hint="This is a renderer bug; report it.")
                record = item.renderer.describe()
                for job, image in zip(todo, rendered, strict=True):
                    timings = {"render_seconds": seconds / len(todo)}
                    if load_seconds:
                        timings["load_seconds"] = load_seconds
                    manifest = write_image(job, image, renderer=record, planner=item.planned.planner,
                                           input_record=item.planned.input, timings=timings)
                    _report(job, "rendered", manifest.model_dump(mode="json", exclude_none=True), as_json=flags.json)
                progress.advance_image(len(todo))
            except DeigError as exc:
                if not flags.keep_going:
                    raise
                failures += 1
                console.error(f"{item.planned.label}: {exc.message}", details=exc.details, hint=exc.hint)
                progress.advance_image(len(todo))
    if failures:
        console.error(f"{failures} scene(s) failed; the others were written",
                      hint="Fix the scenes named above and run the same command again: finished images are kept.")
        return 1
    return 0


def _report(job: ImageJob, status: str, manifest: dict[str, Any] | None = None, *, as_json: bool) -> None:
    """stdout: the image's path, or one JSON record with --json."""
    if as_json:
        record: dict[str, Any] = {"status": status, "path": str(job.png), "manifest_path": str(job.manifest_path),
                                  "scene_index": job.scene_index, "image_index": job.image_index, "seed": job.seed,
                                  "recipe_sha256": job.recipe}
        if manifest is not None:
            record["manifest"] = manifest
        console.emit(json.dumps(record, ensure_ascii=False))
    else:
        console.emit(str(job.png))

