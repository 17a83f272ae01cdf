"""Identity routing in the regional renderer's cross-attention, checked layer by layer against
diffusers' stock IP-Adapter processor and against sums written here."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import IPAdapterAttnProcessor2_0
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture)

from renderers.regional import RegionalRenderer
from renderers.regional.identity import Area, IdentityState, RoutedIdentity, face_ellipse
from renderers.regional.processors import FusionState, RegionalCrossAttnProcessor
from renderers.regional.prompts import encode_scene
from renderers.regional.regions import RegionMasks
from scenes.model import Scene

LATENT = (16, 16)
A_BOX, B_BOX = (0.0, 0.0, 0.5, 1.0), (0.5, 0.0, 1.0, 0.75)  # on every layer's grid (16, 8, 4 cells)


@pytest.fixture(scope="module", params=["tiny", "tiny-sdxl"])
def loaded(request):
    renderer = RegionalRenderer(RegionalRenderer.Options(model=request.param, steps=2))
    renderer.load()
    renderer.identity_adapter({"subject", "face"})  # two adapters: plus for subjects, plus-face for faces
    assert renderer._adapter.weights == ["tiny-subject", "tiny-face"]
    return renderer


def _cross_layers(unet):
    for name, processor in unet.attn_processors.items():
        if isinstance(processor, RegionalCrossAttnProcessor):
            yield name, unet.get_submodule(name.removesuffix(".processor")), processor


def _tokens_of_layer(unet, attn) -> int:
    # Every cross-attention layer's resolution, by its width: 16 channels at 16x16, 32 at 8x8 and 4x4.
    return {16: 256, 32: 64}[attn.to_q.in_features]


def _random(shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def _mask(box, tokens):
    side = int(tokens ** 0.5)
    grid = torch.zeros(side, side)
    x0, y0, x1, y1 = (round(v * side) for v in box)
    grid[y0:y1, x0:x1] = 1.0
    return grid.reshape(-1)


def test_one_instance_over_the_whole_canvas_equals_diffusers_stock_ip_adapter_processor(loaded):
    unet = loaded.components.unet
    cross = unet.config.cross_attention_dim
    checked = set()
    for index, (name, attn, ours) in enumerate(_cross_layers(unet)):
        assert ours.ip_layer is not None, name  # every UNet cross-attention layer has adapter weights
        for tokens in (256, 64, 16):
            if attn.to_q.in_features != (16 if tokens == 256 else 32):
                continue
            hidden, text = _random((2, tokens, attn.to_q.in_features), index), _random((2, 77, cross), 100 + index)
            image = _random((2, 4, cross), 200 + index)
            stock = IPAdapterAttnProcessor2_0(attn.to_q.out_features, cross, num_tokens=(4,), scale=0.7)
            stock.to_k_ip[0].load_state_dict(ours.ip_layer[0][0].state_dict())
            stock.to_v_ip[0].load_state_dict(ours.ip_layer[0][1].state_dict())
            fusion = FusionState(None, latent_hw=LATENT, negative_rows=1)
            fusion.identity = IdentityState([RoutedIdentity(0, image, 0.7, Area("box", (0.0, 0.0, 1.0, 1.0)))], LATENT)
            with torch.no_grad():
                expected = stock(attn, hidden, (text, [image[:, None]]))
                got = ours(attn, hidden, text, fusion=fusion)
                plain = ours(attn, hidden, text)
            assert torch.allclose(got, expected, atol=1e-6, rtol=1e-5), name
            assert not torch.allclose(got, plain, atol=1e-3)  # the adapter does something
            checked.add(name)
    assert checked == {name for name, _, _ in _cross_layers(unet)}


def _heads(t: torch.Tensor, heads: int) -> torch.Tensor:
    return t.view(t.shape[0], -1, heads, t.shape[-1] // heads).transpose(1, 2)


def _two_instance_fusion(renderer, identities):
    scene = Scene(caption="two", width=128, height=128, instances=[
        {"name": "dog", "caption": "a brown dog", "box": list(A_BOX)},
        {"name": "cat", "caption": "a grey cat", "box": list(B_BOX)}])
    prompt = encode_scene(renderer.components, scene, "cpu", torch.float32, mode="regional")
    fusion = FusionState(RegionMasks(scene, feather=0.0, pose_dilation=0.2), prompt.groups, latent_hw=LATENT,
                         negative_rows=1, mode="regional", sets=prompt.sets, base_ratio=0.25,
                         negative_length=prompt.negative_tokens.shape[1])
    fusion.cross_active = True
    fusion.identity = IdentityState(identities, LATENT) if identities else None
    return fusion, prompt.context(1, guided=True)


def test_each_reference_reaches_only_its_own_region_and_text_masking_is_unchanged(loaded):
    unet = loaded.components.unet
    cross = unet.config.cross_attention_dim
    image_a, other_a, image_b = (_random((2, 4, cross), seed) for seed in (1, 2, 3))
    routes = {
        "with": [RoutedIdentity(0, image_a, 0.8, Area("box", A_BOX)),
                 RoutedIdentity(1, image_b, 1.3, Area("box", B_BOX), adapter=1)],
        "A changed": [RoutedIdentity(0, other_a, 0.8, Area("box", A_BOX)),
                      RoutedIdentity(1, image_b, 1.3, Area("box", B_BOX), adapter=1)],
        "without": None,
    }
    for index, (name, attn, ours) in enumerate(_cross_layers(unet)):
        tokens = _tokens_of_layer(unet, attn)
        hidden = _random((2, tokens, attn.to_q.in_features), 300 + index)
        out = {}
        for label, identities in routes.items():
            fusion, context = _two_instance_fusion(loaded, identities)
            with torch.no_grad():
                out[label] = ours(attn, hidden, context, fusion=fusion)
        in_a, in_b = _mask(A_BOX, tokens).bool(), _mask(B_BOX, tokens).bool()
        # A's reference changes nothing outside A's region, exactly, and something inside it.
        assert torch.equal(out["with"][:, ~in_a], out["A changed"][:, ~in_a]), name
        assert not torch.allclose(out["with"][:, in_a], out["A changed"][:, in_a]), name
        # Outside both regions the output is the text-only processor's, bit for bit.
        free = ~(in_a | in_b)
        assert free.any() and torch.equal(out["with"][:, free], out["without"][:, free]), name
        # Inside, the difference is the routed image attention written out here, through to_out.
        query = attn.to_q(hidden)
        term = torch.zeros_like(query)
        for image, scale, mask, adapter in ((image_a, 0.8, _mask(A_BOX, tokens), 0),
                                            (image_b, 1.3, _mask(B_BOX, tokens), 1)):
            k, v = ours.ip_layer[adapter][0](image), ours.ip_layer[adapter][1](image)
            attended = F.scaled_dot_product_attention(*(_heads(t, attn.heads) for t in (query, k, v)))
            term += scale * attended.transpose(1, 2).reshape(2, tokens, -1) * mask[None, :, None]
        expected = out["without"] + term.detach() @ attn.to_out[0].weight.T
        assert torch.allclose(out["with"], expected, atol=1e-5), name


def test_face_area_is_an_ellipse_around_the_head_keypoints_inside_its_cells():
    keypoints = [[0.0, 0.0, 0.0]] * 18
    keypoints[0], keypoints[1], keypoints[14], keypoints[15] = [0.3, 0.2, 1], [0.3, 0.35, 1], [0.28, 0.18, 1], [0.32, 0.18, 1]
    cx, cy, rx, ry = face_ellipse(keypoints, 1.0)
    assert cx == pytest.approx(0.3) and 0.18 < cy < 0.2 and ry > rx > 0.1
    mask = Area("face", (0.1, 0.0, 0.5, 1.0), (cx, cy, rx, ry)).mask(16, 16)
    rows, cols = np.nonzero(mask)
    assert mask.max() == 1.0 and rows.max() < 16 * (cy + ry) + 1 and cols.min() >= int(16 * (cx - rx))
    assert mask[15].sum() == 0  # the legs get nothing
