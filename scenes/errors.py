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

    def __init__(self, message: str, *, hint: str | None = None, details: list[str] | None = None,
                 more: int = 0):
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint
        self.details = list(details or [])
        self.more = more  # further problems, counted but not listed (the printer says "… and N more")


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


MAX_PROBLEM_CHARS = 500


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
        text = f"{where}{self.location + ': ' if self.location else ''}{self.message}"
        # A hostile key or value may be long; one problem is one readable line.
        return text if len(text) <= MAX_PROBLEM_CHARS else text[:MAX_PROBLEM_CHARS - 3] + "..."


MAX_LISTED_PROBLEMS = 20  # an error list shows this many problems, then "… and N more"


class IssueList:
    """Problems gathered from many places, keeping only the first few: the output must not grow with the input."""

    def __init__(self) -> None:
        self.shown: list[Issue] = []
        self.more = 0

    def add(self, issues: list[Issue], more: int = 0) -> None:
        room = MAX_LISTED_PROBLEMS - len(self.shown)
        self.shown.extend(issues[:max(room, 0)])
        self.more += max(len(issues) - max(room, 0), 0) + more

    def __bool__(self) -> bool:
        return bool(self.shown)


class SceneInvalid(InvalidInput):
    """A document that does not validate as a scene; carries the first problems found and how many more."""

    default_hint = "Run 'deig schema' for the scene format, or 'deig validate FILE' to list every problem."

    def __init__(self, issues: list[Issue], *, hint: str | None = None, more: int = 0):
        if not issues:
            raise ValueError("SceneInvalid needs at least one issue")
        listed = IssueList()
        listed.add(issues, more)
        self.issues = listed.shown
        first, rest = self.issues[0], self.issues[1:]
        super().__init__(first.render(), hint=hint, details=[issue.render() for issue in rest], more=listed.more)
