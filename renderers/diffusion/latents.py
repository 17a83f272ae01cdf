"""Seeds to noise: one CPU generator per image, so an image depends on its own seed only.

The noise is always drawn on the CPU and then moved (diffusers' advice), so a seed gives the same
starting point on every device, and image k of a batch starts exactly as it would alone.
"""

from __future__ import annotations

import inspect

import torch
from diffusers.utils.torch_utils import randn_tensor


def generators(seeds: list[int]) -> list[torch.Generator]:
    return [torch.Generator("cpu").manual_seed(int(seed)) for seed in seeds]


def initial_latents(gens: list[torch.Generator], *, channels: int, height: int, width: int, scheduler,
                    device, dtype) -> torch.Tensor:
    """(B, C, height, width) starting noise, scaled as the scheduler expects."""
    shape = (len(gens), channels, height, width)
    noise = randn_tensor(shape, generator=gens if len(gens) > 1 else gens[0], device=torch.device("cpu"),
                         dtype=torch.float32)
    return (noise * scheduler.init_noise_sigma).to(device=device, dtype=dtype)


def step_kwargs(scheduler, gens: list[torch.Generator]) -> dict:
    """Extra arguments of scheduler.step: stochastic samplers draw from the images' own generators."""
    accepted = set(inspect.signature(scheduler.step).parameters)
    extra = {}
    if "generator" in accepted:
        extra["generator"] = gens if len(gens) > 1 else gens[0]
    if "eta" in accepted:
        extra["eta"] = 0.0
    return extra
