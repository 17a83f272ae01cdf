"""Score the rules planner's reading on free-form prompts with their facts (tests/data/reader/*.yaml).

Each case states what its scene must say, and is counted strictly: the instances, exactly (a class
nobody asked for fails it), the words each instance's caption carries and must not carry, words
that exactly one instance carries (`split`, for "one in white and one in black"), relations read
from the words (scene kinds, by instance names), poses, and words of the global caption, the
negative prompt and the summary. Prints the pass rate per file and in all, and the failures.

    python benchmarks/reader_quality.py [--show-failures N] [FILE.yaml ...]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "reader"
FIELDS = {"prompt", "names", "has", "lacks", "split", "relations", "poses", "caption", "negative", "summary",
          "background", "xfail"}


def load_cases(paths: list[Path] | None = None) -> list[tuple[str, dict]]:
    """(file stem, case) for every case of the given files (all of tests/data/reader by default)."""
    out = []
    for path in paths or sorted(DATA.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            unknown = set(case) - FIELDS
            if unknown:
                raise ValueError(f"{path.name}: {case.get('prompt')!r} has unknown fields {sorted(unknown)}")
            # YAML 1.1 reads a bare `on` as true: a relation kind is always a word
            case["relations"] = [[str(p).lower() if p is True else p for p in r] for r in case.get("relations", [])]
            case["relations"] = [["on" if p == "true" else p for p in r] for r in case["relations"]]
            out.append((path.stem, case))
    return out


def _has(text: str | None, words: str) -> bool:
    return bool(text) and re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text, re.IGNORECASE) is not None


def _has_plural(text: str | None, words: str) -> bool:
    """'no guests' excludes a guest: a thing named in the singular is in a negative prompt that has its plural."""
    from planners.rules.inflection import plural

    head, _, last = words.rpartition(" ")
    return _has(text, f"{head} {plural(last)}".strip())


def check(case: dict, scene) -> list[str]:
    """Reasons the scene fails the case (empty when it passes)."""
    reasons = []
    names = Counter(i.name for i in scene.instances)
    if dict(names) != case.get("names", {}):
        reasons.append(f"instances {dict(names)}, expected {case.get('names', {})}")
    by_name: dict[str, list] = {}
    for instance in scene.instances:
        by_name.setdefault(instance.name, []).append(instance)
    for name, words in case.get("has", {}).items():
        for instance in by_name.get(name, []):
            reasons += [f"{name}: {w!r} not in {instance.caption!r}" for w in words if not _has(instance.caption, w)]
    for name, words in case.get("lacks", {}).items():
        for instance in by_name.get(name, []):
            reasons += [f"{name}: {w!r} in {instance.caption!r}" for w in words if _has(instance.caption, w)]
    for words in case.get("split", []):
        carriers = [i for i in scene.instances if _has(i.caption, words)]
        if len(carriers) != 1:
            reasons.append(f"{words!r} is in {len(carriers)} captions, expected exactly one")
    for subject, kind, obj in case.get("relations", []):
        if not any(_relation_matches(scene, r, subject, kind, obj) for r in scene.relations):
            reasons.append(f"no relation {subject} {kind} {obj}")
    for name, pose in case.get("poses", {}).items():
        for instance in by_name.get(name, []):
            got = instance.pose if isinstance(instance.pose, str) or instance.pose is None else "keypoints"
            if (got or "none") != pose:
                reasons.append(f"{name} pose {got}, expected {pose}")
    for field in ("caption", "negative", "summary", "background"):
        for words in case.get(field, []):
            if not _has(getattr(scene, field), words) and not (field == "negative" and _has_plural(scene.negative, words)):
                reasons.append(f"{words!r} not in the {field} {getattr(scene, field)!r}")
    return reasons


def counts_hold(case: dict, scene) -> bool:
    """The hidden sets' counting: every asked-for class has its count, and at most one instance is
    of a class nobody asked for (a looser test than `check`, reported beside it)."""
    names = Counter(i.name for i in scene.instances)
    asked = case.get("names", {})
    extra = sum(n for name, n in names.items() if name not in asked)
    return all(names.get(name, 0) == n for name, n in asked.items()) and extra <= 1


# A relation read holds a weaker one it implies: what is under a thing is below it.
_IMPLIED_BY = {"below": {"below", "under"}}


def _relation_matches(scene, relation, subject: str, kind: str, obj: str) -> bool:
    if relation.kind not in _IMPLIED_BY.get(kind, {kind}) or scene.instances[relation.subject].name != subject:
        return False
    if relation.place is not None:
        return relation.place == obj
    return relation.object is not None and scene.instances[relation.object].name == obj


def plan(prompt: str):
    from planners.base import Canvas
    from planners.rules import RulesPlanner

    return RulesPlanner().plan(prompt, canvas=Canvas(768, 512)).scene


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="case files (default: all of tests/data/reader)")
    parser.add_argument("--show-failures", type=int, default=0, metavar="N", help="print N failures per file")
    args = parser.parse_args(argv)
    cases = load_cases(args.files or None)
    by_file: dict[str, list[tuple[str, list[str]]]] = {}
    started = time.perf_counter()
    for stem, case in cases:
        try:
            scene = plan(case["prompt"])
            reasons, counted = check(case, scene), counts_hold(case, scene)
        except Exception as error:  # a prompt that makes the planner fail fails that prompt
            reasons, counted = [f"planner error: {type(error).__name__}: {error}"], False
        by_file.setdefault(stem, []).append((case["prompt"], reasons, counted))
    elapsed = time.perf_counter() - started
    total = passed = counted_all = 0
    print(f"# {len(cases)} free-form prompts, rules planner, {elapsed:.2f} s")
    print("# file\tall facts\t\tcounts only (at most one instance of an unasked class)")
    for stem, results in by_file.items():
        ok = sum(1 for _, reasons, _ in results if not reasons)
        counted = sum(1 for *_, c in results if c)
        total, passed, counted_all = total + len(results), passed + ok, counted_all + counted
        print(f"{stem}\t{ok / len(results):.3f}\t{ok}/{len(results)}\t{counted / len(results):.3f}")
        for prompt, reasons, _ in [r for r in results if r[1]][:args.show_failures]:
            print(f"  FAIL {prompt!r}: {'; '.join(reasons)}", file=sys.stderr)
    print(f"all\t{passed / max(total, 1):.3f}\t{passed}/{total}\t{counted_all / max(total, 1):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
