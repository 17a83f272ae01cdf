"""The llm planner against a real HTTP server on 127.0.0.1: good replies, every scripted fault, counts.

Each fault ends in a valid scene or a PlannerError (exit 3), and the number of requests the
server saw is asserted.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from chat_server import ChatServer, Step, completion, fault, free_port, reply_with
from conftest import REPO
from llm_fixtures import SECRET_KEY, llm_env, planner_for  # noqa: F401

from planners.base import Canvas
from planners.llm import LLMOptions, LLMPlanner, reply_json_schema
from scenes.errors import EXIT_PLANNER, PlannerError
from scenes.poses import POSE_NAMES

pytestmark = pytest.mark.usefixtures("llm_env")

LMD_CACHE = REPO / "benchmarks" / "data" / "lmd" / "cache_lmd_v0.1_gpt-4.json"
CANVAS = Canvas(512, 512)
GOOD = {
    "caption": "a man in a red hat next to a woman in a yellow dress",
    "background": "a park in spring",
    "negative": "",
    "instances": [
        {"name": "man", "caption": "a man wearing a red hat", "box": [32, 64, 224, 500], "pose": "standing"},
        {"name": "woman", "caption": "a woman in a yellow dress", "box": [288, 80, 480, 500], "pose": "walking"},
    ],
}


def with_box(box: list[int], index: int = 0) -> dict:
    reply = json.loads(json.dumps(GOOD))
    reply["instances"][index]["box"] = box
    return reply


def plan(server: ChatServer, prompt: str = "a man and a woman", **options: object):
    return planner_for(server, **options).plan(prompt, canvas=CANVAS, seed=7)


def fails(server: ChatServer, **options: object) -> PlannerError:
    with pytest.raises(PlannerError) as caught:
        plan(server, **options)
    assert caught.value.exit_code == EXIT_PLANNER
    assert caught.value.hint
    return caught.value


# -- the good path ----------------------------------------------------------------------------


def test_the_scene_summary_lists_the_things_without_any_instance_details():
    """The regions' base (Scene.summary) comes from the names alone, counted: the model's caption tells
    every instance's clothes and colours, and each region must not hear the others' details."""
    reply = json.loads(json.dumps(GOOD))
    reply["instances"] += [{"name": "Dog", "caption": "a brown dog with a blue collar", "box": [10, 400, 90, 500],
                            "pose": None},
                           {"name": "dog", "caption": "a white dog", "box": [100, 400, 180, 500], "pose": None}]
    with ChatServer([reply_with(reply)]) as server:
        scene = plan(server, "a man in a red hat, a woman in a yellow dress and two dogs").scene
    assert scene.summary == "a man, a woman and two dogs"
    detail_words = {"red", "hat", "yellow", "dress", "brown", "blue", "collar", "white", "spring"}
    assert not detail_words & set(scene.summary.split())
    assert "red hat" in scene.caption  # the global caption keeps the user's words



def test_a_structured_reply_becomes_a_scene_and_a_full_record():
    with ChatServer([reply_with(GOOD)]) as server:
        result = plan(server, "a man in a red hat and a woman in a yellow dress")
    assert len(server.requests) == 1
    sent = server.requests[0].body
    assert server.requests[0].path == "/v1/chat/completions"
    assert sent["response_format"] == {
        "type": "json_schema", "json_schema": {"name": "scene_plan", "schema": reply_json_schema(), "strict": True}}
    assert sent["seed"] == 7 and sent["model"] == "scripted"
    system = sent["messages"][0]["content"]
    assert "512 pixels wide and 512 pixels high" in system and all(name in system for name in POSE_NAMES)
    assert sent["messages"][1] == {"role": "user", "content": "Description: a man in a red hat and a woman in a yellow dress"}

    scene = result.scene
    assert scene.prompt == "a man in a red hat and a woman in a yellow dress" and scene.seed == 7
    assert scene.background == "a park in spring" and scene.negative is None
    assert [i.name for i in scene.instances] == ["man", "woman"]
    assert scene.instances[0].box == (32 / 512, 64 / 512, 224 / 512, 500 / 512)
    assert scene.instances[1].pose == "walking"
    record = result.record
    assert record.name == "llm" and record.model == "scripted" and record.mode == "json_schema"
    assert record.base_url_host == server.url.split("//")[1].split("/")[0]
    assert record.attempts == 1 and not record.cached and record.repairs == []
    assert json.loads(record.raw_replies[0]) == GOOD
    assert record.usage == {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150}
    assert len(record.template_sha256) == 64


def test_json_inside_prose_and_fences_is_read():
    text = "Sure! Here is the plan:\n```json\n" + json.dumps(GOOD) + "\n```\nEnjoy."
    with ChatServer([completion(text)]) as server:
        result = plan(server)
    assert len(server.requests) == 1 and len(result.scene.instances) == 2


# -- replies that fail validation are sent back with the errors -----------------------------


def test_invalid_json_is_sent_back_and_the_corrected_reply_used():
    with ChatServer([completion('{"caption": "a man", "instances": [ oops'), reply_with(GOOD)]) as server:
        result = plan(server)
    assert len(server.requests) == 2 and result.record.attempts == 2
    second = server.requests[1].messages
    assert second[-2] == {"role": "assistant", "content": '{"caption": "a man", "instances": [ oops'}
    assert "not JSON" in second[-1]["content"] and "512x512 canvas" in second[-1]["content"]
    assert len(result.record.raw_replies) == 2


def test_invalid_json_every_time_gives_up_after_the_reasks():
    with ChatServer(lambda body, index: completion("I think the picture should have a man.")) as server:
        error = fails(server)
    assert len(server.requests) == 3  # one ask + two re-asks (the default)
    assert "still invalid after 3 replies" in error.message
    assert error.details[-1] == "the last reply began: 'I think the picture should have a man.'"


def test_reasks_are_configurable():
    with ChatServer(lambda body, index: completion("no")) as server:
        fails(server, max_reasks=0)
    assert len(server.requests) == 1


def test_schema_violations_are_listed_exactly_in_the_reask():
    bad = json.loads(json.dumps(GOOD))
    del bad["negative"]
    bad["instances"][0]["box"] = [1, 2, 3]
    bad["instances"][1]["colour"] = "yellow"
    bad["instances"][1]["pose"] = "cartwheel"
    with ChatServer([reply_with(bad), reply_with(GOOD)]) as server:
        result = plan(server)
    assert len(server.requests) == 2 and len(result.scene.instances) == 2
    reask = server.requests[1].messages[-1]["content"]
    assert "the reply: required key 'negative' is missing" in reask
    assert "instances[0].box: List should have at least 4 items" in reask
    assert "instances[1]: unknown key 'colour'" in reask
    assert "instances[1].pose: Input should be 'standing'" in reask


def test_scene_rules_are_enforced_through_the_reask():
    tiny = with_box([100, 100, 104, 300])
    with ChatServer([reply_with(tiny), reply_with(GOOD)]) as server:
        plan(server)
    assert len(server.requests) == 2
    assert "instances[0].box: box is 4x200 px on the 512x512 canvas" in server.requests[1].messages[-1]["content"]


def test_inverted_boxes_are_not_fixed_silently_but_sent_back():
    with ChatServer([reply_with(with_box([224, 500, 32, 64])), reply_with(GOOD)]) as server:
        result = plan(server)
    assert len(server.requests) == 2 and result.record.repairs == []
    assert "x0 < x1 and y0 < y1" in server.requests[1].messages[-1]["content"]


def test_a_model_that_keeps_inverting_boxes_fails_with_exit_3():
    with ChatServer(lambda body, index: reply_with(with_box([224, 64, 32, 500]))) as server:
        error = fails(server)
    assert len(server.requests) == 3 and "instances[0].box" in error.message


def test_width_height_boxes_that_read_as_inverted_corners_are_sent_back():
    # [x, y, w, h] = [300, 200, 100, 150] read as corners has x1 < x0.
    with ChatServer([reply_with(with_box([300, 200, 100, 150], 1)), reply_with(GOOD)]) as server:
        plan(server)
    assert len(server.requests) == 2
    assert "corners, not width and height" in server.requests[1].messages[-1]["content"]


def test_small_overshoots_are_clamped_and_recorded():
    with ChatServer([reply_with(with_box([-10, 64, 224, 530]))]) as server:
        result = plan(server)
    assert len(server.requests) == 1
    assert result.scene.instances[0].box == (0.0, 64 / 512, 224 / 512, 1.0)
    [repair] = result.record.repairs
    assert repair.location == "instances[0].box" and repair.before == [-10, 64, 224, 530]
    assert repair.after == [0, 64, 224, 512] and "clamped" in repair.action


def test_boxes_far_off_the_canvas_are_sent_back():
    with ChatServer([reply_with(with_box([-200, 64, 224, 900])), reply_with(GOOD)]) as server:
        result = plan(server)
    assert len(server.requests) == 2 and result.record.repairs == []
    assert "lies outside the 512x512 canvas" in server.requests[1].messages[-1]["content"]


# -- LLM-grounded Diffusion's format (real GPT-4 replies) --------------------------------------


def lmd_reply(prompt: str) -> str:
    return json.loads(LMD_CACHE.read_text())[prompt][0]


def test_a_real_gpt4_reply_in_lmd_format_is_converted_as_a_recorded_repair():
    prompt = "A realistic photo of a scene with a green car and a blue bottle"
    text = lmd_reply(prompt)
    assert text.startswith("[('a green car', [50, 200, 200, 150])")
    with ChatServer([completion(text)]) as server:
        result = plan(server, prompt)
    assert len(server.requests) == 1
    car, bottle = result.scene.instances
    assert (car.name, car.caption) == ("car", "a green car")
    assert car.box == (50 / 512, 200 / 512, 250 / 512, 350 / 512)
    assert (bottle.name, bottle.box) == ("bottle", (350 / 512, 250 / 512, 400 / 512, 350 / 512))
    assert result.scene.background == "A realistic scene" and result.scene.negative is None
    assert result.scene.caption == prompt
    assert [r.location for r in result.record.repairs] == ["reply"]
    assert "LLM-grounded Diffusion" in result.record.repairs[0].action


def test_a_real_gpt4_negation_reply_becomes_a_negative_prompt():
    prompt = "A realistic photo of a scene without backpacks"
    with ChatServer([completion(lmd_reply(prompt))]) as server:
        result = plan(server, prompt)
    assert len(server.requests) == 1
    assert result.scene.instances == [] and result.scene.negative == "backpacks"


def test_a_broken_lmd_list_is_sent_back_never_evaluated():
    hostile = "[('a car', __import__('os').system('touch /tmp/deig-pwned'))]\nBackground prompt: x"
    with ChatServer([completion(hostile), reply_with(GOOD)]) as server:
        plan(server)
    assert len(server.requests) == 2 and not Path("/tmp/deig-pwned").exists()
    assert "neither JSON nor a readable layout list" in server.requests[1].messages[-1]["content"]


# -- transient HTTP failures: retried, bounded, counted -----------------------------------------


def test_429_with_retry_after_waits_as_asked_then_succeeds():
    with ChatServer([fault(429, "slow down", headers={"Retry-After": "1"}), reply_with(GOOD)]) as server:
        started = time.monotonic()
        result = plan(server)
        elapsed = time.monotonic() - started
    assert len(server.requests) == 2 and result.record.attempts == 2
    assert elapsed >= 1.0


def test_a_retry_after_longer_than_max_wait_fails_at_once():
    with ChatServer([fault(429, "come back tomorrow", headers={"Retry-After": "3600"}), reply_with(GOOD)]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and "asks to wait 3600 s" in error.message


def test_exhausted_quota_is_not_retried():
    with ChatServer([fault(429, "You exceeded your current quota", code="insufficient_quota")]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and "no quota" in error.message


def test_500_three_times_then_success():
    script = [fault(500, "overloaded")] * 3 + [reply_with(GOOD)]
    with ChatServer(script) as server:
        result = plan(server)
    assert len(server.requests) == 4 and result.record.attempts == 4 and len(result.scene.instances) == 2


def test_500_three_times_with_two_retries_fails_with_exit_3():
    with ChatServer([fault(500, "overloaded")] * 3 + [reply_with(GOOD)]) as server:
        error = fails(server, max_retries=2)
    assert len(server.requests) == 3
    assert "failed (HTTP 500): overloaded; gave up after 3 attempts" in error.message


def test_a_reply_slower_than_the_timeout_is_retried():
    slow = reply_with(GOOD)
    slow.delay = 5.0
    with ChatServer([slow, reply_with(GOOD)]) as server:
        result = plan(server, timeout=0.5)
    # Had the client waited for the slow reply (5 s), it would have planned with the first request.
    assert len(server.requests) == 2 and result.record.attempts == 2 and len(result.scene.instances) == 2


def test_a_server_that_is_always_too_slow_fails_with_exit_3():
    with ChatServer(lambda body, index: Step(body=GOOD, delay=5.0)) as server:
        error = fails(server, timeout=0.3, max_retries=1)
    assert len(server.requests) == 2 and "did not answer within 0.3 s" in error.message


def test_the_total_time_is_bounded_whatever_the_retry_count():
    with ChatServer(lambda body, index: fault(503, "warming up")) as server:
        error = fails(server, max_retries=10, backoff=0.2, max_total_time=0.5)
    # Waits of 0.2 + 0.4 s exceed the 0.5 s budget: at most three requests of the ten allowed.
    assert "longer than max_total_time (0.5 s)" in error.message
    assert 1 <= len(server.requests) <= 3


def test_connection_refused_fails_at_once():
    # A retry would first wait `backoff` (60 s), over max_wait (1 s), and fail with "asks to wait":
    # the "cannot reach" message shows there was none.
    planner = LLMPlanner(LLMOptions(base_url=f"http://127.0.0.1:{free_port()}/v1", model="m", timeout=2.0,
                                    backoff=60, max_wait=1, cache=False))
    with pytest.raises(PlannerError) as caught:
        planner.plan("a cat", canvas=CANVAS)
    assert caught.value.message.startswith("cannot reach the LLM server at 127.0.0.1:")
    assert "--llm-base-url" in caught.value.hint


# -- failures that are final at once --------------------------------------------------------------


def test_truncated_reply_fails_with_exit_3():
    with ChatServer([completion('{"caption": "a man in a', finish_reason="length")]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and "cut off" in error.message and "max_tokens" in error.hint


def test_refusal_fails_with_exit_3():
    with ChatServer([completion(None, refusal="I can't help with that.")]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and error.message.endswith("refused to plan this prompt: I can't help with that.")


def test_content_filter_fails_with_exit_3():
    with ChatServer([completion("", finish_reason="content_filter")]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and "content filter" in error.message


def test_unknown_model_fails_with_exit_3():
    with ChatServer([fault(404, "model 'llama9' not found, try pulling it first")]) as server:
        error = fails(server, model="llama9")
    assert len(server.requests) == 1 and "does not know model 'llama9'" in error.message


def test_wrong_path_says_where_the_endpoint_usually_is():
    with ChatServer([fault(404, "Not Found")]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and "/v1" in error.hint


def test_auth_error_names_the_variables_not_the_key(monkeypatch):
    monkeypatch.setenv("DEIG_LLM_API_KEY", SECRET_KEY)
    with ChatServer([fault(401, f"Incorrect API key provided: {SECRET_KEY[:8]}...{SECRET_KEY[-4:]}")]) as server:
        error = fails(server)
    assert len(server.requests) == 1
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET_KEY}"
    assert "rejected the API key" in error.message and "DEIG_LLM_API_KEY" in error.hint
    everything = " ".join([error.message, error.hint, *error.details])
    assert SECRET_KEY not in everything and SECRET_KEY[-4:] not in everything


def test_a_non_openai_answer_is_a_clear_error():
    with ChatServer([Step(body="<html>router login</html>")]) as server:
        error = fails(server)
    assert len(server.requests) == 1 and "without a chat completion" in error.message


def test_no_key_for_openai_itself_fails_before_any_connection():
    planner = LLMPlanner(LLMOptions(base_url="https://api.openai.com/v1", cache=False))
    with pytest.raises(PlannerError) as caught:
        planner.plan("a cat", canvas=CANVAS)
    assert "no API key" in caught.value.message and "DEIG_LLM_API_KEY" in caught.value.hint


# -- servers without structured outputs: fall back, record, remember --------------------------


def refuse_formats(*refused: str):
    def script(body, index):
        mode = (body.get("response_format") or {}).get("type", "text")
        if mode in refused:
            return fault(400, f"response_format type '{mode}' is not supported", param="response_format")
        return reply_with(GOOD) if mode != "text" else completion("Here you go: " + json.dumps(GOOD))
    return script


def test_no_json_schema_falls_back_to_json_mode_and_remembers_it():
    with ChatServer(refuse_formats("json_schema")) as server:
        first = plan(server)
        assert [r.response_format for r in server.requests] == ["json_schema", "json_object"]
        assert first.record.mode == "json_object" and first.record.attempts == 2
        assert any("refused response_format 'json_schema'" in note for note in first.notes)
        second = plan(server, "another prompt")  # a new planner in the same process
    assert [r.response_format for r in server.requests][2:] == ["json_object"]
    assert second.record.mode == "json_object" and second.record.attempts == 1


def test_no_response_format_at_all_falls_back_to_text():
    with ChatServer(refuse_formats("json_schema", "json_object")) as server:
        first = plan(server)
        second = plan(server, "another prompt")
    assert [r.response_format for r in server.requests] == ["json_schema", "json_object", "text", "text"]
    assert first.record.mode == "text" and second.record.mode == "text"
    assert "response_format" not in server.requests[2].body


def test_a_fixed_mode_reports_the_refusal_instead_of_falling_back():
    with ChatServer(refuse_formats("json_schema")) as server:
        error = fails(server, mode="json_schema")
    assert len(server.requests) == 1 and "refused response_format 'json_schema'" in error.message


def test_a_model_that_wants_max_completion_tokens_gets_it():
    def script(body, index):
        if "max_tokens" in body:
            return fault(400, "Unsupported parameter: 'max_tokens' is not supported with this model. "
                              "Use 'max_completion_tokens' instead.", param="max_tokens")
        return reply_with(GOOD)
    with ChatServer(script) as server:
        plan(server)
        plan(server, "again")
    assert len(server.requests) == 3
    assert server.requests[1].body["max_completion_tokens"] == 4096 and "max_tokens" not in server.requests[2].body


def test_other_bad_requests_fail_with_the_servers_words():
    with ChatServer([fault(400, "This model's maximum context length is 4096 tokens")]) as server:
        error = fails(server, mode="text")
    assert len(server.requests) == 1 and "maximum context length" in error.message and "too long" in error.hint


def test_a_reasoning_models_thoughts_are_not_taken_for_the_answer():
    text = '<think>The user wants {"two": "people"}; boxes as [x0, y0, x1, y1].</think>\n' + json.dumps(GOOD)
    with ChatServer([completion(text)]) as server:
        result = plan(server)
    assert len(server.requests) == 1 and len(result.scene.instances) == 2


@pytest.mark.parametrize("body", [{"choices": []}, {"choices": [{"index": 0}]}, {"object": "list", "data": []}])
def test_json_that_is_not_a_completion_is_a_clear_error(body):
    with ChatServer([Step(body=body)]) as server:
        error = fails(server)
    assert len(server.requests) == 1
    assert "chat completion" in error.message and error.hint.startswith("Point --llm-base-url")


def test_a_server_that_wants_a_key_when_none_is_set_says_so():
    with ChatServer([fault(401, "missing bearer token")]) as server:
        error = fails(server)
    assert len(server.requests) == 1
    assert server.requests[0].headers["authorization"] == "Bearer no-key-configured"
    assert "wants an API key (HTTP 401) and none is set" in error.message and "DEIG_LLM_API_KEY" in error.hint
