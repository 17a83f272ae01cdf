"""Getting a run's weights: what to fetch and how much, the one question on a terminal, the fetch itself.

`deig download` and `deig render` share this. A plan lists, per hub repository, exactly the files a
render loads (`renderers.diffusion.hubfiles`) with their sizes and licence. A render whose weights
are missing fetches openly licensed ones with `--download` / DEIG_DOWNLOAD=1, or after one "yes" on a
terminal; otherwise it stops with one error listing every missing piece. Weights that are gated,
not openly licensed or of unknown licence are fetched only by `deig download --accept-license`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from renderers.diffusion.hub import Licence
from renderers.diffusion.hubfiles import HubFile, Selection, select
from renderers.weights import WeightNeed, missing_error, unique
from scenes.errors import InvalidInput, RendererUnavailable

from . import console

# repo id -> (listing, licence); the hub in use, stored listings in tests
Lister = Callable[[str], tuple[list[HubFile], Licence]]


@dataclass
class PlannedFetch:
    need: WeightNeed
    selection: Selection
    licence: Licence
    present: int = 0  # bytes of the chosen files already in the cache

    @property
    def to_fetch(self) -> int:
        return max(self.selection.total_size - self.present, 0)


def hub_lister(repo_id: str) -> tuple[list[HubFile], Licence]:
    from renderers.diffusion.hub import listing

    return listing(repo_id)


def plan(needs: list[WeightNeed], lister: Lister = hub_lister) -> list[PlannedFetch]:
    """For each piece: the files to fetch (by its kind and the run's dtype), their size, the licence."""
    return [_planned(need, *lister(need.repo_id)) for need in needs]


ROLES = {"pipeline": "base model", "controlnet": "OpenPose ControlNet", "deig": "DEIG checkpoint",
         "chat": "chat model (deig plan --planner local)"}


def plan_download(ids: list[str], *, renderer: str, dtype: str, device: str = "auto", controlnet: bool = True,
                  lister: Lister = hub_lister) -> list[PlannedFetch]:
    """`deig download`'s plan: each model by its kind (from its listing), and each base model's ControlNet."""
    from renderers.diffusion.hubfiles import family_of, kind_of
    from renderers.diffusion.loading import DEFAULT_OPENPOSE_CONTROLNETS

    planned: list[PlannedFetch] = []
    queue = list(dict.fromkeys(ids))
    while queue:
        repo_id = queue.pop(0)
        files, licence = lister(repo_id)
        kind = "deig" if renderer == "deig" else (kind_of(f.path for f in files) or "pipeline")
        need = WeightNeed(repo_id, ROLES[kind], kind, dtype=dtype, device=device, allow_pickle=kind == "deig",
                          then=f"deig convert deig {repo_id}" if kind == "deig" else None)
        planned.append(_planned(need, files, licence))
        # FLUX.1 has no openly licensed pose ControlNet: name one yourself (deig download ID --accept-license).
        partner = DEFAULT_OPENPOSE_CONTROLNETS.get(family_of(f.path for f in files))
        if kind == "pipeline" and controlnet and partner is not None:
            if partner not in ids and all(p.need.repo_id != partner for p in planned):
                queue.append(partner)
    return planned


def _planned(need: WeightNeed, files: list[HubFile], licence: Licence) -> PlannedFetch:
    selection = select(files, need.kind, variant=need.variant(), allow_pickle=need.allow_pickle)  # type: ignore[arg-type]
    if selection.problems:
        raise RendererUnavailable(f"'{need.repo_id}' does not have what a render loads: "
                                  f"{'; '.join(selection.problems)}",
                                  hint="Check the model id: deig renders SD-1.5/SDXL/FLUX.1 diffusers repositories, "
                                       "OpenPose ControlNets and dushy5/DEIG, and plans with transformers chat "
                                       "models.")
    return PlannedFetch(need, selection, licence, _present_bytes(need.repo_id, selection))


def _present_bytes(repo_id: str, selection: Selection) -> int:
    from renderers.diffusion.hub import snapshot_folder

    folder = snapshot_folder(repo_id)
    if folder is None:
        return 0
    return sum(f.size or 0 for f in selection.files if (folder / f.path).is_file())


def size_text(size: int) -> str:
    return f"{size / 1e9:.2f} GB" if size >= 1e8 else f"{size / 1e6:.1f} MB"


def describe(planned: list[PlannedFetch]) -> list[str]:
    """What will be fetched, one line per repository, then the total."""
    lines = []
    for item in planned:
        variant = item.selection.variants.get("unet", item.selection.variants.get(""))
        weights = "fp16 weights" if variant == "fp16" else "full-precision weights"
        already = f", {size_text(item.present)} already here" if item.present else ""
        lines.append(f"  {item.need.role}: {item.need.repo_id} — {len(item.selection.files)} files, "
                     f"{size_text(item.selection.total_size)} ({weights}{already}; {item.licence.describe()})")
    total = sum(item.to_fetch for item in planned)
    lines.append(f"  in all: {size_text(total)} to download into {_cache_text()}")
    return lines


def _cache_text() -> str:
    from renderers.diffusion.hub import hub_cache

    return str(hub_cache())


def refuse_unaccepted(planned: list[PlannedFetch], accept_license: bool) -> None:
    closed = [item for item in planned if not item.licence.open]
    if closed and not accept_license:
        names = ", ".join(f"{item.need.repo_id} ({item.licence.describe()})" for item in closed)
        raise InvalidInput(f"not fetched without your explicit opt-in: {names}",
                           hint="Read the licence on the model's page; if you accept it, run the same command "
                                "with --accept-license.")


def fetch(planned: list[PlannedFetch]) -> list[Path]:
    from renderers.diffusion.hub import fetch as fetch_files

    progress = console.stderr_is_terminal() and not console.is_quiet()
    folders = []
    for item in planned:
        console.note(f"Downloading {item.need.repo_id} ({size_text(item.to_fetch)})…")
        folders.append(fetch_files(item.need.repo_id, item.selection.paths, progress=progress))
    return folders


def download_wanted() -> bool:
    return os.environ.get("DEIG_DOWNLOAD", "").strip().lower() in {"1", "true", "yes", "on"}


def ensure(needs_of: Callable[[], list[WeightNeed]], *, download: bool, lister: Lister = hub_lister) -> None:
    """Before a render: fetch missing openly licensed weights with consent, else one error listing them all.

    `needs_of` lists the run's pieces; it is asked again after a download, because a base model's
    family (and so its ControlNet) is known for sure only once its model_index.json is here."""
    from renderers.diffusion.hub import known_licence
    from renderers.diffusion.sources import offline, require_hub

    missing = [need for need in unique(needs_of()) if not need.here]
    if not missing:
        return
    closed = [n.repo_id for n in missing if (licence := known_licence(n.repo_id)) is not None and not licence.open]
    if closed:
        raise missing_error(missing, gated=closed)
    consent = download or download_wanted()
    asking = not consent and console.stdin_is_terminal() and console.stderr_is_terminal() and not console.is_quiet()
    if not (consent or asking):
        raise missing_error(missing)
    if offline():
        raise missing_error(missing, reason="HF_HUB_OFFLINE is set: nothing can be downloaded")
    require_hub(missing[0].repo_id)
    planned = _open_plan(missing, lister)
    if _families_guessed_wrong(planned):  # the ControlNet follows the family: read it, then plan again
        from renderers.diffusion.hub import fetch as fetch_files

        for item in planned:
            if item.need.kind == "pipeline":
                fetch_files(item.need.repo_id, ["model_index.json"], progress=False)
        missing = [need for need in unique(needs_of()) if not need.here]
        planned = _open_plan(missing, lister)
    console.note("This run needs weights that are not downloaded yet:")
    for line in describe(planned):
        console.note(line)
    if asking and not _yes("Download them now? [y/N] "):
        raise missing_error(missing)
    fetch(planned)
    still = [need for need in unique(needs_of()) if not need.here]
    if still:
        raise missing_error(still, reason="still incomplete after the download")


def _open_plan(missing: list[WeightNeed], lister: Lister) -> list[PlannedFetch]:
    """The plan, refused as a whole when any piece is not openly licensed (its listing says)."""
    planned = plan(missing, lister)
    closed = [item.need.repo_id for item in planned if not item.licence.open]
    if closed:
        raise missing_error(missing, gated=closed)
    return planned


def _families_guessed_wrong(planned: list[PlannedFetch]) -> bool:
    """Whether a base model that is not here yet is of another family than its name suggested."""
    from renderers.diffusion.hubfiles import family_of
    from renderers.diffusion.runtime import guessed_family

    return any(item.need.kind == "pipeline" and family_of(item.selection.paths) != guessed_family(item.need.repo_id)
               for item in planned)


def _yes(question: str) -> bool:
    print(question, end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in {"y", "yes"}
