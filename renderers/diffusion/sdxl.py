"""SDXL's extra UNet conditioning, the same for every renderer: pooled text and the image sizes."""

from __future__ import annotations


def added_conditions(pooled, height: int, width: int) -> dict:
    """`added_cond_kwargs` for rows of pooled text embeddings (rows, dim).

    time_ids are SDXL's (original size, crop top-left, target size) micro-conditioning: the canvas
    itself, uncropped, as (height, width, 0, 0, height, width) on every row.
    """
    import torch

    sizes = [height, width, 0, 0, height, width]
    time_ids = torch.tensor([sizes] * pooled.shape[0], device=pooled.device, dtype=pooled.dtype)
    return {"text_embeds": pooled, "time_ids": time_ids}
