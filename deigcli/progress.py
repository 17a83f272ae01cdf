"""One progress bar on stderr across all images and steps, shown only on a terminal."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from . import console


class Progress(AbstractContextManager):
    """`advance_image()` after each image; `step(done, total)` inside one (a renderer callback)."""

    def __init__(self, images: int, label: str = "Rendering", *, enabled: bool = True):
        self.images = images
        self.enabled = enabled
        self.finished = 0
        self._bar: Any = None
        self._task: Any = None
        self._label = label

    def __enter__(self) -> Progress:
        if self.enabled and self.images > 0 and console.stderr_is_terminal() and not console.is_quiet():
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True,
                # Rich would send stdout through the bar's console, i.e. to stderr: only when both
                # are the terminal, so that piped data stays on stdout.
                redirect_stdout=console.stdout_is_terminal(), redirect_stderr=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task(self._label, total=float(self.images))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def step(self, done: int, total: int, images: int = 1) -> None:
        """Progress inside a render call that produces `images` images."""
        if self._bar is not None and total > 0:
            self._bar.update(self._task, completed=self.finished + images * min(done, total) / total)

    def advance_image(self, count: int = 1) -> None:
        self.finished += count
        if self._bar is not None:
            self._bar.update(self._task, completed=float(self.finished))
