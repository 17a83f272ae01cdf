"""Wall-clock deadlines and a size cap on every byte read from the LLM server.

An HTTP client's timeouts bound each socket operation, not a request: a server that sends its
headers and then one byte a second never trips a read timeout, and one that sends 50 MB is read
whole before anyone looks at the size. Here the socket layer itself (httpcore's network backend)
asks, before each connect, read and write, how much time the current request has left, and counts
the bytes it has received: past the deadline it raises `RequestDeadline`, past the size cap
`ReplyTooLarge`. Both stop the exchange at once, whichever part of it the server is stalling.

The limits of the request in progress live in a context variable set by `bounded(...)`, so one
pooled connection serves requests with different deadlines.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore2
import httpx2


class RequestDeadline(Exception):
    """The request's wall-clock deadline passed while waiting on the server."""


class ReplyTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"more than {limit} bytes")
        self.limit = limit


@dataclass
class _Limits:
    deadline: float  # time.monotonic()
    max_bytes: int
    received: int = 0

    def time_left(self, timeout: float | None) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RequestDeadline()
        return left if timeout is None else min(timeout, left)

    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


_CURRENT: contextvars.ContextVar[_Limits | None] = contextvars.ContextVar("deig_llm_request_limits", default=None)


@contextmanager
def bounded(deadline: float, max_bytes: int) -> Iterator[_Limits]:
    """Every socket operation inside ends by `deadline` (monotonic) and reads at most `max_bytes`."""
    limits = _Limits(deadline, max_bytes)
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def _call(operation: Any, timeout: float | None, timeout_error: type[Exception]) -> Any:
    limits = _CURRENT.get()
    if limits is None:
        return operation(timeout)
    try:
        return operation(limits.time_left(timeout))
    except timeout_error:
        if limits.expired():
            raise RequestDeadline() from None
        raise


class _BoundedStream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream):
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = _call(lambda t: self._inner.read(max_bytes, t), timeout, httpcore2.ReadTimeout)
        limits = _CURRENT.get()
        if limits is not None:
            limits.received += len(data)
            if limits.received > limits.max_bytes:
                raise ReplyTooLarge(limits.max_bytes)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        _call(lambda t: self._inner.write(buffer, t), timeout, httpcore2.WriteTimeout)

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore2.NetworkStream:
        return _BoundedStream(_call(lambda t: self._inner.start_tls(ssl_context, server_hostname, t), timeout,
                                    httpcore2.ConnectTimeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _BoundedBackend(httpcore2.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore2.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        return _BoundedStream(_call(lambda t: self._inner.connect_tcp(host, port, t, local_address, socket_options),
                                    timeout, httpcore2.ConnectTimeout))

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore2.NetworkStream:
        return _BoundedStream(_call(lambda t: self._inner.connect_unix_socket(path, t, socket_options), timeout,
                                    httpcore2.ConnectTimeout))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _BoundedTransport(httpx2.HTTPTransport):
    """httpx's own transport (its exception mapping included) over the bounded network backend."""

    def __init__(self, tls: bool) -> None:
        # Not HTTPTransport.__init__: it builds a pool without our backend (it takes no parameter for one),
        # and its TLS context costs a third of a second to load for a plain-http local server.
        self._pool = httpcore2.ConnectionPool(ssl_context=httpx2.create_ssl_context() if tls else None,
                                              max_connections=100, max_keepalive_connections=20,
                                              keepalive_expiry=5.0, network_backend=_BoundedBackend())


def bounded_http_client(base_url: str) -> httpx2.Client:
    """An HTTP client for the openai library whose sockets obey `bounded(...)`."""
    import openai

    return openai.DefaultHttpxClient(transport=_BoundedTransport(tls=base_url.startswith("https:")))
