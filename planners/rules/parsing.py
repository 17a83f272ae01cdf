"""What the words say about the scene: the things in it, how they relate, where it takes place.

`describe(prompt)` reads the chunks (`chunks.py`) left to right and keeps a little state, much as
a reader does: the current subjects (what a verb or a relation is about), the owner of the next
detail (who wears the hat), and the link that the last function word set up ("in", "with", "no",
"left of"). This module handles the function words, verbs, poses, zones and negations; the noun
phrases themselves get their roles in `roles.py`.
"""

from __future__ import annotations

import dataclasses
import re

from planners import priors
from planners.rules import inflection, lexicon, roles, words
from planners.rules.chunks import Chunk, Chunker, NounPhrase
from planners.rules.corrections import Corrections
from planners.rules.description import Description, Mention, Relation
from planners.rules.owners import Owners
from planners.rules.requests import refused_subject
from planners.rules.roles import NounPhrases
from planners.rules.tags import Tags
from planners.rules.tokens import Token, tokenize

# Words for any animal at all: "two pets, a cat and a rabbit" are those two.
_ANY_ANIMAL_WORDS = frozenset({"animal", "pet", "creature", "critter", "beast", "farm animal", "baby animal"})


# Words that put the ones just named beside each other.
_BESIDE_EACH_OTHER = frozenset({"side by side", "next to one another", "hand in hand", "arm in arm",
                                "shoulder to shoulder"})
# Plain words for someone or something told of next: "one person in the picture: an old fisherman".
_STAND_IN_WORDS = frozenset({"person", "figure", "character", "subject", "animal", "creature", "pet"})
# Kin words that name an animal's family ("two ducks, a mother and a baby"): of the animal announced.
_ANIMAL_KIN = frozenset({"mother", "father", "mom", "mum", "dad", "mama", "papa", "baby", "parent", "child"})


# People plainly one sex or grown up: none is one of a plural of the other ("two boys, a girl and a teacher").
_PLAINLY_MALE = frozenset("man boy guy gentleman lad father dad daddy son brother grandfather grandpa grandad husband "
                          "boyfriend uncle nephew king prince groom".split())
_PLAINLY_FEMALE = frozenset("woman girl lady mother mom mum mommy mummy daughter sister grandmother grandma granny wife "
                            "girlfriend aunt niece queen princess bride nun".split())
_PLAINLY_YOUNG = frozenset({"boy", "girl", "kid", "child", "toddler", "baby"})


def _may_be_one_of(member: str, plural: str) -> bool:
    """Whether someone called `member` may be one of a plural called `plural` by sex and age."""
    if plural in _PLAINLY_MALE and member in _PLAINLY_FEMALE or plural in _PLAINLY_FEMALE and member in _PLAINLY_MALE:
        return False
    return not (plural in _PLAINLY_YOUNG and member in roles.GROWN_UPS)


def _may_be_participle(word: str) -> bool:
    """Whether a word can be a past participle ('parked', 'thrown', 'held')."""
    return word.endswith("ed") or "VBN" in words.verb_tags(word)


# "…, 8k. negative: blurry, extra limbs, text": what follows is the negative prompt, as generators take it.
_NEGATIVE_PART = re.compile(r"(?:^|[\s,.;(])(?:negative(?:\s+prompt)?|neg)\s*:", re.IGNORECASE)


# "negative: blurry, extra limbs. prompt: a paladin …": the scene again, after the negative part
_POSITIVE_PART = re.compile(r"(?:^|[\s,.;(])(?:positive(?:\s+prompt)?|prompt)\s*:", re.IGNORECASE)


def describe(prompt: str) -> Description:
    said_not = _NEGATIVE_PART.search(prompt)
    said_again = _POSITIVE_PART.search(prompt, said_not.end()) if said_not else None
    refused_end = said_again.end() if said_again else len(prompt)
    refused = prompt[said_not.end():said_again.start()] if said_again else prompt[said_not.end():] if said_not else ""
    # the negative part is blanked, not cut, so that what is said after it keeps its place in the prompt
    scene = prompt[:said_not.start()] + " " * (refused_end - said_not.start()) + prompt[refused_end:] if said_not else prompt
    tokens = tokenize(scene)
    reader = _Reader(prompt, tokens, Chunker(tokens).run())
    reader.read()
    if said_not:
        reader.out.removed.append((said_not.start(), refused_end))
        reader.out.negations.extend(w.strip(" ()") if not said_again else w.strip(" ().!")
                                    for w in re.split(r"[,;]", refused) if w.strip(" ().!"))
    _game_pieces(reader.out, tokens)
    _dressed_are_people(reader.out)
    _kin_named_apart(reader.out)
    _one_box_for_many(reader.out)
    return reader.out


def _one_box_for_many(description: Description) -> None:
    """'feeding pigeons', 'bees buzzing around him': a plural of things or animals no one counted,
    with nothing said of any one of them, is drawn as one box that holds them all, captioned in the
    plural; a count the words gave it after all ('four bowlers holding bowling balls': one each) or
    members named from it keep it many boxes."""
    parents = {m.parent for m in description.mentions}
    for index, mention in enumerate(description.mentions):
        if not mention.many:
            continue
        if mention.count != lexicon.DEFAULT_PLURAL_COUNT or index in parents or mention.is_person:
            mention.many = False
        else:
            mention.count = 1


def _a_thing(noun: str) -> bool:
    """Whether a word no list files by kind is still a thing, never someone ('a beaker', 'a fire
    extinguisher'): a name of a thing we know, or a concrete word WordNet files as no person."""
    return lexicon.is_known_noun(noun) or (
        words.is_concrete(noun.rsplit(" ", 1)[-1]) and words.usual_kind(noun) != "person")


def _collective(noun: str, head: str = "") -> bool:
    """'a band', 'a superhero duo', 'a street gang', 'a couple' (read as two people): a word for a
    group of people, however named."""
    return noun.rsplit(" ", 1)[-1] in lexicon.COLLECTIVES or head.rsplit(" ", 1)[-1] in lexicon.COLLECTIVES


# Animal words whose members are named by breed or coat ("two dogs, a corgi and a husky"); "two pigs, a
# horse" names another animal.
_KINDS_OF_ANIMALS = frozenset({"animal", "pet", "dog", "cat", "bird", "puppy", "kitten", "horse", "fish", "cow"})


# What animals and things are dressed in too ("a dog in a sweater", "a robot in a bow tie").
_ANIMAL_WEAR = frozenset({"sweater", "collar", "bow", "bandana", "hat", "scarf", "coat", "raincoat", "costume",
                          "bow tie", "harness", "vest", "jacket", "cape", "crown", "apron", "tutu", "bowtie"})


def _dressed_are_people(description: Description) -> None:
    """'three football fans, one in a red jersey': a thing of no known kind (or a word that also
    names an object) that wears clothes only people wear is a person, and so gets a pose; so are
    the others split from the same plural."""
    for mention in description.mentions:
        if mention.category not in (None, priors.OBJECT) or mention.noun in lexicon.DEPICTIONS:
            continue  # "a fan in a red jersey" is no electric fan; a statue in a cloak stays a statue
        worn = [noun for (link, _), noun in zip(mention.details, mention.detail_nouns, strict=False)
                if link in ("in", "wearing") and noun in lexicon.CLOTHING]
        if worn and not set(worn) & _ANIMAL_WEAR:
            mention.category = priors.PERSON
    for mention in description.mentions:
        parent = description.mentions[mention.parent] if mention.parent is not None else None
        if parent is not None and mention.is_person and parent.category in (None, priors.OBJECT):
            parent.category = priors.PERSON
    for mention in description.mentions:
        if mention.category in (None, priors.OBJECT) and mention.parent is not None and (
                description.mentions[mention.parent].category == priors.PERSON):
            mention.category = priors.PERSON


# Who "my parents" and "my grandparents" are, one word for each.
_KIN_MEMBERS = {
    "parent": (frozenset({"mom", "mum", "mother", "mommy", "mama", "ma"}),
               frozenset({"dad", "father", "daddy", "papa", "pa"})),
    "grandparent": (frozenset({"grandma", "grandmother", "granny", "nana", "nan", "gran", "grandmom", "grandmum"}),
                    frozenset({"grandpa", "grandfather", "grandad", "granddad", "gramps", "grandpop"})),
}


def _kin_named_apart(description: Description) -> None:
    """'my grandparents by their car. Grandpa's in a leather jacket, Grandma's got a scarf': the
    two named apart later are the pair, not two more; what the pair does and where it is, each does."""
    mentions = description.mentions
    for index, pair in enumerate(mentions):
        sides = _KIN_MEMBERS.get(pair.noun)
        if sides is None or pair.count != 2 or pair.parent is not None:
            continue
        members = [next((i for i in range(index + 1, len(mentions)) if mentions[i].noun in side
                         and mentions[i].count == 1 and mentions[i].parent is None), None) for side in sides]
        if None in members:
            continue
        pair.count = 0
        for member in members:
            mentions[member].actions[:0] = [a for a in pair.actions if a not in mentions[member].actions]
            if pair.pose and mentions[member].pose in (None, "standing"):
                mentions[member].pose = pair.pose
        moved = []
        for r in description.relations:
            if r.subject == index:
                moved += [Relation(m, r.kind, r.object, r.third, r.words) for m in members]
            elif r.object == index:
                moved.append(Relation(r.subject, r.kind, members[0], r.third, r.words))
            else:
                moved.append(r)
        description.relations[:] = moved


# Person-words that name game pieces where the game is named ("a chess board with a white king").
_PIECES = {"chess": frozenset({"king", "queen", "knight", "bishop", "pawn", "rook"}),
           "chessboard": frozenset({"king", "queen", "knight", "bishop", "pawn", "rook"})}


def _game_pieces(description: Description, tokens: list[Token]) -> None:
    pieces = frozenset().union(*(_PIECES.get(t.low, frozenset()) for t in tokens))
    for mention in description.mentions:
        if mention.noun in pieces:
            mention.category = priors.OBJECT  # a piece on the board: no skeleton, no person's size


# Words that say only who is shown: "two models …", named one by one later as "a woman", "a man".
_SHOWN_AS = frozenset({"model", "person", "people", "figure", "character", "subject"})
_ANY_ONE_SHOWN = frozenset({"woman", "man", "girl", "boy", "lady", "guy", "gentleman", "teen", "teenager", "kid",
                            "child", "bride", "groom", "model", "person"})

class _Reader(NounPhrases, Corrections, Tags, Owners):
    """Reads chunks left to right, keeping track of subjects, owners and links."""

    def __init__(self, prompt: str, tokens: list[Token], chunks: list[Chunk]):
        self.prompt, self.tokens, self.chunks = prompt, tokens, chunks
        self.out = Description()
        self.names: set[str] = set()  # first names of people met so far ("Jess", "Tom")
        self.depicting = False  # inside "a painting of ...": the painting is a thing, not the frame
        self.grouped_by: dict[str, int] = {}  # "a stack of suitcases": "the stack" said later is them
        self.members_named: dict[str, int] = {}  # "our two cats Miso and Tofu. Miso is asleep": the one called so
        self.last_wear: tuple[str, object] | None = None  # "he wears a hat and she a scarf"
        self.sentence_end = "."  # how the last sentence ended: a wearing verb goes on past ";" only
        self.shown_as: list[tuple[int, int]] = []  # "two models …. Left: a woman …": (the plural, first mention after)
        self.tagged_once = roles.tagged_once(tokens)  # "1girl, elf girl with silver hair": that girl described
        self._new_sentence()

    # -- state ---------------------------------------------------------------------------------

    def _new_sentence(self) -> None:
        self.sentence_start = len(self.out.mentions)  # the first mention of this sentence
        self.dressed_alike: list[int] = []  # who wear what is worn next too: "in matching sundresses and hats"
        self.sentence_subjects: list[int] = []  # top-level mentions, for "from left to right"
        self.sentence_orders: list[tuple[str, bool]] = []
        if self.sentence_end != ";":
            self.last_wear = None  # "the groom wears a tux; the bride, a gown": the verb goes on past ";" only
        self.everyone: dict[int, int] = {}  # "everyone in red …": each one, and how many details they had before
        self.announced: list[tuple[int, int, str]] = []  # (the plural, first mention after it, how: colon|group|exact)
        self.frame_open = True                  # "a photo of" may still open the sentence
        self.pair_turn = 0                      # "one …, the other …" of people named one by one
        self.correcting: str | bool = False     # "actually make it three unicorns": the next phrase corrects
        self.recolouring = False                 # "make the horse black, and the banner blue": still recolouring
        self.swapping: int | None = None         # "change the apple to a mug of tea": the apple
        self.selector: list[str] = []           # "make the black one a tuxedo cat": the words that pick it out
        self.worked_at = -1                     # the chunk naming where an activity's stuff lies ("in a pan")
        self.named_member = False               # "Miso is a fat tabby": the next thing is a named one
        self.one_each: list[tuple[int, list[int]]] = []  # a held thing, and the others who hold one like it
        self.outfit_first: list[tuple[str, str]] | None = None  # "Dressed in a red coat, a girl …": what she wears
        self._new_clause()

    def _new_clause(self) -> None:
        self.group: list[int] = []         # what verbs and relations are about
        self.acted: set[int] = set()       # members of the group a verb or relation has been said of
        self.verb_subjects: list[int] = []  # who the last verb was said of (its object relates to them)
        self.chain_subject: int | None = None  # "on a saucer on a table": the saucer
        self.peers: list[int] = []         # objects of side-by-side relations, gathered by "both"
        self.each = False                  # "each holding a cup": one cup each
        self.both = False                  # "both with rackets": said with "both" (one each only of what is held)
        self.owner: int | str | None = None  # what details attach to: a mention, "setting" or None
        self.last: int | None = None       # the nearest mention, for zones and pronouns
        self.link: tuple[str, object] | None = None
        self.continuing: tuple[str, object] | None = None  # a list in progress: "wearing a hat and a scarf"
        self.last_role: str | None = None
        self.after_copula = False
        self.fronted: list[tuple[str, int]] = []  # "On the table, two cups": relations before their subject
        self.fronted_list: list[tuple[str, int]] = []  # "on the shelf: a globe, three books …": for each
        self.placed_by_list: set[int] = set()  # placed by the list's place only, until placed otherwise
        self.dangling: list[Chunk] = []           # "Sitting on a bench, a man ...": verbs before theirs
        self.pending_zone: tuple[str | None, str | None] | None = None
        self.between: tuple[list[int], int] | None = None
        self.ellipsis: list[NounPhrase] = []
        self.negation_start: int | None = None
        self.with_owner: int | str | None = None
        self.with_start = 0
        self.with_direct = False
        self.joined_by: str | None = None          # how the last top-level thing joined the list: COMMA, AND
        self.rel_words: str | None = None          # the words of the last relation ("at the foot of")

    # -- the loop -------------------------------------------------------------------------------

    def read(self) -> None:
        self.skip: set[int] = set()
        self.partitive: tuple[str, str] | None = None
        for index, chunk in enumerate(self.chunks):
            if index in self.skip:
                continue
            if chunk.kind not in ("NP", "AND", "OR"):
                self.ellipsis = []  # "a red and a blue cup" waits for its head only across "and"
            self.index = index
            handler = getattr(self, "_on_" + chunk.kind.lower(), None)
            if handler is not None:
                handler(chunk)
        self._end_sentence()
        self._close_shown_as()

    def _note_shown_as(self) -> None:
        """At a sentence's end: a counted plural of a word that only says who is shown ('two models',
        'three people'), told of as a group, may be named one by one in the sentences after."""
        for index in range(self.sentence_start, len(self.out.mentions)):
            mention = self.out.mentions[index]
            if mention.noun in _SHOWN_AS and mention.count >= 2 and mention.parent is None and not mention.uncounted and (
                    not any(m.parent == index for m in self.out.mentions)):
                self.shown_as.append((index, len(self.out.mentions)))

    def _close_shown_as(self) -> None:
        """'Two models on a bone backdrop. Left: a woman in …. Right: a man in ….': the people named
        after, when they are exactly as many, are the models, not more people."""
        for announcer, first in self.shown_as:
            source = self.out.mentions[announcer]
            held = {r.object for r in self.out.relations if r.kind == "holding"}
            people = [i for i in range(first, len(self.out.mentions)) if self.out.mentions[i].parent is None
                      and self.out.mentions[i].count > 0 and self.out.mentions[i].is_person and i not in held]
            named = sum(self.out.mentions[i].count for i in people)
            if source.count < 2 or named != source.count or not all(
                    self.out.mentions[i].noun in _ANY_ONE_SHOWN for i in people):
                continue
            self._adopt(announcer, people, priors.PERSON, named)

    def _retract_refused_subject(self, chunk: Chunk) -> None:
        """A sentence that refuses its subject ('The dog must not be drawn.', 'Poppy is not to be drawn')
        takes back one named before by that noun or that name."""
        said = [t.low for t in self.tokens[chunk.start:chunk.end]]
        subject = refused_subject(said)
        if {said[k] for k in subject} & {"other", "else", "more", "extra", "another", "further"}:
            return  # "The other fishermen should not be shown": not the one drawn
        for k in subject:
            token = self.tokens[chunk.start + k]
            noun = inflection.singular(token.low)[0]
            named = token.text[:1].isupper() and token.text[1:].islower()
            for mention in self.out.mentions:
                if mention.count > 0 and (mention.noun == noun or named and token.text in mention.head.split()):
                    self._retract(mention.noun)
                    break

    def _next(self) -> Chunk | None:
        return self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None

    def _text(self, start: int, end: int) -> str:
        """The prompt's own words for tokens [start, end)."""
        return self.prompt[self.tokens[start].start:self.tokens[end - 1].end]

    def _on_sent(self, chunk: Chunk) -> None:
        self.sentence_end = chunk.value
        if chunk.value != ";":
            self._note_shown_as()
        # "Two superheroes: the girl has a cape; the boy is in green": the list goes on past ";"
        pending = [a for a in self.announced if a[2] == "colon"] if chunk.value == ";" else []
        self.announced = [a for a in self.announced if a not in pending]
        self._end_sentence()
        self._new_sentence()
        self.announced.extend(pending)

    def _end_sentence(self) -> None:
        self._close_negation()
        self._close_announcements()
        self._hand_out_one_each()
        if self.outfit_first:  # "A girl walks her dog. Dressed in a red coat.": the one named last wears it
            alive = [i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].count > 0
                     and self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL)]
            wearer = next((i for i in alive if self.out.mentions[i].is_person), alive[0] if alive else None)
            if wearer is not None:
                self._dress_in_outfit_first(self.out.mentions[wearer])
        for axis, reverse in self.sentence_orders:
            if len(self.sentence_subjects) > 1:
                self.out.orders.append((axis, reverse, list(self.sentence_subjects)))

    def _hand_out_one_each(self) -> None:
        """'a man and a woman at a table, each with a glass of wine': the glass, described in full,
        once for each of the others too, held by them."""
        for held, people in self.one_each:
            for person in people:
                thing = self.out.mentions[held]
                self.out.mentions.append(dataclasses.replace(
                    thing, count=self.out.mentions[person].count, details=list(thing.details),
                    actions=list(thing.actions), detail_nouns=list(thing.detail_nouns)))
                self.out.relations.append(Relation(person, "holding", len(self.out.mentions) - 1))
        self.one_each = []

    def _on_clause(self, chunk: Chunk) -> None:
        self._close_negation()
        keep = self.group
        self._new_clause()
        if chunk.value in ("as", "then"):
            self.group = keep

    def _on_there(self, chunk: Chunk) -> None:
        self._close_negation()
        self.group, self.link, self.continuing, self.last_role = [], None, None, None
        self.after_copula = False

    def _on_filler(self, chunk: Chunk) -> None:
        if chunk.value == "request":
            self._retract_refused_subject(chunk)  # "… and a dog. The dog must not be drawn."
        elif chunk.value == "lettering" and self.last is not None and self.out.mentions[self.last].actions:
            # "a sign saying FREE HUGS": its words in its caption
            self.out.mentions[self.last].go_on_with_action(self._text(chunk.start, chunk.end))
        elif chunk.value == "all" and self.last is not None:
            self._gather(both=self.tokens[chunk.start].low == "both")
        elif chunk.value == "together" and (said := self._text(chunk.start, chunk.end)).lower() in _BESIDE_EACH_OTHER:
            self._beside_each_other(said)
        elif chunk.value in ("either side", "each side"):
            one_each = chunk.start > 0 and self.tokens[chunk.start - 1].low == "one"
            pair = len(self.group) == 2 and all(self.out.mentions[i].count == 1 and self.out.mentions[i].category in (
                priors.PERSON, priors.ANIMAL) for i in self.group) and not self.acted & set(self.group)
            before = self.chunks[self.index - 3:self.index]
            couple = len(before) == 3 and [c.kind for c in before] == ["NP", "AND", "NP"] and all(
                c.np is not None and c.np.count is None and not c.np.plural
                and lexicon.category(c.np.noun or "") in (priors.PERSON, priors.ANIMAL) for c in (before[0], before[2]))
            if one_each and self.out.mentions and self.out.mentions[-1].count == 2 or pair or couple:
                return  # "her 2 grandmas one on each side", "mom and dad on either side": already two
            self._on_both_sides(chunk.value == "each side" and not one_each)

    def _on_both_sides(self, per_side: bool) -> None:
        """'a sconce on either side (of the door)': two of it; 'four chairs on each side': four a
        side, two sides. Said of the thing named last."""
        if not self.out.mentions:
            return
        placed = self.out.mentions[-1]
        people = [i for i in self.group if self.out.mentions[i].is_person and self.out.mentions[i].count == 1]
        if len(people) > 1 and len(people) == len(self.group) and len(self.out.mentions) - 1 in people and not per_side:
            return  # "mom and dad kneeling on either side of her": the two are one a side
        if per_side and placed.count > 1:
            placed.count = min(placed.count * 2, 24)
        elif placed.count == 1 and placed.parent is None:
            placed.count = 2

    def _gather(self, each: bool = False, both: bool = False) -> None:
        """'..., both on a shelf', 'all sitting', 'each holding a cup': the subjects of this clause
        and their peers (the dog in 'a cat next to a dog'), not the table they sit at."""
        two = both and sum(self.out.mentions[i].count for i in self.group) == 2 and all(
            self.out.mentions[i].is_person for i in self.group)  # "mom and dad …, both in white shirts": the two
        if not two:
            self.group = list(dict.fromkeys(self.group + self.peers))
        if each and not self.group:
            # "Two friends at a table, a man … and a woman …. Each has a cup of coffee.": those named before
            people = [i for i, m in enumerate(self.out.mentions) if m.is_person and m.count]
            self.group = people if sum(self.out.mentions[i].count for i in people) > 1 else []
        parents = {self.out.mentions[i].parent for i in self.group if self.out.mentions[i].parent is not None}
        if each and parents:
            # "four friends – one in a gold top, …, the last in overalls – each holding a microphone": all four
            self.group = [i for i, m in enumerate(self.out.mentions)
                          if (m.parent in parents or i in parents) and m.count > 0]
        elif each and len(self.group) == 1 and self.out.mentions[self.group[0]].is_person:
            # "the father in an apron, his little girl in a tutu, each holding a spoon": both of them
            people = [i for i in self.sentence_subjects if self.out.mentions[i].is_person and self.out.mentions[i].count]
            self.group = people if len(people) > 1 else self.group
        plurals = [i for i in self.group if self.out.mentions[i].count > 1]
        if each and plurals and not parents:
            # "a blacksmith hammering at an anvil, and two kids, each waving a sword": the kids, not him
            shared = set(self.out.mentions[plurals[-1]].actions)
            self.group = [i for i in self.group if i in plurals or i not in self.acted
                          or not set(self.out.mentions[i].actions) - shared]  # (but "a girl and two boys sitting …, each")
        if each and plurals and not (parents and len(self.group) > 1) and self.joined_by != "AND":
            # "my son at the grill, my 2 granddaughters each holding a sparkler": each of the two, not
            # the son; the singulars named after the plural are still theirs ("two kids and a dad, each …")
            self.group = [i for i in self.group if i >= plurals[-1] or i in plurals]
        if each and not any(self.out.mentions[i].count > 1 for i in self.group):
            # "six commuters wait as the rain comes down, each holding an umbrella": the plural before;
            # "a table with two cups, each on its own saucer": the plural just named
            last = [self.last] if self.last is not None and self.out.mentions[self.last].count > 1 else []
            plural = next((i for i in [*last, *reversed(self.sentence_subjects)] if self.out.mentions[i].count > 1), None)
            self.group = [plural] if plural is not None else self.group
        self.acted.difference_update(self.group)  # what follows is said of all of them
        self.each, self.both = each, False

    def _on_and(self, chunk: Chunk) -> None:
        self.link = ("AND", None)

    def _on_or(self, chunk: Chunk) -> None:
        self.link = ("OR", None)

    def _on_comma(self, chunk: Chunk) -> None:
        if chunk.value == ":" and self._around_a_correction():
            self.link = ("COMMA", None)  # "two hobbits—sorry, halflings—sharing a pipe": an aside, no list
            return
        self._on_list_comma(chunk)

    def _each_in_the_clause(self) -> bool:
        """Whether 'each' was said in the clause this comma ends ('two kids, each waving a sword,')."""
        k = self.chunks[self.index].start - 1
        if self.chunks[self.index].end < len(self.tokens) and self.tokens[self.chunks[self.index].end].low == "one":
            return False  # "3 kids each holding a bottle, one boy in …, one girl …": its members, one by one
        while k >= 0 and self.tokens[k].low not in (",", ":", ";", ".", "!", "?"):
            if self.tokens[k].low == "each":
                return True
            k -= 1
        return False

    def _around_a_correction(self) -> bool:
        nxt = self._next()
        before = self.chunks[self.index - 2] if self.index >= 2 else None
        return nxt is not None and nxt.kind == "CORRECT" or before is not None and before.kind == "CORRECT" and (
            before.value != "recount")  # but "no wait make it 2 — a man … and a woman …": the two, listed

    def _on_list_comma(self, chunk: Chunk) -> None:
        group_word = [i for i in self.group if self.out.mentions[i].noun in lexicon.GROUP_NOUNS
                      and self.out.mentions[i].count > 1
                      or _collective(self.out.mentions[i].noun, self.out.mentions[i].head)]
        if chunk.value == "," and self._each_in_the_clause():
            pass  # "a couple of teenagers each holding a paper cup, a little boy …": the group is told in full
        elif chunk.value == "," and group_word and not self.announced:
            self.announced.append((group_word[-1], len(self.out.mentions), "group"))  # "three friends, a tall guy ..."
        elif chunk.value == "," and not self.announced:
            nearest = [self.last] if self.last is not None else []
            counted = [i for i in [*self.group, *nearest]
                       if self.out.mentions[i].count > 1 and not {"more", "other"} & {
                           w.lower() for w in self.out.mentions[i].modifiers}  # "two more fish, a scale": more of them
                       and (self.out.mentions[i].is_person or self.out.mentions[i].category == priors.ANIMAL
                                                              or self.out.mentions[i].noun in _KINDS_OF_ANIMALS
                                                              or self.out.mentions[i].category is None
                                                              and i in self.group
                                                              or self._named_again_next(i))]  # not "a tray with two cocktails"
            if counted:  # "two hikers on a boulder, a man in … and a woman in …": only if exactly two follow
                self.announced.append((counted[-1], len(self.out.mentions), "exact"))
        if chunk.value in (":", ",") and self.fronted and not self.group:
            self.fronted_list = list(self.fronted)  # the place before a colon holds all that is listed
        if chunk.value == ":":
            announcer = next((i for i in reversed(self.group) if self.out.mentions[i].count > 1
                              or _collective(self.out.mentions[i].noun, self.out.mentions[i].head)), None)  # "the doubles team: a woman …"
            if announcer is None:
                # "reads a book to six animal pupils on a round rug: a bear, a pig, …": a counted plural
                # just named, whatever its role
                near = range(max(self.sentence_start, len(self.out.mentions) - 2), len(self.out.mentions))
                announcer = next((i for i in reversed(near) if self.out.mentions[i].count > 1
                                  and not self.out.mentions[i].uncounted), None)
            if announcer is None:
                # "Only one person in the picture: an old fisherman": a plain word for whoever is named next
                announcer = next((i for i in reversed(self.group) if self.out.mentions[i].count == 1
                                  and self.out.mentions[i].noun in _STAND_IN_WORDS), None)
            surface = self._surface_before_colon() if announcer is None else None
            wearer = self._outfit_after_colon() if announcer is None and surface is None else None
            if announcer is not None:
                self.announced.append((announcer, len(self.out.mentions), "colon"))
            elif surface is not None:
                # "Low wooden shelf for a ceramics shop: three speckled bowls …, a pitcher …": all on it
                self.fronted = self.fronted_list = [("on", surface)]
            elif wearer is not None:
                # "The woman on the left: ribbed cream knit dress, slouchy suede boots, a thin gold cuff."
                self.owner, self.continuing = wearer, ("WEAR", "in")
                self.group, self.last_role, self.link = [wearer], "subject", ("COMMA", None)
                return
            self.group, self.last_role = [], None
        self.link = ("COMMA", None)

    def _named_in_sentence(self) -> list[int]:
        """The top-level mentions this sentence has named so far, not taken back."""
        return [i for i in range(self.sentence_start, len(self.out.mentions)) if self.out.mentions[i].count > 0
                and self.out.mentions[i].parent is None]

    def _outfit_after_colon(self) -> int | None:
        """The one person a sentence named before its colon, when a garment follows it: what is listed
        is what they wear."""
        named = self._named_in_sentence()
        nxt = self._next()
        if len(named) != 1 or not self.out.mentions[named[0]].is_person or self.out.mentions[named[0]].count != 1:
            return None
        garment = nxt is not None and nxt.np is not None and lexicon.is_garment(nxt.np.noun)
        return named[0] if garment else None

    def _surface_before_colon(self) -> int | None:
        """The one thing a sentence named before its colon, when things stand on it (a shelf, a desk, a
        tray): what the colon lists is on it."""
        named = self._named_in_sentence()
        if len(named) != 1 or self.out.mentions[named[0]].count != 1 or self.fronted:
            return None
        surface = self.out.mentions[named[0]]
        return named[0] if surface.noun.rsplit(" ", 1)[-1] in roles.SURFACES or surface.noun in roles.SURFACES else None

    def _named_as_written(self, index: int) -> bool:
        """Whether a mention is someone called by a name ('Joy'), whose kind its name does not tell."""
        mention = self.out.mentions[index]
        return mention.category is None and mention.head[:1].isupper()

    def _named_again_next(self, plural: int) -> bool:
        """Whether the list after this comma names the plural's thing again ('three mugs on a shelf, two
        blue mugs and a yellow one'): its members, told apart."""
        nxt = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        return nxt is not None and nxt.np is not None and nxt.np.noun == self.out.mentions[plural].noun

    def _close_announcements(self) -> None:
        """'Five people at a bus stop: a businessman ..., a woman ...': the plural announced a list,
        and the things listed after it are its members, not more of them."""
        for announcer, first, how in self.announced:
            source = self.out.mentions[announcer]
            # what the group holds or stands by ("three students, each holding a test tube"), or what
            # anyone holds ("a guard holding a spear"), is no member
            objects = {r.object for r in self.out.relations if r.subject == announcer or r.kind == "holding"}
            listed = [i for i in range(first, len(self.out.mentions))
                      if self.out.mentions[i].parent is None and self.out.mentions[i].count > 0 and i not in objects]
            kind = self._announced_kind(source, listed, how)
            if kind is None:
                continue
            members = self._announced_members(source, listed, kind, how)
            described = how == "group" and bool(source.actions or source.details) and not _collective(source.noun, source.head)
            if described:  # "five dancers holding up a paper dragon, a drummer …, a dad …": a group told of
                # already is complete unless those listed, all named as of its kind, make it up exactly
                members = self._first_making(members, source.count,
                                             lambda i, kind=kind: self.out.mentions[i].category == kind)
            # a member said of apart later ("…, one of the girls carrying a basket") still counts
            named = sum(m.count for m in self.out.mentions if m.parent in members) + sum(
                self.out.mentions[i].count for i in members)
            alone = source.count == 1 and named == 1 and how == "colon"  # "one person: an old fisherman"
            if named < 2 and not alone or (how == "exact" or described) and named != source.count and not source.uncounted:
                continue
            self._adopt(announcer, members, kind, named)
        self.announced = []

    def _announced_kind(self, source: Mention, listed: list[int], how: str) -> str | None:
        """The kind of the members: the group's own, or that of those listed ("four members: the
        leader …"); announced without a colon or a group word, only people or animals."""
        if _collective(source.noun, source.head):
            return priors.PERSON
        if source.category is not None:
            return source.category
        if listed and all(self.out.mentions[i].noun in ("male", "female") for i in listed[:2]):
            return priors.ANIMAL  # "two cardinals …, a bright red male and a brown female"
        if how == "exact":  # "two fighters, a samurai … and a ninja …": the kind of the first listed
            first = next((self.out.mentions[i].category for i in listed if self.out.mentions[i].category is not None
                          or not self._named_as_written(i)), None)  # ("2 carers, Joy in …, Tom in …": by Tom)
            return first if first in (priors.PERSON, priors.ANIMAL) else None  # else "seven chargers, seven goblets"
        kinds = [self.out.mentions[i].category for i in listed if self.out.mentions[i].category]
        return max(kinds, key=kinds.count) if kinds else None  # a tie goes to the kind listed first, in every process

    def _announced_members(self, source: Mention, listed: list[int], kind: str, how: str) -> list[int]:
        if how == "exact":
            # only the things named next, one after another, all of the kind: "two hikers, a man … and a
            # woman …"; words the lists lack name members too ("three cats, a tabby and two calicos")
            subjects = [i for i in listed if i not in {r.object for r in self.out.relations}]
            if kind not in (priors.PERSON, priors.ANIMAL, None):
                subjects = [i for i in subjects if self.out.mentions[i].noun == source.noun]  # two blue mugs, a yellow one
            # "hiking buddies on a summit, a guy in … and a woman in …": as many as are named
            making = len(listed) if source.uncounted else source.count
            adjacent = self._first_making(subjects, making,
                                          lambda i: self._member_kind(source, self.out.mentions[i], kind))
            if source.uncounted or kind != priors.PERSON or sum(self.out.mentions[i].count for i in adjacent) == making:
                return adjacent
            # "two hikers at a campfire, a woman … roasting a marshmallow on a stick and a man …": what
            # the members hold or sit on is passed over; the people must make up the count
            people = [i for i in listed if self.out.mentions[i].category == priors.PERSON]  # "behind his customer" too
            return self._first_making(people, making, lambda i: _may_be_one_of(self.out.mentions[i].noun, source.noun))
        # a member named by a word the lists do not know ("a tabby", "a calico") is of the kind announced,
        # unless it is placed by the members ("a band of four musicians, a drummer, …, with a music
        # stand in front of each of them")
        placed = {r.subject for r in self.out.relations if r.object in listed}
        # what a member stands at or works on is none of them ("a couple cooking, the woman chopping at a
        # wooden board, the man …")
        placed |= {r.object for r in self.out.relations if r.subject in listed and r.subject != r.object
                   and self.out.mentions[r.subject].category == kind}
        if kind == priors.FURNITURE and source.noun in priors.NOUNS:
            listed = [i for i in listed if self.out.mentions[i].noun == source.noun
                      or self.out.mentions[i].noun not in priors.NOUNS]
            # ("a nightstand on each side — a lamp on the left one, an alarm clock on the right one": things of their own)
        if source.noun in roles.YOUNG_PEOPLE:  # "five kids around the table, a clown, and a mother": no kid
            listed = [i for i in listed if self.out.mentions[i].noun not in roles.GROWN_UPS]
        members = [i for i in listed if self.out.mentions[i].category == kind or (
            self.out.mentions[i].category is None and i not in placed
            and not (kind == priors.PERSON and _a_thing(self.out.mentions[i].noun)))]
        if how == "colon" and sum(self.out.mentions[i].count for i in members) != source.count:
            # "six chess pieces: two pawns, a king, …": those listed first that make up the count
            prefix = self._first_making(listed, source.count, lambda i: True)
            if sum(self.out.mentions[i].count for i in prefix) == source.count and len(prefix) > 1:
                return prefix
        return members

    @staticmethod
    def _member_kind(source: Mention, member: Mention, kind: str) -> bool:
        """Whether a thing named after a counted plural can be one of it: a person for people; for
        animals, a kind of the animal named ("three cats, a tabby …"), any animal after a general
        word ("two pets, a cat and a rabbit"), never another animal ("two fawns …, a heron")."""
        if kind == priors.ANIMAL and member.noun in ("male", "female") or kind == priors.ANIMAL and (
                member.noun in _ANIMAL_KIN and source.noun not in _ANY_ANIMAL_WORDS):
            return True  # "two cardinals …, a bright red male and a brown female"; "two ducks, a mother and a baby"
        if member.category not in (kind, None) or member.noun in lexicon.PARTS:
            return False  # (but "three goldfinches on the feeder, red faces and yellow wing bars": their marks)
        if member.category is None and kind == priors.PERSON and _a_thing(member.noun):
            return False  # "two students in goggles at a table, a beaker on it, a fire extinguisher …": things
        if kind == priors.PERSON and not _may_be_one_of(member.noun, source.noun):
            return False  # "two boys, a girl and a teacher": no girl is one of the boys
        if kind != priors.ANIMAL or member.category is None or source.noun in _ANY_ANIMAL_WORDS:
            return True
        young = member.noun.startswith(source.noun) or source.noun.startswith(member.noun)  # "ducks …, three ducklings"
        young = young or source.noun in lexicon.ANIMAL_FORMS.get(member.noun, ())  # "3 chickens, 2 hens and a rooster"
        general = words.general_animal(member.noun)
        breed = general is None and member.noun not in priors.NOUNS  # "my 3 dogs, the labrador, …": WordNet caps breeds
        return member.noun == source.noun or young or general == source.noun or breed

    @staticmethod
    def _breed_of(member: Mention, source: Mention) -> bool:
        """Whether a member is named by its coat ('a calico', 'a grey tabby') after a plain animal word
        ('three kittens', 'my two cats'), so that it is one of those, described; breeds, an animal's
        sexes and its young keep their own names ('a corgi and a husky', '2 hens and a rooster')."""
        if member.noun == source.noun or source.noun in _ANY_ANIMAL_WORDS or member.noun in lexicon.ANIMAL_FORMS:
            return False
        if source.noun in lexicon.ANIMAL_FORMS.get(member.noun, ()) or member.noun.startswith(source.noun):
            return False
        return member.noun in lexicon.COATS  # but "three dogs: a poodle, a pug and a husky" keep their breeds

    def _first_making(self, candidates: list[int], count: int, fits) -> list[int]:
        """The first candidates, one after another while each fits, until they make up `count`."""
        chosen, total = [], 0
        for i in candidates:
            if total >= count or not fits(i):
                break
            chosen.append(i)
            total += self.out.mentions[i].count
        return chosen

    def _adopt(self, announcer: int, members: list[int], kind: str, named: int) -> None:
        """The members are the announced group's: it keeps only those left unnamed, and they share
        its kind, pose and place."""
        source = self.out.mentions[announcer]
        source.count = 0 if source.uncounted else max(0, source.count - named)
        source.category = source.category or kind  # the members left unnamed are of their kind too
        for index in members:
            member = self.out.mentions[index]
            member.parent = announcer
            if (member.noun in ("male", "female") or member.noun in _ANIMAL_KIN) and kind == priors.ANIMAL:
                member.noun, member.head = source.noun, f"{member.head} {source.head}"  # "a bright red male cardinal"
                member.category = kind
            elif kind == priors.ANIMAL and self._breed_of(member, source):
                member.noun = source.noun  # "three kittens: a calico, a grey tabby …": kittens, each described
            if member.category is None:
                member.category = kind  # "the leader": one of the four members
            if source.pose and not member.pose:
                member.pose = source.pose  # "a family of four walking …, a mother in …": she walks too
                member.actions = [a for a in source.actions if a not in member.actions] + member.actions
            elif not member.actions:
                member.actions = list(source.actions)  # "5 kids hunting for eggs, 2 girls …": they hunt too
            self._set_zone(index, source.zone)

    def _on_copula(self, chunk: Chunk) -> None:
        self.after_copula = True

    def _on_relative(self, chunk: Chunk) -> None:
        if self.last is not None:
            self.group = [self.last]
            self.owner = self.last
            if self.tokens[chunk.start].low == "whose":
                self._whose(self.last)

    def _whose(self, owner: int) -> None:
        """'a boy whose cap is bright orange', 'a laptop whose screen shows a mountain': how the owner
        looks, in its caption, up to the clause's end or the main verb ('… whose apron is stained tastes')."""
        first = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        noun = first.np.noun if first is not None and first.np is not None else None
        if noun in priors.NOUNS and noun not in lexicon.CLOTHING and noun not in lexicon.PARTS:
            self.link = ("WITH", "with")  # "a woman whose teacup is still full": her teacup is a thing
            self.with_owner = owner
            return
        verbs, end = 0, self.index
        for k in range(self.index + 1, len(self.chunks)):
            kind = self.chunks[k].kind
            if kind in ("VERB", "POSE", "COPULA"):
                verbs += 1
            if kind in ("COMMA", "AND", "SENT", "CLAUSE", "RELATIVE", "OR") or verbs > 1:
                break
            end = k
        if end == self.index:
            return
        words = self._text(self.chunks[self.index + 1].start, self.chunks[end].end)
        self.out.mentions[owner].add_detail("whose", words, None)
        self.skip.update(range(self.index + 1, end + 1))

    def _on_rel(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("REL", chunk.value)
        self.rel_words = self._text(chunk.start, chunk.end)
        said = [t.low for t in self.tokens[chunk.start:chunk.end]]
        if "side" in said or "sides" in said:
            # ("a boy and a girl sit on either side of a table": one on each side already)
            two = len(self.group) == 2 and all(self.out.mentions[i].count == 1 for i in self.group)
            if "either" in said and not two:
                self._on_both_sides(False)  # "a potted plant on either side of the door"
            elif ("each" in said or "both" in said) and not two:
                self._on_both_sides(True)
        self.continuing = None
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        # "a cup on a saucer on a table": the second relation is the saucer's
        chained = (previous is not None and previous.kind == "NP" and previous.np is not None
                   and previous.np.noun is not None and self.last_role == "object")
        self.chain_subject = self.last if chained else None
        holder = next((r.subject for r in self.out.relations if r.kind == "holding" and r.object == self.last), None)
        if chained and holder is not None and chunk.value not in ("inside", "on"):
            self.chain_subject = holder  # "a fox reading a book under a mushroom": the fox is under it
        if previous is not None and previous.kind == "FILLER" and previous.value == "degree":
            previous = self.chunks[self.index - 2] if self.index > 1 else None  # "Just behind the bench, …": how near
        if self._fronted_relation(previous):
            # "…, and beneath the bed a shoebox peeks out", "to the left of the bed is a nightstand":
            # the place comes first, its thing after
            self.group, self.chain_subject, self.last_role = [], None, None

    def _fronted_relation(self, previous: Chunk | None) -> bool:
        if previous is not None and previous.kind not in ("AND", "COMMA", "SENT", "CLAUSE"):
            return False
        place = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        if place is None or place.kind != "NP" or place.np is None or place.np.pronoun is not None:
            return False
        k = self.index + 2
        if k < len(self.chunks) and self.chunks[k].kind in ("COPULA", "VERB", "POSE"):
            k += 1  # "… is a nightstand", "… hangs a map"
        thing = self.chunks[k] if k < len(self.chunks) else None
        return thing is not None and thing.kind == "NP" and thing.np is not None and not thing.np.headless and (
            thing.np.det is not None or thing.np.count is not None)

    def _on_prep(self, chunk: Chunk) -> None:
        if chunk.value in ("like", "including") and self.negation_start is not None and self.continuing == ("NEG", None):
            self.link = ("NEG", None)
            return  # "no modern stuff like watches or sunglasses": the examples are left out too
        self._close_negation()
        self.link = ("PREP", chunk.value)
        self.continuing = None

    def _on_correct(self, chunk: Chunk) -> None:
        self._close_negation()
        self.correcting = chunk.value  # "recount", "replace" or "select"
        self.link = None

    def _on_zone(self, chunk: Chunk) -> None:
        target = self.last if self.last is not None and self.last_role in ("subject", "object") else None
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        nxt = self._next()
        # "..., and in the bottom left a lighthouse": a place put before its thing is that thing's
        fronted = (previous is None or previous.kind in ("AND", "COMMA", "SENT")) and (
            nxt is not None and nxt.kind == "NP" and nxt.np is not None and nxt.np.pronoun is None)
        said = [t.low for t in self.tokens[chunk.start:chunk.end]]
        owner = self.with_owner if isinstance(self.with_owner, int) else None
        if said in (["on", "top"], ["on", "the", "top"], ["at", "the", "top"]) and target is not None and owner is not None and (
                owner != target) and not fronted and (
                self.out.mentions[target].parent is None):
            # "a lamppost with a pigeon on top": on top of the thing it is with, not at the top of the picture
            self.out.relations.append(Relation(target, "on", owner, None, "on top of"))
            return
        everyone = previous is not None and (previous.kind == "NP" and previous.np is not None and (
            previous.np.noun is None) or previous.kind == "FILLER") and self.tokens[previous.start].low in ("both", "all")
        if everyone and not fronted and len(self.group) > 1:
            for index in self.group:  # "a tortoise and a snail, both at the bottom left": the two of them
                self._set_zone(index, chunk.value)
            return
        if target is None and not fronted and self.last_role == "setting" and len(self.group) == 1:
            target = self.group[0]  # "a heron watching the pond from the top left corner": the heron's place
        if target is None or fronted:
            self.pending_zone = chunk.value
        else:
            self._set_zone(target, chunk.value)

    def _on_corners(self, chunk: Chunk) -> None:
        """'a white dove in each top corner': one of the thing just named in each of those corners."""
        target = self.last if self.last is not None and self.last_role in ("subject", "object") else None
        if target is None or self.out.mentions[target].count not in (1, len(chunk.value)):
            return
        first = self.out.mentions[target]
        first.count = 1
        self._set_zone(target, chunk.value[0])
        for zone in chunk.value[1:]:
            self.out.mentions.append(dataclasses.replace(first, details=list(first.details), actions=list(first.actions),
                                                         detail_nouns=list(first.detail_nouns), zone=zone))

    def _set_zone(self, index: int, zone: tuple[str | None, str | None]) -> None:
        mention = self.out.mentions[index]
        mention.zone = (zone[0] or mention.zone[0], zone[1] or mention.zone[1])

    def _beside_each_other(self, said: str) -> None:
        """'a violinist and a cellist playing side by side', 'hand in hand': each beside the next."""
        members = [i for i in self.group if self.out.mentions[i].count >= 1 and self.out.mentions[i].parent is None]
        for a, b in zip(members, members[1:], strict=False):
            if not any({r.subject, r.object} == {a, b} for r in self.out.relations):
                self.out.relations.append(self._relation(a, "next to", b, said))

    def _on_order(self, chunk: Chunk) -> None:
        self.sentence_orders.append(chunk.value)

    def _on_pose(self, chunk: Chunk) -> None:
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        if (previous is not None and previous.kind == "NP" and self.last is not None and self.last_role == "object"
                and self.out.mentions[self.last].is_person and not self._rides(self.last)):
            self.group = [self.last]  # "a woman beside a man crouching": the man crouches
            self._apply_pose(chunk, self.group)
            return
        if not self.group:
            self.dangling.append(chunk)
            return
        self._apply_pose(chunk, self._targets())

    def _targets(self) -> list[int]:
        """Who the next verb or relation is about: the group's members nothing was said of yet
        ("a man kneeling and a child jumping"), or the whole group ("a man and a woman sitting")."""
        fresh = [i for i in self.group if i not in self.acted]
        return fresh or list(self.group)

    def _apply_pose(self, chunk: Chunk, targets: list[int]) -> None:
        self.acted.update(targets)
        for index in targets:
            mention = self.out.mentions[index]
            if mention.is_person:
                mention.pose = chunk.value
            mention.actions.append(self._text(chunk.start, chunk.end))

    def _on_verb(self, chunk: Chunk) -> None:
        self._close_negation()
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        if previous is not None and previous.kind == "NP" and self.last_role == "style":
            self.link = None  # "sparks flying everywhere": said of the picture's look
            return
        before = self.chunks[self.index - 2] if self.index > 1 else None
        if previous is not None and previous.kind == "COPULA" and before is not None and before.kind == "NP" and (
                before.np is not None and before.np.det == "the" and len(self.group) > 1):
            # "…, the nurse is holding a clipboard": said of the one just named again, as without the "is"
            previous, before = before, self.chunks[self.index - 3] if self.index > 2 else None
        placed = before is not None and before.kind in ("REL", "PREP") and bool(self.group)
        if previous is not None and previous.kind == "NP" and self.last_role == "setting" and not (
                placed and self.tokens[chunk.start].low.endswith("ing")) and not (
                previous.np is not None and previous.np.headless):  # "…on a porch, each holding": theirs
            # "waves crashing below": said of the setting, drawn with it; but "kids lying on the
            # grass gazing at the stars": a participle after a place is said of who is there
            self.link = None
            return
        passive = (previous is not None and previous.kind == "NP" and self.last is not None and self.last_role == "object"
                   and _may_be_participle(self.tokens[chunk.start].low) and previous.end == chunk.start
                   and self.out.mentions[self.last].category not in (priors.PERSON, priors.ANIMAL)
                   and self.index + 1 < len(self.chunks) and self.chunks[self.index + 1].kind in ("REL", "ZONE", "SIDE"))
        if passive or (previous is not None and previous.kind == "NP" and self.last is not None and self.last_role == "object"
                       and self.out.mentions[self.last].category in (priors.PERSON, priors.ANIMAL)
                       and not self._rides(self.last) and not (previous.np is not None and previous.np.headless)):
            # (and "with a red convertible parked behind him": done to the thing just named)
            # "a man next to a woman holding an umbrella": the participle goes with the nearest one.
            self.group = [self.last]
            self._apply_verb(chunk, self.group)
            return
        one = self._said_of_one(previous.np, before, chunk) if (
            previous is not None and previous.kind == "NP" and previous.np is not None and len(self.group) > 1) else None
        if one is None and previous is not None and previous.kind == "COMMA" and previous.value == "," and (
                len(self.group) > 1):
            one = self._held_by_the_last_described(chunk)
        if one is not None:
            self.group = [one]
        nxt = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        fronted = bool(self.fronted) or (self.between is not None and not self.between[0])  # "between the trees rolls …"
        inverted = (fronted and previous is not None and previous.kind == "NP" and self.last_role == "object"
                    and nxt is not None and nxt.np is not None and nxt.np.det in lexicon.ARTICLES
                    and (not chunk.value.transitive or (previous.np is not None and previous.np.plural and "VBZ" in
                                                         words.verb_tags(self.tokens[chunk.start].low))))
        if not self.group or inverted:
            if fronted:
                self.dangling.append(chunk)  # "on a shelf rest a towel and a candle": said of what comes
                return
            if self.last is not None and self.last_role in ("subject", "object"):
                self.group = [self.last]
            else:
                self.dangling.append(chunk)
                return
        self._apply_verb(chunk, self._targets())

    def _held_by_the_last_described(self, chunk: Chunk) -> int | None:
        """'the mother in a blue shirtdress, the daughter in a smock, holding a small handbag': people
        each described in their own words, then one thing held after a comma: the last one's."""
        held = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        said = self.chunks[self.index - 2] if self.index >= 2 else None
        if not getattr(chunk.value, "holds", False) or held is None or held.np is None or held.np.det not in ("a", "an"):
            return None
        if said is None or said.kind != "NP" or said.np is None or said.np.pronoun is not None or said.np.headless:
            return None  # (but "…, both holding a cup": theirs)
        people = [g for g in self.group if self.out.mentions[g].is_person]
        if len(people) != len(self.group) or not all(self.out.mentions[g].details for g in people):
            return None
        return self.group[-1]

    def _said_of_one(self, previous: NounPhrase, before: Chunk | None, chunk: Chunk) -> int | None:
        """The one of several subjects that a verb right after a noun phrase is said of alone, if any."""
        worn = before is not None and (before.kind == "WEAR" or before.kind == "REL" and before.value == "inside")
        if previous.noun in ("everyone", "everybody"):
            return None  # "…, everyone holding a sparkler": all of them
        if previous.headless and not worn:
            return None  # ", both smiling", "each holding a cup": of them all (but "…, an elf in green playing")
        last = self.group[-1]
        if (self.joined_by == "COMMA" and previous.noun != self.out.mentions[last].noun
                and last in self.sentence_subjects):
            # "woman in a raincoat, man in a trench coat, small boy in rubber boots jumping": a tag's
            # verb after its own words is that tag's
            return last
        if previous.pronoun is not None or self.last not in self.group:
            return None
        said_before = any(self.out.mentions[g].details or self.out.mentions[g].actions for g in self.group[:-1])
        if (self.last == last and getattr(chunk.value, "holds", False) and not self.out.mentions[last].details
                and said_before and self.out.mentions[last].category in (priors.PERSON, priors.ANIMAL)):
            # "a man in a red hat and a woman holding an umbrella": the man has his words already, the
            # woman none, so what is held is hers (but "… and a groom in a suit walking": both walk)
            return last
        if before is not None and before.kind == "COMMA" and self.last_role == "subject":
            return self.last  # "a red car, two bicycles hanging on the wall, a toolbox …": the item before it
        described = [g for g in self.group if self.out.mentions[g].details or self.out.mentions[g].actions]
        held = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        one_thing = held is not None and held.np is not None and held.np.det in ("a", "an") and (
            held.np.noun not in lexicon.PARTS)  # (but "… holding hands": both)
        if self.last == last and (len(self.group) >= 3 or one_thing) and len(described) == len(self.group) and (
                getattr(chunk.value, "holds", False)):
            # "a tall guy in a denim jacket, a girl in a leather skirt, and an older man in a grey trench
            # coat holding a newspaper": each has their own words; what the last holds is theirs
            return last
        placed = [g for g in self.group[:-1] if self.out.mentions[g].zone != (None, None)
                  or any(r.subject == g for r in self.out.relations)]
        if self.last == last and len(placed) == len(self.group) - 1 and not self.out.mentions[last].details and (
                self.out.mentions[last].zone == (None, None)):
            return last  # "a cat on the left and a dog on the right and a bird flying above them": the bird
        return None

    def _rides(self, mount: int) -> bool:
        """'a knight on a horse holding a lance': the rider, not the mount, does what follows."""
        return any(r.kind == "on" and r.object == mount and r.subject in self.group for r in self.out.relations)

    def _apply_verb(self, chunk: Chunk, targets: list[int]) -> None:
        verb: lexicon.Verb = chunk.value
        movers = (priors.PERSON, priors.ANIMAL, priors.VEHICLE)
        if any(self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL) for i in targets):
            # "neon signs, people with umbrellas crossing the road": who can do it, in a mixed list
            targets = [i for i in targets if self.out.mentions[i].category in movers]
        self.acted.update(targets)
        self.verb_subjects = list(targets)
        done_to = self._done_to(chunk)
        for index in targets:
            mention = self.out.mentions[index]
            if verb.pose and mention.is_person and not (verb.pose == "standing" and mention.pose):
                mention.pose = verb.pose  # "standing" says less than "with arms crossed"
            if done_to is not None and mention.category not in (priors.PERSON, priors.ANIMAL):
                mention.actions.append(done_to)  # "a towel thrown over a chair", not "a towel throwing"
            elif verb.gerund:
                mention.actions.append(verb.gerund)
        self.after_copula = False
        self.link = ("VERB", verb) if verb.transitive else None
        self.continuing = None

    def _done_to(self, chunk: Chunk) -> str | None:
        """A lone past participle as written ('thrown', 'leaned'): what was done to a thing."""
        if chunk.end != chunk.start + 1 or not _may_be_participle(self.tokens[chunk.start].low):
            return None
        return self._text(chunk.start, chunk.end)

    def _on_neg(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("NEG", None)
        self.retracting = chunk.value == "retract"
        self.negation_start = self.tokens[chunk.start].start
        self.negation_end = self.tokens[chunk.end - 1].end

    def _on_neg_people(self, chunk: Chunk) -> None:
        self._close_negation()
        written = self.tokens[chunk.end - 1].low
        # "no humans": the word as written too, where it says more than "people" to the negative prompt
        self.out.negations.append("people" if written in ("people", "person", "persons", "one", "nobody", "no-one",
                                                         "noone") else f"people, {written}")
        self.negation_start = self.tokens[chunk.start].start
        self.negation_end = self.tokens[chunk.end - 1].end
        self.continuing = ("NEG", None)
        self._negation_tail(chunk.end)

    def _close_negation(self) -> None:
        if self.negation_start is not None:
            self.out.removed.append((self.negation_start, self.negation_end))
            self.negation_start = None
            if self.continuing and self.continuing[0] == "NEG":
                self.continuing = None

    def _on_wear(self, chunk: Chunk) -> None:
        self._close_negation()
        text = self._text(chunk.start, chunk.end)
        before = self.index - 1
        while before >= 0 and self.chunks[before].kind == "FILLER":
            before -= 1
        opening = before < 0 or self.chunks[before].kind == "SENT"  # (only fillers since the sentence began)
        if opening and chunk.value != "as":
            self.outfit_first = []  # "Styled in head-to-toe denim, a young woman walks …": hers, said first
        worn_as = {"wears", "wear", "wore", "sports", "sported", "sport", "dons", "donned", "don"}
        worn = text.lower() in worn_as or chunk.value == "chosen"  # ("opts for a cardigan", "pairs a skirt with …")
        self.link = ("WEAR", "wearing" if worn else "dressed as" if text.lower() == "as" else text)
        self.last_wear = self.link

    def _dress_in_outfit_first(self, wearer) -> None:
        outfit, self.outfit_first = self.outfit_first or [], None
        if outfit:
            said = [piece for _, piece in outfit]
            wearer.add_detail(outfit[0][0], ", ".join(said[:-1]) + " and " + said[-1] if len(said) > 1 else said[0])

    def _on_with(self, chunk: Chunk) -> None:
        self._close_negation()
        said = self._text(chunk.start, chunk.end)
        # "he's got a cap": the caption says what he has in words of its own
        self.link = ("WITH", "with" if self.tokens[chunk.start].low in ("has", "have") and not said[:1].isalpha() else said)
        self.with_owner = self.owner  # a list after "with" keeps this owner
        if self.tokens[chunk.start].low in ("has", "have"):
            self.last_wear = ("WEAR", "has")  # "the first has a jacket, the second a hat": worn, the verb understood
        self.with_start = len(self.out.mentions)  # the things the list has made so far come after it
        # "a table with a cup on it" (its own list) rather than "an owl on a branch, with the moon behind it"
        self.with_direct = self.index == 0 or self.chunks[self.index - 1].kind != "COMMA"

    def _relation(self, subject: int, kind: str, obj: int, words: str | None = None) -> Relation:
        return Relation(subject, kind, obj, words=words or self.rel_words)

    def _on_detail(self, chunk: Chunk) -> None:
        self.link = ("DETAIL", self._text(chunk.start, chunk.end))

    def _on_of(self, chunk: Chunk) -> None:
        if self.link and self.link[0] == "FRAME":
            self.link = None
            return
        self.link = ("OF", "of")

    def _on_side(self, chunk: Chunk) -> None:
        """'a lamp with a book on its left', 'a dog to their right': beside whoever the possessive means."""
        self._close_negation()
        self.link, self.continuing = None, None
        pronoun = self.tokens[chunk.start + 1].low if chunk.end - chunk.start > 1 else "it"
        subjects = [self.last] if self.last is not None and self.last_role in ("subject", "object") else []
        # not a thing kept in or on another ("a typewriter with a sheet of paper in it, a cup to its
        # right": the typewriter's right, not the paper's)
        contents = [r.subject for r in self.out.relations if r.kind in ("in", "inside")]
        named = self.tokens[chunk.start + 2].low[:-2] if pronoun == "the" else None  # "to the bookcase's right"
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        fronted = (previous is None or previous.kind in ("AND", "COMMA", "SENT", "CLAUSE")) and self._thing_follows()
        if named:
            owner = self._named_before(named)
        elif fronted:
            owner = self._resolve(pronoun, prefer=self.group)  # "a vase, and to its right a lamp": the vase's
        else:
            owner = self._resolve(pronoun, exclude=[*subjects, *contents], prefer=self.group)
            if owner is None:
                owner = self._resolve(pronoun, exclude=subjects, prefer=self.group)
        together = [i for i in self.sentence_subjects if i not in subjects]
        if pronoun in ("their", "them") and owner is not None and self.out.mentions[owner].count < 2 and together:
            owner = together[0]  # "a girl next to her father, their dog to their left": the pair's first
        words = self._text(chunk.start, chunk.end)
        if owner is not None and fronted:
            self.fronted.append((chunk.value, owner))  # "…, and to its right a lamp": the place first, its thing after
            self.group, self.last_role = [], None
            return
        if owner is None or not subjects:
            for index in subjects:
                self._set_zone(index, (chunk.value.split()[0], None))
            return
        for index in subjects:
            self.out.relations.append(Relation(index, chunk.value, owner, words=words))
        self.acted.update(subjects)

    def _thing_follows(self) -> bool:
        """Whether a thing is named next, after "is" or a verb of standing if any ("… is a small table")."""
        k = self.index + 1
        if k < len(self.chunks) and self.chunks[k].kind == "COMMA" and self.chunks[k].value == ",":
            k += 1  # "To his left, an open violin case"
        if k < len(self.chunks) and self.chunks[k].kind in ("COPULA", "VERB", "POSE"):
            k += 1
        thing = self.chunks[k] if k < len(self.chunks) else None
        return thing is not None and thing.kind == "NP" and thing.np is not None and thing.np.pronoun is None and (
            not thing.np.headless)

    def _named_before(self, word: str) -> int | None:
        """The latest thing named by `word` ('the bookcase', 'the basket'), else None."""
        noun = inflection.singular(word)[0]
        return next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].noun == noun
                     or self.out.mentions[i].noun.endswith(f" {noun}")), None)

    def _on_picture(self, chunk: Chunk) -> None:
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        if previous is not None and previous.kind == "NEG" and self.link == ("NEG", None) and (
                self.negation_start is not None):
            # "no harsh shadows", "without lens flare": a look refused, for the negative prompt
            self.out.negations.append(self._text(chunk.start, chunk.end))
            self.negation_end = self.tokens[chunk.end - 1].end
            self.continuing = ("NEG", None)
            return
        self._close_negation()
        self.link, self.continuing = None, None  # words about the picture: the global caption has them

    def _on_style(self, chunk: Chunk) -> None:
        self.link = ("STYLE", None)
