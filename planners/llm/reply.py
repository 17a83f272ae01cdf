"""The reply the model is asked for, its strict JSON schema, and reading it out of raw text.

Structured outputs make every property required and forbid extra keys, so the reply model has no
defaults and no optional-by-omission fields: "no background" is the empty string, "no pose" is
null. Boxes are integer pixel corners on the scene's canvas, which models get right far more
often than fractions; `convert` turns them into the scene's fractions.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scenes.documents import clean_location, format_location
from scenes.poses import POSE_NAMES

from .lmd import LmdFormatError, looks_like_lmd, parse_lmd_layout

SCHEMA_NAME = "scene_plan"
MAX_REPLY_CHARS = 200_000
_THOUGHTS = re.compile(r"<think>.*?(</think>|$)", re.S)

PoseName = Literal[POSE_NAMES]  # type: ignore[valid-type]


class _ReplyModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReplyInstance(_ReplyModel):
    name: str = Field(description="Singular category noun, e.g. 'man', 'umbrella', 'fire hydrant'.")
    caption: str = Field(description="Detail caption of this instance alone: colours, materials, clothes, action.")
    box: Annotated[list[int], Field(min_length=4, max_length=4)] = Field(
        description="[x0, y0, x1, y1]: integer pixel corners on the canvas, top-left then bottom-right, y down."
    )
    pose: PoseName | None = Field(description="For a person, a pose-library name; null for anything else.")


class PlanReply(_ReplyModel):
    caption: str = Field(description="One sentence describing the whole picture.")
    background: str = Field(description="The setting without the instances; empty string for none.")
    negative: str = Field(description="What must not appear, comma-separated; empty string for nothing.")
    instances: list[ReplyInstance] = Field(description="One entry per visible thing, in any order.")


def reply_json_schema() -> dict[str, Any]:
    """The strict JSON schema of the reply, as sent with `response_format` (and `deig schema --plan`)."""
    return json.loads(_schema_text())


@lru_cache(maxsize=1)
def _schema_text() -> str:
    return json.dumps(PlanReply.model_json_schema())


def response_format(mode: str, schema: dict[str, Any] | None = None) -> dict[str, Any] | None:
    """The request's response_format; `schema` (with its title as the name) replaces the plan's."""
    if mode == "json_schema":
        if schema is not None:
            name = f"deig_{str(schema.get('title', 'reply')).lower()}"
            return {"type": "json_schema", "json_schema": {"name": name, "schema": schema, "strict": True}}
        return {"type": "json_schema",
                "json_schema": {"name": SCHEMA_NAME, "schema": reply_json_schema(), "strict": True}}
    if mode == "json_object":
        return {"type": "json_object"}
    return None


# What a re-ask may quote back to the model, as JSON-encoded bytes: the start of a refused reply
# and each problem found in it. However long or strange the reply, the next request stays small.
MAX_ECHO_BYTES = 16 * 1024
MAX_PROBLEM_BYTES = 300


def excerpt(text: str, max_bytes: int) -> str:
    """The start of `text` whose JSON encoding fits in `max_bytes`, saying how much was cut."""
    used = 0
    for index, char in enumerate(text):
        used += len(json.dumps(char)) - 2  # ASCII-escaped: an upper bound of the bytes the client sends
        if used > max_bytes:
            return f"{text[:index]} [… {len(text) - index:,} more characters cut]"
    return text


class ReplyInvalid(Exception):
    """A reply that cannot become a scene; `problems` are sent back to the model verbatim."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0] if problems else "invalid reply")
        self.problems = problems


def read_reply(text: str) -> tuple[dict[str, Any] | None, Any]:
    """The JSON object in a reply, or an LMD layout, or a ReplyInvalid saying why neither.

    Returns (document, lmd_layout): exactly one of them is set.
    """
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyInvalid([f"the reply is {len(text)} characters long; a plan fits in far fewer"])
    # Reasoning models (DeepSeek-R1, Qwen3 on Ollama or llama.cpp) think aloud before answering;
    # braces in the thoughts must not be mistaken for the answer.
    stripped = _THOUGHTS.sub("", text).strip()
    if not stripped:
        raise ReplyInvalid(["the reply was empty; answer with one JSON object"])
    try:
        document = json.loads(stripped)
    except json.JSONDecodeError as exc:
        document = first_json_object(stripped)
        if document is None:
            if looks_like_lmd(stripped):
                try:
                    return None, parse_lmd_layout(stripped)
                except LmdFormatError as lmd_error:
                    raise ReplyInvalid([f"the reply is neither JSON nor a readable layout list ({lmd_error}); "
                                        "answer with one JSON object and nothing else"]) from None
            raise ReplyInvalid([f"the reply is not JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
                                "answer with one JSON object and nothing else"]) from None
    if not isinstance(document, dict):
        raise ReplyInvalid([f"the reply is a JSON {type(document).__name__}, not an object; answer with one "
                            "JSON object with the keys caption, background, negative and instances"])
    return document, None


def first_json_object(text: str, *, max_starts: int = 64) -> dict[str, Any] | None:
    """The first `{...}` in `text` that parses as a JSON object (models wrap JSON in prose or fences)."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    tries = 0
    while start != -1 and tries < max_starts:
        try:
            value, _ = decoder.raw_decode(text, start)
        except json.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            return value
        tries += 1
        start = text.find("{", start + 1)
    return None


def validate_reply(document: dict[str, Any]) -> PlanReply:
    try:
        return PlanReply.model_validate(document)
    except ValidationError as exc:
        raise ReplyInvalid([_describe(err) for err in exc.errors(include_url=False)]) from None


_KEYS = {PlanReply: list(PlanReply.model_fields), ReplyInstance: list(ReplyInstance.model_fields)}


def _describe(err: dict[str, Any]) -> str:
    path = clean_location(err["loc"])
    if err["type"] == "missing":
        where = format_location(path[:-1]) or "the reply"
        return f"{where}: required key '{path[-1]}' is missing"
    if err["type"] == "extra_forbidden":
        model = ReplyInstance if "instances" in path[:-1] else PlanReply
        where = format_location(path[:-1]) or "the reply"
        return f"{where}: unknown key '{path[-1]}' (the keys are {', '.join(_KEYS[model])})"
    message = err["msg"].removeprefix("Value error, ")
    shown = json.dumps(err.get("input"), ensure_ascii=False, default=str)
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{format_location(path) or 'the reply'}: {message} (got {shown})"
