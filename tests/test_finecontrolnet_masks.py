"""FineControlNet's masks, weight schedule, timesteps and defaults: the spec's values, without models."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from renderers.diffusion.timesteps import ddim_timesteps as reference_timesteps
from renderers.finecontrolnet import FineControlNetOptions
from renderers.finecontrolnet.masks import (
    dilation_kernel,
    instance_masks,
    regions_image,
    skeleton_region,
    soften,
)
from renderers.finecontrolnet.prompts import branch_texts, negative_text
from renderers.finecontrolnet.sampling import use_reference_timesteps
from renderers.finecontrolnet.weights import (
    WeightSchedule,
    default_harmony_level,
    hard_iterations,
    hard_weights,
    soft_weights,
)
from scenes import geometry
from scenes.model import Scene
from scenes.openpose import draw_skeleton


def scene(width: int = 768, height: int = 512, **extra) -> Scene:
    return Scene.model_validate({
        "caption": "three people", "background": "in a kitchen", "width": width, "height": height,
        "instances": [
            {"name": "chef", "caption": "a chef", "box": [0.02, 0.05, 0.32, 0.95], "pose": "arms-crossed"},
            {"name": "crate", "caption": "a wooden crate", "box": [0.40, 0.60, 0.55, 0.95]},
            {"name": "waiter", "caption": "a waiter", "box": [0.65, 0.05, 0.95, 0.95], "pose": "pointing"},
        ],
        **extra,
    })


# -- the spec's numbers ---------------------------------------------------------------------------

@pytest.mark.parametrize(("short_side", "kernel"), [(512, 65), (768, 97), (256, 33), (520, 65), (64, 9)])
def test_dilation_kernel_is_short_side_over_8_made_odd(short_side: int, kernel: int) -> None:
    assert dilation_kernel(short_side) == kernel


def test_masks_use_the_kernel_of_the_short_side_not_of_width_or_height() -> None:
    assert instance_masks(scene(768, 512)).dilation == 65
    assert instance_masks(scene(512, 768)).dilation == 65
    assert instance_masks(scene(768, 768)).dilation == 97


def test_blur_kernel_follows_opencvs_rule() -> None:
    # OpenCV: ksize = round(σ·4·2 + 1) | 1 for float images.
    assert geometry.gaussian_kernel_size(1.0) == 9
    assert geometry.gaussian_kernel_size(1.1) == 11  # where 2·round(4σ)+1 would say 9
    assert geometry.gaussian_kernel_size(0.5) == 5


def test_defaults_are_the_reference_values() -> None:
    options = FineControlNetOptions()
    assert options.guidance == 9.0 and options.control_strength == 1.5 and options.mask_temperature == 0.001
    assert options.scheduler == "ddim" and options.ddim_timesteps == "reference" and options.mask_blur == 1.0
    assert options.negative_prompt == "lowres, bad anatomy, bad hands, cropped, worst quality"
    assert options.harmony_level is None and default_harmony_level(30) == 15 and default_harmony_level(31) == 15
    assert options.mask_dilation is None and options.max_batch is None
    with pytest.raises(ValueError, match="odd"):
        FineControlNetOptions(mask_dilation=64)


def test_branch_text_is_description_setting_and_quality() -> None:
    s = scene()
    assert branch_texts(s) == ["a chef in a kitchen, best quality", "a wooden crate in a kitchen, best quality",
                               "a waiter in a kitchen, best quality"]
    bare = s.model_copy(update={"background": None})
    assert branch_texts(bare, "") == ["a chef", "a wooden crate", "a waiter"]
    assert negative_text(s) == "lowres, bad anatomy, bad hands, cropped, worst quality"
    assert negative_text(s.model_copy(update={"negative": "blurry"})) == "blurry"


# -- masks ------------------------------------------------------------------------------------------

def test_skeleton_masks_are_drawn_dilated_blurred_and_area_downsampled() -> None:
    s = scene(256, 192)
    layout = instance_masks(s)
    assert layout.masks.shape == (3, 24, 32) and layout.masks.dtype == np.float32
    assert layout.posed == [0, 2] and layout.controls[1] is None
    keypoints = s.instances[0].keypoints(s.aspect)
    control = draw_skeleton(keypoints, 256, 192)
    assert np.array_equal(np.asarray(layout.controls[0]), np.asarray(control))
    # The same three steps with SciPy, not with our geometry helpers: any drawn pixel, a 25x25 max
    # filter (192 // 8 = 24, made odd; zeros beyond the border), a σ = 1 Gaussian of size 9 (radius
    # 4 = truncate 4σ) with OpenCV's reflect-101 border (SciPy's "mirror"), then the mean of every
    # 8x8 block.
    from scipy import ndimage

    drawn = (np.asarray(control).sum(axis=2) > 0).astype(np.float64)
    grown = ndimage.maximum_filter(drawn, size=25, mode="constant", cval=0.0)
    blurred = ndimage.gaussian_filter(grown, sigma=1.0, truncate=4.0, mode="mirror")
    expected = blurred.reshape(24, 8, 32, 8).mean(axis=(1, 3))
    np.testing.assert_allclose(layout.masks[0], expected, atol=1e-6)
    assert np.array_equal(skeleton_region(control, 25), grown)
    # Values in [0, 1]; 1 well inside the grown skeleton, exactly 0 far from it.
    assert layout.masks.min() >= 0.0 and layout.masks.max() <= 1.0 + 1e-6
    assert layout.masks[0].max() == pytest.approx(1.0) and layout.masks[0][:, -8:].max() == 0.0


def test_an_instance_without_pose_takes_its_box_and_no_control() -> None:
    s = scene(256, 192)
    layout = instance_masks(s)
    from scipy import ndimage

    # The box [0.40, 0.60, 0.55, 0.95] of 256x192 covers the pixels whose centres fall inside it:
    # columns 102.4..140.8 -> 102..140, rows 115.2..182.4 -> 115..181 (by hand, not box_mask).
    box = np.zeros((192, 256))
    box[115:182, 102:141] = 1.0
    expected = ndimage.gaussian_filter(box, sigma=1.0, truncate=4.0, mode="mirror").reshape(24, 8, 32, 8).mean(axis=(1, 3))
    np.testing.assert_allclose(layout.masks[1], expected, atol=1e-6)
    np.testing.assert_array_equal(layout.masks[1], soften(geometry.box_mask(s.instances[1].box, 192, 256), 8, 1.0))
    assert layout.masks[1][18, 15] == pytest.approx(1.0) and layout.masks[1][2, 2] == 0.0


def test_regions_image_colours_each_owner() -> None:
    weights = hard_weights(torch.from_numpy(instance_masks(scene(256, 192)).masks)).numpy()
    image = regions_image(weights, 256, 192)
    assert image.size == (256, 192)
    assert len({image.getpixel((x, 100)) for x in (10, 120, 230)}) == 3


# -- weight maps ------------------------------------------------------------------------------------

mask_stacks = st.integers(1, 5).flatmap(lambda n: arrays(
    np.float32, (n, 6, 7),
    elements=st.one_of(st.just(0.0), st.just(1.0), st.just(0.5), st.floats(0, 1, width=32))))


@settings(max_examples=60, deadline=None)
@given(mask_stacks)
def test_both_phases_sum_to_one_and_the_hard_phase_gives_every_foreground_pixel_one_owner(masks) -> None:
    m = torch.from_numpy(masks)
    n = m.shape[0]
    hard, soft = hard_weights(m), soft_weights(m, 0.001)
    torch.testing.assert_close(hard.sum(0), torch.ones(6, 7), rtol=0, atol=1e-6)
    torch.testing.assert_close(soft.sum(0), torch.ones(6, 7), rtol=0, atol=1e-5)
    foreground = m.sum(0) > 0
    # Foreground: exactly one branch with weight 1, the one with the largest mask (lowest index on ties).
    assert torch.all((hard == 1).sum(0)[foreground] == 1) and torch.all((hard == 0).sum(0)[foreground] == n - 1)
    winners = hard.argmax(0)
    for u, v in zip(*torch.nonzero(foreground, as_tuple=True), strict=True):
        values = m[:, u, v]
        assert winners[u, v] == int(torch.nonzero(values == values.max())[0])
    # Background: everyone shares it equally, in both phases.
    assert torch.all(hard[:, ~foreground] == 1.0 / n)
    torch.testing.assert_close(soft[:, ~foreground], torch.full_like(soft[:, ~foreground], 1.0 / n))


def test_exact_ties_go_to_the_lowest_index() -> None:
    m = torch.tensor([[[0.3, 0.7]], [[0.7, 0.7]], [[0.7, 0.2]]])
    assert hard_weights(m).argmax(0).tolist() == [[1, 0]]


def test_soft_weights_at_temperature_0001_follow_the_larger_mask_and_blend_near_ties() -> None:
    m = torch.tensor([[[0.90, 0.500]], [[0.80, 0.501]]])
    w = soft_weights(m, 0.001)
    assert w[0, 0, 0] > 0.9999  # a 0.1 lead is decisive
    assert 0.2 < w[1, 0, 1] < 0.8  # a 0.001 lead is a blend


def test_one_instance_owns_everything() -> None:
    m = torch.zeros(1, 4, 4)
    m[0, 1, 1] = 0.5
    assert torch.all(hard_weights(m) == 1) and torch.all(soft_weights(m) == 1)


def test_schedule_switches_from_hard_to_soft_after_i_minus_harmony_iterations() -> None:
    masks = torch.from_numpy(instance_masks(scene(128, 96)).masks)
    schedule = WeightSchedule(masks, iterations=31, harmony_level=default_harmony_level(30))
    assert hard_iterations(31, 15) == 16 and schedule.hard_count == 16
    assert [schedule.phase(i) for i in (0, 15, 16, 30)] == ["hard", "hard", "soft", "soft"]
    assert torch.equal(schedule.weights(15), hard_weights(masks))
    assert torch.equal(schedule.weights(16), soft_weights(masks, 0.001))
    assert hard_iterations(4, 10) == 0  # more soft iterations than iterations: all soft
    # Resized to every feature resolution (bilinear), the maps still sum to one.
    for size in [(12, 16), (6, 8), (3, 4)]:
        for iteration in (0, 30):
            resized = schedule.at(iteration, size, device="cpu", dtype=torch.float32)
            assert resized.shape == (3, 1, *size)
            torch.testing.assert_close(resized.sum(0), torch.ones(1, *size), rtol=0, atol=1e-5)
    assert torch.equal(schedule.at(0, (12, 16), device="cpu", dtype=torch.float32)[:, 0], hard_weights(masks))


# -- timesteps --------------------------------------------------------------------------------------

def test_reference_timesteps_give_31_iterations_for_30_steps() -> None:
    assert reference_timesteps(30)[:3] == [991, 958, 925] and reference_timesteps(30)[-2:] == [34, 1]
    assert len(reference_timesteps(30)) == 31
    assert len(reference_timesteps(20)) == 20 and reference_timesteps(40)[:2] == [976, 951]


@pytest.mark.parametrize("steps", [20, 40, 50])
def test_reference_timesteps_equal_diffusers_leading_ddim_where_steps_divide_1000(steps: int) -> None:
    from diffusers import DDIMScheduler

    ddim = DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, steps_offset=1,
                         timestep_spacing="leading", set_alpha_to_one=False, clip_sample=False)
    ddim.set_timesteps(steps)
    assert ddim.timesteps.tolist() == reference_timesteps(steps)


def test_reference_ddim_update_steps_by_1000_over_s_and_ends_on_alpha_bar_zero() -> None:
    from diffusers import DDIMScheduler

    ddim = DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, steps_offset=1,
                         set_alpha_to_one=False, clip_sample=False)
    use_reference_timesteps(ddim, 30, "cpu")
    assert ddim.timesteps.tolist() == reference_timesteps(30)
    abar = ddim.alphas_cumprod.double()
    x, eps = torch.randn(1, 4, 2, 2, dtype=torch.float64), torch.randn(1, 4, 2, 2, dtype=torch.float64)
    for t, previous in ((991, abar[958]), (34, abar[1]), (1, abar[0])):
        x0 = (x - (1 - abar[t]).sqrt() * eps) / abar[t].sqrt()
        expected = previous.sqrt() * x0 + (1 - previous).sqrt() * eps
        got = ddim.step(eps, torch.tensor(t), x, eta=0.0, return_dict=False)[0]
        torch.testing.assert_close(got, expected, rtol=1e-6, atol=1e-6)  # diffusers keeps ᾱ in float32
