"""Identity routing: each instance's IP-Adapter image tokens reach its own region only, at its own scale.

In every UNet cross-attention layer that has IP-Adapter weights, the processor adds, per routed
instance j, `scale_j * mask_j * attention(q, to_k_ip(tokens_j), to_v_ip(tokens_j))` to the text
attention (as diffusers' IPAdapterAttnProcessor2_0 adds its unmasked term), before the output
projection. `mask_j` is the instance's identity area at the layer's resolution: the fraction of
each cell inside it, so it is exactly zero outside (an instance's reference changes nothing there).
The area is the face for `identity: face` when the instance has a pose with head keypoints (an
ellipse around nose, eyes and ears, sized by the head), else the instance's box.

The negative rows of classifier-free guidance attend to the negative image tokens, as in diffusers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from scenes.model import Instance, Scene
from scenes.references import default_identity

from .attend import attention_of
from .regions import layer_size

HEAD_KEYPOINTS = (0, 14, 15, 16, 17)  # COCO-18: nose, right/left eye, right/left ear
NECK = 1
SUPERSAMPLE = 4  # samples per cell side when an ellipse is rasterised


@dataclass(frozen=True)
class Area:
    """Where an identity goes, in canvas fractions: a box, or an ellipse (centre and radii)."""

    kind: str  # "box" or "face"
    box: tuple[float, float, float, float]
    ellipse: tuple[float, float, float, float] | None = None

    def mask(self, h: int, w: int) -> np.ndarray:
        """(h, w) fraction of each cell inside the area; exactly 0 where none of it is."""
        if self.ellipse is None:
            return np.outer(_coverage(self.box[1], self.box[3], h), _coverage(self.box[0], self.box[2], w))
        cx, cy, rx, ry = self.ellipse
        ys = (np.arange(h * SUPERSAMPLE) + 0.5) / (h * SUPERSAMPLE)
        xs = (np.arange(w * SUPERSAMPLE) + 0.5) / (w * SUPERSAMPLE)
        inside = ((xs[None, :] - cx) / rx) ** 2 + ((ys[:, None] - cy) / ry) ** 2 <= 1.0
        return inside.reshape(h, SUPERSAMPLE, w, SUPERSAMPLE).mean(axis=(1, 3)).astype(np.float32)


def _coverage(start: float, end: float, cells: int) -> np.ndarray:
    edges = np.arange(cells + 1) / cells
    return np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], start), 0.0, None) * cells


def identity_area(instance: Instance, scene: Scene) -> Area:
    box = instance.box
    assert box is not None  # a rendered scene is complete
    if default_identity(instance) != "face" or instance.pose is None:
        return Area("box", box)
    ellipse = face_ellipse(instance.keypoints(scene.aspect) or [], scene.aspect)
    return Area("face", box, ellipse) if ellipse is not None else Area("box", box)


def face_ellipse(keypoints, aspect: float) -> tuple[float, float, float, float] | None:
    """(cx, cy, rx, ry) in canvas fractions around the head keypoints; None without any.

    The head's size is the larger of the ear (or eye) span and the nose-neck distance; the face
    is a little taller than wide. Distances are measured in pixels-alike units (x scaled by aspect).
    """
    head = [(keypoints[i][0], keypoints[i][1]) for i in HEAD_KEYPOINTS if keypoints[i][2] > 0]
    if not head:
        return None
    cx, cy = sum(x for x, _ in head) / len(head), sum(y for _, y in head) / len(head)
    span = max((math.hypot((a[0] - b[0]) * aspect, a[1] - b[1]) for a in head for b in head), default=0.0)
    if keypoints[NECK][2] > 0:
        span = max(span, 1.4 * math.hypot((keypoints[NECK][0] - cx) * aspect, keypoints[NECK][1] - cy))
    radius = max(span * 0.75, 0.03)
    return cx, cy, radius / aspect, radius * 1.25


@dataclass
class RoutedIdentity:
    instance: int
    tokens: torch.Tensor  # (rows, T, D): the negative rows first when guided
    scale: float
    area: Area
    adapter: int = 0  # which loaded adapter's projections (subject, face) attend to the tokens


class IdentityState:
    """The routed identities of one batch, with their masks per layer resolution (cached)."""

    def __init__(self, routed: list[RoutedIdentity], latent_hw: tuple[int, int]):
        self.routed, self.latent_hw = routed, latent_hw
        self._masks: dict[tuple, torch.Tensor] = {}

    def masks(self, tokens: int, device, dtype) -> torch.Tensor:
        """(tokens, identities) area fractions of every image token."""
        key = (tokens, str(device), dtype)
        if key not in self._masks:
            h, w = layer_size(tokens, self.latent_hw)
            columns = [torch.from_numpy(r.area.mask(h, w).reshape(-1)) for r in self.routed]
            self._masks[key] = torch.stack(columns, dim=1).to(device=device, dtype=dtype)
        return self._masks[key]

    def support(self, tokens: int, column: int, device) -> torch.Tensor:
        """Indices of the image tokens identity `column` reaches (its mask is zero elsewhere)."""
        key = ("support", tokens, column, str(device))
        if key not in self._masks:
            h, w = layer_size(tokens, self.latent_hw)
            mask = torch.from_numpy(self.routed[column].area.mask(h, w).reshape(-1))
            self._masks[key] = torch.nonzero(mask > 0).flatten().to(device)
        return self._masks[key]

    def term(self, attn, query: torch.Tensor, layer) -> torch.Tensor | None:
        """Σ_j scale_j * mask_j * attention(query, instance j's image tokens), or None if nothing is routed.

        `layer` holds this layer's (to_k_ip, to_v_ip) of every loaded adapter. Only the queries inside
        an identity's area attend to its tokens: the cost follows the area, and outside it nothing is
        added at all."""
        masks = self.masks(query.shape[1], query.device, query.dtype)
        total = None
        for column, routed in enumerate(self.routed):
            inside = self.support(query.shape[1], column, query.device)
            if routed.scale == 0 or inside.numel() == 0:
                continue
            tokens = routed.tokens.to(device=query.device, dtype=query.dtype)
            to_k_ip, to_v_ip = layer[routed.adapter]
            out = attention_of(attn, query[:, inside], to_k_ip(tokens), to_v_ip(tokens), None)
            total = torch.zeros_like(query) if total is None else total
            total.index_add_(1, inside, routed.scale * out * masks[inside, column][None, :, None])
        return total


def batch_tokens(positive: torch.Tensor, negative: torch.Tensor, batch: int, guided: bool) -> torch.Tensor:
    """One identity's tokens for every row of a UNet call: [negative x batch; positive x batch] when guided."""
    rows = [negative] * batch + [positive] * batch if guided else [positive] * batch
    return torch.cat(rows)
