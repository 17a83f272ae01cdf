"""Every command in the README's console blocks runs, and exits as the README says.

A command line starts with `$ `; a trailing `# exit N` states an expected non-zero exit code
(e.g. a GPU renderer without downloaded weights). Commands of one block share a working folder,
which holds a link to the repository's `scenes/`. The set-up commands (install, test) are what
`.ci/run` runs.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import HANG_SECONDS, REPO

BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def readme_blocks() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return [[line[2:] for line in block.splitlines() if line.startswith("$ ")] for block in BLOCK.findall(text)]


def test_the_readme_starts_with_exactly_two_setup_commands() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    first = re.search(r"```sh\n(.*?)```", text, re.S)
    assert first is not None and text.index(first.group(0)) < text.index("## ")
    commands = [line for line in first.group(1).splitlines() if line.strip()]
    assert commands == ['pip install -e ".[dev]" -c constraints.txt', "python -m pytest"]
    # CI runs exactly these lines, in this order (after installing torch, the README's first step).
    ci = [line.strip() for line in (REPO / ".ci" / "run").read_text().splitlines()]
    assert ci.index(commands[0]) < ci.index(commands[1])
    assert text.index("download.pytorch.org/whl/cpu") < text.index(first.group(0))  # torch first


@pytest.mark.parametrize("commands", readme_blocks(), ids=lambda cmds: cmds[0][:60])
def test_readme_commands_run(commands: list[str], tmp_path: Path) -> None:
    (tmp_path / "scenes").symlink_to(REPO / "scenes")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        expected = 0
        match = re.search(r"#\s*exit\s+(\d+)", command)
        if match:
            expected = int(match.group(1))
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, env=env,
                              capture_output=True, timeout=HANG_SECONDS)
        stderr = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode == expected, f"{command}\n{stderr}"
        assert "Traceback" not in stderr, f"{command}\n{stderr}"
