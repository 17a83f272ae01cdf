"""Plugin options from flags, `-O key=value` pairs and a scene's `render:` block, validated early."""

from __future__ import annotations

import difflib
import json
from typing import Any

from pydantic import BaseModel, ValidationError

from scenes.errors import InvalidInput


def parse_assignments(pairs: list[str] | None, flag: str) -> dict[str, Any]:
    """['steps=30', 'name=x'] -> {'steps': 30, 'name': 'x'}; values are JSON if they parse as JSON."""
    values: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or not key:
            raise InvalidInput(f"{flag} expects KEY=VALUE, got '{pair}'", hint=f"For example: {flag} steps=30")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        if isinstance(value, dict | list):
            value = raw  # options are scalars; keep the text as written
        values[key] = value
    return values


def build_options(model: type[BaseModel], values: dict[str, Any], owner: str) -> BaseModel:
    """Validate `values` against a plugin's Options model, every problem reported by option name."""
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        fields = list(model.model_fields)
        problems = []
        for err in exc.errors(include_url=False):
            name = ".".join(str(part) for part in err["loc"]) or "options"
            if err["type"] == "extra_forbidden":
                close = difflib.get_close_matches(name, fields, n=1)
                problems.append(f"{owner} has no option '{name}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
            else:
                message = err["msg"].removeprefix("Value error, ")
                problems.append(f"option '{name}': {message[0].lower()}{message[1:]} (got {err.get('input')!r})")
        raise InvalidInput(
            problems[0],
            details=problems[1:],
            hint=f"Options of {owner}: {', '.join(fields) or 'none'}.",
        ) from None
