"""`deig eval compare`: paired differences on the shared images, with hand-computed expectations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def write_run(folder: Path, outcomes: dict[str, bool], *, protocol: str = "lmd", sha: str = "abc") -> Path:
    folder.mkdir(parents=True)
    run = {"protocol": {"name": protocol}, "benchmark": {"name": "lmd", "sha256": sha},
           "evaluators": [{"role": "detector", "id": "google/owlvit-base-patch32", "revision": "r1"}]}
    (folder / "run.json").write_text(json.dumps(run))
    images = [{"item": key.split("-")[0], "k": int(key.split("-")[1]), "key": key, "tag": "numeracy", "ok": ok}
              for key, ok in outcomes.items()]
    (folder / "images.jsonl").write_text("".join(json.dumps(r) + "\n" for r in images))
    (folder / "instances.jsonl").write_text("")
    return folder


def test_paired_difference_on_the_shared_images(cli, tmp_path):
    # A: 1 of 3 images succeeds; B: 2 of 3, plus an image A does not have (left out of the pairing)
    a = write_run(tmp_path / "a", {"000-0": False, "000-1": False, "001-0": True})
    b = write_run(tmp_path / "b", {"000-0": True, "000-1": False, "001-0": True, "002-0": True})
    result = cli("eval", "compare", a, b, "--json", "--bootstrap", "500")
    assert result.code == 0, result.stderr
    rows = {r["metric"]: r for r in map(json.loads, result.stdout.splitlines())}
    overall = rows["overall"]
    assert (overall["a"], overall["b"]) == (pytest.approx(1 / 3), pytest.approx(2 / 3))
    assert overall["delta"] == pytest.approx(1 / 3)
    assert overall["shared_images"] == 3 and overall["shared_prompts"] == 2
    # resampling the two prompts: the difference is 1/2 (prompt 000 twice), 1/3 (both) or 0 (001 twice)
    low, high = overall["ci95"]
    assert low == pytest.approx(0.0) and high == pytest.approx(0.5)


def test_runs_of_different_protocols_are_refused_unless_allowed(cli, tmp_path):
    a = write_run(tmp_path / "a", {"000-0": True})
    b = write_run(tmp_path / "b", {"000-0": False}, protocol="geneval", sha="def")
    result = cli("eval", "compare", a, b)
    assert result.code == 2 and "not comparable" in result.error_lines[0] and "protocol lmd vs geneval" in result.stderr
    allowed = cli("eval", "compare", a, b, "--allow-mismatch")
    assert allowed.code == 0 and "Warning: runs differ: protocol lmd vs geneval" in allowed.stderr
    assert allowed.stdout.startswith("overall\tA 1.0000\tB 0.0000\tB-A -1.0000")


def test_a_folder_that_is_not_a_run_is_named(cli, tmp_path):
    result = cli("eval", "compare", tmp_path, tmp_path)
    assert result.code == 2 and "not a finished 'deig eval run' folder" in result.error_lines[0]


def test_summary_counts_a_prompt_once_for_any_image_metrics():
    from evaluation.protocols.geneval import GenEvalProtocol
    from evaluation.summary import summarize

    images = [{"item": "0", "key": "0-0", "tag": "counting", "ok": False}, {"item": "0", "key": "0-1", "tag": "counting", "ok": True},
              {"item": "1", "key": "1-0", "tag": "colors", "ok": False}, {"item": "1", "key": "1-1", "tag": "colors", "ok": False},
              {"item": "2", "key": "2-0", "tag": "colors", "ok": True}, {"item": "2", "key": "2-1", "tag": "colors", "ok": False}]
    summary = summarize(GenEvalProtocol(), images, [], resamples=100, seed=0, substitutes=[], items_total=3)
    metrics = {m["name"]: m for m in summary["metrics"]}
    assert metrics["prompts_correct"]["value"] == pytest.approx(2 / 3)   # prompts 0 and 2
    assert metrics["images_correct"]["value"] == pytest.approx(2 / 6)
    # GenEval's overall: mean of the task means, counting 1/2 and colors 1/4 (not the pooled 2/6)
    assert metrics["overall"]["value"] == pytest.approx((1 / 2 + 1 / 4) / 2)
    assert metrics["by_tag"]["groups"]["colors"]["value"] == pytest.approx(0.25)
