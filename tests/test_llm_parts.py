"""The llm planner's parts: schema, templates and examples, options, cache, completion, secrets, guard."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from chat_server import ChatServer, NetworkBlocked, fault, reply_with
from llm_fixtures import SECRET_KEY, llm_env, planner_for  # noqa: F401
from openai.lib._pydantic import to_strict_json_schema

from planners.base import Canvas
from planners.llm import LLMOptions, LLMPlanner, PlanReply, reply_json_schema
from planners.llm.convert import scene_from_reply
from planners.llm.lmd import LmdFormatError, name_of, parse_lmd_layout
from planners.llm.options import base_url_host
from planners.llm.templates import builtin_examples, examples_on, load_template
from scenes.errors import EXIT_INVALID, InvalidInput, PlannerError
from scenes.model import Scene
from scenes.poses import POSE_NAMES

pytestmark = pytest.mark.usefixtures("llm_env")

GOOD = {
    "caption": "a man next to a woman", "background": "", "negative": "blurry",
    "instances": [
        {"name": "man", "caption": "a man in a red hat", "box": [32, 64, 224, 500], "pose": "standing"},
        {"name": "woman", "caption": "a woman in a yellow dress", "box": [288, 80, 480, 500], "pose": None},
    ],
}


# -- the reply schema -----------------------------------------------------------------------------


def _objects(node):
    if isinstance(node, dict):
        if node.get("type") == "object":
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def test_the_reply_schema_is_strict():
    schema = reply_json_schema()
    objects = list(_objects(schema))
    assert len(objects) == 2
    for node in objects:
        assert node["additionalProperties"] is False
        assert sorted(node["required"]) == sorted(node["properties"])
    # openai's own strict transformation leaves it unchanged: nothing optional, nothing extra.
    assert to_strict_json_schema(PlanReply) == schema
    instance = schema["$defs"]["ReplyInstance"]["properties"]
    assert instance["box"] == {"description": instance["box"]["description"], "items": {"type": "integer"},
                               "maxItems": 4, "minItems": 4, "title": "Box", "type": "array"}
    assert instance["pose"]["anyOf"] == [{"enum": list(POSE_NAMES), "type": "string"}, {"type": "null"}]


# -- templates and few-shot examples ----------------------------------------------------------


@pytest.mark.parametrize("width,height", [(512, 512), (768, 512), (512, 768), (1024, 1024), (128, 128)])
def test_every_few_shot_example_validates_and_becomes_a_scene(width, height):
    examples = examples_on(width, height)
    assert len(examples) == len(builtin_examples()) >= 3
    for example in examples:
        reply = PlanReply.model_validate_json(example["reply_json"])
        scene, repairs = scene_from_reply(reply, prompt=example["prompt"], width=width, height=height, seed=1)
        assert repairs == [] and scene.is_complete and len(scene.instances) == len(reply.instances)


def test_examples_cover_negatives_poses_and_repeated_instances():
    replies = [PlanReply.model_validate(e["reply"]) for e in builtin_examples()]
    assert any(r.negative for r in replies)
    assert any(i.pose for r in replies for i in r.instances)
    assert any(len([i for i in r.instances if i.name == "apple"]) == 3 for r in replies)


def test_the_builtin_template_mentions_json_canvas_and_poses():
    text = load_template(None).render(task="plan", width=768, height=512)
    assert "JSON" in text  # JSON mode refuses prompts that never say JSON
    assert "768 pixels wide and 512 pixels high" in text and "0 <= x0 < x1 <= 768" in text
    assert all(f"- {name}: " in text for name in POSE_NAMES)
    assert "partly written" in load_template(None).render(task="complete", width=512, height=512)


def test_a_users_template_is_sent_and_its_hash_recorded(tmp_path):
    template = tmp_path / "mine.j2"
    template.write_text("Plan in JSON on {{ width }}x{{ height }}. Poses: {{ pose_names | join(', ') }}.\n"
                        "{% for e in examples[:1] %}{{ e.reply_json }}{% endfor %}")
    with ChatServer([reply_with(GOOD)]) as server:
        result = planner_for(server, template=template).plan("two people", canvas=Canvas(512, 512))
    system = server.requests[0].messages[0]["content"]
    assert system.startswith("Plan in JSON on 512x512. Poses: standing, walking")
    import hashlib
    assert result.record.template_sha256 == hashlib.sha256(template.read_bytes()).hexdigest()
    assert result.record.options["template"] == "mine.j2"


@pytest.mark.parametrize("source,expected", [
    ("Canvas {{ widht }}", "'widht' is undefined"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "template mine.j2"),
    ("{% for x in %}", "line 1"),
])
def test_bad_or_hostile_templates_are_refused_before_any_request(tmp_path, source, expected):
    template = tmp_path / "mine.j2"
    template.write_text(source)
    with ChatServer([reply_with(GOOD)]) as server:
        with pytest.raises(InvalidInput) as caught:
            planner_for(server, template=template).plan("a cat", canvas=Canvas(512, 512))
    assert caught.value.exit_code == EXIT_INVALID and expected in caught.value.message
    assert server.requests == []


def test_a_missing_template_file_is_invalid_input(tmp_path):
    with pytest.raises(InvalidInput, match="cannot read template"):
        LLMPlanner(LLMOptions(base_url="http://127.0.0.1:9/v1", template=tmp_path / "nope.j2")).plan(
            "a cat", canvas=Canvas(512, 512))


# -- options --------------------------------------------------------------------------------------


def test_options_default_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEIG_LLM_MODEL", "qwen2.5:7b")
    monkeypatch.setenv("DEIG_LLM_BASE_URL", "http://localhost:11434/v1/")
    options = LLMOptions()
    assert (options.model, options.base_url) == ("qwen2.5:7b", "http://localhost:11434/v1")
    assert LLMOptions(model="other").model == "other"


def test_options_refuse_unknown_keys_and_bad_urls():
    with pytest.raises(ValueError, match="extra"):
        LLMOptions(api_key="sk-nope")
    with pytest.raises(ValueError, match="http"):
        LLMOptions(base_url="localhost:11434")


def test_the_recorded_host_drops_credentials_and_path():
    assert base_url_host("https://user:secret@llm.example.com:8443/v1/tenant-token?key=abc") == "llm.example.com:8443"
    assert base_url_host("http://[::1]:8000/v1") == "[::1]:8000"


@pytest.mark.parametrize("width,height,seed,match", [(500, 512, None, "multiple of 8"), (512, 512, -1, "seed")])
def test_bad_canvas_or_seed_fail_before_any_request(width, height, seed, match):
    with ChatServer([reply_with(GOOD)]) as server:
        with pytest.raises(InvalidInput, match=match):
            planner_for(server).plan("a cat", canvas=Canvas(width, height), seed=seed)
    assert server.requests == []


# -- the plan cache -----------------------------------------------------------------------------


def test_the_same_request_replans_from_the_cache(tmp_path):
    with ChatServer(lambda body, index: reply_with(GOOD)) as server:
        first = planner_for(server, cache=True).plan("two people", canvas=Canvas(512, 512), seed=3)
        again = planner_for(server, cache=True).plan("two people", canvas=Canvas(512, 512), seed=3)
        assert len(server.requests) == 1
        assert again.record.cached and not first.record.cached
        assert again.scene == first.scene and again.record.raw_replies == first.record.raw_replies
        planner_for(server, cache=True).plan("two people", canvas=Canvas(512, 512), seed=4)
        planner_for(server, cache=True).plan("two people", canvas=Canvas(768, 512), seed=3)
        planner_for(server, cache=True, temperature=0.7).plan("two people", canvas=Canvas(512, 512), seed=3)
        planner_for(server, cache=True, model="other").plan("two people", canvas=Canvas(512, 512), seed=3)
        assert len(server.requests) == 5
        planner_for(server, cache=False).plan("two people", canvas=Canvas(512, 512), seed=3)
        assert len(server.requests) == 6
    entries = list((tmp_path / "cache" / "plans").rglob("*.json"))
    assert len(entries) == 5 and not list((tmp_path / "cache" / "plans").rglob(".tmp-*"))


def test_a_corrupt_cache_entry_is_a_miss(tmp_path):
    with ChatServer(lambda body, index: reply_with(GOOD)) as server:
        planner_for(server, cache=True).plan("two people", canvas=Canvas(512, 512))
        [entry] = (tmp_path / "cache" / "plans").rglob("*.json")
        entry.write_text('{"format": 1, "scene": {"capt')
        result = planner_for(server, cache=True).plan("two people", canvas=Canvas(512, 512))
    assert len(server.requests) == 2 and not result.record.cached
    assert json.loads(entry.read_text())["scene"]["caption"] == GOOD["caption"]


# -- completing hand-written scenes -------------------------------------------------------------


PARTIAL = Scene.model_validate({
    "caption": "a man and a woman under an umbrella", "width": 768, "height": 512, "seed": 11,
    "negative": "rain",
    "instances": [
        {"name": "man", "caption": "a man in a grey coat", "box": [0.05, 0.1, 0.4, 0.95], "pose": "standing"},
        {"name": "woman", "caption": "a woman in a yellow raincoat"},
        {"name": "umbrella", "box": [0.3, 0.0, 0.8, 0.35]},
    ],
})
COMPLETION = {
    "caption": "something else", "background": "a street", "negative": "",
    "instances": [
        {"name": "man", "caption": "a different man", "box": [1, 1, 100, 100], "pose": "running"},
        {"name": "Woman", "caption": "a woman", "box": [420, 60, 700, 500], "pose": "walking"},
        {"name": "umbrella", "caption": "a big red umbrella", "box": [0, 0, 50, 50], "pose": None},
    ],
}


def test_completion_fills_only_what_is_missing():
    with ChatServer([reply_with(COMPLETION)]) as server:
        result = planner_for(server).complete(PARTIAL)
    assert len(server.requests) == 1
    sent = json.loads(server.requests[0].messages[1]["content"].split("\n", 1)[1])
    assert sent["instances"][1] == {"name": "woman", "caption": "a woman in a yellow raincoat", "box": None,
                                    "pose": None}
    assert sent["instances"][0]["box"] == [38, 51, 307, 486]
    scene = result.scene
    man, woman, umbrella = scene.instances
    assert man == PARTIAL.instances[0]
    assert woman.caption == "a woman in a yellow raincoat" and woman.box == (420 / 768, 60 / 512, 700 / 768, 500 / 512)
    assert woman.pose is None  # a pose is never invented for the user
    assert umbrella.box == PARTIAL.instances[2].box and umbrella.caption == "a big red umbrella"
    assert (scene.caption, scene.negative, scene.background, scene.seed) == (PARTIAL.caption, "rain", None, 11)
    assert result.record.completed == ["instances[1].box", "instances[2].caption"]
    assert scene.is_complete


def test_completion_that_renames_or_drops_instances_is_sent_back():
    renamed = json.loads(json.dumps(COMPLETION))
    renamed["instances"][1]["name"] = "girl"
    dropped = json.loads(json.dumps(COMPLETION))
    dropped["instances"].pop()
    with ChatServer([reply_with(renamed), reply_with(dropped), reply_with(COMPLETION)]) as server:
        result = planner_for(server).complete(PARTIAL)
    assert len(server.requests) == 3 and result.record.attempts == 3
    assert "instances[1].name: expected 'woman'" in server.requests[1].messages[-1]["content"]
    assert "the scene has 3 instances (man, woman, umbrella)" in server.requests[2].messages[-1]["content"]


def test_a_complete_scene_needs_no_request():
    scene = Scene.model_validate({"caption": "a cat", "instances": [{"name": "cat", "caption": "a cat",
                                                                     "box": [0.1, 0.1, 0.9, 0.9]}]})
    with ChatServer([]) as server:
        result = planner_for(server).complete(scene)
    assert result.scene == scene and server.requests == [] and result.record.attempts == 0


# -- the key never leaves the Authorization header ------------------------------------------------


def test_the_key_is_sent_but_never_stored(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET_KEY)
    echo = json.loads(json.dumps(GOOD))
    echo["background"] = f"a wall with {SECRET_KEY} painted on it"
    with ChatServer([reply_with(echo), fault(500, f"backend failed for key {SECRET_KEY}")]) as server:
        result = planner_for(server, cache=True).plan("two people", canvas=Canvas(512, 512))
        with pytest.raises(PlannerError) as caught:
            planner_for(server, cache=True, max_retries=0).plan("one more", canvas=Canvas(512, 512), seed=1)
    assert all(r.headers["authorization"] == f"Bearer {SECRET_KEY}" for r in server.requests)
    stored = result.record.model_dump_json() + result.scene.model_dump_json()
    stored += "".join(p.read_text() for p in (tmp_path / "cache").rglob("*") if p.is_file())
    assert SECRET_KEY not in stored and "[redacted]" in stored
    assert "backend failed for key [redacted]" in caught.value.message
    assert SECRET_KEY not in str(caught.value) + str(caught.value.hint)


# -- LMD parsing and the guard ------------------------------------------------------------------


def test_lmd_layouts_parse_without_eval():
    layout = parse_lmd_layout("Objects: [(\"a child's kite\", [10, 20.5, 30, 40]), ('a dog', [1,2,3,4]),]\n"
                              "Background prompt: A beach\nNegative prompt: None")
    assert layout.objects == [("a child's kite", [10, 20.5, 30, 40]), ("a dog", [1, 2, 3, 4])]
    assert (layout.background, layout.negative) == ("A beach", None)
    for broken in ["[('a car', [1, 2, 3])]", "[('a car', [1, 2, 3, 4])", "[(a car, [1, 2, 3, 4])]",
                   "[('a car', [1, 2, 3, os.system('x')])]"]:
        with pytest.raises(LmdFormatError):
            parse_lmd_layout(broken)


@pytest.mark.parametrize("phrase,name", [
    ("a red apple", "apple"), ("a man wearing a red hat", "man"), ("a cup of coffee", "cup"),
    ("an old wooden bench", "bench"), ("the dog on the right", "dog")])
def test_lmd_phrases_get_a_category_name(phrase, name):
    assert name_of(phrase) == name


def test_the_network_guard_blocks_other_addresses():
    with socket.socket() as sock, pytest.raises(NetworkBlocked):
        sock.connect(("192.0.2.1", 80))
    with pytest.raises(NetworkBlocked):
        socket.create_connection(("192.0.2.1", 443), timeout=0.1)
    assert Path(__file__).with_name("netguard").joinpath("sitecustomize.py").exists()


def test_completion_keeps_identity_references_and_never_shows_them_to_the_model():
    document = PARTIAL.to_document()
    document["instances"][1].update(reference=["/refs/anna-1.png", "/refs/anna-2.png"], identity="face",
                                    reference_strength=0.6)
    partial = Scene.model_validate(document)
    with ChatServer([reply_with(COMPLETION)]) as server:
        result = planner_for(server).complete(partial)
    assert "anna" not in server.requests[0].messages[1]["content"]  # paths stay on this machine
    woman = result.scene.instances[1]
    assert woman.reference == ["/refs/anna-1.png", "/refs/anna-2.png"]
    assert (woman.identity, woman.reference_strength) == ("face", 0.6) and woman.box is not None
