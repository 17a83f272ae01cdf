"""DEIG's DDIM sampler: the reference's timestep rule, its last step, and its strength schedule."""

from __future__ import annotations

import pytest
import torch
from deig_fixtures import one_torch_thread  # noqa: F401 (one_torch_thread: autouse fixture)
from diffusers import DDIMScheduler

from renderers.deig.config import FULL
from renderers.deig.pipeline import strength_schedule
from renderers.deig.sampler import DdimSampler
from renderers.diffusion.timesteps import ddim_timesteps, valid_steps


def diffusers_ddim() -> DDIMScheduler:
    return DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                         set_alpha_to_one=False, steps_offset=1, timestep_spacing="leading")


def test_timestep_rule_gives_31_iterations_for_30_steps():
    steps = ddim_timesteps(30)
    assert len(steps) == 31
    assert steps[:3] == [991, 958, 925] and steps[-2:] == [34, 1]
    assert all(a - b == 33 for a, b in zip(steps, steps[1:], strict=False))


@pytest.mark.parametrize("steps, iterations, first", [(40, 40, 976), (20, 20, 951), (50, 50, 981), (7, 8, 995),
                                                      (500, 500, 999), (1, 1, 1)])
def test_timestep_rule(steps, iterations, first):
    timesteps = ddim_timesteps(steps)
    stride = 1000 // steps
    assert len(timesteps) == iterations and timesteps[0] == first and timesteps[-1] == 1
    assert all(a - b == stride for a, b in zip(timesteps, timesteps[1:], strict=False))


def test_timestep_lists_written_out_by_hand():
    assert ddim_timesteps(1) == [1]
    assert ddim_timesteps(4) == [751, 501, 251, 1]
    assert ddim_timesteps(7) == [995, 853, 711, 569, 427, 285, 143, 1]  # c = 142, 7 * 142 = 994
    assert ddim_timesteps(400)[:3] == [999, 997, 995] and len(ddim_timesteps(400)) == 500  # c = 2


@pytest.mark.parametrize("steps", [3, 9, 27, 36, 37, 101, 111, 251, 333, 501, 1000])
def test_step_counts_that_would_reach_t_1000_are_refused(steps):
    with pytest.raises(ValueError, match="would reach 1000"):
        ddim_timesteps(steps)
    assert not valid_steps(steps)


def test_every_other_step_count_stays_inside_the_schedule():
    for steps in range(1, 501):
        if valid_steps(steps):
            assert 1 <= min(ddim_timesteps(steps)) and max(ddim_timesteps(steps)) <= 999
    assert [s for s in range(1, 501) if not valid_steps(s)] == [
        3, 9, 27, 36, 37, *range(101, 112), *range(251, 334)]


def test_forty_steps_equal_diffusers_ddim_step_by_step():
    ours = DdimSampler(FULL.schedule, 40)
    theirs = diffusers_ddim()
    theirs.set_timesteps(40)
    assert ours.timesteps == theirs.timesteps.tolist()
    generator = torch.Generator().manual_seed(0)
    a = b = torch.randn(1, 4, 8, 8, generator=generator, dtype=torch.float64)
    for index, t in enumerate(ours.timesteps):
        eps = torch.randn(1, 4, 8, 8, generator=generator, dtype=torch.float64)
        a = ours.step(index, a, eps)
        b = theirs.step(eps, t, b).prev_sample
        assert torch.allclose(a, b, atol=1e-5), f"diverged at t={t}"


def test_the_last_step_goes_to_alphas_cumprod_0_not_to_one():
    sampler = DdimSampler(FULL.schedule, 30)
    abar, abar_prev = sampler.alpha_pair(len(sampler) - 1)
    assert sampler.timesteps[-1] == 1
    assert abar_prev == pytest.approx(1 - 0.00085)
    assert abar == pytest.approx((1 - 0.00085) * (1 - float(torch.linspace(0.00085**0.5, 0.012**0.5, 1000)[1] ** 2)))


def test_strength_schedule():
    assert strength_schedule([1.0, 0.0, 0.0], 5) == [1.0] * 5
    assert strength_schedule([0.4, 0.4, 0.2], 10) == [1.0] * 4 + [0.75, 0.5, 0.25, 0.0] + [0.0, 0.0]
    assert strength_schedule([0.0, 0.0, 1.0], 3) == [0.0] * 3
