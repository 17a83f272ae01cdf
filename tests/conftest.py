"""Shared fixtures: an isolated environment for every test, and ways to run the CLI.

Every test runs offline (HF_HUB_OFFLINE=1), with only deig's own plugins, without any LLM
configuration inherited from the developer's shell, and with caches in a temporary folder.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DEIG_SHARED_DIR", REPO.parent / "shared"))

# CI runs the same examples every time (a red run must be reproducible); a developer who wants fresh
# examples sets HYPOTHESIS_PROFILE=explore (and --hypothesis-seed to replay one).
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

_INHERITED = ("DEIG_LLM_BASE_URL", "DEIG_LLM_MODEL", "DEIG_LLM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL",
              "DEIG_DEBUG", "DEIG_PLANNER", "DEIG_RENDERER",
              # what `-q` sets for the libraries (deigcli.console.silence_libraries): each test starts without it
              "HF_HUB_DISABLE_PROGRESS_BARS", "HF_HUB_VERBOSITY", "TRANSFORMERS_VERBOSITY", "DIFFUSERS_VERBOSITY",
              "TQDM_DISABLE")


@pytest.fixture(autouse=True, scope="session")
def loopback_only():
    """No test in this process may reach any address but the loopback (no hub, no API)."""
    from chat_server import install_guard

    undo = install_guard()
    yield
    undo()


@pytest.fixture(autouse=True)
def restored_environment():
    """What a test's in-process commands put into os.environ (e.g. -q silencing the libraries' bars) must not
    reach the next test's subprocesses."""
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    isolate(monkeypatch, tmp_path_factory.mktemp("cache"))


def isolate(monkeypatch: pytest.MonkeyPatch, cache: Path) -> None:
    """What `isolated_environment` sets up; for module-scoped fixtures too, which run before it
    (use `with pytest.MonkeyPatch.context() as monkeypatch:`)."""
    for name in _INHERITED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HOME", str(cache / "hf"))
    monkeypatch.setenv("DEIG_CACHE_DIR", str(cache / "deig"))
    monkeypatch.setenv("DEIG_LOAD_PLUGINS", "")
    monkeypatch.setenv("NO_COLOR", "1")


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("Error:")]


class _Stdin(io.TextIOWrapper):
    def isatty(self) -> bool:
        return False


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """Run `deig ARGS` in this process; returns a Result. `stdin` is bytes or text."""
    from deigcli.main import main

    def run(*args: str, stdin: bytes | str | None = None) -> Result:
        capsys.readouterr()
        data = stdin.encode("utf-8") if isinstance(stdin, str) else (stdin or b"")
        monkeypatch.setattr(sys, "stdin", _Stdin(io.BytesIO(data), encoding="utf-8"))
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


# How long a test lets a subprocess run before calling it hung. A guard against hangs, never a speed
# criterion: tests wait for events (a process ending, a file appearing), and speeds are printed by
# benchmarks/. Generous, so that a machine busy with other work never trips it.
HANG_SECONDS = 900


def run_deig(*args: str, stdin: bytes | str | None = None, env: dict[str, str] | None = None,
             cwd: Path | None = None, timeout: float = HANG_SECONDS) -> Result:
    """Run `python -m deigcli ARGS` as a real subprocess."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "deigcli", *map(str, args)], input=data, capture_output=True,
                          env=full_env, cwd=cwd, timeout=timeout)
    return Result(proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"))
