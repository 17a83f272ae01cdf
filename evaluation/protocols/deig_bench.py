"""DEIG-Bench (dushy5/DEIG eval/eval_deigbench.py): a VLM judge answers yes/no on the truth-box crop."""

from __future__ import annotations

from PIL import Image

from ..evaluators.base import Evaluators
from ..scoring import DEIG_JUDGE_TEMPLATE, deig_yes, yes_any_case
from .base import Metric, Protocol, Sample, Scored, crop, detection_record
from .boxes import BOX_THRESHOLD, IOU_PASS, NMS_IOU, TEXT_THRESHOLD, at_side, locate


class DeigBenchProtocol(Protocol):
    name = "deig-bench"
    title = "DEIG-Bench: multi-attribute accuracy (MAA) with a VLM judge"
    roles = {"detector": "IDEA-Research/grounding-dino-tiny", "judge": "Qwen/Qwen2.5-VL-7B-Instruct"}
    thresholds = {"box_threshold": BOX_THRESHOLD, "text_threshold": TEXT_THRESHOLD, "nms_iou": NMS_IOU,
                  "iou_pass": IOU_PASS, "image_side": 512, "judge_rule": "'yes' in answer (case-sensitive)",
                  "judge_prompt": DEIG_JUDGE_TEMPLATE}
    needs = "targets"
    notes = ("The judge's rule is DEIG's case-sensitive `\"yes\" in answer`; 'Yes' fails. The case-insensitive "
             "variant is reported beside it, labelled.",
             "Unlike MIG, a failed attribute does not zero the instance's IoU.")

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        image = at_side(image)
        scored = Scored({"tag": "deig-bench"})
        for index, target in enumerate(sample.targets):
            located = locate(evaluators.require("detector"), image, target)
            piece = crop(image, located.truth)
            answer = None
            if located.box_ok:
                answer = evaluators.require("judge").answer(piece, DEIG_JUDGE_TEMPLATE.format(target.caption))
            attr = answer is not None and deig_yes(answer)
            attr_any = answer is not None and yes_any_case(answer)
            scored.instances.append({
                "index": index, "name": target.name, "caption": target.caption, "box": list(target.box),
                "group": target.meta.get("group"), "detections": [detection_record(d) for d in located.detections],
                "iou": located.iou, "box_ok": located.box_ok, "answer": answer, "attr_ok": attr,
                "attr_ok_any_case": attr_any, "miou": located.iou if located.found else 0.0,
                "ok": bool(located.box_ok and attr), "ok_any_case": bool(located.box_ok and attr_any)})
            scored.crops.append(piece)
        scored.image["ok"] = all(r["ok"] for r in scored.instances)
        return scored

    def metrics(self) -> list[Metric]:
        person = lambda r: str(r.get("group") or "").startswith("C")  # noqa: E731
        thing = lambda r: str(r.get("group") or "").startswith("L")  # noqa: E731
        return [
            Metric("maa_human", "MAA human (person colour accuracy)", "instance", lambda r: r["ok"], where=person),
            Metric("maa_obj", "MAA object (description strategy accuracy)", "instance", lambda r: r["ok"], where=thing),
            Metric("instance_success", "instance success rate (all instances)", "instance", lambda r: r["ok"]),
            Metric("miou", "mIoU", "instance", lambda r: r["miou"], kind="score"),
            Metric("image_success", "image success ratio", "image", lambda r: r["ok"]),
            Metric("instance_success_any_case", "instance success, judge 'yes' in any case (not DEIG's rule)",
                   "instance", lambda r: r["ok_any_case"]),
            Metric("maa_by_group", "MAA by group (C1-C3 people, L1-L4 objects)", "instance", lambda r: r["ok"],
                   where=lambda r: r.get("group") is not None, group=lambda r: r.get("group"), headline=False),
        ]
