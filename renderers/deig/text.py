"""T5 text features: what the IDE reads for the caption, the negative prompt and each instance.

Spec §2.1: special tokens added (EOS), padded to max_length (128 for the published model) and
truncated, the attention mask passed to the encoder, `last_hidden_state` kept with its padded
positions (the IDE reads them unmasked). Each text is an independent row; encoding several in one
batch gives each the same features as encoding it alone, because every row has the same padded
length and its own attention mask.
"""

from __future__ import annotations

import torch

from scenes.errors import RenderFailed


def encoder_dtype(run_dtype: torch.dtype, device: torch.device) -> torch.dtype:
    """The T5 encoder's dtype for a run in `run_dtype`: never fp16.

    T5 in fp16 overflows to inf/NaN in its feed-forward layers (a known property of T5 checkpoints
    trained in bf16), so an fp16 run keeps the encoder in bf16 where the device supports it, else
    in fp32; its features are cast to the run's dtype after encoding.
    """
    if run_dtype != torch.float16:
        return run_dtype
    if device.type == "cuda" and torch.cuda.is_bf16_supported():
        return torch.bfloat16
    return torch.float32


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
        if not torch.isfinite(hidden).all():
            raise RenderFailed("the T5 text features are not finite (inf or NaN): the text encoder overflowed",
                               hint="Render with --dtype float32, or check the converted T5 weights.")
        return hidden.to(device=device, dtype=dtype)
