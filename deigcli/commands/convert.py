"""`deig convert`: a renderer's published checkpoint, converted once into safetensors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from scenes.errors import InvalidInput

from .. import console, flags

KINDS = {"deig": "the published DEIG model (dushy5/DEIG: model.pth + T5-XL/)"}


def convert(
    kind: Annotated[str, typer.Argument(metavar="KIND", help="What to convert: 'deig'.")],
    source: Annotated[str, typer.Argument(metavar="SRC", help="A Hub id (dushy5/DEIG), the folder holding "
                      "model.pth and T5-XL/, or model.pth itself.")],
    destination: Annotated[Path | None, typer.Argument(metavar="DST", help="Output folder. Default: the cache "
                           "folder where '--model SRC' finds it.")] = None,
    force: Annotated[bool, typer.Option("-f", "--force", help="Replace DST if it exists.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """Convert a pickle checkpoint once into safetensors with a config, which later renders load.

    The pickle is read with torch.load(weights_only=True): tensors only, no code runs. Converting
    the same source twice gives byte-identical files. Prints the converted folder on stdout.

    Examples:

      deig convert deig dushy5/DEIG

      deig convert deig ./DEIG ./deig-converted && deig render "two cats" --renderer deig --model ./deig-converted
    """
    console.set_quiet(quiet)
    if kind not in KINDS:
        raise InvalidInput(f"nothing is known about converting '{kind}'",
                           hint="Known: " + "; ".join(f"'{name}' = {text}" for name, text in KINDS.items()) + ".")
    from renderers.deig.convert import convert as convert_deig

    if not quiet:
        console.note(f"Converting {source} (reading a large checkpoint takes a while)…")
    result = convert_deig(source, destination, force=force)
    if result.reused:
        console.note(f"Already converted: {result.destination} (pass --force to convert again).")
    else:
        console.note(f"Converted {result.index.source.file} (sha256 {result.index.source.sha256[:12]}…) into "
                     f"{result.destination}.")
    console.emit(str(result.destination))
