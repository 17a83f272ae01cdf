"""Fusion modes of the regional renderer: what a region hears, checked against references written here.

The references are plain torch (matmul, softmax) over texts encoded by diffusers' own pipelines,
so they share nothing with the code under test but the model weights.
"""

from __future__ import annotations

import copy
import io

import numpy as np
import pytest
import torch
from tiny_pipelines import one_thread, stock_pipeline  # noqa: F401 (one_thread: autouse fixture)

from renderers.regional import RegionalRenderer
from renderers.regional.processors import FusionState, block_of
from renderers.regional.prompts import base_text
from renderers.regional.regions import RegionMasks
from scenes.model import Scene

MODES = ("regional", "concat", "dense")


def make(model: str = "tiny", **options) -> RegionalRenderer:
    options = {"steps": 2, "device": "cpu", **options}
    return RegionalRenderer(RegionalRenderer.Options(model=model, **options))


def png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pixels(image) -> np.ndarray:
    return np.asarray(image, dtype=np.int16)


# -- equivalences with plain Stable Diffusion --------------------------------------------------------

@pytest.mark.parametrize("model", ["tiny", "tiny-sdxl"])
@pytest.mark.parametrize("mode", MODES)
def test_without_instances_every_mode_is_plain_stable_diffusion_bit_for_bit(model, mode):
    scene = Scene(caption="a lighthouse at dusk", background="a rocky shore", negative="blurry", width=64, height=96)
    renderer = make(model, steps=3, scheduler="dpm++2m", fusion=mode, self_attention_steps=1.0)
    ours = renderer.render(scene, [9])[0].image
    pipe = stock_pipeline(renderer.components, renderer.new_scheduler())
    theirs = pipe(scene.caption, negative_prompt=scene.negative, num_inference_steps=3, guidance_scale=7.5,
                  height=96, width=64, generator=torch.Generator().manual_seed(9)).images[0]
    assert png(ours) == png(theirs)


def _whole_canvas(caption: str, **extra) -> Scene:
    return Scene(caption="a portrait", negative="blurry", width=64, height=64,
                 instances=[{"name": "woman", "caption": caption, "box": [0.0, 0.0, 1.0, 1.0]}], **extra)


def test_one_instance_over_the_canvas_at_base_0_is_plain_sd_prompted_with_its_caption():
    caption = "a woman in a yellow dress with a green umbrella"
    renderer = make(steps=3, scheduler="ddim", base_ratio=0.0)
    ours = renderer.render(_whole_canvas(caption), [4])[0].image
    pipe = stock_pipeline(renderer.components, renderer.new_scheduler())
    theirs = pipe(caption, negative_prompt="blurry", num_inference_steps=3, height=64, width=64,
                  generator=torch.Generator().manual_seed(4)).images[0]
    assert png(ours) != png(renderer.render(_whole_canvas("a man in a red hat"), [4])[0].image)
    assert np.abs(pixels(ours) - pixels(theirs)).max() <= 1  # float rounding of a differently batched encoder


def test_one_instance_over_the_canvas_at_base_0_is_plain_sdxl_with_the_base_pooled_text():
    """SDXL's pooled text (global, not spatial) comes from the base: with a summary equal to the
    caption this is plain SDXL prompted with the caption; with the fallback base, plain SDXL given
    the caption's tokens and the base's pooled text."""
    caption = "a woman in a yellow dress with a green umbrella"
    renderer = make("tiny-sdxl", steps=3, scheduler="ddim", base_ratio=0.0)
    ours = renderer.render(_whole_canvas(caption, summary=caption), [4])[0].image
    pipe = stock_pipeline(renderer.components, renderer.new_scheduler())
    common = dict(num_inference_steps=3, height=64, width=64, guidance_scale=7.5)
    theirs = pipe(caption, negative_prompt="blurry", generator=torch.Generator().manual_seed(4), **common).images[0]
    assert np.abs(pixels(ours) - pixels(theirs)).max() <= 1

    fallback = _whole_canvas(caption)
    assert base_text(fallback) == ("a woman", "names")
    ours = renderer.render(fallback, [4])[0].image
    tokens, negative, _, negative_pooled = pipe.encode_prompt(caption, negative_prompt="blurry")
    _, _, base_pooled, _ = pipe.encode_prompt("a woman")
    theirs = pipe(prompt_embeds=tokens, negative_prompt_embeds=negative, pooled_prompt_embeds=base_pooled,
                  negative_pooled_prompt_embeds=negative_pooled, generator=torch.Generator().manual_seed(4),
                  **common).images[0]
    assert np.abs(pixels(ours) - pixels(theirs)).max() <= 1


# -- what a region hears, in every cross-attention layer -------------------------------------------------

A_BOX, B_BOX = [0.0, 0.0, 0.5, 1.0], [0.5, 0.0, 1.0, 0.75]  # aligned to every layer's grid; bottom right is free


def _scene(caption_b: str = "a woman in a yellow dress", pose_b: str | None = None) -> Scene:
    return Scene(caption="a man in a red hat and a woman in a yellow dress", summary="a man and a woman",
                 background="a park", negative="blurry", width=128, height=128,
                 instances=[{"name": "man", "caption": "a man in a red hat", "box": A_BOX},
                            {"name": "woman", "caption": caption_b, "box": B_BOX, **({"pose": pose_b} if pose_b else {})}])


def _record(networks, run):
    """(module, hidden states, encoder states, fusion state, output) of every active fused cross-attention call."""
    calls, hooks = [], []

    def record(module, args, kwargs, output):
        fusion = kwargs.get("fusion")
        if fusion is not None and fusion.cross_active:
            calls.append((module, args[0].clone(), kwargs["encoder_hidden_states"].clone(), fusion, output.clone()))

    for network in networks:
        for module in network.modules():
            if getattr(module, "is_cross_attention", False):
                hooks.append(module.register_forward_hook(record, with_kwargs=True))
    try:
        run()
    finally:
        for hook in hooks:
            hook.remove()
    return calls


def _reference_attention(attn, queries: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
    """Plain multi-head softmax attention of (B, N, C) queries over a (1, L, D) text, before to_out."""
    heads = attn.heads
    keys, values = attn.to_k(text)[0], attn.to_v(text)[0]
    d = keys.shape[-1] // heads
    q = queries.reshape(queries.shape[0], queries.shape[1], heads, d).permute(0, 2, 1, 3)
    k = keys.reshape(-1, heads, d).permute(1, 0, 2)
    v = values.reshape(-1, heads, d).permute(1, 0, 2)
    weights = torch.softmax(q @ k.transpose(-1, -2) / d**0.5, dim=-1)
    return (weights @ v).permute(0, 2, 1, 3).reshape(queries.shape[0], queries.shape[1], heads * d)


def _cells(box, h: int, w: int) -> torch.Tensor:
    """(h*w,) cells whose centre lies in the box (hand-written: the boxes are grid-aligned)."""
    ys, xs = (torch.arange(h) + 0.5) / h, (torch.arange(w) + 0.5) / w
    inside = ((ys >= box[1]) & (ys < box[3]))[:, None] & ((xs >= box[0]) & (xs < box[2]))[None, :]
    return inside.reshape(-1)


def _side(tokens: int, latent: int) -> int:
    side = latent
    while side * side > tokens:
        side //= 2
    assert side * side == tokens
    return side


@pytest.mark.parametrize("model", ["tiny", "tiny-sdxl"])
def test_inside_a_region_the_output_is_exactly_the_blend_and_nothing_of_the_others(model):
    base = 0.3
    renderer = make(model, steps=2, base_ratio=base, mask_feather=0.0)
    scene = _scene(pose_b="standing")
    renderer.load()
    networks = [renderer.components.unet, renderer.controlnet(renderer.controlnet_spec())]
    calls = _record(networks, lambda: renderer.render(scene, [5]))
    pipe = stock_pipeline(renderer.components, renderer.new_scheduler())

    def encoded(text: str) -> torch.Tensor:
        return pipe.encode_prompt(text, device="cpu", num_images_per_prompt=1, do_classifier_free_guidance=False)[0]

    man, park, summary = encoded("a man in a red hat"), encoded("a park"), encoded("a man and a woman, a park")
    negative = encoded("blurry")
    regions = RegionMasks(scene, feather=0.0, pose_dilation=0.2)
    per_network = {id(network): 0 for network in networks}
    owners = {id(m): id(n) for n in networks for m in n.modules()}
    checked_alone = 0
    for module, hidden, context, fusion, output in calls:
        per_network[owners[id(module)]] += 1
        side = _side(hidden.shape[1], 16)
        woman = torch.from_numpy(regions.at(side, side)[1].reshape(-1)) > 0  # the skeleton region, wherever it reaches
        alone = _cells(A_BOX, side, side) & ~woman
        free = ~_cells(A_BOX, side, side) & ~woman
        with torch.no_grad():
            queries = module.to_q(hidden)
            rows = hidden.shape[0] // 2
            blend_a = (1 - base) * _reference_attention(module, queries[rows:], man) + \
                base * _reference_attention(module, queries[rows:], summary)
            blend_bg = (1 - base) * _reference_attention(module, queries[rows:], park) + \
                base * _reference_attention(module, queries[rows:], summary)
            expected_a, expected_bg = module.to_out[0](blend_a), module.to_out[0](blend_bg)
            expected_negative = module.to_out[0](_reference_attention(module, queries[:rows], negative))
        torch.testing.assert_close(output[rows:, alone], expected_a[:, alone], rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(output[rows:, free], expected_bg[:, free], rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(output[:rows], expected_negative, rtol=1e-4, atol=1e-5)
        checked_alone += int(alone.any())

        # Another caption for the woman (same length): not one bit changes where the man is alone.
        other = copy.copy(fusion)
        other.cache = {}
        other.sets = list(fusion.sets)
        other.sets[2] = torch.randn_like(fusion.sets[2])
        with torch.no_grad():
            again = module(hidden, encoder_hidden_states=context, fusion=other)
            mine = module(hidden, encoder_hidden_states=context, fusion=fusion)
        assert torch.equal(again[:, alone], mine[:, alone])
        assert torch.equal(mine, output)
        assert not torch.equal(again[rows:, woman], mine[rows:, woman])
    assert all(count > 0 for count in per_network.values())  # UNet and ControlNet layers, every step
    assert checked_alone >= len(calls) - 2 * 2 * 2  # all but the 2x2 middle blocks of the two networks


# -- the dense mode, against DenseDiffusion's formula written out --------------------------------------

def test_dense_scores_follow_the_densediffusion_modulation():
    renderer = make(fusion="dense", mask_feather=0.0)
    renderer.load()
    scene = _scene()
    from renderers.regional.prompts import encode_scene

    prompt = encode_scene(renderer.components, scene, "cpu", torch.float32, mode="dense")
    regions = RegionMasks(scene, feather=0.0, pose_dilation=0.2)
    fusion = FusionState(regions, prompt.groups, latent_hw=(16, 16), strength=1.5, negative_rows=0, mode="dense",
                         keys=prompt.concatenated(base=True))
    fusion.cross_active, fusion.weight = True, 0.5
    attn = next(m for m in renderer.components.unet.modules() if getattr(m, "is_cross_attention", False))
    hidden = torch.randn(1, 256, attn.to_q.in_features, generator=torch.Generator().manual_seed(0))
    context = prompt.context(1, guided=False)
    with torch.no_grad():
        ours = attn(hidden, encoder_hidden_states=context, fusion=fusion)
        keys = prompt.concatenated(base=True)
        heads, q = attn.heads, attn.to_q(hidden)
        k, v = attn.to_k(keys), attn.to_v(keys)
        d = k.shape[-1] // heads
        q, k, v = (t.reshape(1, -1, heads, d).permute(0, 2, 1, 3) for t in (q, k, v))
        scores = q @ k.transpose(-1, -2) / d**0.5
        # per key: 1 inside its region, and the scale strength * (1 - area); base keys unmodulated
        a, b = _cells(A_BOX, 16, 16).float(), _cells(B_BOX, 16, 16).float()
        background = 1 - torch.maximum(a, b)
        inside = torch.ones(256, keys.shape[1])
        scale = torch.zeros(keys.shape[1])
        start = 77
        for mask, (_, count) in zip((a, b, background), prompt.groups[1:], strict=True):
            inside[:, start:start + count] = mask[:, None]
            scale[start:start + count] = 1.5 * (1 - mask.mean())
            start += count
        top, bottom = scores.max(-1, keepdim=True).values, scores.min(-1, keepdim=True).values
        scores = scores + 0.5 * scale * (inside * (top - scores) - (1 - inside) * (scores - bottom))
        out = (torch.softmax(scores, -1) @ v).permute(0, 2, 1, 3).reshape(1, 256, heads * d)
        expected = attn.to_out[0](out)
    torch.testing.assert_close(ours, expected, rtol=1e-4, atol=1e-5)


# -- layers, schedule, decay, self-attention -----------------------------------------------------------

def test_block_names_follow_diffusers_module_names():
    assert block_of("down_blocks.1.attentions.0.transformer_blocks.0.attn2.processor") == "down.1"
    assert block_of("mid_block.attentions.0.transformer_blocks.0.attn2.processor") == "mid"
    assert block_of("up_blocks.2.attentions.1.transformer_blocks.0.attn2.processor") == "up.2"


def test_fusion_runs_only_in_the_chosen_layers():
    renderer = make(fusion_layers="mid,up.1")
    renderer.load()
    calls = []
    unet = renderer.components.unet
    names = {module: name for name, module in unet.named_modules()}

    def record(module, args, kwargs, output):
        calls.append((names[module], module, args[0].clone(), kwargs["encoder_hidden_states"].clone(), output))

    hooks = [m.register_forward_hook(record, with_kwargs=True) for m in unet.modules()
             if getattr(m, "is_cross_attention", False)]
    try:
        renderer.render(_scene(), [1])
    finally:
        for hook in hooks:
            hook.remove()
    from diffusers.models.attention_processor import AttnProcessor2_0

    seen = set()
    for name, module, hidden, context, output in calls:
        with torch.no_grad():
            plain = AttnProcessor2_0()(module, hidden, context)
        block = block_of(name)
        seen.add(block)
        assert torch.equal(output, plain) == (block not in ("mid", "up.1")), name
    assert seen == {"down.0", "down.1", "mid", "up.1", "up.2"}


def _step_states(renderer, scene):
    states = []
    hook = renderer.components.unet.register_forward_pre_hook(
        lambda m, a, kw: states.append((kw["cross_attention_kwargs"]["fusion"].cross_active,
                                        kw["cross_attention_kwargs"]["fusion"].weight, int(a[1]))), with_kwargs=True)
    try:
        renderer.render(scene, [1])
    finally:
        hook.remove()
    return states


@pytest.mark.parametrize("mode, expected_active", [("regional", [1, 1, 1, 1, 1]), ("dense", [1, 1, 0, 0, 0])])
def test_each_mode_has_its_schedule_and_a_step_count_works_too(mode, expected_active):
    renderer = make(steps=5, fusion=mode)
    renderer.load()
    states = _step_states(renderer, _scene())
    assert [int(active) for active, _, _ in states] == expected_active  # dense: 30 % of 5 steps, rounded
    decay = renderer.options.fusion_decay
    for _, weight, timestep in states:
        assert weight == pytest.approx((timestep / 1000) ** decay)
    renderer = make(steps=5, fusion_steps=3)
    renderer.load()
    assert [int(active) for active, _, _ in _step_states(renderer, _scene())] == [1, 1, 1, 0, 0]


def test_self_attention_between_instances_is_damped_not_cut():
    renderer = make(self_attention_steps=1.0, self_attention_penalty=3.0)
    renderer.load()
    scene = _scene()
    regions = RegionMasks(scene, feather=0.0, pose_dilation=0.2)
    fusion = FusionState(regions, latent_hw=(16, 16), negative_rows=0, self_penalty=3.0)
    bias = fusion.self_bias(256, "cpu", torch.float32)
    a, b = _cells(A_BOX, 16, 16), _cells(B_BOX, 16, 16)
    assert torch.all(bias[a][:, b] == -3.0) and torch.all(bias[a][:, a] == 0) and torch.all(bias[~(a | b)] == 0)
    attn = next(m for m in renderer.components.unet.modules()
                if getattr(m, "is_cross_attention", None) is False and hasattr(m, "to_q"))
    hidden = torch.randn(1, 256, attn.to_q.in_features, generator=torch.Generator().manual_seed(0))
    changed = hidden.clone()
    changed[:, b] += 1.0
    with torch.no_grad():
        fusion.self_active = True
        damped = (attn(changed, fusion=fusion) - attn(hidden, fusion=fusion))[:, a].abs().mean()
        fusion.self_active = False
        plain = (attn(changed, fusion=fusion) - attn(hidden, fusion=fusion))[:, a].abs().mean()
    assert 0 < damped < plain  # B still reaches A, less


# -- regions and the base ------------------------------------------------------------------------------

def test_overlapping_regions_split_by_depth_the_front_one_weighing_more():
    scene = Scene(caption="x", width=64, height=64, instances=[
        {"name": "tree", "caption": "a tree", "box": [0.0, 0.0, 1.0, 0.5]},
        {"name": "man", "caption": "a man", "box": [0.0, 0.0, 1.0, 1.0]},  # lower bottom: in front
    ])
    shares = RegionMasks(scene, feather=0.0, pose_dilation=0.2).shares(4, 4)
    np.testing.assert_allclose(shares[:, 0, 0], [1 / 3, 2 / 3, 0.0], rtol=1e-6)  # behind: 1 - 0.5 of the front
    np.testing.assert_allclose(shares[:, 3, 0], [0.0, 1.0, 0.0])
    explicit = scene.model_copy(update={"instances": [scene.instances[0].model_copy(update={"depth": 0}),
                                                      scene.instances[1].model_copy(update={"depth": 1})]})
    np.testing.assert_allclose(RegionMasks(explicit, feather=0.0, pose_dilation=0.2).shares(4, 4)[:, 0, 0],
                               [2 / 3, 1 / 3, 0.0], rtol=1e-6)
    soft = RegionMasks(scene, feather=1.0, pose_dilation=0.2)
    np.testing.assert_allclose(soft.shares(8, 8).sum(axis=0), 1.0, rtol=1e-6)


def test_the_base_is_the_summary_or_the_instance_names_with_the_background():
    scene = _scene()
    assert base_text(scene) == ("a man and a woman, a park", "summary")
    bare = scene.model_copy(update={"summary": None, "background": None})
    assert base_text(bare) == ("a man and a woman", "names")
    three = bare.model_copy(update={"instances": [*bare.instances, bare.instances[0].model_copy(
        update={"name": "umbrella"})]})
    assert base_text(three) == ("a man, a woman and an umbrella", "names")
    said = scene.model_copy(update={"summary": "a man and a woman in a park"})
    assert base_text(said) == ("a man and a woman in a park", "summary")  # the background is already said


def test_the_manifest_records_the_fusion_and_the_base():
    renderer = make("tiny-sdxl", fusion_layers="down,mid", base_ratio=0.2)
    renderer.render(_scene().model_copy(update={"summary": None}), [1])
    fusion = renderer.describe().details["fusion"]
    assert fusion == {"mode": "regional", "steps": 2, "decay": 0.0, "layers": "down,mid", "base_ratio": 0.2,
                      "base": "a man and a woman, a park", "base_source": "names"}
    options = renderer.describe().options
    assert (options["fusion"], options["base_ratio"], options["fusion_steps"], options["fusion_layers"]) == \
        ("regional", 0.2, 1.0, "down,mid")


# -- options, before any weights -------------------------------------------------------------------------

@pytest.mark.parametrize("option, named", [
    ("fusion=blend", "fusion"), ("base_ratio=1.5", "base_ratio"), ("base_ratio=-0.1", "base_ratio"),
    ("fusion_steps=40", "fusion_steps"), ("fusion_steps=2.5", "fusion_steps"), ("fusion_layers=side", "fusion_layers"),
    ("fusion_layers=down.3", "fusion_layers"),
])
def test_bad_fusion_options_exit_2_naming_the_option_before_weights_load(cli, tmp_path, option, named):
    # The default model is not in this machine's cache: reaching the weights would exit 4.
    result = cli("render", "a man in a red hat next to a woman", "--renderer", "regional", "-O", option,
                 "-o", tmp_path)
    assert result.code == 2, result.stderr
    assert f"'{named}'" in result.stderr and "Hint:" in result.stderr
    assert not list(tmp_path.glob("*.png"))


def test_a_block_the_model_lacks_exits_2(cli, tmp_path):
    result = cli("render", "a man next to a woman", "--model", "tiny", "-O", "fusion_layers=up.3", "-o", tmp_path)
    assert result.code == 2 and "'fusion_layers'" in result.stderr and "up.3" in result.stderr


def test_a_render_with_other_fusion_settings_replays_byte_for_byte(cli, tmp_path):
    import json
    from pathlib import Path

    result = cli("render", "a man in a red hat next to a woman in a yellow dress", "--model", "tiny", "--steps", "3",
                 "--width", "64", "--height", "64", "-O", "fusion=dense", "-O", "fusion_steps=2", "-O",
                 "fusion_layers=up", "-O", "fusion_decay=1", "-o", tmp_path / "first")
    assert result.code == 0, result.stderr
    (path,) = result.stdout.split()
    record = json.loads(Path(path).with_suffix(".json").read_text())["renderer"]
    assert (record["options"]["fusion"], record["options"]["fusion_steps"], record["options"]["fusion_layers"],
            record["options"]["fusion_decay"]) == ("dense", 2.0, "up", 1.0)
    assert record["details"]["fusion"]["mode"] == "dense" and record["details"]["fusion"]["steps"] == 2
    replayed = cli("replay", Path(path).with_suffix(".json"), "-o", tmp_path / "again")
    assert replayed.code == 0, replayed.stderr
    assert Path(replayed.stdout.split()[0]).read_bytes() == Path(path).read_bytes()


def test_a_long_caption_is_heard_in_whole_windows_of_its_own():
    from renderers.diffusion.text import encode_padded, encode_windows

    renderer = make()
    renderer.load()
    long = "a man wearing a very long red woollen coat with brass buttons, a grey scarf and shiny black boots"
    assert len(long) > 75  # the tiny tokenizer has one token per character
    windows = encode_windows(renderer.components, long, "cpu").tokens
    assert windows.shape == (1, 154, 32)
    assert torch.equal(windows[:, :77], encode_padded(renderer.components, [long], "cpu").tokens)  # truncated = first
    scene = _scene().model_copy(update={"instances": [_scene().instances[0].model_copy(update={"caption": long}),
                                                      _scene().instances[1]]})
    image = renderer.render(scene, [3])[0].image
    assert png(image) != png(renderer.render(_scene(), [3])[0].image)
