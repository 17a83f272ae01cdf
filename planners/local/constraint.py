"""Replies valid by construction: llguidance's JSON-schema grammar, plus boxes that are boxes.

The grammar (from the plan's JSON schema, tightened so that the longest possible reply fits the token
budget) keeps every reply parseable and schema-valid. A JSON schema cannot say "x1 > x0", so a second,
numeric layer watches the box being written and lets through only digits that can still end in a
valid corner: 0 <= x0 <= W - 8, x0 + 8 <= x1 <= W, the same for y. Both act as one transformers
`LogitsProcessor` on a batch of one: tokens outside either mask get -inf.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from scenes.model import MIN_BOX_PIXELS

# Compact JSON: no free whitespace, so a random or small model cannot wander off into blanks.
# Escapes only for quote and backslash: \n, \t or \u0001 would put control characters in captions.
JSON_OPTIONS = {"whitespace_flexible": False, "item_separator": ",", "key_separator": ":",
                "json_allowed_escapes": '"\\'}
# Text that is not blank (the scene refuses blank captions and names).
WORDS = r"^ *[^ ].*$"
_BOX_START = '"box":['
_BOXES_START = '"boxes":['
_REPLY_OVERHEAD_CHARS = 160  # keys, quotes and brackets of the reply outside its instances
_INSTANCE_OVERHEAD_CHARS = 90  # keys, quotes, the box and the longest pose name of one instance


def bounded_schema(schema: dict[str, Any], *, text_chars: int, name_chars: int, max_tokens: int,
                   max_instances: int, width: int, height: int) -> dict[str, Any]:
    """A reply schema (plan, staged things, or staged boxes) bounded so its longest reply fits `max_tokens`.

    Every token writes at least one character, so a reply of at most `max_tokens` characters always
    ends in time. Captions and names may not be blank; box numbers stay on the canvas.
    """
    bounded = copy.deepcopy(schema)
    properties = bounded["properties"]
    side = {"type": "integer", "minimum": 0, "maximum": max(width, height)}
    if "boxes" in properties:  # staged step 2: a fixed number of boxes
        properties["boxes"]["items"]["items"] = side
        return bounded
    list_key = "instances" if "instances" in properties else "things"
    definitions = bounded.get("$defs", {})
    item = next(iter(definitions.values())) if definitions else properties[list_key]["items"]
    for key in ("caption", "background", "negative"):
        properties[key]["maxLength"] = text_chars
    properties["caption"]["pattern"] = WORDS
    item["properties"]["caption"].update(maxLength=text_chars, pattern=WORDS)
    item["properties"]["name"].update(minLength=1, maxLength=name_chars, pattern=WORDS)
    if "box" in item["properties"]:
        item["properties"]["box"]["items"] = side
    fixed = _REPLY_OVERHEAD_CHARS + 3 * text_chars
    per_item = _INSTANCE_OVERHEAD_CHARS + text_chars + name_chars
    room = max(0, (max_tokens - fixed) // per_item)
    if room < 1:
        raise ValueError(f"max_tokens {max_tokens} leaves no room for an instance with {text_chars}-character "
                         "captions; raise max_tokens or lower caption_chars")
    properties[list_key]["maxItems"] = min(room, max_instances)
    return bounded


def grammar_for(schema: dict[str, Any]) -> str:
    import llguidance

    return llguidance.LLMatcher.grammar_from_json_schema(json.dumps(schema), overrides=JSON_OPTIONS)


@dataclass(frozen=True)
class DigitTable:
    """Tokens grouped by what they do to a number: (leading digits, whether anything follows them).

    A vocabulary has a few hundred such groups at most, so the box guard decides per group and
    spreads the answer with one index array, not per token.
    """

    groups: list[tuple[str, bool]]
    group_of: np.ndarray  # token id -> index into groups

    @classmethod
    def of(cls, ll_tokenizer, vocab_size: int) -> DigitTable:
        index: dict[tuple[str, bool], int] = {}
        group_of = np.zeros(vocab_size, dtype=np.int64)
        for token in range(vocab_size):
            text = ll_tokenizer.decode_bytes([token]).decode("utf-8", "replace")
            leading = re.match(r"\d*", text).group(0)
            key = (leading, len(leading) < len(text))
            group_of[token] = index.setdefault(key, len(index))
        return cls(list(index), group_of)


def _reachable(prefix: str, low: int, high: int) -> bool:
    """Some integer written as `prefix` + more digits (or `prefix` itself) lies in [low, high]."""
    if not prefix:
        return low <= high
    if len(prefix) > 1 and prefix[0] == "0":
        return False
    value = int(prefix)
    for extra in range(len(str(max(high, 0))) - len(prefix) + 1):
        start, end = value * 10**extra, value * 10**extra + 10**extra - 1
        if start <= high and end >= low and not (extra and value == 0):
            return True
    return False


class BoxGuard:
    """Which next tokens keep the box being written a valid box on the canvas."""

    def __init__(self, table: DigitTable, width: int, height: int):
        self.table = table
        self.width, self.height = width, height

    def bounds(self, done: list[int]) -> tuple[int, int]:
        index = len(done)
        side = self.width if index % 2 == 0 else self.height
        if index < 2:
            return 0, side - MIN_BOX_PIXELS
        return done[index - 2] + MIN_BOX_PIXELS, side

    def allowed(self, text: str) -> np.ndarray | None:
        """A boolean mask over the vocabulary while a box is being written, else None."""
        inside = _open_box(text)
        if inside is None:
            return None
        parts = inside.split(",")
        done = [int(part) for part in parts[:-1]]
        prefix = parts[-1]
        low, high = self.bounds(done)
        verdicts = np.zeros(len(self.table.groups), dtype=bool)
        for group, (digits, rest) in enumerate(self.table.groups):
            written = prefix + digits
            if rest:  # the number ends inside this token: it must be a valid corner now
                verdicts[group] = _complete(written, low, high)
            elif digits:
                verdicts[group] = _reachable(written, low, high)
        return verdicts[self.table.group_of]


def _open_box(text: str) -> str | None:
    """What has been written of the box being written now ('12,40,' …), or None outside a box."""
    if _BOXES_START in text:  # a staged layout reply: {"boxes":[[..],[..]]}
        start = text.rfind("[")
        if start <= text.index(_BOXES_START) + len(_BOXES_START) - 1:  # the list's own bracket
            return None
        inside = text[start + 1:]
    else:
        start = text.rfind(_BOX_START)
        if start < 0:
            return None
        inside = text[start + len(_BOX_START):]
    return None if "]" in inside else inside


def _complete(written: str, low: int, high: int) -> bool:
    if not written or (len(written) > 1 and written[0] == "0"):
        return False
    return low <= int(written) <= high


class PlanConstraint:
    """A transformers logits processor: the grammar's mask AND the box guard's, batch of one."""

    def __init__(self, matcher, guard: BoxGuard | None, ll_tokenizer, prompt_length: int, vocab_size: int):
        self.matcher = matcher
        self.guard = guard
        self.ll_tokenizer = ll_tokenizer
        self.prompt_length = prompt_length
        self.vocab_size = vocab_size
        self.consumed = 0
        self.text = ""

    def __call__(self, input_ids, scores):
        import torch

        generated = input_ids[0, self.prompt_length:].tolist()
        for token in generated[self.consumed:]:
            self.matcher.consume_token(token)
            self.text += self.ll_tokenizer.decode_bytes([token]).decode("utf-8", "replace")
        self.consumed = len(generated)
        if self.matcher.is_error():
            raise RuntimeError(f"constrained decoding failed: {self.matcher.get_error()}")
        bits = np.unpackbits(np.frombuffer(self.matcher.compute_bitmask(), dtype=np.uint8), bitorder="little")
        allowed = bits[: scores.shape[-1]].astype(bool)
        if len(allowed) < scores.shape[-1]:
            allowed = np.concatenate([allowed, np.zeros(scores.shape[-1] - len(allowed), dtype=bool)])
        if self.guard is not None:
            box = self.guard.allowed(self.text)
            if box is not None:
                box = np.concatenate([box, np.ones(scores.shape[-1] - len(box), dtype=bool)])[: scores.shape[-1]]
                narrowed = allowed & box
                if narrowed.any():
                    allowed = narrowed
        blocked = torch.from_numpy(~allowed).to(scores.device)
        return scores.masked_fill(blocked[None, :], float("-inf"))
