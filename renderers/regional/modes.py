"""The conditional rows of a fused cross-attention layer, one function per fusion mode.

Each takes the layer, the projected queries of the conditional rows (B, N, C), the plain context
of those rows (the global caption) and the `FusionState`, and returns (B, N, C).

`regional` runs every region's attention in one pass: the queries meet the stacked keys of all
region texts at once, a softmax runs within each text's keys, each text's probabilities are scaled
by the token's weight for that text, and one product with the stacked values sums them. A text
with weight 0 at a token adds exactly 0 there. The keys and values of the texts are projected once
per render and layer (they are the same at every step).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import Attention

from .attend import attention_over
from .prompts import GLOBAL

# Scores held at once per chunk of query rows (batch x heads x rows x keys); bounds the memory of
# many regions on large canvases.
SCORE_BUDGET = 1 << 25


def _heads(attn: Attention, tensor: torch.Tensor) -> torch.Tensor:
    """(B, L, C) -> (B, heads, L, C / heads)."""
    batch, length, channels = tensor.shape
    return tensor.view(batch, length, attn.heads, channels // attn.heads).transpose(1, 2)


def _merge(out: torch.Tensor) -> torch.Tensor:
    batch, heads, length, head_dim = out.shape
    return out.transpose(1, 2).reshape(batch, length, heads * head_dim)


def _projected(attn: Attention, text: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Keys and values of one text (1, L, D) in heads: (heads, L, d) each."""
    if attn.norm_cross:
        text = attn.norm_encoder_hidden_states(text)
    key, value = _heads(attn, attn.to_k(text))[0], _heads(attn, attn.to_v(text))[0]
    if attn.norm_k is not None:
        key = attn.norm_k(key)
    return key, value


def _queries(attn: Attention, query: torch.Tensor) -> torch.Tensor:
    query = _heads(attn, query)
    return attn.norm_q(query) if attn.norm_q is not None else query


def _plain(attn: Attention, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
    return attention_over(attn, query, context, None)


# -- regional ---------------------------------------------------------------------------------------

def _stacked_texts(attn: Attention, state, device, dtype):
    """[(set indices, keys (h, S*L, d), values (h, S*L, d), L)] per text length, for this layer."""

    def build():
        by_length: dict[int, list[int]] = {}
        for index, text in enumerate(state.sets):
            by_length.setdefault(text.shape[1], []).append(index)
        stacks = []
        for length, indices in by_length.items():
            projected = []
            for i in indices:
                text = state.sets[i].to(device=device, dtype=dtype)
                with state.projecting([(state.set_region(i), text.shape[1])]):
                    projected.append(_projected(attn, text))
            keys = torch.cat([k for k, _ in projected], dim=1)
            values = torch.cat([v for _, v in projected], dim=1)
            stacks.append((indices, keys, values, length))
        return stacks

    return state.cached(("kv", id(attn), str(device), dtype), build)


def _set_weights(state, tokens: int, device, dtype) -> torch.Tensor:
    return state.cached(("sets", tokens, str(device), dtype),
                        lambda: state.set_weights(tokens).to(device=device, dtype=dtype))


def regional(attn: Attention, query: torch.Tensor, context: torch.Tensor, state) -> torch.Tensor:
    batch, tokens, _ = query.shape
    q = _queries(attn, query)
    weights = _set_weights(state, tokens, query.device, query.dtype)
    out = torch.zeros_like(q)
    for indices, keys, values, length in _stacked_texts(attn, state, query.device, query.dtype):
        texts = len(indices)
        group = weights[:, indices]  # (N, S)
        rows = max(1, SCORE_BUDGET // max(1, batch * attn.heads * texts * length))
        for start in range(0, tokens, rows):
            part = slice(start, start + rows)
            scores = torch.matmul(q[:, :, part], keys.transpose(-1, -2)) * attn.scale
            scores = scores.view(*scores.shape[:-1], texts, length)
            probabilities = scores.float().softmax(dim=-1) if scores.dtype != torch.float32 else scores.softmax(-1)
            probabilities = (probabilities * group[part, :, None].to(probabilities.dtype)).to(q.dtype)
            out[:, :, part] += torch.matmul(probabilities.flatten(-2), values)
    fused = _merge(out)
    if state.weight < 1.0:  # a decaying schedule fades toward plain attention over the global caption
        fused = state.weight * fused + (1.0 - state.weight) * _plain(attn, query, context)
    return fused


# -- concat -----------------------------------------------------------------------------------------

def concat(attn: Attention, query: torch.Tensor, context: torch.Tensor, state) -> torch.Tensor:
    """Today's fusion, unchanged: the concatenated keys with a log(strength * mask) bias."""
    def build() -> torch.Tensor:
        keys = state.keys.expand(query.shape[0], -1, -1).contiguous()
        return attn.norm_encoder_hidden_states(keys) if attn.norm_cross else keys

    keys = state.cached(("concat", id(attn), query.shape[0]), build)
    bias = state.cross_bias(query.shape[1], query.device, query.dtype)
    with state.projecting(state.groups):
        return attention_over(attn, query, keys.to(device=query.device, dtype=query.dtype), bias)


# -- dense ------------------------------------------------------------------------------------------

def _dense_maps(state, tokens: int, device, dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """(tokens, keys) region map per key (1 inside its region) and (keys,) modulation scale:
    strength * (1 - region area) for instance and background tokens, 0 for the base."""

    def build():
        regions = state.region_weights(tokens)  # (N, instances + 1)
        columns, scales = [], []
        for region, count in state.groups:
            if region == GLOBAL:
                columns.append(torch.ones(tokens, count))
                scales.append(torch.zeros(count))
            else:
                mask = regions[:, region : region + 1]
                columns.append(mask.expand(-1, count))
                scales.append(torch.full((count,), state.strength * (1.0 - float(mask.mean()))))
        return (torch.cat(columns, dim=1).to(device=device, dtype=dtype),
                torch.cat(scales).to(device=device, dtype=dtype))

    return state.cached(("dense", tokens, str(device), dtype), build)


def dense(attn: Attention, query: torch.Tensor, context: torch.Tensor, state) -> torch.Tensor:
    """DenseDiffusion's modulation: s += w * scale * (M * (max - s) - (1 - M) * (s - min))."""
    q = _queries(attn, query)
    def project():
        with state.projecting(state.groups):
            return _projected(attn, state.keys.to(device=query.device, dtype=query.dtype))

    keys, values = state.cached(("dense-kv", id(attn), str(query.device), query.dtype), project)
    maps, scales = _dense_maps(state, query.shape[1], query.device, query.dtype)
    scores = torch.matmul(q, keys.transpose(-1, -2)) * attn.scale
    highest = scores.amax(dim=-1, keepdim=True)
    lowest = scores.amin(dim=-1, keepdim=True)
    push = maps * (highest - scores) - (1.0 - maps) * (scores - lowest)
    scores = scores + (state.weight * scales) * push
    probabilities = F.softmax(scores.float(), dim=-1).to(q.dtype)
    return _merge(torch.matmul(probabilities, values))


MODES = {"regional": regional, "concat": concat, "dense": dense}
