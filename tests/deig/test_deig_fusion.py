"""The Instance Detail Extractor, the grounding tokens, the box masks and the masked fusion."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from deig_fixtures import one_torch_thread  # noqa: F401 (one_torch_thread: autouse fixture)
from diffusers.models.attention_processor import AttnProcessor2_0
from diffusers.models.embeddings import get_fourier_embeds_from_boundingbox

from renderers.deig.config import TINY, ExtractorConfig, PositionNetConfig
from renderers.deig.extractor import InstanceDetailExtractor
from renderers.deig.fusion import DetailFusion, DetailFusionAttnProcessor, install_detail_fusion
from renderers.deig.grounding import (
    BoxMasks,
    FusionInput,
    Grounding,
    InstancePositionNet,
    box_pixel_mask,
    fourier_box_code,
)
from renderers.deig.model import build_unet

# -- box masks (spec §3.3) -------------------------------------------------------------------------


def cells(mask_row: torch.Tensor, side: int) -> tuple[range, range]:
    grid = mask_row.reshape(side, side).numpy()
    rows, cols = np.nonzero(grid)
    assert grid[rows.min():rows.max() + 1, cols.min():cols.max() + 1].all(), "a box mask is a rectangle"
    return range(rows.min(), rows.max() + 1), range(cols.min(), cols.max() + 1)


def test_box_mask_at_each_unet_resolution_follows_the_spec():
    # At 512x512: edges round(51.2)=51, round(102.4)=102, round(281.6)=282, round(358.4)=358 (end-exclusive),
    # i.e. pixel columns 51..281 and rows 102..357.
    masks = BoxMasks([[0.1, 0.2, 0.55, 0.7]], 512, 512)
    # 64x64 (8 px cells) and 32x32 (16 px): every cell the box touches, nothing more.
    assert cells(masks.at(64 * 64)[0, 0], 64) == (range(102 // 8, 357 // 8 + 1), range(51 // 8, 281 // 8 + 1))
    assert cells(masks.at(32 * 32)[0, 0], 32) == (range(6, 23), range(3, 18))
    # 16x16 (32 px cells): touched rows 3..11, cols 1..8, then a 3x3 dilation.
    assert cells(masks.at(16 * 16)[0, 0], 16) == (range(2, 13), range(0, 10))
    # 8x8 (64 px cells, middle block only): touched rows 1..5, cols 0..4, then a 5x5 dilation.
    assert cells(masks.at(8 * 8)[0, 0], 8) == (range(0, 8), range(0, 7))
    assert sorted(masks.by_tokens) == [64, 256, 1024, 4096]


def test_pixel_edges_round_half_to_even_and_end_exclusive():
    # 512 * x = 2.5 -> 2 and 3.5 -> 4 (half to even), not 3 and 4.
    mask = box_pixel_mask([2.5 / 512, 3.5 / 512, 6.5 / 512, 9.5 / 512], 512, 512)
    ys, xs = np.nonzero(mask)
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (2, 5, 4, 9)
    # A box edge just inside a cell still claims that cell (block max, not the cell centre).
    masks = BoxMasks([[0.0, 0.0, 9 / 512, 9 / 512]], 512, 512)
    assert masks.at(4096)[0, 0].reshape(64, 64)[:2, :2].all()


def test_empty_slots_and_the_unconditional_row_have_no_cells():
    masks = BoxMasks([[0.1, 0.1, 0.4, 0.4], None], 512, 512).with_batch([False, True])
    for n_visual in (64, 256, 1024, 4096):
        m = masks.at(n_visual)
        assert m.shape == (2, 2, n_visual)
        assert not m[0].any() and not m[1, 1].any() and m[1, 0].any()


def test_masks_generalise_to_other_sizes_by_unet_level():
    masks = BoxMasks([[0.0, 0.0, 0.5, 1.0]], 512, 768)
    assert sorted(masks.grids.values()) == [(8, 12), (16, 24), (32, 48), (64, 96)]
    assert masks.at(64 * 96)[0, 0].reshape(64, 96)[:, :48].all()
    with pytest.raises(ValueError, match="multiple of 64"):
        BoxMasks([[0, 0, 1, 1]], 512, 520)


# -- grounding tokens (spec §2.6) --------------------------------------------------------------------


def test_fourier_box_code_layout():
    box = torch.tensor([[[0.1, 0.2, 0.6, 0.9]]])
    code = fourier_box_code(box)
    assert code.shape == (1, 1, 64)
    for k in range(8):
        f = 100 ** (k / 8)
        expected = [np.sin(f * v) for v in (0.1, 0.2, 0.6, 0.9)] + [np.cos(f * v) for v in (0.1, 0.2, 0.6, 0.9)]
        assert np.allclose(code[0, 0, 8 * k:8 * k + 8].numpy(), expected, atol=1e-5)
    assert torch.allclose(code, get_fourier_embeds_from_boundingbox(8, box))


def test_position_net_gives_16_tokens_per_instance_with_null_slots():
    torch.manual_seed(0)
    config = PositionNetConfig(feature_dim=12, hidden_dim=20, out_dim=10)
    net = InstancePositionNet(config)
    torch.nn.init.normal_(net.null_positive_feature)
    torch.nn.init.normal_(net.null_position_feature)
    instance_tokens = torch.randn(1, 3, 16, 12)
    boxes = torch.tensor([[[0.1, 0.1, 0.5, 0.5], [0.5, 0.5, 0.9, 0.9], [0.0, 0.0, 0.0, 0.0]]])
    present = torch.tensor([[1.0, 1.0, 0.0]])
    tokens = net.tokens(instance_tokens, boxes, present)
    assert tokens.shape == (1, 48, 10)
    # instance-major: token 16*i + k is instance i's k-th token with instance i's box code
    expected = net.linears(torch.cat([instance_tokens[0, 1, 5], fourier_box_code(boxes[0, 1])]))
    assert torch.allclose(tokens[0, 16 + 5], expected, atol=1e-6)
    # an absent slot is the null feature and the null box, whatever its IDE tokens were
    null = net.linears(torch.cat([net.null_positive_feature, net.null_position_feature]))
    assert torch.allclose(tokens[0, 32:], null.expand(16, -1), atol=1e-6)


# -- the extractor (spec §2.3-2.4) -----------------------------------------------------------------


def tiny_extractor() -> InstanceDetailExtractor:
    torch.manual_seed(0)
    return InstanceDetailExtractor(ExtractorConfig(time_channels=16, time_embed_dim=24, width=32, layers=2, heads=4,
                                                   input_dim=8)).eval()


def test_extractor_turns_each_sequence_into_16_tokens_independently():
    ide = tiny_extractor()
    features = torch.randn(3, 20, 8)
    with torch.no_grad():
        together = ide(features, 500)
        alone = torch.cat([ide(features[i:i + 1], 500) for i in range(3)])
        later = ide(features, 20)
    assert together.shape == (3, 16, 32)
    assert torch.allclose(together, alone, atol=1e-5)
    assert not torch.allclose(together, later, atol=1e-3), "the tokens depend on the timestep"


def extractor_from_spec(p: dict, features: torch.Tensor, t: int, *, time_channels: int, heads: int) -> torch.Tensor:
    """Spec §2.3-2.4 written out in float64 with plain tensor algebra, one sequence (L, input_dim) at a time."""
    silu = lambda u: u * torch.sigmoid(u)  # noqa: E731
    half = time_channels // 2
    frequencies = torch.exp(-torch.log(torch.tensor(10000.0, dtype=torch.float64)) * torch.arange(half) / half)
    e = torch.cat([torch.cos(t * frequencies), torch.sin(t * frequencies)])  # cos half first
    tau = p["time_embedding.linear_2.weight"] @ silu(p["time_embedding.linear_1.weight"] @ e
                                                     + p["time_embedding.linear_1.bias"]) + p["time_embedding.linear_2.bias"]
    s_tau = silu(tau)
    c = "connector."
    x = features @ p[c + "proj_in.weight"].T + p[c + "proj_in.bias"]
    z = p[c + "latents"] + (p[c + "time_aware_linear.weight"] @ s_tau + p[c + "time_aware_linear.bias"])
    width = z.shape[1]

    def ada_ln(y, prefix):
        shift_scale = p[prefix + ".linear.weight"] @ s_tau + p[prefix + ".linear.bias"]
        shift, scale = shift_scale[:width], shift_scale[width:]
        mean, var = y.mean(-1, keepdim=True), y.var(-1, unbiased=False, keepdim=True)
        return (y - mean) / torch.sqrt(var + 1e-6) * (1 + scale) + shift

    def mha(q_in, kv_in, prefix):
        w, b = p[prefix + ".in_proj_weight"], p[prefix + ".in_proj_bias"]
        q = q_in @ w[:width].T + b[:width]
        k = kv_in @ w[width:2 * width].T + b[width:2 * width]
        v = kv_in @ w[2 * width:].T + b[2 * width:]
        d = width // heads
        outs = []
        for h in range(heads):
            cols = slice(h * d, (h + 1) * d)
            scores = q[:, cols] @ k[:, cols].T / d**0.5
            weights = torch.exp(scores - scores.max(-1, keepdim=True).values)
            outs.append(weights / weights.sum(-1, keepdim=True) @ v[:, cols])
        return torch.cat(outs, dim=1) @ p[prefix + ".out_proj.weight"].T + p[prefix + ".out_proj.bias"]

    block = 0
    while f"{c}perceiver_blocks.{block}.attn.in_proj_weight" in p:
        b = f"{c}perceiver_blocks.{block}."
        a = ada_ln(z, b + "ln_0")
        z = z + mha(a, a, b + "attn")
        a = ada_ln(z, b + "ln_1")
        z = z + mha(a, torch.cat([a, ada_ln(x, b + "ln_2")]), b + "cross_attn")
        hidden = torch.clamp(ada_ln(z, b + "ln_ff") @ p[b + "mlp.c_fc.weight"].T + p[b + "mlp.c_fc.bias"], min=0) ** 2
        z = z + hidden @ p[b + "mlp.c_proj.weight"].T + p[b + "mlp.c_proj.bias"]
        block += 1
    return z


@pytest.mark.parametrize("t", [1, 981])
def test_extractor_equals_a_reference_written_from_the_spec(t: int):
    # In float64, so that a difference is a difference in the computation, not rounding. (The
    # sinusoid itself is float32 in both the reference and diffusers' Timesteps: at t = 981 that
    # alone moves the output by ~3e-6 at these weight scales.)
    ide = tiny_extractor().double()
    with torch.no_grad():  # every parameter random (the reference zero-initialises the AdaLN layers)
        for parameter in ide.parameters():
            parameter.copy_(torch.randn_like(parameter) * 0.1)
    features = torch.randn(2, 20, 8, dtype=torch.float64)
    with torch.no_grad():
        ours = ide(features, t)
    p = {name: tensor.double() for name, tensor in ide.state_dict().items()}
    for row in range(2):
        expected = extractor_from_spec(p, features[row], t, time_channels=16, heads=4)
        assert torch.allclose(ours[row], expected, atol=1e-5), (ours[row] - expected).abs().max()


def test_adaptive_norm_takes_shift_first_then_scale():
    ide = tiny_extractor()
    norm = ide.connector.perceiver_blocks[0].ln_0
    with torch.no_grad():
        norm.linear.weight.zero_()
        norm.linear.bias.copy_(torch.cat([torch.full((32,), 0.5), torch.full((32,), 2.0)]))
        x = torch.randn(1, 4, 32)
        out = norm(x, torch.zeros(1, 24))
    normalised = torch.nn.functional.layer_norm(x, (32,), eps=1e-6)
    assert torch.allclose(out, normalised * 3.0 + 0.5, atol=1e-5)


# -- the fusion (spec §3.2-3.4) ----------------------------------------------------------------------


def fuser(width: int = 16, context: int = 12) -> DetailFusion:
    torch.manual_seed(0)
    unet = build_unet(TINY)
    module = next(m for m in unet.modules() if isinstance(m, DetailFusion))
    with torch.no_grad():
        module.alpha_attn.fill_(1.0)
        module.alpha_dense.fill_(1.0)
    return module.eval()


def fusion_input(masks: BoxMasks, tokens: torch.Tensor) -> FusionInput:
    return FusionInput(tokens=tokens, masks=masks, scale=1.0, tokens_per_instance=16)


def test_an_instance_reaches_only_the_pixels_in_its_box():
    module = fuser()  # first fuser: width 16, 32x32 tokens at a 256x256 canvas
    width, context = module.norm1.normalized_shape[0], module.linear.in_features
    boxes = [[0.0, 0.0, 0.25, 0.5], [0.5, 0.5, 1.0, 1.0]]
    masks = BoxMasks(boxes, 256, 256)
    x = torch.randn(1, 1024, width)
    tokens = torch.randn(1, 32, context)
    changed = tokens.clone()
    changed[0, :16] += 3 * torch.randn(16, context)  # only instance 0's tokens change
    with torch.no_grad():
        before = module(x, fusion_input(masks, tokens))
        after = module(x, fusion_input(masks, changed))
    moved = (after - before).abs().amax(dim=-1)[0].reshape(32, 32)
    inside = masks.at(1024)[0, 0].reshape(32, 32)
    assert moved[inside].min() > 0
    assert moved[~inside].max() == 0, "instance 0's tokens leaked outside its box"
    # the same edit with the explicit unmasked variant reaches everything
    unmasked = FusionInput(tokens=tokens, masks=None, scale=1.0, tokens_per_instance=16)
    with torch.no_grad():
        spread = (module(x, FusionInput(changed, None, 1.0, 16)) - module(x, unmasked)).abs().amax(-1)
    assert spread.min() > 0


def test_the_mask_holds_on_every_attention_kernel():
    module = fuser()
    width, context = module.norm1.normalized_shape[0], module.linear.in_features
    masks = BoxMasks([[0.1, 0.1, 0.6, 0.4]], 128, 128)
    x, tokens = torch.randn(2, 256, width), torch.randn(2, 16, context)
    masks = masks.with_batch([True, True])
    results = {}
    with torch.no_grad():
        for kernel in ("sdpa", "eager"):
            module.attn.set_processor(DetailFusionAttnProcessor(kernel))
            results[kernel] = module(x, fusion_input(masks, tokens))
        from torch.nn.attention import SDPBackend, sdpa_kernel

        module.attn.set_processor(DetailFusionAttnProcessor("sdpa"))
        with sdpa_kernel([SDPBackend.MATH]):
            results["math"] = module(x, fusion_input(masks, tokens))
        unmasked = module(x, FusionInput(tokens, None, 1.0, 16))
    assert torch.allclose(results["sdpa"], results["eager"], atol=1e-5)
    assert torch.allclose(results["sdpa"], results["math"], atol=1e-5)
    # masked and unmasked agree inside the box and differ outside it
    inside = masks.at(256)[0, 0]
    difference = (results["sdpa"] - unmasked).abs().amax(dim=-1)
    assert difference[:, inside].max() < 1e-5 and difference[:, ~inside].min() > 0


def test_a_replaced_fuser_processor_is_refused_not_silently_unmasked():
    unet = build_unet(TINY)
    unet.set_attn_processor(AttnProcessor2_0())  # what a global processor swap does
    module = next(m for m in unet.modules() if isinstance(m, DetailFusion))
    masks = BoxMasks([[0.1, 0.1, 0.6, 0.4]], 128, 128)
    with pytest.raises(RuntimeError, match="drop the box mask"):
        module(torch.randn(1, 256, 16), fusion_input(masks, torch.randn(1, 16, 32)))
    install_detail_fusion(unet, TINY.position_net)
    assert isinstance(module.attn.processor, DetailFusionAttnProcessor)


def fusion_by_hand(module, x: torch.Tensor, tokens: torch.Tensor, strength: float) -> torch.Tensor:
    """Spec §3.2 written out with plain tensor algebra (unmasked: every query sees every key):

    v' = v + s·tanh(γ_attn)·Attn(LN1([v ; Linear(e)]))[:, :n_v];  v'' = v' + s·tanh(γ_dense)·FF(LN2(v'))
    with FF the GEGLU feed-forward: W2 (h ⊙ gelu(g)), [h ; g] = W1 x + b1.
    """
    p = {name: t.double() for name, t in module.state_dict().items()}
    x, tokens = x.double(), tokens.double()
    n_visual, width = x.shape[1], x.shape[2]
    grounding = tokens @ p["linear.weight"].T + p["linear.bias"]
    joined = torch.cat([x, grounding], dim=1)
    mean, var = joined.mean(-1, keepdim=True), joined.var(-1, unbiased=False, keepdim=True)
    normed = (joined - mean) / torch.sqrt(var + module.norm1.eps) * p["norm1.weight"] + p["norm1.bias"]
    heads = module.attn.heads
    d = width // heads

    def split(t):  # (1, L, width) -> (heads, L, d)
        return t[0].reshape(t.shape[1], heads, d).permute(1, 0, 2)

    q = split(normed[:, :n_visual] @ p["attn.to_q.weight"].T)
    k, v = split(normed @ p["attn.to_k.weight"].T), split(normed @ p["attn.to_v.weight"].T)
    weights = torch.exp(q @ k.transpose(1, 2) / d**0.5)
    heads_out = (weights / weights.sum(-1, keepdim=True)) @ v
    attended = heads_out.permute(1, 0, 2).reshape(1, n_visual, width) @ p["attn.to_out.0.weight"].T + p["attn.to_out.0.bias"]
    x = x + strength * torch.tanh(p["alpha_attn"]) * attended
    mean, var = x.mean(-1, keepdim=True), x.var(-1, unbiased=False, keepdim=True)
    normed = (x - mean) / torch.sqrt(var + module.norm2.eps) * p["norm2.weight"] + p["norm2.bias"]
    h, g = (normed @ p["ff.net.0.proj.weight"].T + p["ff.net.0.proj.bias"]).chunk(2, dim=-1)
    gelu = 0.5 * g * (1 + torch.erf(g / 2**0.5))
    return x + strength * torch.tanh(p["alpha_dense"]) * ((h * gelu) @ p["ff.net.2.weight"].T + p["ff.net.2.bias"])


@pytest.mark.parametrize("strength", [0.0, 0.3, 1.0])
def test_strength_scales_both_gated_terms(strength: float):
    module = fuser()
    with torch.no_grad():  # distinct gates, so that a term scaled by the wrong gate shows
        module.alpha_attn.fill_(0.7)
        module.alpha_dense.fill_(-0.4)
    x, tokens = torch.randn(1, 64, 16), torch.randn(1, 16, 32)
    with torch.no_grad():
        ours = module(x, FusionInput(tokens, None, strength, 16))
    expected = fusion_by_hand(module, x, tokens, strength)
    assert torch.allclose(ours.double(), expected, atol=1e-5)
    if strength == 0.0:
        assert torch.equal(ours, x)
    else:  # both terms moved the features
        assert (ours - x).abs().max() > 1e-3


def test_gated_unet_calls_our_fusers_with_the_grounding():
    """16 fusers in the UNet, every one fed through our position net, masks at every level."""
    torch.manual_seed(0)
    unet = build_unet(TINY).eval()
    fusers = [m for m in unet.modules() if isinstance(m, DetailFusion)]
    assert len(fusers) == 16
    seen = []
    for module in fusers:
        module.register_forward_hook(lambda mod, args, out: seen.append(args[0].shape[1]))
    masks = BoxMasks([[0.2, 0.2, 0.7, 0.9]], 64, 64).with_batch([False, True])
    grounding = Grounding(instance_tokens=torch.randn(2, 1, 16, 32), boxes=torch.tensor([[[0.0] * 4], [[0.2, 0.2, 0.7, 0.9]]]),
                          present=torch.tensor([[0.0], [1.0]]), masks=masks)
    with torch.no_grad():
        out = unet(torch.randn(2, 4, 8, 8), 500, encoder_hidden_states=torch.randn(2, 16, 32),
                   cross_attention_kwargs={"gligen": {"grounding": grounding}}).sample
    assert out.shape == (2, 4, 8, 8)
    assert sorted(set(seen)) == [1, 4, 16, 64] and len(seen) == 16


def test_visual_rows_equal_the_full_permission_matrix_of_the_spec():
    """Spec §3.4 builds one (HW+N*K)^2 matrix (grounding rows included) and keeps the visual rows;
    we compute only visual queries. Same numbers, with several heads, via diffusers' own processor."""
    torch.manual_seed(0)
    module = DetailFusion(16, 12, 4, 4).eval()  # 4 heads of width 4
    module.attn.set_processor(DetailFusionAttnProcessor())
    with torch.no_grad():
        module.alpha_attn.fill_(1.0)
        module.alpha_dense.fill_(1.0)
    masks = BoxMasks([[0.0, 0.0, 0.5, 0.5], [0.25, 0.25, 1.0, 1.0]], 64, 64).with_batch([True])  # 8x8 tokens
    n_visual, k = 64, 16
    x, tokens = torch.randn(1, n_visual, 16), torch.randn(1, 2 * k, 12)
    slot = masks.at(n_visual)[0]  # (2, 64)
    full = torch.zeros(n_visual + 2 * k, n_visual + 2 * k, dtype=torch.bool)
    full[:n_visual, :n_visual] = True
    for i in range(2):
        grounding = slice(n_visual + i * k, n_visual + (i + 1) * k)
        full[:n_visual, grounding] = slot[i][:, None]
        full[grounding, :n_visual] = slot[i][None, :]
        full[grounding, grounding] = True
    with torch.no_grad():
        ours = module(x, fusion_input(masks, tokens))
        normed = module.norm1(torch.cat([x, module.linear(tokens)], dim=1))
        rows = AttnProcessor2_0()(module.attn, normed, attention_mask=full[None, None])[:, :n_visual]
        reference = x + module.alpha_attn.tanh() * rows
        reference = reference + module.alpha_dense.tanh() * module.ff(module.norm2(reference))
    assert torch.allclose(ours, reference, atol=1e-5)
