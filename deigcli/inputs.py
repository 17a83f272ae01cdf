"""What a command was asked to work on: prompts and scene files, from arguments, files or stdin.

Each input keeps its position: scenes from files first, then prompts, in the order given. With
--keep-going an input that fails stays in its place as an `Unplanned` record, so that the others
keep their names and the batch index accounts for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from scenes import references
from scenes.documents import decode_text, read_source
from scenes.errors import DeigError, InvalidInput
from scenes.io import LoadedScene, load_scenes

from .concepts import with_concept_paths
from .failures import Failures, Unplanned
from .flags import read_stdin_bytes
from .planning import (
    PlannedScene,
    check_prompt,
    complete_scene,
    make_planner,
    plan_prompt,
    scene_label,
    text_sha256,
)
from .settings import PlannerSettings

Planned = PlannedScene | Unplanned


@dataclass
class Prompt:
    text: str
    label: str
    where: str = ""  # the file and line, named in its errors ("" for the PROMPT argument)


@dataclass
class BadPrompt:
    """A prompt line that failed its check (with --keep-going): it keeps its place."""

    where: str
    error: DeigError


def prompts_from(prompt: str | None, prompt_file: str | None, failures: Failures) -> list[Prompt | BadPrompt]:
    """The prompt argument ('-' = all of stdin) and/or every non-blank line of a prompt file, each checked.

    Every prompt is checked before any is planned; a bad one raises, or with --keep-going is
    reported and left in its place as its error."""
    prompts: list[Prompt | BadPrompt] = []
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
        lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1) if line.strip()]
        if not lines:
            raise InvalidInput(f"{name} holds no prompts", hint="Write one prompt per line.")
        for number, line in lines:
            where = f"{name}:{number}"
            try:
                prompts.append(Prompt(check_prompt(line, where), where, where))
            except DeigError as exc:
                failures.add(where, exc)
                prompts.append(BadPrompt(where, exc))
    return prompts


def check_stdin_once(prompt: str | None, prompt_file: str | None, scene_paths: list[str]) -> None:
    """Refuse '-' for more than one input: the second would silently read nothing."""
    if [prompt, prompt_file, *scene_paths].count("-") > 1:
        raise InvalidInput("stdin ('-') can be read only once", hint="Use '-' for one input only.")


def scenes_from(paths: list[str], settings: PlannerSettings, failures: Failures, start: int = 0) -> Iterator[Planned]:
    """Every scene of every file (stdin for '-'), resized by --width/--height and completed by the
    planner where incomplete; numbered from `start`."""
    check_stdin_once(None, None, paths)
    cache: dict = {}
    number = start
    for path in paths:
        try:
            if path == "-":
                text, name = decode_text(read_stdin_bytes("--scene"), "stdin"), "<stdin>"
            else:
                text, name = read_source(path)
            loaded_scenes = load_scenes(text, name)
        except DeigError as exc:  # the whole file: one failure in its place
            yield failures.unplanned(number, "<stdin>" if path == "-" else path, exc)
            number += 1
            continue
        digest = text_sha256(text)
        base = Path.cwd() if path == "-" else Path(path).parent
        for loaded in loaded_scenes:
            try:
                loaded = dataclasses.replace(loaded, scene=with_concept_paths(loaded.scene, base))
                yield complete_scene(settings, _anchored(_resized(loaded, settings), base), digest, cache)
            except DeigError as exc:
                yield failures.unplanned(number, scene_label(loaded), exc)
            number += 1


def _anchored(loaded: LoadedScene, base: Path) -> LoadedScene:
    """References resolved against the scene file's folder, and kept inside the allowed folders."""
    return dataclasses.replace(loaded, scene=references.anchor(loaded.scene, base))


def _resized(loaded: LoadedScene, settings: PlannerSettings) -> LoadedScene:
    """--width/--height given with a scene file replace its size (boxes are fractions: they follow)."""
    override = settings.size_override()
    if not override:
        return loaded
    document = loaded.scene.model_dump(mode="json", by_alias=True, exclude_none=True)
    try:
        scene = type(loaded.scene).model_validate({**document, **override})
    except ValidationError as exc:  # e.g. a box now smaller than a latent cell
        raise InvalidInput(f"--width/--height {override}: {exc.errors(include_url=False)[0]['msg']}",
                           hint="Choose a larger size, or leave the scene's own.") from None
    return dataclasses.replace(loaded, scene=scene)


def plan_prompts(prompts: list[Prompt | BadPrompt], settings: PlannerSettings, failures: Failures,
                 start: int = 0) -> Iterator[Planned]:
    """Each checked prompt planned, in order; a prompt that failed its check stays in its place."""
    planner = make_planner(settings) if any(isinstance(item, Prompt) for item in prompts) else None
    for number, item in enumerate(prompts, start=start):
        if isinstance(item, BadPrompt):  # reported when it was checked
            yield Unplanned(number, item.where, item.error.message, item.error.exit_code)
            continue
        try:
            assert planner is not None
            yield plan_prompt(planner, item.text, settings.canvas, settings.seed, item.label)
        except DeigError as exc:
            yield failures.unplanned(number, item.where, exc)
