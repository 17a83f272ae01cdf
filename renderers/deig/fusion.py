"""The Detail Fusion Module: gated, box-masked self-attention in every transformer block.

Spec §3.1-3.4. diffusers' UNet with attention_type="gated" already owns a `fuser` with DEIG's
parameter names and shapes in every BasicTransformerBlock, and calls it between self- and
cross-attention with whatever its position net returned. What diffusers' fuser lacks is the box
mask and the strength `s`; this module supplies both:

- `DetailFusion` is the fuser's forward: tokens projected to the block width, one LayerNorm over
  [visual ; grounding] tokens, masked attention, only the visual rows kept, two gated residuals.
- `DetailFusionAttnProcessor` is the fuser attention's processor. It *always* applies the mask it
  is given, on every kernel (PyTorch SDPA or the explicit softmax), and the fuser refuses to run
  under any other processor, so no global `set_attn_processor` can silently drop the mask (the
  reference loses it whenever one optional package is missing, spec §3.7).
"""

from __future__ import annotations

from typing import Literal

import torch
import torch.nn.functional as F
from diffusers import UNet2DConditionModel
from diffusers.models.attention import GatedSelfAttentionDense

from .config import PositionNetConfig
from .grounding import FusionInput, InstancePositionNet

AttentionKernel = Literal["sdpa", "eager"]


class DetailFusionAttnProcessor:
    """Self-attention over [visual ; grounding] tokens, queried by the visual tokens only.

    `visibility` (B, 1, n_visual, n_visual + n_grounding): an additive bias, 0 = may attend and
    -inf = may not; None is the explicit unmasked variant. Rows of grounding queries are never
    computed: they do not reach the output.
    """

    def __init__(self, kernel: AttentionKernel = "sdpa"):
        if kernel not in ("sdpa", "eager"):
            raise ValueError(f"unknown attention kernel {kernel!r}")
        self.kernel = kernel

    def __call__(self, attn, hidden_states: torch.Tensor, encoder_hidden_states=None, attention_mask=None,
                 temb=None, n_visual: int | None = None, visibility: torch.Tensor | None = None) -> torch.Tensor:
        if encoder_hidden_states is not None or attention_mask is not None:
            raise ValueError("the detail-fusion attention is a self-attention with its own box mask")
        batch, length, _ = hidden_states.shape
        n_visual = length if n_visual is None else n_visual
        if visibility is not None and visibility.shape[-2:] != (n_visual, length):
            raise ValueError(f"box mask of shape {tuple(visibility.shape)} does not fit {n_visual} queries "
                             f"over {length} keys")
        heads = attn.heads
        query = attn.to_q(hidden_states[:, :n_visual])
        key, value = attn.to_k(hidden_states), attn.to_v(hidden_states)
        head_dim = key.shape[-1] // heads
        query, key, value = (t.view(batch, -1, heads, head_dim).transpose(1, 2) for t in (query, key, value))
        if self.kernel == "sdpa":
            out = F.scaled_dot_product_attention(query, key, value, attn_mask=visibility, scale=attn.scale)
        else:
            scores = (query @ key.transpose(-1, -2)) * attn.scale
            if visibility is not None:
                scores = scores + visibility
            out = scores.softmax(dim=-1) @ value
        out = out.transpose(1, 2).reshape(batch, n_visual, heads * head_dim).to(query.dtype)
        return attn.to_out[1](attn.to_out[0](out))


class DetailFusion(GatedSelfAttentionDense):
    """DEIG's forward for diffusers' gated fuser (same parameters; see install_detail_fusion)."""

    def forward(self, x: torch.Tensor, objs: FusionInput) -> torch.Tensor:
        if not self.enabled:
            return x
        if not isinstance(objs, FusionInput):
            raise TypeError("DetailFusion expects the FusionInput built by InstancePositionNet")
        if not isinstance(self.attn.processor, DetailFusionAttnProcessor):
            raise RuntimeError(
                f"the fuser's attention processor was replaced by {type(self.attn.processor).__name__}, "
                "which would drop the box mask; call install_detail_fusion() again"
            )
        n_visual = x.shape[1]
        tokens = self.linear(objs.tokens.to(x.dtype))
        normed = self.norm1(torch.cat([x, tokens], dim=1))
        attended = self.attn(normed, n_visual=n_visual, visibility=objs.visibility(n_visual, x.device, x.dtype))
        x = x + objs.scale * self.alpha_attn.tanh() * attended
        return x + objs.scale * self.alpha_dense.tanh() * self.ff(self.norm2(x))


def install_detail_fusion(unet: UNet2DConditionModel, position_net: PositionNetConfig,
                          kernel: AttentionKernel = "sdpa") -> UNet2DConditionModel:
    """Give a gated diffusers UNet DEIG's position net, fuser forward and masked fuser attention.

    The fusers keep their diffusers modules and parameters; only their class (hence their
    forward) changes, so weights already loaded stay where they are. The position net is
    replaced by one with the same parameter names, built on the device of the one it replaces.
    """
    fusers = [m for m in unet.modules() if isinstance(m, GatedSelfAttentionDense)]
    if not fusers or not hasattr(unet, "position_net"):
        raise ValueError("install_detail_fusion needs a UNet built with attention_type='gated'")
    old = unet.position_net
    if not isinstance(old, InstancePositionNet):
        reference = next(old.parameters())
        with torch.device(reference.device):
            unet.position_net = InstancePositionNet(position_net).to(reference.dtype)
    for fuser in fusers:
        fuser.__class__ = DetailFusion
        fuser.attn.set_processor(DetailFusionAttnProcessor(kernel))
    return unet


def set_fusion_kernel(unet: UNet2DConditionModel, kernel: AttentionKernel) -> None:
    """Switch every fuser's attention kernel (the mask applies on both)."""
    for module in unet.modules():
        if isinstance(module, DetailFusion):
            module.attn.set_processor(DetailFusionAttnProcessor(kernel))
