"""The scene's texts: each instance's detail caption, the global caption, background and negative."""

from __future__ import annotations

import re

from planners.rules import lexicon, words
from planners.rules.description import Description, Mention
from planners.rules.inflection import article, number_word, plural
from scenes.model import MAX_CAPTION_CHARS

_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:!?])")
_DANGLING_END = re.compile(r"(?:[\s,;:]|\b(?:and|or|with|but|there (?:is|are)|of|that|who|which)\b)+$", re.IGNORECASE)
_DANGLING_START = re.compile(r"^(?:[\s,;:]|\b(?:and|or|but)\b)+", re.IGNORECASE)
_REPEATED_PUNCT = re.compile(r"([,;:])(?:\s*[,;:])+")


def instance_caption(mention: Mention) -> str:
    """'a man in a red hat and a blue jacket, sitting': this instance, its details, what it does."""
    words = [w for w in mention.modifiers if w.lower() not in lexicon.DETERMINERS and w.lower() not in ("more", "other")]
    first = words[0] if words else mention.head
    head = mention.head
    if mention.many:  # one box for "pigeons": said in the plural, with no article
        last = head.rsplit(" ", 1)
        head = " ".join([*last[:-1], plural(last[-1])])
    parts = [article(first) if not mention.proper and not mention.many else "", *words, head]
    for link, text in mention.details:
        parts += [link, text]
    if mention.actions:
        parts.append(" and ".join(dict.fromkeys(mention.actions)))
    return clip(" ".join(p for p in parts if p))


# Person-words for things that only look like people: no skeleton ("a snowman", "a chess king").
NOT_HUMAN = frozenset({"snowman", "mannequin", "robot", "android", "statue", "scarecrow", "doll", "puppet",
                       "figurine", "gnome", "cyborg", "sculpture"})
# Modifiers that make a person-word a thing: "a chess king", "a toy soldier", "a stone angel".
THING_MODIFIERS = frozenset({"chess", "toy", "stone", "lego", "plush", "paper", "clay", "snow", "ice", "marble",
                             "bronze", "plastic", "cardboard", "wooden", "porcelain", "tin", "cartoon",
                             "stuffed", "inflatable", "origami", "ceramic", "glass", "metal", "golden"})


def is_human(mention: Mention) -> bool:
    if mention.noun in NOT_HUMAN:
        return False
    if mention.noun.split()[0] in THING_MODIFIERS and words.compound_kind(mention.noun) != "person":
        return False  # "a toy soldier", "a chess king"; but "a chess player" is one who plays
    return not any(w.lower() in THING_MODIFIERS for w in mention.modifiers)


def things_listed(names: list[str], many: frozenset[str] = frozenset()) -> str | None:
    """'a man, a woman and two dogs': each name once, counted, in order of first mention; a name in
    `many` stands for an uncounted many ('pigeons'). Every planner's `Scene.summary` starts from this,
    so no instance's details reach the regions' base."""
    counts: dict[str, int] = {}
    written: dict[str, str] = {}
    for name in names:
        key = " ".join(name.lower().split())
        if key:
            counts[key] = counts.get(key, 0) + 1
            written.setdefault(key, " ".join(name.split()))
    # someone named ("Jess", "Oskar") is listed by the name, as written, with no article
    parts = [written[name] if n == 1 and written[name][:1].isupper() else plural(name) if n == 1 and name in many
             else f"{article(name)} {name}" if n == 1 else f"{number_word(n)} {plural(name)}" for name, n in counts.items()]
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def summary(names: list[str], description: Description, many: frozenset[str] = frozenset()) -> str | None:
    """'a man, a woman and two dogs in a park': the things, counted, without their details."""
    text = things_listed(names, many)
    if text is None:
        return None
    places = [s for s in description.settings if not s[2]]
    if places:
        prep = places[0][0].lower() or "in"
        text += f" {prep if prep in ('in', 'on', 'at', 'under', 'by', 'near', 'with') else 'in'} {places[0][1]}"
    return clip(text)


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
    for prep, said, _ in ordered[1:]:
        text += f" {prep} {said}" if prep else f", {said}"
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
