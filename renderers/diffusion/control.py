"""Control images for ControlNet: the OpenPose drawing of a scene's posed instances, as a tensor."""

from __future__ import annotations

import numpy as np
import torch
from PIL import Image

from scenes.model import Scene
from scenes.openpose import draw_skeletons


def posed_keypoints(scene: Scene) -> list[tuple[int, list[tuple[float, float, float]]]]:
    """(instance index, keypoints) for every instance with a pose."""
    out = []
    for index, instance in enumerate(scene.instances):
        keypoints = instance.keypoints(scene.aspect)
        if keypoints is not None:
            out.append((index, keypoints))
    return out


def pose_control_image(scene: Scene) -> Image.Image | None:
    """All posed instances drawn into one OpenPose image at the canvas size, or None without poses."""
    people = [keypoints for _, keypoints in posed_keypoints(scene)]
    return draw_skeletons(people, scene.width, scene.height) if people else None


def control_tensor(image: Image.Image, *, batch: int, device, dtype) -> torch.Tensor:
    """(batch, 3, H, W) in [0, 1], the range ControlNet-OpenPose was trained on (not [-1, 1])."""
    array = np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0
    tensor = torch.from_numpy(array).permute(2, 0, 1).unsqueeze(0)
    return tensor.expand(batch, -1, -1, -1).to(device=device, dtype=dtype)
