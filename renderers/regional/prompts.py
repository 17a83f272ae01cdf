"""Instance detail extraction: a scene's texts as the keys of regional cross-attention.

The global caption and the negative prompt are encoded as the stock pipelines do (77 slots), so a
scene without instances, and every step or layer without fusion, renders exactly like plain Stable
Diffusion. What the fusion modes add:

- `regional`: the *base* (the scene's plain list of things, `summary`, with its background; or,
  without a summary, one built from the instance names) and each instance caption and the
  background, each encoded on its own as a prompt (`encode_windows`: start and end tokens,
  padding; the attention sinks the model expects). SDXL's pooled text is the base's.
- `concat` and `dense`: each instance caption and the background as real tokens only, after the
  global caption (`concat`) or the base (`dense`); `groups` says which region each run of tokens
  belongs to.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from renderers.diffusion.loading import Components
from renderers.diffusion.text import WordIds, encode_padded, encode_real_tokens, encode_windows, zeros_like
from scenes.model import Scene

GLOBAL = -1  # the group of the global caption's (or base's) tokens: every image token sees them


def _article(name: str) -> str:
    return ("an " if name[:1].lower() in "aeiou" else "a ") + name


def base_text(scene: Scene) -> tuple[str, str]:
    """(text, source) of the base caption: the summary (source 'summary') or, without one, the
    instance names listed ('names'); with the background appended unless the text already says it."""
    if scene.summary is not None:
        text, source = scene.summary, "summary"
    else:
        names = [_article(instance.name.strip()) for instance in scene.instances]
        text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        source = "names"
    if scene.background is not None and scene.background.lower() not in text.lower():
        text = f"{text}, {scene.background}"
    return text, source


@dataclass
class RegionalPrompt:
    global_tokens: torch.Tensor  # (1, 77, D)
    negative_tokens: torch.Tensor  # (1, 77, D)
    region_tokens: list[torch.Tensor]  # concat/dense: instance captions, then the background: (L, D) each
    region_ids: list[int]  # instance index per entry of region_tokens; `instances` for the background
    instances: int
    pooled: torch.Tensor | None = None  # SDXL: pooled text of the global caption, (1, P)
    negative_pooled: torch.Tensor | None = None
    base: str | None = None  # the base caption's text, and where it came from (summary / names)
    base_source: str | None = None
    base_tokens: torch.Tensor | None = None  # (1, 77 n, D)
    base_pooled: torch.Tensor | None = None
    # regional: the base, each instance and the background as prompts, (1, 77 n, D) each
    sets: list[torch.Tensor] = field(default_factory=list)
    has_background: bool = False

    @property
    def has_regions(self) -> bool:
        return bool(self.region_tokens) or len(self.sets) > 1

    @property
    def groups(self) -> list[tuple[int, int]]:
        """(region, token count) runs of the concatenated keys, in order; region GLOBAL first."""
        first = self.base_tokens if self.base_tokens is not None and self.region_tokens else self.global_tokens
        return [(GLOBAL, first.shape[1])] + [
            (region, tokens.shape[0]) for region, tokens in zip(self.region_ids, self.region_tokens, strict=True)
        ]

    def concatenated(self, *, base: bool) -> torch.Tensor:
        """(1, keys, D): [global caption (or the base) | instance tokens | background tokens]."""
        first = self.base_tokens if base else self.global_tokens
        if not self.region_tokens:
            return first
        return torch.cat([first, torch.cat(self.region_tokens)[None]], dim=1)

    def context(self, batch: int, *, guided: bool) -> torch.Tensor:
        """Encoder states for a (2 x) batch: [negative rows;] global caption rows."""
        rows = [self.global_tokens.expand(batch, -1, -1)]
        if guided:
            rows.insert(0, self.negative_tokens.expand(batch, -1, -1))
        return torch.cat(rows)

    def pooled_rows(self, batch: int, *, guided: bool, base: bool) -> torch.Tensor | None:
        if self.pooled is None:
            return None
        positive = self.base_pooled if base and self.base_pooled is not None else self.pooled
        rows = [positive.expand(batch, -1)]
        if guided:
            rows.insert(0, self.negative_pooled.expand(batch, -1))
        return torch.cat(rows)


@torch.no_grad()
def encode_scene(components: Components, scene: Scene, device, dtype, *, mode: str = "concat",
                 caption_ids: dict[int, WordIds] | None = None) -> RegionalPrompt:
    """`caption_ids`: the word ids of instance captions that carry learned concept vectors (by instance)."""
    caption_ids = caption_ids or {}
    positive = encode_padded(components, [scene.caption], device)
    if scene.negative is None and components.force_zeros_for_empty_prompt:
        negative = zeros_like(positive)
    else:
        negative = encode_padded(components, [scene.negative or ""], device)

    def cast(tensor: torch.Tensor | None) -> torch.Tensor | None:
        return None if tensor is None else tensor.to(dtype)

    prompt = RegionalPrompt(global_tokens=cast(positive.tokens), negative_tokens=cast(negative.tokens),
                            region_tokens=[], region_ids=[], instances=len(scene.instances),
                            pooled=cast(positive.pooled), negative_pooled=cast(negative.pooled))
    if not scene.instances:
        return prompt
    if mode in ("regional", "dense"):
        prompt.base, prompt.base_source = base_text(scene)
        encoded = encode_windows(components, prompt.base, device)
        prompt.base_tokens, prompt.base_pooled = cast(encoded.tokens), cast(encoded.pooled)
    if mode == "regional":
        texts = [instance.caption for instance in scene.instances]
        if scene.background is not None:
            texts.append(scene.background)
        prompt.sets = [prompt.base_tokens] + [cast(encode_windows(components, text, device, caption_ids.get(index)).tokens)
                                              for index, text in enumerate(texts)]
        prompt.has_background = scene.background is not None
        return prompt
    texts = [instance.caption for instance in scene.instances]
    ids = list(range(len(texts)))
    if scene.background is not None:
        texts.append(scene.background)
        ids.append(len(scene.instances))
    word_ids = [caption_ids.get(index) for index in range(len(texts))]
    prompt.region_tokens = [cast(tokens) for tokens in encode_real_tokens(components, texts, device, word_ids)]
    prompt.region_ids = ids
    return prompt
