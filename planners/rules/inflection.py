"""Singular and plural nouns, and 'a' versus 'an'."""

from __future__ import annotations

from functools import lru_cache

from planners.rules import lexicon


@lru_cache(maxsize=4096)
def singular(word: str) -> tuple[str, bool]:
    """(singular form, whether `word` looked plural), for one lower-case word.

    Irregular and wrong plurals come from a table ("geese", "sheeps", "knifes"); regular ones are
    undone by trying the usual endings and keeping the first candidate the lexicon knows, then
    the most plausible guess for words it does not know ("zorbs" -> "zorb").
    """
    if word in lexicon.IRREGULAR_PLURALS:
        base = lexicon.IRREGULAR_PLURALS[word]
        return base, word not in lexicon.ZERO_PLURALS
    if word[:-1] in lexicon.IRREGULAR_PLURALS and word.endswith("s") and word[:-1] not in lexicon.ZERO_PLURALS:
        return lexicon.IRREGULAR_PLURALS[word[:-1]], True  # "childrens", "mens", "peoples": a plural made twice
    if word in lexicon.PLURALIA_TANTUM or word in lexicon.SINGULAR_S:
        return word, False
    if word.endswith("s") and word in lexicon.CLOTHING and not any(
            c in lexicon.CLOTHING or lexicon.is_known_noun(c) or lexicon.category(c) for c in (word[:-1], word[:-2])):
        return word, False  # "breeches", "jodhpurs", "dungarees": one garment, worn, of a plural name
    if lexicon.is_known_noun(word) and not _plural_of_known(word) and not _listed_plural(word):
        return word, False
    if word.endswith("s") and not lexicon.is_known_noun(word):
        from planners.rules import words

        if words.lemmas(word).get("NOUN") == (word,):
            return word, False  # "a thermos", "a walrus", "a cactus": the table's own singular
        if words.is_concrete(word) and not words.lemmas(word) and not words.is_concrete(word[:-1]) and (
                not lexicon.is_known_noun(word[:-1])):
            return word, False  # "a triceratops": a thing WordNet names with its -s
    candidates = [c for c in plural_candidates(word) if len(c) > 2 or lexicon.is_known_noun(c)]  # "VHS"; but "tvs"
    if not candidates and word.endswith("us") and lexicon.is_known_noun(word[:-1]):
        return word[:-1], True  # "tutus", "emus"
    if not candidates and word.endswith("s") and len(word) > 3:
        from planners.rules import words

        known = words.noun_singular(word)  # "tutus", "emus": endings the rules above leave alone
        if known is not None and known[1]:
            return known[0], True
    listed = next((c for c in candidates if lexicon.is_known_noun(c)), None)
    if listed is not None:
        from planners.rules import words

        lemma = words.lemmas(word).get("NOUN", ()) if listed != candidates[0] else ()
        if lemma and lemma[0] in candidates and lemma[0] != word:
            return lemma[0], True  # "plumes" is plumes of "plume", not of the listed "plum"
        if not words.is_concrete(listed):  # "cones": "con" is listed, but only "cone" is a thing
            known = words.noun_singular(word)
            if known is not None and known[1] and known[0] in candidates and words.is_concrete(known[0]):
                return known[0], True
        return listed, True
    if candidates:
        from planners.rules import words

        known = words.noun_singular(word)  # "collies" -> "collie", where the endings guess "colly"
        if known is not None and known[1]:
            return known[0], True
        for candidate in candidates:  # "shirtsleeves": a word built on a known one, "sleeve", not "sleef"
            if any(lexicon.is_known_noun(candidate[k:]) for k in range(1, len(candidate) - 3)):
                return candidate, True
        return candidates[0], True
    if word.endswith("men") and len(word) > 5 and lexicon.category(word[:-3] + "man") == "person":
        from planners.rules import words

        if words.lemmas(word).get("NOUN") == (word,):
            return word, False  # "a specimen", "an abdomen": a singular of its own
        return word[:-3] + "man", True  # "groomsmen", "linesmen": as "firemen" are
    for plural_end in ("children", "women", "geese", "mice", "teeth"):
        if word.endswith(plural_end) and len(word) > len(plural_end) + 2:
            return word[:-len(plural_end)] + lexicon.IRREGULAR_PLURALS[plural_end], True  # "grandchildren"
    return word, False


def _plural_of_known(word: str) -> bool:
    # The lexicon lists some plurals as words of their own ("flowers", "eyes", "mountains").
    return any(lexicon.is_known_noun(candidate) for candidate in plural_candidates(word))


def _listed_plural(word: str) -> bool:
    # Word lists hold some plurals as such ("socks", "earrings", "woods"): still plurals.
    return word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")) and word not in lexicon.NOUNS_ENDING_IN_S


def plural_candidates(word: str) -> list[str]:
    """Possible singulars of a regular plural, most plausible first."""
    if len(word) < 3 or not word.endswith("s") or word.endswith(("ss", "us", "'s")):
        return []
    if word.endswith("is") and not lexicon.is_known_noun(word[:-1]):
        from planners.rules import words

        if len(word) > 4 and not words.is_english(word) and not words.is_concrete(word) and word[-3] not in "aeiou":
            return [word[:-1]]  # "mariachis", "yetis": a word no table knows, its -s a plural's
        return []  # "iris", "oasis"; but "broccolis", "skis" handled above
    out: list[str] = []
    if word.endswith("ies") and len(word) > 4:
        out.append(word[:-3] + "y")
    if word.endswith("ves"):
        out += [word[:-3] + "f", word[:-3] + "fe"]
    if word.endswith(("ches", "shes", "xes", "zes", "sses", "oes")):
        out.append(word[:-2])
    out.append(word[:-1])
    if word.endswith("es") and word[:-2] not in out:
        out.append(word[:-2])
    return out


def article(word: str) -> str:
    """'a' or 'an' before `word`, by how it is usually pronounced."""
    low = word.lower()
    if not low:
        return "a"
    if low.startswith(("hour", "honest", "honor", "honour", "heir")):
        return "an"
    if low.startswith(("uni", "use", "usu", "uti", "eu", "one", "once", "ur", "ufo", "ewe")):
        return "a"
    if low[0] in "aeiou":
        return "an"
    if low[0] == "8" or (low[0] == "1" and low[:2] in ("11", "18")):
        return "an"
    return "a"


_PLURAL_OF: dict[str, str] = {}  # the word table has the rest ('leaf' -> 'leaves')
_PLURAL_OF.update({"person": "people", "man": "men", "woman": "women", "child": "children", "mouse": "mice",
                   "goose": "geese", "foot": "feet", "tooth": "teeth", "knife": "knives", "bus": "buses",
                   "fish": "fish", "sheep": "sheep", "deer": "deer", "roof": "roofs"})
_NUMBERS = {n: w for w, n in lexicon.NUMBER_WORDS.items() if w not in ("single", "lone", "both", "dozen")}


def plural(noun: str) -> str:
    """The plural of a singular noun ('person' -> 'people', 'fire hydrant' -> 'fire hydrants')."""
    *front, last = noun.split(" ")
    if last in _PLURAL_OF:
        many = _PLURAL_OF[last]
    else:
        from planners.rules import words

        many = words.noun_plural(last)
    return " ".join([*front, many])


def number_word(n: int) -> str:
    return _NUMBERS.get(n, str(n))
