"""Write the rules planner's eight WordNet 3.0 tables.

`concrete.txt.gz`: single-word nouns whose usual sense is a thing to draw (a made thing, a food, a
plant, an animal, a natural object), so that a bare tag ("..., stapler, red onion, ...") is read
as a thing and "warm light" or "high resolution" as the picture's look; and, as "word<TAB>sometimes",
nouns whose senses WordNet does not rank (none was tagged in its corpus) with such a sense among
them ("..., red toolbox, wrench, ...").

`compounds.txt.gz`: two-word names of made things, people and animals that are no kind of their
last word ("rocking chair", "football player", "sea lion"), one "name<TAB>thing|person|animal" per line, so that the reader keeps both
words where they name a kind of thing of its own, and knows "a mail carrier" is a person.

`word_kinds.txt.gz`: English nouns that WordNet 3.0 knows only as people or only as
animals, one "word<TAB>person|animal" per line, for the rules planner's open-vocabulary
fallback ("a bench for visitors", "two spectators", "a jerboa").

`worn_and_body.txt.gz`: single words whose usual sense is worn or a part of a body, one
"word<TAB>garment|body" per line ("a boater", "an oilskin", "her eyelashes", "their hooves"), so
that what is worn or bodily stays in its owner's caption.

`animal_kinds.txt.gz`: kinds of dog, cat, bird, horse and fish ("retriever<TAB>dog"), for telling
whether "the dog" said later is an animal named before.

`places.txt.gz`: single words whose usual sense is where a scene happens (a room, a building, an
area, a region, land, water, a way, woods: "lobby", "tavern", "meadow", "street"), so that a word no
list of ours knows after "in" or "at" is read as the setting when it is a place and as a thing when
it is a made thing ("sitting in a pink tub", "a hummingbird at a red feeder").

`intransitive.txt.gz`: single-word verbs whose usual sense takes no object ("overflow", "flicker",
"doze"), so that "overflowing ashtrays" is read as things that overflow and "whittling sticks" as
someone whittling them.

`occasions.txt.gz`: words and two-word names whose usual sense is an act, an event or a time, and
none of whose senses is a thing ("marathon", "night shift"), so that what people are at or on
("runners at the end of a marathon", "nurses on a night shift") is when the scene happens, not a
thing to draw.

Run by hand when the lists should change; the product only reads the files it writes:

    apt-get download wordnet-base && dpkg-deb -x wordnet-base_*.deb wn
    python planners/rules/data/make_wordnet_tables.py wn/usr/share/wordnet

Only words every noun sense of which is a person (or every one an animal) are kept: "visitor" and
"spectator" are people in every sense, while "guide", "carrier" and "knocker" are also things and
"sage" a plant, so a reader cannot tell from the word alone. Proper names ("Crane", the poet) are
written with a capital in the synsets and are left out, and so are words that are not single
alphabetic words.
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

_KINDS = {18: "person", 5: "animal"}  # lex_filenum of noun.person and noun.animal


Synsets = dict[str, tuple[int, list[str]]]  # offset -> (lex_filenum, member words as written)


def _synsets(data_noun: Path) -> Synsets:
    synsets = {}
    for line in data_noun.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # the licence header
        fields = line.split()
        count = int(fields[3], 16)
        synsets[fields[0]] = (int(fields[1]), [re.sub(r"\(.*\)$", "", fields[4 + 2 * k]) for k in range(count)])
    return synsets


def _noun_senses(wordnet: Path, synsets: Synsets):
    """(word, its senses in WordNet's order) for each single alphabetic word of index.noun; the
    index lists senses by how often they were tagged, so the first is the usual one."""
    for line in (wordnet / "index.noun").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue  # the licence header
        fields = line.split()
        word = fields[0]
        if word.isalpha() and word.isascii():
            yield word, [synsets[offset] for offset in fields[6 + int(fields[3]):]]  # after the pointers and counts


def word_kinds(wordnet: Path, synsets: Synsets) -> list[tuple[str, str]]:
    found = []
    for word, senses in _noun_senses(wordnet, synsets):
        lexfile, members = senses[0]
        if lexfile in _KINDS and word in members and all(other == lexfile for other, _ in senses):
            found.append((word, _KINDS[lexfile]))  # in lower case there: no proper name
    return found


_COMPOUND_FILES = {6: "thing", 18: "person", 5: "animal"}  # noun.artifact, noun.person, noun.animal
# Which kind a name of two kinds is read as: a person over a thing ("page boy"), an animal over a
# person, whose sense is then a figure of speech ("guinea pig", "mother hen"), a thing over an animal
# ("walking stick", "yellow jacket").
_OUTRANKS = {("person", "thing"), ("animal", "person"), ("thing", "animal")}


def compounds(synsets: Synsets, hyponyms: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Two-word names of made things and people ("soldering iron", "mail carrier"), and of animals
    that are no kind of their last word ("sea lion", "guinea pig"; but a sea turtle is a turtle), in
    lower case in their synsets (so no proper names: "Ferris wheel" stays out), each with its kind."""
    found: dict[str, str] = {}
    senses: dict[str, list[str]] = {}
    for offset, (_, members) in synsets.items():
        for member in members:
            senses.setdefault(member, []).append(offset)
    for offset, (lexfile, members) in synsets.items():
        if lexfile in _COMPOUND_FILES:
            for member in members:
                parts = member.split("_")
                if len(parts) == 2 and all(p.isalpha() and p.islower() and p.isascii() for p in parts):
                    name, kind = " ".join(parts), _COMPOUND_FILES[lexfile]
                    if kind == "animal" and offset in _hyponyms(hyponyms, senses.get(parts[1], [])):
                        continue  # "sea turtle": a turtle, named by its head
                    if name not in found or (kind, found[name]) in _OUTRANKS:
                        found[name] = kind
    return sorted(found.items())


def _write(name: str, lines: list[str]) -> None:
    out = Path(__file__).with_name(name)
    with gzip.GzipFile(out, "wb", mtime=0) as handle:  # mtime=0: the same input gives the same bytes
        handle.write("".join(f"{line}\n" for line in lines).encode())
    print(f"{len(lines)} lines -> {out}", file=sys.stderr)


_CONCRETE_FILES = {5, 6, 13, 17, 20}  # noun.animal, noun.artifact, noun.food, noun.object, noun.plant


def _tagged_senses(index: Path) -> dict[str, int]:
    """How many of each word's senses were tagged in WordNet's sense-tagged corpus; WordNet lists
    the senses of a word with none tagged in no order of use ("wrench": a twist first, the tool last)."""
    tagged = {}
    for line in index.read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if not line.startswith("  "):
            tagged[fields[0]] = int(fields[5 + int(fields[3])])
    return tagged


def _adjectives(wordnet: Path) -> set[str]:
    return {line.split()[0] for line in (wordnet / "index.adj").read_text(encoding="latin-1").splitlines()
            if not line.startswith("  ")}


def concrete_nouns(wordnet: Path, synsets: Synsets) -> list[str]:
    """Single-word nouns whose usual (first) sense is a thing one can draw a box around: a made
    thing, a food, a plant, an animal or a natural object ("stapler", "fern", "onion", "airship");
    and, marked "sometimes", nouns of no usual sense, none an adjective or a verb in common use too,
    with such a sense among theirs ("wrench", "toaster", "thimble"; not "maroon", "blank" or "keep")."""
    nouns, verbs, adjectives = _tagged_senses(wordnet / "index.noun"), _tagged_senses(wordnet / "index.verb"), _adjectives(wordnet)

    def unranked(word: str) -> bool:  # and no verb in common use ("keep", "shake", "spill")
        return nouns[word] == 0 and verbs.get(word, 0) < 3 and word not in adjectives

    def drawable(word: str, sense: tuple[int, list[str]]) -> bool:
        return sense[0] in _CONCRETE_FILES and word in sense[1]

    found = []
    for word, senses in _noun_senses(wordnet, synsets):
        if drawable(word, senses[0]):
            found.append(word)
        elif unranked(word) and any(drawable(word, sense) for sense in senses):
            found.append(f"{word}\tsometimes")
    return found


_CLOTHING = ("03051540", "03597469")  # clothing (article of clothing), jewelry
_BODY = ("05225090", "05237755", "05601758")  # external body part, body covering (hair, feathers), feature
_BODY_PART = "05220461"  # body part: its hyponyms in noun.animal are animals' parts (hoof, antler, snout)


def _hyponyms(hyponyms: dict[str, list[str]], roots) -> set[str]:
    found, stack = set(), list(roots)
    while stack:
        offset = stack.pop()
        if offset not in found:
            found.add(offset)
            stack += hyponyms.get(offset, [])
    return found


def _hyponym_pointers(data_noun: Path) -> dict[str, list[str]]:
    hyponyms: dict[str, list[str]] = {}
    for line in data_noun.read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split()
        at = 4 + 2 * int(fields[3], 16)
        for k in range(int(fields[at])):
            symbol, offset, pos = fields[at + 1 + 4 * k: at + 4 + 4 * k]
            if pos == "n" and symbol in ("~", "~i"):
                hyponyms.setdefault(fields[0], []).append(offset)
    return hyponyms


def _first_senses(wordnet: Path, synsets: Synsets, pattern: str):
    """(word, its first sense's offset) for each word of index.noun matching `pattern`, written so
    in that synset (a lemma written otherwise there, with a capital, is a name and left out)."""
    for line in (wordnet / "index.noun").read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if line.startswith("  ") or not re.fullmatch(pattern, fields[0]):
            continue
        word, first = fields[0], fields[6 + int(fields[3])]
        if word in synsets[first][1]:
            yield word, first


def worn_and_body(wordnet: Path, synsets: Synsets, hyponyms: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Single words whose usual (first) sense is worn ("boater", "oilskin", "headscarf") or a part
    of a body ("eyelash", "thumb", "hoof", "snout"), each with its kind: garment|body. A thing worn
    or a body part goes into its owner's caption rather than becoming a box of its own."""
    worn = _hyponyms(hyponyms, _CLOTHING)
    body = _hyponyms(hyponyms, _BODY)
    animal_parts = {o for o in _hyponyms(hyponyms, [_BODY_PART]) if synsets[o][0] == 5}
    found = []
    for word, first in _first_senses(wordnet, synsets, r"[a-z][a-z'-]*"):
        if word in _NOT_WORN_OR_BODY:
            continue
        if first in worn:
            found.append((word, "garment"))
        elif first in body or first in animal_parts:
            found.append((word, "body"))
    return found


_GENERAL_ANIMALS = {"dog": "02084071", "cat": "02121620", "bird": "01503061", "horse": "02374451", "fish": "02512053"}


def kinds_of_animals(wordnet: Path, synsets: Synsets, hyponyms: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Words for a kind of dog, cat, bird, horse or fish ("retriever", "tabby", "robin", "mare"),
    each with the general word, so that "the dog" after "a golden retriever" is that retriever and
    "the cat" after "a hen" is another animal. Only the words' usual (first) senses count."""
    closures = {general: _hyponyms(hyponyms, [root]) for general, root in _GENERAL_ANIMALS.items()}
    found = []
    for word, first in _first_senses(wordnet, synsets, r"[a-z][a-z-]*"):
        general = next((g for g, members in closures.items() if first in members), None)
        if general is not None and word not in _GENERAL_ANIMALS:
            found.append((word, general))
    return found


# room, area (of a structure), building, location, geological formation, establishment, body of
# water, way (road, path), land, vegetation (woods)
_PLACES = ("04105893", "02735688", "02913152", "00027167", "09287968", "03297735", "09225146", "04564698",
           "09334396", "08436759")


def places(wordnet: Path, synsets: Synsets, hyponyms: dict[str, list[str]]) -> list[str]:
    """Single words whose usual (first) sense is a place a scene happens in ("lobby", "meadow",
    "street"), for telling a setting from a thing among words no list of ours knows."""
    closure = _hyponyms(hyponyms, _PLACES)
    return sorted({word for word, first in _first_senses(wordnet, synsets, r"[a-z][a-z-]*") if first in closure}
                  | _PLACES_TOO)


_OCCASION_FILES = {4, 11, 28}  # noun.act, noun.event, noun.time


def occasions(wordnet: Path, synsets: Synsets) -> list[str]:
    """Words and two-word names whose usual (first) sense is something done, something that happens
    or a time, and none of whose senses a thing ("marathon", "night shift", "sleepover"; not "date"
    or "fire", also a fruit and a fire in a hearth), for telling "runners at the end of a
    marathon" or "nurses on a night shift" from a thing to draw."""
    senses = {word: offsets for word, offsets in _all_senses(wordnet)}
    return sorted(word.replace("_", " ") for word, first in _first_senses(wordnet, synsets, r"[a-z]+(_[a-z]+)?")
                  if synsets[first][0] in _OCCASION_FILES
                  and not any(synsets[o][0] in _CONCRETE_FILES for o in senses[word]))  # (a date, a fire, a bust)


def _all_senses(wordnet: Path):
    for line in (wordnet / "index.noun").read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if not line.startswith("  "):
            yield fields[0], fields[6 + int(fields[3]):]


# Words whose first sense WordNet files elsewhere (a castle's keep, a length, a structure) but which
# prompts use for where a scene is ("in a grimy dungeon", "in the attic", "in the yard").
_PLACES_TOO = frozenset({"dungeon", "attic", "cellar", "yard", "courtyard", "porch", "balcony"})


# First senses that are worn or bodily, but whose word a prompt uses for something else.
_NOT_WORN_OR_BODY = frozenset({
    "diamond", "pearl", "ruby", "bead", "jewel", "bijou", "furnishing", "laundry", "mending", "ironing",
    "flatwork", "seatbelt", "accessory", "pin", "mac", "mack", "mini", "maxi", "bola", "bolo", "slip-on",
    "reversible", "sparkler", "solitaire", "derby", "newmarket", "stays", "silks", "bling", "duds",
    "rigout", "scanty", "suspensor", "step-in", "down", "permanent", "roach", "handle-bars", "hooks",
    "imperial", "pudding-face", "thatch", "wishbone", "comb-plate", "marcel", "croupe", "crus", "mitt",
    "maulers", "dug", "neb", "noggin", "bonce", "lap", "scut", "physiognomy", "villus", "horseback",
    "fishbone", "soup-strainer", "annualry", "stylet", "pastern", "fetlock", "stifle", "withers",
})


# WordNet's verb frames that have an object: "Somebody ----s something", "… somebody", "… something
# to somebody", "… somebody with something" and the like (the numbers of frames.vrb).
_FRAMES_WITH_AN_OBJECT = frozenset({5, 8, 9, 10, 11, 14, 15, 16, 17, 18, 19, 20, 21, 24, 25, 30, 31})


def intransitive_verbs(wordnet: Path) -> list[str]:
    """Single-word verbs whose usual (first) sense takes no object ("overflow", "flicker", "bloom",
    "doze"), so that an -ing form of one before a noun ("overflowing ashtrays", "flickering candles")
    says how the things are, while "whittling sticks" or "flipping pancakes" does something to them."""
    frames: dict[str, set[int]] = {}
    for line in (wordnet / "data.verb").read_text(encoding="latin-1").splitlines():
        if line.startswith("  "):
            continue
        fields = line.split("|")[0].split()
        at = 4 + 2 * int(fields[3], 16)
        at += 1 + 4 * int(fields[at])  # past the pointers
        frames[fields[0]] = {int(fields[at + 2 + 3 * k]) for k in range(int(fields[at]))}
    found = []
    for line in (wordnet / "index.verb").read_text(encoding="latin-1").splitlines():
        fields = line.split()
        if line.startswith("  ") or not re.fullmatch(r"[a-z]+", fields[0]):
            continue
        first = fields[6 + int(fields[3])]
        if frames[first] and not frames[first] & _FRAMES_WITH_AN_OBJECT:
            found.append(fields[0])
    return found


def main() -> None:
    wordnet = Path(sys.argv[1])
    synsets = _synsets(wordnet / "data.noun")  # read once for all three tables
    _write("word_kinds.txt.gz", [f"{word}\t{kind}" for word, kind in word_kinds(wordnet, synsets)])
    hyponyms = _hyponym_pointers(wordnet / "data.noun")  # read once for the tables that need it
    _write("compounds.txt.gz", [f"{name}\t{kind}" for name, kind in compounds(synsets, hyponyms)])
    _write("concrete.txt.gz", concrete_nouns(wordnet, synsets))
    _write("worn_and_body.txt.gz", [f"{word}\t{kind}" for word, kind in worn_and_body(wordnet, synsets, hyponyms)])
    _write("animal_kinds.txt.gz",
           [f"{word}\t{general}" for word, general in kinds_of_animals(wordnet, synsets, hyponyms)])
    _write("places.txt.gz", places(wordnet, synsets, hyponyms))
    _write("intransitive.txt.gz", intransitive_verbs(wordnet))
    _write("occasions.txt.gz", occasions(wordnet, synsets))


if __name__ == "__main__":
    main()
