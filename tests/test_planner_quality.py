"""The planner-quality benchmark: its checks, and the rules planner's scores on GenEval and LMD."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from planners.rules import RulesPlanner
from scenes.model import Scene

_SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "planner_quality.py"
_spec = importlib.util.spec_from_file_location("planner_quality", _SCRIPT)
quality = importlib.util.module_from_spec(_spec)
sys.modules["planner_quality"] = quality  # dataclasses look their module up while it loads
_spec.loader.exec_module(quality)

SETS = quality.default_sets()
needs_sets = pytest.mark.skipif(not all(p.is_file() for p in SETS.values()),
                                reason=f"benchmark prompt sets not found next to the repository ({SETS['geneval']})")


def _scene(*instances) -> Scene:
    return Scene(caption="x", instances=[{"name": n, "caption": c, "box": b} for n, c, b in instances])


LEFT, RIGHT = (0.05, 0.4, 0.35, 0.6), (0.6, 0.4, 0.9, 0.6)


@pytest.mark.parametrize(("row", "scene", "passes"), [
    ({"include": [{"class": "cat", "count": 2}]}, _scene(("cat", "a cat", LEFT), ("cat", "a cat", RIGHT)), True),
    ({"include": [{"class": "cat", "count": 2}]}, _scene(("cat", "a cat", LEFT)), False),
    ({"include": [{"class": "cat", "count": 1}], "exclude": [{"class": "cat", "count": 2}]},
     _scene(("cat", "a cat", LEFT), ("cat", "a cat", RIGHT)), False),
    ({"include": [], "exclude": [{"class": "dog", "count": 1}]}, _scene(("dog", "a dog", LEFT)), False),
    ({"include": [{"class": "cup", "count": 1, "color": "blue"}, {"class": "plate", "count": 1, "color": "red"}]},
     _scene(("cup", "a blue cup", LEFT), ("plate", "a red plate", RIGHT)), True),
    ({"include": [{"class": "cup", "count": 1, "color": "blue"}, {"class": "plate", "count": 1, "color": "red"}]},
     _scene(("cup", "a blue cup", LEFT), ("plate", "a red plate with a blue rim", RIGHT)), False),
    ({"include": [{"class": "cup", "count": 1, "color": "blue"}]}, _scene(("cup", "a bluish cup", LEFT)), False),
    ({"include": [{"class": "cat", "count": 1}, {"class": "dog", "count": 1, "position": ["right of", 0]}]},
     _scene(("cat", "a cat", LEFT), ("dog", "a dog", RIGHT)), True),
    ({"include": [{"class": "cat", "count": 1}, {"class": "dog", "count": 1, "position": ["left of", 0]}]},
     _scene(("cat", "a cat", LEFT), ("dog", "a dog", RIGHT)), False),
])  # fmt: skip
def test_check(row, scene, passes) -> None:
    assert (quality.check(row, scene, margin=0.1) == []) is passes


def test_geneval_margin_is_stricter_than_plain_centres() -> None:
    # Offset mostly downward with a little to the left: plain centres call it "left of", GenEval does not.
    a, b = (0.30, 0.60, 0.50, 0.90), (0.35, 0.10, 0.55, 0.40)
    assert quality.relation_by_centres("left of", a, b, width=512, height=512, margin=None)
    assert not quality.relation_by_centres("left of", a, b, width=512, height=512, margin=0.1)
    assert quality.relation_by_centres("below", a, b, width=512, height=512, margin=0.1)
    # Boxes this close stand in no direction once the margin is taken off.
    assert not quality.relation_by_centres("left of", (0.40, 0.4, 0.6, 0.6), (0.42, 0.4, 0.62, 0.6),
                                           width=512, height=512, margin=0.1)


def test_planner_is_chosen_through_entry_points() -> None:
    assert isinstance(quality.make_planner("rules"), RulesPlanner)
    with pytest.raises(SystemExit, match="no planner 'nonesuch'"):
        quality.make_planner("nonesuch")


def test_main_prints_one_line_per_tag_and_fails_below_the_minimum(tmp_path, capsys) -> None:
    geneval, lmd = tmp_path / "g.jsonl", tmp_path / "l.jsonl"
    geneval.write_text(json.dumps({"tag": "counting", "include": [{"class": "cat", "count": 2}],
                                   "prompt": "a photo of two cats"}) + "\n")
    lmd.write_text(json.dumps({"tag": "negation", "include": [], "exclude": [{"class": "dog", "count": 1}],
                               "prompt": "a scene with a dog"}) + "\n")
    code = quality.main(["--geneval", str(geneval), "--lmd", str(lmd)])
    lines = [line for line in capsys.readouterr().out.splitlines() if not line.startswith("#")]
    assert lines == ["geneval\tcounting\t1.000\t1/1", "lmd\tnegation\t0.000\t0/1"]
    assert code == 1
    assert quality.main(["--geneval", str(geneval), "--lmd", str(lmd), "--min-rate", "0"]) == 0
    assert quality.main(["--geneval", str(tmp_path / "missing.jsonl"), "--lmd", str(lmd)]) == 2


@needs_sets
@pytest.mark.parametrize("name", ["geneval", "lmd"])
def test_rules_planner_scores_at_least_95_percent_on_every_tag(name: str) -> None:
    margin = quality.GENEVAL_MARGIN if name == "geneval" else None
    tags = quality.score(RulesPlanner(), quality.read_rows(SETS[name]), margin=margin)
    assert tags, "no prompts read"
    low = {tag: (round(s.rate, 3), s.failures[:3]) for tag, s in tags.items() if s.rate < 0.95}
    assert not low
