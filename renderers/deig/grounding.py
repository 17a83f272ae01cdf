"""Grounding: instance tokens + boxes -> the tokens every fuser reads, and the box masks.

Spec §2.6 (position net with 16 tokens per instance and a Fourier box code), §2.7 (null input of
the unconditional pass) and §3.3 (box masks at each UNet resolution).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from scenes.geometry import dilate, max_downsample

from .config import PositionNetConfig

# Extra dilation of the box masks at the two coarsest UNet levels (spec §3.3): a box that
# covers part of a 32x32-pixel cell would otherwise barely reach it.
DILATION_BY_LEVEL_FROM_BOTTOM = {1: 3, 0: 5}


def fourier_box_code(boxes: torch.Tensor, freqs: int = 8) -> torch.Tensor:
    """(..., 4) boxes -> (..., 8 * freqs): per frequency 100^(k/freqs), sin of the 4 coordinates then cos."""
    frequencies = 100 ** (torch.arange(freqs, device=boxes.device, dtype=torch.float32) / freqs)
    angles = frequencies.to(boxes.dtype)[:, None] * boxes.unsqueeze(-2)  # (..., freqs, 4)
    return torch.cat([angles.sin(), angles.cos()], dim=-1).flatten(-2)


class InstancePositionNet(nn.Module):
    """Turns each instance's IDE tokens and its box into grounding tokens (16 per instance).

    Parameter names and shapes equal diffusers' GLIGENTextBoundingboxProjection("text-only"),
    which the checkpoint's `position_net.*` loads into; the forward is DEIG's: the same box code
    is appended to each of the instance's 16 tokens, and absent slots take the learned null
    features. Called by the UNet with the `gligen` cross-attention kwargs.
    """

    def __init__(self, config: PositionNetConfig):
        super().__init__()
        self.config = config
        position_dim = 8 * config.fourier_freqs
        self.linears = nn.Sequential(
            nn.Linear(config.feature_dim + position_dim, config.hidden_dim),
            nn.SiLU(),
            nn.Linear(config.hidden_dim, config.hidden_dim),
            nn.SiLU(),
            nn.Linear(config.hidden_dim, config.out_dim),
        )
        self.null_positive_feature = nn.Parameter(torch.zeros(config.feature_dim))
        self.null_position_feature = nn.Parameter(torch.zeros(position_dim))

    def tokens(self, instance_tokens: torch.Tensor, boxes: torch.Tensor, present: torch.Tensor) -> torch.Tensor:
        """(B, N, K, D) IDE tokens, (B, N, 4) boxes, (B, N) presence -> (B, N*K, out_dim), instance-major."""
        batch, slots, per_instance, _ = instance_tokens.shape
        dtype = self.null_positive_feature.dtype
        flags = present.to(dtype)[..., None]
        box_code = fourier_box_code(boxes.to(dtype), self.config.fourier_freqs)
        box_code = flags * box_code + (1 - flags) * self.null_position_feature
        features = flags[..., None] * instance_tokens.to(dtype) + (1 - flags[..., None]) * self.null_positive_feature
        box_code = box_code.unsqueeze(2).expand(-1, -1, per_instance, -1)
        tokens = self.linears(torch.cat([features, box_code], dim=-1))
        return tokens.reshape(batch, slots * per_instance, tokens.shape[-1])

    def forward(self, grounding: Grounding) -> FusionInput:
        tokens = self.tokens(grounding.instance_tokens, grounding.boxes, grounding.present)
        return FusionInput(tokens=tokens, masks=grounding.masks, scale=grounding.scale,
                           tokens_per_instance=grounding.instance_tokens.shape[2])


@dataclass
class Grounding:
    """What one UNet call is grounded on; passed as cross_attention_kwargs={"gligen": {"grounding": ...}}.

    masks is None for the explicit unmasked variant (every pixel sees every slot's tokens).
    """

    instance_tokens: torch.Tensor  # (B, N, K, D)
    boxes: torch.Tensor  # (B, N, 4)
    present: torch.Tensor  # (B, N) 1 for a real instance, 0 for an empty slot
    masks: BoxMasks | None
    scale: float = 1.0


@dataclass
class FusionInput:
    """What the fusers read: the grounding tokens and, per resolution, who may see them."""

    tokens: torch.Tensor  # (B, N*K, C_ctx)
    masks: BoxMasks | None
    scale: float
    tokens_per_instance: int

    def visibility(self, n_visual: int, device: torch.device, dtype: torch.dtype) -> torch.Tensor | None:
        """(B, 1, n_visual, n_visual + N*K) additive bias: 0 = the visual query may attend that key."""
        if self.masks is None:
            return None
        return self.masks.visibility(n_visual, self.tokens_per_instance, device, dtype)


def box_pixel_mask(box: Sequence[float], height: int, width: int) -> np.ndarray:
    """The box on the pixel grid: edges rounded half to even, end-exclusive (spec §3.3 step 1)."""
    x0, y0, x1, y1 = (float(v) for v in box)
    # np.round rounds half to even, like the reference rasteriser.
    left, right = int(np.round(width * x0)), int(np.round(width * x1))
    top, bottom = int(np.round(height * y0)), int(np.round(height * y1))
    mask = np.zeros((height, width), dtype=np.float32)
    mask[top:bottom, left:right] = 1.0
    return mask


def level_mask(pixel_mask: np.ndarray, factor: int, dilation: int) -> np.ndarray:
    """A cell is inside when the box touches any of its pixels, then an optional dilation."""
    pooled = max_downsample((pixel_mask > 0.5).astype(np.float32), factor)
    if dilation > 1:
        pooled = dilate(pooled, dilation)
    return pooled > 0


class BoxMasks:
    """Per-resolution box masks of every slot, built once per render (spec §3.3).

    levels: the UNet's number of resolutions (4 for SD-1.x). Level l has cells of
    vae_factor * 2**l pixels; the two coarsest levels are dilated (3x3, then 5x5 at the bottom).
    """

    def __init__(self, boxes: Sequence[Sequence[float] | None], height: int, width: int, *,
                 vae_factor: int = 8, levels: int = 4, batch: int = 1):
        self.height, self.width = height, width
        self.by_tokens: dict[int, torch.Tensor] = {}
        self.grids: dict[int, tuple[int, int]] = {}
        self._visibility: dict[tuple, torch.Tensor] = {}
        pixel_masks = [box_pixel_mask(b, height, width) if b is not None else np.zeros((height, width), np.float32)
                       for b in boxes]
        coarsest = vae_factor * 2 ** (levels - 1)
        if height % coarsest or width % coarsest:
            raise ValueError(f"{width}x{height} is not a multiple of {coarsest}, the coarsest UNet cell")
        for level in range(levels):
            factor = vae_factor * 2**level
            grid = (height // factor, width // factor)
            dilation = DILATION_BY_LEVEL_FROM_BOTTOM.get(levels - 1 - level, 1)
            cells = [level_mask(p, factor, dilation).reshape(-1) for p in pixel_masks]
            stacked = np.stack(cells) if cells else np.zeros((0, grid[0] * grid[1]), dtype=bool)
            tensor = torch.from_numpy(stacked).unsqueeze(0).expand(batch, -1, -1)
            self.by_tokens[grid[0] * grid[1]] = tensor
            self.grids[grid[0] * grid[1]] = grid

    def at(self, n_visual: int) -> torch.Tensor:
        """(B, N, n_visual) boolean masks, row-major over the level's grid."""
        try:
            return self.by_tokens[n_visual]
        except KeyError:
            raise RuntimeError(
                f"no box mask for a feature map of {n_visual} tokens (known: {sorted(self.by_tokens)}); "
                "the box mask must never be skipped"
            ) from None

    def visibility(self, n_visual: int, tokens_per_instance: int, device: torch.device,
                   dtype: torch.dtype) -> torch.Tensor:
        """(B, 1, n_visual, n_visual + N*K) attention bias of the visual queries (spec §3.4): 0 where
        the query may attend the key, -inf where not.

        Visual tokens see each other everywhere and see an instance's K tokens only inside its box.
        The grounding-query rows are left out: only visual rows of the fused attention are kept.
        An additive bias rather than a boolean mask, so that no kernel converts it at every call;
        cached, because the boxes do not change during a render. No row is ever fully masked.
        """
        key = (n_visual, tokens_per_instance, str(device), dtype)
        if key not in self._visibility:
            slot_masks = self.at(n_visual).to(device)  # (B, N, n_visual)
            batch = slot_masks.shape[0]
            to_tokens = slot_masks.repeat_interleave(tokens_per_instance, dim=1).transpose(1, 2)
            to_visual = torch.ones(batch, n_visual, n_visual, dtype=torch.bool, device=device)
            allowed = torch.cat([to_visual, to_tokens], dim=2).unsqueeze(1)
            bias = torch.zeros(allowed.shape, dtype=dtype, device=device).masked_fill_(~allowed, float("-inf"))
            self._visibility[key] = bias
        return self._visibility[key]

    def grid(self, n_visual: int) -> tuple[int, int]:
        return self.grids[n_visual]

    def with_batch(self, rows: Sequence[bool]) -> BoxMasks:
        """A copy whose batch rows are these masks (True) or all-empty (False): [uncond, cond] in one call."""
        out = object.__new__(BoxMasks)
        out.height, out.width, out.grids = self.height, self.width, self.grids
        out._visibility = {}
        keep = torch.tensor(list(rows), dtype=torch.bool)[:, None, None]
        out.by_tokens = {n: masks[:1].expand(len(rows), -1, -1) & keep for n, masks in self.by_tokens.items()}
        return out
