"""Masked LoRA: each concept's delta inside its own region (and on its own caption's K/V) only.

References: diffusers' own `load_lora_weights` + `fuse_lora` on a stock pipeline, and the LoRA's
delta written out from the file's tensors (x @ A.T @ B.T * scale)."""

from __future__ import annotations

import pytest
import torch
from concept_fixtures import lora_state_dict, tiny_unet, write_lora
from tiny_pipelines import one_thread, stock_pipeline  # noqa: F401 (one_thread: autouse fixture)

from renderers.diffusion.lora import MaskedLora, Routing, applied, unet_parts
from renderers.regional import RegionalRenderer
from renderers.regional.prompts import encode_scene
from scenes.model import Scene

A_BOX, B_BOX = [0.0, 0.0, 0.5, 1.0], [0.5, 0.0, 1.0, 0.5]  # grid-aligned at every layer; bottom right is free


def make(**options) -> RegionalRenderer:
    return RegionalRenderer(RegionalRenderer.Options(model="tiny", **{"steps": 1, "device": "cpu", **options}))


@pytest.mark.parametrize("family", ["sd15", "sdxl"])
def test_with_the_mask_all_ones_it_equals_diffusers_load_lora_weights_fused(family):
    renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny-sdxl" if family == "sdxl" else "tiny",
                                                         device="cpu"))
    renderer.load()
    unet = renderer.components.unet
    state = lora_state_dict(unet, 7, convs=True)  # SD-1.5's proj_in/proj_out are 1x1 convolutions
    parts, left_out = unet_parts(state, family)
    assert left_out == [] and len(parts) == len(state) // 2
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 8, 8, generator=generator)
    context = torch.randn(2, 9, unet.config.cross_attention_dim, generator=generator)
    extra = {}
    if family == "sdxl":
        extra = {"added_cond_kwargs": {"text_embeds": torch.randn(2, 32, generator=generator),
                                       "time_ids": torch.randn(2, 6, generator=generator)}}
    routing = Routing(lambda h, w: torch.ones(h * w, 1), lambda n: (int(n**0.5),) * 2, [0.7])
    with torch.no_grad():
        base = unet(x, 500, context, **extra).sample
        with applied(unet, [parts], routing), routing.text([(0, context.shape[1])]):
            masked = unet(x, 500, context, **extra).sample
        assert torch.equal(unet(x, 500, context, **extra).sample, base)  # the layers are put back
        pipe = stock_pipeline(renderer.components, renderer.new_scheduler())
        pipe.load_lora_weights(state, adapter_name="concept")
        pipe.fuse_lora(lora_scale=0.7)
        reference = pipe.unet(x, 500, context, **extra).sample
    assert (reference - base).abs().max() > 1e-2  # the LoRA does something
    torch.testing.assert_close(masked, reference, rtol=1e-4, atol=1e-5)


def _cells(box, h: int, w: int) -> torch.Tensor:
    ys, xs = (torch.arange(h) + 0.5) / h, (torch.arange(w) + 0.5) / w
    inside = ((ys >= box[1]) & (ys < box[3]))[:, None] & ((xs >= box[0]) & (xs < box[2]))[None, :]
    return inside.reshape(-1)


def _delta(state, name: str, x: torch.Tensor, scale: float) -> torch.Tensor:
    """The LoRA's full delta on (B, N, C) tokens; convolution inputs (B, C, H, W) come back as tokens too."""
    down, up = state[f"unet.{name}.lora_A.weight"], state[f"unet.{name}.lora_B.weight"]
    if down.ndim == 4:
        return _tokens(torch.nn.functional.conv2d(torch.nn.functional.conv2d(x, down), up)) * scale
    return (x @ down.T @ up.T) * scale


def _tokens(tensor: torch.Tensor) -> torch.Tensor:
    return tensor.flatten(2).transpose(1, 2) if tensor.ndim == 4 else tensor


@pytest.mark.parametrize("loras", [1, 2])
def test_each_delta_reaches_exactly_its_own_region_and_caption_in_every_layer(tmp_path, loras):
    scales = [0.8, 1.3]
    states = [write_lora(tmp_path / f"c{i}.safetensors", 10 + i, convs=True) for i in range(loras)]
    instances = [{"name": "dog", "caption": "a dog", "box": A_BOX, "concept": str(tmp_path / "c0.safetensors"),
                  "concept_scale": scales[0]},
                 {"name": "cat", "caption": "a cat", "box": B_BOX}]
    if loras == 2:
        instances[1].update(concept=str(tmp_path / "c1.safetensors"), concept_scale=scales[1])
    scene = Scene(caption="a dog and a cat", width=64, height=64, seed=2, instances=instances)
    renderer = make(mask_feather=0.0)
    renderer.load()
    calls = []

    def record(module, args, output):
        if isinstance(module, MaskedLora):
            calls.append((module, args[0].detach().clone(), output.detach().clone()))

    hook = torch.nn.modules.module.register_module_forward_hook(record)
    try:
        renderer.render(scene, [2])
    finally:
        hook.remove()
    prompt = encode_scene(renderer.components, scene, "cpu", torch.float32, mode="regional")
    captions = [prompt.sets[1][0], prompt.sets[2][0]]  # each instance's caption as encoded
    # The layers are put back after the render: each wrapper's base is a layer of the UNet again.
    bases = {id(m): n for n, m in renderer.components.unet.named_modules() if isinstance(m, torch.nn.Linear | torch.nn.Conv2d)}
    touched, text_checked = set(), 0
    for module, x, out in calls:
        name = bases[id(module.base)]
        touched.add(name)
        with torch.no_grad():
            base = module.base(x)
        if name.endswith(("attn2.to_k", "attn2.to_v")):
            owner = next((i for i, caption in enumerate(captions) if x.shape[-2] == caption.shape[0]
                          and torch.equal(x[0], caption)), None)
            expected = base if owner is None or owner >= loras else base + _delta(states[owner], name, x, scales[owner])
            torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)
            if owner is None or owner >= loras:
                assert torch.equal(out, base)  # the global caption, the base, the other captions: untouched
            text_checked += owner is not None
            continue
        full_delta = [_delta(state, name, x, scale) for state, scale in zip(states, scales, strict=False)]
        x, out, base = _tokens(x), _tokens(out), _tokens(base)
        side = int(x.shape[-2] ** 0.5)
        a, b = _cells(A_BOX, side, side), _cells(B_BOX, side, side)
        free = ~a & ~b
        torch.testing.assert_close(out[:, a], base[:, a] + full_delta[0][:, a], rtol=1e-5, atol=1e-6)
        if loras == 2:
            torch.testing.assert_close(out[:, b], base[:, b] + full_delta[1][:, b], rtol=1e-5, atol=1e-6)
        else:
            assert torch.equal(out[:, b], base[:, b])
        assert torch.equal(out[:, free], base[:, free])  # exactly the base model outside every region
    assert len(touched) == len(states[0]) // 2  # every layer of the LoRA was wrapped and ran
    assert text_checked >= loras


def test_a_kohya_lora_reads_as_the_same_layers_with_its_alpha():
    state = lora_state_dict(tiny_unet(), 3, rank=4)
    kohya = {}
    for key, tensor in state.items():
        module = key.removeprefix("unet.").split(".lora_")[0]
        stem = "lora_unet_" + module.replace(".", "_")
        kohya[f"{stem}.{'lora_down' if '.lora_A.' in key else 'lora_up'}.weight"] = tensor
        kohya[f"{stem}.alpha"] = torch.tensor(2.0)  # alpha / rank = 0.5
    peft_parts, _ = unet_parts(state, "sd15")
    kohya_parts, left_out = unet_parts(kohya, "sd15")
    assert left_out == [] and set(kohya_parts) == set(peft_parts)
    for name, part in peft_parts.items():
        assert torch.equal(kohya_parts[name].down, part.down) and torch.equal(kohya_parts[name].up, part.up)
        assert part.scale == 1.0 and kohya_parts[name].scale == 0.5
