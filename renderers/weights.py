"""The weights a run needs from the hub, whether they are here, and the one error that lists what is not.

A renderer names its pieces (`Renderer.weight_needs`): the base model, the ControlNet when a scene
is posed, the DEIG checkpoint. Whether a piece is here is read from the hub cache without any
network (the same file choice `deig download` makes, applied to the cached snapshot). Every
"weights missing" error lists all missing pieces of the run at once and names `deig download`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scenes.errors import RendererUnavailable


@dataclass(frozen=True)
class WeightNeed:
    repo_id: str
    role: str  # for people: "base model", "OpenPose ControlNet (posed instances)", …
    kind: str  # hubfiles.Kind
    dtype: str = "auto"  # the run's --dtype and --device, resolved only when choosing files to fetch
    device: str = "auto"
    allow_pickle: bool = False
    then: str | None = None  # a step after the download (DEIG: its conversion)

    def variant(self) -> str | None:
        """fp16 for a float16 run (imports torch to resolve 'auto'), else the full weights."""
        if self.dtype in ("float32", "bfloat16"):
            return None
        if self.dtype == "float16":
            return "fp16"
        import torch

        from renderers.diffusion.devices import resolve_device, resolve_dtype

        return "fp16" if resolve_dtype(self.dtype, resolve_device(self.device)) == torch.float16 else None

    def problems(self) -> list[str]:
        """What the local cache lacks for this piece ([] = complete); never touches the network."""
        from renderers.diffusion.hub import snapshot_folder
        from renderers.diffusion.hubfiles import local_listing, select

        folder = snapshot_folder(self.repo_id)
        if folder is None:
            return ["not downloaded"]
        selection = select(local_listing(folder), self.kind, allow_pickle=self.allow_pickle)  # type: ignore[arg-type]
        return selection.problems

    @property
    def here(self) -> bool:
        return not self.problems()


def unique(needs: Iterable[WeightNeed]) -> list[WeightNeed]:
    seen: dict[str, WeightNeed] = {}
    for need in needs:
        seen.setdefault(need.repo_id, need)
    return list(seen.values())


def download_command(needs: list[WeightNeed], *, accept_license: bool = False) -> str:
    dtypes = {need.dtype for need in needs if need.dtype != "auto"}
    flags = f" --dtype {dtypes.pop()}" if len(dtypes) == 1 else ""
    flags += " --accept-license" if accept_license else ""
    return f"deig download {' '.join(need.repo_id for need in needs)}{flags}"


def missing_error(missing: list[WeightNeed], *, reason: str = "", gated: list[str] | None = None) -> RendererUnavailable:
    """One error for every missing piece of the run, naming the command that fetches them."""
    from renderers.diffusion.hub import known_licence

    details = []
    for need in missing:
        licence = known_licence(need.repo_id)
        extra = f"; {licence.describe()}" if licence and not licence.open else ""
        details.append(f"{need.role}: {need.repo_id} ({', '.join(need.problems()) or 'incomplete'}{extra})")
    gated = gated if gated is not None else [n.repo_id for n in missing if _needs_opt_in(n.repo_id)]
    hint = f"Run `{download_command(missing, accept_license=bool(gated))}` once"
    if gated:
        hint += f" (--accept-license: {', '.join(gated)} {'is' if len(gated) == 1 else 'are'} not openly licensed; " \
                "read the licence first)"
    hint += ", then run again"
    thens = [need.then for need in missing if need.then]
    if thens:
        hint += ", after " + " and ".join(f"`{step}`" for step in thens)
    hint += "; `deig render --download` fetches openly licensed weights itself."
    what = "piece" if len(missing) == 1 else "pieces"
    message = f"{len(missing)} {what} of this run's weights {'is' if len(missing) == 1 else 'are'} not downloaded"
    return RendererUnavailable(message + (f" ({reason})" if reason else ""), hint=hint, details=details)


def _needs_opt_in(repo_id: str) -> bool:
    from renderers.diffusion.hub import known_licence

    licence = known_licence(repo_id)
    return licence is None or not licence.open
