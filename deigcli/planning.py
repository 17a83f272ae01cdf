"""Choosing a planner and turning prompts and scene files into complete scenes."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from planners.base import Canvas, Planner
from planners.layout import finish_plan
from scenes.errors import DeigError, InvalidInput, PlannerError
from scenes.io import LoadedScene
from scenes.manifest import InputRecord, PlannerRecord
from scenes.model import MAX_PROMPT_CHARS, Scene

from . import console, registry
from .options import build_options
from .settings import PlannerSettings

LLM_ENVIRONMENT = ("DEIG_LLM_BASE_URL", "DEIG_LLM_MODEL", "DEIG_LLM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL")


def default_planner_name(flags: PlannerSettings) -> str:
    if flags.planner:
        return flags.planner
    if flags.wants_llm() or any(os.environ.get(name) for name in LLM_ENVIRONMENT):
        return "llm"
    console.note("Note: planning with the offline 'rules' planner (set DEIG_LLM_BASE_URL or OPENAI_API_KEY "
                 "to plan with an LLM).")
    return "rules"


def make_planner(flags: PlannerSettings) -> Planner:
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
    bad = next((ch for ch in text if ord(ch) < 32 and ch not in "\n\t"), None)
    if bad is not None:
        raise InvalidInput(f"{where} contains a control character (U+{ord(bad):04X})",
                           hint="Pass plain text; remove terminal escapes and binary data.")
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


def scene_label(loaded: LoadedScene) -> str:
    return " ".join(part for part in (loaded.source, loaded.label) if part) or "scene"


def complete_scene(planner_flags: PlannerSettings, loaded: LoadedScene, text_sha256: str | None,
                   planner_cache: dict[str, Planner]) -> PlannedScene:
    """A loaded scene, with whatever it leaves out filled in by the planner (recorded)."""
    label = scene_label(loaded)
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
