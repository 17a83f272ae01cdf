"""The errors every layer raises, each tied to one exit code.

The command line has one error boundary (`deigcli.main`): a `DeigError` becomes one `Error:` line,
optional detail lines, one `Hint:` line and its exit code. Anything else is a bug and gets a
traceback only with DEIG_DEBUG=1.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_INVALID = 2
EXIT_PLANNER = 3
EXIT_UNAVAILABLE = 4
EXIT_INTERRUPTED = 130


class DeigError(Exception):
    """A failure the user can act on: a message, the detail lines and a hint."""

    exit_code = EXIT_RUNTIME
    default_hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        self.details = list(details or [])


class InvalidInput(DeigError):
    """Bad usage, a bad scene, a bad option: nothing was written."""

    exit_code = EXIT_INVALID


class PlannerError(DeigError):
    """The planner could not produce a valid scene (unreachable, refusal, still invalid)."""

    exit_code = EXIT_PLANNER


class Unavailable(DeigError):
    """Something deig needs cannot be had here: a missing extra, weights or device (exit 4)."""

    exit_code = EXIT_UNAVAILABLE


class RendererUnavailable(Unavailable):
    """A renderer cannot run here: a missing extra, weights or device."""


class RenderFailed(DeigError):
    """Rendering started and failed."""

    exit_code = EXIT_RUNTIME


@dataclass(frozen=True)
class Issue:
    """One validation problem, located in the document (and the file, when there is one)."""

    location: str
    message: str
    source: str | None = None
    line: int | None = None

    def render(self) -> str:
        where = ""
        if self.source:
            where = self.source + (f":{self.line}" if self.line else "") + ": "
        elif self.line:
            where = f"line {self.line}: "
        return f"{where}{self.location + ': ' if self.location else ''}{self.message}"


class SceneInvalid(InvalidInput):
    """A document that does not validate as a scene; carries every problem found."""

    default_hint = "Run 'deig schema' for the scene format, or 'deig validate FILE' to list every problem."

    def __init__(self, issues: list[Issue], *, hint: str | None = None):
        if not issues:
            raise ValueError("SceneInvalid needs at least one issue")
        self.issues = list(issues)
        first, rest = issues[0], issues[1:]
        super().__init__(first.render(), hint=hint, details=[issue.render() for issue in rest])
