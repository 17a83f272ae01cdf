"""Flags shared by several commands, declared once."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from planners.base import Canvas
from scenes.documents import MAX_DOCUMENT_BYTES
from scenes.errors import InvalidInput

from . import console

PLANNING = "Planning"
RENDERING = "Rendering"
OUTPUT = "Output"

Quiet = Annotated[bool, typer.Option("-q", "--quiet", help="Only errors on stderr; silence every library's output.")]

Planner = Annotated[str | None, typer.Option("--planner", help="Planner: 'rules' (offline) or 'llm'; default: "
                    "'llm' when an LLM endpoint or key is configured, else 'rules'.", rich_help_panel=PLANNING)]
LlmModel = Annotated[str | None, typer.Option("--llm-model", help="LLM model name [env: DEIG_LLM_MODEL].",
                     rich_help_panel=PLANNING)]
LlmBaseUrl = Annotated[str | None, typer.Option("--llm-base-url", help="OpenAI-compatible endpoint, e.g. "
                       "http://localhost:11434/v1 [env: DEIG_LLM_BASE_URL]. The key is read from "
                       "DEIG_LLM_API_KEY or OPENAI_API_KEY only.", rich_help_panel=PLANNING)]
Template = Annotated[str | None, typer.Option("--template", help="Your own jinja2 prompt template for the LLM planner.",
                     rich_help_panel=PLANNING)]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not use or fill the LLM plan cache.",
                    rich_help_panel=PLANNING)]
Reasks = Annotated[int | None, typer.Option("--reasks", min=0, max=10, help="How often an invalid LLM reply is sent "
                   "back with its errors (default 2).", rich_help_panel=PLANNING)]
PlannerOption = Annotated[list[str] | None, typer.Option("-P", "--planner-option", metavar="KEY=VALUE",
                          help="Any other planner option (repeatable).", rich_help_panel=PLANNING)]
Width = Annotated[int | None, typer.Option("--width", min=64, max=4096, help="Canvas width in pixels for planned "
                  "prompts (multiple of 8). Default 512; with neither --width nor --height the planner may shape "
                  "the canvas to the scene (a row of people: wider).", rich_help_panel=PLANNING)]
Height = Annotated[int | None, typer.Option("--height", min=64, max=4096, help="Canvas height in pixels for planned "
                   "prompts (multiple of 8). Default 512; see --width.", rich_help_panel=PLANNING)]
Seed = Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed (image i of --count gets "
                 "seed + i). Default: the scene's seed, else one derived from the scene's content.")]


def read_stdin_bytes(what: str) -> bytes:
    """All of stdin, refusing to wait on a terminal and to read without bound."""
    if console.stdin_is_terminal():
        raise InvalidInput(f"{what} is '-' but stdin is a terminal", hint="Pipe something in, e.g. "
                           "deig plan \"a cat\" | deig render --scene -")
    data = sys.stdin.buffer.read(MAX_DOCUMENT_BYTES + 1)
    return data


def check_canvas(width: int | None, height: int | None) -> None:
    for name, value in (("--width", width), ("--height", height)):
        if value is not None and value % 8:
            raise InvalidInput(f"{name} must be a multiple of 8 (got {value})",
                               hint=f"Try {name} {round(value / 8) * 8}.")


def existing_file(path: str) -> str:
    if path != "-" and not Path(path).exists():
        raise InvalidInput(f"no such file: {path}", hint="Check the path; use '-' to read from stdin.")
    return path


DEFAULT_SIDE = 512


def canvas(width: int | None, height: int | None) -> Canvas:
    """The canvas for planned prompts: the sides the user gave, kept as given; with neither, 512 x 512
    that the planner may reshape to suit the scene."""
    given = width is not None or height is not None
    return Canvas(width or DEFAULT_SIDE, height or DEFAULT_SIDE, given=given)
