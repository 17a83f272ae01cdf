"""Splitting a prompt into words and punctuation, keeping where each came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from planners.rules import words

# Emoji between words end a clause, as a comma does ("2 kittens in a basket 😭 one grey one ginger").
_EMOJI_RUN = r"[\U0001F300-\U0001FAFF\u2600-\u27BF]+"
_EMOJI = re.compile(_EMOJI_RUN)
_TOKEN = re.compile(r"\d+:\d+(?:[apAP][mM])?|\b[A-Za-z]{1,2}&[A-Za-z]{1,2}\b|(?<=\d)[apAP]\.[mM]\.|(?<=\d\s)[apAP]\.[mM]\.|\d+\.\d+|[^\W_]+(?:[-'][^\W_]+)*(?:(?<=s)'(?=\s+[^\W\d_]))?|[.,;:!?()\"&/+\u2013\u2014]|(?<=\s)-(?=\s)|" + _EMOJI_RUN,
                    re.UNICODE)
_CLOCK = re.compile(r"[ap]\.m\.")
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


# Contractions of a pronoun and its verb, read as the two words ("she's wearing", "he's got", "they're").
_CONTRACTED = {"he's": "is", "she's": "is", "they're": "are", "we're": "are", "you're": "are", "he'd": "would",
               "he'll": "will", "she'll": "will", "they'll": "will",
               "she'd": "would", "they've": "have", "they'd": "would", "that's": "is", "what's": "is",
               "there's": "is", "here's": "is", "who's": "is", "who're": "are"}
# The same, typed without the apostrophe ("shes wearing", "theres a bucket").
_CONTRACTED_BARE = {"shes": ("she", "is"), "hes": ("he", "is"), "theres": ("there", "is"), "theyre": ("they", "are"),
                    "whos": ("who", "is"), "thats": ("that", "is")}
# Titles written with a stop before a name.
_TITLES = {"mr": "man", "mrs": "woman", "ms": "woman", "dr": "doctor", "prof": "professor", "capt": "captain",
           "sgt": "sergeant", "rev": "reverend", "lt": "lieutenant", "col": "colonel"}
# Words run together that people type apart ("infront of").
_RUN_TOGETHER = {"infront": ("in", "front"), "ontop": ("on", "top"), "nextto": ("next", "to")}
# Phone shorthand: "a boy w/ a bucket", "coffee w/o sugar".
_SHORTHAND = re.compile(r"\bw/o\b|\bw/(?=\s|$)", re.IGNORECASE)


def _split(low: str, following: str, start: int, end: int, text: str) -> list[Token] | None:
    if low in _CONTRACTED:
        cut = low.index("'")
        verb = "has" if _CONTRACTED[low] == "is" and following == "got" else _CONTRACTED[low]
        return [Token(text[start:start + cut], low[:cut], start, start + cut), Token(text[start + cut:end], verb, start + cut, end)]
    if low in _CONTRACTED_BARE:
        first, verb = _CONTRACTED_BARE[low]
        verb = "has" if verb == "is" and following == "got" else verb  # "hes got a white beard"
        cut = start + len(first)
        return [Token(text[start:cut], first, start, cut), Token(text[cut:end], verb, cut, end)]
    if low in ("one's", "other's") and following in (
            "in", "a", "an", "wearing", "holding", "the", "on", "with", "all", "black", "white", "grey", "gray", "brown"):
        cut = low.index("'")  # "one's in a blue jersey n the other's in yellow": one is, the other is
        return [Token(text[start:start + cut], low[:cut], start, start + cut), Token(text[start + cut:end], "is", start + cut, end)]
    if low in _RUN_TOGETHER:
        first, second = _RUN_TOGETHER[low]
        cut = start + len(first)
        return [Token(text[start:cut], first, start, cut), Token(text[cut:end], second, cut, end)]
    return None


@lru_cache(maxsize=1)
def _ing_things() -> frozenset[str]:
    from planners.rules import lexicon  # lexicon reads words, which this module's callers import first

    return lexicon.ING_NOUNS | lexicon.EVENTS


_COUNTED_TAG = re.compile(r"(\d+)([a-z]{3,})")


def _counted_tag(low: str, start: int, end: int, text: str) -> list[Token] | None:
    """'1girl', '2boys': the tag writers' count run into its noun, read as the two words (never
    '35mm', '4k' or '80s', whose letters name no thing)."""
    match = _COUNTED_TAG.fullmatch(low)
    if match is None or not words.can_be(match.group(2), "NOUN"):
        return None
    cut = start + len(match.group(1))
    return [Token(text[start:cut], match.group(1), start, cut), Token(text[cut:end], match.group(2), cut, end)]


def _noun_is(low: str, following: str, after: str, start: int, end: int, text: str) -> list[Token] | None:
    """"my mom's turning 60", "the dog's got a ball": a noun's "'s" before a verb's -ing form (with
    no noun after it, which would make it a possessive: "the girl's sleeping bag") or "got" is "is"
    or "has", read as the two words."""
    if not low.endswith("'s") or len(low) < 4 or not low[:-2].isalpha():
        return None
    if following == "got":
        verb = "has"
    elif following in ("a", "an") and _someone(low[:-2]):
        verb = "is"  # "my husband's a beekeeper": no possessive comes before "a"
    elif following in ("in", "wearing", "dressed", "holding", "on", "at", "behind", "next", "the", "between", "beside",
                       "under", "by", "near", "inside", "outside", "asleep", "curled", "sitting", "lying") and _someone(low[:-2]):
        verb = "is"  # "Grandpa's in a brown leather jacket", "my son's the tall one": a possessive is followed by its thing
    elif _someone(low[:-2]) and _describes_only(following) and not words.can_be(after, "NOUN"):
        verb = "is"  # "the drummer's shirtless with a mullet"
    elif following.endswith("ing") and words.verb_tags(following) == {"VBG"} and following not in _ing_things() and not (
            words.can_be(after, "NOUN") and not words.can_be(after, "ADV") and after not in ("a", "an", "the")):
        verb = "is"
    else:
        return None
    cut = start + len(low) - 2
    return [Token(text[start:cut], low[:-2], start, cut), Token(text[cut:end], verb, cut, end)]


def _bare_noun_is(low: str, following: str, lows: list[str], k: int, start: int, end: int,
                  text: str) -> list[Token] | None:
    """'grandpas holding his cane' after 'my grandma and grandpa', 'ones a witch', 'the other ones in
    a jean jacket': a "'s" for "is" typed without its apostrophe, read as the two words. A person-word
    said before as one person is that one again, not many, when a verb's -ing form follows."""
    if not low.endswith("s") or len(low) < 4 or low.endswith("ss"):
        return None
    before = lows[k - 1] if k else ""
    if low == "ones" and (following in ("a", "an") or before == "other" and following in ("in", "wearing", "holding")):
        cut = start + 3
        return [Token(text[start:cut], "one", start, cut), Token(text[cut:end], "is", cut, end)]
    base = low[:-3] + "y" if low.endswith("ies") else low[:-1]  # ("aunties stirring a pot")
    if words.verb_tags(following) != {"VBG"} or before in ("two", "three", "both", "the"):
        return None
    said = lows[:k]
    if base not in said or low in said or not _someone(base):
        return None
    cut = end - 1
    return [Token(text[start:cut], base, start, cut), Token(text[cut:end], "is", cut, end)]


def _describes_only(word: str) -> bool:
    """A word that can only describe ('shirtless', 'tall'), never name a thing a possessive owns."""
    found = words.lemmas(word)
    return bool(found) and "NOUN" not in found and "ADJ" in found or not found and word.endswith("less")


def _someone(word: str, animals: bool = True) -> bool:
    from planners import priors
    from planners.rules import lexicon  # lexicon reads words, which this module's callers import first

    return lexicon.category(word) in ((priors.PERSON, priors.ANIMAL) if animals else (priors.PERSON,))


def _shorthand(text: str, normalised: str) -> tuple[list[Token], str]:
    """'w/' and 'w/o' as the words they stand for, and the text with them blanked out (same length,
    so every other token still points at the words as written)."""
    tokens, blanked = [], normalised
    for match in _SHORTHAND.finditer(normalised):
        word = "without" if match.group().lower() == "w/o" else "with"
        tokens.append(Token(text[match.start():match.end()], word, match.start(), match.end()))
        blanked = blanked[:match.start()] + " " * len(match.group()) + blanked[match.end():]
    return tokens, blanked


_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")
_OWNERS = frozenset({"my", "our", "his", "her", "their", "your"})
# Kin whose "'s" learners leave out before what is theirs ("my father garage", "my son first day").
_KIN_OWNERS = frozenset({"father", "mother", "son", "daughter", "husband", "wife", "brother", "sister", "grandmother",
                         "grandfather", "grandma", "grandpa", "uncle", "aunt", "cousin", "boyfriend", "girlfriend",
                         "dad", "mum", "mom", "parents", "family", "friend", "grandson", "granddaughter", "nephew", "niece"})
_OWNED_BY_KIN = frozenset({"house", "home", "room", "bedroom", "kitchen", "garage", "garden", "farm", "shop", "office",
                           "birthday", "party", "wedding", "graduation", "anniversary", "first", "car", "boat", "school",
                           "restaurant", "cafe", "bakery", "store", "village", "funeral", "retirement", "quinceanera"})
# Kin said as a name, one person ("leaning on grandads shoulder", "with dads old blue scarf").
_KIN_NAMES = frozenset({"dad", "mum", "mom", "grandad", "granddad", "grandpa", "grandma", "nan", "nana", "granny",
                        "papa", "mama", "daddy", "mummy", "mommy", "gran", "grandmother", "grandfather"})


def _title_before_a_name(lows: list[str], matches: list, k: int) -> bool:
    """Whether the k-th word is a title written with its stop before a name ("Mrs. Patel")."""
    return lows[k] in _TITLES and k + 2 < len(matches) and lows[k + 1] == "." and matches[k + 2].group()[:1].isupper()


def _team_gear(word: str) -> bool:
    """What a team's name goes before: "his Cowboys jersey", "her Lakers cap", "our Eagles flag"."""
    from planners.rules import lexicon  # lexicon reads words, which this module's callers import first

    return word in lexicon.CLOTHING or word in ("fan", "fans", "game", "team", "logo", "flag", "mug", "poster", "banner")


def _bare_possessive(low: str, before: str, following: str, after: str = "") -> str | None:
    """'my husbands shoulder', 'grandmas 80th', 'my sons house': a person's "'s" typed without its
    apostrophe, before the thing or the day that is theirs; the word as "husband's"."""
    if before in _OWNERS and low in _KIN_OWNERS and (following in _OWNED_BY_KIN or following in _KIN_OWNERS):
        return f"{low}'s"  # "my father garage", "my husband mother": the "'s" a learner leaves out
    if not low.endswith("s") or low.endswith("ss") or len(low) < 4 or not following[:1].isalnum():
        return None
    from planners.rules import lexicon  # lexicon reads words, which this module's callers import first
    from planners.rules.inflection import singular

    counted = before.isdigit() or before in lexicon.NUMBER_WORDS or before in lexicon.VAGUE_COUNTS
    if low[:-1] in ("children", "men", "women") and not counted and words.can_be(following, "NOUN") and (
            not {"VBZ", "VBP", "VBD"} & words.verb_tags(following) or lexicon.is_known_noun(singular(following)[0])
            or words.is_concrete(singular(following)[0])):
        return f"{low[:-1]}'s"  # "childrens book style", "mens shoes"; but "three childrens play": a plural

    base, plural = singular(low)
    if not plural or lexicon.category(base) != "person" or base + "s" != low and base[:-1] + "ies" != low:
        return None
    if before not in _OWNERS and before[:1].isalnum() and not (base in _KIN_NAMES and not counted and (
            singular(following)[0] in lexicon.PARTS or singular(following)[0] in lexicon.CLOTHING
            or (lexicon.is_adjective(following) or following in lexicon.COLOURS) and words.can_be(singular(after)[0], "NOUN"))):
        return None  # "two boys play": a count or a word before them says they are many (but "on grandads shoulder")
    owned = _ORDINAL.fullmatch(following) or following in ("birthday", "house", "home", "room", "bedroom", "party",
                                                            "recital", "wedding", "graduation", "anniversary") or (
        singular(following)[0] in lexicon.PARTS and before in _OWNERS) or (  # "on her grandfathers shoulders"
        (lexicon.is_known_noun(singular(following)[0]) or lexicon.is_setting(following)
         or words.is_concrete(singular(following)[0])) and "VBZ" not in words.verb_tags(following)
        and not words.only_verb(following) and following not in lexicon.PREPOSITIONS) or (
        before in _OWNERS and (lexicon.is_adjective(following) or following in lexicon.COLOURS) and (
            words.can_be(singular(after)[0], "NOUN") or lexicon.is_adjective(after)))  # "my grandmas old table"
    return f"{base}'s" if owned and (before in _OWNERS | {"", ",", ".", "!", ":"} or base in _KIN_NAMES) else None


def tokenize(text: str) -> list[Token]:
    tokens, normalised = _shorthand(text, text.translate(_APOSTROPHES))
    matches = list(_TOKEN.finditer(normalised))
    alpha = [m.group() for m in matches if m.group()[:1].isalpha()]
    titled = len(alpha) > 1 and sum(w[:1].isupper() for w in alpha) > 0.6 * len(alpha)  # "Bycicle And Car": no names
    lows = [m.group().lower() for m in matches]
    for k, match in enumerate(matches):
        low = lows[k]
        following = lows[k + 1] if k + 1 < len(lows) else ""
        after = lows[k + 2] if k + 2 < len(lows) else ""
        parts = (_split(low, following, match.start(), match.end(), text)
                 or _bare_noun_is(low, following, lows, k, match.start(), match.end(), text)
                 or _noun_is(low, following, after, match.start(), match.end(), text)
                 or _counted_tag(low, match.start(), match.end(), text))
        if parts is not None:
            tokens.extend(parts)
            continue
        if low == "." and k > 0 and _title_before_a_name(lows, matches, k - 1):
            continue  # "Mrs. Patel", "Dr. Okafor": a title's stop, no sentence's end
        if _title_before_a_name(lows, matches, k):
            if k == 0 or not _someone(lows[k - 1], animals=False):
                tokens.append(Token(text[match.start():match.end()], _TITLES[low], match.start(), match.end()))
            continue  # "Mrs. Patel": a woman called Patel, "Dr. Okafor": a doctor; "their teacher Mrs. Patel": the teacher
        if _CLOCK.fullmatch(low):
            low = low[0] + "m"  # "11 P.M.": the time of day, as "11 pm"
        elif _EMOJI.fullmatch(low):
            low = ","
        elif low == "&" or low == "+":
            low = "and"
        elif low == "there" and k > 0 and lows[k - 1] in _BEFORE_AN_OWNER and _owned_after(following):
            low = "their"  # "spikes on there backs", "in there cage": the common slip for "their"
        elif low == "round" and following in ("his", "her", "their", "its", "the", "my", "your", "our"):
            low = "around"  # "a whistle round his neck", "sitting round the fire"
        elif (low == "w" or low == "n") and k > 0 and following[:1].isalnum() and matches[k - 1].group()[:1].isalpha():
            low = _phone_word(low, lows[k - 1], following)
        elif low in _DASHES:
            low = ":"
        elif low.endswith("s'"):
            low = f"{low[:-1]}'s"  # "the kids' boots": read as any owner's "'s"
        elif low[0].isalpha():
            before = lows[k - 1] if k > 0 else ""
            # "bycicle" is read as "bicycle"; but "Walter and Rosa": a capital inside a sentence is a name as written
            paired = following in ("and", "&") and k + 2 < len(matches) and matches[k + 2].group()[:1].isupper()
            name = match.group()[:1].isupper() and (k > 0 or paired) and (
                before not in (".", "!", "?", ":", '"', "a", "an", "the") or paired) and not titled
            team = name and before in _OWNERS and _team_gear(following)
            owned = None if team else _bare_possessive(low, before, following, after)
            low = owned or (low if name else words.correct(low))  # ("his Cowboys jersey": a team's name)
        tokens.append(Token(text[match.start():match.end()], low, match.start(), match.end()))
    return _one_picture_word(_unweighted(sorted(tokens, key=lambda token: token.start)), text)


def _phone_word(low: str, before: str, following: str) -> str:
    """'girl w a red umbrella', 'dog n cat': phone typing's 'with' and 'and', between words (never
    a letter that is itself the thing: 'an n', 'the w')."""
    if before in ("a", "an", "the", "letter", "letters"):
        return low
    return "with" if low == "w" else "and"


def _one_picture_word(tokens: list[Token], text: str) -> list[Token]:
    """'a close up of a bee': the two words are the one picture word 'close-up'; so is 'point of view'."""
    out: list[Token] = []
    k = 0
    while k < len(tokens):
        after = tokens[k + 2].low if k + 2 < len(tokens) else ""
        before = out[-1].low if out else ""
        if [t.low for t in tokens[k:k + 3]] == ["point", "of", "view"]:
            start, end = tokens[k].start, tokens[k + 2].end
            out.append(Token(text[start:end], "point-of-view", start, end))  # "from the cook's point of view"
            k += 3
            continue
        if tokens[k].low == "flat" and k + 1 < len(tokens) and tokens[k + 1].low in ("lay", "lays") and (
                before in ("a", "an", "the") or after == "of"):
            start, end = tokens[k].start, tokens[k + 1].end
            out.append(Token(text[start:end], "flat-lay", start, end))  # "a flat lay of a tray": a picture word
            k += 2
            continue
        if tokens[k].low in ("close", "closing", "push", "pushing", "tight") and k + 1 < len(tokens) and (
                tokens[k + 1].low == "on") and (k == 0 or before in SENTENCE_END or before in (",", ":")):
            start, end = tokens[k].start, tokens[k + 1].end
            out.append(Token(text[start:end], "close-up", start, end))  # "Close on a bar counter.": a shot's size
            k += 2
            continue
        if tokens[k].low == "close" and k + 1 < len(tokens) and tokens[k + 1].low == "up" and (
                after in ("of", "shot", "photo", "portrait") or before in ("a", "an", "the", "extreme")):
            start, end = tokens[k].start, tokens[k + 1].end
            out.append(Token(text[start:end], "close-up", start, end))
            k += 2
            continue
        label = _school_year(tokens, k, text) or _shirt_number(tokens, k, text)
        if label is not None:
            out.append(label)  # "a striker in yellow number 10": the number he wears, no count
            while k < len(tokens) and tokens[k].end <= label.end:
                k += 1
            continue
        if tokens[k].low == "thumbs" and k + 1 < len(tokens) and tokens[k + 1].low == "up":
            start, end = tokens[k].start, tokens[k + 1].end
            out.append(Token(text[start:end], "thumbs-up", start, end))  # "giving a thumbs up": a gesture
            k += 2
            continue
        out.append(tokens[k])
        k += 1
    return out


_NUMBER_WORDS = frozenset({"number", "numbers", "no", "nos", "num", "nr"})
_SCHOOL_YEARS = frozenset({"year", "yr", "grade", "form", "p"})


def _school_year(tokens: list[Token], k: int, text: str) -> Token | None:
    """'my Year 6 class', 'a grade 3 lesson': which school year, one word that counts nothing."""
    low = tokens[k].low
    if low not in _SCHOOL_YEARS or k + 1 >= len(tokens) or not tokens[k + 1].low.isdigit() or len(tokens[k + 1].low) > 2 or (
            k > 0 and tokens[k - 1].low.isdigit()):
        return None
    end = tokens[k + 1]
    return Token(text[tokens[k].start:end.end], f"{low}-{end.low}", tokens[k].start, end.end)


def _shirt_number(tokens: list[Token], k: int, text: str) -> Token | None:
    """'number 10', 'no. 7', '#23', 'numbers 5 and 6', '212 written on her arm': a number worn or
    written, one word that counts nothing, kept in its wearer's caption."""
    low = tokens[k].low
    if low.isdigit() and tokens[k].start > 0 and text[tokens[k].start - 1] == "#":
        return Token(text[tokens[k].start - 1:tokens[k].end], f"number-{low}", tokens[k].start - 1, tokens[k].end)
    if low.isdigit() and _written_on(tokens, k):
        return Token(tokens[k].text, f"number-{low}", tokens[k].start, tokens[k].end)
    if low not in _NUMBER_WORDS or k + 1 >= len(tokens):
        return None
    j = k + 1
    if low in ("no", "nos", "nr") and tokens[j].low == "." and j + 1 < len(tokens):
        j += 1  # "No. 7"
    if not tokens[j].low.isdigit():
        return None
    if low in ("no", "nos") and tokens[j - 1].low != ".":
        return None  # "no 3 dogs" refuses them
    end = j
    if low in ("numbers", "nos") and end + 2 < len(tokens) and tokens[end + 1].low in ("and", "&") and (
            tokens[end + 2].low.isdigit()):
        end += 2  # "numbers 5 and 6"
    parts = ["number", *(t.low for t in tokens[j:end + 1])]
    return Token(text[tokens[k].start:tokens[end].end], "-".join(parts), tokens[k].start, tokens[end].end)


_WRITTEN = frozenset({"written", "painted", "printed", "stitched", "embroidered", "inked", "scrawled", "sprayed",
                      "stencilled", "stenciled", "emblazoned"})
_WORN_SPOTS = frozenset({"back", "backs", "front", "chest", "arm", "shirt", "jersey", "sleeve", "bib", "helmet", "side",
                         "tail", "hull", "door", "cap", "kit", "shorts", "vest"})


def _written_on(tokens: list[Token], k: int) -> bool:
    """'212 written on her arm', 'a jersey with 23 on it', 'with 7 on the back', 'the other in black with
    71,': a number written on someone or something, no count of what follows."""
    after = [t.low for t in tokens[k + 1:k + 4]]
    if after[:1] and after[0] in _WRITTEN:
        return True
    if after[:2] == ["on", "it"] or after[:1] == ["on"] and after[1:2] and after[1] in (
            "the", "his", "her", "their", "its", "my") and after[2:3] and after[2] in _WORN_SPOTS:
        return True
    return k > 0 and tokens[k - 1].low == "with" and (not after or not after[0][:1].isalnum())


def _unweighted(tokens: list[Token]) -> list[Token]:
    """Image generators' prompt syntax, read as the words it wraps: a weight '(red scarf:1.3)', an
    emphasis '((masterpiece))', and 'BREAK' between subjects, which ends a sentence as a stop does."""
    dropped: set[int] = set()
    for k, token in enumerate(tokens):
        if token.low != "(":
            continue
        close = next((m for m in range(k + 1, min(len(tokens), k + 16)) if tokens[m].low in ("(", ")")), None)
        if close is None or tokens[close].low != ")":
            continue
        weighted = close - k >= 4 and tokens[close - 2].low == ":" and _is_weight(tokens[close - 1].low)
        doubled = k > 0 and tokens[k - 1].low == "(" and close + 1 < len(tokens) and tokens[close + 1].low == ")"
        if weighted:
            dropped.update((k, close - 2, close - 1, close))
        if doubled or weighted and k > 0 and tokens[k - 1].low == "(" and close + 1 < len(tokens) and (
                tokens[close + 1].low == ")"):
            dropped.update((k - 1, k, close, close + 1))  # "((masterpiece))", "((red hair:1.2))"
    out = []
    for k, token in enumerate(tokens):
        if k in dropped:
            continue
        if token.text == "BREAK":
            token = Token(token.text, ".", token.start, token.end)
        out.append(token)
    return out


def _is_weight(word: str) -> bool:
    try:
        return 0 < float(word) <= 3
    except ValueError:
        return False


_BEFORE_AN_OWNER = frozenset({"on", "in", "into", "onto", "with", "at", "under", "from", "by", "around", "over", "behind",
                              "beside", "near", "inside", "across", "between"})


def _owned_after(following: str) -> bool:
    """Whether the word after 'there' names a thing or a body part (so 'on there backs' means their backs)."""
    from planners.rules import lexicon
    from planners.rules.inflection import singular

    base = singular(following)[0]
    return following.isalpha() and (lexicon.is_known_noun(base) or words.is_concrete(base) or lexicon.is_bodily(base)) and (
        following not in lexicon.PREPOSITIONS and following not in ("is", "are", "was", "were", "and", "too"))
