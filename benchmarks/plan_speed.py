"""How long `deig plan -f` takes on GenEval's 553 prompts with the rules planner, start-up included.

The budget is 5 s on an idle machine; this prints the time (and what part of it is the start-up
and the word tables) rather than asserting it, since a shared machine's load decides the number.

    python benchmarks/plan_speed.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROMPTS = REPO / "benchmarks" / "data" / "geneval" / "generation_prompts.txt"


def _run(args: list[str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, cwd=REPO)
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.decode()[-2000:])
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    count = sum(1 for line in PROMPTS.read_text().splitlines() if line.strip())
    tables = "from planners.rules import words; words._lemma_table()"
    for _ in range(args.repeat):
        total = _run(["-m", "deigcli", "plan", "-f", str(PROMPTS), "--planner", "rules"])
        start = _run(["-m", "deigcli", "plan", "a cat", "--planner", "rules"])
        load = _run(["-c", tables]) - _run(["-c", "import planners.rules"])
        print(f"deig plan -f ({count} prompts): {total:.2f} s; one prompt (start-up): {start:.2f} s; "
              f"word tables: {load:.2f} s; per prompt after start-up: {(total - start) / count * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
