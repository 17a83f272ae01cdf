"""Open-vocabulary word knowledge: which parts of speech a word can take, its lemma, its spelling.

The closed word classes (determiners, prepositions, colours, clothing...) are lists in
`lexicon`; every other English word is looked up in lemminflect's tables, which say for each
known word form which parts of speech it can be and what its lemma is ("crows": a noun and a
verb, lemma "crow"; "collies": a noun, lemma "collie"; "shaking": only a verb). That is what
lets the reader tell a verb it has never listed ("ducks paddle across") from a head noun.
lemminflect ships its tables in the wheel: nothing is downloaded. Only its lemma table is read
(`lemma_lu.csv.gz`, 80k word forms), directly and on first use, about 0.4 s once per process;
importing the package itself would load an out-of-vocabulary model that needs numpy.

A word lemminflect does not know at all is a name, a code ("r5") or a typo: `correct` maps a
typo of a known object noun back to it ("bycicle" -> "bicycle") by edit similarity against the
closed list of object nouns, so no guess is ever made outside the things the planner can size.
"""

from __future__ import annotations

import gzip
import importlib.util
from functools import lru_cache
from pathlib import Path

from planners import priors
from planners.rules import lexicon
from scenes.errors import Unavailable

# Spellings people use for the same thing; lemminflect knows neither side as the other.
VARIANTS: dict[str, str] = {
    "tshirt": "t-shirt", "tshirts": "t-shirts", "teeshirt": "t-shirt", "aeroplane": "airplane",
    "aeroplanes": "airplanes",
    "u": "you", "ur": "your", "ppl": "people", "pple": "people", "dalmation": "dalmatian", "dalmations": "dalmatians",
    # the asker changing their mind, typed fast: "actualy make it …"
    "actualy": "actually", "actully": "actually", "acutally": "actually", "actaully": "actually",
    "acually": "actually", "actuall": "actually", "thru": "through",
    # people, as phone chat names them ("my bf is a golden retriever irl")
    "bf": "boyfriend", "gf": "girlfriend", "bff": "friend", "bestie": "friend", "besties": "friends",
    "wifey": "wife", "hubs": "husband",
}  # fmt: skip


def _table(name: str):
    """Lines of one of lemminflect's lookup tables, found without importing the package (its
    __init__ loads an out-of-vocabulary model that imports numpy; the tables need nothing)."""
    spec = importlib.util.find_spec("lemminflect")
    path = (Path(next(iter(spec.submodule_search_locations))) / "resources" / name
            if spec is not None and spec.submodule_search_locations else None)
    # Planning without the tables would read every verb as a thing ("a rooster crows" drawing a
    # crow): refuse instead of planning badly.
    if path is None or not path.is_file():
        raise Unavailable("the rules planner cannot find its word tables (the lemminflect package, "
                          f"{name})", hint="Reinstall deig in this environment: lemminflect is one of its dependencies.")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        yield from handle


@lru_cache(maxsize=1)
def _lemma_table() -> tuple[dict[str, dict[str, tuple[str, ...]]], dict[tuple[str, str], list[str]]]:
    """word form -> {part of speech: lemmas}, and (lemma, part of speech) -> its other forms, from
    lemminflect's lemma_lu.csv.gz (lines: form,category,lemma/lemma...)."""
    table: dict[str, dict[str, tuple[str, ...]]] = {}
    forms: dict[tuple[str, str], list[str]] = {}
    for line in _table("lemma_lu.csv.gz"):
        form, category, found = line.rstrip("\n").split(",")
        upos = "AUX" if category == "modal" else category.upper()
        lemmas_of = tuple(found.split("/"))
        table.setdefault(form, {})[upos] = lemmas_of
        if upos in ("VERB", "NOUN"):
            for lemma in lemmas_of:
                if lemma != form:
                    forms.setdefault((lemma, upos), []).append(form)
    return table, forms


_data_lines = lexicon.data_lines  # the one reader of the shipped tables (lexicon needs it at import)


@lru_cache(maxsize=1)
def _word_kinds() -> dict[str, str]:
    """Nouns whose usual sense is a person or an animal in WordNet 3.0 (8,295 words shipped with
    the planner: data/make_wordnet_tables.py writes them, data/WORDNET_LICENSE is their licence)."""
    return dict(line.split("\t") for line in _data_lines("word_kinds.txt.gz"))


@lru_cache(maxsize=1)
def _compounds() -> dict[str, str]:
    """WordNet 3.0's two-word names of made things, people and animals no kind of their head (8,639:
    "rocking chair", "football player", "sea lion"), each with its kind, shipped with the planner
    beside word_kinds.txt.gz."""
    return dict(line.split("\t") for line in _data_lines("compounds.txt.gz"))


@lru_cache(maxsize=1)
def _animal_kinds() -> dict[str, str]:
    """WordNet 3.0's kinds of dog, cat, bird, horse and fish (898: "retriever" -> "dog")."""
    return dict(line.split("\t") for line in _data_lines("animal_kinds.txt.gz"))


def general_animal(noun: str) -> str | None:
    """'dog' for 'golden retriever' or 'corgi', 'bird' for 'hen'; None when WordNet says nothing."""
    last = noun.rsplit(" ", 1)[-1]
    return _animal_kinds().get(last) or _animal_kinds().get(noun.replace(" ", "-"))


@lru_cache(maxsize=1)
def _compound_firsts() -> frozenset[str]:
    return frozenset(name.split(" ", 1)[0] for name in _compounds())


def is_compound(modifier: str, noun: str) -> bool:
    """Whether WordNet names a made thing or a person by these two words ("a punching bag")."""
    return f"{modifier} {noun}" in _compounds()


def compound_kind(name: str) -> str | None:
    """'person' or 'thing' for a two-word name WordNet lists ("mail carrier" is a person)."""
    return _compounds().get(name)


@lru_cache(maxsize=1)
def _concrete() -> tuple[frozenset[str], frozenset[str]]:
    """WordNet 3.0's single-word nouns whose usual sense is a thing to draw (12,356: "stapler",
    "fern", "onion", "airship"), and those whose senses are in no order of use with such a sense
    among them (1,245: "wrench", "toaster"), shipped with the planner beside word_kinds.txt.gz."""
    usual, sometimes = set(), set()
    for line in _data_lines("concrete.txt.gz"):
        word, _, mark = line.partition("\t")
        (sometimes if mark == "sometimes" else usual).add(word)
    return frozenset(usual), frozenset(sometimes)


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """WordNet 3.0's single-word nouns whose usual sense is a place a scene happens in (1,479:
    "lobby", "meadow", "street"), shipped beside concrete.txt.gz."""
    return frozenset(_data_lines("places.txt.gz"))


@lru_cache(maxsize=1)
def _intransitive() -> frozenset[str]:
    """WordNet 3.0's verbs whose usual sense takes no object (2,184: "overflow", "flicker", "doze"),
    shipped beside concrete.txt.gz."""
    return frozenset(_data_lines("intransitive.txt.gz"))


@lru_cache(maxsize=1)
def _occasions() -> frozenset[str]:
    """WordNet 3.0's words and two-word names whose usual sense is an act, an event or a time (7,443:
    "marathon", "night shift", "date"), shipped beside concrete.txt.gz."""
    return frozenset(_data_lines("occasions.txt.gz"))


def is_occasion(noun: str) -> bool:
    """Whether a noun's usual sense is something done, something that happens or a time, and none
    of the senses WordNet leaves unranked is a thing ("a marathon", "a night shift"; not "a swing")."""
    return noun in _occasions() and not may_be_concrete(noun)


def takes_no_object(word: str) -> bool:
    """Whether a verb form's usual sense takes no object ('overflowing', 'flickers'; not 'whittling')."""
    return any(lemma in _intransitive() for lemma in lemmas(word).get("VERB", ()))


def is_place(noun: str) -> bool:
    """Whether a noun's usual sense is a room, a building, an area, land, water, a way or woods."""
    return noun in _places()


def is_concrete(noun: str) -> bool:
    """Whether a noun's usual sense is a made thing, a food, a plant, an animal or a natural object."""
    return noun in _concrete()[0]


def may_be_concrete(noun: str) -> bool:
    """Whether a noun is concrete in its usual sense, or in one of senses WordNet does not rank
    ("wrench": a twist, or the tool)."""
    usual, sometimes = _concrete()
    return noun in usual or noun in sometimes


def usual_kind(noun: str) -> str | None:
    """'person' or 'animal' where that is the noun's only sense ("visitor", "spectator", "jerboa"),
    for a word that is no adjective or verb form besides ("colored", "elder" describe first)."""
    kind = _word_kinds().get(noun)
    if kind is None or "ADJ" in lemmas(noun) or verb_tags(noun) & {"VBD", "VBN", "VBG"}:
        return None
    return kind


# Verbs whose past is their base form: "a table set with plates", "a cake cut in half".
_SAME_PAST = frozenset("set put cut hit let shut spread cast cost hurt quit burst split thrust bet bid read "
                       "lit".split())


def _tag(form: str, lemma: str) -> set[str]:
    """The Penn tags of a verb form, from its shape against its lemma (English verbs have five)."""
    if form == lemma:
        return {"VB", "VBP", "VBD", "VBN"} if form in _SAME_PAST else {"VB", "VBP"}
    if form.endswith("ing"):
        return {"VBG"}
    if form.endswith("s") and not lemma.endswith("s") or form == lemma + "es":
        return {"VBZ"}
    return {"VBD", "VBN"}


@lru_cache(maxsize=8192)
def lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """{part of speech: lemmas} for a known English word form; {} for a word lemminflect lacks."""
    if not word.replace("-", "").replace("'", "").isalpha() or not word.isascii():
        return {}
    found = _lemma_table()[0].get(word)
    return dict(found) if found else {}


def can_be(word: str, pos: str) -> bool:
    """Whether `word` can be this part of speech (NOUN, VERB, ADJ, ADV, PROPN)."""
    return pos in lemmas(word)


def is_english(word: str) -> bool:
    return bool(lemmas(word))


@lru_cache(maxsize=8192)
def verb_tags(word: str) -> frozenset[str]:
    """The verb inflections `word` is (VB, VBP, VBZ, VBG, VBD, VBN); empty if it is no verb form."""
    tags: set[str] = set()
    for lemma in lemmas(word).get("VERB", ()):
        tags |= _tag(word, lemma)
    return frozenset(tags)


def verb_lemma(word: str) -> str | None:
    found = lemmas(word).get("VERB")
    return found[0] if found else None


def gerund(word: str) -> str:
    """The -ing form of a verb form ('crows' -> 'crowing'), for captions."""
    lemma = verb_lemma(word)
    if lemma is None:
        return word
    found = [f for f in _lemma_table()[1].get((lemma, "VERB"), ()) if f.endswith("ing")]
    return min(found, key=len) if found else word


def noun_singular(word: str) -> tuple[str, bool] | None:
    """(singular, was plural) by lemminflect for a word it knows as a noun, else None."""
    found = lemmas(word).get("NOUN")
    if not found:
        return None
    base = word if word in found else found[0]
    return base, base != word


def noun_plural(noun: str) -> str:
    if noun.isalpha() and noun.isascii():
        found = [f for f in _lemma_table()[1].get((noun, "NOUN"), ()) if f[:2] == noun[:2] and f.isalpha()]
        if noun.endswith(("f", "fe")) and any(f.endswith("ves") for f in found):
            return next(f for f in found if f.endswith("ves"))  # "leaves", "scarves", not "leafs"
        if found:
            return min(found, key=len)
    if noun.endswith("y") and len(noun) > 2 and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"  # "posy" -> "posies", a word the tables lack
    return noun + ("es" if noun.endswith(("s", "sh", "ch", "x", "z")) else "s")


def only_verb(word: str) -> bool:
    """A form that is a verb and never a noun or adjective ('shaking', 'seated', 'paddled')."""
    found = lemmas(word)
    return "VERB" in found and "NOUN" not in found and "ADJ" not in found


def is_adverb(word: str) -> bool:
    found = lemmas(word)
    return "ADV" in found and "NOUN" not in found and "ADJ" not in found and "VERB" not in found


@lru_cache(maxsize=1)
def _object_nouns() -> tuple[str, ...]:
    return tuple(sorted(n for n in priors.NOUNS if " " not in n and len(n) >= 4)
                 + sorted(w for w in lexicon.CLOTHING if len(w) >= 4))


@lru_cache(maxsize=1)
def _closed() -> frozenset[str]:
    """Every word the lexicon lists in some class: none of them is a typo."""
    listed = set(lexicon.NUMBER_WORDS) | set(lexicon.VAGUE_COUNTS) | set(lexicon.VERBS)
    for value in vars(lexicon).values():
        if isinstance(value, frozenset):
            listed |= {w for w in value if isinstance(w, str)}
    return frozenset(listed)


@lru_cache(maxsize=4096)
def correct(word: str) -> str:
    """The intended word for a variant or a typo of a known object noun; else `word` itself.

    Only words lemminflect does not know are corrected (a real word is never "fixed"), only to
    nouns the planner knows, and only when one candidate is clearly closest (similarity >= 0.8).
    """
    if word in VARIANTS:
        return VARIANTS[word]
    if word.endswith("in") and len(word) > 5 and not is_english(word) and "VBG" in verb_tags(word + "g"):
        return word + "g"  # "sittin", "chillin": the dropped g
    if len(word) < 5 or not word.isalpha() or word in _closed() or is_english(word) or is_concrete(word) or (
            word in _word_kinds()) or word.endswith("s") and (is_concrete(word[:-1]) or word[:-1] in _word_kinds()):
        return word  # "a singlet", "a jerboa": words WordNet knows are no typos
    if word.endswith(("ian", "ese", "ish", "ean")):
        return word  # "a persian cat", "a siamese", "a maltese": a people's or a place's word, no typo
    doer = word[:-1] if word.endswith("ers") else word  # ("two grapplers": doers, never "grapples")
    if doer.endswith("er") and any(is_english(stem) and "VERB" in lemmas(stem) for stem in (doer[:-2], doer[:-3], doer[:-1])):
        return word  # "a pour-over dripper", "a juicer": a verb's doer or tool, no typo
    if word.endswith("ery") and is_english(word[:-3]) and len(word) > 6:
        return word  # "a roastery", "a creamery": a place named by what is done or sold there, no typo
    if word.endswith(("less", "ful", "ous", "able", "ible")) or word in _compound_firsts():
        return word  # "shirtless", "a windsor chair": a describing word, or the first of a name WordNet has
    if word.endswith("es") and (lexicon.is_known_noun(word[:-2]) or is_concrete(word[:-2])):
        return word  # "sundresses": the plural of a known word in -es, not a typo of it
    for stem, suffix in ((word, ""), (word[:-1], "s")) if word.endswith("s") else ((word, ""),):
        if lexicon.is_known_noun(stem) or is_english(stem):
            return word  # a plural the tables lack ("mouses"), not a typo
        allowed = 1 if len(stem) < 7 else 2
        letters = set(stem)
        near = [(edit_distance(stem, noun), noun) for noun in _object_nouns()
                if abs(len(noun) - len(stem)) <= allowed and noun[0] == stem[0] and len(letters ^ set(noun)) <= 2 * allowed]
        # a word built on a known one is a word of its own ("snowboarder", "teapots"), not a typo
        near = sorted((d, n) for d, n in near if d <= allowed and not stem.startswith(n)
                      and not (n.endswith("s") and not stem.endswith("s")))  # "knocker" is no typo of "knickers"
        two_words = any(is_english(stem[:k]) and is_english(stem[k:]) for k in range(4, len(stem) - 3))
        if near and (len(near) == 1 or near[0][0] < near[1][0]) and not two_words:  # ("ballgown" is no "balloon")
            return near[0][1] + _plural_ending(near[0][1], suffix)
        joined = any(is_english(stem[:k]) and is_english(stem[k:]) for k in range(3, len(stem) - 3))
        # ("longboard" is two words; "dalmation" is no "dalmat" and "ion")
        if len(stem) >= 8 and not joined:  # "grandaughter", "wheelbarow": one letter off a long known word
            # (but "longboard" is two words joined, no typo of "longbeard")
            known = [n for n in (*lexicon.PEOPLE, *_long_things()) if abs(len(n) - len(stem)) <= 1 and n[0] == stem[0]
                     and edit_distance(stem, n) == 1]
            if len(set(known)) == 1:
                return known[0] + _plural_ending(known[0], suffix)
    return word


def _plural_ending(noun: str, suffix: str) -> str:
    """'s', or 'es' after a hissing end ("sandwhiches" is "sandwiches")."""
    return "es" if suffix == "s" and noun.endswith(("s", "x", "z", "ch", "sh")) else suffix


@lru_cache(maxsize=1)
def _long_things() -> tuple[str, ...]:
    """WordNet's things of eight letters or more, for typos of long words ("wheelbarow")."""
    return tuple(sorted(w for w in _concrete()[0] if len(w) >= 7 and w.isalpha()))


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn `a` into `b`."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            row.append(cost)
        previous2, previous = previous, row
    return previous[-1]
