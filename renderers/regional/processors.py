"""Detail fusion: attention processors that give each region the words meant for it.

The UNet (and the ControlNet) always receive the plain context, [negative prompt; global caption],
so every layer and step without fusion is plain Stable Diffusion. In a fused cross-attention layer
the negative-prompt rows of classifier-free guidance still attend to the negative prompt only; the
conditional rows attend as the mode says (`modes.py`):

- `regional`: an image token's output is the blend, by its region weights, of one attention per
  region over that region's own caption; each region's share is (1 - base) and the base caption
  takes the rest. Where instance A is alone: (1 - base) * attn(A) + base * attn(base), exactly.
- `concat`: one attention over [global caption | every instance's tokens | background tokens]
  with an additive bias log(strength * mask) per key (-inf outside a key's region).
- `dense`: one attention over [base | instance tokens | background tokens] whose scores are pushed
  toward each region's own tokens inside it and away from them outside (DenseDiffusion).

Self-attention (attn1), optional for the first steps: attention between tokens of different
instances is damped by a finite logit penalty (background tokens attend everywhere).

Processors are plain objects: `FusionState` travels in `cross_attention_kwargs={"fusion": state}`
(declared by name on both processors, so diffusers neither drops nor warns about it). Each knows
the UNet block it sits in, for the `fusion_layers` option. Masks, biases and the projected keys and
values of the fusion texts (constant over a render) are cached on the state.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch
from diffusers.models.attention_processor import Attention, AttnProcessor2_0

from . import modes
from .attend import attention_over
from .options import block_selected
from .prompts import GLOBAL
from .regions import RegionMasks, layer_size

SELF_MEMBERSHIP_THRESHOLD = 0.5  # a token belongs to an instance for self-attention masking above this


class FusionState:
    """Per batch of images: the regions, the fusion texts, and what is switched on at this step.

    `groups` (concat, dense) says which region each run of the concatenated `keys` belongs to;
    `sets` (regional) are the base, each instance and (when `has_background`) the background, each
    a (1, L, D) prompt encoding.
    """

    def __init__(self, regions: RegionMasks, groups: list[tuple[int, int]] | None = None, *,
                 latent_hw: tuple[int, int], strength: float = 1.0, negative_rows: int, negative_length: int = 77,
                 mode: str = "concat", keys: torch.Tensor | None = None, sets: list[torch.Tensor] | None = None,
                 has_background: bool = False, base_ratio: float = 0.0, layers: tuple[str, ...] | None = None,
                 self_penalty: float = float("inf"), routing=None, concept_columns: dict[int, int] | None = None):
        self.regions, self.groups, self.latent_hw = regions, groups or [], latent_hw
        self.mode, self.keys, self.sets = mode, keys, sets or []
        self.has_background, self.base_ratio = has_background, base_ratio
        self.strength, self.layers, self.self_penalty = strength, layers, self_penalty
        self.negative_rows, self.negative_length = negative_rows, negative_length
        self.cross_active = False
        self.self_active = False
        self.weight = 1.0  # this step's fusion weight: 1, or less where the schedule decays
        self.identity = None  # an identity.IdentityState when instances carry references
        self.cache: dict[tuple, object] = {}
        # Masked LoRAs (renderers/diffusion/lora.py): the routing, and each LoRA instance's column in it.
        self.routing, self.concept_columns = routing, concept_columns or {}

    def projecting(self, runs: list[tuple[int, int]]):
        """Context for projecting a text made of runs of (region, token count): each instance's
        tokens get its LoRA's K/V delta, and no other tokens get any."""
        if self.routing is None:
            return contextlib.nullcontext()
        return self.routing.text([(self.concept_columns.get(region), count) for region, count in runs])

    def set_region(self, index: int) -> int:
        """The region of the regional mode's text `index`: the base (GLOBAL), an instance, the background."""
        return GLOBAL if index == 0 else index - 1

    def layer_on(self, block: str) -> bool:
        return block_selected(block, self.layers)

    def cached(self, key: tuple, build):
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def region_weights(self, tokens: int) -> torch.Tensor:
        """(tokens, instances + 1) mask values of each image token: instances, then the background."""
        h, w = layer_size(tokens, self.latent_hw)
        masks = self.regions.at(h, w).reshape(self.regions.count, -1)
        background = self.regions.background_at(h, w).reshape(1, -1)
        return torch.from_numpy(np.concatenate([masks, background])).T

    def set_weights(self, tokens: int) -> torch.Tensor:
        """(tokens, sets) weights of the regional mode's texts per image token; rows sum to 1.

        Instance i: (1 - base) * its depth-blended share; the background text: (1 - base) * the
        uncovered part; the base: `base`, plus the uncovered part when there is no background text.
        """
        h, w = layer_size(tokens, self.latent_hw)
        shares = torch.from_numpy(self.regions.shares(h, w).reshape(self.regions.count + 1, -1)).T
        region = 1.0 - self.base_ratio
        base = torch.full((tokens, 1), self.base_ratio)
        instances, background = shares[:, :-1] * region, shares[:, -1:] * region
        if self.has_background:
            return torch.cat([base, instances, background], dim=1)
        return torch.cat([base + background, instances], dim=1)

    def cross_bias(self, tokens: int, device, dtype) -> torch.Tensor:
        """concat: (tokens, keys) additive bias of the conditional rows."""
        strength = self.strength * self.weight

        def build() -> torch.Tensor:
            weights = self.region_weights(tokens) * strength
            columns = []
            for region, count in self.groups:
                if region == GLOBAL:
                    columns.append(torch.zeros(tokens, count))
                else:
                    columns.append(torch.log(weights[:, region : region + 1]).expand(-1, count))
            return torch.cat(columns, dim=1).to(device=device, dtype=dtype)

        return self.cached(("cross", tokens, str(device), dtype, strength), build)

    def self_bias(self, tokens: int, device, dtype) -> torch.Tensor:
        """(tokens, tokens) additive bias that damps self-attention between different instances."""

        def build() -> torch.Tensor:
            h, w = layer_size(tokens, self.latent_hw)
            member = torch.from_numpy(self.regions.at(h, w).reshape(self.regions.count, -1).T)
            member = (member > SELF_MEMBERSHIP_THRESHOLD).float()
            background = member.sum(dim=1) == 0
            allowed = (member @ member.T > 0) | background[:, None] | background[None, :]
            bias = torch.zeros(tokens, tokens).masked_fill(~allowed, -self.self_penalty)
            return bias.to(device=device, dtype=dtype)

        return self.cached(("self", tokens, str(device), dtype), build)


class _MaskedProcessor:
    """The parts of AttnProcessor2_0 around the attention itself, shared by both processors."""

    def __init__(self, block: str = ""):
        self.plain = AttnProcessor2_0()
        self.block = block

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
    """Region-masked text attention, plus each instance's identity tokens in its own area (identity.py)
    in the layers that hold IP-Adapter weights (`ip_layer`: (to_k_ip, to_v_ip) of each loaded adapter)."""

    def __init__(self, block: str = "", ip_layer=None):
        super().__init__(block)
        self.ip_layer = ip_layer

    def __call__(self, attn: Attention, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None,
                 fusion: FusionState | None = None) -> torch.Tensor:
        fused = (fusion is not None and fusion.cross_active and encoder_hidden_states is not None
                 and fusion.layer_on(self.block))
        identity = fusion.identity if fusion is not None and self.ip_layer is not None else None
        if not fused and (identity is None or encoder_hidden_states is None):
            return self.plain(attn, hidden_states, encoder_hidden_states, attention_mask, temb)
        if attention_mask is not None:
            raise ValueError("regional cross-attention does not take an encoder attention mask")
        if attn.norm_cross:
            encoder_hidden_states = attn.norm_encoder_hidden_states(encoder_hidden_states)

        def attend(states: torch.Tensor) -> torch.Tensor:
            query = attn.to_q(states)
            out = self._text(attn, query, encoder_hidden_states, fusion) if fused else \
                attention_over(attn, query, encoder_hidden_states, None)
            routed = identity.term(attn, query, self.ip_layer) if identity is not None else None
            return out if routed is None else out + routed

        return self._run(attn, hidden_states, temb, attend)

    @staticmethod
    def _text(attn: Attention, query: torch.Tensor, context: torch.Tensor, fusion: FusionState) -> torch.Tensor:
        split = fusion.negative_rows
        conditional = modes.MODES[fusion.mode](attn, query[split:], context[split:], fusion)
        if not split:
            return conditional
        negative = attention_over(attn, query[:split], context[:split, : fusion.negative_length], None)
        return torch.cat([negative, conditional])


class RegionalSelfAttnProcessor(_MaskedProcessor):
    def __call__(self, attn: Attention, hidden_states: torch.Tensor, encoder_hidden_states: torch.Tensor | None = None,
                 attention_mask: torch.Tensor | None = None, temb: torch.Tensor | None = None,
                 fusion: FusionState | None = None) -> torch.Tensor:
        if (fusion is None or not fusion.self_active or encoder_hidden_states is not None
                or attention_mask is not None or not fusion.layer_on(self.block)):
            return self.plain(attn, hidden_states, encoder_hidden_states, attention_mask, temb)

        def attend(states: torch.Tensor) -> torch.Tensor:
            query = attn.to_q(states)
            bias = fusion.self_bias(query.shape[1], query.device, query.dtype)
            return attention_over(attn, query, states, bias)

        return self._run(attn, hidden_states, temb, attend)


def block_of(name: str) -> str:
    """'down_blocks.1.attentions.0…' -> 'down.1'; 'mid_block…' -> 'mid'; 'up_blocks.2…' -> 'up.2'."""
    parts = name.split(".")
    if parts[0] == "mid_block":
        return "mid"
    if parts[0] in ("down_blocks", "up_blocks") and len(parts) > 1:
        return f"{parts[0].removesuffix('_blocks')}.{parts[1]}"
    return parts[0]


def give_identity_layers(model, layers: dict) -> None:
    """Hand each cross-attention processor its IP-Adapter key/value projections (by processor name)."""
    for name, processor in model.attn_processors.items():
        if isinstance(processor, RegionalCrossAttnProcessor) and name in layers:
            processor.ip_layer = layers[name]


def install(model) -> None:
    """Put the regional processors on every attention layer of a UNet or ControlNet.

    Cross-attention layers (attn2) get detail fusion; self-attention layers (attn1) the optional
    damping. Anything that later replaces processors (attention slicing, fused QKV, xformers)
    would undo this, so the renderer never calls those.
    """
    processors = {}
    for name in model.attn_processors:
        module = model.get_submodule(name.removesuffix(".processor"))
        kind = RegionalCrossAttnProcessor if module.is_cross_attention else RegionalSelfAttnProcessor
        processors[name] = kind(block_of(name))
    model.set_attn_processor(processors)
