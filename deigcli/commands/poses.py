"""`deig poses`: the pose library, listed and drawn."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scenes import poses as library
from scenes.errors import InvalidInput
from scenes.openpose import draw_skeletons

from .. import console, flags
from ..artifacts import encode_png
from ..files import atomic_write


def poses(
    names: Annotated[list[str] | None, typer.Argument(help="Only these poses (default: all).")] = None,
    preview: Annotated[Path | None, typer.Option("--preview", help="Draw the poses side by side into this PNG.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON records with the keypoints.")] = False,
    force: Annotated[bool, typer.Option("-f", "--force", help="Overwrite the preview file.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """List the named poses an instance can take (`pose: NAME` in a scene).

    Examples:

      deig poses

      deig poses waving sitting --preview poses.png
    """
    console.set_quiet(quiet)
    chosen = list(names or library.POSE_NAMES)
    unknown = [n for n in chosen if n not in library.POSE_NAMES]
    if unknown:
        raise InvalidInput(f"unknown pose '{unknown[0]}'", hint=f"Known poses: {', '.join(library.POSE_NAMES)}.")
    if preview is not None:  # checked before anything is printed
        if preview.is_dir():
            raise InvalidInput(f"{preview} is a folder", hint="Give --preview a file name, e.g. poses.png.")
        if preview.exists() and not force:
            raise InvalidInput(f"{preview} already exists", hint="Pass --force to overwrite it.")
        if not preview.parent.is_dir():
            raise InvalidInput(f"there is no folder {preview.parent} to write {preview.name} into",
                               hint="Create the folder first, or choose another path.")
    for name in chosen:
        if as_json:
            points = [list(p) if p else None for p in library.figure_keypoints(name)]
            console.emit(json.dumps({"name": name, "description": library.describe(name),
                                     "aspect_ratio": round(library.aspect_ratio(name), 3), "figure_keypoints": points}))
        else:
            console.emit(f"{name}\t{library.describe(name)}")
    if preview is not None:
        cell_w, height = 160, 320
        width = cell_w * len(chosen)
        people = [library.pose_in_box(name, (i / len(chosen) + 0.01, 0.04, (i + 1) / len(chosen) - 0.01, 0.96),
                                      canvas_aspect=width / height) for i, name in enumerate(chosen)]
        atomic_write(preview, encode_png(draw_skeletons(people, width, height), {}))
        console.note(f"Wrote {preview}")
