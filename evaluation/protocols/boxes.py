"""The shared first half of MIG and DEIG-Bench: detect the category, NMS, best IoU with the truth box."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from ..benchmarks import Target
from ..evaluators.base import Detection, Detector
from ..geometry import best_iou, nms, to_pixels

BOX_THRESHOLD = 0.25
TEXT_THRESHOLD = 0.25
NMS_IOU = 0.8
IOU_PASS = 0.5
SIDE = 512  # MIG and DEIG resize every image to 512x512 before scoring


@dataclass(frozen=True)
class Located:
    truth: tuple[float, float, float, float]  # pixels
    detections: list[Detection]
    iou: float

    @property
    def found(self) -> bool:
        return bool(self.detections)

    @property
    def box_ok(self) -> bool:
        return self.found and self.iou >= IOU_PASS


def at_side(image: Image.Image) -> Image.Image:
    """MIG/DEIG: an image whose height is not 512 is resized to 512x512 (cv2 bilinear; PIL's here)."""
    return image if image.height == SIDE else image.resize((SIDE, SIDE), Image.BILINEAR)


def locate(detector: Detector, image: Image.Image, target: Target) -> Located:
    truth = to_pixels(target.box, image.width, image.height)
    found = detector.detect(image, [target.name], threshold=BOX_THRESHOLD, text_threshold=TEXT_THRESHOLD)
    kept = [found[i] for i in nms([d.box for d in found], [d.score for d in found], NMS_IOU)]
    return Located(truth, kept, best_iou([d.box for d in kept], truth))
