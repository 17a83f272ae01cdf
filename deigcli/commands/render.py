"""`deig render`: prompts or scene files in, images and manifests out."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scenes.errors import InvalidInput

from .. import console, distributed, flags
from ..batch import render_all
from ..inputs import check_stdin_once, plan_prompts, prompts_from, scenes_from
from ..planning import PlannerFlags
from ..rendering import RendererPool, RenderFlags, check_flags

RENDER_PANEL = flags.RENDERING
OUTPUT_PANEL = flags.OUTPUT


def render(
    prompt: Annotated[str | None, typer.Argument(help="What to draw, in words; '-' reads it from stdin.")] = None,
    scene: Annotated[list[str] | None, typer.Option("--scene", help="Scene file(s) to render (YAML/JSON, one "
                     "scene, a list, several documents or JSON lines); '-' = stdin. Repeatable.")] = None,
    file: Annotated[str | None, typer.Option("-f", "--file", help="A file of prompts, one per line ('-' = "
                    "stdin): each is planned and rendered.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for images and manifests.",
                      rich_help_panel=OUTPUT_PANEL)] = Path("deig-out"),
    renderer: Annotated[str | None, typer.Option("--renderer", help="Renderer (default: regional); "
                        "'deig plugins' lists them.", rich_help_panel=RENDER_PANEL)] = None,
    model: Annotated[str | None, typer.Option("--model", help="Model: hub id, local folder or .safetensors file; "
                     "'tiny' = random tiny test model.", rich_help_panel=RENDER_PANEL)] = None,
    steps: Annotated[int | None, typer.Option("--steps", min=1, max=1000, help="Denoising steps.",
                     rich_help_panel=RENDER_PANEL)] = None,
    guidance: Annotated[float | None, typer.Option("--guidance", min=0.0, max=50.0, help="Classifier-free "
                        "guidance scale.", rich_help_panel=RENDER_PANEL)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Sampler, e.g. ddim, euler, dpm++2m.",
                         rich_help_panel=RENDER_PANEL)] = None,
    device: Annotated[str | None, typer.Option("--device", help="auto, cuda, cuda:N, mps or cpu.",
                      rich_help_panel=RENDER_PANEL)] = None,
    dtype: Annotated[str | None, typer.Option("--dtype", help="auto, float32, float16 or bfloat16.",
                     rich_help_panel=RENDER_PANEL)] = None,
    offload: Annotated[str | None, typer.Option("--offload", help="CPU offload on CUDA: model or sequential.",
                       rich_help_panel=RENDER_PANEL)] = None,
    max_batch: Annotated[int | None, typer.Option("--max-batch", min=1, help="Most rows per model call for "
                         "renderers that batch instances (finecontrolnet); same image, less memory.",
                         rich_help_panel=RENDER_PANEL)] = None,
    allow_pickle: Annotated[bool, typer.Option("--allow-pickle", help="Allow pickle checkpoints (.ckpt/.pth/.bin), "
                            "loaded with torch.load(weights_only=True). Off by default.", rich_help_panel=RENDER_PANEL)] = False,
    option: Annotated[list[str] | None, typer.Option("-O", "--option", metavar="KEY=VALUE",
                      help="Any other renderer option (repeatable).", rich_help_panel=RENDER_PANEL)] = None,
    count: Annotated[int | None, typer.Option("-n", "--count", min=1, max=1000, help="Images per scene.",
                     rich_help_panel=RENDER_PANEL)] = None,
    seed: flags.Seed = None,
    width: flags.Width = None,
    height: flags.Height = None,
    planner: flags.Planner = None,
    llm_model: flags.LlmModel = None,
    llm_base_url: flags.LlmBaseUrl = None,
    template: flags.Template = None,
    no_cache: flags.NoCache = False,
    reasks: flags.Reasks = None,
    planner_option: flags.PlannerOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON record per image instead of its path.",
                       rich_help_panel=OUTPUT_PANEL)] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing images made from another recipe.",
                     rich_help_panel=OUTPUT_PANEL)] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Plan and check everything, then draw previews "
                       "(NAME-preview.png) instead of loading weights.", rich_help_panel=OUTPUT_PANEL)] = False,
    keep_going: Annotated[bool, typer.Option("--keep-going", help="Carry on past a failing scene; exit 1 at "
                          "the end.", rich_help_panel=OUTPUT_PANEL)] = False,
    grid: Annotated[bool, typer.Option("--grid", help="Also write contact-sheet.png: every image of the batch "
                    "as a thumbnail.", rich_help_panel=OUTPUT_PANEL)] = False,
    quiet: flags.Quiet = False,
) -> int:
    """Render a prompt or scene files into PNG images, each with a manifest (NAME.json) that reproduces it.

    Prints one image path per line (or JSON records with --json) and writes index.jsonl, one record
    per image in input order, into the output folder. Images already rendered with the same recipe
    are kept and skipped, so an interrupted batch continues where it stopped. Started by
    `torchrun` or `accelerate launch`, the processes share the batch, one device each.

    Examples:

      deig render "a man in a red hat next to a woman in a yellow dress" -o out/

      deig render --scene scenes/examples/picnic.yaml --renderer preview

      deig plan "two dogs under a table" | deig render --scene - --model tiny

      torchrun --nproc_per_node 4 -m deigcli render --scene batch.yaml -o out/
    """
    console.set_quiet(quiet)
    flags.check_canvas(width, height)
    if prompt is None and not scene and file is None:
        raise InvalidInput("nothing to render",
                           hint="Give a PROMPT ('-' = stdin), --scene FILE|-, or -f PROMPTS_FILE.")
    check_stdin_once(prompt, file, scene or [])
    planner_flags = PlannerFlags(planner, llm_model, llm_base_url, template, no_cache, reasks, planner_option or [])
    render_flags = RenderFlags(renderer=renderer, model=model, steps=steps, guidance=guidance, scheduler=scheduler,
                               device=device, dtype=dtype, offload=offload, max_batch=max_batch, allow_pickle=allow_pickle,
                               options=option or [], count=count, seed=seed, output=output, force=force,
                               json=as_json, dry_run=dry_run, keep_going=keep_going, grid=grid)
    with distributed.processes(cpu=device == "cpu") as group:
        if not group.is_main:
            console.set_quiet(True)  # one voice: process 0 speaks for the batch; errors still show
        pool = RendererPool()
        check_flags(render_flags, pool, scene_files=bool(scene), device=group.device)
        planned = None
        if group.is_main:  # plan once (an LLM asked once, stdin read once) and share the scenes
            prompts = prompts_from(prompt, file)  # checked before any planner is asked
            planned = scenes_from(scene or [], planner_flags)
            planned += plan_prompts(prompts, planner_flags, flags.canvas(width, height), seed)
        return render_all(group.share(planned), render_flags, pool, processes=group)
