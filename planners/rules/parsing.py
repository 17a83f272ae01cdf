"""What the words say about the scene: the things in it, how they relate, where it takes place.

`describe(prompt)` reads the chunks (`chunks.py`) left to right and keeps a little state, much as
a reader does: the current subjects (what a verb or a relation is about), the owner of the next
detail (who wears the hat), and the link that the last function word set up ("in", "with", "no",
"left of"). Each noun phrase then gets its role from that link and from the kind of its head:
a new thing (a `Mention`, one or more instances), a detail of its owner, a setting, a negation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from planners import priors
from planners.rules import lexicon
from planners.rules.chunks import Chunk, Chunker, NounPhrase
from planners.rules.inflection import article
from planners.rules.tokens import Token, tokenize

# Relations that name a direction, which a frame word turns into a zone ("on the left of the image").
_DIRECTIONS = {"left of": ("left", None), "right of": ("right", None), "above": (None, "top"),
               "below": (None, "bottom"), "on": (None, "top"), "under": (None, "bottom")}
_CANVAS_WORDS = lexicon.FRAMES | frozenset({"canvas", "frame", "image", "picture", "photo"})
_SURFACES = frozenset({"table", "dining table", "desk", "counter", "shelf", "bookshelf", "plate", "tray", "bed",
                       "couch", "sofa", "bench", "coffee table", "nightstand", "dresser", "stool", "chair",
                       "saucer", "cabinet", "piano", "car", "truck", "cake", "pizza", "rug", "carpet"})
# How a held thing is told apart from a companion: small enough to carry.
_HOLDABLE_HEIGHT = 0.5


@dataclass
class Mention:
    """A described thing: one or more instances of one noun with the same details."""

    noun: str
    count: int
    category: str | None
    head: str                                    # the head as written, singular
    modifiers: list[str] = field(default_factory=list)
    details: list[tuple[str, str]] = field(default_factory=list)  # (link, words): ("in", "a red hat")
    actions: list[str] = field(default_factory=list)              # "sitting", "holding an umbrella"
    pose: str | None = None
    zone: tuple[str | None, str | None] = (None, None)
    parent: int | None = None                    # split from a plural ("two cats, one black...")

    @property
    def is_person(self) -> bool:
        return self.category == priors.PERSON


@dataclass(frozen=True)
class Relation:
    subject: int
    kind: str
    object: int
    third: int | None = None  # "between" has two objects


@dataclass
class Description:
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    settings: list[tuple[str, str, bool]] = field(default_factory=list)  # (preposition, words, is a time)
    negations: list[str] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)  # character spans left out of the caption
    orders: list[tuple[str, bool, list[int]]] = field(default_factory=list)  # (axis, reversed, mentions)
    notes: list[str] = field(default_factory=list)


def describe(prompt: str) -> Description:
    tokens = tokenize(prompt)
    reader = _Reader(prompt, tokens, Chunker(tokens).run())
    reader.read()
    return reader.out


class _Reader:
    def __init__(self, prompt: str, tokens: list[Token], chunks: list[Chunk]):
        self.prompt, self.tokens, self.chunks = prompt, tokens, chunks
        self.out = Description()
        self._new_sentence()

    # -- state ---------------------------------------------------------------------------------

    def _new_sentence(self) -> None:
        self.sentence_subjects: list[int] = []  # top-level mentions, for "from left to right"
        self.sentence_orders: list[tuple[str, bool]] = []
        self.frame_open = True                  # "a photo of" may still open the sentence
        self._new_clause()

    def _new_clause(self) -> None:
        self.group: list[int] = []         # what verbs and relations are about
        self.owner: int | str | None = None  # what details attach to: a mention, "setting" or None
        self.last: int | None = None       # the nearest mention, for zones and pronouns
        self.link: tuple[str, object] | None = None
        self.continuing: tuple[str, object] | None = None  # a list in progress: "wearing a hat and a scarf"
        self.last_role: str | None = None
        self.after_copula = False
        self.fronted: list[tuple[str, int]] = []  # "On the table, two cups": relations before their subject
        self.dangling: list[Chunk] = []           # "Sitting on a bench, a man ...": verbs before theirs
        self.pending_zone: tuple[str | None, str | None] | None = None
        self.between: tuple[list[int], int] | None = None
        self.ellipsis: list[NounPhrase] = []
        self.negation_start: int | None = None
        self.with_owner: int | str | None = None

    # -- the loop -------------------------------------------------------------------------------

    def read(self) -> None:
        for index, chunk in enumerate(self.chunks):
            self.index = index
            handler = getattr(self, "_on_" + chunk.kind.lower(), None)
            if handler is not None:
                handler(chunk)
        self._end_sentence()

    def _next(self) -> Chunk | None:
        return self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None

    def _text(self, start: int, end: int) -> str:
        """The prompt's own words for tokens [start, end)."""
        return self.prompt[self.tokens[start].start:self.tokens[end - 1].end]

    def _on_sent(self, chunk: Chunk) -> None:
        self._end_sentence()
        self._new_sentence()

    def _end_sentence(self) -> None:
        self._close_negation()
        for axis, reverse in self.sentence_orders:
            if len(self.sentence_subjects) > 1:
                self.out.orders.append((axis, reverse, list(self.sentence_subjects)))
        for chunk in self.dangling:
            self.out.notes.append(f"'{self._text(chunk.start, chunk.end)}' has no subject; left out")

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

    def _on_and(self, chunk: Chunk) -> None:
        self.link = ("AND", None)

    def _on_or(self, chunk: Chunk) -> None:
        self.link = ("OR", None)

    def _on_comma(self, chunk: Chunk) -> None:
        if chunk.value == ":":
            self.group, self.last_role = [], None
        self.link = ("COMMA", None)

    def _on_copula(self, chunk: Chunk) -> None:
        self.after_copula = True

    def _on_relative(self, chunk: Chunk) -> None:
        if self.last is not None:
            self.group = [self.last]
            self.owner = self.last

    def _on_rel(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("REL", chunk.value)
        self.continuing = None

    def _on_prep(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("PREP", chunk.value)
        self.continuing = None

    def _on_zone(self, chunk: Chunk) -> None:
        target = self.last if self.last is not None and self.last_role in ("subject", "object") else None
        if target is None:
            self.pending_zone = chunk.value
        else:
            self._set_zone(target, chunk.value)

    def _set_zone(self, index: int, zone: tuple[str | None, str | None]) -> None:
        mention = self.out.mentions[index]
        mention.zone = (zone[0] or mention.zone[0], zone[1] or mention.zone[1])

    def _on_order(self, chunk: Chunk) -> None:
        self.sentence_orders.append(chunk.value)

    def _on_pose(self, chunk: Chunk) -> None:
        if not self.group:
            self.dangling.append(chunk)
            return
        self._apply_pose(chunk, self.group)

    def _apply_pose(self, chunk: Chunk, targets: list[int]) -> None:
        for index in targets:
            mention = self.out.mentions[index]
            if mention.is_person:
                mention.pose = chunk.value
            mention.actions.append(self._text(chunk.start, chunk.end))

    def _on_verb(self, chunk: Chunk) -> None:
        self._close_negation()
        if not self.group:
            if self.last is not None and self.last_role in ("subject", "object"):
                self.group = [self.last]
            else:
                self.dangling.append(chunk)
                return
        self._apply_verb(chunk, self.group)

    def _apply_verb(self, chunk: Chunk, targets: list[int]) -> None:
        verb: lexicon.Verb = chunk.value
        for index in targets:
            mention = self.out.mentions[index]
            if verb.pose and mention.is_person:
                mention.pose = verb.pose
            if verb.gerund:
                mention.actions.append(verb.gerund)
        self.after_copula = False
        self.link = ("VERB", verb) if verb.transitive else None
        self.continuing = None

    def _on_neg(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("NEG", None)
        self.negation_start = self.tokens[chunk.start].start
        self.negation_end = self.tokens[chunk.end - 1].end

    def _on_neg_people(self, chunk: Chunk) -> None:
        self._close_negation()
        self.out.negations.append("people")
        self.negation_start = self.tokens[chunk.start].start
        self.negation_end = self.tokens[chunk.end - 1].end
        self.continuing = ("NEG", None)

    def _close_negation(self) -> None:
        if self.negation_start is not None:
            self.out.removed.append((self.negation_start, self.negation_end))
            self.negation_start = None
            if self.continuing and self.continuing[0] == "NEG":
                self.continuing = None

    def _on_wear(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("WEAR", self._text(chunk.start, chunk.end))

    def _on_with(self, chunk: Chunk) -> None:
        self._close_negation()
        self.link = ("WITH", self._text(chunk.start, chunk.end))
        self.with_owner = self.owner  # a list after "with" keeps this owner

    def _on_detail(self, chunk: Chunk) -> None:
        self.link = ("DETAIL", self._text(chunk.start, chunk.end))

    def _on_of(self, chunk: Chunk) -> None:
        if self.link and self.link[0] == "FRAME":
            self.link = None
            return
        self.link = ("OF", "of")

    def _on_style(self, chunk: Chunk) -> None:
        self.link = ("STYLE", None)

    # -- noun phrases ---------------------------------------------------------------------------

    def _on_np(self, chunk: Chunk) -> None:
        np = chunk.np
        assert np is not None
        link, self.link = self.link, None
        if link and link[0] in ("AND", "OR", "COMMA") and self.continuing:
            if self._continues(self.continuing[0], np):
                link = (self.continuing[0], self.continuing[1], link[0])  # a list goes on
            else:
                self.continuing = None
        elif link and link[0] not in ("AND", "OR", "COMMA"):
            self.continuing = None
        kind = link[0] if link else None
        if kind != "NEG":
            self._close_negation()
        if kind == "STYLE":
            return
        if np.pronoun is not None:
            self._pronoun(np, link)
            return
        if kind == "NEG":
            self._negated(np, link)
            return
        if np.headless:
            self._headless(np, link)
            return
        if self._frame(np, link):
            return
        if np.noun in lexicon.SETTINGS and self._setting(np, link):
            return
        if kind in ("WEAR", "DETAIL", "OF"):
            self._detail(np, link[1] if kind != "OF" else "of")
            if kind != "OF":
                self.continuing = link[:2]
            return
        if kind == "WITH":
            self._with(np, link)
            return
        if kind in ("REL", "PREP", "VERB"):
            self._object(np, link)
            return
        self._top_level(np, link)

    @staticmethod
    def _continues(kind: str, np: NounPhrase) -> bool:
        """Whether a noun phrase after 'and' goes on with the list before it."""
        if kind in ("WEAR", "DETAIL"):
            return np.headless or np.noun in lexicon.CLOTHING or np.noun in lexicon.PARTS
        return kind in ("WITH", "NEG")

    def _wearer(self) -> int | None:
        """Who a piece of clothing belongs to: the owner if it can wear it, else the nearest person."""
        mentions = self.out.mentions
        if isinstance(self.owner, int) and mentions[self.owner].category in (priors.PERSON, priors.ANIMAL):
            return self.owner
        for index in reversed(self.group):
            if mentions[index].is_person:
                return index
        return self.owner if isinstance(self.owner, int) else self.last

    def _words_of(self, np: NounPhrase) -> str:
        return self._text(np.start, np.end)

    def _negated(self, np: NounPhrase, link) -> None:
        # A list goes on after "no cats, dogs or birds"; "and" with a new determiner ends it.
        if len(link) > 2 and link[2] == "AND" and (np.det or np.count):
            self._close_negation()
            self._on_np_as(np, None)
            return
        self.out.negations.append(self._text(np.start + (1 if np.det in ("any", "a", "an") else 0), np.end)
                                  if np.end - np.start > 1 else self._words_of(np))
        self.negation_end = self.tokens[np.end - 1].end
        self.continuing = ("NEG", None)

    def _on_np_as(self, np: NounPhrase, link) -> None:
        self.link = link
        self._on_np(Chunk("NP", np.start, np.end, np=np))

    def _pronoun(self, np: NounPhrase, link) -> None:
        if np.pronoun == "each other":
            return
        referent = self._referent()
        if referent is None:
            return
        kind = link[0] if link else None
        if kind == "REL" and self.last is not None and self.last not in self.group and self.group:
            # "a table with a vase on it": the vase is on the table
            self._relate([self.last], link[1], self.group[0])
        elif kind == "REL" and self.group:
            self._relate(self.group, link[1], referent)
        elif kind in (None, "AND", "COMMA", "THERE"):
            self.group, self.owner, self.last, self.last_role = [referent], referent, referent, "subject"

    def _referent(self) -> int | None:
        for index in reversed(range(len(self.out.mentions))):
            if index not in self.group and self.out.mentions[index].parent is None:
                return index
        return self.last

    def _headless(self, np: NounPhrase, link) -> None:
        kind = link[0] if link else None
        words = [t.text for t in np.modifiers]
        target = self._wearer()
        wear = kind == "WEAR" or (kind == "REL" and link[1] == "inside")
        if wear and words and target is not None:
            # "a man in red", "dressed in blue"
            word = link[1] if kind == "WEAR" else self._link_text(np)
            self.out.mentions[target].details.append((word, " ".join(words)))
            return
        if kind == "VERB" and words and target is not None:
            self.out.mentions[target].actions[-1:] = [f"{self.out.mentions[target].actions[-1]} {' '.join(words)}"
                                                      if self.out.mentions[target].actions else " ".join(words)]
            return
        if self.after_copula and self.group and words:
            for index in self.group:
                self.out.mentions[index].modifiers.extend(words)
            self.after_copula = False
            return
        if np.count is None and np.det is None:
            return
        last = self.last
        if (last is not None and np.count == 1 and self.out.mentions[last].count >= 2
                and self.out.mentions[last].parent is None):
            self._split(last, words)  # "two cats, one black and one white"
            return
        if last is not None and self.out.mentions[last].parent is not None and np.count == 1:
            parent = self.out.mentions[last].parent
            if self.out.mentions[parent].count >= 1:
                self._split(parent, words)
                return
        self.ellipsis.append(np)  # "a red and a blue cup": the head comes later

    def _split(self, parent: int, words: list[str]) -> None:
        source = self.out.mentions[parent]
        source.count -= 1
        child = Mention(source.noun, 1, source.category, source.head, modifiers=words + source.modifiers,
                        details=list(source.details), actions=list(source.actions), pose=source.pose,
                        zone=source.zone, parent=parent)
        self.out.mentions.append(child)
        self.last = len(self.out.mentions) - 1

    def _link_text(self, np: NounPhrase) -> str:
        # The preposition as written, just before the noun phrase.
        return self.tokens[np.start - 1].text if np.start > 0 else "in"

    def _frame(self, np: NounPhrase, link) -> bool:
        """'A photo of ...': the frame of the picture opens a sentence and is not a thing in it."""
        nxt = self._next()
        if np.noun not in lexicon.FRAMES:
            return False
        if nxt is not None and nxt.kind == "OF" and self.frame_open and not self.sentence_subjects:
            self.link = ("FRAME", None)
            return True
        if np.noun not in priors.NOUNS and np.noun not in lexicon.SETTINGS:
            return True  # "a photo", "digital illustration": style, not an object
        return False

    def _setting(self, np: NounPhrase, link) -> bool:
        kind = link[0] if link else None
        if kind in ("WEAR", "DETAIL", "OF"):
            return False
        prep = ""
        if kind in ("REL", "PREP", "VERB"):
            prep = self._text(self._link_start(np), np.start) if np.start > 0 else ""
        if np.noun not in lexicon.EMPTY_SETTINGS:
            self.out.settings.append((prep.strip(), self._words_of(np), np.noun in lexicon.TIMES))
        if kind in (None, "AND", "COMMA", "THERE") or (kind == "WITH" and self.owner == "setting"):
            self.owner, self.group, self.last_role = "setting", [], "setting"
        self.frame_open = False
        return True

    def _link_start(self, np: NounPhrase) -> int:
        chunk = self.chunks[self.index - 1] if self.index > 0 else None
        return chunk.start if chunk is not None and chunk.end == np.start else np.start

    def _detail(self, np: NounPhrase, word: str) -> None:
        target = self._wearer() if word != "of" else (self.owner if isinstance(self.owner, int) else self.last)
        if target is None:
            self._top_level(np, None)
            return
        owner = self.out.mentions[target]
        self._attach(owner, word, np)

    def _attach(self, owner: Mention, word: str, np: NounPhrase) -> None:
        details = owner.details
        words = self._detail_words(np, owner)
        if details and details[-1][0] == word:
            details[-1] = (word, f"{details[-1][1]} and {words}")
        else:
            details.append((word, words))

    def _detail_words(self, np: NounPhrase, owner: Mention) -> str:
        # Under a plural owner each instance gets its own: "two men in red hats" -> "in a red hat".
        if owner.count > 1 and np.plural and np.count is None and np.noun not in lexicon.PLURALIA_TANTUM:
            modifiers = " ".join(t.text for t in np.modifiers)
            noun = np.noun
            first = (modifiers or noun).split()[0]
            return " ".join(p for p in (article(first), modifiers, noun) if p)
        return self._words_of(np)

    def _with(self, np: NounPhrase, link) -> None:
        is_list = len(link) > 2
        owner = self.with_owner if is_list else self.owner
        noun = np.noun
        category = priors.category(noun)
        if owner is None or owner == "setting":
            self._top_level(np, None, extend=is_list)
            self.continuing = ("WITH", link[1])
            return
        mention = self.out.mentions[owner]
        if is_list and category in (priors.PERSON, priors.ANIMAL):
            self._top_level(np, ("AND", None))
            return
        wearable = noun in lexicon.CLOTHING or noun in lexicon.PARTS or noun in lexicon.WEARABLE_OBJECTS
        if wearable and (mention.is_person or mention.category == priors.ANIMAL or noun in lexicon.PARTS):
            self._attach(mention, link[1], np)
        elif noun in lexicon.PARTS or noun in lexicon.CLOTHING or category is None:
            self._attach(mention, link[1], np)
        else:
            held = self._new_mention(np, role="object")
            prior = priors.prior_for(noun)
            if mention.is_person and prior.height <= _HOLDABLE_HEIGHT:
                kind = "holding"
                mention.actions.append(f"holding {article(noun)} {noun}")
            elif mention.noun in _SURFACES and prior.height < priors.prior_for(mention.noun).height:
                kind = "on"
                self.out.relations.append(Relation(held, "on", owner))
                self.continuing = ("WITH", link[1])
                return
            else:
                kind = "next to"
            self.out.relations.append(Relation(owner, kind, held))
        self.continuing = ("WITH", link[1])

    def _object(self, np: NounPhrase, link) -> None:
        kind, value = link[0], link[1]
        noun = np.noun
        subjects = self.group or ([self.last] if self.last is not None and self.last_role == "subject" else [])
        if kind == "REL" and value in _DIRECTIONS and noun in _CANVAS_WORDS and np.det in ("the", None):
            for index in subjects:
                self._set_zone(index, _DIRECTIONS[value])
            return
        if kind == "REL" and value == "inside" and (noun in lexicon.CLOTHING or noun in lexicon.PARTS):
            target = self._wearer()
            if target is not None:
                self._attach(self.out.mentions[target], self._link_text(np), np)
                self.continuing = ("WEAR", self._link_text(np))
                return
        if kind == "VERB" and (noun in lexicon.CLOTHING or noun in lexicon.PARTS) and subjects:
            verb: lexicon.Verb = value
            for index in subjects:
                self._extend_action(self.out.mentions[index], verb, self._words_of(np))
            return
        if kind == "REL" and value == "between" and self.between is None:
            target = self._mention_for(np, role="object")
            self.between = (subjects, target)
            self.link = ("BETWEEN", None)
            return
        target = self._mention_for(np, role="object")
        if kind == "VERB":
            verb = value
            relation = verb.relation or "next to"
            for index in subjects:
                self._extend_action(self.out.mentions[index], verb, f"{article(noun)} {noun}")
        elif kind == "PREP":
            relation = "next to"
        else:
            relation = value
            if value == "at":
                relation = "next to"
                if any(self.out.mentions[s].is_person for s in subjects) and priors.category(noun) == priors.FURNITURE:
                    relation = "in front of"
        if subjects:
            self._relate(subjects, relation, target)
        else:
            self.fronted.append((relation, target))

    def _extend_action(self, mention: Mention, verb: lexicon.Verb, words: str) -> None:
        if mention.actions and mention.actions[-1] == verb.gerund:
            mention.actions[-1] = f"{verb.gerund} {words}"
        elif verb.gerund:
            mention.actions.append(f"{verb.gerund} {words}")

    def _relate(self, subjects: list[int], kind: str, target: int) -> None:
        for index in subjects:
            if index != target:
                self.out.relations.append(Relation(index, kind, target))

    def _top_level(self, np: NounPhrase, link, extend: bool = False) -> None:
        kind = link[0] if link else None
        if self.between is not None and kind in ("AND", "COMMA", "BETWEEN"):
            subjects, first = self.between
            self.between = None
            second = self._mention_for(np, role="object")
            for index in subjects:
                self.out.relations.append(Relation(index, "between", first, second))
            return
        if self.after_copula and self.group and kind is None and not np.count:
            return  # "the man is a doctor": says what, not another thing
        if np.det is None and np.count is None and not np.plural and np.noun not in priors.NOUNS:
            return  # bare unknown words ("digital art", "4k"): style, not things
        if np.noun in lexicon.STYLE_WORDS:
            return
        joins = extend or (kind in ("AND", "COMMA", "OR") and self.last_role == "subject")
        first_new = len(self.out.mentions)
        index = self._mention_for(np, role="subject")
        new = [i for i in range(first_new, len(self.out.mentions))] or [index]
        self.group = [i for i in self.group if i not in new] + new if joins else new
        self.owner = index
        self.sentence_subjects.extend(i for i in new if i not in self.sentence_subjects)
        for relation, target in self.fronted:
            self._relate(new, relation, target)
        self.fronted = []
        for chunk in self.dangling:
            (self._apply_pose if chunk.kind == "POSE" else self._apply_verb)(chunk, new)
        self.dangling = []
        self.link = None

    def _mention_for(self, np: NounPhrase, role: str) -> int:
        """The mention a noun phrase stands for: an earlier one ('the cat'), or a new one."""
        if np.det in lexicon.DEFINITE and np.count is None:
            for index in reversed(range(len(self.out.mentions))):
                if self.out.mentions[index].noun == np.noun and not np.modifiers:
                    self._touch(index, role)
                    return index
        return self._new_mention(np, role)

    def _new_mention(self, np: NounPhrase, role: str) -> int:
        noun = np.noun
        assert noun is not None
        count = np.count
        if count is None:
            count = lexicon.DEFAULT_PLURAL_COUNT if np.plural and noun not in lexicon.PLURALIA_TANTUM else 1
        if np.pair and noun in lexicon.PLURALIA_TANTUM:
            count = 1  # "a pair of scissors" is one pair
        written = [t.text for t in np.head]
        head = " ".join(written[:-1] + [noun.split()[-1]]) if np.plural or not written else " ".join(written)
        category = priors.category(noun)
        if category is None and " " in noun:
            category = priors.category(noun.rsplit(" ", 1)[1])
        # "a red and a blue cup": the phrases that waited for a head come first.
        for earlier in self.ellipsis:
            self.out.mentions.append(Mention(noun, earlier.count or 1, category, head,
                                             [t.text for t in earlier.modifiers]))
        self.ellipsis = []
        mention = Mention(noun, count, category, head, [t.text for t in np.modifiers])
        if self.pending_zone is not None:
            mention.zone, self.pending_zone = self.pending_zone, None
        self.out.mentions.append(mention)
        index = len(self.out.mentions) - 1
        self._touch(index, role)
        return index

    def _touch(self, index: int, role: str) -> None:
        self.last, self.last_role = index, role
        if role == "object":
            self.owner = index
        self.frame_open = False
        self.after_copula = False
