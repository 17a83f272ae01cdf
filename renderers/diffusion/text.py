"""Text encoding with a model's own CLIP encoder(s): padded prompts, and captions as real tokens only.

SD-1.x uses the last hidden state of its one encoder; SDXL concatenates the penultimate hidden
states of its two encoders and takes the pooled text from the second, as diffusers' pipelines do
(computed here directly, which also avoids diffusers' clip_skip path that breaks with
transformers >= 5.6).

`encode_real_tokens` is instance detail extraction's encoder: each caption is encoded on its own,
and only its real tokens are kept (its words and the end token, not the start token every caption
shares, nor 77 padded slots), so attention cost grows with the words given. A caption longer than
the encoder's window is encoded in windows of 75 tokens and the pieces are joined: nothing is cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .loading import Components


@dataclass
class PromptEmbeddings:
    tokens: torch.Tensor  # (n, 77, D)
    pooled: torch.Tensor | None  # (n, P) for SDXL


def _encode(components: Components, encoder_index: int, input_ids: torch.Tensor):
    """(per-token states, pooled text or None) of one encoder."""
    encoder = components.text_encoders[encoder_index]
    if components.family == "sd15":
        return encoder(input_ids, output_hidden_states=False)[0], None
    output = encoder(input_ids, output_hidden_states=True)
    return output.hidden_states[-2], getattr(output, "text_embeds", None)


@torch.no_grad()
def encode_padded(components: Components, texts: list[str], device) -> PromptEmbeddings:
    """Prompts as the stock pipelines encode them: 77 slots, truncated past the window."""
    per_encoder, pooled = [], None
    for index, tokenizer in enumerate(components.tokenizers):
        ids = tokenizer(texts, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                        return_tensors="pt").input_ids.to(device)
        states, text_embeds = _encode(components, index, ids)
        per_encoder.append(states)
        if index == 1:
            pooled = text_embeds
    return PromptEmbeddings(torch.cat(per_encoder, dim=-1), pooled)


def zeros_like(embeddings: PromptEmbeddings) -> PromptEmbeddings:
    pooled = None if embeddings.pooled is None else torch.zeros_like(embeddings.pooled)
    return PromptEmbeddings(torch.zeros_like(embeddings.tokens), pooled)


WordIds = list[list[int]]  # a text's word ids (no start or end token), one list per text encoder


def _word_ids(tokenizer, index: int, texts: list[str], given: list[WordIds | None] | None) -> list[list[int]]:
    """Each text's word ids for encoder `index`: the given ones (e.g. with learned concept rows), or the tokenizer's."""
    words = tokenizer(texts, add_special_tokens=False).input_ids
    if given is None:
        return words
    return [ids[index] if ids is not None else own for ids, own in zip(given, words, strict=True)]


@torch.no_grad()
def encode_real_tokens(components: Components, texts: list[str], device,
                       word_ids: list[WordIds | None] | None = None) -> list[torch.Tensor]:
    """For each text, a (L_i, D) tensor of its real tokens' hidden states (words + end token).

    `word_ids`, when given, holds per text either its ids per encoder or None (tokenise the text)."""
    if not texts:
        return []
    per_encoder = []
    for index, tokenizer in enumerate(components.tokenizers):
        window = tokenizer.model_max_length - 2
        words = _word_ids(tokenizer, index, texts, word_ids)
        chunks, owners = [], []
        for owner, ids in enumerate(words):
            pieces = [ids[start:start + window] for start in range(0, len(ids), window)] or [[]]
            chunks.extend(pieces)
            owners.extend([owner] * len(pieces))
        longest = max(len(chunk) for chunk in chunks) + 2
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        # CLIP's text attention is causal: what follows a chunk's end token cannot change it.
        batch = torch.full((len(chunks), longest), pad, dtype=torch.long)
        for row, chunk in enumerate(chunks):
            batch[row, : len(chunk) + 2] = torch.tensor([tokenizer.bos_token_id, *chunk, tokenizer.eos_token_id])
        states, _ = _encode(components, index, batch.to(device))
        kept: list[list[torch.Tensor]] = [[] for _ in texts]
        for row, chunk in enumerate(chunks):
            kept[owners[row]].append(states[row, 1 : len(chunk) + 2])
        per_encoder.append([torch.cat(parts) for parts in kept])
    lengths = {tuple(t.shape[0] for t in encoded) for encoded in per_encoder}
    if len(lengths) != 1:
        raise ValueError("the model's two tokenizers split a caption differently")
    return [torch.cat([encoded[i] for encoded in per_encoder], dim=-1) for i in range(len(texts))]


@torch.no_grad()
def encode_windows(components: Components, text: str, device, word_ids: WordIds | None = None) -> PromptEmbeddings:
    """A text as the stock pipelines encode a prompt (start token, words, end token, padding to 77),
    in as many 77-token windows as its words need, joined one after another: (1, 77 * n, D).

    A text that fits one window is encoded exactly as `encode_padded` encodes it; each window keeps
    its own start, end and padding tokens, the attention sinks the model was trained with. SDXL's
    pooled text is the first window's. `word_ids` replace the tokenizer's ids (one list per encoder).
    """
    window = components.tokenizers[0].model_max_length - 2
    if word_ids is None:
        words = components.tokenizers[0](text, add_special_tokens=False).input_ids
        if len(words) <= window:
            return encode_padded(components, [text], device)
    per_encoder, pooled = [], None
    for index, tokenizer in enumerate(components.tokenizers):
        ids = _word_ids(tokenizer, index, [text], None if word_ids is None else [word_ids])[0]
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        rows = []
        for start in range(0, max(len(ids), 1), window):
            chunk = [tokenizer.bos_token_id, *ids[start:start + window], tokenizer.eos_token_id]
            rows.append(chunk + [pad] * (window + 2 - len(chunk)))
        states, text_embeds = _encode(components, index, torch.tensor(rows, device=device))
        per_encoder.append(states.reshape(1, -1, states.shape[-1]))
        if index == 1:
            pooled = text_embeds[:1]
    return PromptEmbeddings(torch.cat(per_encoder, dim=-1), pooled)
