"""One multi-head attention of projected queries over a context, as diffusers' AttnProcessor2_0 computes it.

Shared by the fusion modes (`modes.py`) and the processors that call them (`processors.py`).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from diffusers.models.attention_processor import Attention


def attention_over(attn: Attention, query: torch.Tensor, context: torch.Tensor, bias: torch.Tensor | None) -> torch.Tensor:
    """Multi-head SDPA of already projected queries over `context`, as AttnProcessor2_0 computes it."""
    return attention_of(attn, query, attn.to_k(context), attn.to_v(context), bias)


def attention_of(attn: Attention, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
                 bias: torch.Tensor | None) -> torch.Tensor:
    """Multi-head SDPA of projected queries over projected keys and values (e.g. IP-Adapter image tokens)."""
    batch = query.shape[0]
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
