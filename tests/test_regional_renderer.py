"""The regional renderer on tiny SD-1.5, tiny SDXL and the tiny OpenPose ControlNet, on the CPU."""

from __future__ import annotations

import importlib.metadata
import io

import numpy as np
import pytest
import torch
from tiny_pipelines import one_thread, save_tiny_pipeline, stock_pipeline  # noqa: F401 (one_thread: autouse fixture)

from renderers.diffusion.control import pose_control_image
from renderers.regional import RegionalRenderer
from renderers.regional.processors import RegionalCrossAttnProcessor, RegionalSelfAttnProcessor
from renderers.regional.regions import RegionMasks, layer_size
from renderers.weights import missing_error
from scenes.errors import EXIT_UNAVAILABLE, InvalidInput
from scenes.model import Scene
from scenes.openpose import draw_skeletons


def make(model: str = "tiny", **options) -> RegionalRenderer:
    options = {"steps": 2, "device": "cpu", **options}
    return RegionalRenderer(RegionalRenderer.Options(model=model, **options))


def png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def two_people(width=128, height=128, *, caption_a="a man in a red hat", pose_b=None, background="a park") -> Scene:
    return Scene(
        caption="a man and a woman in a park", background=background, negative="blurry",
        width=width, height=height,
        instances=[
            {"name": "man", "caption": caption_a, "box": [0.0, 0.0, 0.4, 1.0]},
            {"name": "woman", "caption": "a woman in a yellow dress", "box": [0.55, 0.05, 1.0, 1.0],
             **({"pose": pose_b} if pose_b else {})},
        ],
    )


# -- registration and contract ------------------------------------------------------------------

def test_registered_as_the_regional_entry_point():
    points = importlib.metadata.entry_points(group="deig.renderers")
    assert points["regional"].load() is RegionalRenderer
    assert RegionalRenderer.name == "regional" and RegionalRenderer.max_instances is None


def test_fusion_options_have_their_documented_defaults_and_limits():
    options = RegionalRenderer.Options()
    assert (options.fusion_strength, options.fusion_steps, options.self_attention_steps, options.mask_feather,
            options.pose_mask_dilation, options.controlnet, options.control_scale, options.batch_size) == \
        (1.0, 1.0, 0.0, 1.0, 0.2, "auto", 1.0, 1)
    assert (options.fusion, options.base_ratio, options.fusion_decay, options.fusion_layers,
            options.self_attention_penalty) == ("regional", 0.25, 0.0, "all", 4.0)
    for bad in ({"fusion_steps": 1.5}, {"fusion_strength": -1}, {"batch_size": 0}, {"self_attention_steps": 2},
                {"fusion": 1}):
        with pytest.raises(ValueError):
            RegionalRenderer.Options(**bad)


# -- images -------------------------------------------------------------------------------------

@pytest.mark.parametrize("model", ["tiny", "tiny-sdxl"])
@pytest.mark.parametrize("width, height", [(64, 64), (96, 64), (64, 136), (72, 80)])
def test_images_have_the_requested_size(model, width, height):
    scene = two_people(width, height)
    images = make(model).render(scene, [1])
    assert len(images) == 1 and images[0].image.size == (width, height) and images[0].image.mode == "RGB"
    assert images[0].seed == 1


@pytest.mark.parametrize("model, pose", [("tiny", None), ("tiny-sdxl", None), ("tiny", "standing"),
                                         ("tiny-sdxl", "waving")])
def test_the_same_seed_gives_identical_bytes(model, pose):
    scene = two_people(pose_b=pose)
    first = make(model).render(scene, [42, 43])
    again = make(model).render(scene, [42])  # a fresh renderer: a replay in a new process
    assert png(first[0].image) == png(again[0].image)
    assert png(first[0].image) != png(first[1].image)


@pytest.mark.parametrize("model", ["tiny", "tiny-sdxl"])
def test_a_batch_equals_the_images_rendered_one_by_one(model):
    scene = two_people(pose_b="standing")
    renderer = make(model, scheduler="euler-a")  # stochastic: each image draws from its own generator
    seeds = [3, 4, 5]
    together = renderer.render(scene, seeds)
    alone = [renderer.render(scene, [seed])[0] for seed in seeds]
    assert [png(a.image) for a in together] == [png(b.image) for b in alone]
    batched = make(model, scheduler="euler-a", batch_size=3).render(scene, seeds)
    for a, b in zip(batched, alone, strict=True):
        difference = np.abs(np.asarray(a.image, dtype=int) - np.asarray(b.image, dtype=int))
        assert difference.max() <= 1  # one UNet call for three images: equal up to float rounding


@pytest.mark.parametrize("model, guidance", [("tiny", 7.5), ("tiny", 1.0), ("tiny-sdxl", 6.0)])
def test_without_instances_it_is_plain_stable_diffusion(model, guidance):
    """No instances: the same pixels as diffusers' own pipeline with the same components and seed."""
    scene = Scene(caption="a lighthouse at dusk", negative="blurry", width=64, height=96)
    renderer = make(model, steps=3, scheduler="dpm++2m", guidance=guidance)
    ours = renderer.render(scene, [9])[0].image
    pipe = stock_pipeline(renderer.components, renderer.new_scheduler())
    theirs = pipe(scene.caption, negative_prompt=scene.negative, num_inference_steps=3, guidance_scale=guidance,
                  height=96, width=64, generator=torch.Generator().manual_seed(9)).images[0]
    assert png(ours) == png(theirs)


def test_pose_control_is_diffusers_controlnet_when_fusion_is_off():
    scene = two_people(64, 64, pose_b="standing")
    renderer = make(scheduler="ddim", fusion_steps=0.0)
    ours = renderer.render(scene, [4])[0]
    controlnet = renderer._controlnets["tiny"][0]
    pipe = stock_pipeline(renderer.components, renderer.new_scheduler(), controlnet=controlnet)
    theirs = pipe(scene.caption, image=ours.extras["control"], negative_prompt=scene.negative, num_inference_steps=2,
                  height=64, width=64, generator=torch.Generator().manual_seed(4)).images[0]
    assert png(ours.image) == png(theirs)


def test_the_control_image_holds_every_posed_instance_and_steers_the_image():
    scene = Scene(caption="two dancers", width=128, height=128, instances=[
        {"name": "man", "caption": "a man in black", "box": [0.05, 0.05, 0.45, 0.95], "pose": "standing"},
        {"name": "woman", "caption": "a woman in red", "box": [0.55, 0.05, 0.95, 0.95], "pose": "waving"},
        {"name": "dog", "caption": "a small dog", "box": [0.4, 0.7, 0.6, 0.95]},
    ])
    rendered = make().render(scene, [1])[0]
    people = [scene.instances[i].keypoints(scene.aspect) for i in (0, 1)]
    assert png(rendered.extras["control"]) == png(draw_skeletons(people, 128, 128))
    without_control = make(controlnet="none").render(scene, [1])[0]
    assert "control" not in without_control.extras
    assert png(rendered.image) != png(without_control.image)


def test_instances_without_guidance_render_and_stay_deterministic():
    scene = two_people(64, 64, pose_b="standing")
    first, again = make(guidance=1.0).render(scene, [8])[0], make(guidance=1.0).render(scene, [8])[0]
    assert png(first.image) == png(again.image)
    assert png(first.image) != png(make(guidance=1.0, fusion_steps=0.0).render(scene, [8])[0].image)


def test_zero_and_thirty_instances_render():
    empty = make().render(Scene(caption="an empty beach", width=64, height=64), [1])[0]
    assert empty.image.size == (64, 64)
    instances = [{"name": f"thing{i}", "caption": f"a small object number {i} painted in colour {i}",
                  "box": [(i % 6) / 6, (i // 6) / 5, (i % 6 + 1) / 6, (i // 6 + 1) / 5]} for i in range(30)]
    crowded = Scene(caption="thirty things on a table", width=96, height=80, instances=instances)
    renderer = make()
    assert renderer.check(crowded) == []
    image = renderer.render(crowded, [1])[0].image
    assert image.size == (96, 80) and np.isfinite(np.asarray(image)).all()


def test_the_fused_context_holds_only_real_caption_tokens():
    from renderers.regional.prompts import encode_scene

    renderer = make()
    renderer.load()
    scene = two_people()
    prompt = encode_scene(renderer.components, scene, "cpu", torch.float32, mode="concat")
    tokenizer = renderer.components.tokenizers[0]
    lengths = [len(tokenizer(text, add_special_tokens=False).input_ids) + 1
               for text in [i.caption for i in scene.instances] + [scene.background]]
    assert [count for _, count in prompt.groups] == [77, *lengths]
    assert prompt.concatenated(base=False).shape == (1, 77 + sum(lengths), 32)
    assert prompt.context(2, guided=True).shape == (4, 77, 32)  # the UNet always gets the plain context


def test_progress_is_reported_after_every_step():
    calls = []
    make(steps=3).render(two_people(64, 64), [1, 2], progress=lambda done, total: calls.append((done, total)))
    assert calls == [(i, 6) for i in range(1, 7)]


def test_rendering_logs_no_diffusers_warnings():
    """E.g. no 'cross_attention_kwargs [...] are not expected' per layer and step, no dtype-cast notes."""
    import logging

    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("diffusers")
    logger.addHandler(handler)
    try:
        make(self_attention_steps=0.5).render(two_people(64, 64, pose_b="standing"), [1])
        make("tiny-sdxl").render(two_people(64, 64, pose_b="standing"), [1])
    finally:
        logger.removeHandler(handler)
    assert [record.getMessage() for record in records] == []


@pytest.mark.parametrize("mode", ["model", "sequential"])
def test_offloaded_models_render_the_same_pixels(mode, monkeypatch):
    """accelerate's offload hooks around our processors and loop. CUDA is the edge of the world
    here: the hooks run with the CPU as their execution device."""
    import renderers.diffusion.devices

    monkeypatch.setattr(renderers.diffusion.devices, "check_offload", lambda offload, device: None)
    scene = two_people(64, 64, pose_b="standing")
    offloaded = make(offload=mode).render(scene, [6])[0]
    assert png(offloaded.image) == png(make().render(scene, [6])[0].image)


# -- where the processors sit ---------------------------------------------------------------------

@pytest.mark.parametrize("model", ["tiny", "tiny-sdxl"])
def test_fusion_sits_on_exactly_the_cross_attention_layers(model):
    renderer = make(model)
    renderer.render(two_people(64, 64, pose_b="standing"), [1])  # loads the ControlNet too
    for network in (renderer.components.unet, renderer._controlnets["tiny"][0]):
        cross = set()
        for name, processor in network.attn_processors.items():
            module = network.get_submodule(name.removesuffix(".processor"))
            if module.is_cross_attention:
                cross.add(name)
                assert isinstance(processor, RegionalCrossAttnProcessor)
            else:
                assert isinstance(processor, RegionalSelfAttnProcessor)
        assert cross and cross == {n for n in network.attn_processors if n.endswith("attn2.processor")}


# -- leakage: an instance's caption reaches only its own region ---------------------------------

def _record_cross_attention(networks, run):
    """Every cross-attention call during `run`: (module, hidden states, encoder states, fusion state)."""
    calls, hooks = [], []

    def record(module, args, kwargs):
        fusion = kwargs.get("fusion")
        calls.append((module, args[0].clone(), kwargs["encoder_hidden_states"].clone(), fusion,
                      bool(fusion and fusion.cross_active)))

    for network in networks:
        for module in network.modules():
            if getattr(module, "is_cross_attention", False):
                hooks.append(module.register_forward_pre_hook(record, with_kwargs=True))
    try:
        run()
    finally:
        for hook in hooks:
            hook.remove()
    return calls


def _replay(module, hidden, context, fusion):
    fusion.cross_active = True
    try:
        with torch.no_grad():
            return module(hidden, encoder_hidden_states=context, fusion=fusion)
    finally:
        fusion.cross_active = False


@pytest.mark.parametrize("model, pose", [("tiny", None), ("tiny-sdxl", None), ("tiny", "standing")])
def test_changing_a_caption_changes_nothing_outside_its_region(model, pose):
    """Every cross-attention layer (UNet and ControlNet), every fusion step: outside instance A's
    region the output is bit-for-bit the same whatever A's caption says; inside, it changes."""
    renderer = make(model, steps=3)
    red, blue = two_people(pose_b=pose), two_people(pose_b=pose, caption_a="a man in a tan hat")
    renderer.load()
    networks = [renderer.components.unet]
    if pose:
        networks.append(renderer.controlnet(renderer.controlnet_spec()))
    calls_red = _record_cross_attention(networks, lambda: renderer.render(red, [5]))
    calls_blue = _record_cross_attention(networks, lambda: renderer.render(blue, [5]))
    assert len(calls_red) == len(calls_blue) >= 3 * 5
    assert all(active for *_, active in calls_red)  # the default: fusion in every step
    for (module, hidden, context_red, fusion_red, _), (other, _, context_blue, fusion_blue, _) in zip(
            calls_red, calls_blue, strict=True):
        assert module is other
        out_red = _replay(module, hidden, context_red, fusion_red)
        out_blue = _replay(module, hidden, context_blue, fusion_blue)  # same image tokens, other caption
        h, w = layer_size(hidden.shape[1], fusion_red.latent_hw)
        region_a = torch.from_numpy(fusion_red.regions.at(h, w)[0].reshape(-1))
        outside, inside = region_a == 0, region_a > 0
        assert outside.any() and inside.any()
        assert torch.equal(out_red[:, outside], out_blue[:, outside])
        negative_rows = fusion_red.negative_rows
        assert torch.equal(out_red[:negative_rows], out_blue[:negative_rows])  # the negative prompt's rows
        assert not torch.equal(out_red[negative_rows:, inside], out_blue[negative_rows:, inside])


def test_a_longer_caption_leaks_nothing_beyond_float_rounding():
    """A caption of another length changes the number of keys, hence the kernel's summation order;
    the masked keys still have exactly zero weight (concat mode)."""
    renderer = make(steps=2, fusion="concat")
    short, long = two_people(), two_people(caption_a="an old man in a wide red hat and a green coat")
    renderer.load()
    unet = renderer.components.unet
    calls_short = _record_cross_attention([unet], lambda: renderer.render(short, [5]))
    calls_long = _record_cross_attention([unet], lambda: renderer.render(long, [5]))
    for (module, hidden, ctx_short, fusion_short, _), (_, _, ctx_long, fusion_long, _) in zip(
            calls_short, calls_long, strict=True):
        assert fusion_long.keys.shape[1] > fusion_short.keys.shape[1]
        out_short = _replay(module, hidden, ctx_short, fusion_short)
        out_long = _replay(module, hidden, ctx_long, fusion_long)
        h, w = layer_size(hidden.shape[1], fusion_short.latent_hw)
        outside = torch.from_numpy(fusion_short.regions.at(h, w)[0].reshape(-1)) == 0
        torch.testing.assert_close(out_short[:, outside], out_long[:, outside], rtol=1e-5, atol=1e-6)
        assert (out_short[:, ~outside] - out_long[:, ~outside]).abs().max() > 1e-3


# -- fusion strength and schedule -----------------------------------------------------------------

def _fusion_flags(renderer: RegionalRenderer, scene: Scene) -> list[tuple[bool, bool]]:
    flags = []
    renderer.load()
    hook = renderer.components.unet.register_forward_pre_hook(
        lambda module, args, kwargs: flags.append((kwargs["cross_attention_kwargs"]["fusion"].cross_active,
                                                   kwargs["cross_attention_kwargs"]["fusion"].self_active)),
        with_kwargs=True)
    try:
        renderer.render(scene, [1])
    finally:
        hook.remove()
    return flags


def test_by_default_fusion_runs_every_step_and_self_attention_masking_is_off():
    assert _fusion_flags(make(steps=4), two_people(64, 64)) == [(True, False)] * 4


def test_the_fusion_and_self_attention_fractions_pick_the_first_steps():
    flags = _fusion_flags(make(steps=4, fusion_steps=0.5, self_attention_steps=0.25), two_people(64, 64))
    assert flags == [(True, True), (True, False), (False, False), (False, False)]


@pytest.mark.parametrize("mode", ["regional", "concat", "dense"])
def test_instances_matter_in_every_mode_and_not_without_fusion_steps(mode):
    scene = two_people(64, 64)
    no_instances = scene.model_copy(update={"instances": [], "background": None})
    default = make(fusion=mode).render(scene, [7])[0].image
    other_caption = make(fusion=mode).render(two_people(64, 64, caption_a="a man in a tan hat"), [7])[0].image
    assert png(default) != png(other_caption)
    plain = png(make().render(no_instances, [7])[0].image)
    assert png(make(fusion=mode, fusion_steps=0.0).render(scene, [7])[0].image) == plain
    if mode != "regional":  # strength: concat's weight, dense's modulation
        assert png(make(fusion=mode, fusion_strength=0.0).render(scene, [7])[0].image) == plain
        assert png(make(fusion=mode, fusion_strength=3.0).render(scene, [7])[0].image) != png(default)


def test_masked_self_attention_keeps_instances_apart():
    renderer = make(self_attention_steps=1.0)
    renderer.load()
    scene = two_people(128, 128)
    regions = RegionMasks(scene, feather=1.0, pose_dilation=0.2)
    from renderers.regional.processors import FusionState

    fusion = FusionState(regions, [(-1, 77)], latent_hw=(16, 16), strength=1.0, negative_rows=0, negative_length=77,
                         self_penalty=float("inf"))  # an infinite penalty cuts; the default (finite) damps
    attn = next(m for m in renderer.components.unet.modules()
                if getattr(m, "is_cross_attention", None) is False and hasattr(m, "to_q"))
    tokens = 16 * 16
    masks = torch.from_numpy(regions.at(16, 16).reshape(2, -1))
    only_a, only_b = (masks[0] > 0.5) & (masks[1] <= 0.5), (masks[1] > 0.5) & (masks[0] <= 0.5)
    background = (masks <= 0.5).all(dim=0)
    hidden = torch.randn(1, tokens, attn.to_q.in_features, generator=torch.Generator().manual_seed(0))
    changed = hidden.clone()
    changed[:, only_b] += 1.0
    with torch.no_grad():
        fusion.self_active = True
        masked = attn(hidden, fusion=fusion), attn(changed, fusion=fusion)
        fusion.self_active = False
        plain = attn(hidden, fusion=fusion), attn(changed, fusion=fusion)
    assert torch.equal(masked[0][:, only_a], masked[1][:, only_a])  # A cannot see B
    assert not torch.equal(masked[0][:, background], masked[1][:, background])  # the background sees all
    assert not torch.equal(plain[0][:, only_a], plain[1][:, only_a])  # without masking, A does see B


# -- regions ----------------------------------------------------------------------------------------

def test_posed_instances_get_skeleton_masks_and_boxes_soft_edges():
    scene = two_people(128, 128, pose_b="standing")
    regions = RegionMasks(scene, feather=1.0, pose_dilation=0.2)
    box, pose = regions.at(16, 16)
    assert set(np.unique(box)) > {0.0, 1.0}  # a soft edge between 0 and 1
    keypoints = scene.instances[1].keypoints(scene.aspect)
    for x, y, c in keypoints:
        if c > 0:
            assert pose[min(int(y * 16), 15), min(int(x * 16), 15)] > 0.5  # every joint is inside
    x0, y0, x1, y1 = scene.instances[1].box
    in_box = np.zeros((16, 16), dtype=bool)
    in_box[int(y0 * 16):int(np.ceil(y1 * 16)), int(x0 * 16):int(np.ceil(x1 * 16))] = True
    assert (pose[in_box] < 0.05).any()  # unlike the box, the skeleton region leaves room around the body
    assert pose[~in_box].max() < 0.6
    assert regions.at(16, 16) is regions.at(16, 16)  # computed once per resolution
    background = regions.background_at(16, 16)
    np.testing.assert_allclose(background, np.clip(1 - np.maximum(box, pose), 0, 1))


def test_layer_sizes_follow_the_unet_downsampling_of_odd_latents():
    assert layer_size(90, (9, 10)) == (9, 10)
    assert layer_size(25, (9, 10)) == (5, 5)
    assert layer_size(9, (9, 10)) == (3, 3)
    with pytest.raises(RuntimeError):
        layer_size(24, (9, 10))


def test_masks_are_reused_across_renders_of_the_same_layout():
    renderer = make()
    renderer.render(two_people(64, 64), [1])
    first = renderer._regions(two_people(64, 64))
    renderer.render(two_people(64, 64, caption_a="a man in a tan hat"), [1])  # same boxes, other caption
    assert renderer._regions(two_people(64, 64)) is first
    assert renderer._regions(two_people(64, 64, pose_b="standing")) is not first


def test_pose_control_image_is_none_without_poses():
    assert pose_control_image(two_people()) is None


# -- cheap checks ---------------------------------------------------------------------------------

def test_poses_need_the_families_controlnet_which_is_a_missing_piece_not_an_invalid_scene(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "cache"))
    for family, expected in (("sd15", "lllyasviel/control_v11p_sd15_openpose"),
                             ("sdxl", "xinsir/controlnet-openpose-sdxl-1.0")):
        save_tiny_pipeline(family, tmp_path / family)
        renderer = make(str(tmp_path / family))
        renderer.check_environment()
        assert renderer.check(two_people()) == [] and renderer.weight_needs([two_people()]) == []
        assert renderer.check(two_people(pose_b="standing")) == []  # valid whatever the cache holds
        [need] = renderer.weight_needs([two_people(pose_b="standing")])
        assert need.repo_id == expected and not need.here
        error = missing_error([need])
        assert error.exit_code == EXIT_UNAVAILABLE and f"deig download {expected}" in error.hint
        posed_none = make(str(tmp_path / family), controlnet="none")
        warnings = posed_none.check(two_people(pose_b="standing"))
        assert warnings and "regions only" in warnings[0]
        assert posed_none.weight_needs([two_people(pose_b="standing")]) == []


def test_the_tiny_controlnet_does_not_fit_real_models(tmp_path):
    save_tiny_pipeline("sd15", tmp_path / "model")
    with pytest.raises(InvalidInput):
        make(str(tmp_path / "model"), controlnet="tiny").check(two_people(pose_b="standing"))


def test_incomplete_scenes_are_refused_before_any_weights():
    scene = Scene(caption="a man", width=64, height=64, instances=[{"name": "man"}])
    renderer = make()
    with pytest.raises(InvalidInput):
        renderer.check(scene)
    assert not renderer.loaded


def test_the_scheduler_state_does_not_carry_over_between_renders():
    renderer = make(scheduler="dpm++2m-karras", steps=3)
    scene = two_people(64, 64)
    assert png(renderer.render(scene, [2])[0].image) == png(renderer.render(scene, [2])[0].image)
