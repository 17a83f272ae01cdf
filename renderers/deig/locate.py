"""Where a `--model` value points: the tiny preset, a converted folder, or something to convert.

- `tiny`: random weights built in-process (tests).
- a folder with deig_model.json: a converted model, loaded as is.
- a folder with model.pth (and T5-XL/), or a model.pth file: the published layout, which must be
  converted first (a pickle; see weights.py).
- `owner/name`: a Hub repository, converted once into the cache (`DEIG_CACHE`, else
  `$XDG_CACHE_HOME/deig`, else `~/.cache/deig`), under models/deig/owner--name.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scenes.errors import InvalidInput

from .index import INDEX_FILE as CONVERTED_INDEX

TINY = "tiny"
HUB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")


def cache_root() -> Path:
    if os.environ.get("DEIG_CACHE"):
        return Path(os.environ["DEIG_CACHE"]).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "deig"


@dataclass(frozen=True)
class ModelLocation:
    kind: Literal["tiny", "converted", "checkpoint", "hub"]
    value: str
    # Where the converted model is (or will be, once converted).
    converted: Path | None = None
    # The published layout to convert from (a folder or model.pth), for kind 'checkpoint'.
    source: Path | None = None

    @property
    def ready(self) -> bool:
        return self.kind == "tiny" or (self.converted is not None and (self.converted / CONVERTED_INDEX).is_file())


def default_destination(value: str, source: Path | None = None) -> Path:
    """The cache folder a hub id (or a local checkpoint) converts into."""
    root = cache_root() / "models" / "deig"
    if source is None:
        return root / value.replace("/", "--")
    digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:16]
    return root / f"local-{digest}"


def locate(value: str) -> ModelLocation:
    if value == TINY:
        return ModelLocation("tiny", value)
    path = Path(value).expanduser()
    if path.exists():
        if path.is_dir() and (path / CONVERTED_INDEX).is_file():
            return ModelLocation("converted", value, converted=path)
        if (path.is_dir() and (path / "model.pth").is_file()) or (path.is_file() and path.suffix == ".pth"):
            return ModelLocation("checkpoint", value, converted=default_destination(value, path), source=path)
        raise InvalidInput(f"{value} is neither a converted DEIG model nor a DEIG checkpoint folder",
                           hint="Give a folder with deig_model.json (from 'deig convert deig'), or one with model.pth "
                                "and T5-XL/.")
    if HUB_ID.match(value):
        return ModelLocation("hub", value, converted=default_destination(value))
    raise InvalidInput(f"model '{value}' is not a folder, a Hub id or 'tiny'",
                       hint="Use --model dushy5/DEIG, a local folder, or --model tiny for a random test model.")
