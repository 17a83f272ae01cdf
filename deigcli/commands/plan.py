"""`deig plan`: words (or an incomplete scene) in, a validated scene out on stdout."""

from __future__ import annotations

from enum import Enum
from itertools import chain
from typing import Annotated

import typer

from scenes.errors import DeigError, InvalidInput
from scenes.io import dump_scene

from .. import console, flags
from ..attachments import attach, parse_attachments
from ..failures import Failures
from ..inputs import check_stdin_once, plan_prompts, prompts_from, scenes_from
from ..planning import PlannedScene
from ..settings import PlannerSettings


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
    width: flags.SceneWidth = None,
    height: flags.SceneHeight = None,
    seed: flags.Seed = None,
    planner: flags.Planner = None,
    llm_model: flags.LlmModel = None,
    llm_base_url: flags.LlmBaseUrl = None,
    template: flags.Template = None,
    no_cache: flags.NoCache = False,
    reasks: flags.Reasks = None,
    planner_option: flags.PlannerOption = None,
    keep_going: flags.KeepGoing = False,
    ref: Annotated[list[str] | None, typer.Option("--ref", help="NAME=FILE: give the instance called NAME (its "
                   "name, or a word of its caption) this identity reference image or folder. Repeatable.")] = None,
    quiet: flags.Quiet = False,
) -> int:
    """Plan a scene from a prompt and print it (YAML by default) on stdout.

    Examples:

      deig plan "a man in a red hat next to a woman in a yellow dress"

      deig plan -f prompts.txt > scenes.jsonl

      deig plan -f prompts.txt --keep-going > scenes.jsonl

      deig plan "two dogs under a table" | deig render --scene -

      deig plan "my dog Rex on the left, my cat Mia on the right" --ref rex=rex.jpg --ref mia=mia.jpg
    """
    console.set_quiet(quiet)
    if prompt is None and file is None and not scene:
        raise InvalidInput("nothing to plan", hint="Give a PROMPT, '-' for stdin, -f FILE, or --scene FILE.")
    check_stdin_once(prompt, file, scene or [])
    settings = PlannerSettings.from_flags(
        planner=planner, llm_model=llm_model, llm_base_url=llm_base_url, template=template, no_cache=no_cache,
        reasks=reasks, planner_options=planner_option, width=width, height=height, seed=seed, keep_going=keep_going)
    fmt = (output_format.value if output_format else ("jsonl" if file else "yaml"))
    separator = _Separator(fmt)
    failures = Failures(keep_going)

    attachments = parse_attachments(ref or [])  # checked before anything is planned
    prompts = prompts_from(prompt, file, failures)  # every prompt checked before anything is printed
    planned = chain(scenes_from(scene or [], settings, failures), plan_prompts(prompts, settings, failures))
    for item in planned:  # streamed: each record appears as soon as it is planned
        if isinstance(item, PlannedScene):
            scene = item.scene
            if attachments:
                try:
                    scene = attach(scene, attachments)
                except DeigError as exc:
                    failures.add(item.label, exc)
                    continue
            separator.emit(dump_scene(scene, fmt))
    return failures.code


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
