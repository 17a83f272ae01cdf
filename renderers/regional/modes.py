"""The conditional rows of a fused cross-attention layer, one function per fusion mode.

Each takes the layer, the projected queries of the conditional rows (B, N, C), the plain context
of those rows (the global caption) and the `FusionState`, and returns (B, N, C).

`regional` runs one attention per text (base, each instance, background) over that text's own
keys, only for the image tokens that hear it (those where its weight is above 0), scales it by the
tokens' weights and adds it in: a region costs in proportion to its area, and a text with weight 0
at a token adds exactly nothing there. The keys and values of the texts are projected once per
render and layer (they are the same at every step).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import Attention

from .attend import attention_over
from .prompts import GLOBAL


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

def _text_keys(attn: Attention, state, device, dtype) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Keys and values of every text of the regional mode, (1, heads, L, d) each, for this layer."""

    def build():
        pairs = []
        for index, text in enumerate(state.sets):
            text = text.to(device=device, dtype=dtype)
            # An instance's LoRA reaches the keys and values of its own caption only.
            with state.projecting([(state.set_region(index), text.shape[1])]):
                pairs.append(_projected(attn, text))
        return [(key[None], value[None]) for key, value in pairs]

    return state.cached(("kv", id(attn), str(device), dtype), build)


def _text_rows(state, tokens: int, device, dtype) -> list[tuple[torch.Tensor | None, torch.Tensor]]:
    """Per text: the image tokens that hear it (None: all of them) and their weights, (1, 1, rows, 1).

    A text is attended only where its weight is above 0: an instance inside its region, the
    background where no instance covers, the base everywhere (when its ratio is above 0). So a
    region's attention costs in proportion to its area, not to the canvas."""

    def build():
        weights = state.set_weights(tokens)  # (tokens, texts)
        rows = []
        for column in weights.T:
            where = torch.nonzero(column > 0).flatten()
            if len(where) == tokens:
                rows.append((None, column.view(1, 1, tokens, 1).to(device=device, dtype=dtype)))
            else:
                rows.append((where.to(device), column[where].view(1, 1, -1, 1).to(device=device, dtype=dtype)))
        return rows

    return state.cached(("rows", tokens, str(device), dtype), build)


def regional(attn: Attention, query: torch.Tensor, context: torch.Tensor, state) -> torch.Tensor:
    """Each text's own attention over its own keys, on the tokens that hear it, weighted and summed.

    Where instance A is alone this is exactly (1 - base) * attn(A) + base * attn(base): a text whose
    weight is 0 at a token is not computed there at all."""
    batch, tokens, _ = query.shape
    q = _queries(attn, query)
    out = torch.zeros_like(q)
    texts = _text_keys(attn, state, query.device, query.dtype)
    for (keys, values), (where, weight) in zip(texts, _text_rows(state, tokens, query.device, query.dtype),
                                               strict=True):
        if where is not None and len(where) == 0:
            continue
        heard = q if where is None else q.index_select(2, where)
        keys, values = keys.expand(batch, -1, -1, -1), values.expand(batch, -1, -1, -1)
        part = F.scaled_dot_product_attention(heard, keys, values) * weight
        if where is None:
            out += part
        else:
            out.index_add_(2, where, part)
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
