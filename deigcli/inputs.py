"""What a command was asked to work on: prompts and scene files, from arguments, files or stdin."""

from __future__ import annotations

from dataclasses import dataclass

from planners.base import Canvas
from scenes.documents import decode_text, read_source
from scenes.errors import InvalidInput
from scenes.io import load_scenes

from .flags import read_stdin_bytes
from .planning import (
    PlannedScene,
    PlannerFlags,
    check_prompt,
    complete_scene,
    make_planner,
    plan_prompt,
    text_sha256,
)


@dataclass
class Prompt:
    text: str
    label: str


def prompts_from(prompt: str | None, prompt_file: str | None) -> list[Prompt]:
    """The prompt argument ('-' = all of stdin) and/or every non-blank line of a prompt file."""
    prompts: list[Prompt] = []
    if prompt is not None:
        if prompt == "-":
            text = decode_text(read_stdin_bytes("PROMPT"), "stdin")
            prompts.append(Prompt(check_prompt(text, "the prompt on stdin"), "stdin"))
        else:
            prompts.append(Prompt(check_prompt(prompt), "the prompt"))
    if prompt_file is not None:
        if prompt_file == "-":
            text, name = decode_text(read_stdin_bytes("-f/--file"), "stdin"), "<stdin>"
        else:
            text, name = read_source(prompt_file)
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                prompts.append(Prompt(check_prompt(line, f"{name}:{number}"), f"{name}:{number}"))
        if not prompts:
            raise InvalidInput(f"{name} holds no prompts", hint="Write one prompt per line.")
    return prompts


def check_stdin_once(prompt: str | None, prompt_file: str | None, scene_paths: list[str]) -> None:
    """Refuse '-' for more than one input: the second would silently read nothing."""
    if [prompt, prompt_file, *scene_paths].count("-") > 1:
        raise InvalidInput("stdin ('-') can be read only once", hint="Use '-' for one input only.")


def scenes_from(paths: list[str], planner_flags: PlannerFlags) -> list[PlannedScene]:
    """Every scene of every file (stdin for '-'), completed by the planner where incomplete."""
    check_stdin_once(None, None, paths)
    cache: dict = {}
    planned: list[PlannedScene] = []
    for path in paths:
        if path == "-":
            text, name = decode_text(read_stdin_bytes("--scene"), "stdin"), "<stdin>"
        else:
            text, name = read_source(path)
        digest = text_sha256(text)
        for loaded in load_scenes(text, name):
            planned.append(complete_scene(planner_flags, loaded, digest, cache))
    return planned


def plan_prompts(prompts: list[Prompt], planner_flags: PlannerFlags, canvas: Canvas,
                 seed: int | None) -> list[PlannedScene]:
    if not prompts:
        return []
    planner = make_planner(planner_flags)
    return [plan_prompt(planner, p.text, canvas, seed, p.label) for p in prompts]
