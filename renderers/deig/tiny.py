"""The `tiny` preset: every DEIG component with random weights, built in-process, no downloads.

Same structure as the published model (so the same checkpoint key names, the same 16 tokens per
instance and the same mask rules at four UNet levels), widths small enough for a CPU test. The
tokenizer is a character-level T5 (Unigram) vocabulary built in memory. Deterministic: the same
call always gives the same weights, without touching the global random state.
"""

from __future__ import annotations

import string

import torch

from .config import TINY, DeigConfig

TINY_SEED = 0


def tiny_t5_tokenizer(max_length: int):
    from transformers import T5Tokenizer

    # T5's layout: <pad>=0, </s>=1, <unk>=2, then pieces; "▁" marks a word start.
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    chars = string.ascii_lowercase + string.ascii_uppercase + string.digits + string.punctuation
    pieces += [(c, -3.0) for c in chars] + [("▁" + c, -2.5) for c in chars]
    return T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=max_length)


def tiny_t5_encoder(vocab_size: int, hidden_size: int):
    from transformers import T5Config, T5EncoderModel

    config = T5Config(vocab_size=vocab_size, d_model=hidden_size, d_kv=4, d_ff=2 * hidden_size, num_layers=2,
                      num_heads=4, relative_attention_num_buckets=8, feed_forward_proj="gated-gelu",
                      pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)
    return T5EncoderModel(config).eval()


def build_tiny(config: DeigConfig = TINY, seed: int = TINY_SEED):
    """(DenoiserModules, vae, tokenizer, text encoder) with deterministic random weights."""
    from .model import build_modules, build_vae

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        modules = build_modules(config)
        # diffusers initialises the gates to 0, which would switch the fusion off entirely.
        for fuser in (m for m in modules.unet.modules() if hasattr(m, "alpha_attn")):
            torch.nn.init.uniform_(fuser.alpha_attn, 0.5, 1.0)
            torch.nn.init.uniform_(fuser.alpha_dense, 0.5, 1.0)
        for name in ("null_positive_feature", "null_position_feature"):
            torch.nn.init.normal_(getattr(modules.unet.position_net, name))
        vae = build_vae(config)
        tokenizer = tiny_t5_tokenizer(config.text.max_length)
        encoder = tiny_t5_encoder(len(tokenizer), config.text.hidden_size)
    modules.unet.eval()
    modules.extractor.eval()
    vae.eval()
    return modules, vae, tokenizer, encoder
