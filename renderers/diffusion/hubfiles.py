"""Which files of a model repository a run needs: one rule, used to download, to check the cache and to load.

A hub repository holds far more than diffusers reads: single-file checkpoints at the top level,
pickled `.bin` copies, non-EMA and fp16 variants, Flax/ONNX/OpenVINO exports, a safety checker.
From a listing (path and size of every file) this picks exactly what a run loads:

- a pipeline (model_index.json): the scheduler config, unet/, vae/, text_encoder/ (and
  text_encoder_2/ for SDXL) with their configs and weights, the tokenizer folders;
- a ControlNet (config.json at the top): its config and weights;
- DEIG (model.pth): the checkpoint and the T5-XL/ folder (config, tokenizer, weights).

Weights are safetensors named the way diffusers/transformers look for them (`diffusion_pytorch_model`
or `model`, possibly sharded with an index). For a float16 run a component's fp16 variant is taken
when the repository has one, else its full weights; other runs take the full weights (or, where a
component has only an fp16 variant, that). Other variants (non_ema, …) are never taken. Pickles
only where a component has no safetensors at all and the caller allows them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Kind = Literal["pipeline", "controlnet", "deig", "chat"]
FP16 = "fp16"

# name(.variant)(-00001-of-00002).safetensors, or the shards' index name.safetensors.index(.variant).json
_WEIGHT = re.compile(r"^(?P<stem>[\w-]+?)(?:\.(?P<variant>[A-Za-z0-9_]+))?(?:-\d{5}-of-\d{5})?\.(?P<ext>safetensors|bin)$")
_INDEX = re.compile(r"^(?P<stem>[\w-]+?)\.(?P<ext>safetensors|bin)\.index(?:\.(?P<variant>[A-Za-z0-9_]+))?\.json$")

DIFFUSERS_STEM = "diffusion_pytorch_model"
TRANSFORMERS_STEMS = ("model", "pytorch_model")
PIPELINE_MODELS = {"unet": (DIFFUSERS_STEM,), "vae": (DIFFUSERS_STEM,), "text_encoder": TRANSFORMERS_STEMS,
                   "text_encoder_2": TRANSFORMERS_STEMS}
# FLUX.1 pipelines: a transformer instead of a UNet, CLIP and T5 text encoders, both tokenizers.
FLUX_MODELS = {"transformer": (DIFFUSERS_STEM,), "vae": (DIFFUSERS_STEM,), "text_encoder": TRANSFORMERS_STEMS,
               "text_encoder_2": TRANSFORMERS_STEMS}
PIPELINE_TOKENIZERS = ("tokenizer", "tokenizer_2")
TOKENIZER_SUFFIXES = (".json", ".txt", ".model")
DEIG_CHECKPOINT = "model.pth"
DEIG_T5 = "T5-XL"


@dataclass(frozen=True)
class HubFile:
    path: str
    size: int | None = None  # bytes; None where a listing does not say


@dataclass
class Selection:
    kind: Kind
    files: list[HubFile]
    # folder ("" = the top) -> the weights variant chosen there (None = the full weights)
    variants: dict[str, str | None] = field(default_factory=dict)
    # what the repository lacks for this kind (e.g. "unet/: no safetensors weights")
    problems: list[str] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return [f.path for f in self.files]

    @property
    def total_size(self) -> int:
        return sum(f.size or 0 for f in self.files)

    @property
    def sizes_known(self) -> bool:
        return all(f.size is not None for f in self.files)


def kind_of(paths: Iterable[str]) -> Kind | None:
    """What a repository (or folder) is, from its file names."""
    names = set(paths)
    if "model_index.json" in names:
        return "pipeline"
    if DEIG_CHECKPOINT in names:
        return "deig"
    if "config.json" in names:
        top = [Path(name).name for name in names if "/" not in name]
        if any(_weight_key(name, TRANSFORMERS_STEMS) for name in top):
            return "chat"  # a transformers model (the local planner's chat model)
        return "controlnet"
    return None


def family_of(paths: Iterable[str]) -> str:
    """sd15, sdxl or flux: SDXL pipelines have a second text encoder, FLUX.1 a transformer."""
    paths = list(paths)
    if any(p.startswith("transformer/") for p in paths):
        return "flux"
    return "sdxl" if any(p.startswith("text_encoder_2/") for p in paths) else "sd15"


def select(listing: Iterable[HubFile], kind: Kind | None = None, *, variant: str | None = None,
           allow_pickle: bool = False) -> Selection:
    """The files of `listing` that a run of `kind` with weights `variant` (fp16 or None) loads."""
    files = {f.path: f for f in listing}
    kind = kind or kind_of(files)
    if kind is None:
        return Selection("pipeline", [], problems=["neither model_index.json, config.json nor model.pth: "
                                                   "not a diffusers pipeline, ControlNet or DEIG checkpoint"])
    chosen: list[str] = []
    selection = Selection(kind, [])
    if kind == "pipeline":
        chosen += [p for p in ("model_index.json", "scheduler/scheduler_config.json") if p in files]
        family = family_of(files)
        for folder, stems in (FLUX_MODELS if family == "flux" else PIPELINE_MODELS).items():
            if folder == "text_encoder_2" and family == "sd15":
                continue
            _take_model(files, folder, stems, variant, allow_pickle, chosen, selection)
        for folder in PIPELINE_TOKENIZERS:
            if folder == "tokenizer_2" and family == "sd15":
                continue
            found = sorted(p for p in files if _parent(p) == folder and p.endswith(TOKENIZER_SUFFIXES))
            if not found:
                selection.problems.append(f"{folder}/ is missing")
            chosen += found
        for required in ("model_index.json", "scheduler/scheduler_config.json"):
            if required not in files:
                selection.problems.append(f"{required} is missing")
    elif kind == "controlnet":
        _take_model(files, "", (DIFFUSERS_STEM,), variant, allow_pickle, chosen, selection)
    elif kind == "chat":  # config, generation config, tokenizer and chat template, weights
        chosen += [p for p in files if "/" not in p and p != "config.json"
                   and (p.endswith(TOKENIZER_SUFFIXES) or p.endswith(".jinja"))
                   and not _INDEX.match(p)]
        _take_model(files, "", TRANSFORMERS_STEMS, None, allow_pickle, chosen, selection)
    else:  # DEIG: the pickle is what it publishes; its conversion reads it tensors-only
        if DEIG_CHECKPOINT in files:
            chosen.append(DEIG_CHECKPOINT)
        else:
            selection.problems.append(f"{DEIG_CHECKPOINT} is missing")
        chosen += sorted(p for p in files if _parent(p) == DEIG_T5 and p.endswith(TOKENIZER_SUFFIXES)
                         and not _INDEX.match(Path(p).name))
        _take_model(files, DEIG_T5, TRANSFORMERS_STEMS, None, True, chosen, selection, config=False)
    selection.files = [files[p] for p in dict.fromkeys(chosen)]
    return selection


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _take_model(files: dict[str, HubFile], folder: str, stems: tuple[str, ...], variant: str | None,
                allow_pickle: bool, chosen: list[str], selection: Selection, *, config: bool = True) -> None:
    """config.json and one set of weights of the model in `folder` (shards and their index together)."""
    where = f"{folder}/" if folder else ""
    config_path = f"{where}config.json"
    if config_path in files:
        if config:
            chosen.append(config_path)
    elif config or folder:
        selection.problems.append(f"{config_path} is missing")
    weights = [p for p in files if _parent(p) == folder and _weight_key(Path(p).name, stems) is not None]
    for ext in ("safetensors", "bin") if allow_pickle else ("safetensors",):
        by_variant: dict[str | None, list[str]] = {}
        for path in weights:
            key = _weight_key(Path(path).name, stems)
            if key[0] == ext:
                by_variant.setdefault(key[1], []).append(path)
        if not by_variant:
            continue
        # the run's variant if there is one, else the full weights, else (only fp16 published) that
        for wanted in (variant, None, FP16):
            if wanted in by_variant:
                chosen += sorted(by_variant[wanted])
                selection.variants[folder] = wanted
                return
    label = where or "the top level"
    selection.problems.append(f"{label}: no {'' if allow_pickle else 'safetensors '}weights"
                              + ("" if allow_pickle or not any(p.endswith(".bin") for p in weights)
                                 else " (only pickled .bin files)"))


def _weight_key(name: str, stems: tuple[str, ...]) -> tuple[str, str | None] | None:
    """(extension, variant) of a weight file or shard index of one of `stems`; None for anything else."""
    match = _WEIGHT.match(name) or _INDEX.match(name)
    if match is None or match["stem"] not in stems:
        return None
    return match["ext"], match["variant"]


def local_listing(folder: Path) -> list[HubFile]:
    """The files under a local folder (a hub snapshot or a diffusers folder), as a listing."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():  # follows the cache's symlinks; a dangling one is not a file
            found.append(HubFile(path.relative_to(folder).as_posix(), path.stat().st_size))
    return found


def folder_variant(folder: Path, component: str, *, variant: str | None, allow_pickle: bool) -> str | None:
    """The weights variant to load for `component` (a subfolder, "" = the top) of a local folder."""
    files = local_listing(folder / component if component else folder)
    stems = (DIFFUSERS_STEM,) if component in ("", "unet", "vae") else TRANSFORMERS_STEMS
    selection = Selection("controlnet", [])
    chosen: list[str] = []
    _take_model({f.path: f for f in files}, "", stems, variant, allow_pickle, chosen, selection)
    return selection.variants.get("")
