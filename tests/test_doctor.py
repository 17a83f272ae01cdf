"""`deig doctor`: one line per check with its status; the LLM endpoint asked for real, its key never shown."""

from __future__ import annotations

import json
import os
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import run_deig

LINE = re.compile(r"^(ok|info|warn|fail) +[^:]+: .+$")
SECRET = "sk-doctor-secret-4242"


class _Models(BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []
    status = 200

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).seen.append({"path": self.path, "authorization": self.headers.get("Authorization", "")})
        body = json.dumps({"object": "list", "data": [{"id": "planner-model", "object": "model"}]}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[tuple[str, type[_Models]]]:
    handler = type("Models", (_Models,), {"seen": [], "status": 200})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", handler
    finally:
        server.shutdown()
        server.server_close()


def _lines(stdout: str) -> dict[str, tuple[str, str]]:
    checks = {}
    for line in stdout.splitlines():
        assert LINE.match(line), line
        status, rest = line.split(maxsplit=1)
        name, detail = rest.split(": ", 1)
        checks[name] = (status, detail)
    return checks


def test_every_line_is_a_check_and_the_exit_code_follows_failures(cli) -> None:
    # A model in the local Hugging Face cache, laid out as the hub client lays it out.
    repo = Path(os.environ["HF_HOME"]) / "hub" / "models--acme--painter"
    (repo / "snapshots" / "0123abcd").mkdir(parents=True)
    (repo / "snapshots" / "0123abcd" / "model.safetensors").write_bytes(b"\0" * 2048)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("0123abcd")

    result = run_deig("doctor")
    checks = _lines(result.stdout)
    assert result.code == (1 if any(status == "fail" for status, _ in checks.values()) else 0), result.stdout
    assert checks["deig"][0] == "ok" and checks["torch"][0] == "ok"
    assert checks["cpu"][0] == "ok" and "cores" in checks["cpu"][1]
    assert "cuda:0" in checks or checks["gpu"][0] == "warn"
    assert checks["renderer preview"] == ("ok", "built in")
    assert checks["model acme/painter"][0] == "ok" and "1 revision" in checks["model acme/painter"][1]
    assert checks["llm endpoint"][0] == "info"  # none configured: nothing asked

    as_json = cli("doctor", "--json")
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert {"check", "status", "detail"} == set(records[0])
    assert [r["check"] for r in records if r["check"] != "model acme/painter"] == [
        name for name in checks if name != "model acme/painter"]


def test_a_configured_endpoint_is_asked_and_the_key_never_shown(cli, endpoint, monkeypatch) -> None:
    url, handler = endpoint
    monkeypatch.setenv("DEIG_LLM_BASE_URL", url)
    monkeypatch.setenv("DEIG_LLM_API_KEY", SECRET)
    monkeypatch.setenv("DEIG_LLM_MODEL", "planner-model")
    result = cli("doctor")
    checks = _lines(result.stdout)
    assert checks["llm endpoint"] == ("ok", f"{url} answers (1 model(s))")
    assert checks["llm model"] == ("ok", "planner-model is served")
    assert handler.seen == [{"path": "/v1/models", "authorization": f"Bearer {SECRET}"}]
    assert SECRET not in result.stdout + result.stderr

    handler.status = 401
    refused = cli("doctor")
    assert _lines(refused.stdout)["llm endpoint"] == ("fail", f"{url} answers, but the key was refused")
    assert refused.code == 1 and SECRET not in refused.stdout + refused.stderr


def test_an_endpoint_that_does_not_answer_fails_quickly(cli, monkeypatch) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DEIG_LLM_BASE_URL", f"http://user:{SECRET}@127.0.0.1:{port}/v1")
    result = cli("doctor")
    status, detail = _lines(result.stdout)["llm endpoint"]
    assert status == "fail" and detail.startswith(f"http://127.0.0.1:{port}/v1 does not answer")
    assert result.code == 1 and SECRET not in result.stdout + result.stderr


def test_which_renderer_needs_which_weights_and_that_deig_needs_a_conversion(cli) -> None:
    checks = _lines(cli("doctor").stdout)
    sd15, cn15 = "stable-diffusion-v1-5/stable-diffusion-v1-5", "lllyasviel/control_v11p_sd15_openpose"
    assert checks["weights preview"] == ("ok", "none needed")
    for renderer in ("regional", "finecontrolnet"):
        status, detail = checks[f"weights {renderer}"]
        assert status == "warn"
        assert f"base model {sd15}: not downloaded" in detail
        assert f"OpenPose ControlNet (for the posed instances) {cn15}: not downloaded" in detail
        assert f"get them with `deig download {sd15} {cn15}`" in detail
    status, detail = checks["weights deig"]
    assert status == "warn" and "dushy5/DEIG: not downloaded" in detail
    assert "`deig download dushy5/DEIG --accept-license`, then `deig convert deig dushy5/DEIG`" in detail
    assert not any("downloads it on first use" in detail for _, detail in checks.values())


def test_a_downloaded_but_unconverted_deig_checkpoint_is_named_for_conversion(cli) -> None:
    snapshot = Path(os.environ["HF_HOME"]) / "hub" / "models--dushy5--DEIG" / "snapshots" / "c0ffee"
    for name in ("model.pth", "T5-XL/config.json", "T5-XL/spiece.model", "T5-XL/model.safetensors"):
        (snapshot / name).parent.mkdir(parents=True, exist_ok=True)
        (snapshot / name).write_bytes(b"x")
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text("c0ffee")
    status, detail = _lines(cli("doctor").stdout)["weights deig"]
    assert status == "warn" and detail == ("dushy5/DEIG: downloaded, not converted yet: "
                                           "run `deig convert deig dushy5/DEIG` once")
