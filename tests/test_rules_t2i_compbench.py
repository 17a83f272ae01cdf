"""T2I-CompBench's spatial and counting prompts, with truth read off their fixed sentence shapes.

The set has no structured truth, but "a X REL a Y" and "two Xs and three Ys" say it plainly. Its
phrasing differs from GenEval's and LMD's ("on the top of", "on side of", "hidden by", lists of
counts), so it guards the parser against fitting one benchmark's templates.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from planners.base import Canvas
from planners.layout import relation_holds
from planners.rules import RulesPlanner
from planners.rules.inflection import singular

_DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data" / "t2i_compbench"

_RELATIONS = {"on the left of": "left of", "on the right of": "right of", "on the top of": "above",
              "on the bottom of": "below", "on side of": "next to", "next to": "next to", "near": "next to",
              "in front of": "in front of", "behind": "behind", "hidden by": "behind"}
_SPATIAL = re.compile(rf"^an? (.+?) ({'|'.join(_RELATIONS)}) (?:an?|the) (.+)$")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "a": 1, "an": 1}
_COUNTED = re.compile(rf"({'|'.join(_NUMBERS)})\s+([a-z]+(?: [a-z]+)?)")


def _name(words: str) -> str:
    *first, last = words.split()
    return " ".join([*first, singular(last)[0]])


@pytest.mark.parametrize("filename", ["spatial_val.txt", "3d_spatial_val.txt"])
def test_spatial_prompts(filename: str) -> None:
    planner, failures, total = RulesPlanner(), [], 0
    for line in (_DATA / filename).read_text(encoding="utf-8").splitlines():
        match = _SPATIAL.match(line.strip())
        assert match, line
        a, relation, b = _name(match.group(1)), _RELATIONS[match.group(2)], _name(match.group(3))
        scene = planner.plan(line.strip(), canvas=Canvas()).scene
        total += 1
        names = Counter(i.name for i in scene.instances)
        if names != Counter([a, b]):
            failures.append((line, dict(names)))
            continue
        if a != b:
            box_a = next(i.box for i in scene.instances if i.name == a)
            box_b = next(i.box for i in scene.instances if i.name == b)
            if not relation_holds(relation, box_a, box_b):
                failures.append((line, relation))
    assert total >= 300
    assert len(failures) <= 0.02 * total, failures[:5]


def test_counting_lists() -> None:
    planner, failures, total = RulesPlanner(), [], 0
    for filename in ("numeracy_val.txt", "numeracy_train.txt"):
        for line in (_DATA / filename).read_text(encoding="utf-8").splitlines():
            line = line.strip().rstrip(".")
            parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", line)
            counted = [_COUNTED.fullmatch(part) for part in parts]
            if not all(counted):
                continue  # a full sentence: its truth is not in its shape
            expected = Counter()
            for match in counted:
                expected[_name(match.group(2))] += _NUMBERS[match.group(1)]
            total += 1
            got = Counter(i.name for i in planner.plan(line, canvas=Canvas()).scene.instances)
            if got != expected:
                failures.append((line, dict(got), dict(expected)))
    assert total >= 500
    assert len(failures) <= 0.02 * total, failures[:5]
