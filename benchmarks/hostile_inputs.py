"""Peak memory and time of `deig validate` on hostile scene files, per input family and size.

    python benchmarks/hostile_inputs.py                 # 1, 4 and 16 MB, JSON and YAML
    python benchmarks/hostile_inputs.py --sizes 1 4 --repo /path/to/another/checkout

Each file is checked by `python -m deigcli validate` in its own process; the peak resident memory
comes from that process's rusage (wait4), with its CPU time (user + system) beside the wall time. The first row is a valid
one-scene file: the cost of starting the interpreter, which every other row includes. Limits
enforced while reading make each family's cost flat in the file's size; a parser that reads the
whole document first grows linearly (1.2 to 1.6 GB and 30 s at 4 MB before issue 16).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from hostile_documents import FAMILIES  # noqa: E402

VALID = "caption: a red fox in snow\ninstances:\n  - {name: fox, caption: a red fox, box: [0.1, 0.2, 0.6, 0.9]}\n"


def measure_in_child(path: Path, repo: Path, timeout: float) -> tuple[float, float, float, int, str, int]:
    """Run `deig validate` and wait for it with wait4, which gives this one process's peak memory."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    read_end, write_end = os.pipe()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: stderr into the pipe, then exec
        os.close(read_end)
        os.dup2(write_end, 2)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.chdir(repo)
        os.execve(sys.executable, [sys.executable, "-m", "deigcli", "validate", str(path)], env)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        for chunk in iter(lambda: pipe.read(65536), b""):
            if sum(len(c) for c in chunks) < 1 << 20:
                chunks.append(chunk)
            if time.monotonic() - started > timeout:
                os.kill(pid, 9)
                break
    _, status, usage = os.wait4(pid, 0)
    seconds = time.monotonic() - started
    stderr = b"".join(chunks).decode("utf-8", "replace")
    error = next((line for line in stderr.splitlines() if line.startswith("Error:")), "")
    lines = len(stderr.splitlines())
    cpu = usage.ru_utime + usage.ru_stime  # unlike wall time, hardly moved by a busy machine
    return seconds, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), error, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 4, 16], help="file sizes in MB")
    parser.add_argument("--formats", nargs="+", default=["json", "yaml"])
    parser.add_argument("--families", nargs="+", default=list(FAMILIES), choices=list(FAMILIES), metavar="FAMILY")
    parser.add_argument("--repo", type=Path, default=REPO, help="the checkout whose deig is measured")
    parser.add_argument("--timeout", type=float, default=300, help="seconds before a run is killed")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        valid = Path(folder) / "valid.yaml"
        valid.write_text(VALID)
        seconds, cpu, peak, code, _, _ = measure_in_child(valid, args.repo, args.timeout)
        print(f"{'family':<15} {'fmt':<5} {'MB':>4} {'wall s':>7} {'CPU s':>6} {'peak MiB':>9} {'exit':>5} "
              f"{'stderr':>7}  error")
        print(f"{'valid scene':<15} {'yaml':<5} {0:>4} {seconds:7.2f} {cpu:6.2f} {peak:9.1f} {code:5d} {'':>7}")
        for family in args.families:
            for fmt in args.formats:
                if family == "aliases" and fmt == "json":
                    continue  # JSON has no aliases
                rows = []
                for size in args.sizes:
                    path = Path(folder) / f"hostile.{fmt}"
                    path.write_text(FAMILIES[family](size * 2**20, fmt))
                    seconds, cpu, peak, code, error, lines = measure_in_child(path, args.repo, args.timeout)
                    rows.append((cpu, peak))
                    shown = error.replace(str(path), "FILE")
                    print(f"{family:<15} {fmt:<5} {size:>4} {seconds:7.2f} {cpu:6.2f} {peak:9.1f} {code:5d} {lines:7d}  "
                          f"{shown[:80]}", flush=True)
                if len(rows) > 1:
                    (t0, m0), (t1, m1) = rows[0], rows[-1]
                    print(f"{'':<15} {'':<5} {'':>4} {'':>7} {t1 / t0:5.2f}x {m1 / m0:8.2f}x  "
                          f"(CPU and peak, largest / smallest file; the size grew {args.sizes[-1] / args.sizes[0]:g}x)")


if __name__ == "__main__":
    main()
