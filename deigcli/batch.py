"""Running checked work: resume, render once, publish as a unit, and account for every image.

Before anything is rendered, each image's name is looked up in the output folder: finished images
(manifest present, every file matching its hash) are skipped, the traces of an interrupted write
are removed and redone, and anything else under that name is refused unless --force. The
unfinished images are then shared out among the processes (one, unless a distributed launcher
started several), each renders its share with weights loaded once and publishes each image
(claiming its names only now, so a run started meanwhile is never overwritten), and process 0
writes the batch index (and the contact sheet) once all have finished.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scenes.errors import EXIT_OK, DeigError, InvalidInput, RenderFailed
from scenes.manifest import Manifest, RendererRecord

from . import console, registry
from .artifacts import UNUSED_FLAGS_KEY, ImageJob, JobState, job_state, remove_leftovers, write_image
from .contact_sheet import SHEET_NAME, Tile, sheet_png
from .distributed import Processes
from .failures import Failures
from .files import NameTaken, interrupts_held, remove_stale_temp_files, write_if_changed
from .progress import Progress
from .rendering import Batch, RendererPool, SceneWork
from .settings import RenderSettings

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
    code: int = EXIT_OK


def run_batch(batch: Batch, settings: RenderSettings, pool: RendererPool, processes: Processes | None = None,
              *, failures: Failures | None = None, index: bool = True, report: Reporter | None = None) -> int:
    """Render and publish what the batch still lacks; return the run's exit code.

    With `index`, process 0 writes index.jsonl (and the contact sheet) at the end."""
    processes = processes or Processes()
    failures = failures or Failures(settings.keep_going, speak=processes.is_main)
    report = report or _printer(settings.as_json)
    todo, settled = _sort_out(batch.work, settings, processes, failures)
    processes.wait()  # nobody writes before every process has looked at the folder

    if processes.is_main:
        skipped = [job for job, outcome in settled if outcome.status == SKIPPED]
        for job in skipped:
            report(job, SKIPPED, None)
        if skipped:
            console.note(f"Skipped {len(skipped)} image(s) already rendered with the same recipe.")

    own = _render(batch.work, processes.split(todo), settings, pool, failures, report, show_progress=processes.is_main)
    every = {(o.scene_index, o.image_index): o for o in processes.gather(own) + [o for _, o in settled]}

    failed = [o for o in every.values() if o.status == FAILED]
    if processes.is_main:
        if index and batch.work and (len(every) > 1 or batch.size > 1):  # a single image needs no index
            _write_index(batch, every, settings)
        if failed:
            console.error(f"{len(failed)} image(s) failed; the others were written",
                          hint="Fix the scenes named above and run the same command again: finished images are kept.")
        elif batch.failed:
            console.error(f"{len(batch.failed)} prompt(s) or scene(s) failed before rendering; the others were "
                          "rendered", hint="Fix the inputs named above and run the same command again: finished "
                          "images are kept.")
    return max([failures.code, *(o.code for o in failed), *(f.code for f in batch.failed)])


def _sort_out(work: list[SceneWork], settings: RenderSettings, processes: Processes,
              failures: Failures) -> tuple[list[tuple[int, ImageJob]], list[tuple[ImageJob, Outcome]]]:
    """(images to render as (work index, job), images settled now: skipped or refused), in batch order."""
    remove_stale_temp_files(settings.output)
    todo, settled, leftovers = [], [], 0
    for number, item in enumerate(work):
        for job in item.jobs:
            state = JobState.FREE if settings.force else job_state(job)
            if state is JobState.FINISHED:
                settled.append((job, Outcome(job.scene_index, job.image_index, SKIPPED)))
                continue
            if state is JobState.FOREIGN:
                error = _foreign(job)
                failures.add(item.planned.label, error)
                settled.append((job, Outcome(job.scene_index, job.image_index, FAILED, error.message, error.exit_code)))
                continue
            if state is JobState.LEFTOVER:
                leftovers += 1
                if processes.is_main:
                    remove_leftovers(job)
            todo.append((number, job))
    if leftovers and processes.is_main:
        console.note(f"Removed the leftovers of {leftovers} interrupted image(s); rendering them again.")
    return todo, settled


def _foreign(job: ImageJob) -> InvalidInput:
    return InvalidInput(f"{job.png} already exists and was not made from this recipe",
                        hint="Pass --force to overwrite it, or choose another folder with -o.")


def _render(work: list[SceneWork], mine: list[tuple[int, ImageJob]], settings: RenderSettings, pool: RendererPool,
            failures: Failures, report: Reporter, *, show_progress: bool) -> list[Outcome]:
    groups: list[tuple[SceneWork, list[ImageJob]]] = []
    for number, job in mine:  # consecutive images of one scene go to the renderer together
        if groups and groups[-1][0] is work[number]:
            groups[-1][1].append(job)
        else:
            groups.append((work[number], [job]))

    outcomes: list[Outcome] = []
    # Reports go to stderr from this process whatever its rank: it alone knows what failed here.
    local = Failures(failures.keep_going)
    if groups:
        try:
            pool.preload(groups[0][0].renderer)
        except DeigError:
            pass  # reported with its scene below, where loading is tried again
    with Progress(len(mine), enabled=show_progress) as progress:
        for item, jobs in groups:
            try:
                outcomes += _render_scene(item, jobs, settings, pool, report, progress, local)
            except DeigError as exc:
                local.add(item.planned.label, exc)
                outcomes += [Outcome(job.scene_index, job.image_index, FAILED, exc.message, exc.exit_code)
                             for job in jobs]
            progress.advance_image(len(jobs))
    return outcomes


def _render_scene(item: SceneWork, jobs: list[ImageJob], settings: RenderSettings, pool: RendererPool,
                  report: Reporter, progress: Progress, failures: Failures) -> list[Outcome]:
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
    record = describe_renderer(renderer, item.unused)
    outcomes = []
    for job, image in zip(jobs, rendered, strict=True):
        timings = {"render_seconds": seconds / len(jobs)}
        if load_seconds:
            timings["load_seconds"] = load_seconds
            load_seconds = 0.0
        try:
            with interrupts_held():
                status, manifest = _publish(job, image, item, record, timings, settings.force)
        except DeigError as exc:  # this image only: the ones before it are published and kept
            failures.add(item.planned.label, exc)
            outcomes.append(Outcome(job.scene_index, job.image_index, FAILED, exc.message, exc.exit_code))
            continue
        report(job, status, manifest)
        outcomes.append(Outcome(job.scene_index, job.image_index, status))
    return outcomes


def _publish(job: ImageJob, image: Any, item: SceneWork, record: RendererRecord, timings: dict[str, float],
             force: bool) -> tuple[str, Manifest | None]:
    """Publish one image; a name taken meanwhile is this recipe's (skipped) or foreign (refused)."""
    for _ in range(2):
        try:
            return RENDERED, write_image(job, image, renderer=record, planner=item.planned.planner,
                                         input_record=item.planned.input, timings=timings, replace=force)
        except NameTaken:
            state = job_state(job)
        if state in (JobState.FINISHED, JobState.BUSY):  # another run of this recipe: one copy, once
            return SKIPPED, None
        if state is not JobState.LEFTOVER:
            raise _foreign(job)
        remove_leftovers(job)  # a run that died publishing it: take its place once
    raise _foreign(job)


def describe_renderer(renderer: Any, unused: dict[str, Any] | None = None) -> RendererRecord:
    record: RendererRecord = renderer.describe()
    if record.version is None:
        found = registry.plugins("renderer").get(renderer.name)
        if found is not None:
            record = record.model_copy(update={"version": found[0].version})
    if unused:
        record = record.model_copy(update={"details": {**record.details, UNUSED_FLAGS_KEY: dict(unused)}})
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


def _write_index(batch: Batch, outcomes: dict[tuple[int, int], Outcome], settings: RenderSettings) -> None:
    """index.jsonl: one record per image of the batch (and per input that failed before it had
    images), in input order, written in one piece.

    It describes the batch, not this run (stdout does that): "ok" whether an image was rendered now
    or before, so a resumed batch that had nothing left to do leaves the folder untouched.
    """
    rows: list[tuple[int, int, dict[str, Any], Tile | None]] = []
    for item in batch.work:
        for job in item.jobs:
            outcome = outcomes.get((job.scene_index, job.image_index))
            ok = outcome is not None and outcome.status != FAILED
            record = {"scene_index": job.scene_index, "image_index": job.image_index, "label": item.planned.label,
                      "seed": job.seed, "status": "ok" if ok else FAILED, "image": job.png.name,
                      "manifest": job.manifest_path.name, "recipe_sha256": job.recipe}
            if outcome is not None and outcome.error:
                record["error"] = outcome.error
            rows.append((job.scene_index, job.image_index, record,
                         Tile(job.png if ok else None, f"{job.scene_index + 1}: {job.seed}")))
    for failed in batch.failed:
        record = {"scene_index": failed.scene_index, "label": failed.label, "status": FAILED, "error": failed.error}
        rows.append((failed.scene_index, 0, record, None))
    rows.sort(key=lambda row: row[:2])
    lines = [json.dumps(record, ensure_ascii=False) for _, _, record, _ in rows]
    tiles = [tile for _, _, _, tile in rows if tile is not None]
    write_if_changed(settings.output / INDEX_NAME, ("\n".join(lines) + "\n").encode("utf-8"))
    if settings.grid and tiles:
        sheet = settings.output / SHEET_NAME
        write_if_changed(sheet, sheet_png(tiles))
        console.note(f"Contact sheet: {sheet}")
