"""The llm planner through the command line: a real shell pipe, the key nowhere, exit 3 for faults."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from chat_server import ChatServer, Step, completion, fault, free_port, reply_with
from conftest import HANG_SECONDS, REPO, run_deig
from llm_fixtures import SECRET_KEY, llm_env  # noqa: F401

from scenes.io import load_scenes

pytestmark = pytest.mark.usefixtures("llm_env")

LMD_CACHE = REPO / "benchmarks" / "data" / "lmd" / "cache_lmd_v0.1_gpt-4.json"
PROMPT = "a man in a red hat and a blue jacket next to a woman in a yellow dress holding a green umbrella"
PLAN = {
    "caption": "a man in a red hat and a blue jacket next to a woman in a yellow dress with a green umbrella",
    "background": "a rainy city street",
    "negative": "blurry",
    "instances": [
        {"name": "man", "caption": "a man wearing a red hat and a blue jacket", "box": [24, 96, 232, 504],
         "pose": "standing"},
        {"name": "woman", "caption": "a woman in a yellow dress", "box": [272, 120, 472, 504], "pose": "standing"},
        {"name": "umbrella", "caption": "an open green umbrella", "box": [248, 16, 504, 200], "pose": None},
    ],
}
FAST = ["-P", "backoff=0.01", "-P", "timeout=1", "-P", "max_total_time=15"]


def subprocess_env(tmp_path: Path, server_url: str) -> dict[str, str]:
    """What the child processes see: the scripted server, the key, private caches, the network guard."""
    return {
        **os.environ,
        "DEIG_LLM_BASE_URL": server_url,
        "DEIG_LLM_MODEL": "scripted",
        "DEIG_LLM_API_KEY": SECRET_KEY,
        "DEIG_CACHE_DIR": str(tmp_path / "cache"),
        "HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(REPO / "tests" / "netguard"),
    }


def everything_written(tmp_path: Path, *streams: str) -> str:
    """Every file under tmp_path (images included, as bytes decoded leniently) and the given streams."""
    parts = list(streams)
    for path in tmp_path.rglob("*"):
        if path.is_file():
            parts.append(path.read_bytes().decode("latin-1"))
    return "\n".join(parts)


def test_the_network_guard_is_active_in_subprocesses(tmp_path):
    code = "import socket; socket.create_connection(('192.0.2.1', 80), timeout=0.5)"
    proc = subprocess.run([sys.executable, "-c", code], env=subprocess_env(tmp_path, "http://127.0.0.1:9/v1"),
                          capture_output=True, timeout=HANG_SECONDS)
    assert proc.returncode != 0 and b"tests may only connect to 127.0.0.1, not 192.0.2.1" in proc.stderr


def test_plan_piped_into_render_as_a_real_shell_pipe(tmp_path):
    out = tmp_path / "out"
    deig = f"{sys.executable} -m deigcli"
    pipe = (f'{deig} plan "{PROMPT}" --planner llm | '
            f"{deig} render --scene - --renderer preview -o {out}")
    with ChatServer([reply_with(PLAN)]) as server:
        proc = subprocess.run(["bash", "-o", "pipefail", "-c", pipe], env=subprocess_env(tmp_path, server.url),
                              capture_output=True, timeout=HANG_SECONDS)
    stdout, stderr = proc.stdout.decode(), proc.stderr.decode()
    assert proc.returncode == 0, stderr
    assert len(server.requests) == 1
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET_KEY}"
    [image] = stdout.split()
    assert Path(image).is_file() and Path(image).suffix == ".png"
    manifest = json.loads(Path(image).with_suffix(".json").read_text())
    assert [i["name"] for i in manifest["scene"]["instances"]] == ["man", "woman", "umbrella"]
    assert manifest["scene"]["prompt"] == PROMPT
    assert "Traceback" not in stderr
    assert SECRET_KEY not in everything_written(tmp_path, stdout, stderr)


def test_render_from_a_prompt_records_the_planner_and_never_the_key(tmp_path):
    out = tmp_path / "out"
    env = subprocess_env(tmp_path, "")
    with ChatServer(lambda body, index: reply_with(PLAN)) as server:
        env["DEIG_LLM_BASE_URL"] = server.url
        result = run_deig("render", PROMPT, "--renderer", "preview", "-o", out, "--seed", "5", "--json", env=env)
        again = run_deig("plan", PROMPT, "--seed", "5", env=env)
        fresh = run_deig("plan", PROMPT, "--seed", "5", "--no-cache", env=env)
    assert result.code == 0, result.stderr
    assert len(server.requests) == 2, again.stderr  # the second plan came from the cache; --no-cache asks again
    assert "plan reused from the cache" in again.stderr and load_scenes(again.stdout)[0].scene.instances
    assert fresh.code == 0
    [record] = [json.loads(line) for line in result.stdout.splitlines()]
    on_disk = json.loads(Path(record["manifest_path"]).read_text())
    assert on_disk["planner"] == record["manifest"]["planner"]
    planner = on_disk["planner"]
    host = server.url.split("//")[1].split("/")[0]
    assert planner["name"] == "llm" and planner["model"] == "scripted" and planner["base_url_host"] == host
    assert planner["mode"] == "json_schema" and planner["attempts"] == 1 and len(planner["template_sha256"]) == 64
    assert json.loads(planner["raw_replies"][0]) == PLAN
    assert planner["usage"]["total_tokens"] == 150
    written = everything_written(tmp_path, result.stdout, result.stderr, again.stdout, again.stderr,
                                 fresh.stdout, fresh.stderr)
    assert SECRET_KEY not in written and SECRET_KEY[-6:] not in written


def test_plan_completes_a_partial_scene_file(tmp_path, cli, monkeypatch):
    partial = tmp_path / "partial.yaml"
    partial.write_text("caption: a man and a woman under an umbrella\nwidth: 768\nheight: 512\ninstances:\n"
                       "  - name: man\n    caption: a man in a grey coat\n    box: [0.05, 0.1, 0.4, 0.95]\n"
                       "  - name: woman\n  - name: umbrella\n    box: [0.3, 0.0, 0.8, 0.35]\n")
    reply = {"caption": "x", "background": "", "negative": "", "instances": [
        {"name": "man", "caption": "ignored", "box": [0, 0, 10, 10], "pose": None},
        {"name": "woman", "caption": "a woman in a yellow raincoat", "box": [420, 60, 700, 500], "pose": None},
        {"name": "umbrella", "caption": "a big red umbrella", "box": [0, 0, 10, 10], "pose": None}]}
    with ChatServer([reply_with(reply)]) as server:
        monkeypatch.setenv("DEIG_LLM_BASE_URL", server.url)
        result = cli("plan", "--scene", partial, "--format", "json")
    assert result.code == 0, result.stderr
    assert len(server.requests) == 1
    scene = json.loads(result.stdout)
    man, woman, umbrella = scene["instances"]
    assert man == {"name": "man", "caption": "a man in a grey coat", "box": [0.05, 0.1, 0.4, 0.95]}
    assert woman["caption"] == "a woman in a yellow raincoat" and woman["box"] == [420 / 768, 60 / 512, 700 / 768,
                                                                                      500 / 512]
    assert umbrella == {"name": "umbrella", "caption": "a big red umbrella", "box": [0.3, 0.0, 0.8, 0.35]}


def test_a_users_template_through_the_cli(tmp_path, cli, monkeypatch):
    template = tmp_path / "mine.j2"
    template.write_text("Answer in JSON. Canvas {{ width }}x{{ height }}.")
    with ChatServer([reply_with(PLAN)]) as server:
        monkeypatch.setenv("DEIG_LLM_BASE_URL", server.url)
        result = cli("plan", "two people", "--template", template, "--width", "768")
    assert result.code == 0, result.stderr
    assert server.requests[0].messages[0]["content"] == "Answer in JSON. Canvas 768x512.\n"
    template.write_text("{{ nope }}")
    result = cli("plan", "two people", "--template", template)
    assert result.code == 2 and result.error_lines == ["Error: template mine.j2: 'nope' is undefined"]


# -- every scripted fault through the CLI: one Error line, one Hint line, the right exit code -----


def _lmd(prompt: str) -> str:
    return json.loads(LMD_CACHE.read_text())[prompt][0]


def _inverted() -> dict:
    plan = json.loads(json.dumps(PLAN))
    plan["instances"][0]["box"] = [232, 504, 24, 96]
    return plan


def _without_json_schema(body, index):
    if (body.get("response_format") or {}).get("type") == "json_schema":
        return fault(400, "Unsupported response_format type: json_schema", param="response_format")
    return reply_with(PLAN)


LMD_PROMPT = "A realistic photo of a scene with a green car and a blue bottle"
FAULTS = {
    # name: (script, extra args, exit code, requests, text in the Error line)
    "invalid JSON": (lambda b, i: completion("{'caption': 'single quotes'"), [], 3, 3, "still invalid after 3"),
    "schema violation": (lambda b, i: reply_with({"caption": "x", "instances": []}), ["--reasks", "1"], 3, 2,
                         "required key 'background' is missing"),
    "wrong box order": (lambda b, i: reply_with(_inverted()), [], 3, 3, "instances[0].box"),
    "LMD format": ([completion(_lmd(LMD_PROMPT))], [], 0, 1, None),
    "429 then success": ([fault(429, "slow down", headers={"retry-after-ms": "50"}), reply_with(PLAN)], [], 0, 2,
                         None),
    "500 three times": ([fault(500, "overloaded")] * 3, ["-P", "max_retries=2"], 3, 3, "gave up after 3 attempts"),
    "500 three times, then success": ([fault(500, "overloaded")] * 3 + [reply_with(PLAN)], [], 0, 4, None),
    "slower than the timeout": (lambda b, i: Step(body=PLAN, delay=5), ["-P", "timeout=0.3", "-P", "max_retries=1"],
                                3, 2, "did not answer within 0.3 s"),
    "finish_reason length": ([completion('{"caption": "a', finish_reason="length")], [], 3, 1, "cut off"),
    "refusal": ([completion(None, refusal="I won't draw that.")], [], 3, 1, "refused to plan"),
    "no json_schema support": (_without_json_schema, [], 0, 2, None),
    "bad key": ([fault(401, f"Incorrect API key provided: {SECRET_KEY}")], [], 3, 1, "rejected the API key"),
    "unknown model": ([fault(404, "The model `scripted` does not exist.")], [], 3, 1, "does not know model"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_faults_through_the_cli(name, cli, monkeypatch):
    script, extra, code, requests, error_text = FAULTS[name]
    monkeypatch.setenv("DEIG_LLM_API_KEY", SECRET_KEY)
    with ChatServer(script) as server:
        monkeypatch.setenv("DEIG_LLM_BASE_URL", server.url)
        prompt = LMD_PROMPT if name == "LMD format" else PROMPT
        result = cli("plan", prompt, "--planner", "llm", "--no-cache", *FAST, *extra)
    assert result.code == code, result.stderr
    assert len(server.requests) == requests
    assert "Traceback" not in result.stderr and SECRET_KEY not in result.stderr + result.stdout
    if code:
        assert len(result.error_lines) == 1 and error_text in result.error_lines[0]
        assert len([line for line in result.stderr.splitlines() if line.startswith("Hint:")]) == 1
        assert result.stdout == ""
    else:
        assert load_scenes(result.stdout)[0].scene.is_complete


def test_connection_refused_through_a_real_process(tmp_path):
    env = subprocess_env(tmp_path, f"http://127.0.0.1:{free_port()}/v1")
    result = run_deig("plan", PROMPT, *FAST, env=env, timeout=HANG_SECONDS)
    assert result.code == 3 and result.stdout == ""
    assert result.error_lines == [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(result.error_lines) == 1 and "cannot reach the LLM server at 127.0.0.1:" in result.error_lines[0]
    assert "Hint: Is the server running?" in result.stderr and "Traceback" not in result.stderr
