"""What the llm planner can be told, and where the endpoint and its key come from.

Flags map onto `LLMOptions` fields; when a flag is absent the field falls back to the
environment (DEIG_LLM_MODEL, DEIG_LLM_BASE_URL). The API key is deliberately not an option:
it is read from DEIG_LLM_API_KEY or OPENAI_API_KEY at the moment a request is made, so it can
never end up in a manifest, a cache entry or an error message through the options.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from planners.base import PlannerOptions
from scenes.errors import PlannerError

DEFAULT_MODEL = "gpt-4o-mini"
OPENAI_BASE_URL = "https://api.openai.com/v1"
KEY_VARIABLES = ("DEIG_LLM_API_KEY", "OPENAI_API_KEY")
# Sent to servers that need no key (Ollama, vLLM, llama.cpp, LM Studio); the openai client
# refuses to start without one.
NO_KEY_PLACEHOLDER = "no-key-configured"

Mode = Literal["auto", "json_schema", "json_object", "text"]


def _default_model() -> str:
    return os.environ.get("DEIG_LLM_MODEL") or DEFAULT_MODEL


def _default_base_url() -> str:
    return os.environ.get("DEIG_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL") or OPENAI_BASE_URL


def default_cache_dir() -> Path:
    root = os.environ.get("DEIG_CACHE_DIR")
    return Path(root) / "plans" if root else Path.home() / ".cache" / "deig" / "plans"


Seconds = Annotated[float, Field(gt=0, le=3600)]


class ChatOptions(PlannerOptions):
    """What every chat-model planner takes, served over HTTP (llm) or run in this process (local)."""

    template: Path | None = Field(default=None, description="A jinja2 system-prompt template of your own.")
    cache: bool = Field(default=True, description="Reuse plans stored on disk for identical requests.")
    cache_dir: Path | None = Field(default=None, description="Default: $DEIG_CACHE_DIR/plans or ~/.cache/deig/plans.")
    temperature: Annotated[float, Field(ge=0, le=2)] | None = Field(
        default=0.2, description="Sampling temperature; null leaves it to the server (reasoning models)."
    )
    max_tokens: Annotated[int, Field(ge=64, le=65536)] = Field(default=4096, description="Longest reply allowed.")
    mode: Mode = Field(
        default="auto",
        description="How to ask for JSON: auto tries json_schema, then json_object, then plain text.",
    )
    max_reasks: Annotated[int, Field(ge=0, le=10)] = Field(
        default=2, description="Times an invalid reply is sent back with its validation errors."
    )
    max_total_time: Seconds = Field(default=600.0, description="Seconds one plan may take, all requests included.")
    critic_reask: bool = Field(
        default=False, description="Send the layout critic's findings (people too small, things floating, sizes "
        "off) back once, and keep the better of the two layouts. One more request; off by default, as endpoints "
        "may be paid.")
    stages: Literal[1, 2] = Field(
        default=1, description="2: ask first for the things (names, captions, poses), then for the layout of "
        "exactly those things (helps small models).")

    def recorded(self) -> dict[str, object]:
        """The options worth keeping in a manifest: what shapes the request, nothing local or secret."""
        return {
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "mode": self.mode,
            "max_reasks": self.max_reasks,
            "template": self.template.name if self.template else None,
            "stages": self.stages,
            **({"critic_reask": True} if self.critic_reask else {}),
        }


class LLMOptions(ChatOptions):
    model: Annotated[str, Field(min_length=1, max_length=256)] = Field(
        default_factory=_default_model, description="Model name as the server knows it (env DEIG_LLM_MODEL)."
    )
    base_url: Annotated[str, Field(min_length=1, max_length=2048)] = Field(
        default_factory=_default_base_url, validate_default=True,
        description="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (env DEIG_LLM_BASE_URL).",
    )
    max_retries: Annotated[int, Field(ge=0, le=10)] = Field(
        default=3, description="Retries of one request after 429, 5xx or a timeout."
    )
    timeout: Seconds = Field(default=120.0, description="Seconds one request may take (local CPU models are slow).")
    backoff: Annotated[float, Field(ge=0, le=60)] = Field(
        default=1.0, description="First wait between retries in seconds; doubles each retry."
    )
    max_wait: Seconds = Field(default=30.0, description="Longest single wait, Retry-After included.")

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http(s) URL such as http://localhost:11434/v1")
        return value.rstrip("/")

    @property
    def base_url_host(self) -> str:
        return base_url_host(self.base_url)


def base_url_host(url: str) -> str:
    """host[:port] of a URL: no user, password, path or query, which may all carry secrets."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


def api_key_for(base_url: str) -> str:
    """The key from the environment; a placeholder for servers that need none; refusal for OpenAI."""
    for name in KEY_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    if urlsplit(base_url).hostname == urlsplit(OPENAI_BASE_URL).hostname:
        raise PlannerError(
            "no API key for api.openai.com",
            hint="Export DEIG_LLM_API_KEY (or OPENAI_API_KEY), or point --llm-base-url at a local server "
            "such as http://localhost:11434/v1 (Ollama).",
        )
    return NO_KEY_PLACEHOLDER


def redact(text: str) -> str:
    """`text` with any configured API key replaced, for everything that is stored or shown."""
    for name in KEY_VARIABLES:
        key = os.environ.get(name)
        if key and len(key) >= 4:
            text = text.replace(key, "[redacted]")
    return text
