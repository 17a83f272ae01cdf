"""The reference DDIM timestep rule (DEIG spec §4.1, FineControlNet spec §6.8), shared by both renderers.

c = 1000 // S; t in {0, c, 2c, ...} below 1000, each plus 1. Step counts whose list would reach
t = 1000 (past the end of the 1000-entry noise schedule) are refused when the options are read,
before any weights load. The counts are written out by hand from that rule (c divides 999).
"""

from __future__ import annotations

import pytest
import torch
from conftest import REPO
from diffusers import DDIMScheduler
from pydantic import ValidationError

from renderers.deig.renderer import DeigOptions
from renderers.finecontrolnet import FineControlNetOptions, FineControlNetRenderer
from scenes.model import Scene

# 1000 // S is 333, 111, 37, 27, 9, 3 or 1: a divisor of 999, so k*c + 1 reaches 1000.
IMPOSSIBLE = {3, 9, 27, 36, 37, *range(101, 112), *range(251, 334), *range(501, 1001)}
KITCHEN = REPO / "scenes" / "examples" / "kitchen-staff.yaml"


def test_the_hand_list_of_impossible_counts_is_what_the_issue_reported() -> None:
    assert len(IMPOSSIBLE) == 5 + 11 + 83 + 500


@pytest.mark.parametrize("options", [FineControlNetOptions, DeigOptions], ids=["finecontrolnet", "deig"])
def test_every_step_count_from_1_to_1000_is_accepted_or_refused_by_the_rule(options) -> None:
    schedule = DDIMScheduler(num_train_timesteps=1000)  # alphas_cumprod has 1000 entries: t = 0..999
    for steps in range(1, 1001):
        if steps in IMPOSSIBLE:
            with pytest.raises(ValidationError, match=rf"steps={steps} is not possible"):
                options(steps=steps)
            continue
        options(steps=steps)
        from renderers.diffusion.timesteps import ddim_timesteps

        timesteps = ddim_timesteps(steps)
        assert timesteps[0] < len(schedule.alphas_cumprod) and timesteps[-1] == 1
        stride = 1000 // steps
        assert all(a - b == stride for a, b in zip(timesteps, timesteps[1:], strict=False))
        assert len(timesteps) == -(-1000 // stride)  # ceil(1000 / c): k = 0 .. (999 // c)


def test_the_spec_example_30_steps_visits_31_timesteps() -> None:
    from renderers.diffusion.timesteps import ddim_timesteps

    assert ddim_timesteps(30)[:3] == [991, 958, 925] and ddim_timesteps(30)[-2:] == [34, 1]
    assert len(ddim_timesteps(30)) == 31 and ddim_timesteps(20) == list(range(951, 0, -50))


def test_the_refusal_names_the_nearest_counts_that_work() -> None:
    with pytest.raises(ValidationError, match=r"use 2 or 4"):
        FineControlNetOptions(steps=3)
    with pytest.raises(ValidationError, match=r"use 250 or 334"):
        FineControlNetOptions(steps=300)
    FineControlNetOptions(steps=3, ddim_timesteps="diffusers")  # diffusers' own spacing has no such limit
    FineControlNetOptions(steps=3, scheduler="euler")


def test_a_formerly_crashing_count_is_refused_on_the_command_line_before_weights_are_looked_for(cli, tmp_path):
    # The default model is not cached here: were the weights looked at first, this would exit 4.
    result = cli("render", "--scene", KITCHEN, "--renderer", "finecontrolnet", "--steps", "3", "-o", tmp_path)
    assert result.code == 2, result.stderr
    assert "steps=3 is not possible" in result.stderr and "Hint:" in result.stderr
    assert not list(tmp_path.glob("*.png"))


def test_a_formerly_crashing_count_renders_with_diffusers_spacing() -> None:
    renderer = FineControlNetRenderer(FineControlNetOptions(model="tiny", steps=3, ddim_timesteps="diffusers"))
    scene = Scene.model_validate({"caption": "a chef", "width": 64, "height": 64, "instances": [
        {"name": "chef", "caption": "a chef", "box": [0.2, 0.0, 0.8, 1.0], "pose": "standing"}]})
    torch.set_num_threads(1)
    (image,) = renderer.render(scene, [5])
    assert image.image.size == (64, 64)
