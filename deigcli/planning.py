"""Choosing a planner and turning prompts and scene files into complete scenes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from planners.base import Canvas, Planner
from planners.layout import finish_plan
from scenes.errors import DeigError, InvalidInput, PlannerError
from scenes.io import LoadedScene
from scenes.manifest import InputRecord, PlannerRecord
from scenes.model import MAX_PROMPT_CHARS, Scene

from . import console, registry
from .options import build_options, parse_assignments

LLM_ENVIRONMENT = ("DEIG_LLM_BASE_URL", "DEIG_LLM_MODEL", "DEIG_LLM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL")


@dataclass
class PlannerFlags:
    """The planner-related command-line flags, as given (None = not given)."""

    planner: str | None = None
    llm_model: str | None = None
    llm_base_url: str | None = None
    template: str | None = None
    no_cache: bool = False
    reasks: int | None = None
    options: list[str] = field(default_factory=list)

    def option_values(self) -> dict[str, Any]:
        values = parse_assignments(self.options, "-P/--planner-option")
        given = {"model": self.llm_model, "base_url": self.llm_base_url, "template": self.template,
                 "max_reasks": self.reasks}
        values.update({k: v for k, v in given.items() if v is not None})
        if self.no_cache:
            values["cache"] = False
        return values

    def wants_llm(self) -> bool:
        return any(v is not None for v in (self.llm_model, self.llm_base_url, self.template, self.reasks))


def default_planner_name(flags: PlannerFlags) -> str:
    if flags.planner:
        return flags.planner
    if flags.wants_llm() or any(os.environ.get(name) for name in LLM_ENVIRONMENT):
        return "llm"
    console.note("Note: planning with the offline 'rules' planner (set DEIG_LLM_BASE_URL or OPENAI_API_KEY "
                 "to plan with an LLM).")
    return "rules"


def make_planner(flags: PlannerFlags) -> Planner:
    name = default_planner_name(flags)
    cls = registry.load("planner", name)
    options = build_options(cls.Options, flags.option_values(), f"planner '{name}'")
    return cls(options)


def check_prompt(prompt: str, where: str = "the prompt") -> str:
    text = prompt.strip()
    if not text:
        raise InvalidInput(f"{where} is empty", hint="Describe the picture, e.g. deig plan \"a red apple on a table\".")
    if len(text) > MAX_PROMPT_CHARS:
        raise InvalidInput(
            f"{where} is {len(text):,} characters; the limit is {MAX_PROMPT_CHARS:,}",
            hint="Describe the picture in a few sentences; write long details into a scene file's captions.",
        )
    if "\x00" in text:
        raise InvalidInput(f"{where} contains NUL bytes", hint="Pass plain text.")
    return text


@dataclass
class PlannedScene:
    """A complete scene, how it was planned, and where it came from."""

    scene: Scene
    planner: PlannerRecord | None
    input: InputRecord
    label: str


def plan_prompt(planner: Planner, prompt: str, canvas: Canvas, seed: int | None, label: str) -> PlannedScene:
    try:
        result = planner.plan(prompt, canvas=canvas, seed=seed)
    except DeigError:
        raise
    except Exception as exc:  # a planner bug must still end in one clear line
        raise PlannerError(f"planner '{planner.name}' failed on {label}: {exc}",
                           hint="Run with DEIG_DEBUG=1 for the traceback, and report it.") from exc
    result = finish_plan(result)  # depth order and the layout critic's notes, for every planner
    _notes(result.notes, label)
    return PlannedScene(result.scene, result.record, InputRecord(kind="prompt", prompt=prompt), label)


def complete_scene(planner_flags: PlannerFlags, loaded: LoadedScene, text_sha256: str | None,
                   planner_cache: dict[str, Planner]) -> PlannedScene:
    """A loaded scene, with whatever it leaves out filled in by the planner (recorded)."""
    label = " ".join(part for part in (loaded.source, loaded.label) if part) or "scene"
    record = InputRecord(kind="scene", path=loaded.source, sha256=text_sha256, label=loaded.label)
    if loaded.scene.is_complete:
        return PlannedScene(loaded.scene, None, record, label)
    if "planner" not in planner_cache:
        planner_cache["planner"] = make_planner(planner_flags)
    planner = planner_cache["planner"]
    try:
        result = planner.complete(loaded.scene)
    except DeigError:
        raise
    except Exception as exc:
        raise PlannerError(f"planner '{planner.name}' failed to complete {label}: {exc}",
                           hint="Run with DEIG_DEBUG=1 for the traceback, and report it.") from exc
    result = finish_plan(result, completed=True)
    _notes(result.notes, label)
    return PlannedScene(result.scene, result.record, record, label)


def _notes(lines: list[str], label: str) -> None:
    """A planner's remarks on stderr, each saying which prompt or scene it is about."""
    for line in lines:
        console.note(f"Note: {label}: {line}")


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
