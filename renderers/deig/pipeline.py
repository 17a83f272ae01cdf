"""One DEIG render, read as a diffusers-style pipeline (spec §4.6 is the step it repeats).

1. check inputs          4. timesteps (the reference's own DDIM list)
2. encode texts with T5   5. initial latents from this image's CPU generator
3. box masks per level    6. denoise: IDE context + instance tokens, [uncond, cond] UNet call, CFG, DDIM
                          7. decode
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from PIL import Image

from renderers.diffusion.decoding import decode
from renderers.diffusion.latents import generators, initial_latents

from .config import DeigConfig
from .grounding import BoxMasks, Grounding
from .model import DenoiserModules
from .sampler import DdimSampler
from .text import T5Features


@dataclass
class DeigComponents:
    config: DeigConfig
    modules: DenoiserModules
    vae: torch.nn.Module
    text: T5Features
    device: torch.device
    dtype: torch.dtype
    placement: Any = None  # renderers.diffusion.offload.Placement, when the renderer placed the models


@dataclass(frozen=True)
class DeigRequest:
    prompt: str
    negative_prompt: str
    phrases: Sequence[str]
    boxes: Sequence[Sequence[float]]
    height: int
    width: int
    steps: int = 40
    guidance: float = 7.5
    # Fusion strength schedule [a, b, c] (spec §3.5): s = 1 for a*S iterations, then a ramp to 0.
    strength_schedule: tuple[float, float, float] = (1.0, 0.0, 0.0)
    masked: bool = True
    tiled_decode: bool = False


def strength_schedule(schedule: Sequence[float], iterations: int) -> list[float]:
    """The fusion strength s of every iteration (spec §3.5)."""
    full, ramp = int(schedule[0] * iterations), int(schedule[1] * iterations)
    values = [1.0] * full + [(ramp - 1 - i) / ramp for i in range(ramp)]
    return (values + [0.0] * iterations)[:iterations]


class DeigPipeline:
    def __init__(self, components: DeigComponents):
        self.c = components

    @property
    def unet(self):
        return self.c.modules.unet

    @property
    def extractor(self):
        return self.c.modules.extractor

    @torch.no_grad()
    def __call__(self, request: DeigRequest, seeds: Sequence[int],
                 progress: Callable[[int, int], None] | None = None) -> list[Image.Image]:
        c = self.c
        config, device, dtype = c.config, c.device, c.dtype
        # 1. check inputs
        slots = len(request.phrases)
        if slots != len(request.boxes):
            raise ValueError("one box per phrase")
        if slots > config.max_instances:
            raise ValueError(f"at most {config.max_instances} instances")
        # 2. encode texts once for every seed: [negative, prompt, instance phrases...]
        features = c.text([request.negative_prompt, request.prompt, *request.phrases], device, dtype)
        # 3. box masks at every UNet level; row 0 is the unconditional pass (no boxes, spec §2.7).
        #    Masked, empty slots are left out: no pixel may see them, so they cannot change a number
        #    (spec §3.4 (b)). The explicit unmasked variant keeps all 30 (their null tokens are seen).
        if request.masked:
            boxes = list(request.boxes)
            masks = BoxMasks(boxes, request.height, request.width, vae_factor=config.vae_scale_factor,
                             levels=config.unet_levels).with_batch([False, True])
        else:
            boxes = list(request.boxes) + [[0.0] * 4] * (config.max_instances - slots)
            masks = None
        box_tensor = torch.zeros(2, len(boxes), 4, device=device, dtype=dtype)
        present = torch.zeros(2, len(boxes), device=device, dtype=dtype)
        if slots:
            box_tensor[1, :slots] = torch.tensor(request.boxes, dtype=dtype, device=device)
            present[1, :slots] = 1
        # 4. timesteps
        sampler = DdimSampler(config.schedule, request.steps)
        strengths = strength_schedule(request.strength_schedule, len(sampler))
        latent_size = (request.height // config.vae_scale_factor, request.width // config.vae_scale_factor)
        images = []
        total = len(seeds) * len(sampler)
        for image_index, generator in enumerate(generators(list(seeds))):
            # 5. initial latents: this image's own CPU generator, so any device draws the same noise
            latents = initial_latents([generator], channels=4, height=latent_size[0], width=latent_size[1],
                                      scheduler=sampler, device=device, dtype=dtype)
            # 6. denoise
            for i, t in enumerate(sampler.timesteps):
                noise = self._predict_noise(latents, t, features, slots, box_tensor, present, masks,
                                            strengths[i], request.guidance)
                latents = sampler.step(i, latents, noise)
                if progress is not None:
                    progress(image_index * len(sampler) + i + 1, total)
            # 7. decode
            if c.placement is not None:
                c.placement.before_decode()
            images.extend(decode(c.vae, latents, tiled=request.tiled_decode))
        return images

    def _predict_noise(self, latents, t, features, slots, boxes, present, masks, strength, guidance):
        tokens = self.extractor(features[: 2 + slots], t)  # caption contexts + instance tokens
        context, instance_tokens = tokens[:2], tokens[2:]
        per_slot = torch.zeros(2, boxes.shape[1], *tokens.shape[1:], device=tokens.device, dtype=tokens.dtype)
        per_slot[1, :slots] = instance_tokens  # absent slots are replaced by the null feature anyway
        grounding = Grounding(instance_tokens=per_slot, boxes=boxes, present=present, masks=masks, scale=strength)
        timestep = torch.tensor(t, device=latents.device)
        noise = self.unet(latents.expand(2, -1, -1, -1), timestep, encoder_hidden_states=context,
                          cross_attention_kwargs={"gligen": {"grounding": grounding}}).sample
        uncond, cond = noise.chunk(2)
        return uncond + guidance * (cond - uncond)
