"""Latents to pictures: VAE decoding (tiled for large canvases) and conversion to PIL images."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

# "auto" tiles once a canvas has more than this many times the model's native area.
TILING_AREA_FACTOR = 4


def use_tiling(setting: str, width: int, height: int, native_side: int) -> bool:
    if setting == "on":
        return True
    if setting == "off":
        return False
    return width * height > TILING_AREA_FACTOR * native_side * native_side


@torch.no_grad()
def decode(vae, latents: torch.Tensor, *, tiled: bool) -> list[Image.Image]:
    """One RGB image per latent; tiling trades a little seam blending for bounded memory."""
    if tiled:
        vae.enable_tiling()
    else:
        vae.disable_tiling()
    scaled = latents.to(vae.dtype) / vae.config.scaling_factor
    if getattr(vae.config, "shift_factor", None):
        scaled = scaled + vae.config.shift_factor
    images = vae.decode(scaled, return_dict=False)[0]
    return to_pil(images)


def to_pil(images: torch.Tensor) -> list[Image.Image]:
    """(B, 3, H, W) in [-1, 1] to 8-bit RGB images (rounded, as diffusers' image processor does)."""
    array = (images.float() / 2 + 0.5).clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy()
    return [Image.fromarray((frame * 255).round().astype(np.uint8)) for frame in array]
