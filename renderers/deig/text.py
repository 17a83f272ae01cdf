"""T5 text features: what the IDE reads for the caption, the negative prompt and each instance.

Spec §2.1: special tokens added (EOS), padded to max_length (128 for the published model) and
truncated, the attention mask passed to the encoder, `last_hidden_state` kept with its padded
positions (the IDE reads them unmasked). Each text is an independent row; encoding several in one
batch gives each the same features as encoding it alone, because every row has the same padded
length and its own attention mask.
"""

from __future__ import annotations

import torch


class T5Features:
    def __init__(self, tokenizer, encoder, max_length: int):
        self.tokenizer = tokenizer
        self.encoder = encoder
        self.max_length = max_length

    @torch.no_grad()
    def __call__(self, texts: list[str], device: torch.device | str, dtype: torch.dtype) -> torch.Tensor:
        """(len(texts), max_length, hidden) features in `dtype` on `device`."""
        batch = self.tokenizer(texts, padding="max_length", max_length=self.max_length, truncation=True,
                               return_tensors="pt")
        encoder_device = next(self.encoder.parameters()).device
        hidden = self.encoder(input_ids=batch.input_ids.to(encoder_device),
                              attention_mask=batch.attention_mask.to(encoder_device)).last_hidden_state
        return hidden.to(device=device, dtype=dtype)
