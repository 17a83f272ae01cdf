"""Fixtures for the llm planner's tests: a clean environment and the network guard.

Imported by name into the test modules that use them (they are not in conftest.py so that this
file stays independent of the project-wide one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from chat_server import ChatServer, only_localhost

from planners.llm import LLMOptions, LLMPlanner
from planners.llm.planner import forget_learnt_server_behaviour

SECRET_KEY = "sk-test-DEIG-4f1d2c9e8b7a6f5e4d3c2b1a"
ENVIRONMENT = ("DEIG_LLM_API_KEY", "OPENAI_API_KEY", "DEIG_LLM_MODEL", "DEIG_LLM_BASE_URL", "OPENAI_BASE_URL",
               "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
               "OPENAI_CUSTOM_HEADERS")

# Short limits so that fault tests take milliseconds, not minutes.
FAST = {"timeout": 2.0, "backoff": 0.01, "max_wait": 5.0, "max_total_time": 20.0, "cache": False}


@pytest.fixture
def llm_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for name in ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("DEIG_CACHE_DIR", str(tmp_path / "cache"))
    forget_learnt_server_behaviour()
    with only_localhost():
        yield tmp_path
    forget_learnt_server_behaviour()


def planner_for(server: ChatServer, **options: object) -> LLMPlanner:
    return LLMPlanner(LLMOptions(**{"base_url": server.url, "model": "scripted", **FAST, **options}))
