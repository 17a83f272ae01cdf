"""LoRAs confined to regions: each concept's delta is weighted, token by token, by its instance's mask.

A LoRA adds `scale * up(down(x))` to a layer's output. Here every layer a LoRA touches is wrapped
once (`MaskedLora`), whatever the number of concepts on it: the `down` matrices of all concepts are
stacked, so one product gives every concept's low-rank activations; each activation row is
multiplied by its concept's weight at that token (mask x concept scale x alpha / rank), and one
product with the stacked `up` matrices sums the deltas. A token outside every region gets exactly
the base layer's output (FreeFuse's routing, with masks from the scene's boxes).

Which tokens a layer sees decides which weights apply:
- image tokens (to_q, to_out, the feed-forward, self-attention K/V, proj_in/proj_out): the
  instance masks at that layer's resolution, from the `Routing`;
- text tokens (cross-attention K/V): only the tokens of texts a concept owns, as the caller says
  while projecting them (`Routing.text`); in the regional mode each instance caption is a text of
  its own, so instance A's caption gets A's delta and the global caption none.

Parsing goes through diffusers' own key conversion (`lora_state_dict`,
`convert_unet_state_dict_to_peft`): diffusers, PEFT and kohya names all end as
`<module>.lora_A.weight` / `lora_B.weight` with kohya's alphas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from scenes.errors import InvalidInput

# Cross-attention K/V see text tokens; every other wrapped layer sees image tokens.
TEXT_SIDE_SUFFIXES = ("attn2.to_k", "attn2.to_v")
# Layers whose tokens are image cells (or text, for attn2 K/V): a mask means something there.
TOKEN_WISE = (".attn1.", ".attn2.", ".ff.", ".proj_in", ".proj_out")


@dataclass
class LoraPart:
    """One layer's LoRA: down (r, in[, kh, kw]), up (out, r[, 1, 1]) and alpha / r."""

    down: torch.Tensor
    up: torch.Tensor
    scale: float

    @property
    def rank(self) -> int:
        return self.down.shape[0]


def unet_parts(state_dict: dict[str, torch.Tensor], family: str) -> tuple[dict[str, LoraPart], list[str]]:
    """({UNet module name: part}, names of the parts left out: the text encoders' and non-token layers')."""
    # The loader mixins, not the pipelines: importing those pulls in image processors that warn.
    from diffusers.loaders.lora_pipeline import (
        StableDiffusionLoraLoaderMixin,
        StableDiffusionXLLoraLoaderMixin,
    )
    from diffusers.utils import convert_unet_state_dict_to_peft

    loader = StableDiffusionXLLoraLoaderMixin if family == "sdxl" else StableDiffusionLoraLoaderMixin
    converted, alphas = loader.lora_state_dict(dict(state_dict))
    alphas = alphas or {}
    unet = {k.removeprefix("unet."): v for k, v in converted.items() if k.startswith("unet.")}
    left_out = sorted({k.split(".")[0] for k in converted if not k.startswith("unet.")})
    peft_keys = convert_unet_state_dict_to_peft(unet)
    alpha_of = _alphas(alphas)
    parts: dict[str, LoraPart] = {}
    for key, down in peft_keys.items():
        if ".lora_A." not in key:
            continue
        module = key.split(".lora_A.")[0]
        up = peft_keys.get(f"{module}.lora_B.weight")
        if up is None:
            raise ValueError(f"{module} has a down matrix and no up matrix")
        if not any(mark in f".{module}" for mark in TOKEN_WISE):
            left_out.append(module)
            continue
        rank = down.shape[0]
        alpha = alpha_of.get(module)
        parts[module] = LoraPart(down.float(), up.float(), (alpha / rank) if alpha is not None else 1.0)
    return parts, left_out


def _alphas(alphas: dict[str, float]) -> dict[str, float]:
    """kohya alphas ('unet.<module>…down.weight.alpha') by the PEFT module name."""
    from diffusers.utils import convert_unet_state_dict_to_peft

    out = {}
    for key, value in alphas.items():
        if key.startswith("unet."):
            (converted,) = convert_unet_state_dict_to_peft({key.removeprefix("unet.").removesuffix(".alpha"): 0})
            out[converted.split(".lora_")[0]] = float(value)
    return out


def check_parts(unet: nn.Module, parts: dict[str, LoraPart], label: str) -> None:
    """Every part names a Linear or Conv2d of this UNet with matching shapes."""
    modules = dict(unet.named_modules())
    for name, part in parts.items():
        module = modules.get(name)
        if not isinstance(module, nn.Linear | nn.Conv2d):
            raise InvalidInput(f"{label}: the LoRA names '{name}', which this model's UNet does not have",
                               hint="The LoRA was made for another model; use the model it was trained for.")
        inputs = module.in_features if isinstance(module, nn.Linear) else module.in_channels
        outputs = module.out_features if isinstance(module, nn.Linear) else module.out_channels
        if part.down.shape[1] != inputs or part.up.shape[0] != outputs or part.up.shape[1] != part.rank:
            raise InvalidInput(f"{label}: the LoRA's '{name}' is {tuple(part.up.shape[:1])}x{tuple(part.down.shape[1:2])}"
                               f"; the model's layer is {outputs}x{inputs}",
                               hint="The LoRA was made for another model; use the model it was trained for.")


class Routing:
    """Which concept weighs how much at each token: its instance's mask at a layer's resolution
    times its scale, and, for text, whether the text being projected is its own.

    `masks(h, w)` gives (h*w, concepts) mask values; `size_of(tokens)` a layer's (h, w)."""

    def __init__(self, masks: Callable[[int, int], torch.Tensor], size_of: Callable[[int], tuple[int, int]],
                 scales: list[float]):
        self._masks, self._size_of = masks, size_of
        self.scales = torch.tensor(scales, dtype=torch.float32)
        self._cache: dict[tuple, torch.Tensor] = {}
        self.text_weights: torch.Tensor | None = None  # (L, concepts) while a concept's text is projected

    def spatial(self, h: int, w: int, device, dtype) -> torch.Tensor:
        key = (h, w, str(device), dtype)
        if key not in self._cache:
            self._cache[key] = (self._masks(h, w).float() * self.scales).to(device=device, dtype=dtype)
        return self._cache[key]

    def tokens(self, count: int, device, dtype) -> torch.Tensor:
        return self.spatial(*self._size_of(count), device, dtype)

    @contextmanager
    def text(self, runs: list[tuple[int | None, int]]) -> Iterator[None]:
        """While a text is projected: its tokens as runs of (owning concept or None, token count)."""
        weights = torch.zeros(sum(count for _, count in runs), len(self.scales))
        start = 0
        for concept, count in runs:
            if concept is not None:
                weights[start : start + count, concept] = self.scales[concept]
            start += count
        before, self.text_weights = self.text_weights, (weights if weights.any() else None)
        try:
            yield
        finally:
            self.text_weights = before


class MaskedLora(nn.Module):
    """A Linear or Conv2d plus the masked deltas of every concept that touches it."""

    def __init__(self, base: nn.Linear | nn.Conv2d, parts: list[tuple[int, LoraPart]], routing: Routing,
                 text_side: bool):
        super().__init__()
        self.base, self.routing, self.text_side = base, routing, text_side
        device, dtype = base.weight.device, base.weight.dtype
        self.register_buffer("down", torch.cat([p.down for _, p in parts]).to(device, dtype), persistent=False)
        self.register_buffer("up", torch.cat([p.up for _, p in parts], dim=1).to(device, dtype), persistent=False)
        # Per rank row: which concept it belongs to, and that concept's alpha / rank.
        self.register_buffer("row_concept", torch.cat([torch.full((p.rank,), c) for c, p in parts]).to(device),
                             persistent=False)
        self.register_buffer("row_scale", torch.cat([torch.full((p.rank,), p.scale) for _, p in parts]).to(device, dtype),
                             persistent=False)

    @property
    def weight(self) -> torch.Tensor:
        return self.base.weight

    @property
    def bias(self) -> torch.Tensor | None:
        return self.base.bias

    def _row_weights(self, per_token: torch.Tensor) -> torch.Tensor:
        """(tokens, concepts) -> (tokens, rank rows)."""
        return per_token[:, self.row_concept] * self.row_scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.base(x)
        if isinstance(self.base, nn.Conv2d):
            weights = self.routing.spatial(*out.shape[-2:], x.device, x.dtype)
            low = F.conv2d(x, self.down, None, self.base.stride, self.base.padding, self.base.dilation)
            low = low * self._row_weights(weights).T.reshape(1, -1, *out.shape[-2:])
            return out + F.conv2d(low, self.up)
        if self.text_side:
            if self.routing.text_weights is None:
                return out
            weights = self.routing.text_weights.to(device=x.device, dtype=x.dtype)
        else:
            weights = self.routing.tokens(x.shape[-2], x.device, x.dtype)
        low = (x @ self.down.T) * self._row_weights(weights)
        return out + low @ self.up.T


@contextmanager
def applied(unet: nn.Module, concepts: list[dict[str, LoraPart]], routing: Routing) -> Iterator[None]:
    """The UNet with every touched layer wrapped for these concepts (concept i = routing column i);
    the original layers are put back afterwards."""
    by_module: dict[str, list[tuple[int, LoraPart]]] = {}
    for index, parts in enumerate(concepts):
        for name, part in parts.items():
            by_module.setdefault(name, []).append((index, part))
    swapped = []
    try:
        for name, parts in by_module.items():
            parent_name, _, child = name.rpartition(".")
            parent = unet.get_submodule(parent_name)
            base = getattr(parent, child)
            setattr(parent, child, MaskedLora(base, parts, routing, name.endswith(TEXT_SIDE_SUFFIXES)))
            swapped.append((parent, child, base))
        yield
    finally:
        for parent, child, base in reversed(swapped):
            setattr(parent, child, base)
