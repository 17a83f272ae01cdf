"""Whose is it: pronouns and possessives resolved to the things they stand for, and parts that
only exist on an owner ("a cat on his lap", "the lid of a piano") turned into that owner.

A reader mixin (see `parsing._Reader`): it shares the reader's mentions and state.
"""

from __future__ import annotations

from planners import priors
from planners.rules import lexicon, words
from planners.rules.chunks import NounPhrase, capitalised_plural
from planners.rules.inflection import singular

MALE = frozenset(
    "man boy father dad daddy king gentleman guy husband son brother grandfather grandpa prince groom "
    "businessman policeman fireman fisherman monk priest wizard cowboy uncle nephew boyfriend sir lord "
    "knight pirate sailor farmer chef".split())
FEMALE = frozenset(
    "woman girl mother mom mommy queen lady wife daughter sister grandmother grandma princess bride "
    "businesswoman policewoman waitress ballerina witch nun actress aunt niece girlfriend madam "
    "nanny".split())
_GENDER_OF = {"he": MALE, "him": MALE, "his": MALE, "himself": MALE,
              "she": FEMALE, "her": FEMALE, "hers": FEMALE, "herself": FEMALE}
_THING = frozenset({"it", "its", "itself"})
_PLURAL = frozenset({"they", "them", "their", "themselves"})
# A part given as a place, as the layout relation it makes between the thing and the owner.
_PART_PLACES = {"lap": "on", "knee": "on", "knees": "on", "shoulder": "on", "shoulders": "on",
                "back": "on", "head": "on", "handlebar": "on", "handlebars": "on", "lid": "on",
                "seat": "on", "saddle": "on", "hand": "holding", "hands": "holding", "arm": "holding",
                "arms": "holding", "paw": "holding", "paws": "holding", "palm": "holding",
                "foot": "in front of", "feet": "in front of", "side": "next to", "leg": "next to"}


# Parts of a car or a bike that "the" names as the vehicle's.
_VEHICLE_PARTS = frozenset({"wheel", "wheels", "tire", "tires", "tyre", "tyres", "bumper", "hood", "bonnet", "trunk",
                            "headlight", "headlights", "windshield", "handlebars", "pedal", "pedals", "fender", "hubcap"})

# Parts of buildings and places that say where a scene is: "on the porch of a farmhouse".
_PARTS_OF_PLACES = frozenset({"porch", "doorway", "door", "wall", "walls", "beam", "rafter", "roof", "step", "stair",
                              "gate", "window", "threshold", "eave", "facade", "balcony", "veranda", "courtyard",
                              "entrance", "arch", "archway", "steeple", "tower", "terrace", "yard", "garden", "floor",
                              "deck", "platform", "nave", "aisle", "interior", "ruin"})

class Owners:
    """Pronouns, possessives and owned parts (a reader mixin)."""

    def _resolve(self, pronoun: str, exclude: list[int] | tuple[int, ...] = (), prefer: list[int] | tuple[int, ...] = ()
                 ) -> int | None:
        """The mention a pronoun or possessive stands for: the nearest earlier one that fits it
        (a man for 'he', a thing for 'it', a plural or a group for 'they'), not in `exclude`; the
        clause's subjects (`prefer`) first ('a lamp on a desk with a book on its left': the lamp's)."""
        mentions = self.out.mentions
        candidates = [i for i in reversed(range(len(mentions))) if i not in exclude and mentions[i].count > 0]
        candidates = [i for i in prefer if i in candidates] + [i for i in candidates if i not in prefer]
        gender = _GENDER_OF.get(pronoun)
        if gender is not None:
            people = [i for i in candidates if mentions[i].is_person]
            fitting = [i for i in people if mentions[i].noun in gender]
            if fitting or people:
                return (fitting or [i for i in people if mentions[i].noun not in (MALE | FEMALE) - gender]
                        or people)[0]
            animals = [i for i in candidates if mentions[i].category == priors.ANIMAL]
            if animals:
                return animals[0]  # "a dragon on a rock and a knight in front of him": the dragon, not the rock
        if pronoun in _THING:
            # "sneakers under a bench, a skateboard against it": one thing, not a plural
            things = [i for i in candidates if not mentions[i].is_person and mentions[i].count == 1]
            if things:
                return things[0]
        if pronoun in _PLURAL:
            plural = [i for i in candidates if mentions[i].count > 1]
            # a plural already told apart into its members ("two mugs, one green and one cream, … a jar
            # behind them"): its last member stands for them
            members = [i for i in candidates if mentions[i].parent is not None and i not in exclude
                       and sum(m.parent == mentions[i].parent for m in mentions) >= 2]
            nearest = max([*plural[:1], *members[:1]], default=None)
            if nearest is not None:
                return nearest
        return candidates[0] if candidates else None

    def _possessor(self, np: NounPhrase) -> int | None:
        """"the pirate's shoulder", "her horse's mane": the owner named with 's, as a mention."""
        for token in np.modifiers:
            named = token.low.endswith("'s")
            noun = singular(token.low[:-2] if named else token.low)[0]
            team = not named and capitalised_plural(token)
            if lexicon.category(noun) is None or not (named or noun in priors.NOUNS) or team:  # ("his Eagles jersey")
                continue  # "the car window": the car's
            if not named and np.det in lexicon.POSSESSIVES:
                continue  # "her camel coat": hers, the camel only its colour
            for index in reversed(range(len(self.out.mentions))):
                if self.out.mentions[index].noun == noun:
                    return index
            at = self.tokens.index(token)
            return self._new_mention(NounPhrase(at, at + 1, det="the", count=1, noun=noun, plural=True), role="object")
        return None

    def _owned_part(self, np: NounPhrase, link, subjects: list[int]) -> bool:
        """'a cat on his lap', 'a dog at her feet', 'a basket on its handlebars': the relation is to
        the owner, the part is no thing of its own. True when handled."""
        bare_part = np.noun in lexicon.PARTS and np.det is None and np.noun not in priors.NOUNS and bool(subjects) and not any(
            t.low in ("potted", "tall", "leafy") for t in np.modifiers)  # but "between two tall potted palms": plants
        if bare_part and not all(self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL) for i in subjects):
            # "a waiter balancing three plates on one arm": the arm of the one who does it
            person = next((i for i in reversed(self.group) if self.out.mentions[i].is_person), None)
            person = person if person is not None else next(
                (i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].is_person), None)
            place = _PART_PLACES.get(np.noun, "next to")
            if person is None and place == "holding":  # "a beaver at his bench, saw in hand": a storybook animal holds
                person = next((i for i in reversed(range(len(self.out.mentions))) if i not in subjects
                               and self.out.mentions[i].category == priors.ANIMAL and self.out.mentions[i].count > 0), None)
            if person is None:
                return False
            for index in subjects:
                if place == "holding":
                    self.out.relations.append(self._relation(person, "holding", index, self._text(np.start, np.end)))
                elif index != person:
                    self.out.relations.append(self._relation(index, place, person, self._text(np.start, np.end)))
            return True
        if bare_part:
            # "standing on one leg", "balancing on tiptoes": their own body, said of them
            words = self._text(self._link_start(np), np.end)
            for index in subjects:
                self.out.mentions[index].go_on_with_action(words, words)
            return True
        # "on a pirate's shoulder": the article is the owner's, the part is still owned
        named_owner = any(t.low.endswith("'s") for t in np.modifiers)
        worn = np.noun in lexicon.CLOTHING and np.noun not in lexicon.WEARABLE_OBJECTS or np.noun in lexicon.GARMENT_PARTS
        bodily = lexicon.is_bodily(np.noun or "")
        owned = np.noun in lexicon.OWNED_PARTS or (np.noun in lexicon.PARTS and (np.det == "the" or named_owner)) or (
            (bodily or worn) and np.det in ("his", "her", "their")) or (
            (bodily or worn) and np.det == "its")  # "on her eyelashes", "by his shoe", "a barrel on its collar"
        vehicle = None
        if not owned and np.det == "its" and lexicon.category(np.noun) not in (priors.PERSON, priors.ANIMAL):
            # "a bicycle with a baguette in its basket": a vehicle's basket, rack or boot is the vehicle's
            vehicles = [i for i in reversed(range(len(self.out.mentions)))
                        if i not in subjects and self.out.mentions[i].category == priors.VEHICLE]
            vehicle = vehicles[0] if vehicles else None
            owned = vehicle is not None
        if not owned or (np.det not in lexicon.POSSESSIVES | {"the"} and not named_owner):
            return False
        named = self._possessor(np)
        if np.det == "the" and named is None and vehicle is None and np.noun in _VEHICLE_PARTS:
            # "his old sheepdog sitting beside the front wheel": the wheel of the car named before
            vehicles = [i for i in reversed(range(len(self.out.mentions)))
                        if i not in subjects and self.out.mentions[i].category == priors.VEHICLE]
            vehicle = vehicles[0] if vehicles else None
        if np.noun in priors.NOUNS and np.det == "the" and named is None and vehicle is None:
            return False  # "on the keyboard": a thing of its own
        if worn and np.det in ("his", "her", "their") and named is None and link[0] == "REL" and link[1] == "inside":
            # "dad in his striped apron": his own, whoever else "his" could mean; "my husband leaning on a
            # gate in his green overalls": his, whatever he leans on
            by_subjects = bool(subjects) and all(self.out.mentions[i].is_person for i in subjects)
            wearer = None if by_subjects else self._resolve(np.det)
            wearers = subjects if by_subjects else [wearer] if (
                wearer is not None and self.out.mentions[wearer].is_person) else []
            if wearers:
                for index in wearers:
                    self._attach(self.out.mentions[index], "in", np)
                if wearer is not None:
                    self.group, self.last, self.last_role = [wearer], wearer, "detail"
                self.continuing = ("WEAR", "in")
                return True
        owner = named if named is not None else vehicle if vehicle is not None else self._resolve(
            np.det if np.det != "the" else "it", exclude=subjects)
        if np.det in ("his", "her", "their") and named is None and (
                owner is None or self.out.mentions[owner].category not in (priors.PERSON, priors.ANIMAL)):
            if worn and np.noun not in lexicon.GARMENT_PARTS and not any(self.out.mentions[i].is_person for i in subjects):
                return False  # "a cat sleeping on his jacket", nobody else there: the jacket is a thing
            if worn and link[0] == "REL" and link[1] == "inside":
                for index in subjects:  # "my daughter in her purple uniform": what she wears
                    if self.out.mentions[index].is_person:
                        self._attach(self.out.mentions[index], "in", np)
                self.continuing = ("WEAR", "in")  # "… and shin guards": more of it
            return True  # "gluing on her eyelashes": her own
        if owner is None or not subjects:
            return True
        words = self._text(self._link_start(np), np.end)
        place = _PART_PLACES.get(np.noun, link[1] if link[0] == "REL" else "next to")
        for index in subjects:
            if place == "holding":
                self.out.relations.append(self._relation(owner, "holding", index, words))
            elif index != owner:
                self.out.relations.append(self._relation(index, place, owner, words))
        self.acted.update(subjects)
        return True

    def _part_of_a_place(self, np: NounPhrase, link) -> bool:
        """'On the sagging porch of a weathered farmhouse, …', 'Before the crumbling wall of an abbey':
        a part of a building or a place, said as where, is where the scene is, with the building."""
        i = self.index
        if np.det != "the" or np.noun not in _PARTS_OF_PLACES or i + 2 >= len(self.chunks) or not link or (
                link[0] not in ("REL", "PREP")):
            return False
        before = [c.kind for c in self.chunks[max(0, i - 3):i - 1]]  # what comes before the relation's words
        said = self.chunks[i - 2] if i >= 2 else None
        participle = said is not None and said.end - said.start == 1 and self.tokens[said.start].low.endswith("ed")
        opens = not before or before[-1] in ("SENT", "CLAUSE") or (before[-1] == "VERB" or participle) and (
            len(before) < 2 or before[-2] in ("SENT", "CLAUSE"))  # ("Framed by the doorway of …", at the start)
        of, inner = self.chunks[i + 1], self.chunks[i + 2]
        if not opens or of.kind != "OF" or inner.kind != "NP" or inner.np is None or inner.np.noun is None:
            return False
        noun = inner.np.noun
        if not (lexicon.is_setting(noun) or words.is_place(noun.rsplit(" ", 1)[-1])
                or lexicon.category(noun) == priors.BUILDING):
            return False
        prep = self._text(self._link_start(np), np.start) if np.start > 0 else ""
        self.out.settings.append((prep.strip(), self._text(np.start, inner.end), False))
        self.skip.update({i + 1, i + 2})
        self.last_role = "setting"
        return True

    def _part_of(self, np: NounPhrase, link) -> bool:
        """'the closed lid of a black piano': the piano, with its closed lid in its caption."""
        i = self.index
        if self._part_of_a_place(np, link):
            return True
        if np.noun not in lexicon.PARTS or i + 2 >= len(self.chunks):
            return False
        of, inner = self.chunks[i + 1], self.chunks[i + 2]
        if of.kind != "OF" or inner.kind != "NP" or inner.np is None or inner.np.noun is None:
            return False
        if inner.np.noun in lexicon.PARTS or inner.np.noun in lexicon.SETTINGS:
            return False
        self.skip.update({i + 1, i + 2})
        before = len(self.out.mentions)
        place = _PART_PLACES.get(np.noun)
        self.index = i + 2  # the owner is read where it stands ("the head of a statue" is no depiction)
        if link and link[0] == "REL" and place not in (None, "holding"):
            # "at the feet of a man", "on the shoulders of a giant": a place by the owner
            self._on_np_as(inner.np, ("REL", place))
            return True
        self._on_np_as(inner.np, link)
        if len(self.out.mentions) > before or self.last is not None:
            owner = self.out.mentions[self.last] if self.last is not None else None
            if owner is not None:
                owner.add_detail("with", self._words_of(np), np.noun)
        return True
