"""Running planned work: resume, render once, write as a unit, and account for every image.

Before anything is written, each image's name is looked up in the output folder: finished images
(manifest present, every file matching its hash) are skipped, the traces of an interrupted write
are removed and redone, and anything else under that name stops the run unless --force. The
unfinished images are then shared out among the processes (one, unless a distributed launcher
started several), each renders its share with weights loaded once, and process 0 writes the
batch index (and the contact sheet) once all have finished.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenes.errors import DeigError, InvalidInput, RenderFailed
from scenes.manifest import Manifest, RendererRecord

from . import console, registry
from .artifacts import ImageJob, JobState, job_state, remove_leftovers, write_image
from .contact_sheet import SHEET_NAME, Tile, sheet_png
from .distributed import Processes
from .files import interrupts_held, remove_stale_temp_files, write_if_changed
from .planning import PlannedScene
from .progress import Progress
from .rendering import RendererPool, RenderFlags, SceneWork, plan_work

INDEX_NAME = "index.jsonl"

RENDERED, SKIPPED, FAILED = "rendered", "skipped", "failed"

# report(job, status, manifest): what stdout shows for one image.
Reporter = Callable[[ImageJob, str, "Manifest | None"], None]


@dataclass(frozen=True)
class Outcome:
    """What became of one image; small, so that processes can exchange them."""

    scene_index: int
    image_index: int
    status: str
    error: str | None = None


@dataclass
class BatchResult:
    code: int
    outcomes: dict[tuple[int, int], Outcome]


def run_batch(work: list[SceneWork], flags: RenderFlags, pool: RendererPool, processes: Processes | None = None,
              *, index: bool = True, report: Reporter | None = None) -> BatchResult:
    """Render what `work` still lacks; with `index`, process 0 writes index.jsonl (and the contact sheet)."""
    processes = processes or Processes()
    report = report or _printer(flags.json)
    todo, skipped = _sort_out(work, flags, processes)
    processes.wait()  # nobody writes before every process has looked at the folder

    outcomes = [Outcome(job.scene_index, job.image_index, SKIPPED) for _, job in skipped]
    if processes.is_main:
        for _, job in skipped:
            report(job, SKIPPED, None)
        if skipped:
            console.note(f"Skipped {len(skipped)} image(s) already rendered with the same recipe.")

    mine = processes.split(todo)
    own = _render(work, mine, flags, pool, report, show_progress=processes.is_main)
    every = {(o.scene_index, o.image_index): o for o in processes.gather(own) + outcomes}

    failed = sum(1 for o in own if o.status == FAILED)
    if processes.is_main:
        if index and len(every) > 1:  # a single image needs no index
            _write_index(work, every, flags)
        failed = sum(1 for o in every.values() if o.status == FAILED)
        if failed:
            console.error(f"{failed} image(s) failed; the others were written",
                          hint="Fix the scenes named above and run the same command again: finished images are kept.")
    return BatchResult(1 if failed else 0, every)


def _sort_out(work: list[SceneWork], flags: RenderFlags,
              processes: Processes) -> tuple[list[tuple[int, ImageJob]], list[tuple[int, ImageJob]]]:
    """(images to render, images already finished), each as (work index, job), in batch order."""
    remove_stale_temp_files(flags.output)
    todo, skipped, leftovers = [], [], 0
    for number, item in enumerate(work):
        for job in item.jobs:
            state = job_state(job)
            if state is JobState.FINISHED and not flags.force:
                skipped.append((number, job))
                continue
            if state is JobState.FOREIGN and not flags.force:
                raise InvalidInput(f"{job.png} already exists and was not made from this recipe",
                                   hint="Pass --force to overwrite it, or choose another folder with -o.")
            if state is JobState.LEFTOVER:
                leftovers += 1
                if processes.is_main:
                    remove_leftovers(job)
            todo.append((number, job))
    if leftovers and processes.is_main:
        console.note(f"Removed the leftovers of {leftovers} interrupted image(s); rendering them again.")
    return todo, skipped


def _render(work: list[SceneWork], mine: list[tuple[int, ImageJob]], flags: RenderFlags, pool: RendererPool,
            report: Reporter, *, show_progress: bool) -> list[Outcome]:
    groups: list[tuple[SceneWork, list[ImageJob]]] = []
    for number, job in mine:  # consecutive images of one scene go to the renderer together
        if groups and groups[-1][0] is work[number]:
            groups[-1][1].append(job)
        else:
            groups.append((work[number], [job]))

    outcomes: list[Outcome] = []
    with Progress(len(mine), enabled=show_progress) as progress:
        for item, jobs in groups:
            try:
                _render_scene(item, jobs, pool, report, progress)
                outcomes += [Outcome(job.scene_index, job.image_index, RENDERED) for job in jobs]
            except DeigError as exc:
                if not flags.keep_going:
                    raise
                console.error(f"{item.planned.label}: {exc.message}", details=exc.details, hint=exc.hint)
                outcomes += [Outcome(job.scene_index, job.image_index, FAILED, exc.message) for job in jobs]
            progress.advance_image(len(jobs))
    return outcomes


def _render_scene(item: SceneWork, jobs: list[ImageJob], pool: RendererPool, report: Reporter,
                  progress: Progress) -> None:
    renderer = item.renderer
    load_seconds = pool.ensure_loaded(renderer)
    start = time.perf_counter()
    try:
        rendered = renderer.render(jobs[0].scene, [job.seed for job in jobs],
                                   progress=lambda done, total: progress.step(done, total, len(jobs)))
    except DeigError:
        raise
    except Exception as exc:  # a crash inside one scene must not take the batch down with --keep-going
        raise RenderFailed(f"renderer '{renderer.name}' failed: {type(exc).__name__}: {exc}",
                           hint="Set DEIG_DEBUG=1 for the traceback; if the scene is valid, report it.") from exc
    seconds = time.perf_counter() - start
    if len(rendered) != len(jobs):
        raise RenderFailed(f"renderer '{renderer.name}' returned {len(rendered)} images for {len(jobs)} seeds",
                           hint="This is a renderer bug; report it.")
    record = describe_renderer(renderer)
    for job, image in zip(jobs, rendered, strict=True):
        timings = {"render_seconds": seconds / len(jobs)}
        if load_seconds:
            timings["load_seconds"] = load_seconds
            load_seconds = 0.0
        with interrupts_held():
            manifest = write_image(job, image, renderer=record, planner=item.planned.planner,
                                   input_record=item.planned.input, timings=timings)
        report(job, RENDERED, manifest)


def describe_renderer(renderer: Any) -> RendererRecord:
    record: RendererRecord = renderer.describe()
    if record.version is None:
        found = registry.plugins("renderer").get(renderer.name)
        if found is not None:
            record = record.model_copy(update={"version": found[0].version})
    return record


# -- stdout, the index and the contact sheet --------------------------------------------------------


def _printer(as_json: bool) -> Reporter:
    def report(job: ImageJob, status: str, manifest: Manifest | None) -> None:
        console.emit(json.dumps(job_record(job, status, manifest), ensure_ascii=False) if as_json else str(job.png))

    return report


def job_record(job: ImageJob, status: str, manifest: Manifest | None = None) -> dict[str, Any]:
    """The --json record of one image."""
    record: dict[str, Any] = {"status": status, "path": str(job.png), "manifest_path": str(job.manifest_path),
                              "scene_index": job.scene_index, "image_index": job.image_index, "seed": job.seed,
                              "recipe_sha256": job.recipe}
    if manifest is not None:
        record["manifest"] = manifest.model_dump(mode="json", by_alias=True, exclude_none=True)
    return record


def _write_index(work: list[SceneWork], outcomes: dict[tuple[int, int], Outcome], flags: RenderFlags) -> None:
    """index.jsonl: one record per image of the batch, in input order, written in one piece.

    It describes the batch, not this run (stdout does that): "ok" whether an image was rendered now
    or before, so a resumed batch that had nothing left to do leaves the folder untouched.
    """
    lines, tiles = [], []
    for item in work:
        for job in item.jobs:
            outcome = outcomes.get((job.scene_index, job.image_index))
            ok = outcome is not None and outcome.status != FAILED
            record = {"scene_index": job.scene_index, "image_index": job.image_index, "label": item.planned.label,
                      "seed": job.seed, "status": "ok" if ok else FAILED, "image": job.png.name,
                      "manifest": job.manifest_path.name, "recipe_sha256": job.recipe}
            if outcome is not None and outcome.error:
                record["error"] = outcome.error
            lines.append(json.dumps(record, ensure_ascii=False))
            tiles.append(Tile(job.png if ok else None, f"{job.scene_index + 1}: {job.seed}"))
    write_if_changed(flags.output / INDEX_NAME, ("\n".join(lines) + "\n").encode("utf-8"))
    if flags.grid and tiles:
        sheet = flags.output / SHEET_NAME
        write_if_changed(sheet, sheet_png(tiles))
        console.note(f"Contact sheet: {sheet}")


def render_all(planned: list[PlannedScene], flags: RenderFlags, pool: RendererPool | None = None,
               processes: Processes | None = None) -> int:
    """Render every scene; return the exit code (0, or 1 when --keep-going carried on past failures)."""
    pool = pool or RendererPool()
    processes = processes or Processes()
    work = plan_work(planned, flags, pool, device=processes.device)
    return run_batch(work, flags, pool, processes).code
