"""Splitting a prompt into words and punctuation, keeping where each came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planners.rules import words

_TOKEN = re.compile(r"\d+\.\d+|[^\W_]+(?:[-'][^\W_]+)*|[.,;:!?()\"&/+\u2013\u2014]|(?<=\s)-(?=\s)", re.UNICODE)
# A dash between words sets off a list or an aside, as a colon does ("three cats — a black one, a tabby").
_DASHES = frozenset({"\u2013", "\u2014", "-"})
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
SENTENCE_END = frozenset(".;!?")


@dataclass(frozen=True)
class Token:
    text: str   # as written
    low: str    # lower case, apostrophes normalised
    start: int  # character offsets in the prompt
    end: int

    @property
    def is_word(self) -> bool:
        return self.low[0].isalnum()


def tokenize(text: str) -> list[Token]:
    normalised = text.translate(_APOSTROPHES)
    tokens = []
    for match in _TOKEN.finditer(normalised):
        low = match.group().lower()
        if low == "&" or low == "+":
            low = "and"
        elif low in _DASHES:
            low = ":"
        elif low[0].isalpha():
            low = words.correct(low)  # "bycicle" is read as "bicycle"; the caption keeps the words
        tokens.append(Token(text[match.start():match.end()], low, match.start(), match.end()))
    return tokens
