"""Our FLUX attention processor: the stock one, given the grounding mask of the step and layer.

`FluxTransformer2DModel` hands one `joint_attention_kwargs` to all of its attention layers; region
control needs a different mask per layer (image binding only in the layers chosen) and per step
(grounding only early), so each attention module gets its own processor that reads the shared
`Grounding` state. The attention itself is diffusers' `FluxAttnProcessor`, unchanged: with no mask
the output is bit for bit the stock one, and `set_attention_backend` reaches it as usual.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diffusers.models.transformers.transformer_flux import FluxAttnProcessor

IMAGE_BINDING = ("off", "middle", "all")


@dataclass
class Grounding:
    """What the processors of one transformer read at each call; the pipeline sets it per step."""

    text_mask: Any = None  # (1, 1, S, S) bool: instance captions confined, image tokens free
    image_mask: Any = None  # the same with image tokens bound to their region group
    image_layers: frozenset[int] = field(default_factory=frozenset)
    active: bool = False

    def mask_for(self, layer: int):
        if not self.active:
            return None
        return self.image_mask if layer in self.image_layers else self.text_mask


def binding_layers(choice: str, total: int) -> frozenset[int]:
    """The attention layers (double blocks, then single blocks) whose image tokens stay in their region.

    'middle' is the middle half of the layers: DreamRenderer's scan of FLUX found hard binding helps
    there, while the first and last layers carry the picture's global content.
    """
    if choice == "off":
        return frozenset()
    if choice == "all":
        return frozenset(range(total))
    return frozenset(range(round(total * 0.25), round(total * 0.75)))


class RegionalFluxAttnProcessor(FluxAttnProcessor):
    def __init__(self, grounding: Grounding, layer: int):
        super().__init__()
        self.grounding = grounding
        self.layer = layer

    def __call__(self, attn, hidden_states, encoder_hidden_states=None, attention_mask=None, image_rotary_emb=None):
        mask = self.grounding.mask_for(self.layer)
        if mask is None:
            mask = attention_mask
        return super().__call__(attn, hidden_states, encoder_hidden_states, mask, image_rotary_emb)


def attention_layers(model) -> list[str]:
    """Processor names of a FLUX transformer (or ControlNet) in order: double blocks, then single blocks."""
    names = list(model.attn_processors)
    double = [name for name in names if name.startswith("transformer_blocks.")]
    single = [name for name in names if name.startswith("single_transformer_blocks.")]
    key = lambda name: int(name.split(".")[1])  # noqa: E731
    return sorted(double, key=key) + sorted(single, key=key)


def install(model, grounding: Grounding) -> int:
    """Give every attention layer of `model` its regional processor; returns the layer count."""
    layers = attention_layers(model)
    model.set_attn_processor({name: RegionalFluxAttnProcessor(grounding, index) for index, name in enumerate(layers)})
    return len(layers)
