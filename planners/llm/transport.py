"""One chat-completions request, with our own bounded retries and one clear error for each failure.

Every request has a wall-clock deadline (the sooner of `timeout` from its start and the plan's
`max_total_time`) and a size cap on the reply, both enforced while the bytes arrive (`deadline`):
a server that drips its reply or sends megabytes is stopped, not waited for.

The openai client's own retries are off (`max_retries=0`) so that every request is counted here:
429 (honouring Retry-After), 5xx, timeouts and dropped connections are retried with doubling
waits, bounded by a count, by the longest single wait and by the plan's deadline. Everything else
becomes a PlannerError with a hint, or a `FormatUnsupported` that lets the planner fall back to a
plainer way of asking for JSON.
"""

from __future__ import annotations

import email.utils
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scenes.errors import PlannerError

from .options import KEY_VARIABLES, LLMOptions, api_key_for, redact
from .reply import response_format

NOT_OPENAI_HINT = "Point --llm-base-url at an OpenAI-compatible endpoint (it usually ends in /v1)."
TRANSIENT_HINT = "The server is busy or failing; try again later, or raise -P max_retries / -P timeout."
# Words in a 400 that mean "I do not understand that response_format".
_FORMAT_WORDS = ("response_format", "json_schema", "json_object", "json", "schema", "grammar", "format")
# Request parameters some models refuse, and what to send instead (None: leave it out).
_ADAPTABLE = {"max_tokens": "max_completion_tokens", "temperature": None, "seed": None}
# The most bytes read for one reply (headers included): ten times the longest reply the planner
# reads (`reply.MAX_REPLY_CHARS`) leaves room for the JSON around it and for escapes.
MAX_REPLY_BYTES = 2 * 2**20


@dataclass
class ChatReply:
    text: str
    finish_reason: str | None
    usage: dict[str, int] = field(default_factory=dict)


class FormatUnsupported(Exception):
    """The server refused the response_format of this mode."""

    def __init__(self, mode: str, message: str):
        super().__init__(f"{mode} refused: {message}")
        self.mode = mode
        self.message = message


@dataclass
class RequestShape:
    """How requests to one (server, model) must look, learnt from its refusals."""

    renamed: dict[str, str] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)


class ChatTransport:
    def __init__(self, options: LLMOptions, *, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic):
        self.options = options
        self.host = options.base_url_host
        self.requests = 0
        self.shape = RequestShape()
        self._sleep, self.clock = sleep, clock
        self._client: Any = None

    def _openai(self) -> Any:
        if self._client is None:
            import openai

            from .deadline import bounded_http_client

            self._client = openai.OpenAI(api_key=api_key_for(self.options.base_url), base_url=self.options.base_url,
                                         max_retries=0, timeout=self.options.timeout,
                                         http_client=bounded_http_client(self.options.base_url))
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    # -- one request, retried while the failure is transient ---------------------------------

    def chat(self, messages: list[dict[str, str]], *, mode: str, seed: int | None, deadline: float,
             schema: dict[str, Any] | None = None) -> ChatReply:
        """One reply; `schema` replaces the plan's JSON schema in json_schema mode (staged requests)."""
        import openai  # here, not at the top: `deig plan` with the rules planner never loads the HTTP stack

        from .deadline import ReplyTooLarge, RequestDeadline, bounded

        client = self._openai()
        retries = 0
        problem: str | None = None
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise self._out_of_time(problem)
            self.requests += 1
            wait: float | None = None
            allowed = min(self.options.timeout, remaining)
            arguments = self._arguments(messages, mode, seed, schema)
            try:
                # The socket layer ends the request at this wall-clock instant, however the server stalls.
                with bounded(time.monotonic() + allowed, MAX_REPLY_BYTES):
                    completion = client.chat.completions.create(**arguments, timeout=allowed)
                return self._read(completion)
            except (openai.APITimeoutError, RequestDeadline):
                if allowed < self.options.timeout:  # the plan's deadline, not the request's, ran out
                    raise self._out_of_time(problem or f"no complete answer from the server at {self.host}") from None
                problem = f"the server at {self.host} did not answer within {allowed:g} s"
            except ReplyTooLarge as exc:
                raise PlannerError(f"the LLM server at {self.host} sent more than {exc.limit // 2**20} MiB in one "
                                   "reply; stopped reading",
                                   hint="The server does not keep to max_tokens: check the server and the model, "
                                   "or lower -P max_tokens.") from None
            except ValueError as exc:  # HTTP 200 with a body that is not JSON, or not shaped like a completion
                raise PlannerError(f"the LLM server at {self.host} gave an answer that is not a chat completion "
                                   f"({_short(redact(str(exc)), 120)})", hint=NOT_OPENAI_HINT) from None
            except openai.APIConnectionError as exc:
                if _is_connect_error(exc):
                    raise PlannerError(
                        f"cannot reach the LLM server at {self.host}: {_cause(exc)}",
                        hint="Is the server running? Check --llm-base-url (or DEIG_LLM_BASE_URL), e.g. "
                        "http://localhost:11434/v1 for Ollama, or use --planner rules.") from None
                problem = f"the connection to {self.host} broke: {_cause(exc)}"
            except openai.RateLimitError as exc:
                if _error_code(exc) == "insufficient_quota":
                    raise PlannerError(f"the account behind the API key has no quota left at {self.host}",
                                       hint="Check the account's billing, or use a local server.") from None
                problem = f"the server at {self.host} is rate-limiting requests (HTTP 429)"
                wait = _retry_after(exc.response)
            except openai.InternalServerError as exc:
                problem = f"the server at {self.host} failed (HTTP {exc.status_code}): {_server_message(exc)}"
            except openai.APIStatusError as exc:
                if self._adapt(exc):
                    continue
                raise self._refusal(exc, mode) from None
            except openai.APIError as exc:  # an answer the client could not make sense of
                raise PlannerError(f"the LLM server at {self.host} gave an answer that is not a chat completion: "
                                   f"{_short(redact(str(exc)), 160)}", hint=NOT_OPENAI_HINT) from None
            if retries >= self.options.max_retries:
                attempts = f"{retries + 1} attempt{'s' if retries else ''}"
                raise PlannerError(f"{problem}; gave up after {attempts}", hint=TRANSIENT_HINT)
            if wait is None:
                wait = self.options.backoff * (2 ** retries)
            if wait > self.options.max_wait:
                raise PlannerError(f"{problem}; it asks to wait {wait:g} s, longer than max_wait "
                                   f"({self.options.max_wait:g} s)", hint=TRANSIENT_HINT)
            if self.clock() + wait >= deadline:
                raise self._out_of_time(problem)
            self._sleep(wait)
            retries += 1

    def _arguments(self, messages: list[dict[str, str]], mode: str, seed: int | None,
                   schema: dict[str, Any] | None = None) -> dict[str, Any]:
        arguments: dict[str, Any] = {"model": self.options.model, "messages": messages,
                                     "max_tokens": self.options.max_tokens}
        if self.options.temperature is not None:
            arguments["temperature"] = self.options.temperature
        if seed is not None:
            arguments["seed"] = seed
        fmt = response_format(mode, schema)
        if fmt is not None:
            arguments["response_format"] = fmt
        for name in self.shape.dropped:
            arguments.pop(name, None)
        for old, new in self.shape.renamed.items():
            if old in arguments:
                arguments[new] = arguments.pop(old)
        return arguments

    def _adapt(self, exc: Any) -> bool:
        """Learn from a 400 that names a parameter this model does not take; True to resend."""
        if exc.status_code != 400:
            return False
        message = _server_message(exc).lower()
        for name, replacement in _ADAPTABLE.items():
            named = exc.param == name or f"'{name}'" in message or f"`{name}`" in message
            if not named or not ("unsupported" in message or "not supported" in message):
                continue
            if name in self.shape.dropped or name in self.shape.renamed:
                return False
            if replacement is None:
                self.shape.dropped.add(name)
            else:
                self.shape.renamed[name] = replacement
            return True
        return False

    # -- reading the reply ---------------------------------------------------------------------

    def _read(self, completion: Any) -> ChatReply:
        choices = getattr(completion, "choices", None)
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = getattr(choice, "message", None)
        if message is None:
            raise PlannerError(f"the server at {self.host} answered without a chat completion", hint=NOT_OPENAI_HINT)
        finish_reason = getattr(choice, "finish_reason", None)
        refusal = getattr(message, "refusal", None)
        if refusal:
            raise PlannerError(f"the model refused to plan this prompt: {_short(redact(str(refusal)))}",
                               hint="Rephrase the prompt, try another model (--llm-model), or use --planner rules.")
        if finish_reason == "content_filter":
            raise PlannerError("the server's content filter stopped the reply",
                               hint="Rephrase the prompt, try another model (--llm-model), or use --planner rules.")
        if finish_reason == "length":
            raise PlannerError(f"the reply was cut off at max_tokens={self.options.max_tokens} "
                               "(finish_reason 'length')",
                               hint="Allow a longer reply (-P max_tokens=N) or ask for fewer instances.")
        usage = getattr(completion, "usage", None)
        counts = {}
        if usage is not None:
            for name in ("prompt_tokens", "completion_tokens", "total_tokens"):
                value = getattr(usage, name, None)
                if isinstance(value, int):
                    counts[name] = value
        content = getattr(message, "content", None)
        return ChatReply(text=redact(content if isinstance(content, str) else ""), finish_reason=finish_reason,
                         usage=counts)

    # -- errors ----------------------------------------------------------------------------------

    def _refusal(self, exc: Any, mode: str) -> Exception:
        status, text = exc.status_code, _server_message(exc)
        lowered = text.lower()
        if status == 401:
            # The server's message is left out on purpose: some echo part of the key back.
            if not any(os.environ.get(name) for name in KEY_VARIABLES):
                return PlannerError(f"the LLM server at {self.host} wants an API key (HTTP 401) and none is set",
                                    hint="Export DEIG_LLM_API_KEY (or OPENAI_API_KEY).")
            return PlannerError(f"the LLM server at {self.host} rejected the API key (HTTP 401)",
                                hint="Check DEIG_LLM_API_KEY (or OPENAI_API_KEY).")
        if status == 403:
            return PlannerError(f"the LLM server at {self.host} refused access (HTTP 403): {text}",
                                hint=f"Check that the API key may use model '{self.options.model}'.")
        if status == 404:
            if "model" in lowered:
                return PlannerError(f"the LLM server at {self.host} does not know model '{self.options.model}': {text}",
                                    hint="Check --llm-model (or DEIG_LLM_MODEL); GET /v1/models lists what the "
                                    "server has (Ollama: 'ollama pull NAME').")
            return PlannerError(f"no chat-completions endpoint at {self.host} (HTTP 404): {text}",
                                hint="The base URL usually ends in /v1, e.g. http://localhost:8000/v1.")
        if mode != "text" and status in (400, 415, 422, 501) and (
                exc.param == "response_format" or not text or any(w in lowered for w in _FORMAT_WORDS)):
            return FormatUnsupported(mode, text)
        if "context" in lowered or "too long" in lowered or "maximum" in lowered:
            hint = "The request is too long for this model: use a shorter prompt or a smaller -P max_tokens."
        else:
            hint = "Check --llm-model and the planner options (-P key=value)."
        return PlannerError(f"the LLM server at {self.host} rejected the request (HTTP {status}): {text}", hint=hint)

    def _out_of_time(self, problem: str | None = None) -> PlannerError:
        what = f"{problem}; " if problem else ""
        return PlannerError(f"{what}planning took longer than max_total_time ({self.options.max_total_time:g} s)",
                            hint="Raise -P max_total_time, or use a faster model or server.")


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _server_message(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        text = body.get("message") or body.get("detail") or body.get("error") or json.dumps(body)
    elif body is not None:
        text = str(body)
    else:
        text = ""
    return _short(redact(str(text)))


def _error_code(exc: Any) -> str | None:
    return exc.code if isinstance(getattr(exc, "code", None), str) else None


def _retry_after(response: Any) -> float | None:
    """Seconds the server asks us to wait: retry-after-ms, then Retry-After (seconds or HTTP date)."""
    headers = getattr(response, "headers", None) or {}
    try:
        if headers.get("retry-after-ms"):
            return max(float(headers["retry-after-ms"]) / 1000, 0.0)
        value = headers.get("retry-after")
        if not value:
            return None
        try:
            return max(float(value), 0.0)
        except ValueError:
            when = email.utils.parsedate_to_datetime(value)
            return max(when.timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, OverflowError):
        return None


def _is_connect_error(exc: Exception) -> bool:
    import httpx2

    return isinstance(exc.__cause__, httpx2.ConnectError)


def _cause(exc: Exception) -> str:
    cause = exc.__cause__
    text = str(cause) if cause is not None and str(cause) else type(cause or exc).__name__
    return _short(redact(text), 160)
