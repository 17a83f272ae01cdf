"""What each stretch of words is: noun phrases, relations, zones, poses, verbs, negations, links.

The chunker turns tokens into a flat list of `Chunk`s; `parsing` then reads that list to work
out what the words say about the scene. Fixed expressions ("to the left of", "a pair of", "with
his arms crossed") come from a phrase table matched longest-first; noun phrases are read with a
small grammar (determiner or count, modifiers, head noun) whose head is found with the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from planners import priors
from planners.rules import lexicon, words
from planners.rules.inflection import plural as inflected_plural
from planners.rules.inflection import plural_candidates, singular
from planners.rules.requests import request_spans
from planners.rules.tokens import SENTENCE_END, Token
from planners.rules.words import compound_kind, is_compound, is_concrete, is_english, only_verb
from planners.rules.words import gerund as words_gerund
from planners.rules.words import lemmas as words_lemmas
from planners.rules.words import verb_tags as words_verb_tags

_LEFT_OUT_OWN = frozenset({"my", "our", "his", "her", "their", "him", "them", "it"})
_RATIO = re.compile(r"\d+:\d+(?:am|pm)?")  # a model's scale, a frame's shape, a clock time
_INITIALS = re.compile(r"[a-z]{1,2}&[a-z]{1,2}")  # "A&E", "R&B", "B&B": one name
_CLOCK_TIME = re.compile(r"\d{1,2}(:\d\d)?(am|pm)")  # "2am", "7pm": when, written as one word

# -- the phrase table ----------------------------------------------------------------------
# Each pattern is space-separated slots; a slot lists alternatives with "|" and is optional when
# it ends with "?". POSS stands for a possessive. An entry may refuse to match before "of".
_POSS = "his|her|their|its|one's|the|both|your|my|our"

_PHRASES: list[tuple[str, str, Any, bool]] = []
_OF_THE_PICTURE = [["the", w] for w in ("picture", "image", "photo", "frame", "canvas", "scene", "painting", "shot",
                                        "composition", "page")]  # (pattern, chunk kind, value, refuse before "of")


def _phrase(kind: str, value: Any, *patterns: str, unless_of: bool = False) -> None:
    for pattern in patterns:
        _PHRASES.append((pattern.replace("POSS", _POSS), kind, value, unless_of))


_CANVAS = "page|picture|frame|image|canvas|spread|shot|photo|card|cover|poster"
for _side in ("left", "right"):
    _phrase("REL", f"{_side} of", f"to|on|at|in the far? {_side}|{_side}-hand side|hand? of", f"{_side} of",
            f"{_side}-hand side? of", f"to the {_side} side of")
    _phrase("ZONE", (_side, None), f"on|to|at|in the far? {_side}|{_side}-hand side|hand|half|part|edge?",
            f"on|to|at|in the {_side}-hand side?", unless_of=True)
# A room's side walls are the picture's sides: "a desk against the left wall", "shelves along the right wall".
for _side in ("left", "right"):
    _phrase("ZONE", (_side, None), f"against|along|by|on|at the far? {_side} wall|walls|side", f"up against the {_side} wall",
            f"against|along|by|on|at the {_side}-hand wall", unless_of=True)
for _side in ("left", "right"):
    _phrase("SIDE", f"{_side} of", f"on|to|at {_POSS.replace('the|', '')} {_side}|{_side}-hand side?",
            f"on|to|at {_POSS.replace('the|', '')} {_side} hand side")
_phrase("SIDE", "next to", f"at|around|by {_POSS.replace('the|', '')} base")  # "two lemons at its base": by it
for _x in ("left", "right"):
    for _y, _ys in (("top", "top|upper"), ("bottom", "bottom|lower")):
        _phrase("ZONE", (_x, _y), f"in|at|on|from the {_ys} {_x} corner|side|part|half?", f"in|at|on|from the {_y}-{_x} corner?",
                f"in|at|on|from the {_x} {_ys} corner?", f"in|at|on|from {_ys} {_x} corner",  # "in top right corner"
                f"in|at|on|from {_y}-{_x} corner", unless_of=True)
        # the canvas's own corner, said so: "both at the bottom left of the page"
        _phrase("ZONE", (_x, _y), f"in|at|on|from the {_ys} {_x} corner? of the {_CANVAS}",
                f"in|at|on|from the {_y}-{_x} corner? of the {_CANVAS}")
for _x in ("left", "right"):
    for _y, _ys in (("top", "top|upper"), ("bottom", "bottom|lower")):
        _phrase("ZONE", (_x, _y), f"{_ys} {_x} corner?", "|".join(f"{y}-{_x}" for y in _ys.split("|")) + " corner?")
        # "… bottom left", "Top left corner, a robin."
_phrase("ZONE", (None, "top"), "on|at|in|to|near|along the very? top|upper side|half|part|edge?", "on top",
        "up top", "high up", unless_of=True)
_phrase("ZONE", (None, "bottom"), "on|at|in|to|near|along the very? bottom|lower side|half|part|edge?",
        unless_of=True)
# Shot notes that head what follows with its place: "Left half: an inkwell …", "Back right: a toolbox."
for _x in ("left", "right"):
    _phrase("ZONE", (_x, None), f"{_x} half|side|third|edge :", f"{_x}-hand side :", f"back|front|far {_x} :",
            f"{_x} :", f"{_x} page|panel :", f"{_x}-hand page|panel :")
    # a book's spread: its left page is the picture's left ("On the left page a girl feeding ducks")
    _phrase("ZONE", (_x, None), f"on|in|across the {_x} page|panel", f"on|in|across the {_x}-hand page|panel",
            f"{_x} page|panel ,")
_phrase("ZONE", ("center", None), "centre|center|middle frame|stage", "frame|stage centre|center")
_phrase("ZONE", ("center", "front"), "up? front and centre|center", "front-and-centre|front-and-center",
        "centre|center front", "at the front and centre|center")
_phrase("ZONE", ("center", None), "middle|center|centre :", "dead centre|center :")
# The same, said after the thing in terse notes: "goat on a crate center left.", "pine tree right side".
for _x in ("left", "right"):
    _phrase("ZONE", (_x, None), f"center|centre|middle {_x}", f"{_x} side|half|edge", f"far {_x}", unless_of=True)
# "fills the left half", "just right of center", "Foreground left, a wheelbarrow …": where, no thing
for _x in ("left", "right"):
    _phrase("ZONE", (_x, None), f"the far? {_x} half|third", f"just|slightly|a bit? {_x} of center|centre|middle",
            f"just|slightly|a bit? {_x} of the center|centre|middle", f"foreground|background {_x}", unless_of=True)
_phrase("ZONE", ("center", None), "in|at the middle|center|centre", "in the very middle|center|centre",
        "in the? dead center|centre", "dead center|centre", "smack|right|slap|bang in the middle|center|centre",
        unless_of=True)
# The canvas's middle or halves said as a thing filled: "two men occupy the centre of the frame", "filling the
# lower half".
_phrase("ZONE", ("center", None), "the? centre|center|middle of the frame|picture|image|canvas|composition|scene|shot|page")
_phrase("ZONE", (None, "bottom"), "the lower|bottom half|third", unless_of=True)
_phrase("ZONE", (None, "top"), "the upper|top half|third", unless_of=True)
# Where on the canvas, said from the top's or the bottom's middle: "hang a chandelier from the top center".
_phrase("ZONE", ("center", "top"), "from|at|in|on the top|upper center|centre|middle", unless_of=True)
_phrase("ZONE", ("center", "bottom"), "at|in|on the bottom|lower center|centre|middle", unless_of=True)
# The film and stage words for a side of the frame: "at screen left", "frame right", "stage left".
for _x in ("left", "right"):
    _phrase("ZONE", (_x, None), f"at|on|to? screen|frame|camera|stage {_x}", unless_of=True)
    _phrase("ZONE", (_x, None), f"at|on|to? house|audience {_x}", unless_of=True)  # the audience's side
# A stage's depth: "upstage" is at the back, "downstage" at the front, and either with a side.
for _x in ("left", "right", "center"):
    _side_words = "centre|center" if _x == "center" else _x
    _phrase("ZONE", (_x, "back"), f"at|on|to? upstage {_side_words}", unless_of=True)
    _phrase("ZONE", (_x, "front"), f"at|on|to? downstage {_side_words}", unless_of=True)
_phrase("ZONE", (None, "back"), "upstage", unless_of=True)
# One thing in each of several corners: "a dove in each top corner", "a star in all four corners".
_TL, _TR, _BL, _BR = ("left", "top"), ("right", "top"), ("left", "bottom"), ("right", "bottom")
_phrase("CORNERS", (_TL, _TR, _BL, _BR), "in|at|into each|every corner", "in|at|into all the? four|4 corners",
        "in|at the four|4 corners", unless_of=True)
_phrase("CORNERS", (_TL, _TR), "in|at each|both top|upper corner|corners", "in|at the two top|upper corners",
        unless_of=True)
_phrase("CORNERS", (_BL, _BR), "in|at each|both bottom|lower corner|corners", "in|at the two bottom|lower corners",
        unless_of=True)
# The asker changing their mind: "actually make it three unicorns", "no wait, a blue parrot".
_phrase("CORRECT", "recount", "actually|oh|ok|okay|hmm|wait|no ,? wait|actually|no? ,? make|change it|that|them to|into?",
        "make|change it|that to? ,?")
# "actually no, make the black one a tuxedo cat": which one, then what it becomes
_phrase("CORRECT", "select", "actually|oh|ok|okay|hmm|wait|no ,? no|wait? ,? maybe|perhaps? make|change|turn|swap|switch|replace")
# "… Change the kayaks to a single canoe.", "make the vampire a werewolf": said at a sentence's start
_phrase("CORRECT", "select", "change|swap|switch|replace|make|turn")
_phrase("CORRECT", "select", "oh|ok|okay|also ,? and|also change|swap|switch|replace|make|turn")  # "Oh, and change the kit …"
_phrase("CORRECT", "recount", "no actually|wait")  # "five candlesticks … no actually seven candlesticks"
_phrase("CORRECT", "recount", "wait|hmm|oh ,? no ,?")  # "like 3 kids around it ❄️ wait no only 2 kids"
_phrase("CORRECT", "recount", "ok|okay|alright|fine ,?")  # "a couple of sailboats, like 2 or 3? ok 3."
_phrase("CORRECT", "recount", "no ,|.|...|-|—", "no no ,?")  # "two penguins on ice, no, three penguins"
_phrase("CORRECT", "recount", "nah|nope ,|.|...|-|—?")  # "Seven dwarfs? nah, just one dwarf"
_phrase("CORRECT", "recount", "let's|lets say", "let's|lets make it", "let's|lets go with", "make that")  # "too many, let's say seven"
# "No, scratch that, I want three cats": what was said is taken back for what follows
_phrase("CORRECT", "recount", "no|oh|ok|okay|hmm ,? scratch|forget that|it ,? i|we want|need|'d|would like? ,?",
        "scratch|forget that|it ,? i|we want|need ,?", "no|oh|ok|okay|hmm ,? scratch|forget that|it ,?",
        "scratch|forget that|it ,?")
_phrase("CORRECT", "replace", "no|oh|ok|okay|hmm ,? scratch|forget that|it ,?", "scratch|forget that|it ,?")
# "Actually make it a grey cat instead.": the thing said again, described anew
_phrase("CORRECT", "replace", "actually|oh|ok|okay|hmm|wait|no ,? no|wait? ,? make|change it|that|them|those to|into?")
_phrase("CORRECT", "replace", "no|oh ,? wait ,?", "actually ,? no ,", "i mean ,?", "sorry ,", "sorry ,? i mean|meant ,?",
        "or rather ,?", "no ,", "no ,? sorry ,? just?")  # but "actually no people": a negation
_phrase("FILLER", "degree", "a bit|tad", "a little bit", "just a bit|tad", "a tiny|wee bit")  # "a bit grainy": how much
_phrase("FILLER", "degree before a look", "a little", "just a little", "only a little")  # "a little grainy", not "a little dog"
_phrase("FILLER", "too", "as well")  # "a whale in there as well": also, no well
_phrase("FILLER", "except", "except|excepting for?", "apart|aside from", "other than", "save for")  # "all … except three"
_phrase("FILLER", "roughly", "like")  # "like 2 cones next to him", as typed: about two, nothing compared
_phrase("FILLER", "hedge", "a|some kind|sort of")  # "a kind of funny picture of a tired man": a hedge, no kind
_phrase("FILLER", "how", "upside down", "upside-down", "inside out", "inside-out", "back to front", "face down|up",
        "face-down", "face-up", "upright", "bolt upright", "in? mid air|flight", "in? mid-air|midair|mid-flight")
_phrase("POSE", "jumping", "in? mid jump|leap|bound", "in? mid-jump|mid-leap|midleap|midjump|mid-bound")  # "two dancers mid-leap"
_phrase("POSE", "dancing", "in? mid turn|spin|twirl|pirouette", "in? mid-turn|mid-spin|mid-twirl|mid-pirouette")
_phrase("FILLER", "how", "up high", "high up", "down low", "up top")  # "holding a phone up high": how, no high thing
_phrase("FILLER", "way", "the other|same|wrong|opposite way", "the other|same|opposite direction")  # "walking the other way"
_phrase("FILLER", "alone", "on its|his|her|their own", "all on its|his|her|their own")  # "a door that stands on its own"
_phrase("FILLER", "toward", "toward|towards|facing the left|right|camera|viewer|window|door")
_phrase("ZONE", (None, "back"), "in the background|distance", "in the far distance", "far away|off",
        "in the back", unless_of=True)
_phrase("ZONE", (None, "front"), "in the foreground", "in the front", "up front", "close up", "down front", "downstage",
        unless_of=True)

_phrase("REL", "on", "on top of", "on the top of", "at the top of", "atop", "upon", "on", "onto",
        "on the surface of", "sitting on top of")
_phrase("REL", "above", "above", "over", "high above", "hanging over", "hovering over", "up above")
_phrase("REL", "below", "below", "at|on the bottom of", "at the foot of", "down below")
_phrase("REL", "under", "under", "underneath", "under neath", "beneath")
_phrase("REL", "in front of", "in front of", "before", "at the front of")
_phrase("REL", "behind", "behind", "from behind", "in back of", "at the back of", "in the back of",
        "partly|partially|half? hidden|obscured|blocked by|behind")
_phrase("REL", "next to", "next to", "beside", "besides", "by", "near", "nearby", "close to", "close by",
        "alongside", "along side", "by the side of", "adjacent to", "against", "across from", "opposite",
        "opposite to", "among", "amongst", "surrounded by", "together with", "accompanied by",
        "on|at|to|by the? side of", "on|at|to the other|far side of", "on one side of", "on either side of", "on each|both side|sides of", "either side of")
_phrase("REL", "inside", "in", "inside", "inside of", "within", "into", "in the middle of", "in the center of",
        "in the centre of", "at the center of", "at the centre of")
_phrase("REL", "at", "at")
_phrase("REL", "next to", "out of", "away from")
_phrase("REL", "under", "in|under the shade|shadow of")
_phrase("REL", "around", "around", "all around", "surrounding", "encircling", "circling")
_phrase("REL", "between", "between", "in between", "in-between")

_phrase("ORDER", ("x", False), "working|going|moving|reading? from? left to right", "left-to-right",
        "from? left-to-right")
_phrase("ORDER", ("x", True), "working|going|moving|reading? from? right to left", "right-to-left")
_phrase("FILLER", "start", "start|begin|starting|beginning with")  # "Start with a tall ribbed vase at the far left"
_phrase("ORDER", ("y", False), "from? top to bottom", "top-to-bottom")
_phrase("ORDER", ("y", True), "from? bottom to top", "bottom-to-top")

_phrase("POSE", "arms-crossed", "with POSS? arms|hands crossed|folded", "with crossed|folded arms",
        "arms crossed|folded", "crossing|folding POSS? arms", "with arms crossed|folded across POSS? chest")
_phrase("POSE", "hands-on-hips", "with? POSS? hands on POSS? hips", "with? arms akimbo")
_phrase("POSE", "arms-raised", "with POSS? arms|hands raised|up|lifted", "with raised arms|hands",
        "with POSS? arms|hands in the air", "raising|lifting|throwing POSS? arms|hands up?",
        "arms|hands raised|up", "arms|hands in the air", "with POSS? arms|hands up in the air")
_RAISE = ("raise|raises|raised|raising|lift|lifts|lifted|lifting|throw|throws|threw|throwing|thrust|thrusts|"
          "thrusting|stretch|stretches|stretching|put|puts|putting|fling|flings")
# "in" only with "the air": "raising his arms in front of four singers" keeps its "in front of"
_phrase("POSE", "arms-raised", f"{_RAISE} POSS? both? arms|hands up|high|aloft|overhead?",
        f"{_RAISE} POSS? both? arms|hands up|high|aloft|overhead? in|into the? air",
        "with POSS? both? arms|hands in|into|up the? air", "arms|hands in|into the air", "arms|hands up in the air",
        "arms|hands above POSS head", "with POSS? both? arms|hands above POSS head", "arms outstretched|overhead",
        "with outstretched|upstretched arms", "arms|hands held high")
_phrase("POSE", "squatting", "crouched|crouching|hunched|squatting down?", "down on POSS haunches")
_phrase("POSE", "lying", "lying|laying down|flat? on POSS? back|stomach|side|belly|front|tummy", "stretched out")
_phrase("POSE", "back-view", "seen|viewed|shown? from behind", "seen|viewed|shown? from the back",
        "facing away", "turned away", "back view", "from the back", "with POSS back to the? camera|viewer|lens|us",
        "POSS? back to the? camera|viewer|lens")
_phrase("POSE", "kneeling", "on POSS knees", "down on POSS knees")
_phrase("POSE", "pointing", "pointing POSS? finger|arm")
_phrase("POSE", "waving", "waving POSS? hand|hands|arm")

_SHOWN = "draw|show|include|add|put|paint|render|give|make|want"  # "don't draw a car", "please do not show any text"
_phrase("NEG", "no", "isn't|aren't|wasn't|doesn't|don't|didn't|not wearing|holding|carrying|having",
        "is|are|does|do not wearing|holding|carrying|having|wear|hold|carry|have", "doesn't|don't|didn't have|wear|hold",
        "without any?", "with no", "with not a single? any?", "no", "not a single|one?", "nor", "nor any|even",
        "not any", "free of", "devoid of", "empty of", "lacking", "minus", "and no", "but no",
        "avoid|avoiding", "please avoid", "not", "nothing", "exclude|excluding|omit|omitting any?", "leave out any?",
        "without the", "minus the", "no more", "there should be|must be no",
        f"please? don't|dont|never {_SHOWN} any?", f"please? do not {_SHOWN} any?",
        f"please? don't|dont|never {_SHOWN} any|either|none of the|my|our|your|his|her|their|those|these",
        f"please? do not {_SHOWN} any|either of the|my|our|your|his|her|their|those|these",  # "don't draw any of my pupils"
        "none|neither of the|my|our|your|his|her|their|those|these",  # "None of the students should appear"
        "i|we don't|dont want any?", "i|we do not want any?",
        "don't|dont|never give anyone|anybody|them|him|her any?", "do not give anyone|anybody|them|him|her any?",
        # "… lined up, no one wearing hats": what none of them wears, not that nobody is there
        "nobody|noone|no-one wearing|wears|holding|holds|carrying|carries|has any?", "no one wearing|wears|holding|holds|carrying|carries|has any?")
# The asker taking back a thing already named: "no wait, skip the cans", "get rid of the lamp"
_phrase("NEG", "retract", "scratch the|those|these")  # "scratch the surfboard" ("scratch that" corrects)
_phrase("NEG", "retract", "skip|drop|remove|ditch|lose|delete|scrap|nix|forget the|those|that|these",
        "get rid of the|those|that|these", "take out|away the|those|that|these", "leave out the|those|that|these",
        "no need for the|those|that|these")
_phrase("FILLER", "modal", "must|should|shall|might|would|could")  # "the cat should be white": no verb of its own
_phrase("FILLER", "polite", "please|pls|plz|thanks|thx|ty", "thank you|u so? much?")  # "a red barn please": no verb
_phrase("FILLER", "me", "for me|us", "me", "us")  # "generate for me a cozy scene": the speaker, no thing
_phrase("FILLER", "not", "not far|too|very|only|just|quite|yet|even|exactly|much|always")
_phrase("NEG_PEOPLE", "people", "nobody", "no one", "no-one", "noone", "no person|persons|people|humans")
_phrase("WEAR", "wearing", "wearing", "wears", "wear", "wore", "worn", "has|have|had on", "dressed in|as", "dressed up in|as", "clad in",
        "clothed in", "sporting", "donning", "outfitted in", "styled in", "dressed head to toe in",
        "dressed head-to-toe in", "dressed from head to toe in", "decked|kitted|turned out in")
_phrase("WITH", "with", "with", "has|have|having got?", "featuring", "equipped with")
_phrase("DETAIL", "about", "about")  # "a book about space": what it is about, in its caption
_phrase("DETAIL", "made of", "made of|from", "made out of", "carved from|out of", "built of|from")
_phrase("DETAIL", "full of", "full of", "filled with", "stuffed with", "loaded with", "piled with")
_phrase("DETAIL", "covered in", "covered in|with|by", "coated in|with")
_phrase("DETAIL", "topped with", "topped with|by", "decorated with", "adorned with", "painted with",
        "printed with", "patterned with", "embroidered with")
_phrase("DETAIL", "shaped like", "shaped like|as", "in the shape of", "looking like", "that looks like",
        "resembling", "made to look like")
_phrase("STYLE", "style", "in the style of", "in a|the style|manner of", "by artist", "by the artist",
        "inspired by", "make|making it|this look like", "make|making it|this look as if", "it should look like",
        "looking like a|an film|movie|painting|photo|photograph|still|poster|cartoon|anime")
_phrase("THERE", "there", "there", "here", "we see", "you can see", "one can see", "showing", "shows",
        "you|we|one can|could|will|would|'ll see|spot|find|count|notice|observe", "you see", "you notice",
        "depicting", "depicts", "featuring a scene of")
_phrase("OF", "of", "of")
_phrase("PICTURE", "span", *lexicon.PICTURE_SPANS)
_phrase("PICTURE", "words", *lexicon.PICTURE_PHRASES)
_phrase("FILLER", "other side", "on|at|to the other side", "on one side", "on|at|to the far side")
_phrase("FILLER", "other side", "at|on|to the far|other end", unless_of=True)  # "sitting at the far end": where
_phrase("FILLER", "either side", "on either side", "on either side of it|them", "either side",
        "at|on either end", "at|on either end of it|them", "at|on both ends", "at|on each end")
_phrase("FILLER", "each side", "on|along|down each|both side|sides", "on|along|down each|both side|sides of it|them")
_phrase("FILLER", "together",
        "side by side", "next to one another", "in a row", "in a line", "in that order", "in single file",
        "in a|one long|straight|neat|tidy|diagonal|single|curved|wavy|perfect|wobbly|crooked|short row|line|rows|lines",
        "in rows|lines", "in neat|tidy|long|straight|two|three|four|five rows|lines",
        "bringing|brings|bring up the rear", "leading the way",
        "single file", "back to back", "face to face", "hand in hand", "arm in arm", "shoulder to shoulder")
_phrase("FILLER", "than", "than the rest|others", "than all the rest|others", "than the other ones?",
        "in? mid-air|midair")
_phrase("FILLER", "out", "out front|back")  # "a bucket of roses out front": where, no thing
_phrase("FILLER", "to and fro", "back and forth", "to and fro", "back and forward", "round and round",
        "up and down")  # "rocks a stroller back and forth": how, no thing
_phrase("FILLER", "only", "nothing else|more", "and nothing else|more", "nothing else in the picture|scene|frame")

# Quantities at the start of a noun phrase.
_COUNT_PHRASES: list[tuple[str, int]] = [
    ("a pair of", 2), ("a couple of", 2), ("couple of", 2), ("pairs of", 2), ("pair of", 2), ("a few", 3), ("quite a few", 4),
    ("a dozen", 12), ("half a dozen", 6), ("dozens of", 24), ("a group of", 3), ("a bunch of", 4),
    ("a handful of", 3), ("a crowd of", 6), ("a herd of", 5), ("a flock of", 5), ("a pack of", 4),
    ("a school of", 5), ("a swarm of", 6), ("a team of", 5), ("a family of", 4), ("a row of", 5),
    ("a line of", 5), ("a stack of", 4), ("a pile of", 5), ("a set of", 4), ("a lot of", 6), ("lots of", 6),
    ("plenty of", 5), ("a number of", 4), ("a trio of", 3), ("a quartet of", 4), ("a litter of", 4),
    ("a cluster of", 4), ("a collection of", 4), ("a fleet of", 4), ("an army of", 8), ("hundreds of", 30),
    ("thousands of", 30), ("tons of", 8), ("a series of", 4), ("a variety of", 4), ("a selection of", 4),
    ("a batch of", 5), ("rows of", 8), ("stacks of", 8), ("piles of", 8),
    ("lines of", 8), ("a string of", 5), ("strings of", 8),
    # collectives of people and animals: "a band of four musicians" is the four musicians
    ("a band of", 4), ("a crew of", 4), ("a gang of", 4), ("a troop of", 5), ("a squad of", 5), ("a choir of", 6),
    ("a pod of", 4), ("a pride of", 4), ("a gaggle of", 5), ("a circle of", 5), ("a party of", 4),
    ("a posse of", 4), ("a troupe of", 4), ("a procession of", 6), ("a parade of", 6), ("a queue of", 5),
    ("a brood of", 4), ("a colony of", 6), ("a convoy of", 4), ("a caravan of", 4), ("a throng of", 6),
    ("a lineup of", 4), ("a line-up of", 4), ("a cast of", 4), ("a duo of", 2), ("a quintet of", 5), ("a class of", 6),
]  # fmt: skip
_PAIR_WORDS = frozenset({"a pair of", "a couple of", "pairs of", "pair of"})
# Quantities that count nothing, like "some": how many is the picture's to choose
_VAGUE_PHRASES = frozenset({("a", "few"), ("quite", "a", "few"), ("a", "lot", "of"), ("lots", "of"), ("plenty", "of"),
                            ("tons", "of"), ("a", "number", "of"),
                            ("a", "row", "of"), ("a", "line", "of"), ("a", "string", "of"),  # how things are lined up, not how many
                            ("rows", "of"), ("lines", "of"), ("stacks", "of"), ("piles", "of"),
                            ("a", "stack", "of"), ("a", "pile", "of"),  # ("a stack of tires": how they lie)
                            ("a", "herd", "of"), ("a", "flock", "of"), ("a", "school", "of"), ("a", "swarm", "of"),
                            ("a", "gaggle", "of"), ("a", "pride", "of"), ("a", "pack", "of"), ("a", "troop", "of")})
# ("a flock of sheep": animals together, nobody counted them)
# Verbs of standing that are also things ("on the shelf stand two vases").
_STANCE_VERBS = frozenset({"stand", "perch", "loom", "tower", "stretch", "rest"})
_REFLEXIVES = frozenset({"myself", "yourself", "himself", "herself", "itself", "ourselves", "yourselves",
                         "themselves"})
_MADE_BY = frozenset({"hand", "home", "machine", "sun"})  # "a hand painted sign", "home made jam"
# Ways of heading that are also nouns ("leaning forward on his throne": no forward to draw).
_HEADINGS = frozenset({"forward", "forwards", "backward", "backwards", "sideways", "upward", "upwards", "downward",
                       "downwards", "inward", "outward", "homeward", "onward", "onwards"})
_DEGREES = frozenset({"super", "very", "really", "extra", "ultra", "so", "too", "kinda", "pretty", "quite", "mega"})
_TITLES = frozenset({"uncle", "aunt", "auntie", "grandpa", "grandma", "granny", "nana", "papa", "mama", "cousin",
                     "sister", "brother", "miss", "mister", "mrs", "mr", "ms", "dr", "doctor", "captain", "sir", "lady"})
_BEFORE_A_DESCRIBED_THING = frozenset({"in", "with", "a", "an", "the", "his", "her", "their", "my", "our", "your", "its"})
# Relatives, who are not each other's kind: two said side by side are two people ("mom dad and …").
_KIN = frozenset({"mom", "mum", "mother", "dad", "father", "grandma", "grandpa", "granny", "grandmother",
                  "grandfather", "husband", "wife", "son", "daughter", "brother", "sister", "aunt", "uncle"})


@dataclass(frozen=True)
class _Pattern:
    slots: tuple[tuple[frozenset[str], bool], ...]  # (alternatives, optional)
    kind: str
    value: Any
    unless_of: bool


def _compile(pattern: str) -> tuple[tuple[frozenset[str], bool], ...]:
    slots = []
    for slot in pattern.split():
        optional = slot.endswith("?")
        slots.append((frozenset(slot.rstrip("?").split("|")), optional))
    return tuple(slots)


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, list[_Pattern]]:
    """Patterns by the words they can start with (built on first use)."""
    index: dict[str, list[_Pattern]] = {}
    for pattern, kind, value, unless_of in _PHRASES:
        compiled = _Pattern(_compile(pattern), kind, value, unless_of)
        firsts: set[str] = set()
        for alternatives, optional in compiled.slots:
            firsts |= alternatives
            if not optional:
                break
        for word in firsts:
            index.setdefault(word, []).append(compiled)
    return index


def _match_slots(slots, words: list[str], i: int) -> int | None:
    """Length of the longest match of `slots` at words[i:], or None."""
    if not slots:
        return 0
    (alternatives, optional), rest = slots[0], slots[1:]
    best = None
    if i < len(words) and words[i] in alternatives:
        tail = _match_slots(rest, words, i + 1)
        if tail is not None:
            best = 1 + tail
    if optional:
        skipped = _match_slots(rest, words, i)
        if skipped is not None and (best is None or skipped > best):
            best = skipped
    return best


# Words after a thing's name that say what it stands for in a game, a story or a brand: "a knight
# sprite", "a fox character", "a blue jay companion", "a slime enemy", "a raccoon mascot".
_STANDS_FOR = frozenset({"sprite", "sprites", "character", "characters", "companion", "companions", "enemy", "enemies",
                         "mascot", "mascots", "npc", "npcs", "avatar", "avatars", "token", "tokens", "minion",
                         "minions", "pet", "sidekick", "hero", "villain", "boss", "familiar"})
# Words before "character" or "sprite" that say what kind of one it is, not what it is ("a cartoon character").
_NO_KIND = frozenset({"cartoon", "anime", "game", "video", "main", "comic", "pixel", "player", "background", "side",
                      "school", "team", "club", "college", "university", "company", "brand", "official",
                      "supporting", "story", "book", "movie", "film", "tv", "fictional", "original", "playable"})
# What ends a thought before "no, a …" takes it back: a sentence's end, a comma, a dash.
_AFTER_A_THOUGHT = frozenset({".", "!", "?", ",", "-", "—", "–", ";", "…"})


_MODAL_WORDS = frozenset({"will", "would", "can", "could", "should", "must", "might", "may", "shall", "won't",
                          "can't", "wont", "cant"})
# Words before "like" that compare ("shaped like two hearts"), where "like" is no hedge on a number.
_LIKENED = frozenset("look looks looked looking shaped dressed feel feels seem seems sound sounds just exactly "
                     "more much nothing something anything arranged".split())
# Verbs of standing, lying and hanging, which may follow the place they tell of ("behind her stand five bowls").
_STANDING_VERBS = frozenset({"stand", "stands", "sit", "sits", "lie", "lies", "hang", "hangs", "rest", "rests",
                             "sleep", "sleeps", "perch", "perches", "dangle", "dangles", "wait", "waits", "loom",
                             "looms", "lean", "leans", "float", "floats"})


def _a_look_follows(said: list[str], k: int) -> bool:
    """Whether said[k] is a word that only describes, with no thing after it ('a little grainy like an
    old photo', 'a little blurry at the edges'): how much, no little thing."""
    if k >= len(said) or not said[k].isalpha():
        return False
    word, after = said[k], said[k + 1] if k + 1 < len(said) else ""
    feels = word.endswith("ing") and words.only_verb(word) or word.endswith("ly") and not words.is_english(word)
    # ("a little unsettling", "a little painterly")
    describes = (words.can_be(word, "ADJ") or lexicon.is_adjective(word) or feels) and not words.can_be(word, "NOUN") and (
        lexicon.category(word) is None) and word not in lexicon.MATERIALS and word not in lexicon.COLOURS
    return describes and not (after.isalpha() and (lexicon.is_known_noun(singular(after)[0]) or is_concrete(after)
                                                   or words.can_be(singular(after)[0], "NOUN")))


def _roughly_a_number_of_things(said: list[str], i: int) -> bool:
    """Whether 'like' at said[i] hedges a number of things ('like 2 cones', 'next to like 3 books'),
    not compares ('shaped like 2 hearts') or hedges an age or a measure ('like 5 yrs old')."""
    if i + 2 >= len(said) or _number(said[i + 1]) in (None, 1) or i > 0 and said[i - 1] in _LIKENED:
        return False
    noun = singular(said[i + 2])[0]
    return lexicon.category(noun) is not None or is_concrete(noun) or said[i + 2] in lexicon.COLOURS or (
        lexicon.is_adjective(said[i + 2]))


def match_phrase(words: list[str], i: int) -> tuple[int, _Pattern] | None:
    best: tuple[int, _Pattern] | None = None
    for pattern in _phrase_index().get(words[i], ()):
        length = _match_slots(pattern.slots, words, i)
        if not length:
            continue
        if pattern.kind == "ZONE" and i > 0 and words[i] in ("center", "centre", "middle", "left", "right", "far") and (
                words[i - 1] in lexicon.DETERMINERS or words[i - 1] in lexicon.POSSESSIVES):
            continue  # "the right side of the bed", "her left side": a part named, no place in the picture
        if pattern.kind == "CORRECT" and words[i + length:i + length + 1] in (["just"], ["only"]) and (
                i + length + 1 < len(words) and (_number(words[i + length + 1]) is not None
                                                 or words[i + length + 1] in ("a", "an"))):
            length += 1  # "actually, make it just one big amplifier": the same, said plainly
        if pattern.kind == "NEG" and words[i] in ("none", "neither") and not set(words[i + length:i + length + 5]) & {
                "should", "must", "can", "could", "will", "may", "need", "needs", "shall"}:
            continue  # "None of the students should appear" leaves them out; "none of the kids is wearing a hat" does not
        if pattern.value == "start" and i > 0 and words[i - 1] not in SENTENCE_END and words[i - 1] not in (",", ":"):
            continue  # "a girl starting with a painting": what she does
        if pattern.value == "back-view" and words[i + length - 1] == "behind" and i + length < len(words) and (
                words[i + length] in lexicon.DETERMINERS or words[i + length] in lexicon.POSSESSIVES
                or words[i + length] in ("him", "her", "them", "it")):
            continue  # "peeking out from behind a curtain": where from, no view from behind
        if pattern.value == "alone" and i + length < len(words) and words[i + length].isalpha() and (
                words[i + length] not in lexicon.PREPOSITIONS | {"and", "but", "while", "with"}):
            continue  # "each on its own coaster": its coaster, a thing follows
        if pattern.value == "degree before a look" and not _a_look_follows(words, i + length):
            continue  # "a little girl", "a little dog": small, a thing follows
        if pattern.value == "roughly" and not _roughly_a_number_of_things(words, i):
            continue  # "a cloud like a sheep", "shaped like 2 hearts": compared; "both like 5 yrs old": an age
        if pattern.kind == "CORRECT" and pattern.value == "recount" and (
                i + length >= len(words) or _number(words[i + length]) is None):
            continue  # "make it look moody": no count said again
        if pattern.kind == "CORRECT" and pattern.value == "select" and words[i + length:i + length + 1] not in (
                ["the"], ["his"], ["her"], ["their"], ["its"], ["my"]):
            continue  # "actually make it brighter": no one of them picked out
        if pattern.kind == "CORRECT" and pattern.value == "select" and length == 1 and i > 0 and (
                words[i - 1] not in _AFTER_A_THOUGHT):
            continue  # "a man who will change the tyre": no correction inside a sentence
        if pattern.kind == "CORRECT" and pattern.value == "replace" and words[i + length - 1] in (
                "it", "that", "them", "those", "to", "into") and words[i + length:i + length + 1] not in (["a"], ["an"]):
            continue  # "actually make it dusk …": no thing said again
        if pattern.kind == "CORRECT" and pattern.value == "replace" and words[i:i + length] == ["no", ","] and (
                words[i + length:i + length + 1] not in (["a"], ["an"]) or i > 0 and words[i - 1] not in _AFTER_A_THOUGHT):
            continue  # "a penguin... no, a puffin!": a thing said anew; but "no, no cars" is a negation
        if pattern.kind == "WEAR" and words[i] == "worn" and i > 0 and words[i - 1] in _BEFORE_A_DESCRIBED_THING:
            continue  # "in worn hiking boots", "a worn leather bag": worn out, not put on
        if pattern.kind == "ZONE" and i + length < len(words) and (lexicon.is_known_noun(singular(words[i + length])[0])
                                                                    or is_compound(words[i + length - 1],
                                                                                   singular(words[i + length])[0])
                                                                    or words[i + length - 1] in ("back", "front")
                                                                    and "NOUN" in words_lemmas(singular(words[i + length])[0])):
            continue  # "on the top shelf", "in the front row", "in the back seat": a place on a thing, not on the canvas
        if pattern.unless_of and i + length < len(words) and words[i + length] == "of":
            if words[i + length + 1:i + length + 3] not in _OF_THE_PICTURE:
                continue
            length += 3  # "in the upper left corner of the picture": a place on the canvas
        if best is None or length > best[0]:
            best = (length, pattern)
    return best


@lru_cache(maxsize=1)
def _count_index() -> dict[str, list[tuple[tuple[str, ...], int, bool]]]:
    index: dict[str, list[tuple[tuple[str, ...], int, bool]]] = {}
    for phrase, count in _COUNT_PHRASES:
        words = tuple(phrase.split())
        index.setdefault(words[0], []).append((words, count, phrase in _PAIR_WORDS))
    return index


def match_count(words: list[str], i: int) -> tuple[int, int, bool] | None:
    """(length, count, is 'pair') of a quantity phrase at words[i:], longest first."""
    best = None
    second = words[i + 1] if i + 1 < len(words) else None
    for phrase, count, pair in _count_index().get(words[i], ()):
        if len(phrase) > 1 and phrase[1] != second:
            continue  # (most quantity phrases start with "a": the second word tells them apart cheaply)
        if phrase == ("couple", "of") and (i > 0 and words[i - 1] in lexicon.DETERMINERS or (
                words[i + 2:i + 3] and words[i + 2] in lexicon.DETERMINERS)):
            continue  # "Couple of lemons …" as typed, but "the couple of the year" is two people
        if tuple(words[i:i + len(phrase)]) == phrase and (best is None or len(phrase) > best[0]):
            best = (len(phrase), count, pair)
    if best is None and words[i:i + 2] == ["a", "couple"] and _plural_things_after_couple(words, i + 2):
        best = (2, 2, False)  # "a couple cows behind him", as typed: two of them, never two people
    if best is None and words[i] == "a" and i + 3 < len(words) and words[i + 1] in _GROUP_SIZES and (
            words[i + 3] == "of"):
        found = match_count([*words[:i + 1], *words[i + 2:]], i)  # "a small crowd of citizens": a crowd of them
        if found is not None and found[0] == 3 and not found[2]:
            best = (4, found[1], False)
    if best is None and words[i:i + 1] != ["a"] and not words[i].endswith("s") and words[i + 1:i + 2] == ["of"] and (
            i == 0 or words[i - 1] in (",", ":", ";", ".")):
        found = match_count(["a", *words[i:]], 0)  # "…, herd of zebras, …": a list's item, its "a" left out
        if found is not None and found[0] == 3:
            best = (2, found[1], found[2])
    return best


def _plural_things_after_couple(said: list[str], k: int) -> bool:
    """Whether said[k] is a plural of things or animals said straight after 'a couple' ('a couple
    cows', 'a couple books'), not its verb ('a couple dances', 'a couple drinks coffee')."""
    if k >= len(said):
        return False
    noun, plural = singular(said[k])
    plural = plural or inflected_plural(noun) == noun  # ("a couple sheep")
    if not plural or not (lexicon.category(noun) not in (None, priors.PERSON) or is_concrete(noun)):
        return False
    after = said[k + 1] if k + 1 < len(said) else ""
    return not (after in lexicon.DETERMINERS or after in lexicon.POSSESSIVES or lexicon.is_known_noun(after)
                or words.can_be(after, "NOUN") and not after.endswith("ing") and after not in lexicon.PREPOSITIONS)


_GROUP_SIZES = frozenset({"small", "big", "large", "huge", "little", "tiny", "whole", "long", "noisy", "cheering",
                          "happy", "curious", "tall", "neat", "messy", "giant", "wobbly", "towering", "short"})


# -- noun phrases ----------------------------------------------------------------------------


@dataclass
class NounPhrase:
    start: int                       # token indices, end exclusive
    end: int
    det: str | None = None
    count: int | None = None         # said explicitly ("two", "a pair of", "3")
    vague: bool = False              # "several", "some", "many"
    pair: bool = False               # "a pair of": one thing for pluralia tantum
    pairs: int = 1                   # how many pairs
    grouped: bool = False            # counted by a group word ("a pile of"), which a mass noun ignores
    modifiers: list[Token] = field(default_factory=list)
    head: list[Token] = field(default_factory=list)
    noun: str | None = None          # singular category name, lower case ("fire hydrant")
    plural: bool = False
    pronoun: str | None = None

    @property
    def headless(self) -> bool:
        return self.noun is None and self.pronoun is None


def capitalised_plural(token: Token) -> bool:
    """A plural written with a capital, as a team's name is ("the Tigers", "his Cowboys jersey")."""
    return token.text[:1].isupper() and token.text[1:].islower() and singular(token.low)[1]


def np_start_after_and(words: list[str], first: int) -> bool:
    """Whether the phrase whose words start at `first` comes right after 'and' (its article between)."""
    k = first - 1
    while k >= 0 and words[k] in lexicon.DETERMINERS:
        k -= 1
    return k >= 0 and words[k] == "and"


def _known_head_named_with(modifier: str, noun: str) -> bool:
    """Whether a noun before a known head names a kind of thing of its own ('a desk lamp', 'an alarm
    clock', 'a pickup truck', 'a hat box'), as people name it, not a description of the thing: the
    word is only a noun, and no material, colour, place or species ('a park bench' is a bench, 'an
    oak tree' a tree), no kin word before a creature ('a baby elephant') and no flavour before food
    ('a birthday cake', 'a chocolate cake')."""
    found = words.lemmas(modifier)
    if noun == "player" and not found and is_concrete(modifier) and lexicon.category(modifier) not in (
            priors.PERSON, priors.ANIMAL):
        return True  # "a mandolin player", "a sousaphone player": an instrument the word table lacks
    if "NOUN" not in found or "ADJ" in found or words.verb_tags(modifier) & {"VBG", "VBD", "VBN"}:
        return False
    if modifier in ("dot", "dots", "print", "stripe", "stripes", "check", "checks"):
        return False  # "a polka dot umbrella", "a leopard print coat": a pattern, not a kind
    if (modifier in lexicon.MATERIALS or modifier in lexicon.WOODS or modifier in lexicon.COLOURS or lexicon.is_setting(modifier)
            or modifier in lexicon.PATTERNS
            or modifier in lexicon.MASS_NOUNS or modifier in lexicon.STYLE_WORDS or _number(modifier) is not None):
        return False
    kind, modifier_kind = lexicon.category(noun), lexicon.category(modifier)
    if noun == "player" and modifier_kind not in (priors.PERSON, priors.ANIMAL):
        return True  # "a tuba player", "a chess player": a player is named by what is played
    if kind == priors.PERSON and modifier_kind not in (priors.PERSON, priors.ANIMAL) and not words.is_place(modifier) and (
            modifier_kind is not None or is_concrete(modifier) or lexicon.is_known_noun(modifier)) and (
            _agent_of_a_verb(noun)):
        return True  # "the ring bearer", "a flag bearer": one named by what they carry
    if kind in (priors.PERSON, priors.ANIMAL) and modifier_kind in (priors.PERSON, priors.ANIMAL, None):
        return False  # "a baby elephant", "a mother duck", "a circus elephant"; but "a trumpet player"
    if kind == priors.ANIMAL and modifier_kind == priors.FURNITURE:
        return False  # "the table cat on …": two things run together, not a kind of cat
    return kind not in (priors.FOOD, priors.PLANT)


def _agent_of_a_verb(noun: str) -> bool:
    """'bearer', 'walker', 'keeper': someone named by a verb and -er."""
    if not noun.endswith("er") or len(noun) < 5:
        return False
    return any(words.can_be(stem, "VERB") for stem in (noun[:-2], noun[:-1], noun[:-3] if noun[-3] == noun[-4] else ""))


def _only_qualifies(modifier: str) -> bool:
    """A word before a head that says what it is made of, its colour, size or where it stands,
    never which kind of thing it is, even where a dictionary lists the pair ("a paper bag", "a park
    bench", "a small boat", "a coffee mug")."""
    return (modifier in lexicon.MATERIALS or modifier in lexicon.WOODS or modifier in lexicon.COLOURS
            or lexicon.is_setting(modifier) or _number(modifier) is not None or lexicon.is_adjective(modifier)
            or modifier in _SERVED)


def _graded(modifier: str) -> bool:
    """A comparative or a superlative ('best', 'older', 'biggest'): how much, never which kind ("my
    best friend" is a friend, whatever WordNet lists; "the best man" at a wedding stays his role's name)."""
    graded = words_lemmas(modifier).get("ADJ")
    return bool(graded) and modifier not in graded


# What a cup or a table is for, never its kind: "a coffee mug" is a mug, "a dinner table" a table.
_SERVED = frozenset({"coffee", "tea", "milk", "juice", "wine", "beer", "soda", "water", "cocktail", "dinner", "lunch",
                     "breakfast", "supper", "soup", "cereal", "espresso", "sake", "sugar", "cappuccino",
                     "latte", "lemonade", "whiskey", "cream", "snack"})
# Sizes of a bed, never its kind: "a double bed", "a queen bed" are beds.
_BED_SIZES = frozenset({"double", "queen", "king", "single", "full"})
# Words before a head that say how it is lit or where it lives, never its kind: "a neon sign" is a
# sign, "a barn cat" a cat.
_NOT_A_KIND = frozenset({"neon", "barn", "farm", "yard", "alley", "street"})


@dataclass
class Chunk:
    kind: str
    start: int
    end: int
    value: Any = None
    np: NounPhrase | None = None


# Verbs of going somewhere, after which "to" names a place ("walking to school"), not a purpose.
_MOTION = frozenset({"walking", "going", "heading", "running", "driving", "riding", "coming", "returning", "moving",
                     "flying", "sailing", "rushing", "hurrying", "back", "way", "next", "close", "due", "up"})
_NP_STOP = (lexicon.PREPOSITIONS | lexicon.CONJUNCTIONS | lexicon.RELATIVE | lexicon.COPULAS
            | lexicon.DETERMINERS | frozenset({"there", "here", "no", "not", "without", "nobody", "himself", "herself", "itself", "themselves"})
            | frozenset({"about"})  # "a book about space": what it is about is no part of its name
            | frozenset({"because", "bc", "cuz", "coz", "bcuz", "bcoz"})  # the asker's reason starts
            | frozenset({"must", "should", "shall", "might", "would", "could"})  # "the cat must be grey"
            | frozenset({"meets"})  # "Edward Hopper meets Blade Runner": two looks
            | frozenset({"isn't", "aren't", "wasn't", "weren't", "hasn't", "haven't", "hadn't", "doesn't", "don't",
                         "didn't", "won't", "can't", "cannot", "couldn't", "shouldn't", "wouldn't"})  # "the cat hasn't"
            | frozenset({"goodbye", "goodnight", "farewell"})  # "hugging his girlfriend goodbye": how, not a thing
            | frozenset({"i", "i'd", "i'm", "i'll", "i've", "we", "we'd", "we're", "you", "you'd", "let's",
                         "he", "she", "they", "him", "them"})
            | lexicon.CHAT
            # adverbs of place end a phrase: "a single raven overhead", "a lighthouse nearby"
            | frozenset({"overhead", "nearby", "aloft", "ashore", "afar", "upstairs", "downstairs", "outdoors",
                         "indoors", "offshore", "uphill", "downhill", "alongside", "apart", "aside", "ahead"})) - {"one"}


# Words that say how far or how exactly, before a place: "right in the middle", "way up in the sky".
_INTENSIFIERS = frozenset({"right", "way", "just", "directly", "straight", "smack", "dead", "far", "high", "low", "deep"})
_ASKING_WORDS = frozenset({"what", "who", "how", "why", "where", "when", "this", "everything", "nothing", "everyone",
                           "someone", "something", "anything", "anyone", "nobody", "each", "mine", "ours", "yours"})
_PARTICLES = frozenset({"up", "down", "out", "off", "over", "above", "below", "behind", "beside", "between", "next",
                        "across", "inside", "outside", "through", "along", "under", "beneath"})
# Second halves of a describing pair before a noun: "tough looking", "bone shaped", "candy colored".
_LIKE_SUFFIXES = frozenset({"looking", "shaped", "sized", "colored", "coloured", "themed", "patterned", "scented",
                            "flavored", "flavoured", "styled", "inspired", "topped", "covered", "filled"})
_CAMERA_WORDS = frozenset({"lens", "camera", "canon", "nikon", "sony", "leica", "fujifilm", "fuji", "hasselblad", "iphone",
                           "pixel", "drone", "gopro", "polaroid", "fisheye", "telephoto", "macro", "film", "dslr",
                           "mirrorless", "smartphone", "phone", "kodak", "portra", "flash", "tripod"})
# Film stocks, named the way photographers type them ("Portra 400", "Tri-X", "HP5 pushed to 1600",
# "Cinestill 800T", "Kodak Gold 200"): the look of the picture, never a thing in it.
_FILM_STOCKS = frozenset({"portra", "ektar", "ektachrome", "kodachrome", "velvia", "provia", "superia", "cinestill",
                          "tri-x", "trix", "hp5", "fp4", "ultramax", "colorplus", "fujicolor", "t-max", "tmax", "acros",
                          "natura", "vision3", "eterna", "lomochrome", "fomapan"})
_FILM_MAKERS = frozenset({"kodak", "fuji", "fujifilm", "ilford", "agfa", "lomography"})
_MAKERS_STOCKS = frozenset({"gold", "pro", "delta", "pan", "color", "colour", "xp2", "vista", "ultramax", "c200"})
_PLACE_WORDS = frozenset({"left", "right", "top", "bottom", "centre", "center", "middle", "upper", "lower", "far",
                          "left-hand", "right-hand", "foreground", "background", "front", "back"})
_FILM_TAILS = frozenset({"look", "film", "stock", "grain", "vibe", "vibes", "colours", "colors", "tones", "feel",
                         "emulation", "aesthetic", "style"})
_HAIR_STYLES = frozenset({"buzz cut", "twin tails", "pig tails", "crew cut", "pixie cut", "bowl cut", "top knot"})
_DRESSED = frozenset({"in", "wearing", "wears", "wore", "with", "sporting", "donning"})
# Units of a distance, a size or a time: counted, they measure; they are no things.
_UNITS = frozenset({"pace", "foot", "step", "meter", "metre", "yard", "inch", "mile", "kilometer", "kilometre", "km",
                    "centimeter", "centimetre", "cm", "size", "minute", "hour", "second", "day", "week", "month",
                    "year", "time", "degree", "percent", "stride", "length", "arm's length", "floor", "storey", "story"})
# After a measure of distance: "a step behind", "a yard away", "a mile off".
_DISTANCE_AFTER = frozenset({"behind", "ahead", "away", "apart", "off", "back", "in", "from", "above", "below", "beyond",
                             "further", "farther", "closer", "to", "left", "right", "higher", "lower"})
_STYLED = frozenset({"style", "styled", "inspired", "esque", "like", "vibes", "aesthetic", "type"})
_GOING = frozenset({"going", "goes", "go", "went", "heading", "heads", "head", "coming", "comes", "come", "driving",
                    "drives", "riding", "rides", "cycling", "cycles", "flying", "flies", "sailing", "sails",
                    "hurrying", "hurries", "trudging", "trudges", "wandering", "wanders", "strolling", "strolls"})
_AGE_VERBS = frozenset({"turning", "turns", "turned", "turn", "aged", "age", "ages"})


def _film_speed(word: str) -> bool:
    """'400', '3200', '400h', '800t': a film's speed, with the letter some stocks carry."""
    digits = word[:-1] if word[-1:] in ("h", "t", "d") else word
    return digits.isdigit() and 25 <= int(digits) <= 6400


def _number(word: str) -> int | None:
    if word.isascii() and word.isdigit():
        if len(word) == 4 and 1800 <= int(word) <= 2099:
            return None  # "a 1957 convertible", "in 1979": a year, no count
        return min(int(word), 1000)
    return lexicon.NUMBER_WORDS.get(word)


def _object_of_preposition(word: str, previous: Chunk | None) -> bool:
    """'standing on mars': right after a preposition, a word that is no participle is its object,
    though it could be a verb."""
    return previous is not None and previous.kind in ("REL", "PREP", "WITH", "OF") and not word.endswith(("ing", "ed"))


def _is_verb_form(word: str) -> bool:
    if word in lexicon.VERBS:
        return True
    if lexicon.is_known_noun(word):
        return False
    return "VBG" in words.verb_tags(word) or words.only_verb(word) or (
        word.endswith("ing") and len(word) > 5 and not words.is_english(word))


def _plural_of_creature(word: str) -> bool:
    """'kids', 'girls', 'dogs': whom a thing is for, before its name ('a kids bike'), never its name."""
    base, plural = singular(word)
    return plural and lexicon.category(base) in (priors.PERSON, priors.ANIMAL)


# Adjectives said only after their thing, never before it ("a green one afloat", "the door ajar").
_PREDICATIVE_ONLY = frozenset({"asleep", "awake", "afloat", "alone", "aglow", "ablaze", "adrift", "alive", "aloft",
                               "ajar", "askew", "awash", "astride", "aboard", "ashore", "agape", "afire", "abreast"})


def _only_describes(word: str) -> bool:
    """A word the tables know only as an adjective or adverb ('asleep', 'afloat'): never a head."""
    found = words.lemmas(word)
    return bool(found) and set(found) <= {"ADJ", "ADV"} and not lexicon.is_known_noun(word)


def _is_past_tense(word: str) -> bool:
    # "two drums added rhythm": after a noun, a past form the lexicon does not list is a verb.
    if lexicon.is_known_noun(word) or lexicon.is_adjective(word):
        return False
    tags = words.verb_tags(word)
    if tags:
        return bool(tags & {"VBD", "VBN"})
    return word.endswith("ed") and len(word) > 4 and not words.is_english(word)


@lru_cache(maxsize=1)
def _verbs_by_lemma() -> dict[str, lexicon.Verb]:
    """The listed verbs by lemma, so that every form of one means the same ('race' as 'racing')."""
    out: dict[str, lexicon.Verb] = {}
    for form, verb in lexicon.VERBS.items():
        if verb.pose or verb.relation or verb.gerund.endswith("ing"):
            lemma = words.verb_lemma(form)
            if lemma is not None:
                out.setdefault(lemma, verb)
    return out


def verb_for(word: str, text: str) -> lexicon.Verb:
    """The verb a word form stands for: listed by any of its forms ("crouched" is "crouch"), else a
    verb of its own, captioned by its -ing form ("crows" -> "crowing")."""
    known = lexicon.VERBS.get(word)
    if known is None:
        lemma = words.verb_lemma(word)
        known = _verbs_by_lemma().get(lemma) if lemma else None
    if known is not None:
        return known
    tags = words.verb_tags(word)
    # "a boat tied up", "balloons tied to a bench": a participle stays as written; "crows" is "crowing"
    form = words.gerund(word) if tags & {"VBZ", "VBP", "VB", "VBD"} and "VBN" not in tags else text
    return lexicon.Verb(form, relation="next to", transitive=True)


# Words after "leave the owl out" that end the clause as a mark would ("leave the owl out actually").
_AFTER_LEFT_OUT = frozenset("of please pls plz too and but then instead actually lol ok okay though tho now again "
                            "altogether entirely completely thanks thx".split())
# Verbs of choosing ("opts for", "goes for") and of showing off ("pairs", "rocks") a garment: worn.
_CHOOSING = frozenset("opts opt opting opted goes go going went".split())
_SHOWING_OFF = frozenset("pairs pairing paired teams teaming teamed rocks rocking rocked layers layering "
                         "layered".split())
# Adverbs that open a place said first ("Out in the snowy yard", "Far below", "High above the town").
_FRONTED_ADVERBS = frozenset({"out", "far", "high", "deep", "way", "up", "down", "back", "over", "right", "just",
                              "somewhere", "halfway", "low", "further", "farther"})
# Words of size, age and shape that writers of other languages put after the noun ("a woman young").
_SAID_AFTER = frozenset("young old little small big large huge giant tiny round square tall fat thin long new "
                        "enormous".split())


def _known_noun_at(words: list[str], j: int, first: int) -> tuple[int, str, bool] | None:
    """A known noun (or compound) ending at words[j]: (start index, singular name, plural)."""
    base, plural = singular(words[j])
    for size in (3, 2):
        k = j - size + 1
        if k >= first:
            # "wine glasses", "traffic lights": the last word may be a plural the lexicon reads otherwise.
            for candidate in dict.fromkeys([base, *plural_candidates(words[j])]):
                compound = " ".join(words[k:j] + [candidate])
                if compound in priors.MULTIWORD_NOUNS or compound in lexicon.SETTINGS or compound in lexicon.COMPOUND_NOUNS:
                    return k, compound, plural or candidate != words[j]
                if size == 2 and only_verb(candidate) and compound_kind(compound) == "thing":
                    return k, compound, plural or candidate != words[j]  # "a wind chime": no verb, WordNet's thing
    if lexicon.is_known_noun(base):
        return j, base, plural
    return None


# Words of a mind changed before what is made anew ("no wait", "actually", "sorry").
_CHANGING_MIND = frozenset({"actually", "oh", "ok", "okay", "hmm", "wait", "no", "sorry", "nah", ",", "-", "—"})
# Words for a parent that, after an animal's name, say which of them it is ("cheetah mom").
_ANIMAL_PARENTS = frozenset({"mom", "mum", "mother", "mama", "mommy", "mummy", "dad", "father", "papa", "daddy"})
# Verbs that begin a two-word name of a class or a place ("dance class", "dancing school").
_KINDS_OF_PLACE_WORDS = frozenset({"dance", "dancing"})


@dataclass
class _Seen:
    """What the words of a noun phrase read so far are like (kept as it grows, in one pass)."""

    count: int = 0
    only_adjectives: bool = True   # no head candidate yet
    has_noun: bool = False         # a word the lexicon knows as a noun, not also an adjective

    def add(self, word: str) -> None:
        self.count += 1
        if word == "and":
            return
        adjective = lexicon.is_adjective(word) or "ADJ" in words.lemmas(word) and not words.can_be(word, "NOUN")
        self.only_adjectives = self.only_adjectives and adjective  # ("oversized", "baggy": describing words too)
        self.has_noun = self.has_noun or (not adjective and lexicon.is_known_noun(singular(word)[0]))


def _only_adverb(word: str) -> bool:
    return set(words.lemmas(word)) == {"ADV"}


class Chunker:
    """Reads tokens left to right into chunks."""

    def __init__(self, tokens: list[Token]):
        self.request_ends: set[int] = set()
        self.object_at = -1  # where a verb's plural object starts ("flips | crepes")
        self.chunks_so_far: list[Chunk] = []
        self.tokens = tokens
        self.words = [t.low for t in tokens]
        self.left_out_particle = -1  # "leave the TV out": where the particle is, no word of the thing
        # names given after a kin word or title ("Auntie May"), so that "May" said alone later is her
        self.name_given_at = {self.words[j]: j for j in reversed(range(1, len(tokens))) if self._given_name_at(j)}
        self.given_names = {j for j, t in enumerate(tokens) if t.low in self.name_given_at and t.text[:1].isupper()}

    def run(self) -> list[Chunk]:
        chunks: list[Chunk] = []
        self.chunks_so_far = chunks
        i, n = 0, len(self.words)
        self.verbish_end = 0
        self.verb_at = -1  # where a noun phrase ended at its verb ("a rooster | crows")
        # a name that is also a word ("my son Will", "Auntie May") is no modal to the request reader
        named = self.given_names | self._unknown_names()  # "our two cats Miso and Tofu.": names, never verbs
        requests = dict(request_spans([t.text if j in named else t.low for j, t in enumerate(self.tokens)]))
        self.request_ends = set(requests.values())
        self.left_out_particle = -1
        self.member_names: dict[str, str] = {}  # names given to the members of a counted plural, and its noun
        while i < n:
            word = self.words[i]
            if word in ("maybe", "please", "pls", "just", "perhaps", "actually", "also", "then", "oh") and self._left_out_after(i + 1) is not None:
                chunks.append(Chunk("FILLER", i, i + 1, word))  # "…, maybe leave the egg out"
                i += 1
                continue
            if i in requests:
                chunks.append(Chunk("FILLER", i, requests[i], "request"))  # "I need an image for my blog:"
                i = requests[i]
                continue
            names_end = self._names_of_the_counted(i, chunks)
            if names_end is not None:
                named = chunks[-1]  # "our two cats Miso and Tofu": those two, their names part of the phrase
                chunks[-1] = Chunk("NP", named.start, names_end, np=named.np)
                self.member_names.update({t.low: named.np.noun for t in self.tokens[named.np.end - 1:names_end]
                                          if t.text[:1].isupper() and t.text.isalpha() and t.low != "and"})
                if names_end < n and (_is_verb_form(self.words[names_end]) or "VBG" in words.verb_tags(self.words[names_end])):
                    self.verb_at = names_end  # "our twins Leo and Mia building a sandcastle": what they do
                i = names_end
                continue
            recolour_end = self._recolour_said(i)
            if recolour_end is not None:
                chunks.append(Chunk("CORRECT", i, recolour_end, "recolour"))  # "…, actually make it blue"
                i = recolour_end
                continue
            if self._member_named_again(i):
                token = self.tokens[i]  # "our two cats Miso and Tofu. Miso is asleep …": one of the cats
                chunks.append(Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[token], noun=self.member_names[token.low])))
                i += 1
                continue
            if self._name_said_again(i):
                token = self.tokens[i]  # "Auntie May …, May in a lilac two-piece": her name, never "may"
                given = self.name_given_at[token.low]
                told = any(start <= given < end for start, end in requests.items())
                # "My granddaughter Poppy starts school … Could you draw Poppy": the story told who she is
                noun = singular(self.words[given - 1])[0] if told else token.low
                chunks.append(Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[token], noun=noun)))
                i += 1
                continue
            if self._name_before_its_role(i):
                token = self.tokens[i]  # "Pip the little white terrier", "Rosie the black labrador": a name
                chunks.append(Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[token], noun=token.text.lower())))
                i += 1
                continue
            particle = self._left_out_after(i)
            if particle is not None:
                # "so leave the dog out": taken back; "leave her out", "keep my husband's hound out": the
                # pronoun or the possessive is the noun phrase's, the particle is no word of it
                own = 1 if self.words[i + 1] in _LEFT_OUT_OWN else 2
                chunks.append(Chunk("NEG", i, i + own, "retract"))
                self.left_out_particle = particle
                if own == 1 and particle == i + 2 and self.words[i + 1] in ("him", "her", "them", "it"):
                    pronoun = NounPhrase(i + 1, i + 2, pronoun=self.words[i + 1])  # ("her", never a possessive here)
                    chunks.append(Chunk("NP", i + 1, i + 2, np=pronoun))
                    i += 1
                i += own
                continue
            if i == self.left_out_particle:
                chunks.append(Chunk("FILLER", i, i + 1, word))
                i += 1
                continue
            if i < self.verbish_end and self.tokens[i].is_word and match_phrase(self.words, i) is None and (
                    match_count(self.words, i) is None) and not self._garment_chosen(i):
                # ("Put half a dozen eggs …": a count, not a verb; "… her goes for a paisley shirt": worn)
                chunks.append(self._generic_verb(i))
                i += 1
                continue
            if word == "by" and (i == 0 or self.words[i - 1] in (",", ";")) and i + 1 < n and self.tokens[i + 1].is_word and (
                    self.words[i + 1] not in lexicon.DETERMINERS and _number(self.words[i + 1]) is None
                    and not (is_concrete(self.words[i + 1]) and (i + 2 >= n or not self.tokens[i + 2].is_word))):
                # (but "…, by fireplace,": a thing, one word)
                end = next((k for k in range(i + 1, n) if not self.tokens[k].is_word), n)
                chunks.append(Chunk("STYLE", i, end, "style"))  # "…, ukiyo-e, by john singer sargent": whose manner
                i = end
                continue
            if _RATIO.fullmatch(word) or _INITIALS.fullmatch(word):
                # "a 1:43 sports car", "16:9", "at 10:30", "into A&E": a scale, a shape, a time or a name
                chunks.append(Chunk("FILLER", i, i + 1, "ratio"))
                i += 1
                continue
            if word[:1].isdigit() and (i + 1 < n and self.words[i + 1] in ("am", "pm", "o'clock") or (
                    _CLOCK_TIME.fullmatch(word))):
                end = i + 1 if _CLOCK_TIME.fullmatch(word) else i + 2
                chunks.append(Chunk("FILLER", i, end, "time"))  # "11 P.M.", "at 2am": when, no count of things
                i = end
                continue
            if word.isdigit() and i + 1 < n and self.words[i + 1] in ("a", "an", "the") and len(word) <= 2:
                chunks.append(Chunk("COMMA", i, i + 1, ","))  # "… 2 an older man … 3 a fluffy cat": a list's numbers
                i += 1
                continue
            if not self.tokens[i].is_word:
                kind = "SENT" if word in SENTENCE_END else "COMMA" if word in ",:()\"/" else "OTHER"
                chunks.append(Chunk(kind, i, i + 1, word))
                i += 1
                continue
            if self._age_said(i):
                chunks.append(Chunk("OTHER", i, i + 2, "age"))  # "a girl around 10 curled up": her age, no count
                i += 2
                continue
            compared = self._likened_to(i)
            if compared > i:
                chunks.append(Chunk("FILLER", i, compared, "likened"))  # "as proud as pirates": no pirates
                i = compared
                continue
            single = self._word_read_alone(i)
            if single is not None:
                chunks.append(single)
                i = single.end
                continue
            side = self._side_of_a_named_thing(i)
            if side is not None:
                chunks.append(Chunk("SIDE", i, side, f"{self.words[side - 1]} of"))
                i = side
                continue
            space = self._space_kept_end(i, chunks[-1] if chunks else None)
            if space > i:
                chunks.append(Chunk("FILLER", i, space, "space"))  # "Leave the top third empty": for the title
                i = space
                continue
            heading = self._shoot_heading_end(i, chunks[-1] if chunks else None)
            if heading > i:
                chunks.append(Chunk("FILLER", i, heading, "heading"))  # "Menswear editorial, …": what the shoot is
                i = heading
                continue
            film = self._film_stock(i)
            if film > i:
                chunks.append(Chunk("PICTURE", i, film, "words"))  # "Portra 400 pushed": the film, no 400 things
                i = film
                continue
            counted = match_count(self.words, i)
            said = counted[0] if counted is not None else 1 if _number(word) is not None else 0
            picture = match_phrase(self.words, i + said) if 0 < said and i + said < n else None
            if picture is not None and picture[1].kind == "PICTURE" and picture[1].value != "span":
                end = i + said + picture[0]
                chunks.append(Chunk("PICTURE", i, end, picture[1].value))  # "One shaft of light": no shaft
                i = end
                continue
            if counted is None:
                phrase = match_phrase(self.words, i)
                if phrase is not None:
                    length, pattern = phrase
                    end = i + length
                    if pattern.kind == "PICTURE" and pattern.value == "span" and self.words[end - 1] == "with" and (
                            not self._camera_within(end)):
                        # "a dining room shot with six chairs": the shot, then what it has in it
                        chunks.append(Chunk("PICTURE", i, end - 1, "words"))
                        i = end - 1
                        continue
                    if pattern.kind == "PICTURE" and pattern.value == "span":
                        while end < n and self.words[end] not in (",", ";", ":", ".", "!", "?", "(", ")", "and"):
                            end += 1
                    chunks.append(Chunk(pattern.kind, i, end, pattern.value))
                    i = end
                    continue
            if self._degree_alone(i):
                chunks.append(Chunk("FILLER", i, i + 2, "degree"))  # "super bright,", "very cozy.": the look
                i += 2
                continue
            if chunks and chunks[-1].kind == "VERB" and chunks[-1].end == i and self._particle_of_verb(i):
                verb = chunks[-1].value  # "blowing out | candles": a verb with its particle takes an object
                if isinstance(verb, lexicon.Verb):
                    verb = replace(verb, gerund=f"{verb.gerund} {self.words[i]}" if verb.gerund else verb.gerund,
                                   transitive=True)
                chunks[-1] = Chunk("VERB", chunks[-1].start, i + 1, verb)
                i += 1
                continue
            chunk = self._word(i, chunks[-1] if chunks else None)
            chunks.append(chunk)
            i = chunk.end
            if chunk.kind == "VERB" and self._says(chunk):
                end = self._lettering_end(i)
                if end > i:
                    chunks.append(Chunk("FILLER", i, end, "lettering"))  # "a sign that says 50 cents": its words
                    i = end
        return chunks

    def _space_kept_end(self, i: int, previous: Chunk | None) -> int:
        """Where 'Leave the top third empty', 'keep the left side clear' ends when a sentence opens so,
        else i: room asked for on the canvas, no thing in it."""
        if self.words[i] not in ("leave", "keep", "leaving", "keeping") or previous is not None and previous.kind not in (
                "SENT", "COMMA"):
            return i
        for j in range(i + 1, min(i + 8, len(self.words))):
            if not self.tokens[j].is_word:
                return i
            if self.words[j] in ("empty", "blank", "clear", "free", "open", "bare"):
                return j + 1
        return i

    def _shoot_heading_end(self, i: int, previous: Chunk | None) -> int:
        """Where a sentence-opening heading that names the shoot or the page ends ('Menswear
        editorial,', 'Wedding guest edit,', 'Spread 4.'), else i: a few bare words, the last a shoot
        word, then a comma, a colon or a stop."""
        if previous is not None and not (previous.kind == "SENT" or previous.kind == "COMMA" and previous.value == ":"):
            return i
        words = self.words
        for j in range(i, min(i + 4, len(words) - 1)):
            if not self.tokens[j].is_word or words[j] in lexicon.DETERMINERS or _number(words[j]) is not None and j == i:
                return i
            if words[j] in _PLACE_WORDS:
                return i  # "Left page:", "grey sofa centre frame,": where, read as a place
            if words[j] in lexicon.SHOOT_WORDS and (j > i and words[j + 1] in (",", ":", ".", "-", "\u2014", "\u2013")
                                                     or words[j + 1] == ":"):
                return j + 1  # (one word alone only before a colon: "Frontispiece: …")
            if words[j] in lexicon.SHOOT_WORDS and j > i and words[j + 1] in ("in", "on", "at", "for", "from") and (
                    ":" in words[j + 1:j + 9]) and not {",", "."} & set(words[j + 1:words.index(":", j + 1)]):
                return j + 1  # "Ballet-core edit in a mirrored rehearsal room: …": the shoot, then where
            if words[j] in lexicon.SHOOT_WORDS and j + 2 < len(words) and words[j + 1].isdigit() and (
                    words[j + 2] in (",", ":", ".")):
                return j + 2  # "Spread 4.", "Page 12:"
        return i

    def _film_stock(self, i: int) -> int:
        """Where a film stock's name ends when one starts at i ("Portra 400 pushed", "Kodak Gold 200",
        "Delta 3200", "HP5 pushed to 1600"), else i. A maker's word alone ("kodak") is left to the
        camera words; "gold" or "delta" alone is no film."""
        words, k = self.words, i
        if words[k] in _FILM_MAKERS and k + 1 < len(words) and (
                words[k + 1] in _FILM_STOCKS or words[k + 1] in _MAKERS_STOCKS):
            k += 1
        stock = words[k] in _FILM_STOCKS or k > i
        if not stock and not (words[k] == "delta" and k + 1 < len(words) and words[k + 1].isdigit()):
            return i
        k += 1
        if k < len(words) and _film_speed(words[k]):
            k += 1
        if k < len(words) and words[k] in ("pushed", "pulled"):
            k += 1
            if words[k:k + 1] == ["to"] and k + 1 < len(words) and _film_speed(words[k + 1]):
                k += 2
        if k < len(words) and words[k] in _FILM_TAILS:
            k += 1  # "Delta 3200 look", "Portra 400 colours"
        return k

    def _garment_chosen(self, i: int) -> int:
        """'opts for a mustard cardigan', 'goes for a paisley shirt', 'pairs a leopard skirt with …',
        'rocks a denim jacket': a verb of choosing or showing off, then a garment before the clause
        ends, says it is worn; how many words the verb takes (0 when it is none)."""
        word = self.words[i]
        if word in _CHOOSING:
            length = 2 if self.words[i + 1:i + 2] == ["for"] else 0
        else:
            length = 1 if word in _SHOWING_OFF else 0
        before = self.words[i - 1] if i > 0 else ""
        if not length or before in lexicon.DETERMINERS and (before != "her" or word not in _CHOOSING) or (
                _number(before) is not None):
            return 0  # ("her pairs of boots", "two rocks": things; but "… opposite her goes for a shirt")
        for k in range(i + length, min(len(self.words), i + length + 6)):
            if not self.tokens[k].is_word or self.words[k] in ("with", "and"):
                break
            if lexicon.is_garment(singular(self.words[k])[0]):
                return length
        return 0

    def _word_read_alone(self, i: int) -> Chunk | None:
        """A word that makes a chunk of its own by what stands around it, else None."""
        word, n = self.words[i], len(self.words)
        if word in ("sports", "sported", "dons", "donned", "don", "sport") and i > 0 and i + 1 < n and (
                self.words[i + 1] in lexicon.DETERMINERS or self.words[i + 1] in lexicon.COLOURS) and (
                self.words[i - 1] not in lexicon.DETERMINERS):
            return Chunk("WEAR", i, i + 1, "wearing")  # "she sports a black beanie": worn (not "a sports car")
        if word in _FRONTED_ADVERBS and i + 1 < n and self.words[i + 1] in lexicon.PREPOSITIONS and (
                i == 0 or self.words[i - 1] in SENTENCE_END or self.words[i - 1] in (",", ":", "and", "but")):
            return Chunk("FILLER", i, i + 1, "degree")  # "Out in the grey water, …", "Far below, …": where, no thing
        chosen = self._garment_chosen(i)
        if chosen:
            return Chunk("WEAR", i, i + chosen, "chosen")  # "her companion opts for a mohair cardigan": worn
        if word == "as" and 0 < i and i + 2 < n and self.words[i + 1] in ("a", "an") and self._costumed(i - 1):
            return Chunk("WEAR", i, i + 1, "wearing")  # "the oldest as a witch": dressed as one
        if word == "to" and i > 0 and i + 2 < n and self._infinitive_at(i + 1):
            return Chunk("FILLER", i, i + 1, "to")  # "kneels at a table to pour tea": what for
        if self._intensifies_a_place(i):
            return Chunk("FILLER", i, i + 1, "degree")  # "Directly beneath it, …": how near, no thing
        return None

    def _costumed(self, k: int) -> bool:
        """Whether words[k], right before 'as a …', names someone dressed up ('the oldest as a witch',
        'the youngest as a pumpkin', 'our pug as a bumblebee'), not what someone works as."""
        word = self.words[k]
        if word in lexicon.MEMBER_ORDINALS or word in ("one", "other"):
            return True
        return lexicon.category(singular(word)[0]) in (priors.PERSON, priors.ANIMAL) and (
            k == 0 or self.words[k - 1] not in lexicon.COPULAS)

    def _infinitive_at(self, k: int) -> bool:
        """Whether words[k] after 'to' is a verb we know doing something to what follows ('to pour tea',
        'to feed the ducks'), not a place one goes to ('to school') or a thing ('to the left')."""
        word, after = self.words[k], self.words[k + 1]
        if word in lexicon.DETERMINERS or not {"VB", "VBP"} & words_verb_tags(word):
            return False
        known = word in lexicon.VERBS or words_gerund(word) in lexicon.VERBS
        return known and not lexicon.is_known_noun(word) and not is_concrete(word) and self.tokens[k + 1].is_word and (
            after in lexicon.DETERMINERS or words.can_be(after, "NOUN") and after not in lexicon.PREPOSITIONS)

    def _intensifies_a_place(self, i: int) -> bool:
        """'Directly beneath it', 'just behind the bench', 'immediately to its left': a word saying how
        near, right before a place, at a clause's start."""
        word = self.words[i]
        if word not in _INTENSIFIERS and word not in ("immediately", "squarely", "slightly") or i + 1 >= len(self.words):
            return False
        following = match_phrase(self.words, i + 1)
        if following is None or match_phrase(self.words, i) is not None:
            return False
        if i > 0 and self.words[i - 1] not in (",", ".", ";", ":", "!", "?", "and", "-"):
            return following[1].kind == "ZONE" and word in ("high", "low", "far", "way")  # "a scaffold high in the left"
        return following[1].kind in ("REL", "ZONE", "SIDE")

    def _side_of_a_named_thing(self, i: int) -> int | None:
        """'to the bookcase's right', 'on the piano's left': beside a thing named with its "'s", as 'to
        its right' is beside a thing meant; where the phrase ends, else None."""
        said = self.words[i:i + 4]
        if len(said) < 4 or said[0] not in ("to", "on", "at") or said[1] != "the" or not said[2].endswith("'s"):
            return None
        return i + 4 if said[3] in ("left", "right") and said[2][:-2].isalpha() else None

    def _left_out_after(self, i: int) -> int | None:
        """'leave the dog out', 'keep the hat off': where the particle is, when 'leave' or 'keep' and a
        noun phrase are followed by 'out' or 'off' at the clause's end; else None."""
        if self.words[i:i + 1] == ["take"] and self.words[i + 1:i + 2] in (["it"], ["him"], ["her"], ["them"]):
            return None  # ("I had a cactus in the mockup too; take it out": said of the mockup)
        if i + 2 >= len(self.words) or self.words[i] not in ("leave", "keep", "take") or self.words[i + 1] not in (
                "the", "that", "those", "these", "any", "all", "my", "our", "his", "her", "their", "him", "them", "it"):
            return None  # ("leave her out", "keep my husband's hound Rufus out")
        for k in range(i + 2, min(len(self.words), i + 7)):
            if not self.tokens[k].is_word:
                return None
            if self.words[k] in ("out", "off", "away") and (k + 1 >= len(self.words) or not self.tokens[k + 1].is_word
                                                   or self.words[k + 1] in _AFTER_LEFT_OUT):
                return k
        return None

    def _says(self, chunk: Chunk) -> bool:
        said = self.words[chunk.start]
        before = self.words[chunk.start - 1] if chunk.start > 0 else ""
        return said in ("says", "say", "saying") or said in ("reads", "read", "reading") and before in ("that", "which")

    def _lettering_end(self, i: int) -> int:
        """Where the words written on a thing end: the next comma, sentence end, or a new thing."""
        k = i
        while k < len(self.words) and self.words[k] not in (",", ";", ".", "!", "?", ":") and not (
                self.words[k] in ("and", "with", "next", "beside", "on", "in") and k > i):
            k += 1
        return k

    def _degree_alone(self, i: int) -> bool:
        """'super bright,', 'very cozy.': a degree word and a describing word standing alone."""
        if self.words[i] not in _DEGREES or i + 1 >= len(self.words) or not self.tokens[i + 1].is_word:
            return False
        ends = i + 2 >= len(self.words) or not self.tokens[i + 2].is_word
        return ends and "ADJ" in words.lemmas(self.words[i + 1]) and self.words[i + 1] not in priors.NOUNS

    def _particle_of_verb(self, i: int) -> bool:
        """'blowing out candles', 'holding up a fish', 'picking up a shell': the particle belongs to
        the verb when what it does something to follows."""
        after = self.words[i + 1] if i + 1 < len(self.words) else ""
        return self.words[i] in ("out", "up", "down", "off", "away") and bool(after) and (
            after in lexicon.ARTICLES or after in lexicon.POSSESSIVES or _number(after) is not None
            or (self.tokens[i + 1].is_word and after not in lexicon.PREPOSITIONS and after not in _NP_STOP
                and words.can_be(singular(after)[0], "NOUN") and not words.only_verb(after)))

    def _camera_within(self, k: int) -> bool:
        """Whether the words after 'shot with' name a camera or a lens ('a 50mm lens', 'an iPhone')."""
        for word in self.words[k:k + 4]:
            if word in _CAMERA_WORDS or (word[:1].isdigit() and word.endswith("mm")):
                return True
            if word in (",", ".", ";", ":"):
                return False
        return False

    def _word(self, i: int, previous: Chunk | None) -> Chunk:
        if previous is not None and previous.kind == "COPULA" and self.words[i] in lexicon.COLOURS and (
                i + 1 >= len(self.words) or not self._noun_follows(i + 1)):
            # "Milo is orange with white paws": a colour said of the subject, not an orange
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, modifiers=[self.tokens[i]]))
        if previous is not None and previous.kind == "NEG" and self.words[previous.end - 1] == "no" and (
                self.words[i].endswith("ing") and self.words[i] not in lexicon.VERBS and (
                    i + 1 >= len(self.words) or not self.tokens[i + 1].is_word or self.words[i + 1] in ("or", "and"))):
            # "no lettering", "no branding", "no smoking": the thing done, named, refused
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[self.tokens[i]], noun=self.words[i]))
        if self.words[i] in ("guard", "watch", "sentry") and previous is not None and previous.kind == "VERB" and (
                isinstance(previous.value, lexicon.Verb) and previous.value.gerund in ("standing", "keeping")):
            return Chunk("OTHER", i, i + 1, "guard")  # "stands guard behind her", "keeping watch": what they do
        if self.words[i] in ("home", "homeward", "homewards") and previous is not None and previous.kind == "VERB" and (
                isinstance(previous.value, lexicon.Verb) and previous.value.pose in ("walking", "running")
                or self.words[i - 1] in _GOING):
            return Chunk("OTHER", i, i + 1, "home")  # "walks home carrying a lantern": where to, no thing
        if i > 0 and self.words[i - 1] in _AGE_VERBS and _number(self.words[i]) is not None:
            return Chunk("OTHER", i, i + 1, self.words[i])  # "my mom's turning 60": an age, no count
        if (0 < i < len(self.words) - 1 and self.tokens[i].text[:1].isupper() and self.words[i - 1] == ","
                and self.words[i + 1] == "," and self.words[i] not in lexicon.VERBS):
            # "the little girl, Pip, in her dungarees": a name between commas, no verb
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[self.tokens[i]], noun=self.words[i]))
        if self._name_before_apposition(i, previous):
            # "Rose, a grandmother in a cardigan, …": a name, then who bears it; not "rose" the verb
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[self.tokens[i]], noun=self.words[i]))
        if self._costume_as(i, previous):
            return Chunk("WEAR", i, i + 1, "as")  # "my son as a firefighter": dressed as one
        if self.words[i] in ("her", "him", "them", "it") and previous is not None and previous.kind == "REL" and (
                self.words[i + 1:i + 2] and self.words[i + 1] in _STANDING_VERBS and i + 2 < len(self.words)
                and (self.words[i + 2] in lexicon.DETERMINERS or _number(self.words[i + 2]) is not None)):
            self.verb_at = i + 1  # "behind her stand five bowls": whom the place is by, then the verb
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, pronoun=self.words[i]))
        if self._terse_centre(i, previous):
            return Chunk("ZONE", i, i + 1, ("center", None))  # "tent centre.", "laptop center,": where it goes
        if self._has_a_garment(i, previous):
            return Chunk("WEAR", i, i + 1, "has")  # "the first has a silver trench coat": worn
        found = self._function_word(i) or self._verb_at(i, previous)
        if found is not None:
            return found
        word = self.words[i]
        if word in lexicon.PREPOSITIONS:
            return Chunk("PREP", i, i + 1, word)
        if word in lexicon.FILLER:
            return Chunk("FILLER", i, i + 1, word)
        if self._infinitive(i, previous):
            return self._generic_verb(i)
        if self._adverb_after_verb(i, previous) and match_count(self.words, i) is None:
            return Chunk("OTHER", i, i + 1, word)  # (but "Pour half a dozen cherries …": a count)
        np = self.noun_phrase(i)
        if np is not None and np.count and np.noun in _UNITS:
            return Chunk("OTHER", np.start, np.end, "measure")  # "thirty paces apart", "a dozen feet away", "three sizes too big"
        if np is not None and np.det in ("a", "an") and np.noun in _UNITS and not np.modifiers and np.end < len(self.words) and (
                self.words[np.end] in _DISTANCE_AFTER) and (np.start == 0 or self.words[np.start - 1] not in lexicon.PREPOSITIONS):
            return Chunk("OTHER", np.start, np.end, "measure")  # "dad a step behind them", "a foot away"
        if np is not None:
            return Chunk("NP", np.start, np.end, np=np)
        object_of_preposition = _object_of_preposition(word, previous)
        if (_is_verb_form(word) or word.endswith("ed")) and not object_of_preposition:
            return self._generic_verb(i)
        if object_of_preposition and words.can_be(word, "VERB"):  # "standing on mars": a place's name
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, head=[self.tokens[i]], noun=word))
        return Chunk("OTHER", i, i + 1, word)

    def _costume_as(self, i: int, previous: Chunk | None) -> bool:
        """'my son as a firefighter', 'the twins as bumblebees': 'as' right after someone, then what
        they are dressed as."""
        if self.words[i] != "as" or previous is None or previous.kind != "NP" or previous.np is None or (
                previous.end != i or i + 2 >= len(self.words)):
            return False
        someone = previous.np.noun is not None and lexicon.category(previous.np.noun) == priors.PERSON
        member = previous.np.pronoun == "one" or previous.np.headless and self.words[previous.end - 1] in (
            "one", "other", "another", "first", "second", "third", "last")  # "one as a black cat, the other as …"
        return (someone or member) and self.words[i + 1] in ("a", "an", "the") and (
            self.words[i + 2] not in ("result", "gift", "well", "usual"))

    def _name_before_apposition(self, i: int, previous: Chunk | None) -> bool:
        """A capitalised word opening a sentence, then a comma and 'a', 'an' or a possessive: a name
        ("Rose, a grandmother …", "Max, his golden retriever, …"), unless it is a word of another
        part of speech only ("Outside, a dog …") or a place ("Sunset, a woman on a beach")."""
        word, text = self.words[i], self.tokens[i].text
        if not (previous is None or previous.kind == "SENT") or i + 2 >= len(self.words):
            return False
        if not (text[:1].isupper() and text[1:].islower() and len(text) >= 3) or self.words[i + 1] != ",":
            return False
        if self.words[i + 2] not in ("a", "an", "his", "her", "my", "our", "their"):
            return False
        kinds = words.lemmas(word)
        return (not kinds or "NOUN" in kinds or "PROPN" in kinds) and not words.is_adverb(word) and (
            word not in lexicon.PREPOSITIONS | lexicon.CONJUNCTIONS | lexicon.FILLER) and not words.is_place(word) and (
            word not in lexicon.STYLE_WORDS) and not lexicon.is_setting(word) and lexicon.category(word) not in (
            priors.PERSON, priors.ANIMAL)

    def _function_word(self, i: int) -> Chunk | None:
        """Conjunctions, relative words, copulas, pronouns and words to the planner."""
        word = self.words[i]
        if word in ("and", "plus"):
            return Chunk("AND", i, i + 1)
        if word in lexicon.CHATTER and self._chatter(i):
            return Chunk("FILLER", i, i + 1, word)
        if word in ("or", "nor"):
            return Chunk("OR", i, i + 1)
        for words_of, kind in ((lexicon.CONJUNCTIONS, "CLAUSE"), (lexicon.RELATIVE, "RELATIVE"),
                               (lexicon.COPULAS, "COPULA")):
            if word in words_of:
                return Chunk(kind, i, i + 1, word)
        if word in ("each", "one") and i + 1 < len(self.words) and self.words[i + 1] in ("other", "another"):
            return Chunk("NP", i, i + 2, np=NounPhrase(i, i + 2, pronoun="each other"))
        if word in ("he", "she", "they") and self.chunks_so_far and self.chunks_so_far[-1].kind == "NP" and (
                self.chunks_so_far[-1].np is not None and self.chunks_so_far[-1].np.pronoun is None
                and self.chunks_so_far[-1].end == i) and not lexicon.is_garment(self.chunks_so_far[-1].np.noun or ""):
            # "my sister she wears a hijab": the sister, said again (but "she's in a red coat he's in a
            # beige trench": after what she wears, he begins anew)
            return Chunk("FILLER", i, i + 1, word)
        after = self.words[i + 1] if i + 1 < len(self.words) else ""
        then = self.words[i + 2] if i + 2 < len(self.words) else ""
        told = word == "her" and "VBD" in words.verb_tags(after) and not lexicon.is_known_noun(after) and (
            not is_concrete(after)) and not (lexicon.is_known_noun(singular(then)[0]) or is_concrete(singular(then)[0]))
        # ("Behind her stood a pony": her, then what was done; but "three of her finished paintings")
        possessive = word in lexicon.POSSESSIVES and self._noun_follows(i + 1) and not told  # "at her feet"
        if word in lexicon.PRONOUNS and word != "one" and not possessive:
            subject = {"him": "he", "her": "she"}.get(word) if (i == 0 or self.words[i - 1] in (",", "and", ";", "-")) and (
                after in ("in", "wearing", "dressed", "with", "all")) else None
            # ("…, him in suspenders and a bow tie, her in a pink housecoat": the subject, said so)
            return Chunk("NP", i, i + 1, np=NounPhrase(i, i + 1, pronoun=subject or word))
        return None

    def _finite_before(self, i: int) -> bool:
        """Whether this clause already has a verb in the present, said of a subject ('wears')."""
        for chunk in reversed(self.chunks_so_far):
            if chunk.kind in ("SENT", "COMMA"):
                return False
            if chunk.kind in ("VERB", "WEAR", "WITH") and self.words[chunk.start].endswith("s"):
                return True
        return False

    def _placed_before(self, previous: Chunk) -> bool:
        """Whether a noun phrase is the object of a place word ('behind her', 'on the shelf')."""
        before = self.chunks_so_far[-2] if len(self.chunks_so_far) >= 2 else None
        return before is not None and before.kind in ("REL", "PREP", "ZONE")

    def _listed_plural_of(self, i: int) -> bool:
        """A plural that can be a noun, then 'of': 'cans of paint', 'rolls of fabric'."""
        base, plural = singular(self.words[i])
        placed = self.words[i + 1:i + 2] in (["on"], ["in"], ["under"], ["by"], ["beside"]) and (
            lexicon.is_known_noun(base) or is_concrete(base))  # "…, wrenches on a pegboard, …"
        return plural and (self.words[i + 1:i + 2] == ["of"] or placed) and words.can_be(base, "NOUN")

    def _describing_participle(self, i: int) -> bool:
        """An -ing form that takes no object, before a noun that ends the list item ('overflowing
        ashtrays,', 'flickering candles.'): it says how the things are."""
        word = self.words[i]
        done_to = word.endswith("ed") and bool(words.verb_tags(word) & {"VBN", "VBD"})  # "…, stacked plastic chairs"
        if not (word.endswith("ing") and words.takes_no_object(word) or done_to) or i + 2 > len(self.words):
            return False
        k = i + 1
        if done_to and k + 1 < len(self.words) and (self.words[k] in lexicon.MATERIALS or self.words[k] in lexicon.COLOURS):
            k += 1  # ("stacked plastic chairs", "folded white towels")
        noun = singular(self.words[k])[0]
        ends = k + 1 >= len(self.words) or self.words[k + 1] in (",", ".", ";", "and", "!")
        return ends and (lexicon.is_known_noun(noun) or is_concrete(noun))

    def _verb_at(self, i: int, previous: Chunk | None) -> Chunk | None:
        """A verb here, by the lexicon or by what came before ('a rooster | crows', 'is | mixing')."""
        word = self.words[i]
        if i == self.verb_at or (previous is not None and previous.kind == "NP" and self._verb_after_subject(
                previous, i)):
            return self._generic_verb(i)
        # After a transitive verb or a preposition a noun is expected: "mixing drinks", "with waves",
        # "in shining armor" (a verb form followed by a noun is its modifier).
        wants_noun = previous is not None and (
            (previous.kind == "VERB" and previous.value.transitive)
            or previous.kind in ("WITH", "REL", "PREP", "OF", "NEG", "DETAIL", "WEAR"))
        item_start = previous is None or previous.kind in ("COMMA", "SENT")  # where an item of a list may start
        if item_start and lexicon.is_known_noun(word) and self._noun_follows(i + 1):
            return None  # "…, rose bouquet, …": a thing's name before another, not "rose" the verb
        if previous is not None and previous.np is not None and previous.np.pronoun in ("them", "us") and len(
                self.chunks_so_far) >= 2 and self.chunks_so_far[-2].kind == "OF" and "VBZ" in words.verb_tags(word) and (
                self.words[i + 1:i + 2] and self.words[i + 1] in lexicon.DETERMINERS):
            return self._generic_verb(i)  # "One of them rocks a stroller": what that one does
        if item_start and self._listed_plural_of(i):
            return None  # "…, cans of paint, …", "…, rolls of fabric": things, not "cans" the verb
        if item_start and self._describing_participle(i):
            return None  # "…, overflowing ashtrays, …": how the things are, not what someone does
        if item_start and i + 1 < len(self.words) and (
                words.is_compound(word, singular(self.words[i + 1])[0])) and (
                i + 2 >= len(self.words) or self.words[i + 2] not in ("with", "against", "for")):
            return None  # "a tent, sleeping bags": WordNet's name for a thing, not "sleeping" the verb
        plural_object = (wants_noun and previous.kind == "VERB" and singular(word)[1]
                         and words.can_be(singular(word)[0], "NOUN"))  # "stacks blocks", "flips pancakes"
        if plural_object or (previous is not None and previous.kind == "NEG" and words.can_be(word, "NOUN")):
            self.object_at = i  # "flips crepes", "no shading": the thing, though the word could be a verb too
        if word in lexicon.VERBS and not plural_object and not _object_of_preposition(word, previous) and not (wants_noun and (
                lexicon.is_known_noun(singular(word)[0]) or lexicon.is_known_noun(word) or self._noun_follows(i + 1))):
            return Chunk("VERB", i, i + 1, lexicon.VERBS[word])  # but "mixing drinks": a noun
        if previous is not None and previous.kind == "COPULA" and word.endswith("ing") and word not in lexicon.ADJECTIVES:
            after = self.words[i + 1] if i + 1 < len(self.words) else ""
            if _is_verb_form(word) or after in lexicon.DETERMINERS or _number(after) is not None:
                return self._generic_verb(i)  # "is mixing drinks", "is building a sandcastle"
        if previous is not None and previous.kind == "NP" and _is_past_tense(word):
            return self._generic_verb(i)  # "a car painted red"
        if previous is not None and previous.kind == "AND" and word.endswith("s") and "VBZ" in words.verb_tags(word) and (
                i + 1 < len(self.words) and self.words[i + 1] in ("a", "an", "the", "his", "her", "their", "its")) and (
                self._finite_before(i)):
            return self._generic_verb(i)  # "a woman wears a green coat and cradles a mug": her second verb
        if previous is not None and previous.kind == "NP" and word in _STANDING_VERBS and self._placed_before(previous) and (
                i + 1 < len(self.words) and (self.words[i + 1] in lexicon.DETERMINERS or _number(self.words[i + 1]) is not None)):
            return self._generic_verb(i)  # "On a shelf behind her stand five bowls": the place first, then its verb
        if previous is not None and previous.kind == "FILLER" and self.words[previous.start] in (
                "just", "still", "already", "finally", "also", "always") and (_is_past_tense(word) or _is_verb_form(word)):
            return self._generic_verb(i)  # "my dog Biscuit just turned 10"
        if previous is not None and previous.kind == "NP" and previous.np is not None and previous.np.pronoun in (
                "him", "her", "them", "it", "us") and word.endswith("ing") and _is_verb_form(word):
            return self._generic_verb(i)  # "tourists all around him taking photos": theirs is the verb
        if previous is not None and previous.kind == "COMMA" and self._participle_after_comma(i):
            return self._generic_verb(i)  # "…, both in blue sundresses, picking strawberries": what they do
        if previous is not None and previous.kind == "COMMA" and self._verb_after_aside(i):
            return self._generic_verb(i)  # "his mother, a woman in a hoodie, reaches up to catch him"
        if (previous is not None and previous.kind == "RELATIVE" and words.verb_tags(word) & {"VBZ", "VBP", "VBD"}
                and (previous.value == "who" or not lexicon.is_known_noun(singular(word)[0]))):
            return self._generic_verb(i)  # "a sign that says open", "a boy who waves"
        return None

    def _adverb_after_verb(self, i: int, previous: Chunk | None) -> bool:
        """'seagulls circling overhead, ...', 'kids playing outside': a bare word that can be an
        adverb, right after a verb and before a break, says how or where; it names no thing."""
        verbal = previous is not None and (previous.kind == "VERB" or (
            previous.kind == "REL" and self.words[previous.end - 1].endswith("ing")))  # "circling overhead"
        particle = previous is not None and previous.kind == "REL" and previous.end - previous.start == 1 and (
            self.words[previous.start] in ("on", "up", "out", "off", "around", "away", "back", "by")) and len(
            self.chunks_so_far) >= 2 and self.chunks_so_far[-2].kind == "VERB"  # "looks on worried"
        verbal = verbal or particle
        if not verbal or previous.end != i:
            return False
        word = self.words[i]
        after = self.words[i + 1] if i + 1 < len(self.words) else ""
        ends = not after or not self.tokens[i + 1].is_word or after in _NP_STOP
        feeling = word.endswith("ed") and "ADJ" in words.lemmas(word)  # "looks on worried", "sits there bored"
        return ends and ("ADV" in words.lemmas(word) or feeling) and (not lexicon.is_known_noun(word) or (
            word in _HEADINGS)) and not lexicon.is_setting(word)

    def _infinitive(self, i: int, previous: Chunk | None) -> bool:
        """'kneeling to pet a goat', 'bending down to pick up a shell': after a bare 'to', a base verb
        form followed by its object is a verb, even where the word can also be a noun."""
        if previous is None or previous.kind != "PREP" or self.words[previous.start] != "to" or previous.end != i:
            return False
        word, after = self.words[i], self.words[i + 1] if i + 1 < len(self.words) else ""
        if "VB" not in words.verb_tags(word) or word in lexicon.DETERMINERS:
            return False
        if after in lexicon.DETERMINERS or _number(after) is not None or after in lexicon.PRONOUNS or after in (
                "up", "down", "out", "off", "at", "with"):
            return True
        # "teaching his grandson to fish from a boat": a verb with no object; but "walking to school"
        ends = not after or not self.tokens[i + 1].is_word or after in lexicon.PREPOSITIONS
        return ends and not lexicon.is_setting(word) and self.words[i - 2] not in _MOTION if i > 1 else False

    def _chatter(self, i: int) -> bool:
        """'So I'm imagining a girl...', 'could you draw a cat': words to the planner, not the scene.
        Only at the start of a sentence and before the first thing is named."""
        for k in range(i - 1, -1, -1):
            if self.words[k] in SENTENCE_END or k + 1 in self.request_ends:
                return True  # a sentence, or the scene after the asker's words, starts here
            if self.words[k] not in lexicon.CHATTER and self.words[k] not in (",", "'"):
                return False
        return True

    def _generic_verb(self, i: int) -> Chunk:
        # A verb the lexicon does not know: kept in the caption, its object stands next to it.
        return Chunk("VERB", i, i + 1, verb_for(self.words[i], self.tokens[i].text))

    @staticmethod
    def _describes_only(word: str) -> bool:
        """A word that only describes or says how ('happy', 'very'), never a noun or a thing's name."""
        found = words_lemmas(word)
        return bool(found) and "NOUN" not in found and bool({"ADJ", "ADV"} & set(found))

    def _verb_after_its_plural(self, j: int, first: int) -> bool:
        """Whether words[j], after a plural (or a couple, a family) in the phrase, is its verb rather
        than the second word of a name: "couple share a bench", "boys share a cake" (a verb form before
        what it does something to), "washing machines churns behind her" (an -s form before a place
        or the end), but never "sports balls"."""
        words, word = self.words, self.words[j]
        before, after = words[j - 1], words[j + 1] if j + 1 < len(words) else ""
        if is_compound(before, singular(word)[0]) or (_known_noun_at(words, j, first) or (j,))[0] != j:
            return False
        if before.endswith(("'s", "s'")):
            return False  # "a rack of women's shoes", "kids' boots": a possessive is followed by its thing
        tags = words_verb_tags(word)
        acting = word not in lexicon.PREPOSITIONS and word not in ("like", "near") and bool(tags & {"VBP", "VBZ"}) and (
            singular(before)[1] or before in lexicon.COLLECTIVES) and (
            after in ("a", "an", "the", "his", "her", "their", "its") or bool(after) and _number(after) is not None)
        herd = before in lexicon.ZERO_PLURALS and j > first and words[first - 1:first] == ["of"] and "VBZ" in tags and (
            not after or after in lexicon.PREPOSITIONS or after in ("down", "up", "out", "across"))  # "a flock of sheep spills"
        if herd:
            return True
        placed = singular(before)[1] and word.endswith("s") and "VBZ" in tags and (
            not after or after in lexicon.PREPOSITIONS or not self.tokens[j + 1].is_word)
        return acting or placed

    def _member_told_next(self, j: int) -> bool:
        """Whether 'the one' is followed by what tells it apart ('the one on the left has …', 'the one
        in the flat cap'), as a member of a plural is."""
        nxt = self.words[j:j + 3]
        return bool(nxt) and (nxt[0] in ("in", "with", "wearing", "holding", "on", "at") or nxt[:2] in (
            ["to", "the"],))

    def noun_phrase(self, i: int) -> NounPhrase | None:
        np = NounPhrase(i, i)
        first = self._quantity(np, i)
        j = self._body_end(np, first)
        body = [k for k in range(first, j) if self.tokens[k].is_word]
        if body and self.words[body[-1]] == "and":
            j = body.pop()
        said = [self.words[k] for k in body]
        if (said in (["other"], ["last"], ["other", "one"], ["last", "one"]) and np.det in ("the", "an")) or (
                said == ["one"] and np.det == "the" and self._member_told_next(j)) or (
                np.det == "the" and said[:1] and said[0] in lexicon.MEMBER_ORDINALS and said[1:] in ([], ["one"])
                and self._article_follows(j)):
            body, np.count = [], 1  # "one in red and the other in blue", "the second an elf": a member, as "one" is
        if not body:
            if np.count is None and np.det is None:
                return None
            if np.count is not None and np.det is None and self.words[i] == "one":
                np.pronoun = "one"
            np.end = j
            return np
        members = self._members_by_colour(np, i, body)
        if members is not None:
            np.end = members  # "two cats, one orange, one grey": this one's colour; the next member follows
            np.modifiers = [self.tokens[k] for k in body if k < members]
            return np
        cut = self._people_before_a_picture(body)
        if cut is None:
            cut = next((k for k in range(len(body) - 1) if self.words[body[k]] in _KIN
                        and self.words[body[k + 1]] in _KIN), None)  # "mom dad and 2 kids": a comma left out
        if cut is None:
            cut = self._doing_inside(body)  # "an old green locomotive puffing steam": the locomotive, then what it does
        if cut is not None:
            body, j = body[:cut + 1], body[cut] + 1  # "brother and sister holiday card:": the sister, then the card
        if len(body) > 1 and np.det in ("a", "an") and self.words[body[0]] in lexicon.MEMBER_ORDINALS and (
                self.words[body[0]] not in lexicon.COMPARED_MEMBERS) and not (
                _can_be_noun(singular(self.words[body[1]])[0])) and self.words[body[1]] != "aged":
            body, j = body[:1], body[0] + 1  # "and a third asleep under a tree": one more, then how it is
        one = next((m for m in range(len(body) - 1) if self.words[body[m]] == "one"), None)
        if one is not None and (self.words[body[one + 1]] in _PREDICATIVE_ONLY or self.words[body[one + 1]] in lexicon.VERBS
                                and _only_describes(self.words[body[one + 1]])):
            body, j = body[:one + 1], body[one] + 1  # "a grey one asleep in a box": that one, then how it is
        head_start, head_end = self._head(body, np, j)
        after_head = [self.words[k] for k in body if k >= head_end]
        after_colour = bool(after_head) and all(w in lexicon.COLOURS or w in lexicon.MATERIALS for w in after_head)
        worn = np.start > 0 and self.words[np.start - 1] in ("in", "wearing")
        made = set(self.words[max(0, np.start - 2):np.start + 1]) & {"make", "paint", "turn", "color", "colour", "dye"}
        looks_after = len(after_head) == 1 and self._said_after_its_noun(np, body[0], body[-1], j)
        described = len(after_head) == 1 and not made and (after_colour and not worn or looks_after)
        if head_end > head_start and after_colour and not described:
            head_start = head_end = j  # "in sage green", "in champagne satin": a colour and a stuff, worn
            if worn:
                np.noun, np.plural = None, False  # ("in forest green": no forest)
        np.modifiers = [self.tokens[k] for k in body if k < head_start]
        np.head = [self.tokens[k] for k in range(head_start, head_end)] if head_end > head_start else []
        np.end = head_end if head_end > head_start else j
        if head_end > head_start and described:
            # "one cat black", "a car red", "a woman young": a look said after its thing, as some write it
            np.modifiers += [self.tokens[k] for k in body if k >= head_end]
            np.end = j
            if (after_head[0] in lexicon.COLOURS or after_head[0] in _SAID_AFTER) and self._second_look_after(j):
                np.modifiers += self.tokens[j:j + 2]
                np.end = j = j + 2  # "a tram red and yellow": both colours, said after the noun
        self.verbish_end = j  # words after the head read as verbs ("a cat licks its paw")
        return np

    def _trim_named_by_ing(self, np: NounPhrase, first: int, j: int) -> bool:
        """'a tailcoat with gold frogging and a top hat', 'with red piping,': after "with" and nothing but
        colours or materials, a word in -ing that ends the phrase names the trim, not what is done."""
        words = self.words
        if j == first or np.det is not None or np.count is not None or not words[j].endswith("ing") or first < 1 or (
                words[first - 1] not in ("with", "and")):
            return False
        if not all(w in lexicon.COLOURS or w in lexicon.MATERIALS for w in words[first:j]):
            return False
        after = words[j + 1] if j + 1 < len(words) else ""
        return after in ("", "and", ",", ".", ";", "on", "along", "around", "at")

    def _verb_after_one(self, np: NounPhrase, j: int) -> bool:
        """'a scarecrow in a patched blue coat stands mid-field': after "a", an -s form that would make a
        plural name with the word before ("coat stands") is the verb; "a" never counts a plural."""
        word, before = self.words[j], self.words[j - 1]
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        named = j - 1 > np.start and self.tokens[j - 1].text[:1].isupper() and self.tokens[j - 1].text[1:].islower() and (
            not self.tokens[j].text[:1].isupper()) and (np.count or 1) == 1 and (
            lexicon.category(singular(word)[0]) not in (priors.PERSON, priors.ANIMAL))
        # "Mrs. Kim waters the roses": after a name, its verb (but "two Norman knights in mail": people)
        if named and word.endswith("s") and "VBZ" in words_verb_tags(word) and (
                after in lexicon.DETERMINERS or after in lexicon.PREPOSITIONS):
            return True
        if np.det not in ("a", "an") or np.count is not None or not word.endswith("s") or "VBZ" not in words_verb_tags(word):
            return False
        base, plural = singular(word)
        # ("a lantern lights a tableau": what comes next is what it does something to, or where)
        then = after in lexicon.DETERMINERS or after in lexicon.PREPOSITIONS and after not in ("of", "for", "with")
        return plural and (is_compound(before, base) or f"{before} {base}" in lexicon.COMPOUND_NOUNS or then) and (
            f"{before} {word}" not in lexicon.COMPOUND_NOUNS and f"{before} {word}" not in priors.MULTIWORD_NOUNS)

    def _bare_verb_after_its_thing(self, j: int, first: int) -> bool:
        """'a heron grey stay on one leg', 'a yellow taxi pass behind them': the plain form of a verb
        after one thing (its colour said after it, or a word no list names as a thing), before where
        or what, as people write whose first language does not mark the verb."""
        words, word = self.words, self.words[j]
        after = words[j + 1] if j + 1 < len(words) else ""
        if "VBP" not in words_verb_tags(word) or word in lexicon.PREPOSITIONS or word in _NP_STOP or not (
                after in lexicon.PREPOSITIONS or after in lexicon.ARTICLES or after in ("them", "him", "her", "it")):
            return False
        k = j - 1
        coloured = words[k] in lexicon.COLOURS and k > first
        k -= coloured
        noun, plural = singular(words[k])
        if plural or lexicon.is_adjective(words[k]) or not (lexicon.category(noun) is not None or is_concrete(noun)) or (
                is_compound(words[k], word) or f"{words[k]} {word}" in lexicon.COMPOUND_NOUNS
                or f"{words[k]} {word}" in priors.MULTIWORD_NOUNS):
            return False
        listed = word in lexicon.VERBS or words_gerund(word) in lexicon.VERBS  # "stand", "pass": verbs we know
        thing = lexicon.is_known_noun(word) or is_concrete(word)
        alive = lexicon.category(noun) in (priors.PERSON, priors.ANIMAL)
        # (a thing's name may end in such a word: "a sack race at school", "in tree pose on a mat")
        joined = first >= 2 and words[first - 2] == "and" or np_start_after_and(words, first)
        # ("a bucket and a spade lie on the sand": two things, the plain form agrees)
        return listed and (coloured or not thing and (alive or joined)) or coloured and not thing

    def _verb_before_his(self, j: int) -> bool:
        """'a DJ in sunglasses bobs his head', 'a boy swings his legs': a word that can be a verb of the
        present, right before 'his', 'her', 'their' or 'its', is that verb (no thing is followed so)."""
        return "VBZ" in words_verb_tags(self.words[j]) and self.words[j + 1:j + 2] in (
            ["his"], ["her"], ["their"], ["its"]) and not is_compound(self.words[j - 1], singular(self.words[j])[0])

    def _members_by_colour(self, np: NounPhrase, i: int, body: list[int]) -> int | None:
        """'one orange, one grey', 'one black one white one spotted', 'one orange and the other grey':
        a member said to be of some colour, with the next member told right after; where its words
        end, or None. ('one orange' alone may be the fruit.)"""
        if self.words[i] != "one" or np.det is not None or np.count != 1 or not body:
            return None
        before = self.words[i - 2] if i >= 2 and self.words[i - 1] in (",", ":") else ""
        if singular(before)[0] in lexicon.CLOTHING:
            return None  # "two aunts in bright saris, one orange one teal": the saris' colours
        end = next((k for k in body if self.words[k] == "one"), None)
        said = [self.words[k] for k in body if end is None or k < end]
        if not said or not all(w in lexicon.COLOURS or w in lexicon.COLOUR_SHADES for w in said):
            return None
        last = body[len(said) - 1] + 1
        k = last + 1 if self.words[last:last + 1] in ([","], ["and"]) else last
        k += 2 if self.words[k:k + 2] == ["the", "other"] else 1 if self.words[k:k + 1] in (["one"], ["another"]) else 0
        told = self.words[k] if k > last and k < len(self.words) else ""
        coloured = told in lexicon.COLOURS or told in lexicon.COLOUR_SHADES or (
            lexicon.is_adjective(told) and not _can_be_noun(told))  # (but "one orange, one apple": fruit)
        return last if coloured else None

    def _article_follows(self, j: int) -> bool:
        return j < len(self.words) and self.words[j] in ("a", "an")

    def _people_before_a_picture(self, body: list[int]) -> int | None:
        """Where a phrase naming people runs on into the kind of picture wanted ('sister holiday
        card', 'grandparents anniversary portrait'): the position of the last person word."""
        last = singular(self.words[body[-1]])[0] if body else ""
        if len(body) < 2 or (last not in lexicon.FRAMES and last not in ("card", "invitation", "announcement")):
            return None
        people = [k for k, at in enumerate(body[:-1]) if lexicon.category(singular(self.words[at])[0]) == priors.PERSON
                  and self.words[at] not in lexicon.ADJECTIVES]
        if not people or any(self.words[at] in _STYLED for at in body[people[-1]:]) or (
                self.tokens[body[people[-1]]].text[:1].isupper() and body[people[-1]] > 0
                and self.tokens[body[people[-1]] - 1].text[:1].isupper()):
            return None  # "beatrix potter style watercolor", "Norman Rockwell portrait": how it is drawn
        return people[-1]

    def _quantity(self, np: NounPhrase, j: int) -> int:
        """Determiner and quantity, in any of their usual orders ("the two", "all three", "a pair
        of"); fills np.det / np.count and returns where the modifiers start."""
        words, n = self.words, len(self.words)
        while j < n:
            counted = match_count(words, j)
            if counted is not None:
                length, count, np.pair = counted
                np.grouped = not np.pair
                said = words[j:j + length]
                if length == 2 and said[0] != "a" and not said[0].endswith("s") and said[1] == "of":
                    said = ["a", *said]  # "…, herd of zebras": "a herd of", its "a" left out
                if length == 4 and said[1] in _GROUP_SIZES:
                    said = [said[0], *said[2:]]  # "a tall stack of pancakes": a stack of them
                np.vague = tuple(said) in _VAGUE_PHRASES
                np.pairs = np.count or 1  # "two pairs of scissors" is two things, "two pairs of socks" four
                np.count = count * np.pairs if np.pair else count
                j += length
                continue
            number = _number(words[j])
            if number is not None and np.det in ("a", "an") and number > 1 and j + 1 < n and (
                    singular(words[j + 1])[1] and lexicon.is_known_noun(singular(words[j + 1])[0])):
                np.count, np.det = number, None  # "there is a three deers": the count, an article too many
                j += 1
                continue
            if number is not None and np.det in lexicon.ARTICLES and words[j] not in ("hundred", "thousand", "dozen"):
                break  # "a 3 legged stool", "a two-headed dragon": a modifier, not a count
            if number is not None and words[j + 1:j + 2] in (["year"], ["years"], ["month"], ["months"], ["week"], [
                    "weeks"]) and words[j + 2:j + 3] == ["old"]:
                break  # "his 3 year old sister": an age
            if number is not None and self._measure_before_noun(j):
                break  # "a pink two tier cake", "a three story house": a measure, not a count
            if number is not None and j > 0 and self.words[j - 1] == "/":
                break  # "3/4 top down view": a fraction, no count
            if number is not None and not (words[j] == "one" and not self._noun_follows(j + 1)):
                np.count = number if words[j] != "dozen" or np.count is None else np.count * 12
                np.vague = False  # "a stack of four books" counts them
            elif words[j] in lexicon.VAGUE_COUNTS:
                np.count, np.vague = lexicon.VAGUE_COUNTS[words[j]], True
            elif words[j] in lexicon.DETERMINERS and words[j] != "one's":
                np.det = np.det or words[j]
            elif words[j] == "it's" and np.det is None and self._noun_follows(j + 1) and (
                    lexicon.is_known_noun(singular(words[j + 1])[0]) or lexicon.is_adjective(words[j + 1])):
                np.det = "its"  # "in it's basket": the common slip for "its"
            elif words[j] in ("exactly", "precisely", "just") and j + 1 < n and _number(words[j + 1]) is not None:
                pass  # "exactly one pigeon", "just two cups": the count, said firmly
            elif words[j] not in ("all", "only"):
                break
            j += 1
        return j

    def _measure_before_noun(self, j: int) -> bool:
        """'two tier', 'three story', 'four leaf' before a noun: a number and a singular noun that
        together describe the noun after them; "two cat toys", "two wine glasses" count the things."""
        said = self.words
        if j + 2 >= len(said) or not self.tokens[j + 2].is_word or said[j] in ("both", "all", "each"):
            return False
        if _number(said[j]) in (None, 1):
            return False
        unit, at = said[j + 1], j + 2
        while at + 1 < len(said) and at < j + 5 and self.tokens[at + 1].is_word and (
                said[at] in lexicon.COLOURS or said[at] in lexicon.MATERIALS or lexicon.is_adjective(said[at])):
            at += 1  # "3 tier white buttercream cake": the look, then the noun the measure describes
        if at + 1 < len(said) and at > j + 2 and not lexicon.is_known_noun(said[at]) and "NOUN" not in words.lemmas(
                said[at]) and lexicon.is_known_noun(singular(said[at + 1])[0]):
            at += 1  # ("… white buttercream cake": a word no table knows, before the noun)
        head = said[at]
        unit_is_noun = (not singular(unit)[1] and unit not in lexicon.COLOURS and not lexicon.is_adjective(unit)
                        and not words.can_be(unit, "ADJ")  # "two woolly sheep": how they look
                        and unit not in ("more", "other", "extra", "additional")
                        and not words.verb_tags(unit) & {"VBG", "VBD", "VBN"}
                        and lexicon.category(unit) not in (priors.PERSON, priors.ANIMAL)  # "two boy play": two boys
                        and (lexicon.is_known_noun(unit) or "NOUN" in words.lemmas(unit)))
        head_is_one_noun = (not singular(head)[1] and not (head.endswith("s") and not head.endswith("ss"))
                            and not lexicon.is_adjective(head) and head not in lexicon.COLOURS and head not in _NP_STOP
                            and not (head.endswith("ing") and "VBG" in words.verb_tags(head)  # "two deer standing"
                                     and not self._noun_after(at + 1))  # (but "three tier wedding cake")
                            and (lexicon.is_known_noun(head) or "NOUN" in words.lemmas(head)))
        return unit_is_noun and head_is_one_noun

    def _noun_after(self, j: int) -> bool:
        return j < len(self.words) and not singular(self.words[j])[1] and lexicon.is_known_noun(self.words[j])

    def _body_end(self, np: NounPhrase, first: int) -> int:
        """Modifiers and the head: the words up to the first function word or verb."""
        words, j = self.words, first
        seen = _Seen()
        while j < len(words):
            if j == self.left_out_particle:
                break  # "leave the TV out and put a lamp there": the particle is no word of the thing
            if not self.tokens[j].is_word:
                if words[j] == "," and self._comma_between_adjectives(seen, j):
                    j += 1  # "a big, red ball"
                    continue
                break
            word = words[j]
            pair = f"{words[j - 1]} {word}" if j > first else ""
            named_with = pair in lexicon.COMPOUND_NOUNS or pair in priors.MULTIWORD_NOUNS  # "a watering can"
            ahead = f"{word} {words[j + 1]}" if j + 1 < len(words) else ""
            if j > first and word in ("only", "too", "total", "tops", "max") and (
                    j + 1 >= len(words) or not self.tokens[j + 1].is_word) and not self._given_name_at(j):
                break  # "2 sheep only.": said of the count, no word of the thing (but "our spaniel Max,")
            if j > first and self._given_name_at(j):
                seen.add(word)
                j += 1  # "Auntie May", "my son Will": a name, never the verb "may" or "will"
                continue
            if j > first and word in ("called", "named") and j + 1 < len(words) and self._given_name_at(j + 1):
                seen.add(word)
                seen.add(words[j + 1])
                j += 2  # "a black labrador called Bear": its name, never a bear
                continue
            if j > first + 1 and self._given_name_at(j - 1) and words_verb_tags(word) & {"VBZ", "VBD"}:
                self.verb_at = j
                break  # "my granddaughter Poppy starts school": after her name, what she does
            if j > first and (word in lexicon.COLOURS or word in _SAID_AFTER) and (
                    self._said_after_its_noun(np, first, j, j + 1)):
                seen.add(word)
                j += 1  # "two rabbits white sit", "a boat small and blue": the look, said after the noun
                continue
            if j > first and word.endswith("ing") and (ahead in lexicon.COMPOUND_NOUNS or ahead in priors.MULTIWORD_NOUNS):
                seen.add(word)
                j += 1  # "a long oak dining table": the name goes on, "dining" is no verb
                continue
            if word == "worn" and (np.det is not None or np.count is not None or j > first) and j + 1 < len(words) and (
                    self.tokens[j + 1].is_word and words[j + 1] not in _NP_STOP and words[j + 1] not in lexicon.ARTICLES
                    and words[j + 1] not in lexicon.PREPOSITIONS and words[j + 1] not in ("out", "down", "off", "thin")):
                seen.add(word)
                j += 1  # "three worn tires", "a worn leather chair": used, not wearing
                continue
            if j > first and (self._verb_after_its_plural(j, first) or self._verb_before_his(j)
                              or self._bare_verb_after_its_thing(j, first) or self._verb_after_one(np, j)):
                self.verb_at = j
                break  # "an elderly couple share a green bench", "a row of washing machines churns behind her"
            if j == first and (np.det in ("a", "an") or np.count is not None) and words[j + 1:j + 2] == ["of"] and (
                    word.isalpha() and word not in lexicon.PREPOSITIONS):
                seen.add(word)
                j += 1  # "two tins of paint", "a tin of beans": what holds it, a noun before "of"
                continue
            if j > first and word in _MODAL_WORDS and not named_with and j + 1 < len(words) and (
                    words[j + 1] in ("not", "be", "never", "always", "just", "still", "only")
                    or "VERB" in words_lemmas(words[j + 1]) and "NOUN" not in words_lemmas(words[j + 1])):
                break  # "the dog will not sit still": the dog, then what it will not do
            if words[j:j + 2] in (["middle", "aged"], ["old", "fashioned"], ["well", "dressed"], ["long", "haired"],
                                  ["short", "haired"], ["curly", "haired"]) and self._noun_follows(j + 2):
                seen.add(word)
                j += 2  # "a middle aged woman": one describing word, typed apart
                continue
            if word == "down" and words[j + 1:j + 2] and words[j + 1] in ("jacket", "vest", "coat", "parka", "comforter",
                                                                         "duvet", "pillow", "sleeping"):
                seen.add(word)
                j += 1  # "a puffy down jacket": the feathers it is filled with
                continue
            if j > first and word in lexicon.FRAMES and words[j + 1:j + 2] == ["of"]:
                seen.add(word)
                j += 1  # "a simple drawing of a bride": the picture, never "simple" drawing something
                continue
            if j == first and j > 0 and words[j - 1] in ("both", "all", "each") and word.endswith("ing") and (
                    "VERB" in words_lemmas(word) and not lexicon.is_known_noun(word) and not is_concrete(word)) and (
                    j + 1 >= len(words) or not self.tokens[j + 1].is_word or self._describes_only(words[j + 1])):
                break  # "…, both looking very scholarly": what they both do (but "both holding cups" is read on)
            if j == first and np.count is not None and np.det is None and self._count_then_verb(j):
                break  # "make it two candles, three feels cluttered": the number is said of them, "feels" its verb
            if j == first and np.det in ("a", "an", "the") and word in lexicon.MEMBER_ORDINALS and word != "last" and (
                    np.det == "the" or word not in lexicon.COMPARED_MEMBERS):
                seen.add(word)
                j += 1  # "and a third on the rug": an ordinal, never "to third"
                continue
            if word in ("up", "out", "off", "down") and j > first and _is_past_tense(words[j - 1]) and (
                    self._noun_follows(j + 1)):
                j += 1  # "a chewed up frisbee", "a worn out boot": one describing word
                continue
            if j > first and words[j - 1] in lexicon.COUNTING_MODIFIERS and singular(word)[1] and (
                    lexicon.category(singular(word)[0]) in (priors.PERSON, priors.ANIMAL)):
                seen.add(word)
                j += 1  # "twin babies": the two babies, never "babying"
                continue
            if j > first and self._pose_after_a_colour_or_count(j):
                self.verb_at = j
                break
            if j > first and (self._participle_describes(seen, j) or self._gerund_names_kind(seen, j)):
                seen.add(word)
                j += 1
                continue
            if word in _LIKE_SUFFIXES and j > first and self._noun_follows(j + 1):
                seen.add(word)
                j += 1  # "a tough looking woman", "a bone shaped cake": the two words describe
                continue
            if word in _NP_STOP and not (word == "and" and self._adjective_and(seen, j)) and not named_with or (
                    word in _REFLEXIVES):
                break  # "we'll add those ourselves": a pronoun ends the phrase
            if j > first and not named_with and (
                    (_number(word) is not None and word != "one" and not self._measure_before_noun(j))
                    or word in ("many", "several", "numerous") and seen.has_noun  # "on the wall many tire hanging"
                    or (match_phrase(words, j) is not None and word != "and"
                        and " ".join(words[j:j + 2]) not in lexicon.COMPOUND_NOUNS)):  # ("a jazz dance class")
                break  # (but "a green watering can over the beans": one name, not "can" the verb)
            if j == first and np.det in ("another", "each") and "VBZ" in words_verb_tags(word) and (
                    j + 1 < len(words) and words[j + 1] in lexicon.DETERMINERS):
                self.verb_at = j
                break  # "another aims a hose at the tires": one more of them, then what it does
            if j == first and (np.count is not None or np.det is not None) and (
                    self._phrase_opens(j) or self.words[j - 1] in ("each", "both", "all") and _is_past_tense(word)
                    and not (j + 1 < len(words) and lexicon.is_bodily(singular(words[j + 1])[0]))  # "each outstretched arm"
                    or self.words[j - 1] == "one" and _is_past_tense(word) and j + 1 < len(words)
                    and words[j + 1] in ("up", "out", "down", "off", "asleep", "awake")):  # "one curled up asleep"
                break  # "both wearing rain boots", "one wears goggles", "each draped in linen": the count word alone
            if self._trim_named_by_ing(np, first, j):
                seen.add(word)
                j += 1  # "with gold frogging and a top hat", "red piping": the trim, a noun in -ing
                continue
            if self._verb_ends_phrase(np, seen, j) or (j > first and self._plural_ends_phrase(np, j)):
                break
            if j > first and word.endswith("ed") and _is_past_tense(word) and not _can_be_noun(word) and (
                    self.words[j + 1:j + 2] and self.words[j + 1] in lexicon.PREPOSITIONS) and any(
                    _can_be_noun(singular(w)[0]) for w in self.words[j - seen.count:j]):
                break  # "a vintage red convertible parked behind him": done to the thing, after it
            if j > first and seen.has_noun and word in ("out", "off", "away", "back") and (
                    j + 1 >= len(words) or words[j + 1] in lexicon.PREPOSITIONS or not self.tokens[j + 1].is_word
                    or words[j + 1].endswith("ing")):
                break  # "a sailboat out on the water", "her phone out filming him": where, after the thing
            if j > first and word == "one" and seen.has_noun and not _can_be_adjective(words[j - 1]) and (
                    self.words[j - 1] not in lexicon.COLOURS and j + 1 < len(words)
                    and words[j + 1] in ("in", "wearing", "with", "holding", "dressed")):
                break  # "on the couch one in a blue shirt and the other …": a member begins, the comma left out
            if j > first and seen.has_noun and word in ("just", "still", "already", "finally", "also", "always") and (
                    j + 1 < len(words) and _is_verb_form(words[j + 1])):
                break  # "my dog Biscuit just turned 10": the verb's adverb, after the thing
            if j > first and seen.has_noun and self._centre_before_a_stop(j) and (
                    is_concrete(singular(words[j - 1])[0]) or lexicon.category(singular(words[j - 1])[0]) is not None) and (
                    not is_compound(words[j - 1], word)) and f"{words[j - 1]} {word}" not in lexicon.COMPOUND_NOUNS:
                break  # "tent centre.", "laptop center,": where the thing goes, in a terse note
            if j > first and seen.has_noun and self._said_of_the_thing(j):
                break  # "holds the ladder steady at the bottom", "the door open": how it is, after the thing
            if j > first and seen.has_noun and _only_adverb(word):
                break  # "an elf already awake", "two kids together on a bench": how, after the thing
            if j > first and seen.count and word in _INTENSIFIERS and j + 1 < len(words) and (
                    words[j + 1] in lexicon.PREPOSITIONS or words[j + 1] in _PARTICLES):
                break  # "a referee right in the middle", "a kite way up in the corner": how far, after the thing
            if j > first and word == "all" and seen.count and words[j + 1:j + 2] != ["of"]:
                break  # "a nurse all in white", "a paperclip all neatly arranged": how much, after the thing
            seen.add(word)
            j += 1
        return j

    def _recolour_said(self, i: int) -> int | None:
        """'a girl in a red coat, actually make it blue, …', 'no wait make it dark green': after a
        thought, 'make it' and colours alone take back the colour just said; where the colours start."""
        words = self.words
        if i > 0 and words[i - 1] not in _AFTER_A_THOUGHT:
            return None
        k = i
        while k < len(words) and words[k] in _CHANGING_MIND:
            k += 1
        if k + 2 >= len(words) or words[k] not in ("make", "change", "turn") or words[k + 1] not in ("it", "that", "them"):
            return None
        start = k + 2 + (words[k + 2] in ("to", "into"))
        end = start
        while end < len(words) and (words[end] in lexicon.COLOURS or words[end] in lexicon.COLOUR_SHADES or words[end] in (
                "and", "light", "dark", "pale", "bright", "deep", "instead")):
            end += 1
        colours = [w for w in words[start:end] if w in lexicon.COLOURS]
        return start if colours and (end >= len(words) or words[end] in (",", ".", ";", "!", "-", "—")) else None

    def _unknown_names(self) -> set[int]:
        """Words written with a capital inside a sentence that no word table knows ('Miso', 'Zuri')."""
        tokens, found = self.tokens, set()
        for j in range(1, len(tokens)):
            token, before = tokens[j], tokens[j - 1]
            if not (token.text[:1].isupper() and token.text[1:].islower() and token.text.isalpha()) or (
                    before.low in SENTENCE_END or lexicon.is_known_noun(token.low) or lexicon.category(token.low) is not None):
                continue
            after_kind = singular(before.low)[1] and lexicon.category(singular(before.low)[0]) in (priors.PERSON, priors.ANIMAL)
            listed = before.low in ("and", "&", ",") and j - 2 in found  # "our two dogs Pip and Nala"
            if not words.is_english(token.low) or after_kind or listed:
                found.add(j)
        return found

    def _member_named_again(self, i: int) -> bool:
        """Whether words[i], capitalised and alone, is a name given to one of a counted plural before."""
        token = self.tokens[i]
        return token.low in self.member_names and token.text[:1].isupper() and (
            i + 1 >= len(self.tokens) or not self.tokens[i + 1].text[:1].isupper())

    def _name_said_again(self, i: int) -> bool:
        """Whether words[i] is, capitalised and alone, a name given after a title before it."""
        token = self.tokens[i]
        return token.low in self.name_given_at and token.text[:1].isupper() and not self._name_after_title(i) and (
            i + 1 >= len(self.tokens) or not self.tokens[i + 1].text[:1].isupper())

    def _given_name_at(self, j: int) -> bool:
        """Whether words[j] names someone introduced by title or kin: 'Auntie May', 'my granddaughter
        Poppy', 'our dog Rex'."""
        token, before = self.tokens[j], self.tokens[j - 1]
        if self._name_after_title(j):
            return True
        if j >= 2 and before.low in ("called", "named") and token.text[:1].isupper() and token.text[1:].islower() and (
                lexicon.category(singular(self.words[j - 2])[0]) in (priors.PERSON, priors.ANIMAL)):
            return True  # "a black labrador called Bear", "a girl named Rose"
        return (j >= 2 and token.text[:1].isupper() and token.text[1:].islower() and len(token.text) > 2
                and before.text.islower() and self.words[j - 2] in ("my", "our", "his", "her", "their")
                and lexicon.category(before.low) in (priors.PERSON, priors.ANIMAL))

    def _name_after_title(self, j: int) -> bool:
        """Whether words[j] is a capitalised name right after a kin word or title used as one
        ('Auntie May', 'Uncle Ray', 'Grandpa Joe'), whatever else the word could be."""
        token, before = self.tokens[j], self.tokens[j - 1]
        return (token.text[:1].isupper() and token.text[1:].islower() and len(token.text) > 2
                and before.low in _KIN | _TITLES and before.text[:1].isupper()
                and lexicon.category(token.low) not in (priors.PERSON, priors.ANIMAL)  # "Papa Bear" is a bear
                and (j + 1 >= len(self.tokens) or not self.tokens[j + 1].text[:1].isupper()))

    def _terse_centre(self, i: int, previous: Chunk | None) -> bool:
        """'centre' or 'center' right after a thing's name and before a comma or the sentence's end,
        in terse notes ('tent centre.', 'seagull centre, mid-flight.')."""
        return self._centre_before_a_stop(i) and previous is not None and previous.kind == "NP" and (
            previous.end == i) and previous.np is not None and previous.np.noun is not None

    def _centre_before_a_stop(self, i: int) -> bool:
        after = self.words[i + 1] if i + 1 < len(self.words) else "."
        return self.words[i] in ("center", "centre", "middle") and after in (",", ".", ";")

    def _has_a_garment(self, i: int, previous: Chunk | None) -> bool:
        """'has'/'have' after someone, then 'a' and words that end in a garment ('the first has a pink
        bob and a silver vinyl trench coat'): what is worn."""
        if self.words[i] not in ("has", "have", "had") or previous is None or previous.kind != "NP":
            return False
        k = i + 1
        while k < len(self.words) and k - i < 8 and self.words[k] not in (",", ".", ";", "and"):
            k += 1
        head = singular(self.words[k - 1])[0] if k - 1 > i else ""
        return self.words[i + 1:i + 2] in (["a"], ["an"]) and (head in lexicon.CLOTHING or lexicon.ends_in_garment(head))

    def _said_of_the_thing(self, j: int) -> bool:
        """A describing word right after a thing's name and before where or the clause's end ('the
        ladder steady at the bottom'): what is said of the thing, no part of its name."""
        word, before = self.words[j], singular(self.words[j - 1])[0]
        after = self.words[j + 1] if j + 1 < len(self.words) else "."
        return "ADJ" in words.lemmas(word) and _number(word) is None and not is_concrete(word) and not lexicon.is_known_noun(word) and (
            is_concrete(before) or lexicon.is_known_noun(before)) and not words.is_compound(before, word) and (
            f"{before} {word}" not in lexicon.COMPOUND_NOUNS) and f"{before} {word}" not in priors.MULTIWORD_NOUNS and (
            after in lexicon.PREPOSITIONS) and word not in lexicon.COLOURS and (
            word not in lexicon.MATERIALS)

    def _colour_after_things(self, j: int) -> bool:
        """'wolf grey, pigs pink.': a colour said after its things, at the end of its clause, no verb."""
        return self.words[j] in lexicon.COLOURS and (
            j + 1 >= len(self.words) or self.words[j + 1] in (",", ".", "and", ";"))

    def _count_then_verb(self, j: int) -> bool:
        """'three feels cluttered', 'two looks better': right after a number, a verb's -s form that
        names no thing, then how it is."""
        word = self.words[j]
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        base = singular(word)[0]
        return "VBZ" in words.verb_tags(word) and not is_concrete(base) and not lexicon.is_known_noun(base) and (
            lexicon.category(base) is None) and (lexicon.is_adjective(after) or _is_past_tense(after)
                                                  or after in ("too", "so", "more", "less", "better", "worse", "like"))

    def _gerund_names_kind(self, seen: _Seen, j: int) -> bool:
        """'loaded touring bikes', 'two old fishing boats': after describing words only, an -ing word
        right before a noun says what kind of thing it is."""
        before = self.words[j - seen.count:j]
        word = self.words[j]
        nxt = self.words[j + 1] if j + 1 < len(self.words) else ""
        return bool(before) and word.endswith("ing") and all(
            (lexicon.is_adjective(w) or words.can_be(w, "ADJ") or _is_past_tense(w))
            and (not words.can_be(w, "NOUN") or w in lexicon.COLOURS) for w in before) and (  # not "a … uniform pouring"
            self._noun_follows(j + 1)) and lexicon.category(singular(nxt)[0]) not in (priors.PERSON, priors.ANIMAL)

    def _participle_describes(self, seen: _Seen, j: int) -> bool:
        """'a single lit candle', 'an old rusted bike': a past participle between describing words
        and the thing they describe is one of them, not the verb of a clause."""
        before = self.words[j - seen.count:j]
        return bool(before) and _is_past_tense(self.words[j]) and all(
            lexicon.is_adjective(w) or words.can_be(w, "ADJ") or w in _MADE_BY for w in before) and self._noun_follows(j + 1)

    def _phrase_opens(self, j: int) -> bool:
        """Whether a wearing, holding or relation phrase starts at words[j] ('wearing', 'in front of')."""
        found = match_phrase(self.words, j)
        return found is not None and found[1].kind in ("WEAR", "WITH", "REL", "VERB", "POSE", "DETAIL")

    def _plural_ends_phrase(self, np: NounPhrase, j: int) -> bool:
        """'two men arm wrestling', 'kids snowball fighting': English names a thing by a singular
        modifier ('dog food'), so a plural person or animal noun is the head and the phrase ends there;
        but not after "a", which never counts a plural ("a kids bedroom", "a girls school")."""
        if np.det in ("a", "an"):
            return False
        previous, word = self.words[j - 1], self.words[j]
        if previous.endswith(("'s", "s'")):
            return False  # "women's shoes", "the kids' boots": a possessive, then its thing
        if capitalised_plural(self.tokens[j - 1]) and j - 1 > 0 and self.words[j - 2] not in SENTENCE_END and (
                self.tokens[j].is_word and (lexicon.is_known_noun(singular(word)[0]) or is_concrete(singular(word)[0])
                                            or word[:1].isdigit() or self.tokens[j].text[:1].isupper())):
            return False  # "the Tigers U10 soccer team", "his Cowboys jersey": a team's name, then its thing
        base, plural = singular(previous)
        if not plural or word == "and" or lexicon.category(base) not in (priors.PERSON, priors.ANIMAL) or " " in base:
            return False  # "police officers": "police" is no plural of a thing of its own here
        compounds = priors.MULTIWORD_NOUNS | lexicon.COMPOUND_NOUNS | lexicon.SETTINGS
        names = {f"{previous} {word}", f"{base} {word}", f"{previous} {singular(word)[0]}"}
        return not names & compounds

    def _comma_between_adjectives(self, seen: _Seen, j: int) -> bool:
        after = self.words[j + 1] if j + 1 < len(self.words) and self.tokens[j + 1].is_word else ""
        doing = after.endswith("ing") and "VBG" in words.verb_tags(after) and not lexicon.is_adjective(after)
        if seen.count == 1 and words.can_be(self.words[j - 1], "ADJ") and any(
                w in lexicon.FRAMES for w in self.words[j + 1:j + 4]) and words.can_be(after, "ADJ"):
            return True  # "a clear, colourful picture of …", "a gentle, nostalgic picture": how the picture looks
        if seen.count == 1 and j >= 2 and self.words[j - 2] == "of":
            return False  # "a bale of cardboard, blue bins": the stuff ends the phrase
        if after in ("one", "another") or after in lexicon.NUMBER_WORDS or after.isdigit() or (
                after in lexicon.MEMBER_ORDINALS and after not in lexicon.COMPARED_MEMBERS):
            return False  # "one ice white, one jet black", "one man in red, second man in grey": the next member
        if seen.count == 1 and lexicon.category(singular(self.words[j - 1])[0]) in (priors.PERSON, priors.ANIMAL):
            return False  # "holding the baby, dim amber glow": someone, then the look
        k = j + 1
        worn = j - seen.count - 1 >= 0 and self.words[j - seen.count - 1] in ("in", "wearing")
        while worn and k < len(self.words) and (self.words[k] in lexicon.COLOURS or lexicon.is_adjective(self.words[k])):
            k += 1  # past the next describing words: "in purple, black dog in a tiny hat" (not "a big, fluffy dog")
        ahead = self.words[k] if k < len(self.words) and self.tokens[k].is_word else ""
        if ahead and not lexicon.is_adjective(ahead) and lexicon.category(singular(ahead)[0]) in (priors.PERSON, priors.ANIMAL):
            return False  # "elf girl in green, knight boy in silver armor": the next one tagged
        return (seen.count > 0 and seen.only_adjectives and bool(after) and after not in _NP_STOP and not doing
                and (lexicon.is_adjective(after) or self._noun_follows(j + 2)))  # (not "one small, holding hands")

    def _names_of_the_counted(self, i: int, chunks: list[Chunk]) -> int | None:
        """'our two cats Miso and Tofu', 'my 3 hens Dot, Marge and Tina': right after a counted plural
        of people or animals, as many names as the count, written with capitals, are theirs; after one
        nobody counted ('my dear friends Arthur and Peggy'), two or more are, and are its count. Where
        they end, or None."""
        before = chunks[-1] if chunks else None
        if before is None or before.kind != "NP" or before.end != i or before.np is None or (
                (before.np.count or 0) < 2 and not (before.np.count is None and before.np.plural)) or (
                lexicon.category(before.np.noun or "") not in (priors.PERSON, priors.ANIMAL)):
            return None
        if before.np.count is None:
            named = self._name_run(i, unknown_only=True)
            if named is None or named[1] < 2:
                return None
            before.np.count = named[1]
            return named[0]
        k, names = i, 0
        if self.words[i] == "," and i + 1 < len(self.tokens) and self.tokens[i + 1].text[:1].isupper():
            named = self._name_run(i + 1, most=before.np.count)
            after = self.words[named[0]] if named is not None and named[0] < len(self.words) else "."
            if named is not None and named[1] == before.np.count and after in (".", ",", ";", ":", "!"):
                return named[0]  # "Our two giraffes, Zuri and Kito.": the names of the two, set off
        if self.tokens[i - 1].text[:1].isupper() and self.words[i] in (",", "and") and before.end - before.start > 2:
            names = 1  # "my three goldfish Bubbles, Finn and Goldie": the first name read with its noun
            k += 2 if self.words[i] == "," and self.words[i + 1:i + 2] == ["and"] else 1
        named = self._name_run(k, most=before.np.count - names)
        return named[0] if named is not None and names + named[1] == before.np.count else None

    def _name_run(self, k: int, most: int | None = None, unknown_only: bool = False) -> tuple[int, int] | None:
        """Names written with capitals from words[k], joined by commas, 'and' or '&' (at most `most`;
        with `unknown_only`, none a word the lexicon knows as a kind): where they end and how many they
        are, or None when a word where a name should be is none."""
        names = 0
        while k < len(self.tokens) and (most is None or names < most):
            token = self.tokens[k]
            if not token.text[:1].isupper() or not token.text.isalpha() or token.low in lexicon.PRONOUNS or (
                    unknown_only and lexicon.category(token.low) is not None):
                return None
            names, k = names + 1, k + 1
            joined = k + 1 < len(self.tokens) and self.words[k] in (",", "and", "&") and (
                self.tokens[k + 1].text[:1].isupper() or self.words[k + 1] == "and")
            if not joined or names == most:
                break
            k += 2 if self.words[k] == "," and self.words[k + 1] == "and" else 1
        return (k, names) if names else None

    def _name_before_its_role(self, i: int) -> bool:
        """Whether a word written with a capital, right before 'the', 'is' or 'has', is a name ('… and
        Pip the little white terrier', 'Pip is white'; at a sentence's start only a word no table knows:
        'Rosie the black labrador', never 'Draw the dog')."""
        token = self.tokens[i]
        if not token.text[:1].isupper() or not token.text.isalpha() or i + 2 >= len(self.words) or (
                self.words[i + 1] not in ("the", "is", "has")) or token.text.isupper() and len(token.text) > 1:
            return False
        raw = token.text.lower()
        if raw in lexicon.DETERMINERS or raw in lexicon.PREPOSITIONS or raw in lexicon.PRONOUNS or (
                raw in lexicon.CONJUNCTIONS or raw in lexicon.COPULAS or raw in lexicon.FILLER or raw in _MODAL_WORDS
                or raw in lexicon.RELATIVE or raw in _ASKING_WORDS) or lexicon.category(raw) is not None or (
                is_concrete(raw) and self.words[i + 1] != "the"):
            return False  # ("Mum is in red", "Dog has a bone": the word's own sense)
        opens = i == 0 or self.words[i - 1] in SENTENCE_END or self.words[i - 1] in (":", '"', "(")
        return not opens or not is_english(raw)

    def _pose_after_a_colour_or_count(self, j: int) -> bool:
        """'a keeper in grey lying face down', 'all three standing facing the camera': a pose's -ing
        form right after a colour or a count of those named, or any -ing form right after a colour worn,
        is what they do, never a thing."""
        word, previous = self.words[j], self.words[j - 1]
        verb = lexicon.VERBS.get(word)
        worn_colour = previous in lexicon.COLOURS and j >= 2 and self.words[j - 2] == "in"
        doing = worn_colour and "VBG" in words.verb_tags(word)  # "a snowboarder in orange carving down the slope"
        if not doing and (verb is None or verb.pose is None or not word.endswith("ing")):
            return False
        after = singular(self.words[j + 1])[0] if j + 1 < len(self.words) else ""
        if after and words.can_be(after, "NOUN") and not lexicon.is_bodily(after) and after not in lexicon.PARTS and (
                after not in lexicon.PREPOSITIONS and after not in _PARTICLES) and not (
                after.endswith("ing") and "VBG" in words.verb_tags(after)):
            return False  # "a white standing desk", "red running shoes": a kind of thing
        return previous in lexicon.COLOURS or _number(previous) is not None and j >= 2 and self.words[j - 2] in (
            "all", "both", "the", "these", "those")

    def _verb_ends_phrase(self, np: NounPhrase, seen: _Seen, j: int) -> bool:
        """Whether words[j] is a verb after the noun phrase rather than a word inside it."""
        word = self.words[j]
        if j == self.object_at or word in lexicon.MEMBER_ORDINALS and self.words[j - 1] == "the":
            return False  # "the third a girl": an ordinal, no verb
        if word in lexicon.MATERIALS and self._noun_follows(j + 1) and not _is_past_tense(word):
            return False  # "a dented tin mug": what it is made of, never "to tin"
        if not seen.count and (np.det in ("a", "an", "the") or np.det in lexicon.POSSESSIVES) and np.count is None and (
                not words.can_be(word, "NOUN")) and not word.endswith(("ing", "ed")) and (
                words.may_be_concrete(word) or words.is_place(word)):
            return False  # "in the lounge": right after "the", a word WordNet knows as a thing, whatever the verb tables say
        before = self.words[np.start:j]
        done_to = bool(self.chunks_so_far) and self.chunks_so_far[-1].kind == "VERB" and (
            self.chunks_so_far[-1].end == np.start)
        if done_to and before and all(w.endswith("ing") and "VBG" in words.verb_tags(w) for w in before) and (
                singular(word)[1] and words.can_be(singular(word)[0], "NOUN")):
            return False  # "holding trekking poles": what kind of poles, after a verb that takes them
        if seen.count and " ".join(self.words[j:j + 2]) in lexicon.COMPOUND_NOUNS and word in _KINDS_OF_PLACE_WORDS:
            return False  # "a jazz dance class", "contemporary dance studio": a name of two words goes on
        if seen.count and word in ("cut", "split") and self.words[j + 1:j + 2] in (["in"], ["into"], ["open"]) and (
                f"{self.words[j - 1]} {word}" not in _HAIR_STYLES):  # (but "a pixie cut in a rust jumper": her hair)
            return True  # "a lime cut in half", "a log split open": done to the thing, not a kind of it
        if (word in lexicon.COLOURS or word in lexicon.MATERIALS) and (j + 1 >= len(self.words) or (
                not self.tokens[j + 1].is_word or self.words[j + 1] in ("and", "or", "with"))):
            return False  # "one in sage green, …", "in champagne satin and pearls": a colour, a stuff
        if np.det in ("a", "an") and word.endswith("ing") and not words.is_english(word) and not (
                self.words[j - 1:j] == [np.det] and self._noun_follows(j + 1)):
            return False  # "a halfling", "an earthling": an -ing word no table knows, after "a", is a thing
        if seen.count and j + 1 < len(self.words) and singular(self.words[j + 1])[0] in lexicon.CLOTHING and (
                not words.only_verb(word) or words.may_be_concrete(word) or word in ("knit", "knitted") or word.endswith("ing")) and (
                lexicon.category(singular(self.words[j - 1])[0]) not in (priors.PERSON, priors.ANIMAL)):
            # (but "a bartender wiping glasses": someone doing it)
            return False  # "a cable knit sweater", "a wrap dress": how the garment is made; "bowling shirts": for what
        if j > 0 and (f"{self.words[j - 1]} {singular(word)[0]}" in lexicon.COMPOUND_NOUNS | priors.MULTIWORD_NOUNS
                      or words.is_compound(self.words[j - 1], singular(word)[0])):
            return False  # "a porch swing", "a swing set", "video games": a thing named by two words
        has_noun = seen.has_noun
        if not has_noun and np.det in ("a", "an", "the") and _participle(self.words[j - 1]) and (
                not word.endswith("ing") and words.can_be(singular(word)[0], "NOUN")):
            return False  # "a parked moped", "a painted miniature": the participle describes the noun after it
        if word in lexicon.COLLECTIVES and seen.has_noun and not (j + 1 < len(self.words) and (
                self.words[j + 1] in lexicon.DETERMINERS or _number(self.words[j + 1]) is not None)):
            return False  # "lifeguard crew:", "a dance troupe": the group the nouns before name
        if seen.count and self._agrees_as_verb(np, j):
            self.verb_at = j
            return True
        if j >= 3 and _number(self.words[j - 1]) is not None and self.words[j - 2] == "of" and (
                self.words[j - 3] in lexicon.COLLECTIVES) and (
                words.verb_tags(word) & {"VBZ", "VBP"}) and lexicon.category(singular(word)[0]) is None:
            self.verb_at = j
            return True  # "a family of four stands together": the number ends the phrase
        if _is_past_tense(word) and not self._thing_in_fronted_place(np, j) and (
                f"{self.words[j - 1]} {word}" not in _HAIR_STYLES):
            # "two drums added rhythm", "the omelet cooked the eggs"; but "a 3 legged stool", "a potted plant"
            if " ".join(self.words[j:j + 2]) in priors.MULTIWORD_NOUNS or (
                    f"{self.words[j - 1]} {word}" in lexicon.COMPOUND_NOUNS | priors.MULTIWORD_NOUNS):
                return False  # "a swing set"
            after = self.words[j + 1] if j + 1 < len(self.words) else ""
            if after in ("one", "ones") and not has_noun:
                return False  # "one pink sprinkled one": describing words before "one"
            return has_noun or (seen.count > 0 and (after in lexicon.DETERMINERS or _number(after) is not None))
        if word.endswith("ing") and "VBG" in words.verb_tags(word) and has_noun and j + 1 < len(self.words) and (
                self.words[j + 1] in ("a", "an", "the") or _number(self.words[j + 1]) is not None):
            self.verb_at = j
            return True  # "two girls on the sand building a castle": a gerund with its object, even one that names a thing
        if not (word in lexicon.VERBS or _is_verb_form(word)):
            return False
        if not seen.only_adjectives:
            if not has_noun and (lexicon.is_known_noun(word) or lexicon.is_known_noun(singular(word)[0])):
                return False  # "the crashing waves": the known noun is the head
            # "a book stand": after "a" and a singular noun, a bare verb form is a noun ("a man stands")
            single = (np.det in lexicon.ARTICLES or np.det in lexicon.POSSESSIVES) and np.count is None
            creature = lexicon.category(singular(self.words[j - 1])[0]) in (priors.PERSON, priors.ANIMAL)
            return not (single and self._base_noun(word) and self._is_last_word(j) and not singular(self.words[j - 1])[1]
                        and not creature)  # "a book stand"; but "a man stand on a hill" (stands)
        if (np.det in lexicon.ARTICLES and self._base_noun(word) and "NOUN" in words.lemmas(word)
                and word not in lexicon.EVENTS):  # "taking a nap" is read by its verb
            return False  # "a wooden stand", "a tall stand": after "a" and an adjective, the base form is the thing
        if word.endswith("ing") and seen.count and j + 1 < len(self.words) and (
                self.words[j + 1] in lexicon.DETERMINERS or _number(self.words[j + 1]) is not None):
            return True  # "a little red locomotive pulling three wagons": an -ing word with its object is a verb
        # "a couple dancing"; but "a sitting man", "a painting"
        return not (self._noun_follows(j + 1) or lexicon.is_known_noun(singular(word)[0]))

    @staticmethod
    def _base_noun(word: str) -> bool:
        """A bare verb form that a noun may also be ("stand", "rest"), not "stands", "sat" or "ran"."""
        return not word.endswith(("s", "ing", "ed")) and word not in ("sat", "stood", "lay", "ran", "swam")

    def _agrees_as_verb(self, np: NounPhrase, j: int) -> bool:
        """'a rooster crows on', 'ducks paddle across', 'kids building a snowman': after a noun, a
        form that can be a verb agreeing with it in number, followed by what a verb is followed by
        (a determiner, a preposition, the end), is the verb, even where it could be a noun. A known
        object noun after something that cannot act stays a compound ('an office building on')."""
        word, previous = self.words[j], self.words[j - 1]
        tags = words.verb_tags(word)
        last_said = j + 1 >= len(self.words) or not self.tokens[j + 1].is_word or self.words[j + 1] in lexicon.FILLER
        someone = lexicon.category(previous) == priors.PERSON and "VBZ" in tags and last_said and (
            not lexicon.is_known_noun(word))  # "my cousin's baby counts lol": the baby does it
        if not tags or previous in _NP_STOP or lexicon.is_adjective(previous) and not someone:
            return False
        if self._colour_after_things(j):
            return False
        if self.tokens[j - 1].text[:1].isupper() and not self.tokens[j - 1].text.isupper() and (
                j - 1 > np.start or not words.is_english(self.words[j - 1])) and (
                lexicon.category(singular(word)[0]) in (priors.PERSON, priors.ANIMAL)):
            return False  # "two Norman knights", "Hebrew slaves": who they are, by a people's name
        base = singular(word)[0]
        worn_or_bodily = base in lexicon.CLOTHING or base in lexicon.PARTS or lexicon.is_bodily(base) or (
            f"{previous} {word}" in _HAIR_STYLES)
        if worn_or_bodily and np.start > 0 and self.words[np.start - 1] in _DRESSED:
            return False  # "in matching sailor suits", "with pointy elf ears", "with a buzz cut": worn or bodily
        if "VBG" in tags and singular(previous)[0] in lexicon.CLOTHING and np.start > 0 and (
                self.words[np.start - 1] in _DRESSED):
            return True  # "in a moss green tunic drawing a longbow": the wearer draws
        agent = lexicon.category(singular(previous)[0]) in (priors.PERSON, priors.ANIMAL)
        if (singular(word)[0] in lexicon.STYLE_WORDS or word in lexicon.STYLE_WORDS) and not agent:
            return False  # "sepia tones", "warm colors"; but "the man lights a candle"
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        if tags & {"VBN", "VBD"} and after in ("with", "by") and f"{previous} {word}" not in lexicon.COMPOUND_NOUNS:
            return True  # "a dinner table set with four plates", "a wall covered by ivy"
        compounds = priors.MULTIWORD_NOUNS | lexicon.COMPOUND_NOUNS | lexicon.SETTINGS
        if (" ".join(self.words[j:j + 2]) in compounds or f"{previous} {word}" in compounds
                or f"{singular(previous)[0]} {word}" in compounds):
            return False  # "a black dining table", "a parking meter", "a farmers market"
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        if words.only_verb(word) and not lexicon.is_known_noun(word):
            return True  # "a man in a panama hat sit on ...": only a verb, whatever the number
        follows = (not after or not self.tokens[j + 1].is_word or after in _NP_STOP or _number(after) is not None
                   or after in lexicon.PRONOUNS or words.is_adverb(after) or match_phrase(self.words, j + 1) is not None)
        animate = lexicon.category(singular(previous)[0]) in (priors.PERSON, priors.ANIMAL)
        single_agent = animate and (np.det in ("a", "an", "the") or np.det in lexicon.POSSESSIVES) and (
            not singular(previous)[1]) and "VBZ" in tags and (
            singular(word)[1] or words.only_verb(word))
        # "a lone scarecrow keeps guard": after "a" and a singular noun, an -s form is no plural inside the
        # phrase ("a" never counts a plural), so it is the verb
        a_then_verb = np.det in ("a", "an") and not singular(previous)[1] and "VBZ" in tags and singular(word)[1] and (
            lexicon.is_known_noun(singular(previous)[0]) or words.is_concrete(previous)) and "VERB" in words.lemmas(word)
        if self._bare_verb_of_one(np, j):
            return True  # "my aunt cook dumplings", "grandma sit on the bench": a learner's verb, said bare
        if not follows and not ("VBG" in tags and (words.only_verb(word) or animate)) and not single_agent and not a_then_verb:
            return False  # "a robot serving drinks": a participle after one who can do it; "a chef flips pancakes"
        if _number(previous) is not None and j >= 2 and self.words[j - 2] == "of" and tags & {"VBZ", "VBP"}:
            return True  # "a family of four stands together": the number ends the phrase
        base, plural = singular(previous)
        if np.det in ("a", "an") and not plural and "VBZ" in tags and singular(word)[1] and (follows or a_then_verb):
            return True  # "a woodpecker drums on a branch": "a" and a plural make no compound
        if "VBP" in tags and not singular(word)[1] and after in ("the", "a", "an") and np.det in ("a", "an") and (
                self._coordinated_before()) and not self._fronted_place(np):
            return True  # "a wig on a stand and a suitcase on a chair crowd the corner": the list's verb
        if tags & {"VBP", "VBZ"} and after in lexicon.ARTICLES and self._fronted_place(np) and not (
                self._thing_in_fronted_place(np, j)):
            return True  # "on a bathroom shelf rest a towel and a candle": the subject comes after
        plural = plural or (np.count or 1) > 1
        agrees = tags & ({"VBG", "VBD", "VBP"} if plural else {"VBG", "VBD", "VBZ"})
        if not agrees:
            # "a girl in blue shorts and knee socks waits": worn things do nothing; the verb is hers
            if "VBZ" in tags and plural and follows and (previous in lexicon.CLOTHING or base in lexicon.CLOTHING):
                return True
            # "an archer, a rogue and a wizard with a staff wait nearby": the verb of them all
            held = np.start > 0 and self.words[np.start - 1] == "with" and (words.can_be(after, "ADV") or (
                j + 1 < len(self.words) and match_phrase(self.words, j + 1) is not None))
            return ("VBP" in tags and not plural and follows and self._ends_a_list(np) and (animate or held)
                    and not lexicon.is_known_noun(word) and not lexicon.is_known_noun(singular(word)[0]))
        if lexicon.is_known_noun(word) or lexicon.is_known_noun(singular(word)[0]):
            return lexicon.category(base) in (priors.PERSON, priors.ANIMAL)
        return True

    def _bare_verb_of_one(self, np: NounPhrase, j: int) -> bool:
        """'my aunt cook dumplings', 'the old man sell simit': after one person or animal, named with
        'a', 'the' or 'my', the bare form of a verb, then what it does it to or where, is the verb,
        as learners of English often write it (never a plural's, never a name of two words)."""
        word, previous = self.words[j], self.words[j - 1]
        doer = np
        if np.start > 0 and self.words[np.start - 1] == "with" and len(self.chunks_so_far) >= 2 and (
                self.chunks_so_far[-2].kind == "NP" and self.chunks_so_far[-2].np.noun is not None):
            doer = self.chunks_so_far[-2].np  # "an old man with red cart sell simit": the man sells
            previous = doer.noun
        base, plural = singular(previous)
        if plural or doer.plural or (doer.count or 1) > 1 or "VBP" not in words.verb_tags(word) or singular(word)[1] or (
                lexicon.category(base) not in (priors.PERSON, priors.ANIMAL)) or not (
                doer.det in lexicon.ARTICLES or doer.det in lexicon.POSSESSIVES):
            return False
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        object_after = bool(after) and singular(after)[1] and after != singular(after)[0] and (
            lexicon.category(singular(after)[0]) not in (priors.PERSON, None) or lexicon.is_known_noun(singular(after)[0]))
        unknown_after = bool(after) and self.tokens[j + 1].is_word and not words.is_english(after) and (
            after not in _NP_STOP and after not in lexicon.CONJUNCTIONS and after not in lexicon.PRONOUNS)  # "sell simit"
        if lexicon.is_known_noun(word) or lexicon.category(word) is not None or is_concrete(word):
            return doer is np and object_after  # "my aunt cook dumplings" (but "a mother duck across the road")
        return after in lexicon.DETERMINERS or after in lexicon.PREPOSITIONS or object_after or unknown_after

    def _ends_a_list(self, np: NounPhrase) -> bool:
        """Whether an "and" in this sentence before the noun phrase joins things that a plural verb
        after it may be said of ("a boy and a girl wait", "…, a rogue and a wizard with a staff wait")."""
        k = np.start - 1
        while k >= 0 and self.words[k] not in SENTENCE_END:
            if self.words[k] in ("and", "&"):
                return True
            k -= 1
        return False

    def _doing_inside(self, body: list[int]) -> int | None:
        """Where a phrase runs on past its noun into an -ing word that can only be a verb and an object
        ('locomotive puffing steam'): the position of the noun before the verb, or None."""
        for k in range(1, len(body) - 1):
            word, before, after = self.words[body[k]], self.words[body[k - 1]], self.words[body[k + 1]]
            if word.endswith("ing") and set(words_lemmas(word)) == {"VERB"} and not is_compound(word, singular(after)[0]) and (
                    lexicon.is_known_noun(singular(before)[0]) or is_concrete(singular(before)[0])) and (
                    before not in lexicon.ADJECTIVES and "NOUN" in words_lemmas(singular(before)[0])):
                return k - 1
        return None

    def _likened_to(self, i: int) -> int:
        """'as proud as pirates', 'no bigger than a thimble', 'almost as tall as the shed', 'the size of a
        bumblebee': what something is likened to is not in the picture; where the likening ends, or i."""
        said, n = self.words, len(self.words)
        if said[i] == "as" and i + 3 < n and said[i + 2] == "as" and self.tokens[i + 1].is_word and (
                said[i + 1] not in ("soon", "long", "well", "far", "much", "many", "often", "quickly")) and (
                lexicon.is_adjective(said[i + 1]) or words.can_be(said[i + 1], "ADJ") or words.can_be(said[i + 1], "ADV")):
            start = i + 3
        elif said[i] == "no" and i + 3 < n and said[i + 2] == "than" and said[i + 1].endswith("er") and (
                said[i + 1] not in ("other", "longer")):
            start = i + 3  # "no bigger than a thimble"
        elif said[i:i + 2] == ["the", "size"] and i + 3 < n and said[i + 2] == "of" and i > 0 and (
                said[i - 1] in lexicon.COPULAS or said[i - 1] in (",", "about", "roughly", "only")):
            start = i + 3  # "who is the size of a bumblebee"
        else:
            return i
        if start < n and said[start] in ("a", "an", "the", "his", "her", "their", "its", "my", "our") or (
                start < n and self.tokens[start].is_word and lexicon.is_known_noun(singular(said[start])[0])):
            phrase = self.noun_phrase(start)
            return phrase.end if phrase is not None and phrase.noun is not None else i
        return i

    def _age_said(self, i: int) -> bool:
        """'a girl around 10', 'a boy about 6': after someone, a rough number is their age."""
        return (0 < i < len(self.words) - 1 and self.words[i] in ("around", "about", "aged", "maybe", "roughly")
                and _number(self.words[i + 1]) is not None and lexicon.category(singular(self.words[i - 1])[0]) == priors.PERSON
                and (i + 2 >= len(self.words) or not lexicon.is_known_noun(singular(self.words[i + 2])[0])))

    def _participle_after_comma(self, i: int) -> bool:
        """After a comma, an -ing form that can only be a verb, followed by a bare plural it does not
        name a thing with ('picking strawberries', not 'fishing rods'), is what someone does."""
        word = self.words[i]
        if word.endswith("ing") and "VBG" in words.verb_tags(word) and self.words[i + 1:i + 2] in (
                ["a"], ["an"], ["the"], ["his"], ["her"], ["their"], ["its"]) and word not in lexicon.STYLE_WORDS:
            return True  # "…, building a sandcastle": "building" with an object after it is done
        if not word.endswith("ing") or set(words.lemmas(word)) != {"VERB"} or word in lexicon.ADJECTIVES or (
                word in lexicon.STYLE_WORDS) or i + 1 >= len(self.words):
            return False
        after, plural = singular(self.words[i + 1])
        return plural and self._noun_follows(i + 1) and not lexicon.is_known_noun(f"{word} {after}") and (
            f"{word} {after}" not in lexicon.COMPOUND_NOUNS) and not words.is_compound(word, after)

    def _verb_after_aside(self, i: int) -> bool:
        """After a comma, a form that agrees with a singular subject ('reaches', 'waves'), names no
        known thing and is followed by a particle, preposition, adverb or object, is the verb the
        aside before it was waiting for."""
        word = self.words[i]
        if "VBZ" not in words.verb_tags(word) or lexicon.is_known_noun(singular(word)[0]) or word in lexicon.STYLE_WORDS:
            return False
        after = self.words[i + 1] if i + 1 < len(self.words) else ""
        return after in lexicon.PREPOSITIONS or after in lexicon.DETERMINERS or words.is_adverb(after) or after in (
            "up", "down", "out", "off", "back", "away", "over")

    def _coordinated_before(self) -> bool:
        """Whether this clause so far joined things with 'and' (a plural subject for a verb after them)."""
        for chunk in reversed(self.chunks_so_far):
            if chunk.kind in ("SENT", "CLAUSE", "VERB", "COPULA"):
                return False
            if chunk.kind == "AND":
                return True
        return False

    def _thing_in_fronted_place(self, np: NounPhrase, j: int) -> bool:
        """'Under the kitchen table a dog …', 'Behind the garden shed a fox …': the last word of the
        place before its subject is a thing, not a verb with the subject after it."""
        word = self.words[j]
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        return after in lexicon.ARTICLES and self._fronted_place(np) and (
            lexicon.category(singular(word)[0]) is not None or words.is_concrete(word) and word not in _STANCE_VERBS)

    def _fronted_place(self, np: NounPhrase) -> bool:
        """Whether the phrase opens the sentence after a preposition ('On a shelf rest ...')."""
        k = np.start - 1
        while k >= 0 and self.words[k] in lexicon.DETERMINERS:
            k -= 1
        before = self.words[k - 1] if k >= 1 else "."
        return k >= 0 and self.words[k] in lexicon.PREPOSITIONS and before in (".", ";", "!", "?", ",", ":")

    def _verb_after_subject(self, previous: Chunk, i: int) -> bool:
        """'she waves at them', 'they share a cake', 'two men shaking hands': after a pronoun any
        verb form, after a noun phrase a form that is only a verb, is the clause's verb."""
        word = self.words[i]
        if word in lexicon.VERBS or match_phrase(self.words, i) is not None:
            return False
        if self._colour_after_things(i):
            return False
        np = previous.np
        if np is not None and np.pronoun in ("he", "she", "they", "it", "we", "i", "you", "himself", "herself",
                                             "itself", "themselves"):
            return bool(words.verb_tags(word) - {"VBN"}) or word in lexicon.VERBS
        placed = len(self.chunks_so_far) >= 2 and self.chunks_so_far[-2].kind == "REL"
        after = self.words[i + 1] if i + 1 < len(self.words) else ""
        if np is not None and np.pronoun in ("them", "him", "her", "us", "it") and placed and after in lexicon.ARTICLES:
            return bool(words.verb_tags(word) & {"VBZ", "VBP"})  # "between them rolls a tumbleweed": inverted
        if np is not None and np.noun is not None and (np.plural or (np.count or 1) > 1) and (
                lexicon.category(np.noun) in (priors.PERSON, priors.ANIMAL)):
            # "knights fire arrows": after people or animals, a form agreeing with the plural is their
            # verb; but "men arm wrestling": a noun before a gerund is what the gerund does
            after = self.words[i + 1] if i + 1 < len(self.words) else ""
            return "VBP" in words.verb_tags(word) and "VBG" not in words.verb_tags(after)
        return words.only_verb(word) and not lexicon.is_known_noun(word)

    def _is_last_word(self, j: int) -> bool:
        return not self._noun_follows(j + 1)

    def _adjective_is_the_thing(self, np: NounPhrase, body: list[int], end: int) -> bool:
        """Only adjectives: the last one names the thing, unless more is to come ("a red and a blue
        cup", "the cup is red", "a man in red")."""
        last = self.words[body[-1]]
        if last in lexicon.MATERIALS and last not in lexicon.COLOURS:
            return True
        if np.det is None and np.count is None:
            return False
        before = self.words[np.start - 1] if np.start > 0 else ""
        after = self.words[end] if end < len(self.words) else ""
        # "a salmon", "some coral": a colour that is also a thing, alone after a determiner
        named = len(body) > 1 or (words.can_be(last, "NOUN") and (
            np.det is not None and np.det not in lexicon.POSSESSIVES or np.vague))
        if before == "with" and np.det in ("a", "an") and len(body) > 1 and words.can_be(last, "NOUN") and (
                after not in ("and", ",", "or")):
            return True  # "with a vintage red convertible parked behind him"
        if np.det in ("a", "an") and len(body) == 1 and before in ("that", "it", "them") and words.can_be(last, "NOUN") and (
                last not in lexicon.COLOURS):
            return True  # "no, make that a cardinal": the thing it is to be
        if np.det in ("the", "a", "an") and after in (",", "and", "or") and (
                words.is_concrete(last) or lexicon.category(last) is not None or words.general_animal(last)) and (
                last not in lexicon.COLOURS):
            return True  # "driving the convertible, a guy …": a thing "the" points at, not a colour to share
        if np.det in ("a", "an") and len(body) == 1 and after == "," and words.is_concrete(last) and (
                before not in lexicon.COPULAS and before not in ("in", "with", "wearing", "dressed")):
            return True  # "holding up a salmon, crates of ice …": a thing that is also a colour, alone
        return (named and before not in lexicon.COPULAS and before not in ("in", "with", "wearing", "dressed")
                and after not in ("and", ",", "or"))

    def _noun_follows(self, j: int) -> bool:
        return j < len(self.words) and self.tokens[j].is_word and self.words[j] not in _NP_STOP

    def _adjective_and(self, seen: _Seen, j: int) -> bool:
        # "red and white striped": 'and' joins modifiers when everything so far is an adjective
        # and an adjective follows.
        after = self.words[j + 1] if j + 1 < len(self.words) else ""
        return seen.count > 0 and seen.only_adjectives and lexicon.is_adjective(after)

    def _lower_case_name(self, np: NounPhrase, body: list[int], end: int) -> bool:
        """'my dog biscuit w/ his red ball', 'my horse daisy (shes a chestnut mare)': after 'my' and a
        word for a person or an animal, a lower-case word no list names a thing by, with 'he' or 'she'
        said of them soon after, is their name."""
        if np.det not in ("my", "our", "his", "her", "their") or len(body) != 2:
            return False
        kind, name = self.words[body[0]], self.words[body[1]]
        if lexicon.category(kind) not in (priors.PERSON, priors.ANIMAL) or not self.tokens[body[1]].text.islower():
            return False
        pair = f"{kind} {name}"
        if pair in priors.MULTIWORD_NOUNS or pair in lexicon.COMPOUND_NOUNS or lexicon.category(name) is not None:
            return False
        return bool(set(self.words[end:end + 8]) & {"he", "she", "his", "her", "him", "hes", "shes", "he's", "she's"})

    def _member_in_a_list(self, np: NounPhrase, end: int) -> bool:
        """Whether a phrase opened by 'one' goes on a list of members ('…, one black and one tan'), with
        no thing after it."""
        words = self.words
        return np.count == 1 and words[np.start] == "one" and np.start > 0 and (
            words[np.start - 1] in (",", "-", "\u2013", "\u2014", ";", "and")) and (
            end >= len(words) or not self._noun_follows(end))

    def _second_look_after(self, j: int) -> bool:
        """'a dress blue and white.', 'a tram red and yellow behind': after a look said after its noun,
        'and' and a second colour that ends the phrase."""
        words = self.words
        if not (j + 1 < len(words) and words[j] == "and" and words[j + 1] in lexicon.COLOURS):
            return False
        after = words[j + 2] if j + 2 < len(words) and self.tokens[j + 2].is_word else ""
        return not after or after in lexicon.PREPOSITIONS or after in lexicon.COPULAS or after in ("and", "with") or (
            bool(words_verb_tags(after) & {"VBZ", "VBP", "VBG", "VBD"}) and not lexicon.is_known_noun(singular(after)[0]))

    def _flavour_of_the_counted(self, word: str, at: int) -> bool:
        """Whether `word`, said after 'one' in a run of 'one …' members, names food that one of the
        counted food just named is made of or topped with ('two cakes, one chocolate and one lemon';
        but 'two sandwiches, one apple and a thermos' is an apple)."""
        counted = next((c for c in reversed(self.chunks_so_far) if c.kind == "NP" and c.np is not None
                        and (c.np.count or 0) >= 2), None)
        base = singular(word)[0]
        if counted is None or counted.np.noun is None or base == counted.np.noun or (
                lexicon.category(counted.np.noun) != priors.FOOD) or not (
                lexicon.category(base) == priors.FOOD or base in lexicon.MASS_NOUNS or not words.is_english(base)):
            return False
        clause = self.words[counted.end:at] + self.words[at + 1:at + 4]
        return "one" in clause  # ("…, one pepperoni and one margherita": each of them, one by one)

    def _said_after_its_noun(self, np: NounPhrase, first: int, last: int, end: int) -> bool:
        """'a cat orange', 'the woman young', 'a clock round': a colour, or a word of size, age or shape,
        after the noun it is said of, as many writers put it; never a kind of thing ('a fox terrier'),
        a shade ('cherry red', 'navy blue') or a word before a noun ('a dog orange collar')."""
        said, noun = self.words[last], singular(self.words[last - 1])[0] if last > first else ""
        bare_plural = singular(self.words[last - 1])[1] and lexicon.category(noun) in (priors.PERSON, priors.ANIMAL) and (
            end < len(self.words) and self.tokens[end].is_word)  # "little frogs green around him" (not "…, cats black")
        worn = noun in lexicon.CLOTHING and np.start > 0 and self.words[np.start - 1] in _DRESSED  # "with hijab orange"
        if not noun or np.det is None and np.count is None and not bare_plural and not worn or self.words[last - 1] in lexicon.COLOURS or (
                noun in lexicon.COLOUR_SHADES or not lexicon.is_known_noun(noun)):
            return False
        if said not in lexicon.COLOURS and said not in _SAID_AFTER:
            return False
        nxt = self.words[end] if end < len(self.words) and self.tokens[end].is_word else None
        agreeing = "VBP" if singular(self.words[last - 1])[1] else "VBZ"
        if nxt is not None and self._noun_follows(end) and not (
                nxt in lexicon.COPULAS or nxt.endswith("ing") or agreeing in words_verb_tags(nxt)):
            return False  # (but "two rabbits white sit": their verb follows)
        living = lexicon.category(noun) in (priors.PERSON, priors.ANIMAL)
        thing = lexicon.category(noun) is not None or is_concrete(noun)
        return living or thing and not words.can_be(noun, "ADJ") and (
            f"{noun} {said}" not in lexicon.COMPOUND_NOUNS | priors.MULTIWORD_NOUNS)

    def _head(self, body: list[int], np: NounPhrase, end: int) -> tuple[int, int]:
        """Find the head noun in the body of a noun phrase; fills np.noun / np.plural."""
        words = self.words
        first, last = body[0], body[-1]
        called = next((k for k in range(1, len(body) - 1) if words[body[k]] in ("called", "named")
                       and self._given_name_at(body[k + 1])), None)
        if called is not None:
            head_start, _ = self._head(body[:called], np, end)
            return head_start, body[called + 1] + 1  # "a black labrador called Bear": the labrador, with its name
        if first == last and np.det in ("a", "an", "the") and words[first] in lexicon.MEMBER_ORDINALS and (
                np.det == "the" or words[first] not in lexicon.COMPARED_MEMBERS):
            return last + 1, last + 1  # "a third asleep under a tree", "the second an elf": one of them
        if last > first and (words[first] == "other" or words[first] in lexicon.MEMBER_ORDINALS) and np.det == "the" and all(
                words[k] in lexicon.COLOURS or words[k] in lexicon.COLOUR_SHADES or lexicon.is_adjective(words[k])
                for k in body[1:]):
            return last + 1, last + 1  # "one is black, the other ginger": the other one, said to be ginger
        if self._member_in_a_list(np, end) and first == last and self._flavour_of_the_counted(words[last], np.start):
            return last + 1, last + 1  # "two pizzas, one pepperoni and one margherita": what each of them is
        if self._member_in_a_list(np, end) and (
                first == last and (words[last] in lexicon.COLOURS and lexicon.category(words[last]) is None
                                   or words[last] in lexicon.COAT_COLOURS)
                or last == first + 1 and words[last] in lexicon.BASIC_COLOURS
                and lexicon.category(singular(words[first])[0]) not in (priors.PERSON, priors.ANIMAL)):
            # "one black and one tan": a colour of one of them, not a suntan; "one cherry red, one jet
            # black": a colour of one of them, shaded
            return last + 1, last + 1
        recoloured = last > first and words[last] in lexicon.COLOURS and lexicon.is_known_noun(singular(words[last - 1])[0]) and (
            set(words[max(0, np.start - 2):np.start]) & {"make", "paint", "turn", "color", "colour", "dye"})
        if recoloured:
            found = _known_noun_at(words, last - 1, first)
            if found is not None:
                np.noun, np.plural = found[1], found[2]
                return found[0], last  # "make the kitten orange": the kitten, then its new colour
        if self._lower_case_name(np, body, end):
            np.noun, np.plural = singular(words[first])[0], False
            return first, last + 1  # "my dog biscuit w/ his red ball": the dog, called Biscuit
        if last > first and self._name_after_title(last):
            np.noun, np.plural = singular(words[last - 1])[0], False
            return last - 1, last + 1  # "Auntie May": the aunt, called May
        found = None
        said_after = self._said_after_its_noun(np, first, last, end)
        for j in range(last, first - 1, -1):
            if j == last and said_after:
                continue  # "a cat orange is watching", "a mushroom giant": the look said after the noun
            if j < last and capitalised_plural(self.tokens[j]) and (j > first or np.det is not None):
                continue  # "his Cowboys jersey", "the Eagles fan": a team's name says whose, the last word what
            found = _known_noun_at(words, j, first)
            if found is not None:
                head_start, noun, plural = found
                head_end = j + 1
                break
        doing = found is not None and head_end == last + 1 and head_start == last and self._doing_after_noun(
            first, last, end) and not (words[last] in lexicon.FRAMES and words[end:end + 1] == ["of"])
        # ("a simple drawing of a bride": the drawing, never "simple" drawing something)
        if doing:
            found = _known_noun_at(words, last - 1, first) or (last - 1, *singular(words[last - 1]))
            head_start, noun, plural = found  # "a big orange sun setting behind the lighthouse"
            head_end = last
        if last > first and self.tokens[last].text[:1].isupper() and self.tokens[last - 1].text.islower() and (
                lexicon.category(words[last - 1]) in (priors.PERSON, priors.ANIMAL)):
            named = _known_noun_at(words, last - 1, first)
            if named is not None:
                # "our old dog Daisy", "my cat Pepper": the name of the one the noun says, whatever else it means
                found, (head_start, noun, plural), head_end = named, named, last + 1
        if (found is None or head_end in (last, last + 1)) and last > first and words[last] in _STANDS_FOR:
            kind = _known_noun_at(words, last - 1, first) or (last - 1, *singular(words[last - 1]))
            before = words[last - 1]
            a_kind = before not in lexicon.COLOURS and not lexicon.is_adjective(before) and before not in (
                lexicon.STYLE_WORDS) and before not in _NO_KIND and "ADJ" not in words_lemmas(before)
            if a_kind and (lexicon.category(kind[1]) is not None or is_concrete(kind[1]) or "NOUN" in words_lemmas(kind[1])):
                # "a knight sprite", "a red fox character", "a blue jay companion": the knight, the fox, the jay
                found, (head_start, noun, plural), head_end = kind, kind, last + 1
        if found is not None and head_end <= last and not doing and not said_after:
            # A word the lexicon does not know after a known noun: an English head comes last,
            # unless that word reads as a verb ("a cat licks", "a car parked").
            trailing = words[last]
            single = np.det in lexicon.ARTICLES or np.count == 1
            verbish = (trailing.endswith(("ed", "ing", "ly")) and not is_concrete(trailing)) or (
                trailing.endswith("s") and not trailing.endswith("ss") and single and not is_concrete(trailing))
            # (but "a garden shed", "a small orange triceratops")
            # "my cat Milo", "our dog Biscuit": a capitalised name after a lower-case noun names that one
            pet_name = np.det in ("my", "our", "his", "her", "their") and last == first + 1 and not is_english(trailing) and (
                lexicon.category(words[last - 1]) in (priors.PERSON, priors.ANIMAL))  # "my cat mochi", typed lower case
            named = pet_name or self.tokens[last].text[:1].isupper() and (
                self.tokens[last - 1].text.islower() or lexicon.category(words[last - 1]) == priors.PERSON
                and (not is_english(words[last]) or words[last - 1] in _KIN | _TITLES))
            # (words is the list here)  # "Detective Okafor", "Captain Reyes", "Uncle Ray"
            if not verbish and not named:
                found = None
            elif named:
                head_end = last + 1  # the name goes with its noun: "Detective Okafor" is the detective
        if found is None and last > first and self.tokens[last].text[:1].isupper() and (
                self.tokens[last - 1].text.islower() or words[last - 1] in _TITLES) and _can_be_noun(words[last - 1]) and (
                lexicon.category(words[last - 1]) == priors.PERSON or _usual_kind(words[last - 1]) == "person"
                or words[last - 1].endswith(("er", "or", "ist", "ian"))) and not is_english(words[last]):
            noun, plural = singular(words[last - 1])
            np.noun, np.plural = noun, plural  # "our designer Jonah", "our copywriter Priya": the one named
            return last - 1, last + 1
        if found is None:
            # "soaking wet", "freezing cold": an -ing word before an adjective says how much, it names nothing
            candidates = [k for k in body if (not lexicon.is_adjective(words[k]) or k == last and k > first
                                              and is_concrete(words[k]) and words[k] not in lexicon.COLOURS
                                              and words[k] not in lexicon.MATERIALS
                                              and (_can_be_noun(words[k - 1]) or lexicon.is_adjective(words[k - 1])
                                                   or words[k - 1].isdigit()))
                          # ("old steam locomotive", "a 1950s convertible", "a 1957 convertible")
                          and not _only_describes(words[k])
                          and words[k] not in ("and", "or", "&")
                          and not (words[k].endswith("ing") and k + 1 < len(words)
                                   and lexicon.is_adjective(words[k + 1]))]
            nouns = [k for k in candidates if not words_lemmas(words[k]) or "NOUN" in words_lemmas(words[k])]
            if nouns and nouns[-1] != candidates[-1]:
                candidates = nouns  # "a woman slow dancing": 'slow' is never a noun, so no head
            if candidates and candidates[-1] < last and _participle(words[candidates[-1]]) and (
                    is_english(words[last]) and _can_be_noun(singular(words[last])[0]) and not words[last].endswith("ing")):
                candidates = [last]  # "a painted miniature", "a rusted steel spiral": the last word is the thing
            if not candidates and self._adjective_is_the_thing(np, body, end):
                candidates = [last]  # "a square tin", "the jagged coral"
            if not candidates or words[candidates[-1]] in ("one", "ones", "more"):
                return last + 1, last + 1  # only modifiers: "a red one", "in red" (an ordinal alone is met above)
            k = candidates[-1]
            noun, plural = singular(words[k])
            head_start, head_end = k, k + 1
        if (np.count or 0) > 1 and not np.vague and not plural and head_end - head_start == 1 and (
                words[head_start] in lexicon.COLOURS):
            return last + 1, last + 1  # "two orange": a colour of two things, not two oranges
        if noun in lexicon.PLURALIA_TANTUM and noun == "glasses" and (np.count or 1) > 1 and not np.pair:
            noun, plural = "glass", True
        named_after = head_end - head_start == 2 and self.tokens[head_end - 1].text[:1].isupper() and (
            self.tokens[head_start].text.islower())  # "our keyboard player Theo": the name after its noun
        if ((head_end - head_start == 1 or named_after) and head_start > first and self._names_with(words[head_start - 1], noun)
                and not (np.det in ("a", "an") and _plural_of_creature(words[head_start - 1]))  # "a girls dormitory"
                and not (head_start - 2 >= first and _number(words[head_start - 2]) not in (None, 1))):  # "a two tier cake"
            head_start, noun = head_start - 1, f"{words[head_start - 1]} {noun}"  # "a water cooler"
        if head_end - head_start == 1 and head_start > first and noun in _ANIMAL_PARENTS and (
                lexicon.category(singular(words[head_start - 1])[0]) == priors.ANIMAL):
            noun = singular(words[head_start - 1])[0]  # "cheetah mom", "a penguin dad": the animal, a parent
        np.noun, np.plural = lexicon.ALIASES.get(noun, noun), plural
        if np.vague and not plural and words[np.start] == "some":
            np.count, np.vague = None, False  # "and some dog running around": one dog; "some coral": some of it
        elif np.vague and not plural and words[np.start] in ("many", "several", "numerous", "multiple"):
            np.plural = True  # "many motorbike behind": a plural said without its -s, as learners write it
        return head_start, head_end

    def _doing_after_noun(self, first: int, last: int, end: int) -> bool:
        """'a sun setting behind …', 'a planet filling the top half': after a thing's name, an -ing
        word whose noun sense is nothing to draw, followed by where or what, is what the thing does."""
        word = self.words[last]
        if last <= first or not word.endswith("ing") or "VERB" not in words_lemmas(word):
            return False
        if word in lexicon.STYLE_WORDS and (end >= len(self.words) or self.words[end] in (",", ".", "and")):
            return False  # "Rembrandt lighting, dark background": a tag of the look
        name = self.tokens[last - 1].text
        if name[:1].isupper() and name[1:].islower() and not is_english(self.words[last - 1]) and last - 1 == first:
            return True  # "Oskar and Freya building a snowman": a name, then what she does
        if is_concrete(word):
            return False
        before = singular(self.words[last - 1])[0]
        if lexicon.is_setting(before) or not (is_concrete(before) or lexicon.category(before) is not None):
            return False
        after = self.words[end] if end < len(self.words) else ""
        return after in lexicon.PREPOSITIONS or after in lexicon.DETERMINERS or after in ("behind", "over", "across")

    @staticmethod
    def _names_with(modifier: str, noun: str) -> bool:
        """Whether a noun before a head the size table does not know is part of the thing's name
        ('water cooler', 'cash register', 'drum kit'), not a description of it ('a wooden crate')."""
        if " " in noun or lexicon.is_setting(noun) or modifier in ("size", "sized", "banquet", "feast", "dinner") or (
                noun in lexicon.CUT_STEMS):  # ("eucalyptus sprigs": sprigs, of eucalyptus)
            return False  # "a king size bed" is a bed, so is "a banquet table"
        if modifier in _SERVED and noun in ("cup", "jug", "bowl", "pitcher") or modifier in _NOT_A_KIND or (
                noun == "bed" and modifier in _BED_SIZES):
            return False  # "a milk jug", "a neon sign", "a barn cat", "a double bed"
        if noun in lexicon.PARTS and words.is_compound(modifier, noun) and lexicon.category(modifier) is None and (
                not lexicon.is_setting(modifier)) and "ADJ" not in words.lemmas(modifier) and (
                "NOUN" in words.lemmas(modifier) or modifier.endswith("ing")):
            return True  # "a steam engine", "a flower bed", "a climbing frame": a whole thing WordNet names
        if noun in lexicon.CLOTHING or noun in lexicon.PARTS or noun in lexicon.STYLE_WORDS or noun in lexicon.FRAMES:
            return False  # "a sun hat", "a school uniform" are worn, "the car window" is the car's, "neon reflections" are light
        if words.compound_kind(f"{modifier} {noun}") == "animal":
            return _names_an_animal(modifier, noun)
        if _graded(modifier) and f"{modifier} {noun}" != "best man":
            return False  # "my best friend", "a big sister
        if words.is_compound(modifier, noun) and not _only_qualifies(modifier) and lexicon.category(noun) not in (
                priors.FOOD, priors.PLANT):
            return True  # "a rocking chair", "a punching bag", "a water gun": a kind of thing's own name
        if noun in priors.NOUNS or lexicon.category(noun) is not None:
            return _known_head_named_with(modifier, noun)
        if noun in lexicon.MASS_NOUNS or noun in lexicon.COLLECTIVES:
            return False  # "pizza dough", "a jazz band": the head names it
        if lexicon.is_adjective(modifier) or modifier in lexicon.COLOURS or _number(modifier) is not None:
            return False
        found = words.lemmas(modifier)
        if "ADJ" in found or words.verb_tags(modifier) & {"VBG", "VBD", "VBN"}:
            return False
        return "NOUN" in found or lexicon.is_known_noun(modifier)


# Animals a prompt names by the head alone, whatever WordNet calls "a tabby cat" or "a guard dog"
_PLAIN_ANIMALS = frozenset({"cat", "dog", "animal", "creature", "bird", "fish", "pet"})


def _names_an_animal(modifier: str, noun: str) -> bool:
    """'a sea lion', 'a border terrier', 'a hermit crab': a noun that is part of WordNet's name of an
    animal stays in it; a colour or an adjective describes ('a red fox', 'a polar bear'), and so does
    anything said of a plain cat or dog ('a house cat', 'a guard dog')."""
    if noun in _PLAIN_ANIMALS or modifier in lexicon.COLOURS or lexicon.is_adjective(modifier):
        return False
    found = words.lemmas(modifier)
    return "NOUN" in found and "ADJ" not in found and lexicon.category(modifier) != priors.PERSON


def _participle(word: str) -> bool:
    return word.endswith("ed") and "VBN" in words.verb_tags(word) and not words.can_be(word, "NOUN")


def _usual_kind(word: str) -> str | None:
    return words.usual_kind(word)  # (inside _head, `words` is the phrase's word list)


def _can_be_adjective(word: str) -> bool:
    return words.can_be(word, "ADJ")


def _can_be_noun(word: str) -> bool:
    return words.can_be(word, "NOUN")  # (inside _head, `words` is the phrase's word list)
