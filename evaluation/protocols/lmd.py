"""The LMD benchmark (LLM-groundedDiffusion scripts/owl_vit_eval.py, utils/eval/*): OWL-ViT predicates.

The prompt text decides everything, as in LMD's `get_eval_info_from_prompt_lmd`: which queries the
detector gets ("a photo of a dog"), and which predicate the detected boxes must satisfy. Detections
are named by their query text; `count` and `get_box` match query names as substrings of those texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from PIL import Image

from ..evaluators.base import Detection, Evaluators
from ..geometry import lmd_class_aware_nms, lmd_location_holds
from .base import Metric, Protocol, Sample, Scored, crop, detection_record

SCORE_THRESHOLD = 0.15
NMS_THRESHOLD = 0.15
NUMBERS = {word: n for n, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split()) if n}
LOCATIONS = ("on the left", "on the right", "on the top", "on the bottom")


def singular(noun: str) -> str:
    """Enough of inflect's `singular_noun` for LMD's classes (backpacks, bowls, laptops, ...)."""
    for plural, single in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if noun.endswith(plural):
            return noun[: -len(plural)] + single
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def article(noun: str) -> str:
    """inflect's `a()` for plain nouns: 'an' before a vowel letter."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


@dataclass(frozen=True)
class LmdTask:
    type: str
    texts: tuple[str, ...]           # the detector's queries
    names: tuple[str, ...]           # query names matched inside detection names
    number: int = 0
    locations: tuple[str, str] = ("", "")

    def holds(self, boxes: list[tuple[str, tuple[float, float, float, float]]]) -> bool:
        """LMD's predicate on (name, xyxy box) in the post-NMS order."""
        if self.type in ("negation", "numeracy"):
            return count(boxes, self.names[0]) == self.number
        if self.type == "attribution":
            return count(boxes, self.names[0]) >= 1 and count(boxes, self.names[1]) >= 1
        first, second = first_box(boxes, self.names[0]), first_box(boxes, self.names[1])
        if first is None or second is None:
            return False
        return lmd_location_holds(self.locations[0], self.locations[1], first, second)


def count(boxes, name: str) -> int:
    return sum(1 for box_name, _ in boxes if name in box_name)


def first_box(boxes, name: str):
    """LMD's `get_box`: the first box whose name contains `name` followed by a space, or ends with it."""
    for box_name, box in boxes:
        if name + " " in box_name or box_name.endswith(name):
            return box
    return None


def parse(prompt: str) -> LmdTask:
    """LMD's prompt parser: negation, spatial, attribution or numeracy, from the prompt's words."""
    if "without" in prompt:
        name = singular(re.search(r"without (.+)", prompt).group(1))
        return LmdTask("negation", (f"a photo of {article(name)}",), (name,), 0)
    if any(location in prompt for location in LOCATIONS):
        match = re.search(r"with (.+) on the (.+) and (.+) on the (.+)", prompt)
        if match is None:
            raise ValueError("a spatial prompt that is not 'with X on the L1 and Y on the L2'")
        first, loc1, second, loc2 = match.groups()
        return LmdTask("spatial", (f"a photo of {first}", f"a photo of {second}"), (first, second),
                       locations=(loc1, loc2))
    if "and" in prompt:
        if any(word in prompt for word in ("one", "two", "three", "four", "five")):
            raise ValueError("LMD's two-object numeracy prompts are not part of its benchmark")
        match = re.search(r"with (.+) and (.+)", prompt)
        if match is None:
            raise ValueError("an attribution prompt that is not 'with X and Y'")
        first, second = match.groups()
        return LmdTask("attribution", (f"a photo of {first}", f"a photo of {second}"), (first, second))
    if "with" in prompt:
        number, noun = re.search(r"with (.+) (.+)", prompt).groups()
        value = NUMBERS.get(number)
        if value is None:
            value = int(number)
        name = singular(noun)
        return LmdTask("numeracy", (f"a photo of {article(name)}",), (name,), value)
    raise ValueError("not an LMD prompt (negation, spatial, attribution or numeracy)")


def select(found: list[Detection]) -> list[Detection]:
    """Score >= 0.15, then LMD's class-aware NMS at 0.15, in the order its predicates see."""
    kept = [d for d in found if d.score >= SCORE_THRESHOLD]
    order = lmd_class_aware_nms([d.box for d in kept], [d.score for d in kept], [d.label for d in kept], NMS_THRESHOLD)
    return [kept[i] for i in order]


class LmdProtocol(Protocol):
    name = "lmd"
    title = "LMD benchmark: negation, numeracy, attribution and spatial success rates (OWL-ViT)"
    roles = {"detector": "google/owlvit-base-patch32"}
    thresholds = {"score_threshold": SCORE_THRESHOLD, "nms": "class-aware", "nms_threshold": NMS_THRESHOLD,
                  "query": "a photo of {a/an} {object}", "spatial": "box centres, no margin"}
    needs = "lmd"
    notes = ("OWL-ViT v1 base/32 is the detector LMD used (same transformers weights).",
             "Overall is the success rate over all images (= the mean of the four task rates on the "
             "400-prompt set).")

    def check(self, item, targets) -> str | None:
        try:
            parse(item.prompt)
        except (ValueError, AttributeError) as exc:
            return f"not an LMD prompt: {exc}"
        return None

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        task = parse(sample.item.prompt)
        found = evaluators.require("detector").detect(image, list(task.texts), threshold=SCORE_THRESHOLD)
        kept = select(found)
        named = [(task.texts[d.label], d.box) for d in kept]
        ok = task.holds(named)
        scored = Scored({"tag": task.type, "ok": ok, "task": task.type,
                         "detections": [{**detection_record(d), "name": task.texts[d.label]} for d in kept]})
        for index, (text, name) in enumerate(zip(task.texts, task.names, strict=True)):
            matching = [d for d in kept if name in task.texts[d.label]]
            record: dict[str, Any] = {"index": index, "name": name, "caption": text, "count": len(matching),
                                      "detection": detection_record(matching[0]) if matching else None,
                                      "ok": _clause_ok(task, len(matching))}
            scored.instances.append(record)
            scored.crops.append(crop(image, matching[0].box) if matching else None)
        return scored

    def metrics(self) -> list[Metric]:
        return [
            Metric("overall", "overall success rate (all images)", "image", lambda r: r["ok"]),
            Metric("by_task", "success rate by task", "image", lambda r: r["ok"], group=lambda r: r["tag"],
                   headline=False),
        ]


def _clause_ok(task: LmdTask, found: int) -> bool:
    """A query's own share of the predicate, for the gallery's pass/fail marks."""
    if task.type in ("negation", "numeracy"):
        return found == task.number
    return found >= 1
