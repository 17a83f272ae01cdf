"""`deig plan -f` on the 553 GenEval prompts takes under 5 s in total, start-up included."""

from __future__ import annotations

import json
import subprocess
import sys
import time

from conftest import REPO

from scenes.io import scene_from_data

PROMPTS = REPO / "benchmarks" / "data" / "geneval" / "generation_prompts.txt"


def test_plan_file_of_553_prompts_in_under_five_seconds() -> None:
    prompts = [line for line in PROMPTS.read_text().splitlines() if line.strip()]
    assert len(prompts) == 553
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "deigcli", "plan", "-f", str(PROMPTS), "--planner", "rules"],
                          capture_output=True, timeout=60)
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr.decode()
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(records) == 553
    assert [r["prompt"] for r in records] == prompts  # one record per line, same order
    for record in records[::50]:
        scene_from_data(record)
    assert elapsed < 5.0, f"{elapsed:.2f} s"
