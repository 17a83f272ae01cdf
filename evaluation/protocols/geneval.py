"""GenEval (djghosh13/geneval evaluation/evaluate_images.py): counts, colours and positions per prompt."""

from __future__ import annotations

from typing import Any

import numpy as np
from PIL import Image

from ..evaluators.base import Detection, Evaluators
from ..geometry import geneval_relations
from .base import Metric, Protocol, Sample, Scored, crop, detection_record

THRESHOLD = 0.3
COUNTING_THRESHOLD = 0.9
MAX_OBJECTS = 16
POSITION_MARGIN = 0.1
COLORS = ("red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white")
TEMPLATES = ("a photo of a {c} {cls}", "a photo of a {c}-colored {cls}", "a photo of a {c} object")


def objects_of(found: list[Detection], threshold: float) -> list[Detection]:
    """GenEval's per-class selection: score above the threshold, by descending score, at most 16, no NMS."""
    kept = sorted((d for d in found if d.score > threshold), key=lambda d: -d.score)
    return kept[:MAX_OBJECTS]


def evaluate(truth: dict[str, Any], objects: dict[str, list[Detection]],
             colours_of) -> tuple[bool, list[str], list[dict[str, Any]]]:
    """GenEval's `evaluate`: (correct, reasons, one record per clause). `colours_of(boxes, cls)` classifies
    the colour of each box. Colour and position are judged on the `count` most confident objects only."""
    correct, reasons, clauses, matched_groups = True, [], [], []
    for req in truth.get("include", []):
        cls, count = req["class"], req["count"]
        found = objects.get(cls, [])[:count]
        record: dict[str, Any] = {"clause": "include", "class": cls, "count": count, "found": len(found),
                                  "colour": req.get("color"), "position": req.get("position")}
        matched = True
        if len(found) < count:
            matched = False
            reasons.append(f"expected {cls}>={count}, found {len(found)}")
        else:
            if "color" in req:
                colours = colours_of(found, cls)
                record["colours"] = colours
                if colours.count(req["color"]) < count:
                    matched = False
                    reasons.append(f"expected {req['color']} {cls}>={count}, found {colours.count(req['color'])} "
                                   f"{req['color']}")
            if "position" in req and matched:
                relation, target = req["position"]
                if matched_groups[target] is None:
                    matched = False
                    reasons.append(f"no target for {cls} to be {relation}")
                else:
                    for obj in found:
                        for other in matched_groups[target]:
                            relations = geneval_relations(obj.box, other.box, POSITION_MARGIN)
                            if relation not in relations:
                                matched = False
                                reasons.append(f"expected {cls} {relation} target, found "
                                               f"{' and '.join(sorted(relations))} target")
                                break
                        if not matched:
                            break
        correct = correct and matched
        matched_groups.append(found if matched else None)
        record["ok"] = matched
        record["top"] = found[0] if found else None
        clauses.append(record)
    for req in truth.get("exclude", []):
        cls, count = req["class"], req["count"]
        present = objects.get(cls, [])
        ok = len(present) < count
        if not ok:
            correct = False
            reasons.append(f"expected {cls}<{count}, found {len(present)}")
        clauses.append({"clause": "exclude", "class": cls, "count": count, "found": len(present), "ok": ok,
                        "top": present[0] if present else None})
    return correct, reasons, clauses


class GenEvalProtocol(Protocol):
    name = "geneval"
    title = "GenEval: object, count, colour and position correctness per image"
    roles = {"detector": "IDEA-Research/grounding-dino-tiny", "clip": "openai/clip-vit-large-patch14"}
    references = {"detector": "mmdet Mask2Former Swin-S (mask2former_swin-s-p4-w7-224_lsj_8x2_50e_coco)"}
    thresholds = {"threshold": THRESHOLD, "counting_threshold": COUNTING_THRESHOLD, "max_objects": MAX_OBJECTS,
                  "nms": "off (max_overlap 1.0)", "position_margin": POSITION_MARGIN, "colours": list(COLORS),
                  "colour_templates": list(TEMPLATES)}
    needs = "truth"
    notes = ("GenEval's detector (mmdet Mask2Former Swin-S over the 80 COCO classes) is not in transformers: "
             "deig queries an open-vocabulary detector with each class of the prompt. Numbers are not "
             "comparable to published GenEval until a calibration run (SD1.5: 0.43 overall).",
             "Without masks, the colour classifier sees the box crop (GenEval's own path when no mask exists), "
             "not the mask over #999 grey.")

    def __init__(self) -> None:
        self._classifiers: dict[str, np.ndarray] = {}

    def _classifier(self, clip, cls: str) -> np.ndarray:
        """The zero-shot colour classifier of a class: per colour, the normalised mean of its 3 templates."""
        if cls not in self._classifiers:
            rows = []
            for colour in COLORS:
                features = clip.text_features([t.format(c=colour, cls=cls) for t in TEMPLATES])
                mean = features.mean(axis=0)
                rows.append(mean / np.linalg.norm(mean))
            self._classifiers[cls] = np.stack(rows)
        return self._classifiers[cls]

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        truth = sample.item.truth
        threshold = COUNTING_THRESHOLD if sample.item.tag == "counting" else THRESHOLD
        detector = evaluators.require("detector")
        classes = list(dict.fromkeys(r["class"] for r in truth.get("include", []) + truth.get("exclude", [])))
        objects = {cls: objects_of(detector.detect(image, [cls], threshold=threshold), threshold) for cls in classes}
        objects = {cls: found for cls, found in objects.items() if found}
        clip = evaluators.clip

        def colours_of(found: list[Detection], cls: str) -> list[str]:
            features = clip.image_features([crop(image, d.box) for d in found])
            return [COLORS[int(i)] for i in (features @ self._classifier(clip, cls).T).argmax(axis=1)]

        correct, reasons, clauses = evaluate(truth, objects, colours_of)
        scored = Scored({"tag": sample.item.tag, "ok": correct, "reason": "; ".join(reasons),
                         "detected": {cls: [detection_record(d) for d in found] for cls, found in objects.items()}})
        for index, clause in enumerate(clauses):
            top = clause.pop("top")
            clause.update({"index": index, "name": clause["class"],
                           "caption": " ".join(str(p) for p in (clause["clause"], clause.get("count"),
                                                                clause.get("colour") or "", clause["class"]) if p)})
            clause["detection"] = detection_record(top) if top else None
            scored.instances.append(clause)
            scored.crops.append(crop(image, top.box) if top else None)
        return scored

    def metrics(self) -> list[Metric]:
        tag = lambda r: r["tag"]  # noqa: E731
        return [
            Metric("overall", "overall (mean of the task means)", "image", lambda r: r["ok"], group=tag),
            Metric("by_tag", "task score", "image", lambda r: r["ok"], group=tag, headline=False),
            Metric("images_correct", "images correct (all tasks pooled)", "image", lambda r: r["ok"]),
            Metric("prompts_correct", "prompts correct (any of its images)", "image", lambda r: r["ok"],
                   combine="any"),
        ]
