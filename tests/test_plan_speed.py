"""`deig plan -f` on the 553 GenEval prompts: one valid scene per line, in order.

How long it takes is measured by benchmarks/plan_speed.py (target: under 5 s), not asserted here:
a busy machine must not turn the suite red.
"""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO

from scenes.io import scene_from_data

PROMPTS = REPO / "benchmarks" / "data" / "geneval" / "generation_prompts.txt"


def test_plan_file_of_553_prompts_prints_one_scene_per_line_in_order() -> None:
    prompts = [line for line in PROMPTS.read_text().splitlines() if line.strip()]
    assert len(prompts) == 553
    proc = subprocess.run([sys.executable, "-m", "deigcli", "plan", "-f", str(PROMPTS), "--planner", "rules"],
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode()
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(records) == 553
    assert [r["prompt"] for r in records] == prompts  # one record per line, same order
    for record in records[::50]:
        scene_from_data(record)
