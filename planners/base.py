"""The planner contract: words (or an incomplete scene) in, a validated scene out.

Planners are found through the `deig.planners` entry-point group; a third-party package adds one
with a single table in its pyproject. Each planner declares its own `Options` model (unknown
options are errors) and returns a `PlanResult` whose record goes into every manifest.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from scenes.manifest import PlannerRecord, Repair
from scenes.model import Scene


class PlannerOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Canvas:
    width: int = 512
    height: int = 512
    given: bool = True  # False: the user named no size, and a planner may shape the canvas to the scene

    @property
    def aspect(self) -> float:
        return self.width / self.height


@dataclass
class PlanResult:
    scene: Scene
    record: PlannerRecord
    notes: list[str] = field(default_factory=list)  # one-line remarks for stderr

    @property
    def repairs(self) -> list[Repair]:
        return self.record.repairs


class Planner(ABC):
    """Turns a prompt into a complete scene, and completes hand-written scenes."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    Options: ClassVar[type[PlannerOptions]] = PlannerOptions

    def __init__(self, options: PlannerOptions | None = None):
        self.options = options if options is not None else self.Options()

    @abstractmethod
    def plan(self, prompt: str, *, canvas: Canvas, seed: int | None = None) -> PlanResult:
        """A complete scene for `prompt` on `canvas`. Raise PlannerError when that is impossible."""

    @abstractmethod
    def complete(self, scene: Scene) -> PlanResult:
        """Fill what `scene` leaves out (boxes, captions) without changing anything it states."""

    def release(self, *, low_memory: bool = False) -> bool:
        """Before a renderer loads its weights: free what planning holds if it would be in the way.

        `low_memory` (the --low-memory flag) frees it whatever the free memory; returns whether
        anything was freed. Planners that hold nothing (rules, llm) have nothing to do.
        """
        return False
