"""`deig eval`: score renders on GenEval, LMD, T2I-CompBench, COCO-MIG or DEIG-Bench, each the way its
authors did (`run`), compare two runs pairwise (`compare`), and list what is available (`list`).

The scoring lives in the `evaluation` package; this module parses flags, does every cheap check
before weights load, renders through `deig render` when asked, and keeps the stdout contract.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Annotated

import typer

from scenes.errors import InvalidInput

from .. import console, flags

eval_app = typer.Typer(name="eval", no_args_is_help=True, add_completion=False,
                       help="Score renders on public benchmarks, each with its own protocol; compare runs.")

EVAL_PANEL = "Evaluation"
RENDER_PANEL = flags.RENDERING


@eval_app.command("list")
def list_command(as_json: Annotated[bool, typer.Option("--json", help="One JSON record per line.")] = False) -> None:
    """List the benchmarks (licence, whether deig ships them) and the protocols with their default evaluators."""
    from evaluation.benchmarks import BENCHES
    from evaluation.protocols import PROTOCOLS

    records = [{"type": "benchmark", "name": b.name, "default_protocol": b.protocol, "shipped": b.shipped,
                "licence": b.licence, "description": b.description, **({"obtain": b.obtain} if b.obtain else {})}
               for b in BENCHES.values()]
    records += [{"type": "protocol", "name": p.name, "title": p.title, "evaluators": p.roles,
                 "reference_evaluators": p.references} for p in PROTOCOLS.values()]
    for record in records:
        if as_json:
            console.emit(json.dumps(record, ensure_ascii=False))
        elif record["type"] == "benchmark":
            shipped = "shipped" if record["shipped"] else f"--bench-file ({record['obtain']})"
            console.emit(f"benchmark  {record['name']:<14} protocol {record['default_protocol']:<11} "
                         f"{record['licence']}; {shipped}; {record['description']}")
        else:
            evaluators = ", ".join(f"{k}={v}" for k, v in record["evaluators"].items())
            console.emit(f"protocol   {record['name']:<14} {evaluators}")


@eval_app.command("run")
def run_command(
    bench: Annotated[str, typer.Argument(help="geneval, lmd, t2i-compbench[:color|shape|texture|spatial], "
                                         "coco-mig or deig-bench ('deig eval list').")],
    protocol: Annotated[str | None, typer.Option("--protocol", help="mig, deig-bench, cio, geneval, lmd or "
                        "t2i-bvqa; default: the benchmark's own.", rich_help_panel=EVAL_PANEL)] = None,
    images: Annotated[Path | None, typer.Option("--images", help="Score the images in this folder: a 'deig render' "
                      "output folder, or the benchmark's own layout.", rich_help_panel=EVAL_PANEL)] = None,
    render: Annotated[str | None, typer.Option("--render", metavar="RENDERER", help="Render the benchmark with this "
                      "renderer first (into OUTPUT/images; resumes), then score it.", rich_help_panel=RENDER_PANEL)] = None,
    model: Annotated[str | None, typer.Option("--model", help="Renderer model for --render.",
                     rich_help_panel=RENDER_PANEL)] = None,
    steps: Annotated[int | None, typer.Option("--steps", min=1, max=1000, help="Denoising steps for --render.",
                     rich_help_panel=RENDER_PANEL)] = None,
    render_option: Annotated[list[str] | None, typer.Option("-O", "--option", metavar="KEY=VALUE",
                             help="Renderer option for --render (repeatable).", rich_help_panel=RENDER_PANEL)] = None,
    planner: flags.Planner = None,
    bench_file: Annotated[Path | None, typer.Option("--bench-file", help="The benchmark's own file, for coco-mig "
                          "(mig_bench.json) and deig-bench (deig_bench_coco.json).", rich_help_panel=EVAL_PANEL)] = None,
    evaluator: Annotated[list[str] | None, typer.Option("--evaluator", metavar="ROLE=ID[@REV]", help="Replace an "
                         "evaluator (detector, clip, vqa, judge, segmenter): a hub id or folder; the run is then "
                         "marked as using a substitute.", rich_help_panel=EVAL_PANEL)] = None,
    evaluators: Annotated[str | None, typer.Option("--evaluators", help="'tiny': random tiny evaluators built "
                          "in-process (tests, CI, checking an install; the numbers mean nothing).",
                          rich_help_panel=EVAL_PANEL)] = None,
    n: Annotated[int | None, typer.Option("--n", min=1, max=100, help="Images per prompt (default: the "
                 "benchmark's protocol).", rich_help_panel=EVAL_PANEL)] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N prompts, for a quick look.",
                     rich_help_panel=EVAL_PANEL)] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the run's files.")] = Path("deig-eval"),
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=0, max=100000, help="Bootstrap resamples for the "
                         "95% intervals (0: none).", rich_help_panel=EVAL_PANEL)] = 2000,
    device: Annotated[str, typer.Option("--device", help="Device for the evaluators (and --render): auto (a GPU "
                      "when there is one), cpu, cuda, cuda:N.", rich_help_panel=EVAL_PANEL)] = "auto",
    dtype: Annotated[str, typer.Option("--dtype", help="float32, float16 or bfloat16 for the evaluators.",
                     rich_help_panel=EVAL_PANEL)] = "float32",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON record per metric instead of the "
                       "summary's path.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Start afresh in an output folder that holds a run with "
                     "other settings.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """Score a benchmark's images with its protocol; write run.json, instances.jsonl, images.jsonl,
    summary.json (95% prompt-bootstrap intervals), report.html and contact-sheet.png into OUTPUT.

    Prints the path of summary.json (or JSON records per metric with --json). An interrupted run
    continues where it stopped when run again.

    Examples:

      deig eval run lmd --images out/ --protocol lmd

      deig eval run geneval --render regional --model stable-diffusion-v1-5/stable-diffusion-v1-5 -o runs/sd15

      deig eval run coco-mig --bench-file mig_bench.json --images migc-out/
    """
    from evaluation import benchmarks, protocols, session

    console.set_quiet(quiet)
    if (images is None) == (render is None):
        raise InvalidInput("give exactly one of --images DIR and --render RENDERER",
                           hint="--images scores existing renders; --render RENDERER draws the benchmark first.")
    if dtype not in ("float32", "float16", "bfloat16"):
        raise InvalidInput(f"--dtype {dtype!r} is not float32, float16 or bfloat16", hint="Use --dtype float32.")
    if evaluators not in (None, "tiny"):
        raise InvalidInput(f"--evaluators {evaluators!r}: the only preset is 'tiny'",
                           hint="Choose single evaluators with --evaluator ROLE=ID.")
    if output.exists() and not output.is_dir():
        raise InvalidInput(f"output path {output} exists and is not a folder", hint="Pass a folder with -o.")
    if images is not None and not images.is_dir():
        raise InvalidInput(f"--images {images} is not a folder", hint="Pass the folder that holds the images.")
    benchmark = benchmarks.load(bench, bench_file)
    chosen = protocols.get(protocol or benchmark.default_protocol)
    choices = session.choose_evaluators(chosen, evaluator or [], tiny=evaluators == "tiny")
    session.check_choices(choices)
    items = benchmark.items[:limit] if limit else benchmark.items
    session.check_output_folder(output, benchmark, chosen, choices, output / "images" if render else images, n=n,
                                force=force)
    if render is not None:
        folder = _render_benchmark(items, n, output, renderer=render, model=model, steps=steps,
                                   options=render_option or [], planner=planner, device=device)
        samples, image_info = session.folder_samples(folder, items, n, mode="render")
    else:
        samples, image_info = session.folder_samples(images, items, n, mode="folder")
    session.check_samples(chosen, samples)
    output.mkdir(parents=True, exist_ok=True)
    from ..progress import Progress

    outcome = session.run_scoring(benchmark, chosen, choices, samples, image_info, n=n, limit=limit, output=output,
                                  resamples=bootstrap, device=device, dtype=dtype, force=False,
                                  progress_factory=lambda total: Progress(total, "Scoring"))
    _report(outcome, as_json=as_json)


def _report(outcome, *, as_json: bool) -> None:
    """stdout: the summary's path (or one JSON record per metric); stderr: the headline numbers."""
    summary = outcome.summary
    if outcome.skipped:
        console.note(f"Kept {outcome.skipped} image(s) scored before; scored {outcome.scored_now} now.")
    for metric in summary["metrics"]:
        if metric.get("headline"):
            low, high = metric["ci95"]
            console.note(f"{metric['label']}: {_fmt(metric['value'])} (95% CI {_fmt(low)}-{_fmt(high)}, "
                         f"{metric['n_records']} {metric['over']}s)")
        if as_json:
            console.emit(json.dumps(metric, ensure_ascii=False))
    coverage = summary["coverage"]
    if coverage["images_missing"]:
        console.warn(f"{coverage['images_missing']} of {coverage['images']} images were missing; "
                     "they count as failures")
    if not summary["comparable"]:
        console.warn(summary["comparability"])
    console.note(f"Report: {outcome.folder / 'report.html'}")
    if not as_json:
        console.emit(str(outcome.folder / "summary.json"))


def _render_benchmark(items, n, output: Path, *, renderer: str, model: str | None, steps: int | None,
                      options: list[str], planner: str | None, device: str) -> Path:
    """Plan each prompt (or take the benchmark's own boxes), give each image the protocol's seed, and
    render them with `deig render` into OUTPUT/images; finished images are kept on a second run."""
    from ..main import main as deig_main

    folder = output / "images"
    folder.mkdir(parents=True, exist_ok=True)
    scenes_file = output / "scenes.jsonl"
    lines = [json.dumps(scene.model_dump(mode="json", exclude_none=True, by_alias=True), ensure_ascii=False)
             for scene in _scenes(items, n, planner)]
    from evaluation.files import atomic_write

    atomic_write(scenes_file, ("\n".join(lines) + "\n").encode("utf-8"))
    args = ["render", "--scene", str(scenes_file), "-o", str(folder), "--renderer", renderer, "--keep-going"]
    args += ["--model", model] if model else []
    args += ["--steps", str(steps)] if steps else []
    args += ["--device", device] if device != "auto" and renderer != "preview" else []
    for option in options:
        args += ["-O", option]
    if console.is_quiet():
        args.append("-q")
    console.note(f"Rendering {len(lines)} image(s) with '{renderer}' into {folder}")
    with stdout_hidden():
        code = deig_main(args)
    if code not in (0, 1):  # 1: some images failed (--keep-going); they count as missing
        raise typer.Exit(code)
    return folder


def _scenes(items, n, planner_name: str | None):
    """One scene per image: the benchmark's instances when it has boxes, else the planner's scene."""
    from planners.base import Canvas
    from scenes.model import Instance, Scene

    from .. import registry

    planner = None
    for item in items:
        if item.targets:
            scene = Scene(caption=item.prompt[:1000], width=512, height=512,
                          instances=[Instance(name=t.name, caption=t.caption, box=list(t.box)) for t in item.targets])
        else:
            if planner is None:
                planner = registry.load("planner", planner_name or "rules")()
            scene = planner.plan(item.prompt, canvas=Canvas(512, 512)).scene
        for k in range(n or item.images):
            seed = item.seeds[k] if k < len(item.seeds) else item.seeds[-1] + k
            yield scene.model_copy(update={"seed": seed, "prompt": item.prompt})


@eval_app.command("compare")
def compare_command(
    run_a: Annotated[Path, typer.Argument(help="The first run's output folder.")],
    run_b: Annotated[Path, typer.Argument(help="The second run's output folder.")],
    allow_mismatch: Annotated[bool, typer.Option("--allow-mismatch", help="Compare runs of different protocols, "
                              "benchmark files or evaluators anyway (reported).")] = False,
    bootstrap: Annotated[int, typer.Option("--bootstrap", min=1, max=100000, help="Bootstrap resamples.")] = 2000,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON record per metric.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """Paired differences B - A on the images both runs scored, with 95% prompt-bootstrap intervals."""
    from evaluation.compare import compare

    console.set_quiet(quiet)
    result = compare(run_a, run_b, allow_mismatch=allow_mismatch, resamples=bootstrap)
    for problem in result["mismatches"]:
        console.warn(f"runs differ: {problem}")
    for row in result["metrics"]:
        if as_json:
            console.emit(json.dumps(row, ensure_ascii=False))
        else:
            console.emit(f"{row['metric']}\tA {_fmt(row['a'])}\tB {_fmt(row['b'])}\tB-A {_fmt(row['delta'])}\t"
                         f"95% CI [{_fmt(row['ci95'][0])}, {_fmt(row['ci95'][1])}]\t"
                         f"{row['shared_images']} images, {row['shared_prompts']} prompts")


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


@contextlib.contextmanager
def stdout_hidden():
    """`deig render` prints image paths; inside `deig eval` stdout belongs to the evaluation."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield
