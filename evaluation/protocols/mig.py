"""COCO-MIG / MIG-Bench (LeyRio/MIG_Bench eval_mig.py): ISR and mIoU with SAM + HSV colour ranges."""

from __future__ import annotations

import numpy as np
from PIL import Image

from ..benchmarks import Item, Target
from ..colour import MIG_RANGES, colour_fraction, colour_passes
from ..evaluators.base import Evaluators
from .base import Metric, Protocol, Sample, Scored, crop, detection_record
from .boxes import BOX_THRESHOLD, IOU_PASS, NMS_IOU, TEXT_THRESHOLD, at_side, locate


def colour_of(target: Target) -> str | None:
    """MIG's colour is the label's second word; for deig's own scenes, the first MIG colour in the caption."""
    if "colour" in target.meta:
        return target.meta["colour"]
    for word in target.caption.lower().replace(",", " ").split():
        if word in MIG_RANGES:
            return word
    return None


def decide(found: bool, iou: float, fraction: float | None) -> tuple[int, int, float]:
    """MIG's (obj, attr, miou): no detection -> (0, 0, 0); IoU < 0.5 -> (0, 0, IoU) (the sub-threshold IoU
    still counts in mIoU); a failed colour check or an empty mask -> (1, 0, 0); else (1, 1, IoU)."""
    if not found:
        return 0, 0, 0.0
    if iou < IOU_PASS:
        return 0, 0, iou
    if fraction is None or not colour_passes(fraction):
        return 1, 0, 0.0
    return 1, 1, iou


class MigProtocol(Protocol):
    name = "mig"
    title = "COCO-MIG (MIG-Bench): instance success rate and mIoU"
    roles = {"detector": "IDEA-Research/grounding-dino-tiny", "segmenter": "facebook/sam-vit-huge"}
    thresholds = {"box_threshold": BOX_THRESHOLD, "text_threshold": TEXT_THRESHOLD, "nms_iou": NMS_IOU,
                  "iou_pass": IOU_PASS, "colour_fraction": 0.2, "image_side": 512}
    needs = "targets"
    notes = ("GroundingDINO-tiny in transformers is the converted SwinT-OGC checkpoint MIG uses.",
             "Images are resized to 512x512 with PIL bilinear (MIG: cv2 INTER_LINEAR).")

    def check(self, item: Item, targets: tuple[Target, ...]) -> str | None:
        problem = super().check(item, targets)
        if problem is None and not all(colour_of(t) for t in targets):
            return "an instance without a colour word (MIG checks one colour per instance)"
        return problem

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        image = at_side(image)
        pixels = np.asarray(image)
        level = len(sample.targets)  # MIG's levels L2-L6 are the number of instances
        scored = Scored({"tag": f"L{level}", "level": level})
        for index, target in enumerate(sample.targets):
            located = locate(evaluators.require("detector"), image, target)
            colour = colour_of(target)
            fraction = None
            if located.box_ok and colour in MIG_RANGES:
                mask = evaluators.require("segmenter").mask(image, located.truth)
                fraction = colour_fraction(pixels, mask, colour)
            obj, attr, miou = decide(located.found, located.iou, fraction)
            scored.instances.append({
                "index": index, "level": level, "name": target.name, "caption": target.caption, "colour": colour,
                "box": list(target.box), "detections": [detection_record(d) for d in located.detections],
                "iou": located.iou, "box_ok": bool(obj), "colour_fraction": fraction, "attr_ok": bool(attr),
                "miou": miou, "ok": bool(obj and attr)})
            scored.crops.append(crop(image, located.truth))
        scored.image["ok"] = all(r["ok"] for r in scored.instances)
        return scored

    def metrics(self) -> list[Metric]:
        level = lambda r: f"L{r['level']}"  # noqa: E731
        return [
            Metric("isr", "ISR (instance success rate)", "instance", lambda r: r["ok"]),
            Metric("miou", "mIoU", "instance", lambda r: r["miou"], kind="score"),
            Metric("image_success", "image success ratio", "image", lambda r: r["ok"]),
            Metric("isr_by_level", "ISR by level", "instance", lambda r: r["ok"], group=level, headline=False),
            Metric("miou_by_level", "mIoU by level", "instance", lambda r: r["miou"], group=level, kind="score",
                   headline=False),
        ]
