"""The joint-attention mask of a grounded FLUX step: who may attend to whom in `[text; image]`.

The text stream is `[global caption | instance 1 | … | instance N | background]`, each instance's
caption encoded on its own with real tokens only, so its length is its own. Rows are queries,
columns keys, True means "may attend":

- the global caption's tokens attend to themselves and to every image token;
- an instance's tokens attend to themselves and to the image tokens of its region;
- the background caption (when there is one) to itself and the image tokens outside every region;
- an image token attends to the global caption, to the caption of every instance whose region covers
  it (the background caption outside all regions), and to the image tokens: all of them, or, with
  image binding, only those of the same region group (the front-most instance covering it, or the
  background), which keeps one instance's look from flowing into another's in the layers chosen.

Everything here is plain torch on small boolean tensors; no weights are involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from scenes.depth import front_to_back
from scenes.geometry import box_mask
from scenes.model import Scene


@dataclass(frozen=True)
class TextSegments:
    """Token counts of the text stream: the global caption, each instance, the background (0: none)."""

    global_tokens: int
    instance_tokens: tuple[int, ...]
    background_tokens: int = 0

    @property
    def total(self) -> int:
        return self.global_tokens + sum(self.instance_tokens) + self.background_tokens

    def spans(self) -> list[tuple[int, int]]:
        """[start, end) of each instance's tokens in the text stream."""
        out, start = [], self.global_tokens
        for count in self.instance_tokens:
            out.append((start, start + count))
            start += count
        return out

    @property
    def background_span(self) -> tuple[int, int]:
        start = self.global_tokens + sum(self.instance_tokens)
        return start, start + self.background_tokens


def token_regions(scene: Scene, grid_h: int, grid_w: int) -> np.ndarray:
    """(N, grid_h * grid_w) booleans: which image tokens each instance's box covers (hard edges)."""
    if not scene.instances:
        return np.zeros((0, grid_h * grid_w), dtype=bool)
    return np.stack([box_mask(instance.box, grid_h, grid_w) > 0.5 for instance in scene.instances]).reshape(
        len(scene.instances), -1
    )


def region_groups(regions: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """Each image token's group: the front-most instance covering it (index), or -1 for the background."""
    groups = np.full(regions.shape[1], -1, dtype=np.int64)
    for index in reversed(list(order)):  # farthest first, so nearer instances overwrite
        groups[regions[index]] = index
    return groups


def joint_mask(segments: TextSegments, regions: np.ndarray, *, bind_images: bool, order: Sequence[int]):
    """The (S, S) boolean mask over `[text; image]`, S = text tokens + image tokens."""
    import torch

    count, image_tokens = regions.shape
    if count != len(segments.instance_tokens):
        raise ValueError(f"{count} regions for {len(segments.instance_tokens)} instance captions")
    text = segments.total
    size = text + image_tokens
    mask = np.zeros((size, size), dtype=bool)
    images = slice(text, size)
    covered = regions.any(axis=0)

    g = segments.global_tokens
    mask[:g, :g] = True
    mask[:g, images] = True
    mask[images, :g] = True
    for (start, end), region in zip(segments.spans(), regions, strict=True):
        mask[start:end, start:end] = True
        mask[start:end, text:][:, region] = True
        mask[text:, start:end][region, :] = True
    if segments.background_tokens:
        start, end = segments.background_span
        outside = ~covered
        mask[start:end, start:end] = True
        mask[start:end, text:][:, outside] = True
        mask[text:, start:end][outside, :] = True
    if bind_images:
        groups = region_groups(regions, order)
        mask[images, images] = groups[:, None] == groups[None, :]
    else:
        mask[images, images] = True
    return torch.from_numpy(mask)


def scene_masks(scene: Scene, segments: TextSegments, grid_h: int, grid_w: int):
    """(text-bound mask, text-and-image-bound mask) for a scene, both (1, 1, S, S) booleans."""
    regions = token_regions(scene, grid_h, grid_w)
    order = front_to_back(scene.instances)
    free = joint_mask(segments, regions, bind_images=False, order=order)
    bound = joint_mask(segments, regions, bind_images=True, order=order)
    return free[None, None], bound[None, None]
