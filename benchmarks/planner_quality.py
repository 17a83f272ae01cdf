"""Score a planner's scenes on the GenEval and LMD prompt sets, without rendering anything.

For every prompt the planner writes a scene, and the scene is checked against the set's truth:

- counts: for each `include`, the number of instances named like the class equals `count`;
  an `exclude` means fewer than `count` instances of its class (0 for "without ..." prompts);
- colours: the instances of a class with a colour carry that colour word in their caption, and
  the instances of the prompt's other classes do not (the colour is bound to the right object);
- relations, judged on box centres: GenEval's rule for the GenEval set (the centre offset, less
  `margin` times the two boxes' summed sizes, must point mainly in the named direction; GenEval
  uses margin 0.1), a plain centre comparison for the LMD set (as LMD's evaluation does).

Prints one line per set and tag with its pass rate and counts, and exits 1 if any rate is below
`--min-rate`. The planner is chosen by name through the `deig.planners` entry points.

    python benchmarks/planner_quality.py [--planner rules] [--min-rate 0.95] [--show-failures 5]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GENEVAL_MARGIN = 0.1


def benchmarks_dir() -> Path:
    """Where the prompt sets are: the repository's own copy (`benchmarks/data`), else
    `../shared/benchmarks` of the repository or of the nearest folder above that has one."""
    if (REPO / "benchmarks" / "data" / "geneval").is_dir():
        return REPO / "benchmarks" / "data"
    for folder in (REPO, *REPO.parents):
        candidate = folder / "shared" / "benchmarks"
        if candidate.is_dir():
            return candidate
    return REPO.parent / "shared" / "benchmarks"


def default_sets() -> dict[str, Path]:
    base = benchmarks_dir()
    return {"geneval": base / "geneval" / "evaluation_metadata.jsonl",
            "lmd": base / "lmd" / "lmd_prompts_derived.jsonl"}


def make_planner(name: str, options: list[str] | None = None):
    """The planner registered as `name` in the `deig.planners` entry-point group, with `-P KEY=VALUE` options."""
    from deigcli.options import build_options, parse_assignments

    found = {ep.name: ep for ep in entry_points(group="deig.planners")}
    if name not in found:
        raise SystemExit(f"Error: no planner '{name}' (installed: {', '.join(sorted(found)) or 'none'})")
    cls = found[name].load()
    return cls(build_options(cls.Options, parse_assignments(options, "-P"), f"planner '{name}'"))


# -- checks -----------------------------------------------------------------------------------


def _centre(box: Sequence[float], width: int, height: int) -> tuple[float, float]:
    return (box[0] + box[2]) / 2 * width, (box[1] + box[3]) / 2 * height


def relation_by_centres(relation: str, a: Sequence[float], b: Sequence[float], *, width: int, height: int,
                        margin: float | None) -> bool:
    """Whether box `a` is `relation` of box `b` (pixels; y down).

    margin None: plain centre comparison. A number: GenEval's rule, where the centre offset is
    shrunk by margin x (sum of both boxes' sizes) along each axis and the relation holds when the
    shrunk offset, over the full offset's length, is beyond 0.5 in the named direction.
    """
    (ax, ay), (bx, by) = _centre(a, width, height), _centre(b, width, height)
    dx, dy = ax - bx, ay - by
    if margin is not None:
        sizes = ((a[2] - a[0] + b[2] - b[0]) * width, (a[3] - a[1] + b[3] - b[1]) * height)
        shrunk = [math.copysign(max(abs(d) - margin * s, 0.0), d) for d, s in zip((dx, dy), sizes, strict=True)]
        length = math.hypot(dx, dy)
        if length == 0 or all(abs(s) < 1e-3 for s in shrunk):
            return False
        dx, dy = shrunk[0] / length, shrunk[1] / length
        threshold = 0.5
    else:
        threshold = 0.0
    return {"left of": dx < -threshold, "right of": dx > threshold,
            "above": dy < -threshold, "below": dy > threshold}[relation]


def _has_word(text: str | None, word: str) -> bool:
    return bool(text) and re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) is not None


def check(row: dict, scene, *, margin: float | None) -> list[str]:
    """Reasons the scene fails the row's truth (empty when it passes)."""
    reasons = []
    by_class: dict[str, list] = {}
    for instance in scene.instances:
        by_class.setdefault(instance.name, []).append(instance)
    includes = row.get("include", [])
    for req in includes:
        found = by_class.get(req["class"], [])
        if len(found) != req["count"]:
            reasons.append(f"expected {req['count']} {req['class']}, planned {len(found)}")
            continue
        colour = req.get("color")
        if colour:
            if not all(_has_word(i.caption, colour) for i in found):
                reasons.append(f"{req['class']} is not {colour} in its caption")
            for other in includes:
                if other["class"] != req["class"] and other.get("color") != colour:
                    if any(_has_word(i.caption, colour) for i in by_class.get(other["class"], [])):
                        reasons.append(f"{colour} leaks into the {other['class']}'s caption")
        if "position" in req:
            relation, target = req["position"]
            targets = by_class.get(includes[target]["class"], [])
            if not targets:
                reasons.append(f"no {includes[target]['class']} for the {req['class']} to be {relation}")
            for a in found:
                for b in targets:
                    if not relation_by_centres(relation, a.box, b.box, width=scene.width, height=scene.height,
                                               margin=margin):
                        reasons.append(f"{req['class']} is not {relation} {includes[target]['class']}")
    for req in row.get("exclude", []):
        found = by_class.get(req["class"], [])
        if len(found) >= req["count"]:
            reasons.append(f"expected fewer than {req['count']} {req['class']}, planned {len(found)}")
    return reasons


# -- scoring ----------------------------------------------------------------------------------


@dataclass
class TagScore:
    passed: int = 0
    total: int = 0
    failures: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def score(planner, rows: Iterable[dict], *, margin: float | None, width: int = 512, height: int = 512
          ) -> dict[str, TagScore]:
    from planners.base import Canvas

    canvas = Canvas(width, height)
    tags: dict[str, TagScore] = {}
    for row in rows:
        tag = tags.setdefault(row["tag"], TagScore())
        try:
            reasons = check(row, planner.plan(row["prompt"], canvas=canvas).scene, margin=margin)
        except Exception as error:  # a planner that fails on a prompt fails that prompt
            reasons = [f"planner error: {type(error).__name__}: {error}"]
        tag.total += 1
        if reasons:
            tag.failures.append((row["prompt"], reasons))
        else:
            tag.passed += 1
    return tags


def main(argv: list[str] | None = None) -> int:
    sets = default_sets()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--planner", default="rules", help="planner name in the deig.planners group")
    parser.add_argument("--geneval", type=Path, default=sets["geneval"], help="GenEval evaluation_metadata.jsonl")
    parser.add_argument("--lmd", type=Path, default=sets["lmd"], help="LMD lmd_prompts_derived.jsonl")
    parser.add_argument("--margin", type=float, default=GENEVAL_MARGIN,
                        help="GenEval position margin (GenEval's own: 0.1); LMD always compares plain centres")
    parser.add_argument("--min-rate", type=float, default=0.95, help="exit 1 if any tag scores below this")
    parser.add_argument("--size", default="512x512", help="canvas WIDTHxHEIGHT")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="print N failures per tag")
    parser.add_argument("-P", dest="options", action="append", metavar="KEY=VALUE",
                        help="a planner option, e.g. -P stages=2 (repeatable)")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    planner = make_planner(args.planner, args.options)
    worst = 1.0
    for name, path, margin in (("geneval", args.geneval, args.margin), ("lmd", args.lmd, None)):
        if not path.is_file():
            print(f"Error: {path} not found", file=sys.stderr)
            print("Hint: pass --geneval/--lmd with the prompt files from shared/benchmarks.", file=sys.stderr)
            return 2
        rows = read_rows(path)
        started = time.perf_counter()
        tags = score(planner, rows, margin=margin, width=width, height=height)
        elapsed = time.perf_counter() - started
        rule = f"GenEval rule, margin {margin:g}" if margin is not None else "plain centres"
        print(f"# {name}: {len(rows)} prompts, planner {args.planner}, {elapsed:.2f} s, relations: {rule}")
        for tag, result in tags.items():
            worst = min(worst, result.rate)
            print(f"{name}\t{tag}\t{result.rate:.3f}\t{result.passed}/{result.total}")
            for prompt, reasons in result.failures[:args.show_failures]:
                print(f"  FAIL {prompt!r}: {'; '.join(reasons)}", file=sys.stderr)
    return 0 if worst >= args.min_rate else 1


if __name__ == "__main__":
    sys.exit(main())
