"""Talking to the model hub: a repository's listing and licence, and fetching chosen files (resumable).

Everything goes through huggingface_hub: `model_info(files_metadata=True)` for names, sizes and
licence, `snapshot_download(allow_patterns=…)` for the files, which resumes a partial download
from its `.incomplete` blob. The endpoint (`HF_ENDPOINT`) and offline mode are read at call time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from scenes.errors import RendererUnavailable

from .hubfiles import HubFile

# Licences under which weights may be fetched on the user's "yes" (or --download). Anything else,
# gated repositories and licences we do not know, need their own opt-in (--accept-license).
OPEN_LICENCES = frozenset({
    "apache-2.0", "mit", "bsd-2-clause", "bsd-3-clause", "cc0-1.0", "cc-by-4.0", "openrail", "openrail++",
    "creativeml-openrail-m", "bigscience-openrail-m", "unlicense",
})
# What is known without asking the hub (the repositories deig uses by default, and a gated example).
KNOWN_LICENCES: dict[str, tuple[str, bool]] = {  # repo -> (licence, gated)
    "stable-diffusion-v1-5/stable-diffusion-v1-5": ("creativeml-openrail-m", False),
    "stabilityai/stable-diffusion-xl-base-1.0": ("openrail++", False),
    "lllyasviel/control_v11p_sd15_openpose": ("openrail", False),
    "xinsir/controlnet-openpose-sdxl-1.0": ("apache-2.0", False),
    "dushy5/DEIG": ("not stated", False),
    "black-forest-labs/FLUX.1-dev": ("flux-1-dev-non-commercial-license", True),
    "black-forest-labs/FLUX.1-schnell": ("apache-2.0", False),
    "Shakker-Labs/FLUX.1-dev-ControlNet-Union-Pro": ("flux-1-dev-non-commercial-license", False),
}


@dataclass(frozen=True)
class Licence:
    name: str
    gated: bool

    @property
    def open(self) -> bool:
        return not self.gated and self.name.lower() in OPEN_LICENCES

    def describe(self) -> str:
        return f"licence {self.name}" + (", gated" if self.gated else "")


def known_licence(repo_id: str) -> Licence | None:
    found = KNOWN_LICENCES.get(repo_id)
    return Licence(*found) if found else None


def endpoint() -> str:
    return os.environ.get("HF_ENDPOINT", "https://huggingface.co").rstrip("/")


def hub_cache() -> Path:
    """The hub cache folder, read at call time (HF_HUB_CACHE, else HF_HOME/hub)."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"]).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(os.environ.get("XDG_CACHE_HOME", "~/.cache"), "huggingface")
    return Path(home).expanduser() / "hub"


def snapshot_folder(repo_id: str, revision: str = "main") -> Path | None:
    """The cached snapshot of `repo_id` at `revision`, if one was ever downloaded; no network."""
    storage = hub_cache() / ("models--" + repo_id.replace("/", "--"))
    ref = storage / "refs" / revision
    commit = ref.read_text(encoding="utf-8").strip() if ref.is_file() else revision
    folder = storage / "snapshots" / commit
    return folder if folder.is_dir() else None


def listing(repo_id: str) -> tuple[list[HubFile], Licence]:
    """Every file of the repository with its size, and its licence (one API call)."""
    from huggingface_hub import HfApi

    try:
        info = HfApi(endpoint=endpoint()).model_info(repo_id, files_metadata=True)
    except Exception as exc:  # noqa: BLE001 - not found, gated, offline, network: weights unavailable
        raise RendererUnavailable(f"cannot list the files of '{repo_id}' on {endpoint()}: {_first_line(exc)}",
                                  hint="Check the model id, the network and HF_HUB_OFFLINE.") from None
    files = [HubFile(s.rfilename, s.size) for s in info.siblings or []]
    licence = known_licence(repo_id) or Licence(_licence_name(info), bool(info.gated))
    return files, licence


def _licence_name(info) -> str:
    card = getattr(info, "card_data", None) or getattr(info, "cardData", None)
    name = card.get("license") if card is not None and hasattr(card, "get") else None
    if not name:
        name = next((tag.split(":", 1)[1] for tag in info.tags or [] if tag.startswith("license:")), None)
    return str(name) if name else "not stated"


def fetch(repo_id: str, paths: list[str], *, progress: bool) -> Path:
    """Download `paths` of `repo_id` into the hub cache (resuming partial files); the snapshot folder."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.utils import disable_progress_bars, enable_progress_bars

    (enable_progress_bars if progress else disable_progress_bars)()
    try:
        return Path(snapshot_download(repo_id, allow_patterns=paths, endpoint=endpoint(), cache_dir=hub_cache()))
    except Exception as exc:  # noqa: BLE001 - any failure leaves resumable partial files behind
        raise RendererUnavailable(f"downloading '{repo_id}' failed: {_first_line(exc)}",
                                  hint="Run the same command again: finished files are kept and a partial "
                                       "file resumes where it stopped.") from None


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__
