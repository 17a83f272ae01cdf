"""Instance masks for FineControlNet: one soft region per instance, at the latent resolution.

A posed instance's region grows out of its own drawn skeleton (spec §6.4): every pixel the drawing
touches, dilated once with a square kernel whose side follows from the image's short side
(short // 8, made odd: 512 -> 65, 768 -> 97), blurred with a Gaussian of σ = 1 (kernel size by
OpenCV's rule for float images, geometry.gaussian_kernel_size: 9), then averaged over 8 x 8 blocks
down to the latent. An instance without a pose
has no skeleton to grow from: its box (rasterised at full size, blurred and averaged the same way)
is its region, and it gets no control image.

Everything here is NumPy and Pillow: masks are computed once per layout, before any model runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from scenes.geometry import area_downsample, box_mask, dilate, gaussian_blur
from scenes.model import Scene
from scenes.openpose import draw_skeleton

BLUR_SIGMA = 1.0
# Softmax temperature of the soft weight maps (used by `weights.py`; kept here, where torch is not needed).
MASK_TEMPERATURE = 0.001


def dilation_kernel(short_side: int) -> int:
    """Side of the square dilation kernel: short_side // 8, plus one when that is even."""
    size = short_side // 8
    return size + 1 if size % 2 == 0 else size


@dataclass(frozen=True)
class InstanceMasks:
    """Per-instance regions and control images of one scene layout."""

    masks: np.ndarray  # (N, h, w) float32 in [0, 1], latent resolution
    controls: list[Image.Image | None]  # instance n's own skeleton on black, or None without a pose
    dilation: int  # the kernel side used for skeletons

    @property
    def posed(self) -> list[int]:
        return [index for index, control in enumerate(self.controls) if control is not None]


def skeleton_region(control: Image.Image, kernel: int) -> np.ndarray:
    """1 where the drawing has any non-zero channel, grown by a square max filter of side `kernel`."""
    drawn = (np.asarray(control.convert("RGB")).max(axis=2) > 0).astype(np.float32)
    return dilate(drawn, kernel)


def soften(region: np.ndarray, factor: int, sigma: float) -> np.ndarray:
    """Blur a full-size region and average it down to the latent grid."""
    blurred = gaussian_blur(region, sigma) if sigma > 0 else region
    return area_downsample(blurred, factor)


def instance_masks(scene: Scene, *, factor: int = 8, dilation: int | None = None,
                   blur_sigma: float = BLUR_SIGMA) -> InstanceMasks:
    """Regions and control images for every instance of a complete scene, in instance order.

    `dilation` None: from the short side of the canvas (the reference's `image_resolution`).
    """
    width, height = scene.width, scene.height
    kernel = dilation if dilation is not None else dilation_kernel(min(width, height))
    masks, controls = [], []
    for instance in scene.instances:
        keypoints = instance.keypoints(scene.aspect)
        control = draw_skeleton(keypoints, width, height) if keypoints is not None else None
        region = skeleton_region(control, kernel) if control is not None else None
        if region is None or not region.any():
            # No pose (or one drawn entirely off the canvas): the box is the region, no control.
            region, control = box_mask(instance.box, height, width), None
        masks.append(soften(region, factor, blur_sigma))
        controls.append(control)
    stacked = np.stack(masks) if masks else np.zeros((0, height // factor, width // factor), np.float32)
    return InstanceMasks(masks=stacked.astype(np.float32), controls=controls, dilation=kernel)


def regions_image(weights: np.ndarray, width: int, height: int, names: list[str] | None = None) -> Image.Image:
    """Who owns what: each latent pixel in the weighted mix of its branches' colours, at canvas size.

    Instance n has the preview renderer's colour n, so the picture reads like `--dry-run`'s boxes;
    with `names`, a legend strip below says which colour is which instance.
    """
    from renderers.preview import PALETTE

    if names is not None:
        from renderers.labels import with_legend

        plain = regions_image(weights, width, height)
        entries = [(PALETTE[n % len(PALETTE)], f"{n}: {name}") for n, name in enumerate(names)]
        if len(names) > 1:  # the background is every branch's equal share: the mean colour
            mean = tuple(round(sum(c[i] for c, _ in entries) / len(entries)) for i in range(3))
            entries.append((mean, "background: shared"))
        return with_legend(plain, entries)

    colours = np.array([PALETTE[n % len(PALETTE)] for n in range(weights.shape[0])], dtype=np.float32)
    mixed = np.einsum("nhw,nc->hwc", weights.astype(np.float32), colours)
    small = Image.fromarray(np.clip(mixed.round(), 0, 255).astype(np.uint8))
    return small.resize((width, height), Image.Resampling.NEAREST)
