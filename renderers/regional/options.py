"""The regional renderer's options: the fusion mode and its schedule, layers and base ratio.

Validated without torch, before any weights load. A schedule (`fusion_steps`) up to 1 is a
fraction of the steps; a larger value is a whole number of steps and may not pass `steps`. The
mode decides the defaults of what is left out (`regional` and `concat`: every step, no decay;
`dense`: DenseDiffusion's first 30 % with its (t/1000)^5 decay), and the manifest records the
resolved values, so a replay runs the same schedule.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from renderers.diffusion.options import DiffusionOptions
from renderers.flux.options import FluxFields

FusionMode = Literal["regional", "concat", "dense"]
MODE_DEFAULTS: dict[str, dict[str, float]] = {
    "regional": {"fusion_steps": 1.0, "fusion_decay": 0.0},
    "concat": {"fusion_steps": 1.0, "fusion_decay": 0.0},
    "dense": {"fusion_steps": 0.3, "fusion_decay": 5.0},
}
BLOCK_NAME = re.compile(r"^(down|up)(\.[0-9])?$|^mid$")

# The UNet blocks that hold cross-attention, per model family (diffusers' block indices).
CROSS_ATTENTION_BLOCKS: dict[str, tuple[str, ...]] = {
    "sd15": ("down.0", "down.1", "down.2", "mid", "up.1", "up.2", "up.3"),
    "sdxl": ("down.1", "down.2", "mid", "up.0", "up.1"),
    "tiny": ("down.0", "down.1", "mid", "up.1", "up.2"),
}


def parse_layers(value: str) -> tuple[str, ...] | None:
    """'all' -> None (every layer); 'down,mid' -> ('down', 'mid'). Raises ValueError on unknown names."""
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    if not names:
        raise ValueError("name at least one block: all, down, mid, up, or down.N / up.N")
    if names == ["all"]:
        return None
    known = {name for blocks in CROSS_ATTENTION_BLOCKS.values() for name in blocks}
    unknown = [name for name in names if not BLOCK_NAME.match(name) or ("." in name and name not in known)]
    if unknown:
        raise ValueError(f"unknown layer name '{unknown[0]}'; use all, down, mid, up, or a block with "
                         f"cross-attention: {', '.join(sorted(known))}")
    return tuple(dict.fromkeys(names))


def block_selected(block: str, layers: tuple[str, ...] | None) -> bool:
    """Whether a layer in `block` ('down.1', 'mid', 'up.2') is among `layers` (None: all)."""
    if layers is None:
        return True
    return block in layers or block.split(".")[0] in layers


def unknown_blocks(layers: tuple[str, ...] | None, family: str) -> list[str]:
    """Named blocks (down.N / up.N) that hold no cross-attention in `family`'s UNet."""
    present = CROSS_ATTENTION_BLOCKS[family]
    return [name for name in layers or () if "." in name and name not in present]


class RegionalOptions(FluxFields, DiffusionOptions):
    batch_size: Annotated[int, Field(ge=1, le=64)] = Field(
        default=1, description="Images per denoising call. 1 keeps each image bit-identical to its replay; "
        "larger batches are faster on a GPU and agree with single images to float rounding.")
    fusion: FusionMode = Field(
        default="regional", description="How instance captions reach their regions: regional (each region "
        "attends to its own caption, blended with the base), concat (every caption's tokens in one attention, "
        "masked by region), dense (DenseDiffusion-style score modulation).")
    base_ratio: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.25, description="regional: share of the base caption (the scene's plain list of things and "
        "its background) in every region's attention.")
    fusion_strength: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        default=1.0, description="concat: weight of an instance's tokens inside its region; dense: modulation "
        "strength (0: instances have no effect in either).")
    fusion_steps: Annotated[float, Field(ge=0.0, le=1000.0)] | None = Field(
        default=None, description="Steps with fusion, from the start: a fraction up to 1, or a whole number of "
        "steps; later steps attend to the scene caption only. Default by mode: 1.0 (dense: 0.3).")
    fusion_decay: Annotated[float, Field(ge=0.0, le=20.0)] | None = Field(
        default=None, description="Fusion fades with the noise level as (t/1000)^decay (0: no fading). "
        "Default by mode: 0 (dense: 5).")
    fusion_layers: Annotated[str, Field(min_length=1, max_length=200)] = Field(
        default="all", description="The UNet (and ControlNet) blocks with fusion: all, or a comma list of "
        "down, mid, up, down.N, up.N; other layers attend to the scene caption only.")
    self_attention_steps: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.0, description="Fraction of the steps, from the start, with instance-separating self-attention "
        "(0: off).")
    self_attention_penalty: Annotated[float, Field(ge=0.0, le=100.0)] = Field(
        default=4.0, description="How much self-attention between different instances is damped in those "
        "steps: a logit penalty (finite: 4 leaves e^-4 of the weight).")
    mask_feather: Annotated[float, Field(ge=0.0, le=8.0)] = Field(
        default=1.0, description="Soft edge of box regions, in cells of each attention layer (0: hard edges).")
    pose_mask_dilation: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        default=0.2, description="How far a posed instance's region reaches around its skeleton, as a fraction "
        "of the person's height.")
    controlnet: Annotated[str, Field(min_length=1, max_length=1024)] = Field(
        default="auto", description="OpenPose ControlNet for posed instances: auto (the model family's default), "
        "none (poses shape the regions only), a hub id, folder or file.")
    control_scale: Annotated[float, Field(ge=0.0, le=4.0)] = Field(
        default=1.0, description="Strength of the pose control.")
    ip_adapter: Annotated[str, Field(min_length=1, max_length=1024)] = Field(
        default="auto", description="IP-Adapter for instances with a reference: auto (h94/IP-Adapter's plus "
        "adapter of the model family; the tiny one for the tiny models), a hub id, a folder (one adapter file "
        "and an image_encoder folder) or an adapter file with image_encoder/ beside it.")
    reference_strength: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        default=0.8, description="IP-Adapter scale of an instance's reference where the scene gives none.")

    @model_validator(mode="before")
    @classmethod
    def _mode_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        mode = data.get("fusion", "regional")
        defaults = MODE_DEFAULTS.get(mode) if isinstance(mode, str) else None
        if defaults is None:
            return data  # the mode's own error is reported
        return {**data, **{key: value for key, value in defaults.items() if data.get(key) is None}}

    @field_validator("fusion_layers")
    @classmethod
    def _layer_names(cls, value: str) -> str:
        parse_layers(value)
        return value.strip().lower()

    @field_validator("fusion_steps")
    @classmethod
    def _schedule_shape(cls, value: float | None) -> float | None:
        if value is not None and value > 1 and value != int(value):
            raise ValueError("must be a fraction of the steps (0 to 1) or a whole number of steps")
        return value

    @model_validator(mode="after")
    def _schedule_within_steps(self) -> RegionalOptions:
        if self.fusion_steps is not None and self.fusion_steps > 1 and self.fusion_steps > self.steps:
            # Raised with its location, so that the error names the option and not the whole model.
            error = PydanticCustomError("schedule_past_steps", "{count} steps is past the step count ({steps})",
                                        {"count": int(self.fusion_steps), "steps": self.steps})
            raise ValidationError.from_exception_data(
                "RegionalOptions", [InitErrorDetails(type=error, loc=("fusion_steps",), input=self.fusion_steps)])
        return self

    @property
    def layers(self) -> tuple[str, ...] | None:
        return parse_layers(self.fusion_layers)

    def fused_steps(self) -> int:
        """How many of the first steps run with fusion."""
        value = self.fusion_steps or 0.0
        return int(value) if value > 1 else round(value * self.steps)
