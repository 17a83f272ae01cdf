"""Score deig's renderers and fusion modes on GenEval and the LMD benchmark with the real evaluators.

One command on a GPU machine with network access (weights download on first use):

    python benchmarks/eval_renderers.py --device cuda [--limit N] [--out runs/]

For each benchmark and mode it runs `deig eval run BENCH --render RENDERER …` (the rules planner
writes each prompt's scene, the protocol's seeds give each image its seed; runs resume), then
`deig eval compare` of every mode against plain SD-1.5 (`regional` with fusion off, the calibration
anchor whose published numbers are GenEval 0.43 and LMD 36.8), and prints one line per benchmark
and mode: the headline metric with its 95% interval, and the paired difference to plain SD.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

SD15 = "stable-diffusion-v1-5/stable-diffusion-v1-5"
MODES = {
    "plain-sd15": ["--render", "regional", "--model", SD15, "-O", "fusion_strength=0"],
    "regional": ["--render", "regional", "--model", SD15],
    "regional-self-attention": ["--render", "regional", "--model", SD15, "-O", "self_attention_steps=0.3"],
    "finecontrolnet": ["--render", "finecontrolnet"],
    "deig": ["--render", "deig"],
}
BENCHES = ("geneval", "lmd")
HEADLINE = {"geneval": "overall", "lmd": "overall"}


def deig(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "deigcli", *args], capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("runs"))
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--limit", type=int, default=None, help="only the first N prompts of each benchmark")
    parser.add_argument("--n", type=int, default=None, help="images per prompt (default: each protocol's)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of " + ", ".join(MODES))
    parser.add_argument("--benches", default=",".join(BENCHES))
    args = parser.parse_args(argv)
    extra = ["--device", args.device] + (["--limit", str(args.limit)] if args.limit else []) + \
        (["--n", str(args.n)] if args.n else [])
    failures = 0
    for bench in args.benches.split(","):
        for mode in args.modes.split(","):
            out = args.out / f"{bench}-{mode}"
            done = deig("eval", "run", bench, *MODES[mode], *extra, "-o", str(out), "--json", "-q")
            if done.returncode != 0:
                failures += 1
                print(f"{bench}\t{mode}\tfailed (exit {done.returncode}): {done.stderr.strip().splitlines()[-2:]}")
                continue
            metrics = {m["name"]: m for m in map(json.loads, done.stdout.splitlines())}
            head = metrics[HEADLINE[bench]]
            line = f"{bench}\t{mode}\t{head['value']:.4f} [{head['ci95'][0]:.4f}, {head['ci95'][1]:.4f}]"
            anchor = args.out / f"{bench}-plain-sd15"
            if mode != "plain-sd15" and (anchor / "summary.json").is_file():
                diff = deig("eval", "compare", str(anchor), str(out), "--json")
                rows = {r["metric"]: r for r in map(json.loads, diff.stdout.splitlines())} if diff.returncode == 0 else {}
                if HEADLINE[bench] in rows:
                    row = rows[HEADLINE[bench]]
                    line += f"\tvs plain SD {row['delta']:+.4f} [{row['ci95'][0]:+.4f}, {row['ci95'][1]:+.4f}]"
            print(line, flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
