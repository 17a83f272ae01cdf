"""Loading a FLUX.1 (hub id, folder, single-file transformer or tiny preset) and its pose ControlNet."""

from __future__ import annotations

from renderers.diffusion.loading import load_errors
from renderers.diffusion.records import model_ref
from renderers.diffusion.sources import ModelSource, offline
from scenes.errors import RendererUnavailable
from scenes.manifest import ModelRef

from .sources import FluxSource
from .tiny import build_tiny_flux, build_tiny_flux_controlnet


def ao_config(quantize: str):
    """torchao's weight-only config for -O quantize (None for 'none'); exit 4 when torchao is missing."""
    if quantize == "none":
        return None
    try:
        from torchao.quantization import Float8WeightOnlyConfig, Int8WeightOnlyConfig
    except ImportError:
        raise RendererUnavailable(f"-O quantize={quantize} needs torchao, which is not installed",
                                  hint="pip install torchao (or leave -O quantize=none).") from None
    return Int8WeightOnlyConfig() if quantize == "int8" else Float8WeightOnlyConfig()


def check_quantization(quantize: str) -> None:
    ao_config(quantize)


def quantization_config(quantize: str):
    config = ao_config(quantize)
    if config is None:
        return None
    from diffusers import TorchAoConfig

    return TorchAoConfig(config)


def load_flux(flux: FluxSource, *, dtype, quantize: str, allow_pickle: bool) -> tuple[dict, list[ModelRef]]:
    """FluxPipeline components (a dict) and the manifest's references to the weights."""
    source = flux.source
    if source.kind == "tiny":
        components = build_tiny_flux(source.spec)
        modules = [components[name] for name in ("transformer", "vae", "text_encoder", "text_encoder_2")]
        refs = [model_ref("pipeline", source, index_file="", modules=modules)]  # hashed before quantising
        if quantize != "none":
            _quantize_in_place(components["transformer"], quantize)
        return components, refs
    from diffusers import FluxPipeline, FluxTransformer2DModel

    common = dict(torch_dtype=dtype, local_files_only=offline(), use_safetensors=None if allow_pickle else True)
    quantization = quantization_config(quantize)
    with load_errors("model", source):
        if source.kind == "file":
            base = _location(flux.base)
            transformer = FluxTransformer2DModel.from_single_file(
                str(source.path), config=base, subfolder="transformer", torch_dtype=dtype,
                local_files_only=offline(), quantization_config=quantization)
            pipe = FluxPipeline.from_pretrained(base, transformer=transformer, **common)
            refs = [model_ref("transformer", source, index_file=""),
                    model_ref("pipeline", flux.base, index_file="model_index.json")]
        else:
            location = _location(source)
            extra = {}
            if quantization is not None:
                extra["transformer"] = FluxTransformer2DModel.from_pretrained(
                    location, subfolder="transformer", quantization_config=quantization, **common)
            pipe = FluxPipeline.from_pretrained(location, **common, **extra)
            refs = [model_ref("pipeline", source, index_file="model_index.json")]
    names = ("transformer", "vae", "text_encoder", "text_encoder_2", "tokenizer", "tokenizer_2", "scheduler")
    return {name: getattr(pipe, name) for name in names}, refs


def load_flux_controlnet(spec: str, *, preset: str | None, dtype, allow_pickle: bool):
    if spec == "tiny":
        controlnet = build_tiny_flux_controlnet(preset or "tiny-flux")
        return controlnet, model_ref("controlnet", ModelSource("tiny", "tiny"), index_file="", modules=(controlnet,))
    from diffusers import FluxControlNetModel

    from renderers.diffusion.sources import parse_source

    source = parse_source(spec)
    with load_errors("ControlNet", source):
        controlnet = FluxControlNetModel.from_pretrained(_location(source), torch_dtype=dtype,
                                                         local_files_only=offline(),
                                                         use_safetensors=None if allow_pickle else True)
    return controlnet.eval().requires_grad_(False), model_ref("controlnet", source, index_file="config.json")


def _location(source: ModelSource) -> str:
    return str(source.path) if source.path is not None else source.spec


def _quantize_in_place(transformer, quantize: str) -> None:
    from torchao.quantization import quantize_

    quantize_(transformer, ao_config(quantize))
