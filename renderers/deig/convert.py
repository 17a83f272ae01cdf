"""`deig convert deig SRC [DST]`: the published checkpoint, converted once to safetensors.

SRC is a Hub id (downloaded first), the folder holding model.pth and T5-XL/, or model.pth itself.
DST defaults to the cache folder where `--model SRC` looks, so that after one conversion
`deig render --renderer deig --model SRC` loads safetensors and never touches the pickle again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scenes.errors import InvalidInput

from .index import ConvertedIndex, is_converted, read_index
from .locate import locate


@dataclass(frozen=True)
class Conversion:
    destination: Path
    index: ConvertedIndex
    reused: bool  # an earlier conversion at the default location was kept


def convert(source: str, destination: Path | None = None, *, force: bool = False) -> Conversion:
    location = locate(source)
    if location.kind == "tiny":
        raise InvalidInput("the tiny model is built in-process; there is nothing to convert",
                           hint="Use --model tiny directly.")
    if location.kind == "converted":
        raise InvalidInput(f"{source} is already a converted DEIG model",
                           hint=f"Render with it directly: deig render --renderer deig --model {source}")
    default = destination is None
    destination = location.converted if default else Path(destination)
    if destination.exists() and not force:
        if default and is_converted(destination):
            return Conversion(destination, read_index(destination), reused=True)
        raise InvalidInput(f"{destination} already exists", hint="Pass --force to replace it, or choose another DST.")
    from .hub import download

    checkpoint = location.source if location.kind == "checkpoint" else download(location.value)
    from .weights import convert_checkpoint  # torch and diffusers: only once there is a checkpoint to read

    index = convert_checkpoint(checkpoint, destination, overwrite=force)
    return Conversion(destination, index, reused=False)
