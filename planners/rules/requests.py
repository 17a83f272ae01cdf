"""Words to the planner about the request itself, which name nothing in the picture.

"Hi, I am a teacher and I need an image for a counting exercise for kids: four ducks in a pond"
asks for four ducks; the teacher, the image and the kids are the person asking, what they ask
for and whom it is for. People write such a preamble before the scene, ended by a colon, a comma
or the sentence, and in a few fixed shapes:

- a request for a picture: "can you (please) make me a picture for my class", "I need an image
  for my blog", "I'm making a poster for the zoo day at our school", "please draw for my son's
  story book";
- the asker saying who they are: "I am a teacher", "we're a small bakery".

`request_spans` finds those stretches (token indices) so that the chunker reads them as filler.
A request whose picture word is followed by "of" is left alone: what follows "a picture of" is
the scene, and the reader already reads "a picture of" as the frame.
"""

from __future__ import annotations

from planners.rules.tokens import SENTENCE_END

_GREETINGS = frozenset("hi hello hey hiya dear ok okay so um well yo thanks good morning afternoon "
                       "evening day app ai bot friend".split())
_MODALS = frozenset("can could would will".split())
# Verbs that ask for a picture to be made.
_MAKE = frozenset("make draw create generate paint render design give show produce do illustrate sketch "
                  "making drawing creating generating painting rendering designing doing preparing writing "
                  "prepare write build".split())
# Verbs of the asker wanting or working on something.
_WANT = frozenset("need want like love wish needed wanted".split())
_FIRST_PERSON = frozenset({"i", "we"})
_FIRST_PERSON_BE = frozenset({"i'm", "im", "we're"})  # the tokenizer keeps "i'm" whole
_BE = frozenset({"am", "are", "'m", "'re", "m", "re"})
# What a request asks for: the picture itself or the thing it is for.
_PICTURES = frozenset(
    "picture pictures image images illustration illustrations drawing drawings poster posters photo photos "
    "photograph painting artwork art worksheet page card cover wallpaper banner thumbnail header flyer sticker "
    "print something one clipart graphic visual scene slide slides presentation logo icon".split())
_ARTICLES = frozenset("a an the some one my our this".split())
# Where a preamble ends and the scene begins.
_ENDS = frozenset({":", ",", "-", "\u2013", "\u2014", *SENTENCE_END})
# Words after which the scene follows at once ("a picture showing two cats", "an image where ...").
_SCENE_OPENS = frozenset("of with showing that where which featuring depicting in".split())


def request_spans(words: list[str]) -> list[tuple[int, int]]:
    """[start, end) token ranges that are the asker talking about the request, in order."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(words):
        end = _sentence_end(words, start)
        spans += _spans_in(words, start, end)
        start = end + 1
    return spans


def _sentence_end(words: list[str], start: int) -> int:
    k = start
    while k < len(words) and words[k] not in SENTENCE_END:
        k += 1
    return k


def _spans_in(words: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """Preambles at the start of one sentence: one or more clauses joined by "and" ("I am a teacher
    and I need an image for ..."), each a request or the asker saying who they are."""
    spans = []
    k = _skip(words, start, end, _GREETINGS | {","})
    while k < end:
        clause_end = _self_description(words, k, end) or _request(words, k, end)
        if clause_end is None:
            break
        clause_end = _follows_below(words, clause_end, end)
        spans.append((start if not spans else k, clause_end))
        k = _skip(words, clause_end, end, {"and", ","} | _GREETINGS)
    return spans


def _follows_below(words: list[str], k: int, end: int) -> int:
    """', like this: 2 cats, ...', ', as follows: ...': the preamble runs on to the colon."""
    j = _skip(words, k, end, {","})
    if words[j:j + 2] in (["like", "this"], ["as", "follows"], ["like", "so"]):
        colon = next((m for m in range(j, end) if words[m] == ":"), None)
        return colon if colon is not None else j + 2
    return k


def _skip(words: list[str], k: int, end: int, skippable: frozenset[str] | set[str]) -> int:
    while k < end and words[k] in skippable:
        k += 1
    return k


def _self_description(words: list[str], k: int, end: int) -> int | None:
    """'I am a teacher', "we're a small bakery": the asker, up to the end of the clause."""
    if k < end and words[k] in _FIRST_PERSON_BE:
        article = k + 1  # "i'm" stands for both words
    elif k + 1 < end and words[k] in _FIRST_PERSON and words[k + 1] in _BE:
        article = k + 2
    else:
        return None
    if article >= end or words[article] not in ("a", "an"):
        return None
    return _clause_end(words, article + 1, end)


def _request(words: list[str], k: int, end: int) -> int | None:
    """'can you make me a picture for my class', 'I need an image for my blog', "I'm making a
    poster for ...", 'please draw for my son's book': the request, up to where the scene begins."""
    j = _skip(words, k, end, {"please", "pls"})
    if j < end and words[j] in _MODALS and j + 1 < end and words[j + 1] == "you":
        j = _skip(words, j + 2, end, {"please", "pls", "maybe", "just", "kindly"})
    elif j < end and (words[j] in _FIRST_PERSON or words[j] in _FIRST_PERSON_BE):
        j = _skip(words, j + 1, end, _BE | {"would", "'d", "d", "really", "also", "just", "currently", "have", "to"})
        if j >= end or words[j] not in _WANT and words[j] not in _MAKE:
            return None
    elif j == k or j >= end or words[j] not in _MAKE:
        return None  # a bare verb asks only after "please": "make a cat" is read as it stands
    if j >= end or words[j] not in _MAKE and words[j] not in _WANT:
        return None
    j = _skip(words, j + 1, end, {"me", "us", "to", "make", "have", "get", "see"})
    if j < end and words[j] == "for":
        return _clause_end(words, j, end)  # "draw for my son's story book: ..."
    if j >= end or words[j] not in _ARTICLES:
        return None
    first = j
    while j < end and j - first < 4 and words[j] not in _PICTURES and words[j] not in _ENDS and words[j] not in _SCENE_OPENS:
        j += 1  # "a cute little picture"
    if j >= end or words[j] not in _PICTURES:
        return None
    after = j + 1
    if after < end and words[after] in _SCENE_OPENS:
        return None  # "a picture of two cats": the frame, read as such
    if after < end and words[after] not in ("for", "about", "to", "that", "which") and words[after] not in _ENDS:
        return None
    return _clause_end(words, after, end)


# Words that open the scene after what a request is for ("a banner for our website with two croissants").
_SCENE_AFTER_PURPOSE = frozenset("with showing featuring depicting where".split())


def _clause_end(words: list[str], k: int, end: int) -> int:
    """Where the scene begins after a preamble: its colon, comma or dash, a word that opens the
    scene, "and" before a new request, or the end of the sentence (a sentence that is all request)."""
    while k < end and words[k] not in _ENDS and words[k] not in _SCENE_AFTER_PURPOSE:
        if words[k] == "and" and k + 1 < end and words[k + 1] in _FIRST_PERSON:
            return k
        k += 1
    return k
