"""Failures of single prompts, scenes and images, and the run's exit code.

Without --keep-going the first failure ends the run (what was finished before it is kept). With
it, each failure is reported on stderr, naming its prompt line or scene, the run goes on, and the
exit code at the end is the worst one (the highest: 1 render, 2 input, 3 planner, 4 renderer).
"""

from __future__ import annotations

from dataclasses import dataclass

from scenes.errors import EXIT_OK, DeigError

from . import console


@dataclass(frozen=True)
class Unplanned:
    """An input that failed before it had images: where it was, and why."""

    scene_index: int
    label: str
    error: str
    code: int


class Failures:
    def __init__(self, keep_going: bool, *, speak: bool = True):
        self.keep_going = keep_going
        self.speak = speak  # one voice in a distributed run: process 0 reports what all of them found
        self.codes: list[int] = []

    def add(self, label: str, exc: DeigError) -> None:
        """Account for `exc`, which happened to the input `label`: raise it, or report it and go on."""
        if label and not exc.message.startswith(label):
            exc.message = f"{label}: {exc.message}"
        if not self.keep_going:
            raise exc
        self.codes.append(exc.exit_code)
        if self.speak:
            console.error(exc.message, details=exc.details, hint=exc.hint, more=exc.more)

    def unplanned(self, scene_index: int, label: str, exc: DeigError) -> Unplanned:
        self.add(label, exc)
        return Unplanned(scene_index, label, exc.message, exc.exit_code)

    @property
    def code(self) -> int:
        return max(self.codes, default=EXIT_OK)
