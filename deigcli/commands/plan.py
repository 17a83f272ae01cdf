"""`deig plan`: words (or an incomplete scene) in, a validated scene out on stdout."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from scenes.errors import InvalidInput
from scenes.io import dump_scene

from .. import console, flags
from ..inputs import check_stdin_once, prompts_from, scenes_from
from ..planning import PlannerFlags, make_planner, plan_prompt


class Format(str, Enum):
    yaml = "yaml"
    json = "json"
    jsonl = "jsonl"


def plan(
    prompt: Annotated[str | None, typer.Argument(help="What to draw, in words; '-' reads it from stdin.")] = None,
    file: Annotated[str | None, typer.Option("-f", "--file", help="Plan every line of this file ('-' = stdin); "
                    "one record per line, in order.")] = None,
    scene: Annotated[list[str] | None, typer.Option("--scene", help="Complete an incomplete scene file "
                     "(missing boxes, captions); '-' = stdin. Repeatable.")] = None,
    output_format: Annotated[Format | None, typer.Option("--format", help="yaml (default), json, or jsonl "
                             "(default with -f).")] = None,
    width: flags.Width = None,
    height: flags.Height = None,
    seed: flags.Seed = None,
    planner: flags.Planner = None,
    llm_model: flags.LlmModel = None,
    llm_base_url: flags.LlmBaseUrl = None,
    template: flags.Template = None,
    no_cache: flags.NoCache = False,
    reasks: flags.Reasks = None,
    planner_option: flags.PlannerOption = None,
    quiet: flags.Quiet = False,
) -> None:
    """Plan a scene from a prompt and print it (YAML by default) on stdout.

    Examples:

      deig plan "a man in a red hat next to a woman in a yellow dress"

      deig plan -f prompts.txt > scenes.jsonl

      deig plan "two dogs under a table" | deig render --scene -
    """
    console.set_quiet(quiet)
    flags.check_canvas(width, height)
    if prompt is None and file is None and not scene:
        raise InvalidInput("nothing to plan", hint="Give a PROMPT, '-' for stdin, -f FILE, or --scene FILE.")
    check_stdin_once(prompt, file, scene or [])
    planner_flags = PlannerFlags(planner, llm_model, llm_base_url, template, no_cache, reasks, planner_option or [])
    fmt = (output_format.value if output_format else ("jsonl" if file else "yaml"))
    separator = _Separator(fmt)

    prompts = prompts_from(prompt, file)  # every prompt checked before anything is printed
    for planned in scenes_from(scene or [], planner_flags):
        separator.emit(dump_scene(planned.scene, fmt))
    if prompts:
        chosen = make_planner(planner_flags)
        canvas = flags.canvas(width, height)
        for item in prompts:  # streamed: each record appears as soon as it is planned
            planned = plan_prompt(chosen, item.text, canvas, seed, item.label)
            separator.emit(dump_scene(planned.scene, fmt))


class _Separator:
    """Several YAML scenes become several documents; JSON and JSON lines need no separator."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        self.count = 0

    def emit(self, text: str) -> None:
        if self.fmt == "yaml" and self.count:
            console.emit_raw("---\n")
        console.emit_raw(text)
        self.count += 1
