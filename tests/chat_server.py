"""A real OpenAI-compatible HTTP server for tests: 127.0.0.1 only, scripted replies, every request kept.

    with ChatServer([reply_with({...}), fault(500, "overloaded"), ...]) as server:
        planner = LLMPlanner(LLMOptions(base_url=server.url, ...))
        ...
        assert len(server.requests) == 2

A script is a list of `Step`s served in order (past its end the server answers 500 "script
exhausted", which a test would notice), or a function `(request_body, index) -> Step`.
Also the network guard: `only_localhost()` makes any connection to another address fail, in this
process and (through `tests/netguard/sitecustomize.py`) in subprocesses.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

LOCAL_HOSTS = {"127.0.0.1", "::1", "localhost"}


@dataclass
class Step:
    status: int = 200
    body: Any = None  # a dict is sent as JSON, a str as it is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0  # > 0: after the headers, the body goes out one byte every `drip` seconds


@dataclass
class Recorded:
    path: str
    headers: dict[str, str]
    body: Any
    size: int = 0  # bytes of the request body as received

    @property
    def messages(self) -> list[dict[str, str]]:
        return self.body["messages"]

    @property
    def response_format(self) -> str:
        fmt = self.body.get("response_format")
        return fmt["type"] if fmt else "text"


def completion(content: str | None, *, finish_reason: str = "stop", refusal: str | None = None,
               model: str = "scripted", usage: tuple[int, int] = (100, 50)) -> Step:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if refusal is not None:
        message["refusal"] = refusal
    return Step(body={
        "id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        "usage": {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)},
    })


def reply_with(document: Any, **kwargs: Any) -> Step:
    return completion(json.dumps(document), **kwargs)


def fault(status: int, message: str, *, headers: dict[str, str] | None = None, param: str | None = None,
          code: str | None = None, delay: float = 0.0) -> Step:
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return Step(status=status, body={"error": error}, headers=headers or {}, delay=delay)


Script = list[Step] | Callable[[Any, int], Step]


class ChatServer:
    def __init__(self, script: Script, *, port: int = 0):
        self.script = script
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> ChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()  # wakes handlers that are still sleeping on a slow reply
        self._httpd.shutdown()
        self._httpd.server_close()

    def step_for(self, body: Any, index: int) -> Step:
        if callable(self.script):
            return self.script(body, index)
        if index < len(self.script):
            return self.script[index]
        return fault(500, "script exhausted")


def _handler_for(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go out as two writes

        def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(Step(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]}))
            else:
                self._send(fault(404, f"no route {self.path}"))

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            with server._lock:
                server.requests.append(Recorded(self.path, {k.lower(): v for k, v in self.headers.items()}, body, len(raw)))
                index = len(server.requests) - 1
            if not self.path.endswith("/chat/completions"):
                self._send(fault(404, f"no route {self.path}"))
                return
            step = server.step_for(body, index)
            if step.delay and server._stop.wait(step.delay):
                return
            self._send(step)

        def _send(self, step: Step) -> None:
            payload = step.body if isinstance(step.body, str) else json.dumps(step.body)
            data = payload.encode("utf-8")
            try:
                self.send_response(step.status)
                content_type = "text/plain" if isinstance(step.body, str) else "application/json"
                if not any(name.lower() == "content-type" for name in step.headers):
                    self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(data)))
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if step.drip:
                    self._drip(data, step.drip)
                else:
                    self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to tell it

        def _drip(self, data: bytes, interval: float) -> None:
            self.wfile.flush()
            for index in range(len(data)):
                if server._stop.wait(interval):
                    return
                self.wfile.write(data[index:index + 1])
                self.wfile.flush()

    return Handler


def free_port() -> int:
    """A port nothing listens on (bound, then released), for connection-refused tests."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- the network guard ---------------------------------------------------------------------------


class NetworkBlocked(OSError):
    pass


def _host_of(address: Any) -> str | None:
    if isinstance(address, tuple) and address and isinstance(address[0], str):
        return address[0]
    return None  # AF_UNIX paths and the like are local by nature


def install_guard() -> Callable[[], None]:
    """Make every socket connection to an address other than the loopback fail; returns the undo."""
    original_connect, original_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(address: Any) -> None:
        host = _host_of(address)
        if host is not None and host not in LOCAL_HOSTS:
            raise NetworkBlocked(f"tests may only connect to 127.0.0.1, not {host}")

    def connect(self: socket.socket, address: Any) -> None:
        check(address)
        return original_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check(address)
        return original_connect_ex(self, address)

    def undo() -> None:
        socket.socket.connect, socket.socket.connect_ex = original_connect, original_connect_ex  # type: ignore[method-assign]

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex  # type: ignore[method-assign]
    return undo


@contextmanager
def only_localhost() -> Iterator[None]:
    undo = install_guard()
    try:
        yield
    finally:
        undo()
