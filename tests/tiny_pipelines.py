"""Test helpers: the tiny preset saved as real diffusers folders, and stock pipelines around it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from renderers.diffusion.loading import Components, load_components
from renderers.diffusion.schedulers import make_scheduler


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Import this into a test module: tiny models run fastest on one thread, and on a busy machine
    OpenMP's spinning threads make them many times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def stock_pipeline(components: Components, scheduler, controlnet=None):
    """diffusers' own pipeline over the same components: the reference our loop must match."""
    from diffusers import (
        StableDiffusionControlNetPipeline,
        StableDiffusionPipeline,
        StableDiffusionXLPipeline,
    )

    if components.family == "sdxl":
        pipe = StableDiffusionXLPipeline(
            unet=components.unet, vae=components.vae, text_encoder=components.text_encoders[0],
            text_encoder_2=components.text_encoders[1], tokenizer=components.tokenizers[0],
            tokenizer_2=components.tokenizers[1], scheduler=scheduler, add_watermarker=False)
    else:
        common = dict(unet=components.unet, vae=components.vae, text_encoder=components.text_encoders[0],
                      tokenizer=components.tokenizers[0], scheduler=scheduler, safety_checker=None,
                      feature_extractor=None, image_encoder=None, requires_safety_checker=False)
        if controlnet is not None:
            pipe = StableDiffusionControlNetPipeline(controlnet=controlnet, **common)
        else:
            pipe = StableDiffusionPipeline(**common)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def save_tiny_pipeline(family: str, folder: Path, *, safe: bool = True) -> None:
    """Write the tiny preset as a diffusers pipeline folder (model_index.json, unet/, vae/, …)."""
    components = load_components("tiny-sdxl" if family == "sdxl" else "tiny", dtype=torch.float32,
                                 allow_pickle=False)
    pipe = stock_pipeline(components, make_scheduler("default", components.scheduler_config))
    pipe.save_pretrained(folder, safe_serialization=safe)
