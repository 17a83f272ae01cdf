"""Where weights come from, and the cheap checks that they are there, before anything is loaded.

A model is given as the `tiny` preset, a hub id (`owner/name`), a local diffusers folder, or a
single checkpoint file. Safetensors only, unless `allow_pickle` is set. When weights are missing
the error is `RendererUnavailable` (exit 4) naming `deig download`; which hub files a run needs,
and whether they are cached, is `hubfiles.py` and `renderers/weights.py`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scenes.errors import InvalidInput, RendererUnavailable

from .tiny import TINY_PRESETS

PICKLE_SUFFIXES = (".ckpt", ".pt", ".pth", ".bin")
WEIGHT_SUFFIXES = (".safetensors", *PICKLE_SUFFIXES)
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")

SourceKind = Literal["tiny", "hub", "folder", "file"]


@dataclass(frozen=True)
class ModelSource:
    spec: str
    kind: SourceKind
    path: Path | None = None  # folder or file, for local sources

    @property
    def tiny_family(self) -> str | None:
        return TINY_PRESETS.get(self.spec) if self.kind == "tiny" else None


def parse_source(spec: str) -> ModelSource:
    """Classify a --model value without touching the network or reading weights."""
    if spec in TINY_PRESETS:
        return ModelSource(spec, "tiny")
    path = Path(spec).expanduser()
    if path.is_dir():
        return ModelSource(spec, "folder", path)
    if path.is_file():
        return ModelSource(spec, "file", path)
    if _looks_like_path(spec):
        raise RendererUnavailable(
            f"no such file or folder: {spec}",
            hint="Pass an existing diffusers folder or .safetensors file, or a hub id such as "
            "'stable-diffusion-v1-5/stable-diffusion-v1-5'.",
        )
    if _HUB_ID.match(spec):
        return ModelSource(spec, "hub")
    raise InvalidInput(
        f"'{spec}' is neither a hub id (owner/name), an existing path, nor a preset ({', '.join(TINY_PRESETS)})",
        hint="Use e.g. --model stable-diffusion-v1-5/stable-diffusion-v1-5, --model ./my-model, or --model tiny.",
    )


def _looks_like_path(spec: str) -> bool:
    return (spec.startswith(("/", "./", "../", "~", "."))
            or spec.count("/") > 1 or "\\" in spec or spec.lower().endswith(WEIGHT_SUFFIXES))


def offline() -> bool:
    """Whether the hub may not be contacted (read at call time: tests set it per process)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"} or \
        os.environ.get("TRANSFORMERS_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


_REACHABLE: dict[str, bool] = {}


def require_hub(repo_id: str) -> None:
    """Fail fast (exit 4) when the hub cannot be reached, instead of minutes of library retries.

    One DNS lookup and TCP connect to the hub endpoint, at most a few seconds, once per process.
    """
    from urllib.parse import urlparse

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    parsed = urlparse(endpoint)
    host, port = parsed.hostname or "huggingface.co", parsed.port or (80 if parsed.scheme == "http" else 443)
    if endpoint not in _REACHABLE:
        import socket

        try:
            with socket.create_connection((host, port), timeout=3):
                _REACHABLE[endpoint] = True
        except OSError:
            _REACHABLE[endpoint] = False
    if not _REACHABLE[endpoint]:
        raise RendererUnavailable(f"'{repo_id}' is not in the local model cache and {host} cannot be reached",
                                  hint=download_hint(repo_id))


def download_hint(repo_id: str, *, configs_only: bool = False) -> str:
    if configs_only:  # a single-file checkpoint needs only its base model's configs, a few kB
        include = " --include '*.json' '*.txt'"
        return (f"Download them where there is network access with `hf download {repo_id}{include}` "
                f"(older huggingface_hub: `huggingface-cli download {repo_id}{include}`), then run again.")
    return (f"Run `deig download {repo_id}` where there is network access (it fetches only the files a render "
            "loads), then run again.")


def refuse_pickle(what: str) -> InvalidInput:
    return InvalidInput(
        f"{what} is a pickle checkpoint; pickles can run code when loaded and are refused by default",
        hint="Convert it to .safetensors, or pass --allow-pickle if you trust it "
        "(it is then loaded with torch.load(weights_only=True)).",
    )


def check_file(path: Path, *, allow_pickle: bool) -> None:
    suffix = path.suffix.lower()
    if suffix == ".safetensors":
        return
    if suffix in PICKLE_SUFFIXES:
        if not allow_pickle:
            raise refuse_pickle(str(path))
        return
    raise InvalidInput(f"{path}: not a checkpoint file (.safetensors, or with --allow-pickle "
                       f"{', '.join(PICKLE_SUFFIXES)})",
                       hint="Pass a diffusers folder, a .safetensors file, or a hub id.")


def check_weights_folder(folder: Path, what: str, *, allow_pickle: bool) -> None:
    """A component folder (unet/, a ControlNet) must hold loadable weights."""
    names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    if any(n.endswith(".safetensors") for n in names):
        return
    if any(n.endswith(PICKLE_SUFFIXES) for n in names):
        if allow_pickle:
            return
        raise refuse_pickle(f"{what} ({folder})")
    raise RendererUnavailable(f"{what}: no weights in {folder}",
                              hint="Pass a complete diffusers folder (saved with save_pretrained), or a hub id.")


def check_local_pipeline(folder: Path, *, allow_pickle: bool) -> None:
    if not (folder / "model_index.json").is_file():
        raise InvalidInput(f"{folder} is not a diffusers pipeline folder (no model_index.json)",
                           hint="Pass the folder that holds model_index.json, unet/, vae/, text_encoder/ …, "
                           "or a single .safetensors checkpoint.")
    check_weights_folder(folder / "unet", "the UNet", allow_pickle=allow_pickle)


def cached_file(repo_id: str, filename: str) -> Path | None:
    """The local copy of a hub file, or None; never contacts the network."""
    from huggingface_hub import try_to_load_from_cache

    from .hub import hub_cache

    found = try_to_load_from_cache(repo_id, filename, cache_dir=hub_cache())
    return Path(found) if isinstance(found, str) else None


def snapshot_revision(repo_id: str, filename: str) -> str | None:
    """The hub commit of the cached snapshot holding `filename` (its folder name in the cache)."""
    path = cached_file(repo_id, filename)
    if path is None or path.parent.parent.name != "snapshots":
        return None
    return path.parent.name
