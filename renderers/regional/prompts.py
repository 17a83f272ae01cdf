"""Instance detail extraction: a scene's texts as the keys of regional cross-attention.

The global caption and the negative prompt are encoded as the stock pipelines do (77 slots), so a
scene without instances renders exactly like plain Stable Diffusion. Each instance caption, and
the background, is encoded on its own with the model's own encoder(s) and only its real tokens are
kept. The conditional context is [global | instance 0 | … | instance n-1 | background]; `groups`
says which region each run of tokens belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from renderers.diffusion.loading import Components
from renderers.diffusion.text import encode_padded, encode_real_tokens, zeros_like
from scenes.model import Scene

GLOBAL = -1  # the group of the global caption's tokens: every image token sees them


@dataclass
class RegionalPrompt:
    global_tokens: torch.Tensor  # (1, 77, D)
    negative_tokens: torch.Tensor  # (1, 77, D)
    region_tokens: list[torch.Tensor]  # instance captions, then the background: (L, D) each
    region_ids: list[int]  # instance index per entry of region_tokens; `instances` for the background
    instances: int
    pooled: torch.Tensor | None = None  # SDXL: pooled text of the global caption, (1, P)
    negative_pooled: torch.Tensor | None = None

    @property
    def has_regions(self) -> bool:
        return bool(self.region_tokens)

    @property
    def groups(self) -> list[tuple[int, int]]:
        """(region, token count) runs of the fused context, in order; region GLOBAL first."""
        return [(GLOBAL, self.global_tokens.shape[1])] + [
            (region, tokens.shape[0]) for region, tokens in zip(self.region_ids, self.region_tokens, strict=True)
        ]

    def context(self, batch: int, *, guided: bool, fused: bool) -> torch.Tensor:
        """Encoder states for a (2 x) batch: [negative rows;] conditional rows.

        Fused, the conditional rows carry every region's tokens and the negative rows are padded
        with zeros to the same length (the processor reads only their first 77 tokens).
        """
        conditional = self.global_tokens
        if fused and self.region_tokens:
            conditional = torch.cat([self.global_tokens, torch.cat(self.region_tokens)[None]], dim=1)
        rows = [conditional.expand(batch, -1, -1)]
        if guided:
            negative = self.negative_tokens
            if conditional.shape[1] > negative.shape[1]:
                filler = negative.new_zeros(1, conditional.shape[1] - negative.shape[1], negative.shape[2])
                negative = torch.cat([negative, filler], dim=1)
            rows.insert(0, negative.expand(batch, -1, -1))
        return torch.cat(rows)

    def pooled_rows(self, batch: int, *, guided: bool) -> torch.Tensor | None:
        if self.pooled is None:
            return None
        rows = [self.pooled.expand(batch, -1)]
        if guided:
            rows.insert(0, self.negative_pooled.expand(batch, -1))
        return torch.cat(rows)


@torch.no_grad()
def encode_scene(components: Components, scene: Scene, device, dtype) -> RegionalPrompt:
    positive = encode_padded(components, [scene.caption], device)
    if scene.negative is None and components.force_zeros_for_empty_prompt:
        negative = zeros_like(positive)
    else:
        negative = encode_padded(components, [scene.negative or ""], device)
    texts = [instance.caption for instance in scene.instances]
    ids = list(range(len(texts)))
    if scene.background is not None:
        texts.append(scene.background)
        ids.append(len(scene.instances))
    regions = encode_real_tokens(components, texts, device)

    def cast(tensor: torch.Tensor | None) -> torch.Tensor | None:
        return None if tensor is None else tensor.to(dtype)

    return RegionalPrompt(
        global_tokens=cast(positive.tokens), negative_tokens=cast(negative.tokens),
        region_tokens=[cast(tokens) for tokens in regions], region_ids=ids, instances=len(scene.instances),
        pooled=cast(positive.pooled), negative_pooled=cast(negative.pooled),
    )
