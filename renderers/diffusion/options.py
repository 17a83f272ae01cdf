"""The options every diffusion renderer shares, with the names the command line maps its flags onto.

`--model --steps --guidance --scheduler --device --dtype --offload --allow-pickle` set the fields of
the same name; `-O key=value` sets any other field of a renderer's own subclass. Nothing here
imports torch: options are validated before anything heavy is loaded.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, field_validator

from renderers.base import RendererOptions

from .schedulers import SCHEDULER_NAMES

DEFAULT_MODEL = "stable-diffusion-v1-5/stable-diffusion-v1-5"
_DEVICE = re.compile(r"^(auto|cpu|mps|cuda(:\d+)?)$")


class DiffusionOptions(RendererOptions):
    """General settings of a Stable Diffusion style renderer."""

    model: Annotated[str, Field(min_length=1, max_length=1024)] = Field(
        default=DEFAULT_MODEL,
        description="A hub id, a local diffusers folder, a single .safetensors file, or 'tiny' / 'tiny-sdxl' "
        "(random weights built in-process: produces noise, for tests and smoke tests).",
    )
    steps: Annotated[int, Field(ge=1, le=1000)] = Field(default=30, description="Denoising steps.")
    guidance: Annotated[float, Field(ge=0.0, le=50.0)] = Field(
        default=7.5, description="Classifier-free guidance scale; 1 or less turns guidance off."
    )
    scheduler: str = Field(default="dpm++2m-karras", description="Sampler: " + ", ".join(SCHEDULER_NAMES) + ".")
    device: str = Field(default="auto", description="auto (cuda, then mps, then cpu), cpu, mps, cuda or cuda:N.")
    dtype: Literal["auto", "float32", "float16", "bfloat16"] = Field(
        default="auto", description="auto: float16 on GPUs, float32 on the CPU."
    )
    offload: Literal["none", "model", "sequential"] = Field(
        default="none", description="Keep weights in CPU memory and move them to the GPU when used (CUDA only)."
    )
    allow_pickle: bool = Field(
        default=False,
        description="Also load pickle checkpoints (.ckpt/.pt/.pth/.bin), with torch.load(weights_only=True).",
    )
    vae_tiling: Literal["auto", "on", "off"] = Field(
        default="auto", description="Decode in tiles; auto: for canvases over four times the model's native area."
    )

    @field_validator("scheduler")
    @classmethod
    def _known_scheduler(cls, value: str) -> str:
        name = value.strip().lower()
        if name not in SCHEDULER_NAMES:
            raise ValueError(f"unknown scheduler '{value}'; choose one of: {', '.join(SCHEDULER_NAMES)}")
        return name

    @field_validator("device")
    @classmethod
    def _device_name(cls, value: str) -> str:
        name = value.strip().lower()
        if not _DEVICE.match(name):
            raise ValueError(f"unknown device '{value}'; use auto, cpu, mps, cuda or cuda:N")
        return name

    @field_validator("model")
    @classmethod
    def _model_text(cls, value: str) -> str:
        if any(ord(ch) < 32 for ch in value) or not value.strip():
            raise ValueError("must be a hub id, a path, or 'tiny'")
        return value.strip()
