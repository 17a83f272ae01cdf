"""Free-form prompts of our own, each with the facts its scene must state (tests/data/reader/*.yaml).

The facts are written from what the words say, not from what the planner prints; how they are
checked is `benchmarks/reader_quality.py` (exact instance names and counts, so one class nobody
asked for fails; caption words carried and not carried; relations; poses; global caption, negative
and summary words). A case that the reader still gets wrong says so with `xfail: reason`, and is
must still fail, as a strict expected failure, so that fixing it is noticed.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "reader_quality.py"
_spec = importlib.util.spec_from_file_location("reader_quality", _SCRIPT)
quality = importlib.util.module_from_spec(_spec)
sys.modules["reader_quality"] = quality
_spec.loader.exec_module(quality)

CASES = quality.load_cases()


def test_the_set_is_large_and_of_every_kind() -> None:
    by_file: dict[str, int] = {}
    for stem, _ in CASES:
        by_file[stem] = by_file.get(stem, 0) + 1
    assert len(CASES) >= 300, by_file
    assert by_file["long_style"] >= 40 and by_file["outfits"] >= 40
    assert by_file["dense"] >= 30 and by_file["spatial"] >= 30
    assert len({case["prompt"] for _, case in CASES}) == len(CASES)  # no prompt twice


@pytest.mark.parametrize("stem", sorted({stem for stem, _ in CASES}))
def test_free_form_prompts_state_their_facts(stem: str) -> None:
    """Every case of one file states its facts; a case marked `xfail` must still fail, as a strict
    expected failure would, so that fixing it is noticed. (One test per file: 6,000 parametrised
    cases spent more time in pytest than in planning.)"""
    wrong, fixed = [], []
    for _, case in (c for c in CASES if c[0] == stem):
        reasons = quality.check(case, quality.plan(case["prompt"]))
        if reasons and not case.get("xfail"):
            wrong.append(f"{case['prompt'][:90]!r}\n    {'; '.join(reasons)}")
        elif not reasons and case.get("xfail"):
            fixed.append(f"{case['prompt'][:90]!r}\n    (marked xfail: {case['xfail'][:120]})")
    report = [f"{len(wrong)} failed:", *wrong] if wrong else []
    report += [f"{len(fixed)} now pass, remove their xfail:", *fixed] if fixed else []
    assert not report, "\n".join(report)


def test_checker_fails_what_it_should() -> None:
    """The checker itself, against a hand-built scene: extra classes, leaked words, missing relations."""
    from scenes.model import Scene

    scene = Scene(caption="x", instances=[
        {"name": "man", "caption": "a man in a red hat", "box": [0, 0, .4, 1], "pose": "standing"},
        {"name": "woman", "caption": "a woman in a red dress", "box": [.5, 0, .9, 1], "pose": "sitting"},
        {"name": "hat", "caption": "a hat", "box": [.1, 0, .2, .1]},
    ], relations=[{"subject": 0, "kind": "left_of", "object": 1}])
    case = {"prompt": "p", "names": {"man": 1, "woman": 1}, "has": {"woman": ["red dress"]},
            "lacks": {"woman": ["red"]}, "relations": [["man", "left_of", "woman"], ["woman", "on", "man"]],
            "poses": {"woman": "standing"}, "split": ["red"]}
    reasons = quality.check(case, scene)
    assert any("instances" in r for r in reasons)          # the extra hat
    assert any("'red' in" in r for r in reasons)            # red leaks into the woman
    assert any("no relation woman on man" in r for r in reasons)
    assert not any("left_of" in r for r in reasons)         # that one holds
    assert any("pose sitting" in r for r in reasons)
    assert any("in 2 captions" in r for r in reasons)
    assert quality.counts_hold(case, scene)                 # one unasked instance (the hat) is let pass
    assert not quality.counts_hold({**case, "names": {"man": 1}}, scene)  # two are not
    assert not quality.counts_hold({**case, "names": {"man": 2, "woman": 1, "hat": 1}}, scene)


def test_a_negative_named_in_the_singular_matches_its_plural() -> None:
    from scenes.model import Scene

    scene = Scene(caption="x", negative="guests, text", instances=[
        {"name": "bride", "caption": "a bride", "box": [0, 0, .4, 1], "pose": "standing"}])
    case = {"prompt": "p", "names": {"bride": 1}}
    assert not quality.check({**case, "negative": ["guest", "guests", "text"]}, scene)
    assert quality.check({**case, "negative": ["ghost"]}, scene)          # another word
    assert quality.check({**case, "negative": ["guest"]}, scene.model_copy(update={"negative": "guest list"})) == []
    assert quality.check({**case, "negative": ["car"]}, scene.model_copy(update={"negative": "cart"}))  # no part-word


def test_a_relation_read_holds_the_weaker_one_it_implies_and_not_the_reverse() -> None:
    from scenes.model import Scene

    scene = Scene(caption="x", instances=[
        {"name": "cat", "caption": "a cat", "box": [0, .6, .4, 1]},
        {"name": "table", "caption": "a table", "box": [0, .2, .6, .9]},
    ], relations=[{"subject": 0, "kind": "under", "object": 1}])
    case = {"prompt": "p", "names": {"cat": 1, "table": 1}}
    assert not quality.check({**case, "relations": [["cat", "below", "table"]]}, scene)  # under a table is below it
    assert not quality.check({**case, "relations": [["cat", "under", "table"]]}, scene)
    below = scene.model_copy(update={"relations": [scene.relations[0].model_copy(update={"kind": "below"})]})
    assert quality.check({**case, "relations": [["cat", "under", "table"]]}, below)  # below is not under
    assert quality.check({**case, "relations": [["cat", "above", "table"]]}, scene)
