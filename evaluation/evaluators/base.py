"""The seams every protocol calls: detect, text-image logits, VQA P(yes), judge answers, masks.

Each wrapper holds a transformers model and its processor, real or tiny; the protocols never touch
transformers themselves, so tests can put scripted evaluators at these seams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from PIL import Image


@dataclass(frozen=True)
class Detection:
    box: tuple[float, float, float, float]  # pixels, xyxy
    score: float
    label: int  # index of the query it answers
    text: str = ""


@dataclass(frozen=True)
class EvaluatorId:
    """What was loaded for a role: the hub id (or folder, or 'tiny'), its commit, and whether it is
    the evaluator the protocol's reference code used."""

    role: str
    id: str
    revision: str | None = None
    kind: str = ""
    reference: str | None = None

    @property
    def substitute(self) -> bool:
        return self.reference is not None and self.id != self.reference

    def record(self) -> dict[str, Any]:
        return {"role": self.role, "id": self.id, "revision": self.revision, "kind": self.kind,
                "reference": self.reference, "substitute": self.substitute}


class Detector(Protocol):
    kind: str

    def detect(self, image: Image.Image, queries: list[str], *, threshold: float,
               text_threshold: float = 0.25) -> list[Detection]: ...


class TextImageScorer(Protocol):
    def logits(self, images: list[Image.Image], texts: list[str]) -> list[list[float]]: ...

    def image_features(self, images: list[Image.Image]) -> Any: ...

    def text_features(self, texts: list[str]) -> Any: ...


class VqaScorer(Protocol):
    def p_yes(self, image: Image.Image, questions: list[str]) -> list[float]: ...


class Judge(Protocol):
    def answer(self, image: Image.Image, question: str) -> str: ...


class Segmenter(Protocol):
    def mask(self, image: Image.Image, box: tuple[float, float, float, float]) -> Any: ...


@dataclass
class Evaluators:
    """The evaluators of one run, each loaded once, with their identities for run.json."""

    detector: Detector | None = None
    clip: TextImageScorer | None = None
    vqa: VqaScorer | None = None
    judge: Judge | None = None
    segmenter: Segmenter | None = None
    ids: list[EvaluatorId] = field(default_factory=list)

    def require(self, role: str) -> Any:
        value = getattr(self, role)
        if value is None:
            raise RuntimeError(f"evaluator '{role}' was not loaded")
        return value
