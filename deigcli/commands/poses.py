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
        atomic_write(preview, encode_png(pose_sheet(chosen), {}))
        console.note(f"Wrote {preview}")


CELL_WIDTH, FIGURE_HEIGHT, NAME_BAND = 160, 320, 28


def pose_sheet(names: list[str]):
    """The poses side by side, each figure in its own cell with its name centred underneath."""
    from PIL import Image, ImageDraw

    from renderers.labels import font

    width = CELL_WIDTH * len(names)
    people = [library.pose_in_box(name, (i / len(names) + 0.01, 0.04, (i + 1) / len(names) - 0.01, 0.96),
                                  canvas_aspect=width / FIGURE_HEIGHT) for i, name in enumerate(names)]
    sheet = Image.new("RGB", (width, FIGURE_HEIGHT + NAME_BAND), (0, 0, 0))
    sheet.paste(draw_skeletons(people, width, FIGURE_HEIGHT), (0, 0))
    draw, face = ImageDraw.Draw(sheet), font(15)
    for index, name in enumerate(names):
        text_width = draw.textlength(name, font=face)
        x = index * CELL_WIDTH + max((CELL_WIDTH - text_width) / 2, 2)
        draw.text((x, FIGURE_HEIGHT + (NAME_BAND - face.size) / 2 - 1), name, fill=(225, 225, 225), font=face)
    return sheet
