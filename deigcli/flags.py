"""Flags shared by several commands, declared once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from scenes.documents import MAX_DOCUMENT_BYTES
from scenes.errors import InvalidInput

from . import console

PLANNING = "Planning"
RENDERING = "Rendering"
OUTPUT = "Output"

Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr; silence every library's output.")]

Planner = Annotated[str | None, typer.Option("--planner", help="Planner: 'rules' (offline) or 'llm'; default: "
                    "'llm' when an LLM endpoint or key is configured, else 'rules'.", rich_help_panel=PLANNING)]
# No square brackets in help texts: rich takes them for markup and drops them.
LlmModel = Annotated[str | None, typer.Option("--llm-model", help="LLM model name (env: DEIG_LLM_MODEL).",
                     rich_help_panel=PLANNING)]
LlmBaseUrl = Annotated[str | None, typer.Option("--llm-base-url", help="OpenAI-compatible endpoint, e.g. "
                       "http://localhost:11434/v1 (env: DEIG_LLM_BASE_URL). The key is read from "
                       "DEIG_LLM_API_KEY or OPENAI_API_KEY only.", rich_help_panel=PLANNING)]
Template = Annotated[str | None, typer.Option("--template", help="Your own jinja2 prompt template for the LLM planner.",
                     rich_help_panel=PLANNING)]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not use or fill the LLM plan cache.",
                    rich_help_panel=PLANNING)]
Reasks = Annotated[int | None, typer.Option("--reasks", min=0, max=10, help="How often an invalid LLM reply is sent "
                   "back with its errors (default 2).", rich_help_panel=PLANNING)]
PlannerOption = Annotated[list[str] | None, typer.Option("-P", "--planner-option", metavar="KEY=VALUE",
                          help="Any other planner option (repeatable).", rich_help_panel=PLANNING)]
SceneWidth = Annotated[int | None, typer.Option("--width", help="Canvas width in pixels, a multiple of 8 "
                       "(default 512 for planned prompts; with neither --width nor --height the planner may shape the canvas to "
                       "the scene, a row of people wider); with --scene it replaces each scene's own width.",
                       rich_help_panel=PLANNING, show_default=False)]
SceneHeight = Annotated[int | None, typer.Option("--height", help="Canvas height in pixels, a multiple of 8 "
                        "(default 512 for planned prompts); with --scene it replaces each scene's own height.",
                        rich_help_panel=PLANNING, show_default=False)]
KeepGoing = Annotated[bool, typer.Option("--keep-going", help="Carry on past a failing prompt, scene or image: each "
                      "failure is reported on stderr, the rest is done, and the exit code is the worst one.",
                      rich_help_panel=OUTPUT)]
Seed = Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed written into each planned "
                 "scene. Default: none (a render then derives one from the scene's content).")]
RenderSeed = Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed (image i of --count gets "
                       "seed + i). Default: the scene's seed, else one derived from the scene's content.")]


def read_stdin_bytes(what: str) -> bytes:
    """All of stdin, refusing to wait on a terminal and to read without bound."""
    if console.stdin_is_terminal():
        raise InvalidInput(f"{what} is '-' but stdin is a terminal", hint="Pipe something in, e.g. "
                           "deig plan \"a cat\" | deig render --scene -")
    data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    return data
