"""Per-iteration weight maps: how much each branch owns of every latent pixel (spec §6.5).

Two maps are computed from the instance masks m_n, once per layout:

- hard: where any mask is non-zero, the branch with the largest m_n owns the pixel (weight 1, the
  others 0; exact ties go to the lowest instance index); where every mask is zero (background),
  each of the N branches gets 1/N;
- soft: softmax over branches of m_n / T with T = 0.001 (background again 1/N each).

The first I − H_l of the I denoising iterations use the hard map, the last H_l the soft one, with
H_l = steps // 2 by default (the reference's `harmony_level`). Both maps sum to 1 at every pixel.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F

from .masks import MASK_TEMPERATURE


def default_harmony_level(steps: int) -> int:
    """Soft-phase iterations when not given: half the requested steps, rounded down."""
    return steps // 2


def hard_iterations(iterations: int, harmony_level: int) -> int:
    """How many of the first iterations use the hard map."""
    return max(iterations - harmony_level, 0)


def hard_weights(masks: torch.Tensor) -> torch.Tensor:
    """(N, h, w) masks -> (N, h, w) one-hot owners on the foreground, 1/N on the background."""
    count = masks.shape[0]
    # torch.argmax returns the first maximal index, which is the tie rule we want.
    owner = masks.argmax(dim=0)
    one_hot = F.one_hot(owner, count).permute(2, 0, 1).to(masks.dtype)
    background = (masks != 0).sum(dim=0) == 0
    return torch.where(background, torch.full_like(one_hot, 1.0 / count), one_hot)


def soft_weights(masks: torch.Tensor, temperature: float = MASK_TEMPERATURE) -> torch.Tensor:
    """(N, h, w) masks -> softmax over branches of masks / temperature."""
    return torch.softmax(masks / temperature, dim=0)


@dataclass
class WeightSchedule:
    """The weight map of every iteration, resized and cast on demand (cached per size)."""

    masks: torch.Tensor  # (N, h, w) float32
    iterations: int
    harmony_level: int
    temperature: float = MASK_TEMPERATURE
    _maps: dict[str, torch.Tensor] = field(default_factory=dict, init=False, repr=False)
    _resized: dict[tuple, torch.Tensor] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        masks = self.masks.float()
        self._maps = {"hard": hard_weights(masks), "soft": soft_weights(masks, self.temperature)}

    @property
    def branches(self) -> int:
        return self.masks.shape[0]

    @property
    def hard_count(self) -> int:
        return hard_iterations(self.iterations, self.harmony_level)

    @property
    def hard(self) -> torch.Tensor:
        """(N, h, w) float32 weights of the hard phase."""
        return self._maps["hard"]

    def phase(self, iteration: int) -> str:
        return "hard" if iteration < self.hard_count else "soft"

    def weights(self, iteration: int) -> torch.Tensor:
        """(N, h, w) float32 weights of `iteration` at the latent resolution."""
        return self._maps[self.phase(iteration)]

    def at(self, iteration: int, size: tuple[int, int], *, device, dtype) -> torch.Tensor:
        """(N, 1, H, W) weights of `iteration` at a feature map's resolution.

        Resizing is bilinear without antialiasing (the reference's torchvision Resize on tensors);
        at the latent resolution it is the identity.
        """
        key = (self.phase(iteration), tuple(size), str(device), dtype)
        if key not in self._resized:
            maps = self._maps[key[0]][:, None]
            if tuple(maps.shape[-2:]) != tuple(size):
                maps = F.interpolate(maps, size=tuple(size), mode="bilinear", align_corners=False, antialias=False)
            self._resized[key] = maps.to(device=device, dtype=dtype)
        return self._resized[key]
