"""The FineControlNet renderer with the tiny SD-1.5 + OpenPose ControlNet on the CPU.

Batching (one UNet and one ControlNet call per iteration, chunks equal to one call), seeds, the
isolation the hard masks give, the command line, and refusals.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from conftest import HANG_SECONDS, REPO

from renderers.finecontrolnet import FineControlNetOptions, FineControlNetRenderer
from renderers.finecontrolnet.composition import (
    composite_features,
    control_residuals,
    own_skip_count,
    predict_noise,
)
from scenes.model import Scene

KITCHEN = REPO / "scenes" / "examples" / "kitchen-staff.yaml"


def make_scene(**changes) -> Scene:
    """128x64: a crate without pose on the left, two posed people; latent 16x8, dilation 9."""
    instances = [
        {"name": "crate", "caption": "a red wooden crate", "box": [0.0, 0.1, 0.3, 0.9]},
        {"name": "chef", "caption": "a chef in a white apron", "box": [0.35, 0.0, 0.65, 1.0], "pose": "standing"},
        {"name": "waiter", "caption": "a waiter in a black vest", "box": [0.7, 0.0, 1.0, 1.0], "pose": "walking"},
    ]
    document = {"caption": "kitchen staff", "background": "in a kitchen", "width": 128, "height": 64,
                "instances": instances}
    for index, caption in changes.pop("captions", {}).items():
        instances[index]["caption"] = caption
    return Scene.model_validate({**document, **changes})


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models run fastest on one thread, and do not stall when other jobs share the cores."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def tiny() -> FineControlNetRenderer:
    renderer = FineControlNetRenderer(FineControlNetOptions(model="tiny", steps=2))
    renderer.load()
    return renderer


def variant(base: FineControlNetRenderer, **changes) -> FineControlNetRenderer:
    """A renderer with other options that shares `base`'s loaded weights (loading is the slow part)."""
    renderer = FineControlNetRenderer(FineControlNetOptions.model_validate({**base.options.model_dump(), **changes}))
    renderer.components, renderer.device, renderer.dtype = base.components, base.device, base.dtype
    renderer.placement, renderer._controlnets, renderer.loaded = base.placement, base._controlnets, True
    return renderer


class CallLog:
    """Forward hooks that record the batch size of every call of a module."""

    def __init__(self, *modules):
        self.batches: dict[int, list[int]] = {id(m): [] for m in modules}
        self.handles = [m.register_forward_hook(self._hook) for m in modules]

    def _hook(self, module, args, kwargs_or_output, *rest):
        self.batches[id(module)].append(args[0].shape[0])

    def of(self, module) -> list[int]:
        return self.batches[id(module)]

    def close(self) -> None:
        for handle in self.handles:
            handle.remove()


def pixels(image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


# -- composition ------------------------------------------------------------------------------------

def test_one_instance_is_exactly_plain_controlnet(tiny) -> None:
    scene = make_scene()
    scene = scene.model_copy(update={"instances": scene.instances[1:2]})
    branches = tiny.prepare(scene)
    unet, controlnet, batch = tiny.components.unet, branches.controlnet, branches.batch
    latent, t = torch.randn(1, 4, 8, 16, generator=torch.Generator().manual_seed(0)), torch.tensor(501)
    with torch.no_grad():
        ours = predict_noise(unet, controlnet, latent, t, batch, branches.schedule, 0, strength=1.5)
        down, mid = controlnet(latent.expand(2, -1, -1, -1), t, encoder_hidden_states=batch.context,
                               controlnet_cond=batch.controls, conditioning_scale=1.5, return_dict=False)
        stock = unet(latent.expand(2, -1, -1, -1), t, encoder_hidden_states=batch.context,
                     down_block_additional_residuals=down, mid_block_additional_residual=mid, return_dict=False)[0]
    assert torch.equal(ours, stock)


def test_a_step_is_one_unet_and_one_controlnet_call_and_chunks_give_the_same_image(tiny) -> None:
    scene = make_scene()
    unet, controlnet = tiny.components.unet, tiny.controlnet("tiny")
    progress: list[tuple[int, int]] = []
    log = CallLog(unet, controlnet)
    try:
        (batched,) = tiny.render(scene, [5], progress=lambda done, total: progress.append((done, total)))
        calls_batched = (list(log.of(unet)), list(log.of(controlnet)))
        log.of(unet).clear(), log.of(controlnet).clear()
        (chunked,) = variant(tiny, max_batch=1).render(scene, [5])
        calls_chunked = (list(log.of(unet)), list(log.of(controlnet)))
    finally:
        log.close()
    # 2 steps -> 2 iterations; 3 branches x 2 guidance passes = 6 UNet rows, 2 posed x 2 = 4 ControlNet rows.
    assert progress == [(1, 2), (2, 2)]
    assert calls_batched == ([6, 6], [4, 4])
    assert calls_chunked == ([1] * 12, [1] * 8)
    difference = np.abs(pixels(batched.image) - pixels(chunked.image))
    assert difference.max() <= 1, difference.max()


def test_chunked_noise_prediction_equals_the_single_call(tiny) -> None:
    branches = tiny.prepare(make_scene())
    unet, latent, t = tiny.components.unet, torch.randn(1, 4, 8, 16), torch.tensor(501)
    with torch.no_grad():
        for iteration in (0, 1):  # hard, then soft
            whole = predict_noise(unet, branches.controlnet, latent, t, branches.batch, branches.schedule, iteration,
                                  strength=1.5)
            for max_batch in (1, 4, 5):
                parts = predict_noise(unet, branches.controlnet, latent, t, branches.batch, branches.schedule,
                                      iteration, strength=1.5, max_batch=max_batch)
                torch.testing.assert_close(parts, whole, rtol=1e-5, atol=1e-5)


def test_same_seed_same_bytes_and_each_image_depends_on_its_own_seed_only(tiny) -> None:
    scene = make_scene()
    first, second = tiny.render(scene, [11, 12])
    (again,) = tiny.render(scene, [12])
    assert again.image.tobytes() == second.image.tobytes()
    assert first.image.tobytes() != second.image.tobytes()
    assert sorted(again.extras) == ["control-1", "control-2", "regions"]
    assert again.extras["control-1"].size == (128, 64)


def test_the_renderer_uses_the_reference_schedule_and_kernel(tiny) -> None:
    from scenes.io import load_scene_file

    thirty = variant(tiny, steps=30)
    schedule = thirty.prepare(make_scene()).schedule
    assert (schedule.iterations, schedule.harmony_level, schedule.hard_count) == (31, 15, 16)
    assert schedule.temperature == 0.001 and thirty.resolved_options()["harmony_level"] == 15
    assert variant(tiny, steps=30, ddim_timesteps="diffusers").prepare(make_scene()).schedule.iterations == 30
    assert variant(tiny, steps=30, scheduler="ddpm").prepare(make_scene()).schedule.iterations == 30
    assert variant(tiny, steps=30, harmony_level=5).prepare(make_scene()).schedule.hard_count == 26
    (kitchen,) = load_scene_file(str(KITCHEN))
    assert tiny._layout(kitchen.scene, 8).dilation == 65  # 768 x 512: the short side decides


# -- isolation --------------------------------------------------------------------------------------

def composite_at(renderer, scene: Scene, latent: torch.Tensor, iteration: int = 0) -> tuple[torch.Tensor, object]:
    """Σ_n W_n ⊙ h_n of one iteration (both guidance passes), from a given latent."""
    branches = renderer.prepare(scene)
    unet, t = renderer.components.unet, torch.tensor(501)
    with torch.no_grad():
        residuals = control_residuals(branches.controlnet, latent, t, branches.batch, branches.schedule, iteration,
                                      strength=renderer.options.control_strength, own_skips=own_skip_count(unet))
        features = composite_features(unet, latent, t, branches.batch, branches.schedule, iteration, residuals)
    return features, branches.schedule


def test_hard_phase_a_caption_changes_the_composite_only_inside_its_own_region(tiny) -> None:
    latent = torch.randn(1, 4, 8, 16, generator=torch.Generator().manual_seed(3))
    before, schedule = composite_at(tiny, make_scene(), latent)
    after, _ = composite_at(tiny, make_scene(captions={0: "a blue metal barrel"}), latent)
    assert schedule.phase(0) == "hard"
    crate = schedule.hard[0]
    outside, inside = crate == 0, crate == 1
    assert outside.sum() >= 40 and inside.sum() >= 20
    assert torch.equal(before[..., outside], after[..., outside])  # exactly, both guidance passes
    assert not torch.equal(before[1][..., inside], after[1][..., inside])


def test_a_posed_caption_reaches_the_others_only_through_the_shared_control_residuals(tiny) -> None:
    latent = torch.randn(1, 4, 8, 16, generator=torch.Generator().manual_seed(4))
    changed = make_scene(captions={1: "a firefighter in a yellow coat"})
    # Without control residuals the posed chef is as isolated as the crate ...
    silent = variant(tiny, control_strength=0.0)
    before, schedule = composite_at(silent, make_scene(), latent)
    after, _ = composite_at(silent, changed, latent)
    outside = schedule.hard[1] == 0
    assert torch.equal(before[..., outside], after[..., outside])
    # ... with them, the chef's ControlNet residuals (which read the chef's caption) are shared by
    # every branch's higher-resolution decoder blocks, as 'h-control' prescribes.
    before, _ = composite_at(tiny, make_scene(), latent)
    after, _ = composite_at(tiny, changed, latent)
    assert not torch.equal(before[..., outside], after[..., outside])


# -- the command line -------------------------------------------------------------------------------

def test_cli_renders_the_three_person_example_with_png_manifest_and_control_images(cli, tmp_path: Path) -> None:
    result = cli("render", "--scene", KITCHEN, "--renderer", "finecontrolnet", "--model", "tiny", "--steps", "1",
                 "-o", tmp_path)
    assert result.code == 0, result.stderr
    (line,) = result.stdout.splitlines()
    png = Path(line)
    manifest = json.loads(png.with_suffix(".json").read_text())
    renderer = manifest["renderer"]
    assert renderer["name"] == "finecontrolnet" and renderer["scheduler"]["class"] == "DDIMScheduler"
    assert renderer["options"]["control_strength"] == 1.5 and renderer["options"]["guidance"] == 9.0
    assert renderer["options"]["harmony_level"] == 0  # 1 step // 2
    assert [m["role"] for m in renderer["models"]] == ["pipeline", "controlnet"]
    for role in ("control-0", "control-1", "control-2", "regions"):
        assert png.with_name(f"{png.stem}.{role}.png").is_file()


def test_a_scene_without_instances_is_refused_before_loading_with_a_pointer_to_regional(cli, tmp_path: Path) -> None:
    scene = tmp_path / "empty.yaml"
    scene.write_text("caption: an empty kitchen at night\nwidth: 64\nheight: 64\n")
    result = cli("render", "--scene", scene, "--renderer", "finecontrolnet", "--model", "tiny", "-o", tmp_path / "o")
    assert result.code == 2, result.stderr
    assert "at least one instance" in result.stderr and "--renderer regional" in result.stderr
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").glob("*.png"))


def test_missing_weights_are_exit_4(cli, tmp_path: Path) -> None:
    result = cli("render", "--scene", KITCHEN, "--renderer", "finecontrolnet", "-o", tmp_path)
    assert result.code == 4, result.stderr
    assert "Hint:" in result.stderr


def test_choosing_the_renderer_checking_a_scene_and_its_options_imports_no_torch() -> None:
    probe = ("import sys\n"
             "from renderers.finecontrolnet import FineControlNetRenderer as R\n"
             "from scenes.io import load_scene_file\n"
             "(kitchen,) = load_scene_file('scenes/examples/kitchen-staff.yaml')\n"
             "R(R.Options(model='tiny', max_batch=2, harmony_level=3)).check(kitchen.scene)\n"
             "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'diffusers', 'transformers'}))")
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, timeout=HANG_SECONDS)
    assert output.stdout.strip() == "[]", output.stderr


def test_tiny_sdxl_renders_too(tmp_path: Path) -> None:
    scene = make_scene(width=64, height=64)
    renderer = FineControlNetRenderer(FineControlNetOptions(model="tiny-sdxl", steps=1))
    (image,) = renderer.render(scene, [1])
    assert image.image.size == (64, 64)


# -- the composition against a reference that runs every branch by hand (spec §6.6) -----------------

def noise_by_hand(renderer, scene: Scene, latent: torch.Tensor, t: torch.Tensor, iteration: int) -> torch.Tensor:
    """Each branch (instance n, guidance pass g) as its own stock ControlNet call and UNet call.

    Skips read by the lowest-resolution decoder block (and the middle) take the branch's own
    ControlNet residuals; every other skip takes Σ_k W_k ⊙ r_k over the branches of the same pass,
    W bilinearly resized to the skip. The UNet's last decoder features are composited as
    Σ_n W_n ⊙ h_n per pass and finished with the UNet's output head.
    """
    import torch.nn.functional as F

    branches = renderer.prepare(scene)
    unet, controlnet, batch = renderer.components.unet, branches.controlnet, branches.batch
    n_branches, strength = batch.branches, renderer.options.control_strength
    maps = branches.schedule.at(iteration, latent.shape[-2:], device="cpu", dtype=torch.float32)  # (N, 1, h, w)

    def resized(size):
        return F.interpolate(maps, size=tuple(size), mode="bilinear", align_corners=False, antialias=False)

    own = len(unet.up_blocks[0].resnets)
    out = []
    for g in range(batch.passes):
        rows = [g * n_branches + n for n in range(n_branches)]
        residuals = [controlnet(latent, t, encoder_hidden_states=batch.context[r:r + 1],
                                controlnet_cond=batch.controls[r:r + 1], conditioning_scale=strength,
                                return_dict=False) for r in rows]
        skips = len(residuals[0][0])
        shared = [sum(resized(residuals[n][0][q].shape[-2:])[n] * residuals[n][0][q] for n in range(n_branches))
                  for q in range(skips - own)]
        composite = 0
        for n, r in enumerate(rows):
            down = shared + list(residuals[n][0][skips - own:])
            captured = []
            handle = unet.up_blocks[-1].register_forward_hook(lambda m, a, o, into=captured: into.append(o))
            try:
                unet(latent, t, encoder_hidden_states=batch.context[r:r + 1], down_block_additional_residuals=down,
                     mid_block_additional_residual=residuals[n][1], return_dict=False)
            finally:
                handle.remove()
            composite = composite + maps[n] * captured[0]
        out.append(unet.conv_out(unet.conv_act(unet.conv_norm_out(composite))))
    return torch.cat(out)


@pytest.mark.parametrize("iteration", [0, 1], ids=["hard", "soft"])
def test_two_people_match_every_branch_run_by_hand(tiny, iteration: int) -> None:
    scene = make_scene()
    scene = scene.model_copy(update={"instances": scene.instances[1:]})  # the chef and the waiter, both posed
    branches = tiny.prepare(scene)
    assert branches.schedule.phase(iteration) == ("hard" if iteration == 0 else "soft")
    latent, t = torch.randn(1, 4, 8, 16, generator=torch.Generator().manual_seed(7)), torch.tensor(501)
    with torch.no_grad():
        ours = predict_noise(tiny.components.unet, branches.controlnet, latent, t, branches.batch, branches.schedule,
                             iteration, strength=tiny.options.control_strength)
        expected = noise_by_hand(tiny, scene, latent, t, iteration)
    assert ours.shape == expected.shape == (2, 4, 8, 16)
    torch.testing.assert_close(ours, expected, rtol=1e-5, atol=1e-5)
