"""The Instance Detail Extractor (IDE): one T5 sequence in, 16 compact tokens out.

Written from spec §2.3-2.5. A perceiver resampler whose 16 learned latents read the projected
T5 features through 6 blocks; every LayerNorm is modulated by the denoising timestep (AdaLN), so
the tokens an instance contributes change along the trajectory. The same weights turn the
global caption (and the negative prompt) into the 16-token cross-attention context.

Parameter names follow the published checkpoint's `IDE.*` keys with the `IDE.` prefix dropped
(`time_embedding.*`, `connector.*`), so the converter only strips a prefix.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.models.embeddings import TimestepEmbedding, Timesteps
from torch import nn

from .config import ExtractorConfig


class AdaptiveLayerNorm(nn.Module):
    """LayerNorm without affine, then shift and scale predicted from the time embedding."""

    def __init__(self, width: int, time_dim: int):
        super().__init__()
        self.linear = nn.Linear(time_dim, 2 * width)
        self.norm = nn.LayerNorm(width, eps=1e-6, elementwise_affine=False)

    def forward(self, x: torch.Tensor, time_features: torch.Tensor) -> torch.Tensor:
        # time_features is already SiLU-activated, (B, time_dim). The first half is the shift.
        shift, scale = self.linear(time_features).unsqueeze(1).chunk(2, dim=-1)
        return self.norm(x) * (1 + scale) + shift


class SquaredReluMlp(nn.Module):
    def __init__(self, width: int, hidden: int):
        super().__init__()
        self.c_fc = nn.Linear(width, hidden)
        self.c_proj = nn.Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(F.relu(self.c_fc(x)).square())


class PerceiverBlock(nn.Module):
    """Latent self-attention, then cross-attention to [latents ; features], then the MLP."""

    def __init__(self, width: int, heads: int, time_dim: int, mlp_ratio: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.cross_attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.mlp = SquaredReluMlp(width, width * mlp_ratio)
        self.ln_0 = AdaptiveLayerNorm(width, time_dim)
        self.ln_1 = AdaptiveLayerNorm(width, time_dim)
        self.ln_2 = AdaptiveLayerNorm(width, time_dim)
        self.ln_ff = AdaptiveLayerNorm(width, time_dim)

    def forward(self, latents: torch.Tensor, features: torch.Tensor, time_features: torch.Tensor) -> torch.Tensor:
        normed = self.ln_0(latents, time_features)
        latents = latents + self.attn(normed, normed, normed, need_weights=False)[0]
        normed = self.ln_1(latents, time_features)
        keys = torch.cat([normed, self.ln_2(features, time_features)], dim=1)
        latents = latents + self.cross_attn(normed, keys, keys, need_weights=False)[0]
        return latents + self.mlp(self.ln_ff(latents, time_features))


class PerceiverResampler(nn.Module):
    def __init__(self, config: ExtractorConfig):
        super().__init__()
        width = config.width
        self.latents = nn.Parameter(torch.randn(config.num_latents, width) * width**-0.5)
        self.time_aware_linear = nn.Linear(config.time_embed_dim, width)
        self.proj_in = nn.Linear(config.input_dim, width)
        self.perceiver_blocks = nn.ModuleList(
            PerceiverBlock(width, config.heads, config.time_embed_dim, config.mlp_ratio) for _ in range(config.layers)
        )

    def forward(self, features: torch.Tensor, time_features: torch.Tensor) -> torch.Tensor:
        # The projected features are read by every block but never updated.
        features = self.proj_in(features)
        latents = self.latents.unsqueeze(0) + self.time_aware_linear(time_features).unsqueeze(1)
        for block in self.perceiver_blocks:
            latents = block(latents, features, time_features)
        return latents  # no final norm, no output projection


class InstanceDetailExtractor(nn.Module):
    """(N, L, input_dim) text features and a timestep -> (N, num_latents, width) tokens."""

    def __init__(self, config: ExtractorConfig):
        super().__init__()
        self.config = config
        self.time_proj = Timesteps(config.time_channels, flip_sin_to_cos=True, downscale_freq_shift=0)
        self.time_embedding = TimestepEmbedding(config.time_channels, config.time_embed_dim)
        self.connector = PerceiverResampler(config)

    def forward(self, features: torch.Tensor, timestep: int | torch.Tensor) -> torch.Tensor:
        timesteps = torch.as_tensor(timestep, device=features.device).reshape(-1).expand(features.shape[0])
        # Timesteps computes in float32; the embedding MLP runs in the weights' dtype.
        embedded = self.time_proj(timesteps).to(dtype=self.time_embedding.linear_1.weight.dtype)
        time_features = F.silu(self.time_embedding(embedded))
        return self.connector(features.to(time_features.dtype), time_features)
