"""Staged planning (-P stages=2): the things first, then boxes for exactly those things.

Against the benchmark's replay server (GPT-4's LMD layouts, GenEval oracle plans) over real HTTP, and
a scripted server for the re-ask of step 2.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest
from chat_server import ChatServer, reply_with
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


def score(results, sample) -> float:
    """Share of prompts whose plan has exactly the asked-for things (the planner-quality count check)."""
    good = sum(Counter(i.name for i in r.scene.instances) == truth_counts(e) for r, e in zip(results, sample,
                                                                                             strict=True))
    return good / len(sample)


def test_two_requests_per_prompt_the_second_for_exactly_the_things_of_the_first():
    sample = GENEVAL[::11] + LMD[::7]
    with ChatServer(replay.ReplayResponder(replay.all_plans())) as server:
        staged = planner_for(server, stages=2, max_total_time=60)
        staged_results = [staged.plan(e["prompt"], canvas=Canvas(512, 512), seed=0) for e in sample]
        staged_requests = list(server.requests)
        server.requests.clear()
        single = planner_for(server, stages=1, max_total_time=60)
        single_results = [single.plan(e["prompt"], canvas=Canvas(512, 512), seed=0) for e in sample]
    by_prompt: dict[str, list] = {}
    for request in staged_requests:
        by_prompt.setdefault(request.messages[1]["content"], []).append(request)
    assert len(by_prompt) == len(sample)
    for entry, result in zip(sample, staged_results, strict=True):
        requests = by_prompt["Description: " + entry["prompt"]]
        assert "step 1 of 2" in requests[0].messages[0]["content"]
        if not result.scene.instances:  # nothing to place: no step 2
            assert len(requests) == 1
            continue
        first, second = requests
        assert "step 2 of 2" in second.messages[0]["content"]
        things = json.loads(second.messages[-2]["content"])["things"]  # the first reply, shown back
        listed = [line.split(". ", 1)[1].split(":")[0] for line in second.messages[-1]["content"].splitlines()
                  if line[:1].isdigit()]
        assert listed == [thing["name"] for thing in things] == [i.name for i in result.scene.instances]
        assert result.record.attempts == 2 and result.record.options["stages"] == 2
    assert sum(len(r) == 2 for r in by_prompt.values()) > 0.9 * len(sample)
    assert score(staged_results, sample) >= score(single_results, sample)
    assert score(staged_results, sample) >= 0.98


def test_a_wrong_box_count_in_step_two_is_sent_back_and_repaired():
    things = {"caption": "two cats", "background": "", "negative": "",
              "things": [{"name": "cat", "caption": "a black cat", "pose": None},
                         {"name": "cat", "caption": "a white cat", "pose": None}]}
    replies = [reply_with(things), reply_with({"boxes": [[10, 10, 100, 100]]}),
               reply_with({"boxes": [[10, 10, 100, 100], [120, 10, 220, 100]]})]
    with ChatServer(lambda body, index: replies[index]) as server:
        result = planner_for(server, stages=2).plan("two cats", canvas=Canvas(256, 256), seed=1)
        reask = server.requests[2].messages[-1]["content"]
    assert "1 boxes for 2 things" in reask and '"boxes": exactly 2 boxes' in reask
    assert [i.caption for i in result.scene.instances] == ["a black cat", "a white cat"]
    assert result.record.attempts == 3
    assert server.requests[1].response_format == "json_schema"
