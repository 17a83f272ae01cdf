"""The output contract: stdout carries data only; everything for humans goes to stderr.

`emit` writes one data line to stdout. `note`, `warn` and `error` write to stderr; `-q` silences
notes and warnings (errors always show). Progress is drawn only when stderr is a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

_state = {"quiet": False}


def set_quiet(quiet: bool) -> None:
    _state["quiet"] = quiet
    if quiet:
        silence_libraries()


def is_quiet() -> bool:
    return _state["quiet"]


def _stderr() -> TextIO:
    return sys.stderr


def emit(line: str) -> None:
    """One record of data on stdout."""
    sys.stdout.write(line if line.endswith("\n") else line + "\n")
    sys.stdout.flush()


def emit_raw(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def note(message: str) -> None:
    if not _state["quiet"]:
        print(message, file=_stderr(), flush=True)


def warn(message: str) -> None:
    if not _state["quiet"]:
        print(f"Warning: {message}", file=_stderr(), flush=True)


# An error lists at most this many problems (its message and detail lines), then how many more:
# stderr must not grow with the input (100,000 unknown keys are not 100,000 lines).
MAX_PROBLEMS = 20


def error(message: str, *, details: list[str] | None = None, hint: str | None = None, more: int = 0) -> None:
    """One error: the message, at most MAX_PROBLEMS problems in all, how many more there were, the hint."""
    stream = _stderr()
    print(f"Error: {message}", file=stream)
    details = details or []
    shown = details[:MAX_PROBLEMS - 1]
    for line in shown:
        print(f"  {line}", file=stream)
    hidden = len(details) - len(shown) + more
    if hidden:
        print(f"  … and {hidden} more", file=stream)
    if hint:
        print(f"Hint: {hint}", file=stream)
    stream.flush()


def stderr_is_terminal() -> bool:
    try:
        return sys.stderr.isatty() and os.environ.get("TERM", "") not in ("dumb", "unknown")
    except (AttributeError, ValueError):
        return False


def stdout_is_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def silence_libraries() -> None:
    """Quiet every library's progress bars and logs (used by -q, and when stderr is not a terminal)."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("HF_HUB_VERBOSITY", "error")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("DIFFUSERS_VERBOSITY", "error")
    os.environ.setdefault("TQDM_DISABLE", "1")
    import logging
    import warnings

    warnings.filterwarnings("ignore")
    for name in ("diffusers", "transformers", "huggingface_hub", "accelerate", "torch", "httpx", "openai"):
        logging.getLogger(name).setLevel(logging.ERROR)
