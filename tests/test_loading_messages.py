"""While weights load: on a terminal, say what is loading; in a pipe (and under -q), no library bars at all."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO, run_deig
from tiny_pipelines import save_tiny_pipeline


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("model") / "tiny-sd"
    save_tiny_pipeline("sd15", folder)
    return folder


def render_args(model: Path, out: Path) -> list[str]:
    return ["render", "a red apple", "--model", str(model), "--steps", "1", "--device", "cpu",
            "--width", "64", "--height", "64", "-o", str(out)]


def test_in_a_pipe_loading_prints_no_library_bars(model, tmp_path):
    result = run_deig(*render_args(model, tmp_path / "out"))
    assert result.code == 0, result.stderr
    assert "Loading" not in result.stderr and "it/s]" not in result.stderr and "%|" not in result.stderr


def test_on_a_terminal_loading_says_what_is_loading(model, tmp_path):
    primary, secondary = pty.openpty()
    env = {**os.environ, "TERM": "xterm", "PYTHONPATH": str(REPO / "tests" / "netguard")}
    process = subprocess.Popen([sys.executable, "-m", "deigcli", *render_args(model, tmp_path / "out")],
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=secondary, env=env)
    os.close(secondary)
    chunks: list[bytes] = []

    def read() -> None:  # until the child closes the terminal
        while True:
            try:
                data = os.read(primary, 4096)
            except OSError:
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join(timeout=60)
    os.close(primary)
    said = b"".join(chunks).decode("utf-8", "replace")
    assert process.returncode == 0, said
    for component in ("unet", "vae", "text_encoder"):
        assert f"Loading {component} of {model}…" in said
    assert stdout.decode().strip().endswith(".png")  # data stays on stdout
