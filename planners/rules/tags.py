"""Lists of tags and words of the picture's look: "1boy, sitting on a bench, green hoodie", "robot,
rusty", "Tri-X 400, heavy grain, Leica, 35mm", "burnt orange and mustard": which tags are things,
which say how a thing looks, and which only how the picture looks (a reader mixin)."""

from __future__ import annotations

from planners import priors
from planners.rules import lexicon, words
from planners.rules.chunks import Chunk, NounPhrase
from planners.rules.roles import _NOT_TAGGED_THINGS, _SPREAD_OUT, _STYLE_MARKS

# Things the size table knows that a tag also uses for the picture's look ("warm light", "soft glow").
_LOOK_NOUNS = frozenset({"light", "lights", "glow", "sky", "sun", "moon", "fog", "mist", "haze", "shadow", "rain",
                         "snow", "smoke", "sunlight", "moonlight", "candlelight", "lamplight", "firelight",
                         "paper", "pencil", "pencils", "crayon", "crayons", "ink", "canvas"})  # ("…, textured paper")
# Words before a thing that make the tag a look ("soft", "dim", "moody").
_LOOK_MODIFIERS = frozenset({"soft", "dim", "moody", "warm", "cool", "harsh", "golden", "dramatic", "cinematic",
                             "hazy", "dreamy", "gentle", "bright", "dark", "muted", "pastel", "vivid", "coloured",
                             "colored", "textured"})


class Tags:
    def _tagged_look(self, np: NounPhrase, kind: str | None) -> bool:
        """'robot, rusty, sitting, holding flower': in a list of tags, a bare describing word after the
        one thing named first is how that thing looks."""
        said = [t.low for t in self.tokens[np.start:np.end]]
        if kind != "COMMA" or np.det is not None or np.count is not None or len(said) != 1 or self.last is None:
            return False
        if np.noun is not None and (lexicon.category(np.noun) is not None or words.is_concrete(np.noun)):
            return False
        if not (lexicon.is_adjective(said[0]) or said[0] in lexicon.COLOURS or "VBN" in words.verb_tags(said[0])) or (
                said[0] in lexicon.STYLE_WORDS):
            return False  # ("battered", "rusty", "fluffy")
        tags = self._tag_list()
        subjects = [i for i, m in enumerate(self.out.mentions) if m.parent is None and m.count > 0]
        if not tags or len(subjects) != 1 or self.chunks[self.index - 2].kind != "NP":
            return False
        self.out.mentions[subjects[0]].modifiers.append(self.tokens[np.start].text)
        return True

    def _tagged_place(self, np: NounPhrase, link) -> bool:
        """'…, holding sword, ruined chapel, cinematic': in a list of tags, a bare place is the setting."""
        kind = link[0] if link else None
        if kind != "COMMA" or np.det is not None or np.count is not None or np.noun is None or not self._tag_list():
            return False
        if not (words.is_place(np.noun) or lexicon.is_setting(np.noun)) or lexicon.category(np.noun) is not None:
            return False
        if np.noun in lexicon.CLOTHING and any(m.is_person for m in self.out.mentions):
            return False  # "1girl, riding a horse, red cape flowing": her cape, not a headland
        return self._setting(np, link)

    def _tag_list(self) -> bool:
        """Whether the prompt so far is a list of tags: it opens with a bare name ('1boy', 'robot')
        and goes on in commas."""
        first = self.chunks[0] if self.chunks else None
        commas = sum(c.kind == "COMMA" for c in self.chunks[:self.index])
        return first is not None and first.np is not None and first.np.det is None and commas >= 1 and not any(
            c.kind in ("SENT", "COPULA") for c in self.chunks[:self.index])

    def _tagged_garment(self, np: NounPhrase) -> bool:
        """'bride, white lace gown, groom, black tuxedo': in a list of tags, a bare garment right
        after a person is what that person wears."""
        if np.det is not None or np.count is not None or np.noun not in lexicon.CLOTHING or self.index < 2 or (
                np.noun in _SPREAD_OUT):
            return False  # but "1girl, picnic blanket": a blanket is spread, not worn
        before = self.chunks[self.index - 2]
        if before.kind != "NP" or self.last is None or not self.out.mentions[self.last].is_person:
            # "1boy, sitting on bench, red hoodie": in a list of tags, what the one person there wears
            people = [i for i, m in enumerate(self.out.mentions) if m.is_person and m.count > 0 and m.parent is None]
            animals = [i for i, m in enumerate(self.out.mentions) if m.category == priors.ANIMAL and m.count > 0
                       and m.parent is None]
            wearers = people or animals  # "4 puppies, sitting in a row, party hats": theirs, each
            opens = self.chunks[self.index - 1].kind == "SENT"  # "… feeding pigeons. grey hoodie.": his
            if not (self._tag_list() or opens) or not wearers or len(wearers) > 1 and people:
                return False
            for index in wearers:  # "2 dogs, corgi and husky, …, tiny scarves": a scarf each
                self._attach(self.out.mentions[index], "in", np)
            return True
        self._attach(self.out.mentions[self.last], "in", np)
        return True

    def _look_before(self) -> bool:
        """Whether the tag before this one was about the picture's look ('…, y2k style, bubbly')."""
        if self.last_role == "style":
            return True
        k = self.index - 1
        while k >= 0 and self.chunks[k].kind not in ("COMMA", "SENT"):
            k -= 1  # back to the tag before this one
        before = self.chunks[k - 1] if k >= 1 and self.chunks[k].kind == "COMMA" else None
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) and (
            self.chunks[self.index + 1].kind == "COMMA") else None
        return any(self._look_tag(c) for c in (before, after) if c is not None)

    @staticmethod
    def _look_tag(chunk: Chunk) -> bool:
        if chunk.kind in ("PICTURE", "FILLER", "STYLE") or chunk.np is not None and chunk.np.headless:
            return True  # ("…, crisp, editorial": a tag of describing words alone)
        noun = chunk.np.noun if chunk.np is not None else None
        return noun is not None and (noun in lexicon.STYLE_WORDS or noun.rsplit(" ", 1)[-1] in _STYLE_MARKS
                                     or noun.rsplit(" ", 1)[-1] == "light")

    def _opens_a_look_list(self, np: NounPhrase) -> bool:
        """'… on it. simple shapes, thick outlines, bright colors': after the scene, a sentence that
        opens with a bare phrase and a comma, whose head names no thing to draw, lists the look."""
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        nxt = self._next()
        if previous is None or previous.kind != "SENT" or nxt is None or nxt.kind != "COMMA" or nxt.value != ",":
            return False
        if np.det is not None or np.count is not None or not self.out.mentions:
            return False
        head = (np.noun or "").rsplit(" ", 1)[-1]
        return lexicon.category(np.noun or "") is None and lexicon.category(head) is None and (
            np.noun not in priors.NOUNS) and not self._tagged_thing(np) and not words.usual_kind(head)

    def _tail_fragment(self, np: NounPhrase, kind: str | None) -> bool:
        """A bare phrase alone between commas after the scene was named is a picture word, unless
        it names people or animals ('..., two dogs, ...' has a count; '..., birds, ...' has a kind)."""
        alone = kind is None and self.index > 0 and self.chunks[self.index - 1].kind == "SENT"  # "…. Soft pencil."
        if kind != "COMMA" and not alone or np.det is not None or np.count is not None:
            return False
        if self._brand_among_looks(np) or self._colours_among_looks(np):
            return True  # "Tri-X 400, heavy grain, Leica, 35mm": a camera or a film, how it was shot
        if not self.out.mentions or lexicon.category(np.noun or "") in (priors.PERSON, priors.ANIMAL):
            return False
        named = all(words.can_be(t.low, "NOUN") and not lexicon.is_adjective(t.low) and t.low not in lexicon.COLOURS
                    and "ADJ" not in words.lemmas(t.low) for t in np.modifiers)
        if np.noun in priors.NOUNS and np.noun not in lexicon.STYLE_WORDS and named:
            return False  # "2 cats, 1 dog, sofa", "…, rose bouquet, …": a thing the size table knows, named bare
        if np.noun in priors.NOUNS and np.noun not in lexicon.STYLE_WORDS and np.noun not in _LOOK_NOUNS and not any(
                t.low in lexicon.STYLE_WORDS or t.low in _LOOK_MODIFIERS for t in np.modifiers) and not (
                self._look_before() and any(t.low.endswith("ing") for t in np.modifiers)):  # ("…, glowing stars")
            return False  # "…, old radio, …", "…, orange lifebuoy, …": a thing, described
        if self._tagged_thing(np, self._look_before()):
            return False  # "…, stapler, red onion, wooden spoon, …": a thing, tagged
        if self._made_of_or_coloured(np):
            return False  # "…, orange lifebuoy, …", "…, plastic skeleton, …": a thing of some stuff or colour
        nxt = self._next()
        return nxt is None or nxt.kind in ("COMMA", "SENT")

    def _colours_among_looks(self, np: NounPhrase) -> bool:
        """'flat colors, burnt orange and mustard, risograph texture': a tag of colours only."""
        said = [t.low for t in self.tokens[np.start:np.end] if t.is_word]
        nxt = self._next()
        shades = lexicon.COLOUR_SHADES | {"burnt", "muted", "dusty", "soft", "warm", "cool", "faded", "earthy"}
        looks = {w for w in said if w in lexicon.STYLE_WORDS or w in ("cinematic", "moody", "dreamy", "gritty", "bright")}
        said = [w for w in said if w not in looks and w != "and"]  # "Cinematic, teal and orange, 35mm": a look, its colours
        colours = np.noun in lexicon.COLOURS and all(w in lexicon.COLOURS or w in shades for w in said) and (
            any(w in shades for w in said) or nxt is not None and nxt.kind == "AND" or bool(looks))
        return colours and (self._look_before() or bool(looks))

    def _brand_among_looks(self, np: NounPhrase) -> bool:
        """A capitalised word no dictionary knows, alone between commas beside a tag of the look."""
        said = [t for t in self.tokens[np.start:np.end] if t.is_word]
        nxt = self._next()
        return len(said) == 1 and said[0].text[:1].isupper() and not words.is_english(said[0].low) and (
            nxt is None or nxt.kind in ("COMMA", "SENT")) and self._look_before()

    @staticmethod
    def _made_of_or_coloured(np: NounPhrase) -> bool:
        """A noun no table files as a look, said with a colour or a material ('orange lifebuoy',
        'plastic skeleton'), never a word of the picture's look ('soft pastel tones')."""
        head = (np.noun or "").rsplit(" ", 1)[-1]
        if not head or head in lexicon.STYLE_WORDS or head in lexicon.FRAMES or head in _LOOK_NOUNS or (
                head in lexicon.ABSTRACT or lexicon.is_setting(head) or head in lexicon.MASS_NOUNS):
            return False
        said = [t.low for t in np.modifiers]
        stuff = any(w in lexicon.MATERIALS or w in lexicon.WOODS for w in said) or (
            len(said) == 1 and said[0] in lexicon.COLOURS)
        return stuff and not any(w in lexicon.STYLE_WORDS or w in _LOOK_MODIFIERS for w in said) and (
            set(words.lemmas(head)) == {"NOUN"} and not lexicon.is_adjective(head)) and (
            np.head and np.head[-1].text.islower())  # (a noun and nothing else: not "chrome shine", "Gold Kodak")

    @staticmethod
    def _tagged_thing(np: NounPhrase, look_before: bool = False) -> bool:
        """A bare tag whose head usually names a thing to draw (WordNet's first sense: a made thing,
        a food, a plant, an animal): "red toolbox", "potted fern"; never the picture's look ("warm
        light", "film grain") or the sky ("full moon")."""
        head = (np.noun or "").rsplit(" ", 1)[-1]
        if (head in lexicon.STYLE_WORDS or lexicon.is_setting(head) or head in lexicon.FRAMES or head in lexicon.ABSTRACT
                or head in lexicon.MASS_NOUNS or head in _NOT_TAGGED_THINGS):
            return False
        if not np.modifiers and " " not in (np.noun or "") and words.lemmas(head).get("ADJ") == (head,) and (
                head not in priors.NOUNS and lexicon.category(head) is None and words.general_animal(head) is None) and (
                look_before):
            return False  # "…, y2k style, bubbly.": after the look, a describing word alone is more of it
        if " " not in (np.noun or "") and head.isalpha() and not words.lemmas(head) and any(
                words.is_concrete(head[k:]) for k in range(3, len(head) - 3)):
            return True  # "sandcastle", "beanbag": a word no table knows, built on a thing's name
        if " " in (np.noun or ""):
            return words.is_concrete(head) or words.is_compound(*np.noun.split(" ", 1))
        return words.may_be_concrete(head)  # "…, red toolbox, wrench, …": a tool, among things
