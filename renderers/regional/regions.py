"""Instance regions at every attention resolution: soft box masks, or skeleton masks for posed people.

A box becomes a mask with soft edges (a ramp `feather` cells wide centred on the box edge, in the
cells of the layer it is used at). A posed instance's region is its drawn OpenPose skeleton,
widened by a fraction of the person's height (limbs are lines; the body around them is not) and
blurred, kept at a quarter of the canvas resolution and area-averaged down to each layer. The
background is what no instance fully covers: 1 - max_i mask_i. Masks are computed once per layer
resolution and cached.

Where regions overlap, `shares` splits the covered part between them by depth: an instance is
dimmed by each soft mask in front of it (by OCCLUSION of that mask), so the one in front weighs
more and an instance alone in its region keeps its whole mask.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from scenes.geometry import box_mask, dilate, gaussian_blur, max_downsample
from scenes.model import Scene
from scenes.openpose import draw_skeleton

# Where a region lies behind another's mask, its weight there is scaled by (1 - OCCLUSION * mask):
# two full overlaps split 2:1 in favour of the front one.
OCCLUSION = 0.5
# Skeleton masks are built at 1/POSE_GRID of the canvas side: fine enough for the finest layer (1/8).
POSE_GRID = 4
POSE_BLUR_SIGMA = 1.0  # in POSE_GRID cells


def layer_size(tokens: int, latent_hw: tuple[int, int]) -> tuple[int, int]:
    """The (h, w) of a UNet layer with `tokens` image tokens: SD downsamples by 2, rounding up."""
    h, w = latent_hw
    while h * w > tokens:
        h, w = math.ceil(h / 2), math.ceil(w / 2)
    if h * w != tokens:
        raise RuntimeError(f"an attention layer has {tokens} image tokens, which matches no resolution of the "
                           f"{latent_hw[0]}x{latent_hw[1]} latent")
    return h, w


def skeleton_mask(keypoints, width: int, height: int, *, dilation: float) -> np.ndarray:
    """(height/4, width/4) soft mask around one person's drawn skeleton."""
    drawn = np.asarray(draw_skeleton(keypoints, width, height)).max(axis=2) > 0
    coarse = max_downsample(drawn.astype(np.float32), POSE_GRID)
    ys = [y for _, y, c in keypoints if c > 0]
    person_cells = max((max(ys) - min(ys)) * height / POSE_GRID, 1.0)
    kernel = max(1, round(dilation * person_cells))
    kernel += 1 - kernel % 2  # odd
    return np.clip(gaussian_blur(dilate(coarse, kernel), POSE_BLUR_SIGMA), 0.0, 1.0)


class RegionMasks:
    """The regions of one scene layout (boxes and poses on a canvas), at any layer resolution."""

    def __init__(self, scene: Scene, *, feather: float, pose_dilation: float):
        from scenes.depth import front_to_back

        self.boxes = [instance.box for instance in scene.instances]
        self.front_to_back = front_to_back(scene.instances)
        self.feather = feather
        self.pose_maps: dict[int, torch.Tensor] = {}
        for index, instance in enumerate(scene.instances):
            keypoints = instance.keypoints(scene.aspect)
            if keypoints is not None:
                grid = skeleton_mask(keypoints, scene.width, scene.height, dilation=pose_dilation)
                self.pose_maps[index] = torch.from_numpy(grid)[None, None]
        self._cache: dict[tuple[int, int], np.ndarray] = {}
        self._shares: dict[tuple[int, int], np.ndarray] = {}

    @property
    def count(self) -> int:
        return len(self.boxes)

    def at(self, h: int, w: int) -> np.ndarray:
        """(instances, h, w) masks in [0, 1]."""
        key = (h, w)
        if key not in self._cache:
            masks = np.zeros((self.count, h, w), dtype=np.float32)
            for index, box in enumerate(self.boxes):
                if index in self.pose_maps:
                    masks[index] = F.adaptive_avg_pool2d(self.pose_maps[index], (h, w))[0, 0].numpy()
                else:
                    masks[index] = box_mask(box, h, w, feather=self.feather)
            self._cache[key] = masks
        return self._cache[key]

    def shares(self, h: int, w: int) -> np.ndarray:
        """(instances + 1, h, w) depth-blended weights of the instances and the background."""
        key = (h, w)
        if key not in self._shares:
            self._shares[key] = _depth_shares(self.at(h, w), self.front_to_back)
        return self._shares[key]

    def background_at(self, h: int, w: int) -> np.ndarray:
        masks = self.at(h, w)
        if not len(masks):
            return np.ones((h, w), dtype=np.float32)
        return np.clip(1.0 - masks.max(axis=0), 0.0, 1.0)


def layout_key(scene: Scene, feather: float, pose_dilation: float) -> tuple:
    """What decides a scene's masks (not its captions): the key for reusing RegionMasks."""

    def pose(instance) -> tuple | None:
        keypoints = instance.keypoints(scene.aspect)
        return None if keypoints is None else tuple(tuple(row) for row in keypoints)

    return (scene.width, scene.height, feather, pose_dilation,
            tuple((instance.box, pose(instance)) for instance in scene.instances))


def _depth_shares(masks: np.ndarray, order: list[int]) -> np.ndarray:
    """(instances + 1, h, w): each instance's share of its cells, then the background's; sums to 1."""
    covered = masks.max(axis=0) if len(masks) else np.zeros(masks.shape[1:], dtype=np.float32)
    raw = np.zeros_like(masks)
    in_front = np.ones(masks.shape[1:], dtype=np.float32)
    for index in order:  # nearest first
        raw[index] = masks[index] * in_front
        in_front = in_front * (1.0 - OCCLUSION * masks[index])
    total = raw.sum(axis=0)
    scale = np.divide(covered, total, out=np.zeros_like(total), where=total > 0)
    return np.concatenate([raw * scale, (1.0 - covered)[None]]).astype(np.float32)
