"""DEIG's sampler: deterministic DDIM (eta = 0) on the reference's own timestep list (spec §4.1).

The list is c = 1000 // S, t in {0, c, 2c, ...} below 1000, each plus 1, in descending order.
For most S this equals diffusers' DDIMScheduler (leading spacing, steps_offset 1), but not
always: S = 30 gives 31 iterations (991 ... 1) where diffusers gives 30. The last step goes to
alphas_cumprod[0], not to 1.
"""

from __future__ import annotations

import torch

from renderers.diffusion.timesteps import ddim_timesteps

from .config import ScheduleConfig


def alphas_cumprod(schedule: ScheduleConfig) -> torch.Tensor:
    """LDM's "linear" schedule (diffusers' scaled_linear), in float64."""
    betas = torch.linspace(schedule.beta_start**0.5, schedule.beta_end**0.5, schedule.num_train_timesteps,
                           dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


class DdimSampler:
    init_noise_sigma = 1.0  # x_T is the unscaled starting noise

    def __init__(self, schedule: ScheduleConfig, steps: int):
        self.schedule = schedule
        self.timesteps = ddim_timesteps(steps, schedule.num_train_timesteps)
        self.alphas_cumprod = alphas_cumprod(schedule)

    def __len__(self) -> int:
        return len(self.timesteps)

    def alpha_pair(self, index: int) -> tuple[float, float]:
        """(abar_t, abar_prev) of iteration `index`; the last one goes to abar[0]."""
        t = self.timesteps[index]
        t_prev = self.timesteps[index + 1] if index + 1 < len(self.timesteps) else 0
        return float(self.alphas_cumprod[t]), float(self.alphas_cumprod[t_prev])

    def step(self, index: int, sample: torch.Tensor, noise_pred: torch.Tensor) -> torch.Tensor:
        abar, abar_prev = self.alpha_pair(index)
        # Coefficients in float64, the update in the sample's dtype: no clipping, no noise.
        x0 = (sample - (1 - abar) ** 0.5 * noise_pred) / abar**0.5
        return abar_prev**0.5 * x0 + (1 - abar_prev) ** 0.5 * noise_pred

    def describe(self) -> dict:
        return {"name": "ddim", "eta": 0.0, "iterations": len(self.timesteps),
                "timesteps": "c = 1000 // steps; t = k*c + 1, descending", "final_alpha_cumprod": "alphas_cumprod[0]",
                "beta_schedule": "scaled_linear", "beta_start": self.schedule.beta_start,
                "beta_end": self.schedule.beta_end}
