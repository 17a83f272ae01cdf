"""Options of the regional renderer that only FLUX.1 models take (validated before any weights load)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

# Attention backends that accept an attention mask; flash and Sage refuse one (diffusers raises).
MASK_BACKENDS = ("native", "flex", "xformers")
NO_MASK_BACKENDS = ("flash", "flash_hub", "_flash_3", "sage", "sage_varlen", "_sage_qk_int8_pv_fp8_cuda")

FLUX_SCHNELL = "black-forest-labs/FLUX.1-schnell"


class FluxFields(BaseModel):
    """Mixed into the regional renderer's options; set on an SD model they are an error, never ignored."""

    grounding_steps: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.3, description="FLUX: fraction of the steps, from the start, in which instance captions are bound "
        "to their regions (CreatiLayout and InstanceAssemble use 0.3); later steps see the global caption only.")
    image_binding: Literal["off", "middle", "all"] = Field(
        default="off", description="FLUX: during grounding, image tokens attend only to image tokens of their own "
        "region in these attention layers (middle: the middle half, where DreamRenderer found binding helps).")
    max_sequence_length: Annotated[int, Field(ge=16, le=512)] = Field(
        default=512, description="FLUX: T5 tokens of the global caption (instance captions use their real length).")
    true_cfg: Annotated[float, Field(ge=1.0, le=20.0)] = Field(
        default=1.0, description="FLUX: true classifier-free guidance with the scene's negative prompt "
        "(1: off; costs a second transformer pass per step).")
    flux_base: Annotated[str, Field(min_length=1, max_length=1024)] = Field(
        default=FLUX_SCHNELL, description="FLUX: where the text encoders, VAE and scheduler come from when --model "
        "is a single-file transformer (a hub id or a diffusers folder; schnell's are Apache-2.0 and equal dev's).")
    attention_backend: Literal["auto", "native", "flex", "xformers", "flash", "sage"] = Field(
        default="auto", description="FLUX: attention kernel; masks need native (SDPA), flex or xformers.")
    quantize: Literal["none", "int8", "float8"] = Field(
        default="none", description="FLUX: quantise the transformer's weights with torchao (pip install torchao).")

    @field_validator("attention_backend")
    @classmethod
    def _backend_takes_masks(cls, value: str) -> str:
        if value in ("flash", "sage"):
            raise ValueError(f"the '{value}' attention backend refuses attention masks, which region control needs; "
                             f"use one of: auto, {', '.join(MASK_BACKENDS)}")
        return value


FLUX_ONLY = tuple(FluxFields.model_fields)
