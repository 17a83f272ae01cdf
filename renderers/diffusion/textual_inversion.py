"""Textual inversion per instance: learned vectors that only their own instance's caption reaches.

diffusers' `load_textual_inversion` adds the token to the tokenizer, so every text the pipeline
encodes afterwards can produce it. Here no tokenizer changes: the learned vectors are appended
to each text encoder's token table as rows that no tokenizer id maps to, and only a caption that
names the concept gets them, where its `concept_token` stands (`caption_ids`). Every other text
(the global caption, the base, other instances) tokenises as before and cannot meet them.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from scenes.errors import InvalidInput
from scenes.model import concept_word_pattern

from .concept_files import ConceptFile, load_pickle


def read_vectors(concept: ConceptFile, label: str) -> list[torch.Tensor]:
    """(k, D) learned vectors per text encoder (SDXL: clip_l then clip_g)."""
    if concept.pickled:
        tensors = load_pickle(concept.path, label)
    else:
        from safetensors.torch import load_file

        tensors = load_file(str(concept.path))
    keys = ["clip_l", "clip_g"] if set(tensors) == {"clip_l", "clip_g"} else list(tensors)
    vectors = [tensors[key].detach().float().reshape(-1, tensors[key].shape[-1]) for key in keys]
    if not all(torch.isfinite(v).all() for v in vectors):
        raise InvalidInput(f"{label}: {Path(concept.path).name} holds non-finite values",
                           hint="The embedding is damaged; train or download it again.")
    return vectors


class LearnedRows:
    """Learned vectors appended to the text encoders' token tables, once per concept file."""

    def __init__(self, text_encoders: list[nn.Module]):
        self.text_encoders = text_encoders
        self._ids: dict[str, list[list[int]]] = {}  # sha256 -> ids per encoder

    def ids(self, sha256: str, vectors: list[torch.Tensor]) -> list[list[int]]:
        if sha256 not in self._ids:
            if len(vectors) != len(self.text_encoders):
                raise ValueError("one set of vectors per text encoder is needed")
            self._ids[sha256] = [_append_rows(encoder, rows) for encoder, rows in zip(self.text_encoders, vectors,
                                                                                       strict=True)]
        return self._ids[sha256]


def _append_rows(encoder: nn.Module, rows: torch.Tensor) -> list[int]:
    table = encoder.get_input_embeddings()
    start = table.num_embeddings
    grown = nn.Embedding(start + rows.shape[0], table.embedding_dim, device=table.weight.device,
                         dtype=table.weight.dtype)
    with torch.no_grad():
        grown.weight[:start] = table.weight
        grown.weight[start:] = rows.to(table.weight)
    grown.requires_grad_(table.weight.requires_grad)
    encoder.set_input_embeddings(grown)
    return list(range(start, start + rows.shape[0]))


def caption_ids(tokenizer, caption: str, token: str, learned: list[int]) -> list[int]:
    """The caption's word ids (no start/end tokens), with each whole-word `token` replaced by the learned ids.

    The pieces around the token are tokenised on their own; CLIP's tokenizer splits at word
    boundaries anyway, so they get the ids they get in the whole caption."""
    ids: list[int] = []
    pieces = concept_word_pattern(token).split(caption)
    for number, piece in enumerate(pieces):
        if number:
            ids.extend(learned)
        if piece.strip():
            ids.extend(tokenizer(piece, add_special_tokens=False).input_ids)
    return ids
