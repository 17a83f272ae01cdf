"""`deig validate`: check scene files without rendering anything."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scenes.documents import read_source
from scenes.errors import DeigError, InvalidInput, Issue, IssueList, SceneInvalid
from scenes.io import load_scenes
from scenes.references import anchor, scene_references

from .. import console, flags, registry
from ..options import build_options


def validate(
    files: Annotated[list[str], typer.Argument(help="Scene files (YAML or JSON); '-' reads stdin.")],
    renderer: Annotated[str | None, typer.Option("--renderer", help="Also check the scenes against this "
                        "renderer's limits (no weights are loaded).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON record per scene on stdout.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """Check that scene files are valid; exit 2 and list every problem if not.

    Examples:

      deig validate scenes/*.yaml

      deig validate party.yaml --renderer deig
    """
    console.set_quiet(quiet)
    if files.count("-") > 1:
        raise InvalidInput("stdin ('-') can be read only once", hint="Pass '-' at most once.")
    checker = None
    if renderer:
        cls = registry.load("renderer", renderer)
        checker = cls(build_options(cls.Options, {}, f"renderer '{renderer}'"))
    issues = IssueList()  # the first problems and a count of the rest
    hint: str | None = None  # the first problem's own hint, when it has one
    total = 0
    checked = []  # complete scenes the renderer accepted: their weights are noted at the end
    for path in files:
        try:
            text, name = read_source(path, stdin_bytes=flags.read_stdin_bytes("FILE") if path == "-" else None)
            loaded = load_scenes(text, name)
        except SceneInvalid as exc:
            issues.add(exc.issues, exc.more)
            continue
        except DeigError as exc:
            hint = exc.hint if not issues else hint
            issues.add([Issue(location="", message=exc.message)])
            continue
        for item in loaded:
            total += 1
            where = f"{name}: {item.label}" if item.label else name
            problems = []
            try:  # the reference images, checked whether or not a renderer is named
                scene = anchor(item.scene, Path.cwd() if path == "-" else Path(path).parent)
                scene_references(scene)
            except DeigError as exc:
                hint = exc.hint if not issues else hint
                problems.append(exc.message)
                issues.add([Issue(location=item.label or "", message=exc.message, source=name, line=item.line)])
            if checker is not None and not problems:
                try:
                    complete = scene if scene.is_complete else None
                    for warning in checker.check(complete) if complete else []:
                        console.warn(f"{where}: {warning}")
                    checked += [complete] if complete else []
                except DeigError as exc:
                    hint = exc.hint if not issues else hint
                    problems.append(exc.message)
                    issues.add([Issue(location=item.label or "", message=exc.message, source=name, line=item.line)])
            missing = item.scene.missing()
            if as_json:
                console.emit(json.dumps({"source": name, "scene": item.label or "scene 1", "line": item.line,
                                         "valid": not problems, "problems": problems,
                                         "instances": len(item.scene.instances), "to_complete": missing}))
            elif missing:
                console.note(f"{where}: valid; the planner will fill "
                             f"{len(missing)} missing value(s) ({', '.join(missing[:3])}{' …' if len(missing) > 3 else ''})")
    if issues:
        raise SceneInvalid(issues.shown, more=issues.more, hint=hint or "Run 'deig schema' for the scene format.")
    console.note(f"{total} scene(s) in {len(files)} file(s): valid")
    if checker is not None:
        _note_weights(checker, checked)


def _note_weights(checker, scenes) -> None:
    """Validity never depends on weights; whether the renderer could draw the scenes here is a note."""
    from renderers.weights import missing_error, unique

    missing = [need for need in unique(checker.weight_needs(scenes)) if not need.here]
    if not missing:
        return
    error = missing_error(missing)
    console.note(f"Note: renderer '{checker.name}' cannot render them here yet: {error.message}:")
    for line in error.details:
        console.note(f"  {line}")
    console.note(f"  {error.hint}")
