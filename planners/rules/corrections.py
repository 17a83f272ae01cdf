"""What the asker takes back or changes: "actually make the vampire a werewolf", "change the kayaks
to a canoe", "no, make that a cardinal", "make the dog brown instead" (a reader mixin)."""

from __future__ import annotations

import re

from planners import priors
from planners.rules import lexicon, words
from planners.rules.chunks import NounPhrase
from planners.rules.description import Relation
from planners.rules.inflection import article, singular
from planners.rules.roles import _GENERAL_ANIMALS, _SIZES

# How light or dark a colour is: kept with it where the lists allow ("dark green").
_TONES = frozenset({"light", "dark", "pale", "bright", "deep"})


class Corrections:
    def _named_again_alone(self, np: NounPhrase) -> bool:
        """'… a horse. brown horse. in a field.', '… make it a sheep. A black sheep please': a sentence
        that only names again the one thing of that name said before describes that thing."""
        at = next((k for k, chunk in enumerate(self.chunks) if chunk.np is np), 0)
        if np.noun is None or np.count is not None or np.plural and np.det not in ("a", "an") or (
                np.det not in (None, "a", "an", "the") or at == 0 or self.chunks[at - 1].kind != "SENT") or (
                np.det in ("a", "an") and not np.modifiers):
            return False  # ("a cat. a dog. a cat.": another cat)
        for chunk in self.chunks[at + 1:]:
            if chunk.kind == "SENT":
                break
            if chunk.kind not in ("FILLER", "COMMA", "OTHER"):
                return False
        same = [i for i, m in enumerate(self.out.mentions) if m.noun == np.noun and m.count > 0 and m.parent is None]
        if len(same) != 1 or self.out.mentions[same[0]].count != 1:
            return False
        mention = self.out.mentions[same[0]]
        mention.modifiers.extend(t.text for t in np.modifiers if t.text not in mention.modifiers)
        self.last, self.owner, self.group, self.last_role = same[0], same[0], [same[0]], "subject"
        return True

    def _count_said_again(self, np: NounPhrase) -> bool:
        """'… and a couple cows behind him. 2 cows only', '… a cat asleep at her feet. only 1 cat ok': a
        sentence that says nothing but how many of a thing named before there are counts them anew."""
        at = next((k for k, chunk in enumerate(self.chunks) if chunk.np is np), 0)
        if np.noun is None or np.count is None or np.vague or at == 0:
            return False
        before = at - 1
        while before >= 0 and self.chunks[before].kind == "FILLER":
            before -= 1  # ("only", "just", "exactly")
        if before >= 0 and self.chunks[before].kind != "SENT":
            return False
        for chunk in self.chunks[at + 1:]:
            if chunk.kind == "SENT":
                break
            if chunk.kind not in ("FILLER", "COMMA", "OTHER"):
                return False
        if not any(m.noun == np.noun and m.count > 0 and m.parent is None for m in self.out.mentions):
            return False
        return self._corrected(np)

    def _said_again_closer(self, np: NounPhrase) -> bool:
        """'change the cat to a fox, a little red fox': the one just named, said again after a comma
        with more words, describes it."""
        before = self.chunks[self.index - 2] if self.index >= 2 else None
        if np.noun is None or np.det not in ("a", "an") or np.count is not None or np.plural or not np.modifiers or (
                before is None or self.chunks[self.index - 1].kind != "COMMA" or before.np is None):
            return False
        if before.np.noun != np.noun or before.np.plural or before.np.count is not None or self.last is None or (
                self.out.mentions[self.last].noun != np.noun or self.out.mentions[self.last].count != 1):
            return False
        if not {t.low for t in before.np.modifiers} <= {t.low for t in np.modifiers}:
            return False  # "a red apple, a green apple": another one, not the first said closer
        mention = self.out.mentions[self.last]
        mention.modifiers.extend(t.text for t in np.modifiers if t.text not in mention.modifiers)
        return True

    def _swap_named(self, np: NounPhrase) -> bool:
        """'Hmm actually change the apple to a mug of tea': the thing named is to become the next
        one; True when it is (the next phrase makes the swap)."""
        nxt = self._next()
        living = (priors.PERSON, priors.ANIMAL)
        becomes = nxt is not None and nxt.kind == "NP" and nxt.np is not None and nxt.np.det in ("a", "an") and (
            nxt.np.noun is not None and nxt.np.noun != np.noun and nxt.start == np.end and (
                lexicon.category(nxt.np.noun) == lexicon.category(np.noun or "") or (
                    lexicon.category(nxt.np.noun) not in living and lexicon.category(np.noun or "") not in living)))
        # ("make the vampire a werewolf", "make the lollipop a red balloon")
        if np.det != "the" or np.noun is None or nxt is None or not becomes and (nxt.kind not in ("PREP", "REL") or (
                self.tokens[nxt.start].low not in ("to", "into", "for", "with"))):
            return False
        colour = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if not becomes and self.tokens[nxt.start].low in ("to", "into") and colour is not None and (
                colour.kind in ("NP", "VERB")) and self._recolour_named(
                    np.noun, [t.low for t in self.tokens[colour.start:colour.end]]):
            self.skip.update({self.index + 1, self.index + 2})
            self.correcting = False
            return True  # "change the kit to orange": the kit she wears, orange now
        old = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].noun == np.noun
                    and self.out.mentions[i].count > 0), None)
        if old is None:  # "a scruffy goldendoodle … make the dog an old english sheepdog": the dog named more precisely
            old = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].count > 0
                        and words.general_animal(self.out.mentions[i].noun) == np.noun), None)
        if old is None and np.noun in _GENERAL_ANIMALS:
            animals = [i for i, m in enumerate(self.out.mentions) if m.count > 0 and (
                m.category == priors.ANIMAL or m.category is None and not words.is_english(m.noun))]
            old = animals[0] if len(animals) == 1 else None  # a breed no table knows ("a goldendoodle")
        if old is None:
            return False
        self.swapping, self.correcting, self.link = old, False, None
        if not becomes:
            self.skip.add(self.index + 1)
        return True

    def _swapped(self, np: NounPhrase) -> None:
        """The thing said after 'change the apple to …' takes the old one's place and relations."""
        old, self.swapping = self.swapping, None
        first = len(self.out.mentions)
        self._top_level(np, None)
        if len(self.out.mentions) == first:
            return
        new = first
        self.out.mentions[old].count = 0
        # "… a vampire holding a goblet. actually make the vampire a werewolf": the werewolf holds it
        self.out.mentions[new].actions[:0] = self.out.mentions[old].actions
        self.out.mentions[new].pose = self.out.mentions[new].pose or self.out.mentions[old].pose
        self.out.relations[:] = [Relation(new if r.subject == old else r.subject, r.kind,
                                          new if r.object == old else r.object, r.third, r.words)
                                 for r in self.out.relations]
        was, now = self.out.mentions[old].noun, self._words_of(np)
        for mention in self.out.mentions:  # "a girl clutching a lollipop … make the lollipop a red balloon"
            mention.actions = [re.sub(rf"\b(?:an? |the ){re.escape(was)}\b", now, action) for action in mention.actions]

    def _recoloured(self, np: NounPhrase) -> bool:
        """'actually make the dog brown instead', 'make his suit charcoal grey', 'make the horse
        black, and the banner blue': a thing named before, said again with the colours it has now;
        its old colours are dropped. True when handled."""
        said = [t.low for t in self.tokens[np.start:np.end]]
        if np.noun is None or np.det not in ("the", *lexicon.POSSESSIVES) or len(said) < 3:
            return False
        name = np.noun.split()
        at = next((k for k in range(1, len(said) - len(name) + 1) if said[k:k + len(name)] == name
                   or [singular(w)[0] for w in said[k:k + len(name)]] == name), None)
        new = said[at + len(name):] if at is not None else []
        return self._recolour_named(np.noun, new)

    def _recolour_it(self, np: NounPhrase) -> bool:
        """'…, actually make it blue': the colours said take the place of those of the last coloured thing
        (what the last one named wears, or that one itself). True when handled."""
        if self.last is None:
            return False
        new = [t.low for t in self.tokens[np.start:np.end] if t.low not in ("and", "instead")]
        colours = lexicon.COLOURS | lexicon.COLOUR_SHADES
        mention = self.out.mentions[self.last]
        noun = next((mention.detail_nouns[k] for k in reversed(range(len(mention.details))) if mention.detail_nouns[k]
                     and any(w.lower() in colours for w in mention.details[k][1].split())), None)
        if noun is None and any(m.lower() in colours for m in mention.modifiers):
            noun = mention.noun  # "a red car, actually make it yellow": the thing itself
        if noun is None:
            return False
        self._recolour_named(noun, new) or self._recolour_named(noun, [w for w in new if w not in _TONES])
        return True

    def _recolour_named(self, noun: str, new: list[str]) -> bool:
        """The thing or garment named `noun` takes the colours `new` in place of its old ones."""
        if not new or not all(w in lexicon.COLOURS or w in lexicon.COLOUR_SHADES or w in lexicon.MATERIALS
                              or w in lexicon.PATTERNS for w in new):
            return False
        old = lexicon.COLOURS | lexicon.COLOUR_SHADES | (lexicon.MATERIALS if any(w in lexicon.MATERIALS for w in new)
                                                       else frozenset())
        for mention in reversed(self.out.mentions):
            if mention.noun == noun:
                mention.modifiers = [*new, *(m for m in mention.modifiers if m.lower() not in old)]
                return True
            for k, worn in enumerate(mention.detail_nouns):
                if worn == noun or worn and worn.endswith(noun) and noun in lexicon.CLOTHING:
                    # "make his suit charcoal grey": the suit he wears; "make the dress pink" after a sundress
                    link, words_said = mention.details[k]
                    kept = [w for w in words_said.split() if w.lower() not in old and w.lower() not in ("a", "an")]
                    mention.details[k] = (link, " ".join([article(new[0]), *new, *kept]))
                    return True
        return False

    def _corrected(self, np: NounPhrase) -> bool:
        """'two unicorns … actually make it three unicorns': the count said again replaces the first;
        'a green parrot, no wait, a blue parrot': the thing said again replaces its description. True
        when handled (when the phrase names something already there)."""
        if np.noun is None and np.count and not np.modifiers:
            # "3 ballroom dancers? no wait make it 2 — a man … and a woman …": the last plural, recounted
            plural = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].count > 1
                           and self.out.mentions[i].parent is None), None)
            if plural is None:
                return False
            self.out.mentions[plural].count = np.count
            self.out.mentions[plural].uncounted = False
            self.last, self.owner, self.group, self.last_role = plural, plural, [plural], "subject"
            return True
        same = [i for i, m in enumerate(self.out.mentions) if m.noun == np.noun]
        if not same and np.count and np.noun is not None:
            # "three hot air balloons …, no wait five balloons": the same things by their last word
            same = [i for i, m in enumerate(self.out.mentions) if m.noun.rsplit(" ", 1)[-1] == np.noun
                    or m.noun.endswith(np.noun) and len(m.noun) > len(np.noun) + 2]  # ("sailboats … six boats")
        kind = lexicon.category(np.noun or "") or words.usual_kind(np.noun or "")  # ("a hare": an animal to WordNet)
        alike = next((i for i in reversed(range(len(self.out.mentions))) if kind not in (None, priors.OBJECT)
                      and self.out.mentions[i].category == kind and self.out.mentions[i].parent is None
                      and self.out.mentions[i].count > 0), None) if not same and not np.count else None
        if alike is not None:
            self.last = alike  # "a goat on a haystack, actually make it a sheep": the last of the sheep's kind
        elif self.last is None and self.out.mentions and not same:
            self.last = len(self.out.mentions) - 1  # "the solar system? no sorry just the earth …": the last said
        if not same and np.noun is not None and self.last is not None and not np.count:
            # "two hobbits—sorry, halflings—": the last thing named, called otherwise
            last = self.out.mentions[self.last]
            if last.is_person and lexicon.is_garment(np.noun):
                return False  # "… change the raincoat to yellow": no person becomes a raincoat
            kinds = {last.category, lexicon.category(np.noun)}
            if (len(kinds) == 1 or None in kinds) and (last.count > 1) == np.plural:
                kept = [m for m in last.modifiers if m.lower() in lexicon.COLOURS | lexicon.COLOUR_SHADES | lexicon.MATERIALS
                        | lexicon.PATTERNS | _SIZES]  # its looks stay ("a red truck"), not "solar" of "solar system"
                last.noun, last.head = np.noun, np.noun
                last.modifiers = [t.text for t in np.modifiers] or kept
                self.owner, self.group, self.last_role = self.last, [self.last], "subject"
                return True
            return False
        if not same or np.noun is None:
            return False
        root = next((i for i in same if self.out.mentions[i].parent is None), same[0])
        if np.count:
            mentions = self.out.mentions
            missing = np.count - sum(mentions[i].count for i in same)
            for i in [root, *reversed(same)]:  # fewer: the unnamed ones go first, then the last named
                change = max(missing, -mentions[i].count)
                mentions[i].count += change
                missing -= change
                if missing == 0:
                    break
            self.last, self.owner, self.group, self.last_role = root, root, [root], "subject"
            return True
        latest = same[-1]
        if np.det not in lexicon.ARTICLES or self.out.mentions[latest].count != 1:
            return False
        self.out.mentions[latest].modifiers = [t.text for t in np.modifiers]
        self.last, self.owner, self.group, self.last_role = latest, latest, [latest], "subject"
        return True

    def _worn_anew(self, np: NounPhrase) -> bool:
        """'… in tattered crimson robes …. wait, make the robes black instead': what someone wears,
        said again with its new colour. True when handled."""
        nxt = self._next()
        if np.noun not in lexicon.CLOTHING:
            return False
        said = [t.low for t in np.modifiers]
        last = self.tokens[np.end - 1].low
        if np.det is None and said and all(w in lexicon.COLOURS for w in said):
            colour, nxt = said, None  # "… a boy in black tights, no wait, navy tights"
        elif np.det == "the" and last in lexicon.COLOURS and last != np.noun and len(said) >= 2 and said[0] == np.noun:
            colour, nxt = [last], None  # "hmm, make the cloak purple instead", read as one phrase
        elif np.det == "the" and nxt is not None:
            colour = [t.low for t in self.tokens[nxt.start:nxt.end]]
        else:
            return False
        if not colour or not all(w in lexicon.COLOURS for w in colour):
            return False
        noun_words = self.tokens[np.end - 1].text if np.det is None else np.noun if nxt is None else (
            self._words_of(np).split(" ", 1)[-1])
        for mention in reversed(self.out.mentions):
            for k, noun in enumerate(mention.detail_nouns):
                if noun == np.noun:
                    link, _ = mention.details[k]
                    mention.details[k] = (link, " ".join([*colour, noun_words]))
                    if nxt is not None:
                        self.skip.add(self.index + 1)
                    return True
        return False

    def _becomes(self, np: NounPhrase) -> bool:
        """'a black cat and a ginger cat … actually no, make the black one a tuxedo cat': the one
        picked out is described anew. True when handled."""
        kind = words.general_animal(np.noun or "")
        picked = [i for i, m in enumerate(self.out.mentions) if m.count == 1
                  and (m.noun == np.noun or kind is not None and kind == m.noun)
                  and set(self.selector) <= {w.lower() for w in m.modifiers}]
        if len(picked) != 1 or np.count or np.noun is None:
            return False
        chosen = self.out.mentions[picked[0]]
        chosen.modifiers = [t.text for t in np.modifiers]
        if chosen.noun != np.noun:  # "make the white one a golden retriever": a kind of the dog it was
            chosen.noun, chosen.head = np.noun, " ".join(t.text for t in np.head) or np.noun
        self.last, self.owner, self.group, self.last_role = picked[0], picked[0], [picked[0]], "subject"
        return True
