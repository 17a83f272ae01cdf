"""Where a `--model` value points, for DEIG: the tiny preset, a converted folder, or something to convert.

The value is classified by the shared runtime (`renderers.diffusion.sources.parse_source`); what
each kind means here:

- `tiny`: random weights built in-process (tests).
- a folder with deig_model.json: a converted model, loaded as is.
- a folder with model.pth (and T5-XL/), or a .pth file: the published layout, a pickle, which is
  converted once (with --allow-pickle, or by `deig convert deig`) into the cache.
- `owner/name`: a Hub repository, converted once into the cache.

The cache is `$DEIG_CACHE_DIR` (else `~/.cache/deig`), converted models under models/deig/.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scenes.errors import InvalidInput

from .index import INDEX_FILE

TINY = "tiny"
CHECKPOINT_FILE = "model.pth"


def cache_root() -> Path:
    root = os.environ.get("DEIG_CACHE_DIR")
    return Path(root).expanduser() if root else Path.home() / ".cache" / "deig"


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
        return self.kind == "tiny" or (self.converted is not None and (self.converted / INDEX_FILE).is_file())


def default_destination(value: str, source: Path | None = None) -> Path:
    """The cache folder a hub id (or a local checkpoint, by its absolute path) converts into."""
    root = cache_root() / "models" / "deig"
    if source is None:
        return root / value.replace("/", "--")
    digest = hashlib.sha256(str(source.resolve()).encode()).hexdigest()[:16]
    return root / f"local-{digest}"


def converted_folder(value: str) -> Path | None:
    """The converted folder `value` names (itself, or its cache copy), if there is one; no I/O beyond stat."""
    if value == TINY:
        return None
    path = Path(value).expanduser()
    candidates = [path, default_destination(value, path)] if path.exists() else [default_destination(value)]
    return next((c for c in candidates if (c / INDEX_FILE).is_file()), None)


def locate(value: str) -> ModelLocation:
    # The shared runtime's classification (tiny / hub id / folder / file); imported here because
    # it is heavier than the cheap checks that only need converted_folder().
    from renderers.diffusion.sources import parse_source

    source = parse_source(value)
    if source.kind == "tiny":
        if value != TINY:
            raise InvalidInput(f"'{value}' is not a DEIG model", hint="Use --model tiny for DEIG's random test model.")
        return ModelLocation("tiny", value)
    if source.kind == "hub":
        return ModelLocation("hub", value, converted=default_destination(value))
    path = source.path
    if path.is_dir() and (path / INDEX_FILE).is_file():
        return ModelLocation("converted", value, converted=path)
    if (path.is_dir() and (path / CHECKPOINT_FILE).is_file()) or (path.is_file() and path.suffix == ".pth"):
        return ModelLocation("checkpoint", value, converted=default_destination(value, path), source=path)
    raise InvalidInput(f"{value} is neither a converted DEIG model nor a DEIG checkpoint",
                       hint="Give a folder with deig_model.json (written by 'deig convert deig'), or the folder "
                            "holding model.pth and T5-XL/.")
