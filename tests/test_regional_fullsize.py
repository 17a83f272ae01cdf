"""The full-size SD-1.5 UNet and OpenPose ControlNet (published configs in tests/data) with the
regional processors: the architecture builds, the processors sit where they should, and one
regional denoising step with pose control runs and keeps instances apart.

To stay fast, the 1.2 billion random weights share one random buffer (every parameter is a view of
its first elements): the shapes, the code paths and the arithmetic are the full model's, the memory
is 60 MB instead of 5 GB. Real independent weights are used by benchmarks/regional_overhead.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from accelerate import init_empty_weights
from diffusers import ControlNetModel, UNet2DConditionModel

from renderers.diffusion.control import control_tensor, pose_control_image
from renderers.regional.processors import FusionState, RegionalCrossAttnProcessor, install
from renderers.regional.regions import RegionMasks, layer_size
from scenes.model import Scene

DATA = Path(__file__).parent / "data"
SD15_UNET_PARAMETERS = 859_520_964  # the published SD-1.5 UNet


@pytest.fixture(autouse=True, scope="module")
def cheap_cpu_settings():
    # One thread: on a shared two-core machine OpenMP's spinning threads make this several times
    # slower. No oneDNN: it re-lays out every convolution's weights on each call, which at these
    # tiny resolutions costs more than the convolution itself.
    threads, onednn = torch.get_num_threads(), torch.backends.mkldnn.enabled
    torch.set_num_threads(1)
    torch.backends.mkldnn.enabled = False
    yield
    torch.set_num_threads(threads)
    torch.backends.mkldnn.enabled = onednn


def build(model_class, config_name: str, *, materialise: bool):
    config = json.loads((DATA / config_name).read_text())
    with init_empty_weights():
        model = model_class.from_config(config)
    if materialise:
        largest = max(p.numel() for p in model.parameters())
        pool = torch.randn(largest, generator=torch.Generator().manual_seed(0)) * 0.02
        for module in model.modules():
            for name, parameter in list(module._parameters.items()):
                if parameter is not None:
                    view = pool[: parameter.numel()].view(parameter.shape)
                    module._parameters[name] = torch.nn.Parameter(view, requires_grad=False)
    return model.eval()


def test_published_configs_build_with_the_known_attention_layout():
    unet = build(UNet2DConditionModel, "sd15_unet_config.json", materialise=False)
    controlnet = build(ControlNetModel, "sd15_controlnet_openpose_config.json", materialise=False)
    assert sum(p.numel() for p in unet.parameters()) == SD15_UNET_PARAMETERS
    for network, layers in ((unet, 32), (controlnet, 14)):
        install(network)
        processors = network.attn_processors
        assert len(processors) == layers
        cross = {name for name, p in processors.items() if isinstance(p, RegionalCrossAttnProcessor)}
        assert cross == {name for name in processors if name.endswith("attn2.processor")}
        assert len(cross) == layers // 2


@pytest.fixture(scope="module")
def networks():
    unet = build(UNet2DConditionModel, "sd15_unet_config.json", materialise=True)
    controlnet = build(ControlNetModel, "sd15_controlnet_openpose_config.json", materialise=True)
    install(unet)
    install(controlnet)
    return unet, controlnet


def test_a_regional_step_with_pose_control_runs_and_keeps_instances_apart(networks):
    unet, controlnet = networks
    scene = Scene(caption="a man and a woman", width=64, height=64, instances=[
        {"name": "man", "caption": "a man in a red hat", "box": [0.0, 0.0, 0.45, 1.0]},
        {"name": "woman", "caption": "a woman in a yellow dress", "box": [0.5, 0.0, 1.0, 1.0], "pose": "standing"},
    ])
    latent_hw = (8, 8)
    generator = torch.Generator().manual_seed(1)
    global_tokens, negative = torch.randn(1, 77, 768, generator=generator), torch.randn(1, 77, 768, generator=generator)
    base, man, woman = (torch.randn(1, 77, 768, generator=generator) for _ in range(3))
    regions = RegionMasks(scene, feather=1.0, pose_dilation=0.2)
    context = torch.cat([negative, global_tokens])  # the plain context; the region texts travel in the state

    def state(man_tokens):
        return FusionState(regions, latent_hw=latent_hw, negative_rows=1, mode="regional",
                           sets=[base, man_tokens, woman], base_ratio=0.25)

    fusion = state(man)
    fusion.cross_active = True
    latents = torch.randn(2, 4, *latent_hw, generator=generator)
    control = control_tensor(pose_control_image(scene), batch=2, device="cpu", dtype=torch.float32)

    calls = []
    hooks = [m.register_forward_pre_hook(lambda mod, args, kwargs: calls.append((mod, args[0])), with_kwargs=True)
             for network in (unet, controlnet) for m in network.modules() if getattr(m, "is_cross_attention", False)]
    with torch.no_grad():
        down, mid = controlnet(latents, 500, encoder_hidden_states=context, controlnet_cond=control,
                               cross_attention_kwargs={"fusion": fusion}, return_dict=False)
        noise = unet(latents, 500, encoder_hidden_states=context, cross_attention_kwargs={"fusion": fusion},
                     down_block_additional_residuals=down, mid_block_additional_residual=mid, return_dict=False)[0]
    for hook in hooks:
        hook.remove()
    assert noise.shape == (2, 4, 8, 8) and torch.isfinite(noise).all()
    assert len(calls) == 16 + 7  # every cross-attention layer of the UNet and the ControlNet ran once

    other = state(torch.randn(1, 77, 768, generator=generator))
    other.cross_active = True
    checked = 0
    with torch.no_grad():
        for module, hidden in calls:
            h, w = layer_size(hidden.shape[1], latent_hw)
            outside = torch.from_numpy(regions.at(h, w)[0].reshape(-1)) == 0
            a = module(hidden, encoder_hidden_states=context, fusion=fusion)
            b = module(hidden, encoder_hidden_states=context, fusion=other)
            assert torch.equal(a[:, outside], b[:, outside])
            assert not torch.equal(a[1:, ~outside], b[1:, ~outside])
            checked += int(outside.any())
    assert checked == len(calls) - 2  # all but the two 1x1 middle blocks have cells outside the man's box
