"""Hostile scene files are refused within bounded memory and CPU time, with errors that do not grow.

Each case runs `deig validate` in a real subprocess whose address space and CPU time are capped by
the harness (`resource.setrlimit`): a run that needs more memory dies with MemoryError, one that
needs more CPU is killed by SIGXCPU, and either fails the test. The interpreter with deig's
validate imports peaks at about 125 MB of address space (measured with VmPeak), so a 300 MB limit
leaves about 175 MB for reading the file: far below what the documents below cost when they are
parsed whole (1.2 to 1.6 GB for the 4 MB ones).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from hostile_documents import long_list, many_keypoints, many_keys

from scenes.errors import SceneInvalid
from scenes.io import load_scenes

ADDRESS_LIMIT = 300 * 2**20
CPU_LIMIT_S = 20  # the 4 MB documents needed about 30 s of CPU before the limits were enforced while reading
FOUR_MB = 4 * 2**20


def validate_bounded(path: Path) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))
        resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # The timeout is only a safety net: the CPU limit ends a runaway run first.
    return subprocess.run([sys.executable, "-m", "deigcli", "validate", str(path)], capture_output=True, text=True,
                          env=env, cwd=REPO, preexec_fn=limits, timeout=300)


def test_the_harness_limits_leave_room_for_a_valid_scene(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    path.write_text("caption: a red fox in snow\ninstances:\n  - {name: fox, caption: a red fox, box: [0.1, 0.2, 0.6, 0.9]}\n")
    proc = validate_bounded(path)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_four_mb_of_zeros_under_an_unknown_key_is_refused_within_the_limits(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"zeros.{fmt}"
    path.write_text(long_list(FOUR_MB, fmt))
    proc = validate_bounded(path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    (error,) = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert "values" in error and "50,000" in error, error  # names the limit that was hit
    assert "alias" not in proc.stderr.lower()  # the file has none
    assert any(line.startswith("Hint:") for line in proc.stderr.splitlines())


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_300k_keypoints_are_refused_within_the_limits(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"keypoints.{fmt}"
    path.write_text(many_keypoints(0, fmt, count=300_000))
    proc = validate_bounded(path)
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(proc.stderr.splitlines()) < 100


def test_nesting_deeper_than_the_limit_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text('{"caption": "x", "extra": ' + "[" * 100 + "]" * 100 + "}")
    proc = validate_bounded(path)
    assert proc.returncode == 2
    assert "nested too deeply (more than 32 levels, the limit)" in proc.stderr, proc.stderr


def test_100000_unknown_keys_print_fewer_than_100_lines(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(many_keys(0, "yaml", count=100_000))
    proc = validate_bounded(path)
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) < 100, len(proc.stderr.splitlines())


def test_the_error_list_shows_the_first_20_problems_then_how_many_more() -> None:
    with pytest.raises(SceneInvalid) as caught:
        load_scenes(many_keys(0, "yaml", count=5000), "keys.yaml")
    error = caught.value
    # 20 problems: the message line and 19 detail lines; the rest are counted (printed as "… and N more").
    assert len(error.details) == 19 and error.more == 4980
    assert error.message.startswith("keys.yaml:2: k0: unknown key 'k0'")
    assert error.details[18].startswith("keys.yaml:21: k19: unknown key 'k19'")


def test_problems_of_many_scenes_are_capped_together() -> None:
    text = json.dumps([{"caption": "x", "bad": 1} for _ in range(30)])
    with pytest.raises(SceneInvalid) as caught:
        load_scenes(text, "many.json")
    assert len(caught.value.details) == 19 and caught.value.more == 10
    assert caught.value.details[18].startswith("many.json:1: scene 20: bad: unknown key 'bad'")


def test_json_lines_and_json_details_survive_the_single_parse() -> None:
    # A guard for the move from `json` to YAML events (it passed before the change too).
    # JSON numbers that YAML 1.1 would read as strings, escapes YAML spells differently, tabs.
    text = '{"caption":"a \\/ \\ud83d\\ude00 fox",\t"seed":1e3, "width": 5.12e2}\n\n{"caption": "b"}\n'
    first, second = load_scenes(text, "x.jsonl")
    assert first.scene.caption == "a / \U0001F600 fox" and first.scene.seed == 1000 and first.scene.width == 512
    assert (first.line, second.line) == (1, 3)
    assert second.scene.caption == "b"
