"""The `tiny-chat` preset: a random causal LM and a byte-level tokenizer with a chat template, in-process.

For tests and for checking an install: it writes noise, so only constrained decoding turns its replies
into plans. Deterministic (fixed seed, no global random state touched).
"""

from __future__ import annotations

import functools

TINY_CHAT = "tiny-chat"
TINY_SEED = 0
SPECIALS = ("<|endoftext|>", "<|im_start|>", "<|im_end|>")
CHAT_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


@functools.cache
def _byte_vocab() -> dict[str, int]:
    from renderers.diffusion.tiny import byte_symbols

    vocab = {symbol: index for index, symbol in enumerate(byte_symbols())}
    for offset, special in enumerate(SPECIALS):
        vocab[special] = 256 + offset
    return vocab


def tiny_chat_tokenizer():
    """A fast byte-level tokenizer (one token per byte) with ChatML special tokens and template."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(vocab=dict(_byte_vocab()), merges=[]))
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    backend.decoder = decoders.ByteLevel()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=backend, eos_token="<|im_end|>", pad_token="<|endoftext|>",
                                        additional_special_tokens=["<|im_start|>"])
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def tiny_chat_model(vocab_size: int):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(vocab_size=vocab_size, hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=32768,
                         bos_token_id=256, eos_token_id=258, pad_token_id=256, tie_word_embeddings=True)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(TINY_SEED)
        model = LlamaForCausalLM(config)
    return model.eval().requires_grad_(False)
