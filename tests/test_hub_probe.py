"""Without network, a model that is not cached fails in seconds (exit 4), not after library retries."""

from __future__ import annotations

import socket

import pytest

from renderers.diffusion import sources
from scenes.errors import RendererUnavailable


@pytest.fixture(autouse=True)
def fresh_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "_REACHABLE", {})
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


def test_an_unreachable_hub_is_reported_at_once_with_the_download_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    with pytest.raises(RendererUnavailable) as caught:
        sources.require_hub("owner/model")  # one connect, no library retries
    # "At once": one connection probe decided it, and its verdict is remembered for the next model.
    assert sources._REACHABLE == {f"http://127.0.0.1:{port}": False}
    assert "cannot be reached" in caught.value.message and "deig download owner/model" in caught.value.hint


def test_a_reachable_hub_lets_the_download_go_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.getsockname()[1]}")
        sources.require_hub("owner/model")
