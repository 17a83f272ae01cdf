"""Loading SD-1.5 / SDXL components and OpenPose ControlNets, and turning load failures into exit 4.

Components are loaded one by one (no safety checker, no image encoder), with `dtype=` and
`use_safetensors=True` unless pickles are allowed; the family (sd15 or sdxl) is read from the
pipeline's model_index.json, or, for a single checkpoint file, from its tensor names. Renderers
run their own denoising loop on these components.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from scenes.errors import InvalidInput, RendererUnavailable
from scenes.manifest import ModelRef

from . import tiny
from .hubfiles import FP16, folder_variant
from .records import model_ref
from .sources import (
    ModelSource,
    check_file,
    check_local_pipeline,
    check_weights_folder,
    download_hint,
    offline,
    parse_source,
)

Family = Literal["sd15", "sdxl"]

DEFAULT_OPENPOSE_CONTROLNETS: dict[str, str] = {
    "sd15": "lllyasviel/control_v11p_sd15_openpose",
    "sdxl": "xinsir/controlnet-openpose-sdxl-1.0",
}
# The canvas side each family was trained at (VAE tiling "auto" and SDXL size conditioning use it).
NATIVE_SIDE: dict[str, int] = {"sd15": 512, "sdxl": 1024}
# A key found only in SDXL single-file checkpoints (its second, OpenCLIP text encoder).
_SDXL_KEY_PREFIX = "conditioner.embedders.1."



@dataclass
class Components:
    """The pieces of a Stable Diffusion model a denoising loop needs."""

    family: Family
    unet: Any
    vae: Any
    text_encoders: list[Any]
    tokenizers: list[Any]
    scheduler_config: dict[str, Any]
    source: ModelSource
    # SDXL: an empty negative prompt is all zeros rather than the encoding of "".
    force_zeros_for_empty_prompt: bool = False
    refs: list[ModelRef] = field(default_factory=list)

    @property
    def native_side(self) -> int:
        return NATIVE_SIDE[self.family]

    @property
    def vae_scale_factor(self) -> int:
        return 2 ** (len(self.vae.config.block_out_channels) - 1)


# -- cheap checks -------------------------------------------------------------------------------

def check_model(spec: str, *, allow_pickle: bool) -> ModelSource:
    """Every check on a --model value that needs no download: format and existence of local files.

    Whether a hub model is cached is not checked here: `renderers.weights` lists every missing
    piece of a run at once."""
    source = parse_source(spec)
    if source.kind == "folder":
        check_local_pipeline(source.path, allow_pickle=allow_pickle)
    elif source.kind == "file":
        check_file(source.path, allow_pickle=allow_pickle)
    return source


def check_controlnet(spec: str, *, allow_pickle: bool) -> ModelSource:
    source = parse_source(spec)
    if source.kind == "folder":
        check_weights_folder(source.path, "the ControlNet", allow_pickle=allow_pickle)
    elif source.kind == "file":
        check_file(source.path, allow_pickle=allow_pickle)
    return source


def default_controlnet(family: Family, model_source: ModelSource) -> str:
    """The OpenPose ControlNet that goes with a model: the tiny one for the tiny preset."""
    return "tiny" if model_source.kind == "tiny" else DEFAULT_OPENPOSE_CONTROLNETS[family]


# -- loading ------------------------------------------------------------------------------------

@contextlib.contextmanager
def load_errors(what: str, source: ModelSource):
    """Turn the many ways a download or a load can fail into RendererUnavailable with a hint."""
    from huggingface_hub.errors import HfHubHTTPError

    try:
        yield
    except (InvalidInput, RendererUnavailable):
        raise
    except (OSError, HfHubHTTPError, ConnectionError, TimeoutError) as error:
        if source.kind == "hub":
            reason = "not in the local cache" if offline() else "could not be downloaded"
            hint = download_hint(source.spec)
        else:
            reason, hint = "could not be loaded", "Check that the folder or file is a complete, uncorrupted model."
        raise RendererUnavailable(f"{what} '{source.spec}' {reason}: {_first_line(error)}", hint=hint) from error


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def load_components(spec: str, *, dtype, allow_pickle: bool) -> Components:
    source = check_model(spec, allow_pickle=allow_pickle)
    if source.kind == "tiny":
        return _tiny_components(source)
    with load_errors("model", source), library_bars():
        if source.kind == "file":
            announce(f"the checkpoint {source.spec}")
            return _single_file_components(source, dtype=dtype)
        return _pipeline_components(source, dtype=dtype, allow_pickle=allow_pickle)


def _tiny_components(source: ModelSource) -> Components:
    family = source.tiny_family
    unet, vae, encoders, tokenizers, scheduler_config = tiny.build_sdxl() if family == "sdxl" else tiny.build_sd15()
    components = Components(family, unet, vae, encoders, tokenizers, scheduler_config, source,
                            force_zeros_for_empty_prompt=family == "sdxl")
    components.refs = [model_ref("pipeline", source, index_file="", modules=(unet, vae, *encoders))]
    return components


def _pipeline_components(source: ModelSource, *, dtype, allow_pickle: bool) -> Components:
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from transformers import CLIPTextModel, CLIPTextModelWithProjection, CLIPTokenizer

    folder = local_folder(source)
    index = _read_model_index(source)
    if "text_encoder" not in index or "unet" not in index:
        raise InvalidInput(f"'{source.spec}' is not a Stable Diffusion text-to-image pipeline "
                           f"({index.get('_class_name', 'unknown class')})",
                           hint="Use an SD-1.x/2.x or SDXL base model.")
    family: Family = "sdxl" if "text_encoder_2" in index else "sd15"
    def load(cls, component: str, component_dtype):
        announce(f"{component} of {source.spec}")
        variant = folder_variant(folder, component, variant=weights_variant(dtype), allow_pickle=allow_pickle)
        return cls.from_pretrained(str(folder), subfolder=component, dtype=component_dtype, variant=variant,
                                   use_safetensors=None if allow_pickle else True, local_files_only=True)

    unet = load(UNet2DConditionModel, "unet", dtype)
    vae = load(AutoencoderKL, "vae", vae_dtype(family, dtype))
    encoders = [load(CLIPTextModel, "text_encoder", dtype)]
    tokenizers = [CLIPTokenizer.from_pretrained(str(folder), subfolder="tokenizer", local_files_only=True)]
    if family == "sdxl":
        encoders.append(load(CLIPTextModelWithProjection, "text_encoder_2", dtype))
        tokenizers.append(CLIPTokenizer.from_pretrained(str(folder), subfolder="tokenizer_2", local_files_only=True))
    scheduler_config = _read_json(source, "scheduler/scheduler_config.json")
    components = Components(family, unet, vae, encoders, tokenizers, scheduler_config, source,
                            force_zeros_for_empty_prompt=bool(index.get("force_zeros_for_empty_prompt",
                                                                        family == "sdxl")))
    components.refs = [model_ref("pipeline", source, index_file="model_index.json")]
    return components


def _single_file_components(source: ModelSource, *, dtype) -> Components:
    """An original-layout checkpoint; diffusers converts it, using its base model's configs."""
    family = single_file_family(source.path)
    if family == "sdxl":
        from diffusers import StableDiffusionXLPipeline as pipeline_class
    else:
        from diffusers import StableDiffusionPipeline as pipeline_class
    base = "stabilityai/stable-diffusion-xl-base-1.0" if family == "sdxl" else "stable-diffusion-v1-5/stable-diffusion-v1-5"
    try:
        pipe = pipeline_class.from_single_file(str(source.path), dtype=dtype, local_files_only=offline())
    except (OSError, ValueError) as error:
        raise RendererUnavailable(
            f"could not convert the checkpoint {source.path}: {_first_line(error)}",
            hint="A single-file checkpoint needs its base model's configuration files. "
            + download_hint(base, configs_only=True),
        ) from error
    encoders = [pipe.text_encoder] + ([pipe.text_encoder_2] if family == "sdxl" else [])
    tokenizers = [pipe.tokenizer] + ([pipe.tokenizer_2] if family == "sdxl" else [])
    components = Components(family, pipe.unet, pipe.vae, encoders, tokenizers, dict(pipe.scheduler.config), source,
                            force_zeros_for_empty_prompt=family == "sdxl")
    components.refs = [model_ref("pipeline", source, index_file="")]
    return components


def single_file_family(path: Path) -> Family:
    if path.suffix.lower() != ".safetensors":
        from diffusers.models.model_loading_utils import load_state_dict

        keys = load_state_dict(str(path)).keys()  # torch.load(weights_only=True) inside diffusers
    else:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as handle:  # reads the header only
            keys = list(handle.keys())
    return "sdxl" if any(key.startswith(_SDXL_KEY_PREFIX) for key in keys) else "sd15"


def vae_dtype(family: Family, dtype):
    import torch

    # SDXL's VAE overflows in float16 (its config says force_upcast); it decodes in float32.
    return torch.float32 if family == "sdxl" and dtype == torch.float16 else dtype


def _read_model_index(source: ModelSource) -> dict[str, Any]:
    return _read_json(source, "model_index.json")


def _read_json(source: ModelSource, filename: str) -> dict[str, Any]:
    path = local_folder(source) / filename
    if not path.is_file():
        raise RendererUnavailable(f"'{source.spec}' has no {filename}", hint=download_hint(source.spec)
                                  if source.kind == "hub" else "Pass a complete diffusers folder.")
    return json.loads(path.read_text(encoding="utf-8"))


def local_folder(source: ModelSource) -> Path:
    """Where a folder or hub model's files are: the folder itself, or the hub cache's snapshot."""
    if source.path is not None:
        return source.path
    from .hub import snapshot_folder

    folder = snapshot_folder(source.spec)
    if folder is None:
        reason = "HF_HUB_OFFLINE is set" if offline() else "it was not downloaded"
        raise RendererUnavailable(f"'{source.spec}' is not in the local model cache ({reason})",
                                  hint=download_hint(source.spec))
    return folder


def weights_variant(dtype) -> str | None:
    """The weights file variant a run in `dtype` prefers: fp16 for float16, else the full weights."""
    import torch

    return FP16 if dtype == torch.float16 else None


def on_terminal() -> bool:
    """Whether loading may talk: stderr is a terminal and -q did not silence the libraries' bars."""
    import os
    import sys

    quiet = os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "").strip().lower() in {"1", "true", "yes", "on"}
    try:
        return sys.stderr.isatty() and not quiet
    except (AttributeError, ValueError):
        return False


def announce(what: str) -> None:
    """Say what is loading, on a terminal only: first loads take seconds to minutes without a word."""
    import sys

    if on_terminal():
        print(f"Loading {what}…", file=sys.stderr, flush=True)


@contextlib.contextmanager
def library_bars():
    """diffusers', transformers' and the hub's progress bars only on a terminal (never in pipes or tests)."""
    if on_terminal():
        yield
        return
    from diffusers.utils import logging as diffusers_logging
    from huggingface_hub.utils import are_progress_bars_disabled, disable_progress_bars, enable_progress_bars
    from transformers.utils import logging as transformers_logging

    hub_was_off = are_progress_bars_disabled()
    diffusers_logging.disable_progress_bar()
    transformers_logging.disable_progress_bar()
    disable_progress_bars()
    try:
        yield
    finally:
        diffusers_logging.enable_progress_bar()
        transformers_logging.enable_progress_bar()
        if not hub_was_off:
            enable_progress_bars()


def load_controlnet(spec: str, family: Family, *, dtype, allow_pickle: bool):
    """An OpenPose ControlNet and its manifest reference."""
    if spec == "tiny":
        controlnet = tiny.build_controlnet(family)
        return controlnet, model_ref("controlnet", ModelSource("tiny", "tiny"), index_file="", modules=(controlnet,))
    from diffusers import ControlNetModel

    source = check_controlnet(spec, allow_pickle=allow_pickle)
    announce(f"the ControlNet {source.spec}")
    with load_errors("ControlNet", source), library_bars():
        if source.kind == "file":
            controlnet = ControlNetModel.from_single_file(str(source.path), dtype=dtype, local_files_only=offline())
        else:
            folder = local_folder(source)
            variant = folder_variant(folder, "", variant=weights_variant(dtype), allow_pickle=allow_pickle)
            controlnet = ControlNetModel.from_pretrained(str(folder), dtype=dtype, local_files_only=True,
                                                         variant=variant,
                                                         use_safetensors=None if allow_pickle else True)
    return controlnet, model_ref("controlnet", source, index_file="config.json")
