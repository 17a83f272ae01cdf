"""Hostile LLM servers: a reply that drips, one that never ends, garbage with HTTP 200.

Each case runs `deig plan` in a real subprocess against a real HTTP server on 127.0.0.1. The
harness bounds the process: its address space (`resource.setrlimit`) and its run time (the
subprocess timeout is max_total_time plus a grace for the interpreter to start and exit, and
running past it is the failure). The server records the size of every request body.
"""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from chat_server import ChatServer, Step, completion, reply_with
from llm_fixtures import SECRET_KEY, llm_env  # noqa: F401
from test_llm_cli import PLAN, PROMPT, subprocess_env

pytestmark = pytest.mark.usefixtures("llm_env")

# `deig plan` with the openai client loaded peaks at about 65 MB of address space (VmPeak); a
# 50 MB reply read whole needs several copies of it (bytes, text, parsed JSON): 400 MB were seen.
ADDRESS_LIMIT = 250 * 2**20
GRACE_S = 20  # interpreter start and exit on a busy machine; the plan itself must stop at max_total_time
MAX_REQUEST_BYTES = 64 * 1024


def plan_bounded(tmp_path: Path, server: ChatServer | HeaderDrip, *options: str,
                 timeout: float) -> subprocess.CompletedProcess[str]:
    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))

    return subprocess.run([sys.executable, "-m", "deigcli", "plan", PROMPT, "--planner", "llm", "--no-cache",
                           "-P", "backoff=0.01", *options], capture_output=True, text=True,
                          env=subprocess_env(tmp_path, server.url), preexec_fn=limits, timeout=timeout)


class HeaderDrip:
    """A raw HTTP server on 127.0.0.1 that sends a status line, then its headers one byte at a time."""

    def __init__(self, interval: float = 0.5):
        self.interval = interval
        self.connections = 0
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}/v1"

    def __enter__(self) -> HeaderDrip:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(b"HTTP/1.1 200 OK\r\n")
                while not self._stop.wait(self.interval):
                    connection.sendall(b"x")  # an endless header name
            except OSError:
                pass


def one_error_and_hint(stderr: str) -> str:
    lines = stderr.splitlines()
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and sum(line.startswith("Hint:") for line in lines) == 1, stderr
    assert "Traceback" not in stderr and SECRET_KEY not in stderr
    return errors[0]


def test_the_harness_limits_leave_room_for_a_normal_plan(tmp_path: Path) -> None:
    with ChatServer(lambda body, index: reply_with(PLAN)) as server:
        proc = plan_bounded(tmp_path, server, timeout=60)
    assert proc.returncode == 0, proc.stderr


DRIP = Step(body=json.dumps(completion(json.dumps(PLAN)).body), drip=1.0)  # headers at once, then a byte a second


def test_a_slow_drip_reply_fails_within_max_total_time(tmp_path: Path) -> None:
    # Each read succeeds within a second, so a per-read timeout never fires; the plan's deadline must.
    max_total_time = 8
    with ChatServer(lambda body, index: DRIP) as server:
        proc = plan_bounded(tmp_path, server, "-P", f"max_total_time={max_total_time}",
                            timeout=max_total_time + GRACE_S)
    assert proc.returncode == 3, proc.stderr
    error = one_error_and_hint(proc.stderr)
    assert f"planning took longer than max_total_time ({max_total_time} s)" in error, error
    assert len(server.requests) == 1  # the default timeout (120 s) is longer than the plan may take


def test_a_slow_drip_reply_is_cut_at_the_request_timeout(tmp_path: Path) -> None:
    with ChatServer(lambda body, index: DRIP) as server:
        proc = plan_bounded(tmp_path, server, "-P", "timeout=2", "-P", "max_retries=1", timeout=2 * 2 + GRACE_S)
    assert proc.returncode == 3, proc.stderr
    error = one_error_and_hint(proc.stderr)
    assert "did not answer within 2 s; gave up after 2 attempts" in error, error
    assert len(server.requests) == 2


def test_headers_that_drip_are_cut_at_the_request_timeout(tmp_path: Path) -> None:
    with HeaderDrip() as server:
        proc = plan_bounded(tmp_path, server, "-P", "timeout=2", "-P", "max_retries=0", timeout=2 + GRACE_S)
    assert proc.returncode == 3, proc.stderr
    error = one_error_and_hint(proc.stderr)
    assert "did not answer within 2 s; gave up after 1 attempt" in error, error
    assert server.connections == 1


def test_a_50_mb_reply_is_stopped_while_reading_and_never_sent_back(tmp_path: Path) -> None:
    huge = Step(body=json.dumps(completion("x" * (50 * 2**20)).body))
    with ChatServer(lambda body, index: huge) as server:
        proc = plan_bounded(tmp_path, server, "-P", "max_total_time=30", timeout=30 + GRACE_S)
    assert proc.returncode == 3, proc.stderr[-2000:]
    error = one_error_and_hint(proc.stderr)
    assert "MiB" in error and "stopped reading" in error, error
    assert server.requests and max(r.size for r in server.requests) <= MAX_REQUEST_BYTES


@pytest.mark.parametrize("reply", [
    "x" * 190_000,  # long prose: over the reply limit in characters, under the byte limit
    "\x01" * 190_000,  # characters that JSON escapes six bytes each when the reply is sent back
    json.dumps({"caption": "x", "k" * 150_000: 1}),  # a problem that quotes a huge key
])
def test_a_reask_sends_back_only_a_bounded_excerpt(tmp_path: Path, reply: str) -> None:
    with ChatServer(lambda body, index: completion(reply)) as server:
        proc = plan_bounded(tmp_path, server, "-P", "max_total_time=30", timeout=30 + GRACE_S)
    assert proc.returncode == 3, proc.stderr[-2000:]
    one_error_and_hint(proc.stderr)
    assert len(server.requests) == 3  # asked, then re-asked twice (the default max_reasks)
    assert max(r.size for r in server.requests) <= MAX_REQUEST_BYTES, [r.size for r in server.requests]


@pytest.mark.parametrize(("body", "content_type"), [
    ("<html><body>It works!</body></html>", "text/html"),
    ("{not json at all", "application/json"),
    ('{"unexpected": "shape"}', "application/json"),
    ("", "application/json"),
])
def test_garbage_with_http_200_is_one_error_with_a_hint(tmp_path: Path, body: str, content_type: str) -> None:
    step = Step(body=body, headers={"content-type": content_type})
    with ChatServer(lambda request, index: step) as server:
        proc = plan_bounded(tmp_path, server, "-P", "max_total_time=30", timeout=30 + GRACE_S)
    assert proc.returncode == 3, proc.stderr
    error = one_error_and_hint(proc.stderr)
    assert "not a chat completion" in error or "without a chat completion" in error, error
