"""The benchmark's replay server: every plan it serves goes through the llm planner into a valid scene."""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest
from chat_server import ChatServer
from conftest import REPO
from llm_fixtures import llm_env, planner_for  # noqa: F401

from planners.base import Canvas

sys.path.insert(0, str(REPO / "benchmarks"))
import llm_replay_server as replay  # noqa: E402

pytestmark = pytest.mark.usefixtures("llm_env")

GENEVAL = [json.loads(line) for line in (REPO / "benchmarks/data/geneval/evaluation_metadata.jsonl").open()]
LMD = [json.loads(line) for line in (REPO / "benchmarks/data/lmd/lmd_prompts_derived.jsonl").open()]


def truth_counts(entry: dict) -> Counter:
    return Counter({item["class"]: item["count"] for item in entry["include"]})


def test_replayed_plans_with_slips_all_become_valid_scenes():
    sample = GENEVAL[::7] + LMD[::5]
    with ChatServer(replay.ReplayResponder(replay.all_plans(), slips=0.3)) as server:
        planner = planner_for(server, max_total_time=60)
        results = [planner.plan(entry["prompt"], canvas=Canvas(512, 512), seed=0) for entry in sample]
    for entry, result in zip(sample, results, strict=True):
        names = Counter(instance.name for instance in result.scene.instances)
        assert names == truth_counts(entry), entry["prompt"]
        assert result.scene.is_complete
    # The slips happened and were handled: clamps recorded, inverted boxes re-asked, prose unwrapped.
    assert any(r.record.repairs for r in results)
    assert any(r.record.attempts == 2 for r in results)
    assert any(r.record.raw_replies[0].startswith("Here is the scene plan") for r in results)
    assert len(server.requests) == sum(r.record.attempts for r in results)


def test_gpt4s_raw_lmd_text_is_converted_by_the_planner():
    sample = LMD[::10]
    with ChatServer(replay.ReplayResponder(replay.all_plans(), texts=replay.lmd_texts())) as server:
        planner = planner_for(server)
        results = [planner.plan(entry["prompt"], canvas=Canvas(768, 512)) for entry in sample]
    assert len(server.requests) == len(sample)
    for entry, result in zip(sample, results, strict=True):
        assert [r.location for r in result.record.repairs] == ["reply"]
        assert sum(1 for _ in result.scene.instances) == sum(truth_counts(entry).values()), entry["prompt"]


def test_geneval_relations_hold_in_the_synthesised_plans():
    for entry in GENEVAL:
        plan = replay.geneval_plan(entry)
        for index, item in enumerate(entry["include"]):
            if "position" not in item:
                continue
            relation, reference = item["position"]
            boxes = {i["name"]: i["box"] for i in plan["instances"]}
            subject, other = boxes[item["class"]], boxes[entry["include"][reference]["class"]]
            cx = lambda b: (b[0] + b[2]) / 2  # noqa: E731
            cy = lambda b: (b[1] + b[3]) / 2  # noqa: E731
            holds = {"left of": cx(subject) < cx(other), "right of": cx(subject) > cx(other),
                     "above": cy(subject) < cy(other), "below": cy(subject) > cy(other)}[relation]
            assert holds, (entry["prompt"], index)


def test_planner_quality_runs_end_to_end_with_the_llm_planner(tmp_path, monkeypatch, capsys):
    import planner_quality

    geneval, lmd = tmp_path / "geneval.jsonl", tmp_path / "lmd.jsonl"
    geneval.write_text("".join(json.dumps(row) + "\n" for row in GENEVAL[::11]))
    lmd.write_text("".join(json.dumps(row) + "\n" for row in LMD[::9]))
    with ChatServer(replay.ReplayResponder(replay.all_plans(), texts=replay.lmd_texts(), slips=0.2)) as server:
        monkeypatch.setenv("DEIG_LLM_BASE_URL", server.url)
        monkeypatch.setenv("DEIG_LLM_MODEL", "replay")
        code = planner_quality.main(["--planner", "llm", "--geneval", str(geneval), "--lmd", str(lmd)])
    out = capsys.readouterr().out
    rates = {tuple(line.split("\t")[:2]): line.split("\t")[3] for line in out.splitlines() if "\t" in line}
    assert code == 0, out
    assert set(rates) >= {("geneval", "position"), ("geneval", "counting"), ("lmd", "spatial"), ("lmd", "numeracy")}
    assert sum(int(r.split("/")[1]) for r in rates.values()) == len(GENEVAL[::11]) + len(LMD[::9])
    assert all(r.split("/")[0] == r.split("/")[1] for r in rates.values()), out
    assert len(server.requests) >= len(GENEVAL[::11]) + len(LMD[::9])
