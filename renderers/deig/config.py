"""The shape of the DEIG model: the published full size, and a tiny one for tests.

Every number of the full-size preset comes from `shared/specs/deig-and-finecontrolnet.md` §1.3
(UNet, fusers, position net, Instance Detail Extractor), §1.1 (autoencoder, schedule), §1.2 (T5).
The tiny preset keeps the same *structure* (levels, layers, blocks, 16 tokens per instance, so the
same checkpoint key names) with widths small enough to run on a CPU in a test.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

# Instance slots in the published model and tokens per instance (spec §2.2, §2.4).
MAX_INSTANCES = 30
TOKENS_PER_INSTANCE = 16


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExtractorConfig(_Config):
    """Instance Detail Extractor: a timestep-conditioned perceiver resampler (spec §2.3-2.4)."""

    time_channels: int = 320
    time_embed_dim: int = 768
    width: int = 768
    layers: int = 6
    heads: int = 8
    num_latents: int = TOKENS_PER_INSTANCE
    input_dim: int = 2048
    mlp_ratio: int = 4


class PositionNetConfig(_Config):
    """Grounding-token MLP over [instance token ; Fourier box code] (spec §2.6)."""

    feature_dim: int = 768
    hidden_dim: int = 512
    out_dim: int = 768
    fourier_freqs: int = 8


class UNetConfig(_Config):
    """An SD-1.x UNet whose every transformer block carries a gated fuser (spec §1.3)."""

    block_out_channels: tuple[int, ...] = (320, 640, 1280, 1280)
    layers_per_block: int = 2
    attention_head_dim: int = 8  # the legacy diffusers field: 8 *heads* per block in SD-1.x
    cross_attention_dim: int = 768
    norm_num_groups: int = 32
    sample_size: int = 64

    def diffusers_kwargs(self) -> dict[str, Any]:
        levels = len(self.block_out_channels)
        return {
            "sample_size": self.sample_size,
            "in_channels": 4,
            "out_channels": 4,
            "block_out_channels": self.block_out_channels,
            "layers_per_block": self.layers_per_block,
            "down_block_types": ("CrossAttnDownBlock2D",) * (levels - 1) + ("DownBlock2D",),
            "up_block_types": ("UpBlock2D",) + ("CrossAttnUpBlock2D",) * (levels - 1),
            "cross_attention_dim": self.cross_attention_dim,
            "attention_head_dim": self.attention_head_dim,
            "norm_num_groups": self.norm_num_groups,
            "attention_type": "gated",
        }


class VaeConfig(_Config):
    block_out_channels: tuple[int, ...] = (128, 256, 512, 512)
    scaling_factor: float = 0.18215  # decoding divides the latents by it (spec §1.1)
    layers_per_block: int = 2
    norm_num_groups: int = 32
    sample_size: int = 512

    def diffusers_kwargs(self) -> dict[str, Any]:
        levels = len(self.block_out_channels)
        return {
            "in_channels": 3,
            "out_channels": 3,
            "latent_channels": 4,
            "block_out_channels": self.block_out_channels,
            "layers_per_block": self.layers_per_block,
            "down_block_types": ("DownEncoderBlock2D",) * levels,
            "up_block_types": ("UpDecoderBlock2D",) * levels,
            "norm_num_groups": self.norm_num_groups,
            "sample_size": self.sample_size,
            "scaling_factor": self.scaling_factor,
        }


class ScheduleConfig(_Config):
    """LDM's "linear" schedule = diffusers' scaled_linear (spec §1.1)."""

    num_train_timesteps: int = 1000
    beta_start: float = 0.00085
    beta_end: float = 0.012


class TextConfig(_Config):
    max_length: int = 128
    hidden_size: int = 2048


class DeigConfig(_Config):
    """Everything needed to build the model's modules before any weight is loaded."""

    format_version: int = 1
    unet: UNetConfig = Field(default_factory=UNetConfig)
    extractor: ExtractorConfig = Field(default_factory=ExtractorConfig)
    position_net: PositionNetConfig = Field(default_factory=PositionNetConfig)
    vae: VaeConfig = Field(default_factory=VaeConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    text: TextConfig = Field(default_factory=TextConfig)
    max_instances: int = MAX_INSTANCES
    # Native resolution of the published model (spec §4.2): 512x512, latent 64x64.
    native_size: int = 512

    @property
    def vae_scale_factor(self) -> int:
        return 2 ** (len(self.vae.block_out_channels) - 1)

    @property
    def unet_levels(self) -> int:
        return len(self.unet.block_out_channels)


FULL = DeigConfig()

# Same structure as FULL (so the same checkpoint key names), tiny widths. The VAE keeps four
# levels, so a 64x64 image gives an 8x8 latent and every UNet level (8, 4, 2, 1) exists.
TINY = DeigConfig(
    # One head per attention (the published model has 8; names and shapes do not depend on it):
    # attention over a 64x64 latent dominates a tiny render's time.
    unet=UNetConfig(block_out_channels=(16, 32, 64, 64), attention_head_dim=1, cross_attention_dim=32,
                    norm_num_groups=8, sample_size=8),
    extractor=ExtractorConfig(time_channels=16, time_embed_dim=32, width=32, heads=4, input_dim=16),
    position_net=PositionNetConfig(feature_dim=32, hidden_dim=32, out_dim=32),
    vae=VaeConfig(block_out_channels=(8, 8, 16, 16), layers_per_block=1, norm_num_groups=4, sample_size=64),
    text=TextConfig(max_length=32, hidden_size=16),
    native_size=64,
)
