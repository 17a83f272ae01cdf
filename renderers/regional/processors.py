"""Detail fusion: attention processors that keep each instance's details inside its own region.

Cross-attention (attn2): an image token attends to the global caption's tokens, plus the tokens of
every instance whose region covers it, weighted by the mask (a soft edge halves a token's weight
where the mask is 0.5), times `strength`; outside all instances it attends to the global and the
background tokens. This is one scaled-dot-product attention with an additive bias of
log(strength * mask) per key: a key outside its region gets -inf, i.e. exactly zero weight, so an
instance's caption cannot change anything outside its region. The global tokens keep every row
non-empty. The negative-prompt rows of classifier-free guidance attend to the negative prompt only.

Self-attention (attn1), optional for the first steps: an image token inside an instance attends
only to tokens that share an instance with it, or to background tokens; background tokens attend
everywhere. This stops details travelling between instances through self-attention early on,
when the layout forms.

Processors are plain objects: `FusionState` travels in `cross_attention_kwargs={"fusion": state}`
(declared by name on both processors, so diffusers neither drops nor warns about it), and the
biases, built once per layer resolution, are cached on the state for the device and dtype the
hidden states arrive in.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import Attention, AttnProcessor2_0

from .prompts import GLOBAL
from .regions import RegionMasks, layer_size

SELF_MEMBERSHIP_THRESHOLD = 0.5  # a token belongs to an instance for self-attention masking above this


class FusionState:
    """Per batch of images: the regions, the key layout, and what is switched on at this step."""

    def __init__(self, regions: RegionMasks, groups: list[tuple[int, int]], *, latent_hw: tuple[int, int],
                 strength: float, negative_rows: int, negative_length: int):
        self.regions, self.groups, self.latent_hw = regions, groups, latent_hw
        self.strength = strength
        self.negative_rows, self.negative_length = negative_rows, negative_length
        self.cross_active = False
        self.self_active = False
        self._cross: dict[tuple, torch.Tensor] = {}
        self._self: dict[tuple, torch.Tensor] = {}

    def region_weights(self, tokens: int) -> torch.Tensor:
        """(tokens, instances + 1) mask values of each image token: instances, then the background."""
        h, w = layer_size(tokens, self.latent_hw)
        masks = self.regions.at(h, w).reshape(self.regions.count, -1)
        background = self.regions.background_at(h, w).reshape(1, -1)
        return torch.from_numpy(np.concatenate([masks, background])).T

    def cross_bias(self, tokens: int, device, dtype) -> torch.Tensor:
        """(tokens, keys) additive bias of the conditional rows."""
        key = (tokens, str(device), dtype)
        if key not in self._cross:
            weights = self.region_weights(tokens) * self.strength
            columns = []
            for region, count in self.groups:
                if region == GLOBAL:
                    columns.append(torch.zeros(tokens, count))
                else:
                    columns.append(torch.log(weights[:, region : region + 1]).expand(-1, count))
            self._cross[key] = torch.cat(columns, dim=1).to(device=device, dtype=dtype)
        return self._cross[key]

    def self_bias(self, tokens: int, device, dtype) -> torch.Tensor:
        """(tokens, tokens) additive bias that cuts self-attention between different instances."""
        key = (tokens, str(device), dtype)
        if key not in self._self:
            h, w = layer_size(tokens, self.latent_hw)
            member = torch.from_numpy(self.regions.at(h, w).reshape(self.regions.count, -1).T)
            member = (member > SELF_MEMBERSHIP_THRESHOLD).float()
            background = member.sum(dim=1) == 0
            allowed = (member @ member.T > 0) | background[:, None] | background[None, :]
            bias = torch.zeros(tokens, tokens).masked_fill(~allowed, float("-inf"))
            self._self[key] = bias.to(device=device, dtype=dtype)
        return self._self[key]


def _attend(attn: Attention, query: torch.Tensor, context: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """Multi-head SDPA of already projected queries over `context`, as AttnProcessor2_0 computes it."""
    batch = query.shape[0]
    key, value = attn.to_k(context), attn.to_v(context)
    head_dim = key.shape[-1] // attn.heads
    query = query.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
    key = key.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
    value = value.view(batch, -1, attn.heads, head_dim).transpose(1, 2)
    if attn.norm_q is not None:
        query = attn.norm_q(query)
    if attn.norm_k is not None:
        key = attn.norm_k(key)
    out = F.scaled_dot_product_attention(query, key, value, attn_mask=bias, dropout_p=0.0, is_causal=False)
    return out.transpose(1, 2).reshape(batch, -1, attn.heads * head_dim).to(query.dtype)


class _MaskedProcessor:
    """The parts of AttnProcessor2_0 around the attention itself, shared by both processors."""

    def __init__(self):
        self.plain = AttnProcessor2_0()

    def _run(self, attn: Attention, hidden_states: torch.Tensor, temb, attend) -> torch.Tensor:
        residual = hidden_states
        if attn.spatial_norm is not None:
            hidden_states = attn.spatial_norm(hidden_states, temb)
        input_ndim = hidden_states.ndim
        if input_ndim == 4:
            batch, channel, height, width = hidden_states.shape
            hidden_states = hidden_states.view(batch, channel, height * width).transpose(1, 2)
        if attn.group_norm is not None:
            hidden_states = attn.group_norm(hidden_states.transpose(1, 2)).transpose(1, 2)
        out = attend(hidden_states)
        out = attn.to_out[1](attn.to_out[0](out))
        if input_ndim == 4:
            out = out.transpose(-1, -2).reshape(batch, channel, height, width)
        if attn.residual_connection:
            out = out + residual
        return out / attn.rescale_output_factor


class RegionalCrossAttnProcessor(_MaskedProcessor):
    def __call__(self, attn: Attention, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None,
                 fusion: FusionState | None = None) -> torch.Tensor:
        if fusion is None or not fusion.cross_active or encoder_hidden_states is None:
            return self.plain(attn, hidden_states, encoder_hidden_states, attention_mask, temb)
        if attention_mask is not None:
            raise ValueError("regional cross-attention does not take an encoder attention mask")
        if attn.norm_cross:
            encoder_hidden_states = attn.norm_encoder_hidden_states(encoder_hidden_states)

        def attend(states: torch.Tensor) -> torch.Tensor:
            query = attn.to_q(states)
            split = fusion.negative_rows
            bias = fusion.cross_bias(query.shape[1], query.device, query.dtype)
            conditional = _attend(attn, query[split:], encoder_hidden_states[split:], bias)
            if not split:
                return conditional
            negative = _attend(attn, query[:split], encoder_hidden_states[:split, : fusion.negative_length], None)
            return torch.cat([negative, conditional])

        return self._run(attn, hidden_states, temb, attend)


class RegionalSelfAttnProcessor(_MaskedProcessor):
    def __call__(self, attn: Attention, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None,
                 fusion: FusionState | None = None) -> torch.Tensor:
        if fusion is None or not fusion.self_active or encoder_hidden_states is not None or attention_mask is not None:
            return self.plain(attn, hidden_states, encoder_hidden_states, attention_mask, temb)

        def attend(states: torch.Tensor) -> torch.Tensor:
            query = attn.to_q(states)
            bias = fusion.self_bias(query.shape[1], query.device, query.dtype)
            return _attend(attn, query, states, bias)

        return self._run(attn, hidden_states, temb, attend)


def install(model) -> None:
    """Put the regional processors on every attention layer of a UNet or ControlNet.

    Cross-attention layers (attn2) get detail fusion; self-attention layers (attn1) the optional
    masking. Anything that later replaces processors (attention slicing, fused QKV, xformers)
    would undo this, so the renderer never calls those.
    """
    cross, self_attn = RegionalCrossAttnProcessor(), RegionalSelfAttnProcessor()
    processors = {}
    for name in model.attn_processors:
        module = model.get_submodule(name.removesuffix(".processor"))
        processors[name] = cross if module.is_cross_attention else self_attn
    model.set_attn_processor(processors)
