"""LLM-grounded Diffusion's layout format, read without eval.

LMD's prompts make models answer

    [('a green car', [21, 281, 211, 159]), ('a blue truck', [269, 283, 209, 160])]
    Background prompt: A realistic landscape scene
    Negative prompt: birds

with [x, y, width, height] boxes on the canvas. Models that have seen that prompt sometimes
answer in it even when asked for JSON. The format is exact enough to convert without guessing
(corners are x, y and x + w, y + h), so the planner accepts it as an explicit, recorded repair.
The list is scanned by a small tokenizer: a reply never reaches eval or ast.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


class LmdFormatError(ValueError):
    pass


@dataclass
class LmdLayout:
    objects: list[tuple[str, list[float]]] = field(default_factory=list)
    background: str | None = None
    negative: str | None = None


_OBJECTS_PREFIX = re.compile(r"^\s*(objects\s*:)?\s*", re.IGNORECASE)
_LINE = re.compile(r"^\s*(background|negative)\s+prompt\s*:(.*)$", re.IGNORECASE | re.MULTILINE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def looks_like_lmd(text: str) -> bool:
    body = _OBJECTS_PREFIX.sub("", text, count=1)
    return body.startswith("[(") or body.startswith("[]") or bool(_LINE.search(text))


def parse_lmd_layout(text: str) -> LmdLayout:
    body = _OBJECTS_PREFIX.sub("", text, count=1)
    objects, _ = _Scanner(body).object_list()
    layout = LmdLayout(objects=objects)
    for match in _LINE.finditer(text):
        value = match.group(2).strip() or None
        if value is not None and value.lower() == "none":
            value = None
        if match.group(1).lower() == "background":
            layout.background = value
        else:
            layout.negative = value
    return layout


class _Scanner:
    """Reads `[('phrase', [x, y, w, h]), ...]` from the start of a text."""

    def __init__(self, text: str):
        self.text, self.pos = text, 0

    def object_list(self) -> tuple[list[tuple[str, list[float]]], int]:
        self._expect("[")
        objects: list[tuple[str, list[float]]] = []
        if self._peek() == "]":
            self.pos += 1
            return objects, self.pos
        while True:
            self._expect("(")
            phrase = self._string()
            self._expect(",")
            box = self._numbers()
            self._expect(")")
            objects.append((phrase, box))
            if self._peek() == ",":
                self.pos += 1
                if self._peek() == "]":  # trailing comma
                    self.pos += 1
                    return objects, self.pos
                continue
            self._expect("]")
            return objects, self.pos

    def _skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _peek(self) -> str:
        self._skip_space()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            found = self.text[self.pos:self.pos + 10] or "the end"
            raise LmdFormatError(f"expected '{char}' at character {self.pos}, found {found!r}")
        self.pos += 1

    def _string(self) -> str:
        quote = self._peek()
        if quote not in ("'", '"'):
            raise LmdFormatError(f"expected a quoted phrase at character {self.pos}")
        self.pos += 1
        out = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\" and self.pos + 1 < len(self.text):
                out.append(self.text[self.pos + 1])
                self.pos += 2
                continue
            if char == quote:
                self.pos += 1
                return "".join(out)
            if char == "\n":
                break
            out.append(char)
            self.pos += 1
        raise LmdFormatError("a quoted phrase is not closed")

    def _numbers(self) -> list[float]:
        self._expect("[")
        values = []
        while True:
            self._skip_space()
            match = _NUMBER.match(self.text, self.pos)
            if not match:
                raise LmdFormatError(f"expected a number at character {self.pos}")
            values.append(float(match.group()))
            self.pos = match.end()
            if self._peek() == ",":
                self.pos += 1
                continue
            self._expect("]")
            break
        if len(values) != 4:
            raise LmdFormatError(f"a box needs 4 numbers [x, y, width, height], got {len(values)}")
        return values


# Words that end the noun phrase of a caption: "a man wearing a hat" is a man.
_PHRASE_BREAKS = {
    "with", "wearing", "holding", "in", "on", "at", "of", "and", "that", "which", "who", "near", "next",
    "under", "above", "below", "behind", "beside", "by", "from", "to", "carrying", "riding", "sitting",
    "standing", "walking", "playing", "eating",
}
_LEADING = {"a", "an", "the", "one", "some"}


def name_of(phrase: str) -> str:
    """A category noun for an LMD phrase: the last word before the phrase turns into details."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", phrase.lower())
    head: list[str] = []
    for word in words:
        if word in _PHRASE_BREAKS and head:
            break
        head.append(word)
    head = [w for w in head if w not in _LEADING] or words or ["object"]
    return head[-1]


def layout_to_reply(layout: LmdLayout, *, caption: str, names: list[str] | None = None) -> dict[str, Any]:
    """The layout as a reply document: corners from x, y, w, h; names from the phrases."""
    instances = []
    for index, (phrase, (x, y, w, h)) in enumerate(layout.objects):
        instances.append({
            "name": names[index] if names else name_of(phrase),
            "caption": phrase,
            "box": [round(x), round(y), round(x + w), round(y + h)],
            "pose": None,
        })
    return {"caption": caption, "background": layout.background or "", "negative": layout.negative or "",
            "instances": instances}
