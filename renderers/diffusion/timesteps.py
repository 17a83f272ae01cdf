"""The reference DDIM timestep list, one rule for DEIG (spec §4.1) and FineControlNet (spec §6.8).

c = 1000 // S; t in {0, c, 2c, ...} below 1000, each plus 1, visited in descending order.
Torch-free, so that option validation stays cheap and happens before any weights load.
"""

from __future__ import annotations


def ddim_timesteps(steps: int, num_train_timesteps: int = 1000) -> list[int]:
    """Raises ValueError for the step counts whose list would reach t = 1000, past the schedule's
    end (c divides 999: 3, 9, 27, 36, 37, 101-111, 251-333 and everything above 500); the
    reference crashes on them too."""
    if steps < 1:
        raise ValueError(f"steps must be at least 1 (got {steps})")
    if not _fits(steps, num_train_timesteps):
        below = next((s for s in range(steps - 1, 0, -1) if _fits(s, num_train_timesteps)), None)
        above = next((s for s in range(steps + 1, num_train_timesteps) if _fits(s, num_train_timesteps)), None)
        nearest = " or ".join(str(s) for s in (below, above) if s is not None)
        raise ValueError(f"steps={steps} is not possible with the reference DDIM timestep rule (t = k*({num_train_timesteps} // "
                         f"steps) + 1 would reach {num_train_timesteps}); use {nearest}")
    stride = num_train_timesteps // steps
    return [t + 1 for t in range(0, num_train_timesteps, stride)][::-1]


def _fits(steps: int, num_train_timesteps: int) -> bool:
    stride = num_train_timesteps // steps
    return stride > 0 and (num_train_timesteps - 1) // stride * stride + 1 < num_train_timesteps


def valid_steps(steps: int, num_train_timesteps: int = 1000) -> bool:
    return steps >= 1 and _fits(steps, num_train_timesteps)
