"""The scene's texts: each instance's detail caption, the global caption, background and negative."""

from __future__ import annotations

import re

from planners.rules import lexicon
from planners.rules.description import Description, Mention
from planners.rules.inflection import article
from scenes.model import MAX_CAPTION_CHARS

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_DANGLING_END = re.compile(r"(?:[\s,;:]|\b(?:and|or|with|but|there (?:is|are)|of)\b)+$", re.IGNORECASE)
_DANGLING_START = re.compile(r"^(?:[\s,;:]|\b(?:and|or|but)\b)+", re.IGNORECASE)
_REPEATED_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")


def instance_caption(mention: Mention) -> str:
    """'a man in a red hat and a blue jacket, sitting': this instance, its details, what it does."""
    words = [w for w in mention.modifiers if w.lower() not in lexicon.DETERMINERS]
    first = words[0] if words else mention.head
    parts = [article(first) if not mention.proper else "", *words, mention.head]
    for link, text in mention.details:
        parts += [link, text]
    if mention.actions:
        parts.append(" and ".join(dict.fromkeys(mention.actions)))
    return clip(" ".join(p for p in parts if p))


def global_caption(prompt: str, description: Description) -> str:
    """The prompt in the user's words, without what it says must not be there."""
    text = prompt
    for start, end in sorted(description.removed, reverse=True):
        text = text[:start] + " " + text[end:]
    text = _SPACES.sub(" ", text)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    sentences = [_tidy(s) for s in re.split(r"(?<=[.;!?])\s+", text)]
    return clip(" ".join(s for s in sentences if s and not re.fullmatch(r"[\W_]+", s)))


def _tidy(sentence: str) -> str:
    end = sentence[-1] if sentence and sentence[-1] in ".;!?" else ""
    body = sentence[:-1] if end else sentence
    body = _DANGLING_START.sub("", _DANGLING_END.sub("", body.strip()))
    return body + end if body else ""


def background(description: Description) -> str | None:
    """'a snowy street at dusk': places first (without their preposition), then times."""
    places = [s for s in description.settings if not s[2]]
    times = [s for s in description.settings if s[2]]
    ordered = places + times
    if not ordered:
        return None
    first = ordered[0][1]
    text = first[0].lower() + first[1:] if first.split()[0].lower() in lexicon.DETERMINERS else first
    for prep, words, _ in ordered[1:]:
        text += f" {prep} {words}" if prep else f", {words}"
    return clip(text)


def negative(description: Description) -> str | None:
    words = list(dict.fromkeys(n.strip() for n in description.negations if n.strip()))
    return clip(", ".join(words)) if words else None


def clip(text: str, limit: int = MAX_CAPTION_CHARS) -> str:
    """At most `limit` characters, cut at a word boundary."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut if len(cut) > limit // 2 else text[:limit]
