"""The reference sampler's timesteps: DDIM (η = 0) visiting every 1000 // S-th step from 1 (spec §6.8).

The reference builds its timestep list as {0, c, 2c, ...} below 1000 plus one, with c = 1000 // S
(the rule, and the step counts it cannot serve, live in renderers.diffusion.timesteps), and steps from each to the next lower one, ending on ᾱ₀ (not 1). For S that divide 1000 this is
diffusers' DDIM with "leading" spacing; for the others it visits one more timestep: S = 30 gives
c = 33 and 31 iterations (991, 958, ..., 1) where diffusers gives 30. Running diffusers'
DDIMScheduler with num_inference_steps = S and that list reproduces it exactly: its update already
steps from t to t − 1000 // S, and to ᾱ₀ past zero when `set_alpha_to_one` is off.
"""

from __future__ import annotations

# The config values the reference update needs, whatever the checkpoint's scheduler config says.
REFERENCE_DDIM_CONFIG = {"set_alpha_to_one": False, "clip_sample": False, "thresholding": False}


def use_reference_timesteps(scheduler, steps: int, device) -> None:
    """Set a DDIMScheduler up for `steps` with the reference timesteps instead of its own."""
    import torch

    from renderers.diffusion.timesteps import ddim_timesteps

    scheduler.set_timesteps(steps, device=device)
    timesteps = ddim_timesteps(steps, scheduler.config.num_train_timesteps)
    scheduler.timesteps = torch.tensor(timesteps, dtype=torch.long, device=device)
