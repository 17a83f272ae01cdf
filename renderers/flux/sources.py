"""Is a --model a FLUX.1, and are its local parts complete? Cheap checks, no weights read.

A FLUX.1 comes as a hub id, a diffusers folder (model_index.json, transformer/, text_encoder/ (CLIP),
text_encoder_2/ (T5), tokenizers, vae/, scheduler/), a single-file transformer whose other parts come
from `flux_base`, or the `tiny-flux` presets. Whether hub weights are downloaded is asked with every
other piece of the run (`renderers.weights`): FLUX.1-dev's weights are under a non-commercial licence,
and `deig download` / `--download` fetch them only with `--accept-license`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from renderers.diffusion.sources import (
    ModelSource,
    cached_file,
    check_file,
    check_weights_folder,
    parse_source,
)
from scenes.errors import InvalidInput, RendererUnavailable

from .tiny import TINY_FLUX_PRESETS

PIPELINE_PARTS = ("transformer", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "vae", "scheduler")
WEIGHT_PARTS = ("transformer", "text_encoder", "text_encoder_2", "vae")

# Tensor-name prefixes that tell a single-file transformer's family (original and diffusers layouts).
_FLUX_MARKERS = (("double_blocks.", "single_blocks."), ("single_transformer_blocks.", "x_embedder."))
_OTHER_DIT_MARKERS = {"double_stream_modulation_img": "FLUX.2", "joint_blocks.": "Stable Diffusion 3",
                      "pos_embed.proj.": "Stable Diffusion 3", "transformer_blocks.0.img_mod.": "Qwen-Image"}


@dataclass(frozen=True)
class FluxSource:
    source: ModelSource
    base: ModelSource | None = None  # where the other parts come from, for a single-file transformer

    @property
    def guidance_embeds(self) -> bool:
        """True for FLUX.1-dev-like (distilled guidance) transformers, False for schnell-like ones."""
        return flux_guidance_embeds(self.source)


def _stripped(key: str) -> str:
    for prefix in ("model.diffusion_model.", "transformer."):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def single_file_keys(path: Path) -> list[str]:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:  # reads the header only
        return [_stripped(key) for key in handle.keys()]


def file_family(path: Path) -> str:
    """flux, sd (an SD-1.x/SDXL checkpoint: not ours to judge here) or the name of another DiT family."""
    if path.suffix.lower() != ".safetensors":
        return "sd"
    keys = single_file_keys(path)
    for marker, family in _OTHER_DIT_MARKERS.items():
        if any(key.startswith(marker) for key in keys):
            return family
    for markers in _FLUX_MARKERS:
        if all(any(key.startswith(marker) for key in keys) for marker in markers):
            return "flux"
    return "sd"


def _index_class(source: ModelSource) -> str | None:
    if source.kind == "folder":
        path = source.path / "model_index.json"
    elif source.kind == "hub":
        path = cached_file(source.spec, "model_index.json")
    else:
        return None
    if path is None or not path.is_file():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8")).get("_class_name", ""))
    except (OSError, ValueError):
        return None


def is_flux(spec: str) -> bool:
    """Whether --model names a FLUX.1 (no weights read; hub ids by their cached index, else their name)."""
    if spec in TINY_FLUX_PRESETS:
        return True
    try:
        source = parse_source(spec)
    except (InvalidInput, RendererUnavailable):
        return False
    if source.kind == "file":
        return file_family(source.path) == "flux"
    name = _index_class(source)
    if name is not None:
        return name.startswith("Flux")
    return source.kind == "hub" and "flux.1" in spec.lower()


def flux_guidance_embeds(source: ModelSource) -> bool:
    if source.kind == "tiny":
        return TINY_FLUX_PRESETS[source.spec]
    if source.kind == "file":
        return any(key.startswith(("guidance_in.", "time_text_embed.guidance_embedder."))
                   for key in single_file_keys(source.path))
    path = (source.path / "transformer" / "config.json") if source.kind == "folder" else \
        cached_file(source.spec, "transformer/config.json")
    if path is not None and path.is_file():
        return bool(json.loads(path.read_text(encoding="utf-8")).get("guidance_embeds", False))
    return "schnell" not in source.spec.lower()


def check_flux_model(spec: str, *, base: str, allow_pickle: bool) -> FluxSource:
    """Every check on a FLUX --model that needs no weights: parts present, family, licence, cache."""
    if spec in TINY_FLUX_PRESETS:
        return FluxSource(ModelSource(spec, "tiny"))
    source = parse_source(spec)
    if source.kind == "folder":
        check_flux_folder(source.path, allow_pickle=allow_pickle)
        return FluxSource(source)
    if source.kind == "file":
        check_file(source.path, allow_pickle=allow_pickle)
        family = file_family(source.path)
        if family != "flux":
            raise InvalidInput(f"{source.path} is not a FLUX.1 transformer (its tensors are those of {family})",
                               hint="Pass a FLUX.1 transformer file, or a model of that family's own renderer.")
        base_source = check_flux_model(base, base=base, allow_pickle=allow_pickle).source
        if base_source.kind == "file":
            raise InvalidInput("-O flux_base must be a hub id or a diffusers folder, not a single file",
                               hint="e.g. -O flux_base=black-forest-labs/FLUX.1-schnell")
        return FluxSource(source, base_source)
    return FluxSource(source)


def check_flux_folder(folder: Path, *, allow_pickle: bool) -> None:
    index_path = folder / "model_index.json"
    if not index_path.is_file():
        raise InvalidInput(f"{folder} is not a diffusers pipeline folder (no model_index.json)",
                           hint="Pass the folder that holds model_index.json, transformer/, text_encoder_2/ …")
    index = json.loads(index_path.read_text(encoding="utf-8"))
    missing = [part for part in PIPELINE_PARTS if part not in index or not (folder / part).is_dir()]
    if missing:
        raise InvalidInput(f"the FLUX folder {folder} lacks {', '.join(missing)}",
                           hint="FLUX.1 needs transformer/, text_encoder/ (CLIP), text_encoder_2/ (T5), tokenizer/, "
                           "tokenizer_2/, vae/ and scheduler/; save the whole pipeline with save_pretrained.")
    for part in WEIGHT_PARTS:
        check_weights_folder(folder / part, f"the {part.replace('_', ' ')}", allow_pickle=allow_pickle)


def check_flux_controlnet(spec: str, *, transformer_text_width: int | None, allow_pickle: bool) -> ModelSource:
    """A FLUX ControlNet folder or hub id: made for FLUX (not for SD), with the transformer's text width."""
    source = parse_source(spec)
    if source.kind == "file":
        raise InvalidInput("a FLUX ControlNet must be a diffusers folder or a hub id, not a single file",
                           hint="e.g. -O controlnet=Shakker-Labs/FLUX.1-dev-ControlNet-Union-Pro")
    if source.kind == "folder":
        config_path = source.path / "config.json"
    else:
        config_path = cached_file(source.spec, "config.json")
    if config_path is None or not config_path.is_file():
        return source  # downloaded by load(); its class is checked there
    config = json.loads(config_path.read_text(encoding="utf-8"))
    name = config.get("_class_name", "")
    if name not in ("FluxControlNetModel", "FluxMultiControlNetModel"):
        raise InvalidInput(f"the ControlNet '{spec}' is a {name or 'model of unknown class'}, made for another base "
                           "model than FLUX.1", hint="Use a FLUX.1 pose ControlNet (a Union model), or -O controlnet=none.")
    width = config.get("joint_attention_dim")
    if transformer_text_width is not None and width is not None and width != transformer_text_width:
        raise InvalidInput(f"the ControlNet '{spec}' expects {width}-wide text states; the model gives "
                           f"{transformer_text_width}", hint="Use a ControlNet made for this FLUX model.")
    if source.kind == "folder":
        check_weights_folder(source.path, "the ControlNet", allow_pickle=allow_pickle)
    return source
