"""What every protocol shares: the image to score, what scoring returns, and how metrics are declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from ..benchmarks import Item, Target
from ..evaluators.base import Detection, Evaluators


@dataclass(frozen=True)
class Sample:
    """One image of one item: where it is (None when missing) and the instances it should show."""

    item: Item
    k: int
    seed: int | None
    path: Path | None
    targets: tuple[Target, ...]
    source: str = ""  # how the image was found: manifest, layout, rendered

    @property
    def key(self) -> str:
        return f"{self.item.id}-{self.k}"


@dataclass
class Scored:
    """An image's decision, its instance records, and one crop (or None) per instance record."""

    image: dict[str, Any]
    instances: list[dict[str, Any]] = field(default_factory=list)
    crops: list[Image.Image | None] = field(default_factory=list)


@dataclass(frozen=True)
class Metric:
    """A ratio of sums over items, optionally the mean over groups (e.g. GenEval's mean of tag means).

    `over` is "image" or "instance"; `value` gives a record's numerator contribution, `weight` its
    denominator (1 by default); `where` filters records; `group` names a record's group (None: one group).
    """

    name: str
    label: str
    over: str
    value: Callable[[dict], float]
    weight: Callable[[dict], float] = lambda record: 1.0
    where: Callable[[dict], bool] = lambda record: True
    group: Callable[[dict], str | None] | None = None
    kind: str = "rate"  # rate (0-1) or score
    headline: bool = True
    combine: str = "sum"  # "any": an item counts once, as a success when any of its records succeeds


class Protocol:
    """A benchmark's scoring, pinned to its reference code; subclasses fill in the details."""

    name = ""
    title = ""
    roles: dict[str, str] = {}        # role -> default evaluator (hub id)
    references: dict[str, str] = {}   # role -> what the reference code used, when deig's default differs
    thresholds: dict[str, Any] = {}
    needs = "prompt"                  # targets (boxes), truth (GenEval format), lmd (LMD prompt text), prompt
    notes: tuple[str, ...] = ()

    def check(self, item: Item, targets: tuple[Target, ...]) -> str | None:
        """Why this item cannot be scored by this protocol (None when it can); cheap, before weights."""
        if self.needs == "targets":
            if not targets:
                return "no instances with boxes (this protocol checks instances at their boxes)"
            if any(t.box is None for t in targets):
                return "an instance without a box"
        if self.needs == "truth" and not (item.truth.get("include") or item.truth.get("exclude")):
            return "no GenEval-format truth (include/exclude)"
        return None

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        raise NotImplementedError

    def metrics(self) -> list[Metric]:
        raise NotImplementedError

    def tag_of(self, image_record: dict) -> str | None:
        """The group shown in per-tag bars."""
        return image_record.get("tag")

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "thresholds": self.thresholds,
                "default_evaluators": self.roles, "reference_evaluators": self.references, "notes": list(self.notes)}


def detection_record(detection: Detection) -> dict[str, Any]:
    return {"box": [round(v, 3) for v in detection.box], "score": round(detection.score, 6), "label": detection.label}


def crop(image: Image.Image, box: tuple[float, float, float, float]) -> Image.Image:
    """PIL's crop of a pixel box (floats are rounded by PIL, as the reference scripts do)."""
    return image.crop(tuple(box))


def rgb(path: Path) -> Image.Image:
    with Image.open(path) as opened:
        return opened.convert("RGB")
