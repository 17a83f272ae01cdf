"""Words to the planner about the request itself, which name nothing in the picture.

"Hi, I am a teacher and I need an image for a counting exercise for kids: four ducks in a pond"
asks for four ducks; the teacher, the image and the kids are the person asking, what they ask
for and whom it is for. People write such words in a few shapes, each a clause of its own, ended
by a colon, a comma, a dash or the sentence:

- a request for a picture: "can you (please) make me a picture for my class", "I need an image
  for my blog", "my cafe needs a staff photo for the about page", "please draw for my son's story
  book";
- the picture named with what it is for: "our running club pic:", "grad pics!!", "instagram post
  template for my bakery,", "cute pic for my page" (anywhere in the prompt);
- what it is for, fronted: "for my gym's promo i want a coach in ...";
- the asker saying who they are or what they do: "I am a teacher", "we're a small bakery", "ok so
  i run a small candle business on etsy and i need ...", "this is for my salon's facebook".

`request_spans` finds those stretches (token indices) so that the chunker reads them as filler.
A picture word followed by "of" is left alone: what follows "a picture of" is the scene, and the
reader already reads "a picture of" as the frame.
"""

from __future__ import annotations

import re

from planners import priors
from planners.rules import lexicon
from planners.rules import words as word_table
from planners.rules.inflection import singular
from planners.rules.tokens import SENTENCE_END
from planners.rules.words import is_concrete as words_is_thing
from planners.rules.words import is_place as words_is_place

_GREETINGS = frozenset("hi hii hiii hello hey hiya dear ok okay so um well yo thanks good morning afternoon folks "
                       "evening day app ai bot friend basically anyway alright".split())
_MODALS = frozenset("can could would will".split())
# Verbs that ask for a picture to be made.
_MAKE = frozenset("make draw create generate paint render design give show produce do illustrate sketch "
                  "making drawing creating generating painting rendering designing doing preparing writing "
                  "prepare write build".split())
# Verbs of the asker wanting something.
_WANT = frozenset("need needs want wants like love wish needed wanted".split())
# What the asker does, said before the request ("i run a small candle business", "we just opened a cafe").
_TELLS = frozenset("run runs sell sells opened open started start own work teach teaching working selling running "
                   "learning studying practicing practising new putting doing making drawing writing creating "

                   "organize organise organizing organising planning plan host hosting".split())
_IMAGINING = frozenset("imagining picturing envisioning dreaming imagine picture envision remember thinking".split())
_FIRST_PERSON = frozenset({"i", "we"})
_FIRST_PERSON_BE = frozenset({"i'm", "im", "we're"})  # the tokenizer keeps "i'm" whole
_FIRST_PERSON_ANY = _FIRST_PERSON | _FIRST_PERSON_BE | frozenset({"i'd", "i'll", "i've", "we'd", "we've", "we'll"})
_BE = frozenset({"am", "are", "'m", "'re", "m", "re"})
_POSSESSIVE = frozenset({"my", "our"})
# What a request asks for: the picture itself.
_PICTURES = frozenset(
    "picture pictures pic pics image images illustration illustrations drawing drawings poster posters photo photos "
    "portrait portraits flat-lay flatlay token tokens mascot "
    "photograph photographs painting artwork art worksheet page card cover wallpaper banner thumbnail header flyer "
    "sticker print something one clipart graphic visual slides presentation logo icon shot shots post template "
    "promo ad ads listing content reel headshot headshots snapshot render ref refs reference splash zine comic "
    "comics cover spread mockup mock-up moodboard layout composition close-up closeup vignette "
    "icons stickers logos graphics visuals cards covers prints banners renders shots thumbnails "
    "watercolour watercolor watercolours watercolors sketch sketches cartoon cartoons linocut etching "
    "paintings artworks".split())
_ARTICLES = frozenset("a an the some one my our this".split())
# Where a clause ends.
_ENDS = frozenset({":", ",", "-", "\u2013", "\u2014", "(", ")", *SENTENCE_END})
# Words after a picture word that open the scene ("a picture of two cats", "an image where ...").
_SCENE_OPENS = frozenset("of with showing that where which featuring depicting in".split())
# Words that open the scene after what a request is for ("a banner for our website with two croissants").
_SCENE_AFTER_PURPOSE = frozenset("with showing featuring depicting where".split())
_PLEASE = frozenset({"please", "pls", "plz"})
_PLANS = frozenset({"plan", "planning", "visualize", "visualise", "picture", "imagine", "staging", "listing", "help",
                    "trying", "mock", "mockup", "concept", "idea"})
_THIRD_PERSON = frozenset({"he", "she", "they"})
_ASKED = frozenset({"you", "u", "ya", "yu", "ye"})  # whom "can you …" asks, as people type it
# The asker speaking to the planner: "you're the best", "you rock".
_YOU = frozenset({"you're", "youre", "you", "ur", "u"})
_CHAT_ENDS = _PLEASE | {"lol", "haha", "lmao"}  # chat words that end a clause as punctuation does
_LINKS = frozenset("about on at in of for to from with by like as".split())  # never inside a name
_NEGATIONS = frozenset({"no", "not", "without", "never", "don't", "dont", "nothing"})
# Verbs done to pictures by people in the scene: "a man taking photos" is a man, not a request.
_HANDLING_PICTURES = frozenset({"taking", "snapping", "shooting", "holding", "showing", "looking", "viewing",
                                "reading", "flipping", "hanging", "selling", "signing", "posing"})
# Words that place things in a picture: a sentence with them describes the scene, it tells no story.
_PLACING = frozenset({"beside", "behind", "left", "right", "above", "below", "under", "beneath", "between",
                      "corner", "background", "foreground", "holding", "wearing", "there", "sitting", "standing",
                      "lying"})
# Verbs that ask for the scene to be drawn ("could you draw a shelf …?"): a sentence with them is the scene.
_DRAW = frozenset("draw paint sketch illustrate render generate depict show sketching illustrating showing".split())
# (not "painting", "drawing", "rendering": "our kids want a painting" names the picture)
_PRONOUNS_FOR_SOMEONE = frozenset({"he", "she", "him", "her", "his", "they", "them", "their", "he's", "she's",
                                   "they're", "hes", "shes", "theyre"})


def request_spans(words: list[str]) -> list[tuple[int, int]]:
    """[start, end) token ranges that are the asker talking about the request, in order."""
    spans: list[tuple[int, int]] = []
    scene_seen = False  # whether a sentence before this one named something to draw
    for start, end in _sentences(words):
        refused = _story_then_refused(words, start, end) if scene_seen else None
        if _earlier_try(words, start, end):
            spans.append((start, end))  # "Your first attempt somehow had two balls bouncing around."
        elif refused is not None:
            spans.append((start, refused))  # "Dad was on the shore making coffee; please don't put him in."
        elif _preamble_sentence(words, start, end) or _story_sentence(words, start, end) or (
                scene_seen and _story_after_the_scene(words, start, end)):
            spans.append((start, end))  # "Trying to plan a street shot before I go out with my Leica." (the scene follows)
        elif (named := _picture_of_them(words, start, end) or _asker_before_colon(words, start, end)) is not None:
            spans.append((start, named))  # "My parrot Kiwi is a total diva so I want a fancy portrait of him: a green …"
            spans += _spans_in(words, named, end)
        else:
            spans += _spans_in(words, start, end)
        spans += _earlier_asking(words, start, end)
        spans += _someone_elses_wish(words, start, end)
        spans += _reasons(words, start, end, spans)
        spans += _talk_after_a_refusal(words, start, end, spans)
        spans += _story_after_the_request(words, start, end, spans)
        spans += _asides_in_brackets(words, start, end, spans)
        spans += _purposes_after_the_picture(words, start, end, spans)
        spans += _lessons_it_is_for(words, start, end, spans)
        asked_up_to = max([b for a, b in spans if start <= a < end] + [start])
        scene_seen = scene_seen or _scene_after(words[:end], asked_up_to) or any(
            lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL) for w in words[asked_up_to:end])
        # ("teenagers skateboarding in a skatepark, …": bare plurals name things too)
    spans += _story_before_the_scene(words, spans)
    return _merged(spans)


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in order, those that overlap joined ("[at first i [wanted] a crab …, ] but"): the
    chunker reads each from its start to its end."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


# What opens a sentence without being its subject: "So", "Anyway,", "And".
_OPENERS = _GREETINGS | {",", "and", "then", "but", "now", "also", "oh"}


def _sentences(words: list[str]) -> list[tuple[int, int]]:
    """[start, end) of each sentence, its mark left out."""
    out, start = [], 0
    while start < len(words):
        end = _sentence_end(words, start)
        out.append((start, end))
        start = end + 1
    return out


def _story_before_the_scene(words: list[str], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The asker's story told in sentences before the one that starts the scene ("My nephew tried
    taking photos with his phone but the lighting was awful. I'd love a top-down shot of …"): each
    speaks of the asker, or goes on with the story just told ("Every textbook picture is a pile of
    ruins and the kids can't imagine it alive."), and nobody in it is pointed at from the scene
    ("My dog is old. Draw him asleep.")."""
    sentences = _sentences(words)
    scene = next((i for i, (a, b) in enumerate(sentences) if _opens_the_scene(words, a, b) and not (
        i + 1 < len(sentences) and _life_event(words[a:b]) and not _asks_to_draw(words[a:b]))), None)
    # ("The firehouse is throwing Captain Ruiz a retirement party, …. Do a vintage red fire truck …")
    if not scene:
        return []
    out: list[tuple[int, int]] = []
    telling = False
    scene_start = sentences[scene][0]
    first_of_scene = _skip(words, scene_start, sentences[scene][1], _OPENERS)
    opened_by_a_thing = _opens_with_a_thing(words, *sentences[scene]) or words[first_of_scene] == "the" and (
        _doing_now(words, first_of_scene + 1, sentences[scene][1]))
    pointed_back = _pointed_at_later(words, scene_start)  # "My dog is old. Draw him asleep."
    drawn_back = _drawn_by_pronoun(words, scene_start)
    for start, end in sentences[:scene]:
        said = words[start:end]
        if not said:
            continue  # "…!! she loves mermaids …": the story goes on past the second mark
        told = any(a <= start and end <= b for a, b in spans)
        first = _skip(words, start, end, _OPENERS)
        doing = first < end and words[first].endswith("ing") and words[first] in _TELLS  # "Putting together a calendar …"
        asker = bool(set(said) & (_FIRST_PERSON_ANY | _POSSESSIVE | {"me", "us"})) or doing or _life_event(said) or (
            first < end and words[first].removesuffix("'s") in _ASKERS_KIN and not _placed_now(words, first + 1, end)
            and not (first + 1 < end and "VBG" in word_table.verb_tags(words[first + 1])))  # "grandpa pulling the twins …"
        # ("Dad's 75th is coming up and …"; but "Grandpa is dozing in a rocking chair …" draws him)
        story = told or (asker or telling and not _someone_first(said)) and (_finite(said) or doing) and not _corrects(said) and (
            not _dresses_someone(said)) and not set(said) & _LEAVING_OUT and not _asks_to_draw(said)
        # ("No text, no watermark …": what to leave out)
        wants = next((m for m in range(start, end) if words[m] in _WANT), None)
        if story and not told and wants is not None and _wants_a_thing(words, wants + 1, end):
            story = False  # "I want a dog and a cat.": asked for
        if story and not told and not opened_by_a_thing and _shows_or_draws(said):
            story = False  # "I want a portrait of my dog. A red bandana on him …" (but "… a portrait of our
            # villain …. A gaunt outlaw in a long black duster …" names him anew)
        if story and (pointed_back and _names_someone(said) or drawn_back):
            story = False  # "My dog is old. Draw him asleep."
        if story and not told and _kin_doing_now(said) and _kin_named(said) & set(words[scene_start:sentences[scene][1]]):
            story = False  # "my father and my uncle play chess under big tree. My father wear white shirt …"
        if story and not told:
            out.append((start, end))
        telling = story
    return out


# What happens in someone's life, told as the reason for a picture ("Harold is retiring", "Grandpa
# Walt passed in the spring", "our hamster died yesterday", "Ava is turning six").
_LIFE_EVENTS = frozenset({"retire", "retires", "retiring", "retired", "passed", "died", "dies", "turning", "turns",
                          "married", "engaged", "graduating", "graduated", "moving", "expecting", "adopted", "born",
                          "retirement", "funeral", "memorial", "honeymooned", "anniversary"})


# Verbs that tell how someone is or feels, never what is to be drawn ("my mum loves roses").
_STATIVE = frozenset("love loves like likes hate hates want wants need needs know knows think thinks live lives work "
                     "works miss misses prefer prefers remember remembers collect collects".split())


def _for_someone(word: str) -> bool:
    """Whether a word names a person or an animal ("uncle", "dogs")."""
    return lexicon.category(singular(word)[0]) in (priors.PERSON, priors.ANIMAL)


def _kin_named(said: list[str]) -> set[str]:
    """The people and animals a sentence names after 'my' or 'our' ("my father and my uncle …")."""
    return {said[k + 1] for k in range(len(said) - 1) if said[k] in _POSSESSIVE and _for_someone(said[k + 1])}


def _kin_doing_now(said: list[str]) -> bool:
    """'my father and my uncle play chess on the small table': the asker's own people, named first,
    doing something now, in the present (as learners also tell a scene), with no time of the story."""
    k = 0
    while k + 1 < len(said) and said[k] in _POSSESSIVE and _for_someone(said[k + 1]):
        k += 2
        if k < len(said) and said[k] == "and":
            k += 1
    if k < 2 or k >= len(said) or set(said) & (_HABITS | _TIMES_OF_THE_STORY) or _life_event(said):
        return False
    verb = said[k + 1] if said[k] in ("is", "are") and k + 1 < len(said) else said[k]
    tags = word_table.verb_tags(verb)
    now = "VBG" in tags if said[k] in ("is", "are") else bool(tags & {"VBZ", "VBP"}) and "VBD" not in tags
    return now and verb not in _STATIVE and verb not in _STORY_PROGRESSIVES


# Words that put a sentence in the story's time, not the picture's.
_TIMES_OF_THE_STORY = frozenset({"yesterday", "ago", "last", "since", "when", "every", "tomorrow", "will", "used"})


def _life_event(said: list[str]) -> bool:
    """Whether a sentence tells of something in someone's life (its verb one of the life's events)."""
    return any(w in _LIFE_EVENTS and (w != "passed" or said[k + 1:k + 2] in (["away"], ["in"], ["on"], ["last"], []))
               for k, w in enumerate(said))


def _placed_now(words: list[str], k: int, end: int) -> bool:
    """Whether words[k:] go on with what someone is doing where, now ('is dozing in a rocking chair',
    'sits on the porch'): a scene told, not the asker's story."""
    if k < end and words[k] in ("is", "are"):
        k += 1
    if k + 1 >= end or words[k + 1] not in ("in", "on", "at", "by", "under", "beside", "near", "next"):
        return False
    tags = word_table.verb_tags(words[k])
    return "VBG" in tags and words[k - 1] in ("is", "are") or "VBZ" in tags and words[k] in lexicon.VERBS


# Words after which a word is no finite verb: a relative pronoun ("a mug that says …") or what
# opens a noun phrase ("in the middle", "in front of").
_NOT_BEFORE_A_VERB = frozenset({"that", "which", "who"}) | lexicon.DETERMINERS | lexicon.PREPOSITIONS | lexicon.POSSESSIVES


def _someone_first(said: list[str]) -> bool:
    """Whether a person or an animal is named before the sentence's first verb ("Mira the sorceress,
    who has lavender skin …"): someone the scene may draw, not the story going on."""
    for k, w in enumerate(said):
        if _finite_at(said, k):
            return False
        if lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL):
            return True
    return False


def _finite(said: list[str]) -> bool:
    """Whether a sentence has a verb that tells (the asker speaking, or a verb in the present or past
    outside a relative clause): "my cat Pixel sleeping to the left of a mug that says …" tells nothing."""
    return any(_finite_at(said, k) for k in range(len(said)))


_AUXILIARIES = frozenset({"do", "does", "did", "has", "have", "had"})
_ANYONE = frozenset({"everyone", "everybody", "nobody", "someone", "somebody", "anyone", "people"})


def _finite_at(said: list[str], k: int) -> bool:
    w = said[k]
    if w in ("s", "'s", "re", "'re") and k and said[k - 1] in _THIRD_PERSON | {"it", "that", "there"}:
        return True  # "hes mad about fishing" (typed without its apostrophe, split so)
    return (w in _FIRST_PERSON_ANY or (w in lexicon.COPULAS or w in _MODALS or w in _AUXILIARIES
            or "'" in w and w.endswith(("'s", "'re"))
            or word_table.verb_tags(w) & {"VBD", "VBZ", "VBP"} and not lexicon.is_known_noun(singular(w)[0])
            and (not word_table.can_be(w, "NOUN") or k > 0 and (said[k - 1] in lexicon.PRONOUNS or said[k - 1] in _ANYONE)))
            and (k == 0 or said[k - 1] not in _NOT_BEFORE_A_VERB))


def _opens_the_scene(words: list[str], start: int, end: int) -> bool:
    """Whether a sentence starts the scene: it opens with what to draw ("A stocky dwarf in a leather
    apron …", "Two astronauts …"), asks for it ("Could you make a friendly green dinosaur …", "Please
    show three lit candles …", "I'm picturing a red tractor …", "Draw a mermaid …") or names it after a
    colon ("Page five: five yellow rubber ducks …")."""
    k = _skip(words, start, end, _OPENERS)
    if k >= end:
        return False
    if _opens_with_a_thing(words, start, end):
        return True
    if words[k] in _DRAW | {"paint", "draw"} and k + 1 < end and (words[k + 1] in _ARTICLES or words[k + 1] in _POSSESSIVE):
        return _scene_after(words[:end], k + 1)
    asked = _request(words, k, end)
    if asked is not None and asked < end and _scene_after(words[:end], asked):
        return True
    wants = next((m for m in range(k, end) if words[m] in _WANT), None)
    if wants is not None and _wants_a_thing(words, wants + 1, end):
        return True  # "For this year's poster I'd love three runners in Santa suits …"
    if words[k] == "the" and _doing_now(words, k + 1, end):
        return True  # "The hedgehog is holding out an acorn to a little rabbit …"
    imagining = next((m for m in range(k, min(k + 4, end)) if words[m] in _IMAGINING), None)
    if imagining is not None and imagining + 1 < end and words[imagining + 1] in ("a", "an") or (
            imagining is not None and imagining + 1 < end and words[imagining + 1] in lexicon.NUMBER_WORDS):
        return _scene_after(words[:end], imagining + 1)
    colon = next((m for m in range(k, end) if words[m] == ":"), None)
    if colon is not None and _scene_after(words[:end], colon + 1):
        return True
    return (words[k] == "the" or words[k] in _POSSESSIVE) and not _finite(words[start:end]) and (
        _scene_after(words[:end], k)) and not set(words[start:end]) & _NEGATIONS
    # ("The cat, fat and grey in a tiny chef's hat, standing behind a diner counter …": no verb tells)


def _opens_with_a_thing(words: list[str], start: int, end: int) -> bool:
    """Whether a sentence opens with what to draw ("A stocky dwarf …", "Two astronauts …"; but "A
    client wants a piece …" tells)."""
    k = _skip(words, start, end, _OPENERS)
    return k < end and (words[k] in ("a", "an") or words[k] in lexicon.NUMBER_WORDS and words[k] != "one" or (
        words[k].isdigit())) and _scene_after(words[:min(end, k + 6)], k) and not set(words[k:k + 5]) & (_WANT | _SAYS)


# Words that leave something out of the picture ("No text.", "without people"); "Nothing on
# Pinterest is creepy enough" and "my photos never capture it" tell.
_LEAVING_OUT = frozenset({"no", "without", "don't", "dont"})


# What a story tells with "is …ing" ("the party is coming up", "the kids are turning five"): no scene.
_STORY_PROGRESSIVES = frozenset({"turning", "getting", "going", "having", "starting", "coming", "doing", "running",
                                 "planning", "hosting", "moving", "retiring", "graduating"})


def _doing_now(words: list[str], k: int, end: int) -> bool:
    """Whether words from k are a thing to draw and what it is doing now ("hedgehog is holding out an
    acorn", "two cats are sleeping on a rug")."""
    for m in range(k, min(k + 4, end - 2)):
        if words[m] in ("is", "are"):
            noun = singular(words[m - 1])[0] if m > k else ""
            doing = words[m + 1]
            return bool(noun) and (lexicon.category(noun) is not None or words_is_thing(noun)) and (
                doing.endswith("ing") and "VBG" in word_table.verb_tags(doing) and doing not in _STORY_PROGRESSIVES)
    return False


def _drawn_by_pronoun(words: list[str], k: int) -> bool:
    """Whether the scene sentence draws what was said before by a pronoun ("Draw it at sunset")."""
    end = _sentence_end(words, k)
    return any(words[m] in _DRAW | _MAKE | {"put", "show"} and words[m + 1] in ("it", "them", "him", "her")
               for m in range(k, end - 1))


# "because" as people type it: the asker's reason follows
_BECAUSE = frozenset({"because", "bc", "b/c", "cuz", "coz", "bcuz", "bcoz", "cos", "'cause"})


def _reasons(words: list[str], start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'… at a table bc its for my discord banner', '… because it is cozy': the asker's reason,
    up to the end of its clause, names nothing."""
    out = []
    for k in range(start + 1, end):
        since = words[k] == "since" and k + 2 < end and words[k + 1] in _FIRST_PERSON | _THIRD_PERSON | {
            "the", "it", "my", "our", "his", "her", "their"} and any(
            _finite_at(words[k + 1:end], m) for m in range(1, min(4, end - k - 1)))
        # ("…, since the children will colour over a printout": why, not what; but "since 1990")
        purpose = words[k] == "so" and words[k - 1] == "," and k + 3 < end and words[k + 1] in (
            "the", "my", "our", "they", "he", "she", "it", "i", "we", "you") and any(
            w in ("have", "has", "can", "will", "get", "know", "won't", "don't", "doesn't", "could") for w in
            words[k + 2:k + 4])  # "…, so the kids have two kinds to count": why, not what
        if (words[k] in _BECAUSE or since or purpose) and not any(a <= k < b for a, b in spans + out):
            stop = k + 1
            while stop < end and words[stop] not in _ENDS:
                stop += 1
            out.append((k, stop))
    return out + _judgements(words, start, end, spans + out)


# Verbs of how something comes across ("grey looks gloomy", "three felt cluttered").
_SEEMS = frozenset({"looks", "look", "looked", "feels", "feel", "felt", "seems", "seemed", "reads", "read"})


def _judgements(words: list[str], start: int, end: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'make the kitten orange, grey looks gloomy on our paper', 'two pigeons, three felt cluttered in
    my sketch', 'the tile reads better empty': a clause judging a colour, a number or the picture
    itself is the asker's reason and names nothing, up to its end."""
    out = []
    for k in range(start, end - 2):
        opens = k == start or words[k - 1] in (",", ";", "-", "and", "but")
        if not opens or any(a <= k < b for a, b in spans + out):
            continue
        subject = words[k + 1:k + 2] if words[k] == "the" else words[k:k + 1]
        verb = k + 2 if words[k] == "the" or words[k] in ("two", "three", "four") and k + 2 < end and (
            words[k + 1] not in _SEEMS) else k + 1
        if verb + 1 >= end or words[verb] not in _SEEMS:
            continue
        after = word_table.lemmas(words[verb + 1])
        if "NOUN" in after and not {"ADJ", "ADV"} & set(after) or words[verb + 1] in lexicon.DETERMINERS:
            continue  # "three little felt stars": a stuff, not a verb
        judged = subject[0] in lexicon.COLOURS or subject[0] in lexicon.NUMBER_WORDS or subject[0] in (
            "it", "that", "this", "tile", "picture", "image", "card", "page", "poster", "cover", "shot")
        if judged and (words[k] != "the" or subject[0] in _PICTURES | {"tile"}):
            out.append((k, _clause_end(words, k, end)))
    return out


# Who speaks or is spoken of in the asker's talk after a refusal ("…, the last one you made added a dog").
_TALKERS = _FIRST_PERSON_ANY | _POSSESSIVE | _YOU | {"me", "us", "last", "every", "each", "it", "it's", "its", "they",
                                                     "they're", "that's", "those", "these"}


# Kin named bare, as the asker's own ("Dad's 75th is coming up", "Mum loves her garden").
_ASKERS_KIN = frozenset({"dad", "mum", "mom", "mommy", "mummy", "daddy", "grandma", "grandpa", "gran", "granny", "nan",
                         "nana", "nanna", "grandad", "granddad", "papa", "mama"})
# Words that open the asker's aside in brackets ("(sorry, still a bit teary)", "(honestly the nicest guy)").
_ASIDE_OPENERS = frozenset({"sorry", "honestly", "seriously", "lol", "ha", "haha", "ok", "okay", "mostly", "like",
                            "long", "yes", "well", "basically", "literally", "apparently",
                            "which", "who", "because", "since", "as", "hence", "ironic", "ironically", "probably",
                            "if", "hopefully", "unless", "aka"})
_TELLING_PRONOUNS = frozenset({"he", "she", "they", "it", "that", "there", "who"})


def _asides_in_brackets(words: list[str], start: int, end: int,
                        spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'(he's six and completely dinosaur-mad)', '(sorry, still a bit teary typing this)': words in
    brackets that speak as the asker, or tell of someone with a verb, name nothing; '(orange,
    fluffy)' and '(two boys and a girl)' describe the scene and stay."""
    out = []
    k = start
    while k < end:
        if words[k] != "(":
            k += 1
            continue
        close = next((m for m in range(k + 1, min(end, k + 40)) if words[m] == ")"), None)
        if close is None:
            break
        inner = words[k + 1:close]
        telling = any(inner[m] in _TELLING_PRONOUNS and _finite_at(inner, m + 1) for m in range(len(inner) - 1)) or (
            bool(set(inner) & {"its", "his", "her", "their", "it's"}) and "is" in inner) or inner[:2] in (
            ["that", "is"], ["it", "is"])  # "(its the shop cat, his name is pepper)", "(thats our studio cat)"
        speaking = bool(set(inner) & (_FIRST_PERSON_ANY | _POSSESSIVE | {"me", "us", "you", "u"}))
        if inner and (speaking or telling or inner[0] in _ASIDE_OPENERS) and not any(
                a <= k + 1 < b for a, b in spans + out):
            out.append((k + 1, close))
        k = close + 1
    return out


# What a story clause says of someone in the past ("she was a primary teacher for 30 yrs").
_TOLD_PAST = frozenset({"was", "were", "used", "had", "loved", "worked", "taught", "passed", "retired", "always",
                        "never", "grew", "spent", "ran", "owned", "lived"})


def _story_after_the_request(words: list[str], start: int, end: int,
                             spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'can u do a pic for my mums retirement, she was a primary teacher for 30 yrs.': right after
    the asking, a clause telling of someone in the past is the asker's story, up to its end."""
    out = []
    for a, b in spans:
        if not start <= a < end or b >= end or words[b] not in (",", ";") and words[b] not in _CHAT_ENDS:
            continue
        k = _skip(words, b, end, {",", ";"} | _CHAT_ENDS)
        if k + 1 < end and words[k] in _THIRD_PERSON and words[k + 1] in _TOLD_PAST:
            out.append((k, _chat_clause_end(words, k, end)))
    return out


# What earlier tries did, in the asker's complaints ("the last three tries put a man on it").
_TRIES = frozenset({"put", "added", "made", "gave", "keeps", "kept", "sneaks", "snuck", "adds", "puts", "makes",
                    "gives", "drew", "draws", "included", "includes"})


# Words of changing one's mind before taking a thing out ("Actually lose the heron", "Hmm, maybe leave …").
_CHANGING_MIND = frozenset({"actually", "hmm", "hm", "oh", "wait", "maybe", "ok", "okay", "on", "second", "thought",
                            "thoughts", "scratch", "that"})
_TAKING_OUT = frozenset({"lose", "remove", "drop", "skip", "leave", "ditch", "delete", "cut"})


def _someone_new(words: list[str], start: int, said: list[str]) -> bool:
    """Whether a clause's subject is someone the prompt has not named before ('the vicar wants it
    simple', 'HR is printing this', 'the PTA will add the date'): the asker's people, not the scene's."""
    k = 1 if said[0] in ("the", "our", "my") else 0
    if k >= len(said) or said[k] in _ARTICLES or not said[k].isalpha() or said[k] in lexicon.PRONOUNS:
        return False  # (a pronoun points back: "…, he holds a net instead")
    noun = singular(said[k])[0]
    return said[k] not in words[:start] and noun not in {singular(w)[0] for w in words[:start]} and (
        k + 1 < len(said) and _finite_at(said, k + 1))


def _talk_after_a_refusal(words: list[str], start: int, end: int,
                          spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'No other animals please, the last one you made added a dog for some reason.', 'No text, we'll
    put our name on it ourselves.': after a sentence opens by leaving something out, a clause that
    tells (a verb, with the asker, the tool or an earlier try as its subject) is the asker's reason
    and names nothing, up to the sentence's end."""
    first = next((k for k in range(start, end) if words[k] in _LEAVING_OUT | {"nothing"} and (
        k == _skip(words, start, end, _OPENERS | _PLEASE) or words[k - 1] in _OPENERS | _PLEASE)), None)
    opening = _skip(words, start, end, _OPENERS | _PLEASE | _CHANGING_MIND | {","})
    if first is None and opening < end and words[opening] in _TAKING_OUT:
        first = opening  # "Actually lose the heron, that's too many birds."
    if first is None:
        return []  # ("Painterly, and no dragons, every time I try this it sneaks a dragon in.")
    for k in range(first + 1, end - 1):
        unmarked = k > first and words[k].isalpha() and words[k + 1] in ("she", "he", "they", "we") and (
            _finite_at(words[k + 1:end], 1)) and not _dresses_someone(words[k + 1:end]) and "instead" not in words[k:end]
        # ("no text she will add the name herself": typed with no comma)
        if words[k] not in (",", ";", "-", "\u2013", "\u2014") and words[k] not in _CHAT_ENDS and not unmarked or any(
                a <= k + 1 < b for a, b in spans):  # ("no scary aliens lol she gets nightmares")
            continue
        opens = k + 1 if unmarked else _skip(words, k + 1, end, {","})  # ("please, the last one …")
        said = words[opens:end]
        head = said[:3]
        talkers = _TALKERS | ({"he", "she", "he's", "she's"} if words[k] in _CHAT_ENDS or unmarked else set())
        # ("no scary aliens lol she gets nightmares"; but "…: he's in a flannel, she's in overalls" dresses them)
        tried = bool(set(said) & (_TRIES | {"you", "u"}))  # "… the last three tries put a man on it": not placing
        told = _finite(said)
        if said[:2] in (["that", "is"], ["he", "would"], ["she", "would"], ["they", "would"], ["it", "is"]):
            talkers, told = talkers | {said[0]}, True  # "…, that's too many birds", "…, he'd want red"
        elif said and told and _someone_new(words, start, said):
            talkers = talkers | {said[0]}  # "No beer cans please, HR is printing this."
        if (told or tried) and set(head) & talkers and not set(head) & _LEAVING_OUT and (
                tried or not _places_something(said)):
            stop = next((m for m in range(k + 2, end - 1) if words[m] == "," and (
                words[m + 1] in _LEAVING_OUT or words[m + 1] == "and" and words[m + 2] in _LEAVING_OUT)), end)
            return [(opens, stop)]  # (up to "…, and no watermark", which leaves out more)
    return []


def _purposes_after_the_picture(words: list[str], start: int, end: int,
                                spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'i need a pic of my 3 chickens for our farm stand sign.': after a picture asked for, what it
    is for, up to the end of its clause, names nothing."""
    out = []
    for k in range(start + 1, end - 1):
        if any(a <= k < b for a, b in spans + out) or not any(w in _PICTURES for w in words[start:k]):
            continue
        stop = _purpose_end(words, k, end, _PICTURES | {"sign", "menu"})
        if stop is not None:
            out.append((k, stop))
    return out


# What a teacher's or a museum's picture is for: "for a Jane Austen unit", "for the French Revolution topic".
_LESSONS = frozenset("unit units lesson lessons topic module course assembly display displays worksheet worksheets "
                     "presentation newsletter pack panel panels brochure exhibition talk homework term programme "
                     "program scheme coursework syllabus curriculum handout handouts booklet leaflet noticeboard "
                     "project".split())
_SCHOOL_YEARS = re.compile(r"(?:year|years|yr|grade|ks|p)-?\d{1,2}s?|ks\d|key|gcse|a-level")


def _lessons_it_is_for(words: list[str], start: int, end: int,
                       spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """'Regency ballroom, 1815, for a Jane Austen unit.', 'for our Key Stage 3 medieval unit', 'for
    Year 9 Aztecs', 'for my Year 8s': the lesson, the school year or the display the picture is
    for, up to the end of its clause, names nothing to draw."""
    out = []
    for k in range(start, end - 1):
        if words[k] != "for" or any(a <= k < b for a, b in spans):
            continue
        first = k + 2 if words[k + 1] in _ARTICLES | _POSSESSIVE | {"his", "her", "their", "the"} else k + 1
        stop = _clause_end(words, k + 1, end)
        if first >= stop or stop - k > 8 or stop < end and words[stop] not in _ENDS:
            continue
        if words[stop - 1] in _LESSONS or _SCHOOL_YEARS.fullmatch(words[first]) or words[first] == "year" and (
                first + 1 < stop and words[first + 1][:1].isdigit()):
            out.append((k, stop))
    return out


def _purpose_end(words: list[str], k: int, end: int, heads: frozenset[str]) -> int | None:
    """Where 'for my …' from words[k] ends, when it is a short clause ending in one of `heads`
    ('for her recital card', 'for our farm stand sign'): what the picture is for; else None."""
    if words[k] != "for" or k + 1 >= end or words[k + 1] not in _POSSESSIVE | {"his", "her", "their"}:
        return None
    stop = _clause_end(words, k + 1, end)
    if stop - k > 6 or stop < end and words[stop] not in _ENDS or words[stop - 1] not in heads:
        return None
    return stop


def _preamble_sentence(words: list[str], start: int, end: int) -> bool:
    """A whole sentence about the asking, with the scene in the sentences after it: it speaks of the
    asker ("I do macro photography as a hobby and want to plan a backyard shot.") or names the picture
    and its purpose ("Listing photo idea for a farmhouse kitchen renovation."), and has no colon."""
    said = words[start:end]
    if not said or ":" in said or end >= len(words) - 1 or not _scene_after(words, end + 1):
        return False
    asker = bool(set(said) & _FIRST_PERSON_ANY)
    asking = bool(set(said) & (_WANT | _PLANS | _PICTURES))
    labelled = not asker and said[0] not in _ARTICLES and any(
        w in _PICTURES | {"idea", "concept", "mockup", "plan"} for w in said[:5]) and "for" in said
    shows = any(w in _PICTURES and k + 1 < len(said) and said[k + 1] in _SCENE_OPENS | {"about", "like"}
                for k, w in enumerate(said))  # "I want a photo of a cat.", "a picture where …": the scene is here
    drawn = bool(set(said) & (_MAKE | {"where", "like", "draw", "paint", "show"})) or said[0] in ("picture", "imagine")
    # ("could you draw a shelf …?", "picture me, a woman in her 30s …": the scene)
    for_people = any(w == "for" and _for_whom(words, start + k + 1, end) for k, w in enumerate(said))
    wants = next((m for m in range(start, end) if words[m] in _WANT), None)
    if wants is not None and _wants_a_thing(words, wants + 1, end):
        return False  # "so i want a little boy in an astronaut suit …!": the scene, asked for
    picture = next((m for m in range(start, end) if words[m] in _PICTURES), None)
    if picture is not None and _scene_after(words[:end], _clause_end(words, picture + 1, end)):
        return False  # "ok basically i need a wedding pic, a big white cake …": the scene after the asking
    return asking and (asker or labelled) and not shows and not drawn and not for_people and words[end] == "."

def _story_sentence(words: list[str], start: int, end: int) -> bool:
    """A sentence of the asker's own story before the scene ("my son's birthday is next week and hes
    obsessed with trains lol.", "The youth group is doing a car wash fundraiser on Saturday and we
    need a flyer picture."): it speaks of the asker, places nothing, frames no picture and asks for
    no scene of its own, and no one in it is pointed at by a pronoun later ("My dog is old. Draw him
    asleep." draws the dog), so what it names is not in the picture."""
    said = words[start:end]
    if said and ":" in said and _only_looks(said[said.index(":") + 1:]):
        said = said[:said.index(":")]  # "… I need a cover that screams epic: masterpiece, 8k, cinematic lighting."
    if not said or ":" in said or end >= len(words) - 1 or words[end] not in SENTENCE_END:
        return False
    if _a_or_a_count(said[0]):
        return False  # "a wooden treehouse in an oak tree, …, plus our dog barking": the scene itself
    asking = _spans_in(words, start, start + len(said))
    opens_as_asker = any(a == start for a, _ in asking)  # "food blogger here, working on …"
    if not _scene_after(words, end + 1) or not (set(said) & (_FIRST_PERSON_ANY | _POSSESSIVE | {"me", "us"})
                                                or opens_as_asker):
        return False
    placing = _places_something(said)
    drawing = any(w in _DRAW and (k == 0 or said[k - 1] not in ("a", "an", "the", "i'm", "im", "we're", "am", "are"))
                  for k, w in enumerate(said)) or (
        said[0] in ("picture", "imagine", "make", "create", "design"))  # (but "a client wants a sketch": a noun;
    # "I'm illustrating a bedtime story I wrote": what the asker does)
    drawing = drawing or _asks_to_draw(said)
    if placing or drawing or _shows_or_draws(said) or _dresses_someone(said) or not _has_a_verb(said) or (
            _corrects(said)):
        return False
    if _kin_doing_now(said) and _kin_named(said) & set(words[end + 1:]):
        return False  # "My grandfather is reading in his armchair. My grandfather wears …": the scene, told on
    wants = next((m for m in range(start, end) if words[m] in _WANT or words[m] in _MODALS), None)
    if wants is not None and _wants_a_thing(words, wants + 1, end) and any(k < end for _, k in asking):
        return False  # "I want a dog and a cat." asks for them
    return not (_names_someone(said) and _pointed_at_later(words, end + 1))


# What a refusal points back with ("… but please don't draw them", "neither of them should be in it").
_POINTING_BACK = frozenset({"them", "him", "her", "it", "they", "he", "she", "those", "that", "both", "anyone",
                            "anybody", "everyone"})  # ("… are in the original but don't draw anyone else")
_REFUSING_VERBS = frozenset({"draw", "put", "include", "add", "show", "paint", "want", "need", "bother", "have"})
_TAKING_AWAY = frozenset({"leave", "skip", "omit", "exclude", "drop", "ditch", "lose", "cut"})
# Words of the asker's story told in the past ("came along", "used to", "would be snoring").
_STORY_TENSE = frozenset({"was", "were", "used", "would", "always", "usually", "never", "came", "had"})


def _story_then_refused(words: list[str], start: int, end: int) -> int | None:
    """'My mum and my auntie always came along too but please don't draw them.', 'Dad was on the shore
    making coffee; please don't put him in.', 'My cousins and gran's terrier were all there, but just
    draw the boy.': after the scene, a sentence that tells of people or pets and then refuses them by
    pointing back at them, or keeps only the scene's, names nothing to draw: where that ends, or None."""
    first = _skip(words, start, end, _OPENERS | _CHANGING_MIND | {","})
    if first >= end or _a_or_a_count(words[first]) or words[first] in lexicon.PREPOSITIONS | _MAKE | _TAKING_AWAY | {
            "put", "add", "include", "swap", "change", "replace", "no", "not", "just", "only", "please"}:
        return None  # ("A boy with his dog, but leave him out": the scene; "Leave out my grandma …" refuses)
    told, stop = words[first:end], end
    refusal = _first_refusal(told)
    if refusal is None and end < len(words) and words[end] == ";":
        after = _sentence_end(words, end + 1)
        refusing = words[_skip(words, end + 1, after, _PLEASE | _OPENERS):after]
        if _refuses_by_pointing(refusing):  # "…; please don't put him in"
            told, stop, refusal = told + [";"] + refusing, after, len(told) + 1
    if refusal is not None and _only_a_subject(told[:refusal]):
        return stop  # "Our grandchildren must not be drawn.", "The congregation should not be shown, please."
    if refusal is None or not _names_someone(told[:refusal]):
        return None
    past = any(w in _STORY_TENSE or "VBD" in word_table.verb_tags(w) and w.endswith("ed") for w in told[:refusal])
    return stop if past or told[refusal] not in ("just", "only") else None


def _first_refusal(told: list[str]) -> int | None:
    """Where the clause that refuses what was told starts, or the only-keeping one ('but just draw the
    boy'), after a mark or 'but'/'so'; None when there is none."""
    for k in range(1, len(told)):
        if told[k - 1] not in (",", ";", "but", "so", "-", "\u2013", "\u2014") and told[k] not in (
                "should", "shouldn't", "aren't", "isn't", "are", "is", "don't", "dont", "must", "mustn't", "need",
                "needn't"):
            continue
        clause = told[_skip(told, k, len(told), _PLEASE | {"but", "so", ",", "and", "absolutely", "definitely",
                                                              "really", "honestly", "i", "we"}):]
        if _refuses_by_pointing(clause, _named_in(told[:k])):
            return k
        if told[k - 1] == "but" and set(clause[:5]) & {"just", "only"}:
            return k
    return None


def _refuses_by_pointing(clause: list[str], named: frozenset[str] = frozenset()) -> bool:
    """'don't draw them', 'leave him out', 'skip them both', 'neither of them should be in it', 'they
    don't need to be in it', 'should all be left out', 'aren't needed', 'must not be drawn', 'is not to
    be shown'; or by a name just told ('Frank has a spaniel called Barney, but please do not put Barney
    in', '… but please leave Petal out')."""
    said = " ".join(clause[:8])
    verbs = "|".join(_REFUSING_VERBS)
    pointing = "|".join([*_POINTING_BACK, *(re.escape(w) for w in named)])
    if re.match(rf"(?:do not|don't|dont|never) (?:\w+ )?(?:{verbs}) (?:with )?(?:the |my |our |his |her |their )?"
                rf"(?:{pointing})\b", said):
        return True
    pointed = clause[2:3] if clause[1:2] in (["the"], ["my"], ["our"], ["his"], ["her"], ["their"]) else clause[1:2]
    if clause[:1] and clause[0] in _TAKING_AWAY and pointed and pointed[0] in _POINTING_BACK | named | {"all", "everyone"}:
        return True
    if re.match(r"(?:should|must|need|is|are)(?:n't| not) (?:to )?(?:be (?:drawn|shown|included|painted|pictured|seen|"
                r"visible|in (?:it|the|this))|appear)\b", said):
        return True  # "… must not be drawn", "is not to be shown", "must not appear"
    if clause[:2] in (["neither", "of"], ["none", "of"], ["neither", "should"], ["neither", "needs"]):
        return True
    said_out = re.match(r"(?:(?:they|he|she|it|both) )?(?:(?:should|shouldn't|don't|doesn't|do not|does not|need|"
                        r"needn't) (?:not )?(?:need to )?(?:all )?be (?:in|left out)|(?:are|is) (?:all )?left out|"
                        r"(?:aren't|isn't|are not|is not) needed|(?:should|must) (?:all )?be left out)", said)
    if said_out and (re.search(r"\bnot\b|n't\b", said_out.group()) or said_out.group().endswith("left out")):
        return True  # (but "the dog should be in the picture" wants it)
    if re.match(r"(?:(?:he|she|they|it)(?:'s|'re| is| are| was| were)|he's|she's|they're|hes|shes|theyre) (?:not|never) "
                r"(?:in (?:it|the|this|that)|needed|wanted|to be (?:in|drawn|shown))\b", said) or re.match(
                r"(?:he|she|they|it) (?:isn't|wasn't|aren't|weren't) (?:in (?:it|the|this|that)|needed|wanted)\b", said):
        return True  # "… so he's not in it", "she wasn't in it", "they're not needed"
    if clause[:1] == ["not"] and clause[1:2] and clause[1] in ("him", "her", "them") and (
            len(clause) == 2 or not clause[2].isalpha()):
        return True  # "…, so not her!"
    return False


# Words for an earlier try at the picture ("your first attempt", "the last version", "the draft").
_TRY_WORDS = frozenset("attempt attempts version versions try tries draft drafts render renders generation "
                       "generations result results output outputs iteration iterations mockup go".split())
_EARLIER = frozenset("first last previous earlier second third old original other latest".split())


def _earlier_try(words: list[str], start: int, end: int) -> bool:
    """'Your first attempt somehow had two balls bouncing around.', 'In your last version the kids were
    standing on the water.', 'Last time the fox came out looking menacing.', 'The previous version gave
    the swimmer her head on backwards.': a sentence told of an earlier try at the picture names nothing
    to draw."""
    k = _skip(words, start, end, _OPENERS | _CHANGING_MIND - {"scratch", "that"} | {",", "in", "on", "with", "like"})
    said = words[k:min(end, k + 4)]
    if said[:2] in (["last", "time"], ["previous", "time"]) or said[:3] == ["the", "last", "time"]:
        told = True  # "Last time the fox came out …"
    else:
        det = said[0] if said and said[0] in ("your", "the", "that", "my", "our") else None
        rest = said[1:] if det else said
        earlier = bool(rest) and rest[0] in _EARLIER
        head = rest[1] if earlier and len(rest) > 1 else rest[0] if rest else ""
        told = head in _TRY_WORDS and (earlier or det in ("your", "the", "that")) or (
            earlier and det is not None and head in ("one", "image", "picture", "pic", "poster", "flyer"))
        after = k + (1 if det else 0) + (1 if earlier else 0) + 1
        told = told and after < end and words[after].isalpha() and words[after] not in lexicon.CHAT
        # (but "ok last try lol, a grumpy old wizard …": the try asked for now)
    if not told:
        return False
    return any(w in ("had", "was", "were", "gave", "came", "made", "put", "showed", "looked", "added", "turned", "got")
               or "VBD" in word_table.verb_tags(w) and w.endswith("ed") for w in words[k:end])


def _takes_back(said: list[str]) -> bool:
    """Whether a sentence opens by taking back a thing named before ('Actually, scratch the girl, …')."""
    k = _skip(said, 0, len(said), _OPENERS | _CHANGING_MIND - {"scratch", "that"} | _PLEASE | {","})
    return k + 1 < len(said) and said[k] in ("scratch", "skip", "lose", "ditch", "drop", "remove") and (
        said[k + 1] in ("the", "those", "these"))


def refused_subject(said: list[str]) -> range:
    """Where the subject a sentence refuses is ('the dog' of 'The dog must not be drawn.'); empty when none."""
    k = _skip(said, 0, len(said), _OPENERS | _CHANGING_MIND | _PLEASE | {","})
    refusal = _first_refusal(said[k:])
    return range(k, k + refusal) if refusal is not None and _only_a_subject(said[k:k + refusal]) else range(0)


def _named_in(told: list[str]) -> frozenset[str]:
    """The nouns and names of words told, that a refusal may point back with ('Barney')."""
    return frozenset(w for w in told if w.isalpha() and w not in _FUNCTION_WORDS and w not in _FIRST_PERSON_ANY
                     and w not in lexicon.COPULAS and not word_table.verb_tags(w) & {"VBD", "VBZ", "VBP", "VBG"})


def _only_a_subject(told: list[str]) -> bool:
    """Whether words are only a subject, as before 'must not be drawn' ('Our grandchildren', 'The house
    and the other staff', 'Bernard himself and the nurses')."""
    return bool(told) and len(told) <= 8 and not any(
        w in (",", ";", ":") or w in lexicon.COPULAS or w in _MODALS or w in _FIRST_PERSON_ANY or "'" in w[:-2]
        or word_table.only_verb(w) for w in told)


def _a_or_a_count(word: str) -> bool:
    """Whether a word opens a thing to draw: "a", "an" or a number."""
    return word in ("a", "an") or word in lexicon.NUMBER_WORDS or word.isdigit()


def _asks_to_draw(said: list[str]) -> bool:
    """Whether words ask the tool to draw ("… lol so can u make a red fire truck …")."""
    return any(w in _MODALS and said[k + 1:k + 2] and said[k + 1] in _ASKED and said[k + 2:k + 3]
               and said[k + 2] in _MAKE for k, w in enumerate(said))


def _names_someone(said: list[str]) -> bool:
    """Whether words name a person or an animal other than the asker."""
    return any(_for_someone(w) for w in said if w not in _FIRST_PERSON_ANY and w.isalpha())


_FUNCTION_WORDS = (lexicon.DETERMINERS | lexicon.PRONOUNS | lexicon.POSSESSIVES | lexicon.PREPOSITIONS
                   | lexicon.CONJUNCTIONS | lexicon.FILLER)


def _corrects(said: list[str]) -> bool:
    """Whether a sentence changes the scene ("Oh, swap the pug for a corgi, I groom way more corgis")."""
    def picks(k: int) -> bool:
        after = said[k + 1:k + 3]
        if after[:1] in (["it"], ["that"], ["them"]):  # "make it a rabbit", "make it three"; not "make it cute"
            return len(after) == 2 and (after[1] in ("a", "an") or after[1] in lexicon.NUMBER_WORDS or after[1].isdigit())
        return after[:1] in (["the"], ["his"], ["her"], ["my"], ["our"])

    def into(k: int) -> bool:  # "make the vampire a werewolf", not "asked me to make the poster"
        return picks(k) and said[k + 1] not in ("it", "that", "them") and not any(w in _PICTURES for w in said[k + 2:k + 4])

    return any(w in ("swap", "switch", "replace", "change") and picks(k) or w in ("make", "turn") and (
        into(k) if said[k + 1:k + 2] not in (["it"], ["that"], ["them"]) else picks(k)) for k, w in enumerate(said))


def _has_a_verb(said: list[str]) -> bool:
    """Whether a sentence has a verb to tell a story with: "my grandparents by their car." tells
    nothing, it names what to draw."""
    return any(w in lexicon.COPULAS or w in _FIRST_PERSON_ANY or "'" in w or w in _MODALS or w in _WANT
               or word_table.verb_tags(w) & {"VBD", "VBZ", "VBP", "VBG"} and not lexicon.is_known_noun(singular(w)[0])
               or w.isalpha() and w.islower() and not word_table.is_english(w) and not word_table.is_english(singular(w)[0])  # "luvs"
               and lexicon.category(singular(w)[0]) is None and not lexicon.is_known_noun(singular(w)[0])
               and len(w) > 3 and w not in _FUNCTION_WORDS
               for w in said)


# Words before what someone wears now ("in a tulle dress", "wear white shirt", "has a red collar").
_DRESSED_IN = frozenset({"in", "wearing", "wear", "wears", "has", "have"})


def _dresses_someone(said: list[str]) -> bool:
    """Whether a sentence says what someone wears ("Our flower girl in a tulle dress tossing petals"):
    that describes the picture, it tells no story."""
    return any(w in _DRESSED_IN and any(singular(x)[0] in lexicon.CLOTHING for x in said[k + 1:k + 5]) and any(
        lexicon.category(singular(x)[0]) in (priors.PERSON, priors.ANIMAL) for x in said[max(0, k - 3):k])
        for k, w in enumerate(said))  # (but "everyone runs 5K in Santa suits" tells of no one drawn)


def _only_looks(said: list[str]) -> bool:
    """Whether words name no thing at all, only how the picture looks ("masterpiece, 8k, cinematic
    lighting, trending on artstation")."""
    named = [w for w in said if w.isalpha() and w not in lexicon.STYLE_WORDS]
    return bool(said) and not any(lexicon.category(singular(w)[0]) is not None or words_is_thing(singular(w)[0])
                                  for w in named)


def _story_after_the_scene(words: list[str], start: int, end: int) -> bool:
    """A sentence of the asker's own story after the scene ("… on a lily pad. my coworker calls me the
    frog queen lol", "… in the park. Me and my dad used to play chess there every sunday"): it speaks
    of the asker, places nothing, draws nothing, asks for no thing and excludes nothing."""
    said = words[start:end]
    if not said:
        return False
    if _a_or_a_count(said[0]):
        return False  # "a wooden treehouse in an oak tree, …, plus our dog barking": the scene, told on
    passed_on = (said[0] in _PRONOUNS_FOR_SOMEONE and said[1:2] and said[1] in _SAYS or said[0] in _YOU) and (
        not _scene_after(said, 0))  # "He says hi!", "you're the best" (but "he says hello to a dog" names a dog)
    if not (set(said) & (_FIRST_PERSON_ANY | _POSSESSIVE | {"me", "us"}) or passed_on) or (
            set(said) & {"no", "without", "not"}) or _takes_back(said):
        return False  # ("Actually, scratch the girl, I'd rather it was just the ladder.": a change)
    if not passed_on and not _has_a_verb(said) and said[0] not in lexicon.PREPOSITIONS:
        return False  # "my puppy asleep in the hammock.": what to draw, told without a verb (not "for my son")
    placing = _places_something(said, there_alone=False)  # ("used to play chess there": no place said)
    drawing = any((w in _DRAW or w in _MAKE or w in ("add", "put")) and (k + 1 >= len(said) or said[k + 1] != "it" or (
        k + 2 < len(said) and (said[k + 2] in _ARTICLES or said[k + 2] in lexicon.NUMBER_WORDS or said[k + 2].isdigit())))
        for k, w in enumerate(said))  # (but "so make it cute please": how it looks)
    if placing or drawing or _shows_or_draws(said) or _corrects(said) and not said[-1:] == ["it"] or _dresses_someone(said):
        return False  # ("My father wears a white shirt.": how one drawn looks)
    wants = next((m for m in range(start, end) if words[m] in _WANT or words[m] in _MODALS), None)
    return wants is None or not _wants_a_thing(words, wants + 1, end)


def _places_something(said: list[str], there_alone: bool = True) -> bool:
    """Whether a sentence puts something somewhere ('beside', 'next to', 'on a blue armchair', 'there
    is'); with `there_alone` false, a bare 'there' ('we used to play there') places nothing."""
    pairs = [["next", "to"], ["in", "front"], ["on", "top"]] + ([] if there_alone else [["there", "is"], ["there", "are"]])
    return bool(set(said) & (_PLACING if there_alone else _PLACING - {"there"})) or any(
        said[k:k + 2] in pairs for k in range(len(said))) or _on_a_thing(said)


# Who likes or loves, or what stands between them and the verb ("i'd really like", "we would love").
_LIKED_BY = _FIRST_PERSON_ANY | _THIRD_PERSON | _ASKED | frozenset({"would", "'d", "d", "really", "also", "just",
                                                                    "definitely", "totally", "kids"})


def _wants_a_thing(words: list[str], k: int, end: int) -> bool:
    """Whether what is wanted right after the want is a thing to draw ('i want a little boy in …'),
    not a picture ('I need a clean, diagram-like picture', 'a new channel avatar')."""
    if k and words[k - 1] in ("like", "love") and (k < 2 or words[k - 2] not in _LIKED_BY):
        return False  # "…, like a board book": a likeness, not a wish
    if k < end and words[k] in ("is", "are"):
        k += 1  # "what i want is a scientist, …"
    if k >= end or words[k] not in _ARTICLES | {"his", "her", "their", "your"} and words[k] not in lexicon.NUMBER_WORDS and (
            not words[k].isdigit()):
        return False  # ("I'd like her two cats on the card")
    phrase = []
    for word in words[k + 1:end]:
        if word in _ENDS or word in _LINKS or word in ("that", "which", "who", "and"):
            break
        phrase.append(word)
    while len(phrase) > 1 and phrase[-1].endswith(("ing", "ed")) and not words_is_thing(phrase[-1]):
        phrase.pop()  # "we want a small rusty robot sitting in a rowboat": the robot, then what it does
    if not phrase or set(phrase) & (_PICTURES | {"avatar", "pfp", "emote", "emotes"}):
        return False
    head = singular(phrase[-1])[0]
    return lexicon.category(head) is not None or words_is_thing(head) or any(
        lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL) for w in phrase)  # "our grandson Leo"


def _on_a_thing(said: list[str]) -> bool:
    """'our 2 cats curled up together on a blue armchair.': something put on or under a made thing
    is placed in the picture (being 'on etsy' or 'in a small shop' is not)."""
    for k, word in enumerate(said[:-2]):
        if word in ("on", "under", "onto", "atop") and said[k + 1] in _ARTICLES | _POSSESSIVE:
            for noun in said[k + 2:k + 5]:
                base = singular(noun)[0]
                if noun in _ENDS or noun in _LINKS:
                    break
                if (words_is_thing(base) or lexicon.category(base) is not None) and not words_is_place(base) and (
                        lexicon.category(base) not in (priors.PERSON, priors.ANIMAL)):
                    return True
    return False


def _scene_after(words: list[str], k: int) -> bool:
    """Whether the words from k name something to draw ("a crusty round loaf", "two foxes"), not
    only the look ("Pastel palette, soft light. No text and no people please.")."""
    for m in range(k, len(words)):
        if words[m] not in ("a", "an", "the", "some", "my", "our", "his", "her", "their") and (
                words[m] not in lexicon.NUMBER_WORDS and not words[m].isdigit()):
            continue
        for n in range(m + 1, min(m + 5, len(words))):
            if words[n] in _ENDS or words[n] in _LINKS:
                break
            noun, plural = singular(words[n])
            if words[n] in _PICTURES:
                break  # "our kids want a painting for the party": the picture, no thing in it
            counted = plural and (words[m] in lexicon.NUMBER_WORDS or words[m].isdigit())  # "Four bowlers …"
            if lexicon.category(noun) is not None or words_is_thing(noun) or counted:
                return True
    return False


def _picture_of_them(words: list[str], start: int, end: int) -> int | None:
    """Where the scene begins after '… I want a cute painting of them:': the asker names those
    already spoken of by a pronoun and says after the colon who they are, so all before the colon
    is the asking (the colon's index), or None."""
    for k in range(start + 2, end - 1):
        if words[k] not in ("him", "her", "them", "it", "us") or words[k - 1] != "of" or words[k - 2] not in _PICTURES:
            continue
        colon = k + 1 if words[k + 1] == ":" else k + 3 if words[k + 1:k + 4:2] == ["to", ":"] else None
        # ("… a portrait of them to frame: my grandmother …")
        if colon is not None and set(words[start:k]) & (_FIRST_PERSON_ANY | _POSSESSIVE):
            return colon
    return _picture_of_someone_told_after(words, start, end)


# How the asker tells of what they asked for before ("I asked for …", "I was going to ask for …").
_ASKED_BEFORE = (("asked", "for"), ("was", "going", "to", "ask", "for"), ("originally", "asked", "for"),
                 ("originally", "wanted"), ("had", "asked", "for"), ("first", "asked", "for"),
                 ("was", "gonna", "ask", "for"), ("tried",))
# How the asker tells of an idea given up, with "but" after it ("I considered a bunny too, but …",
# "I'd planned a teddy bear in there too but it already sold", "We had a little rover … but …").
_GIVEN_UP = (("considered",), ("planned",), ("sketched",), ("had",), ("originally", "wanted"), ("first", "pictured"),
             ("thought", "about"), ("was", "thinking", "of"), ("wanted",), ("drew",), ("tried",), ("had", "planned"),
             ("first", "thought", "of"), ("thought", "of"), ("almost", "went", "with"), ("almost", "asked", "for"))


def _earlier_asking(words: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """'I asked for a wolf howling at the moon earlier but my son says …. Can we do a fox
    instead': when the prompt asks for something instead, what the asker tells of asking for before
    is no part of the scene, up to where the new asking begins (or the sentence's end)."""
    for k in range(start, end - 1):
        if words[k] not in ("i", "we", "i'd", "we'd") or (k > start and words[k - 1] not in _ENDS | {
                "and", "but", "so", "first", "originally", "initially"}):
            continue  # ("At first I wanted a teddy bear sitting with them, but …")
        asked = "instead" in words[start:] and any(tuple(words[k + 1:k + 1 + len(p)]) == p for p in _ASKED_BEFORE)
        but = next((m for m in range(k + 2, end) if words[m] == "but"), None)
        given_up = but is not None and but - k <= 14 and any(
            tuple(words[k + 1:k + 1 + len(p)]) == p for p in _GIVEN_UP + _ASKED_BEFORE) and (words[k + 1:k + 2] != [
            "wanted"] or k > start and words[k - 1] in ("first", "originally", "initially")) or (
            but is not None and words[k + 1:k + 3] in (["originally", "wanted"], ["first", "wanted"]))
        if given_up:
            return [(k, _someone_said_why(words, but, end))]  # "I originally wanted a potted fern … but I cut it"
        if not asked:
            continue
        stop = next((m for m in range(k + 2, end) if words[m] == "instead" or words[m] == "so" and (
            words[m + 1:m + 2] and words[m + 1] in _MODALS | {"instead", "please", "i", "we", "maybe"}) or (
            words[m] in _MODALS and m + 1 < end and words[m + 1] in ("you", "u", "we"))), end)
        return [(k, stop)]
    return []


# Verbs of someone wanting what they name: the wish may be drawn, the one who wishes is not.
_WISHES = (("wants",), ("wanted",), ("begged", "for"), ("voted", "for"), ("loves",), ("would", "love"))
# Verbs of someone's opinion: what they think it should be is no part of the picture, up to "but".
_OPINIONS = (("says",), ("said",), ("keeps", "saying"), ("kept", "saying"), ("thinks",), ("thought",), ("suggested",),
             ("insists",), ("insisted",), ("reckons",), ("claims",))


def _someone_elses_wish(words: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """'his little sister wants a unicorn in there too', 'my husband keeps saying it should be a
    schnauzer, but no': one of the asker's people (or of someone's), told wishing or of an opinion, is
    not in the picture; what they wish for may be, what they think it should be is not."""
    for k in range(start, end - 2):
        if words[k] in _THIRD_PERSON and words[k + 1] in _HABITS and k > start and words[k - 1] in (",", "and", "but"):
            return [(k, _told_end(words, k + 2, end))]  # "…, he always sneaks into photos": what he does, no scene
        if words[k] not in _POSSESSIVE | {"his", "her", "their"} or k > start and words[k - 1] not in _ENDS | {
                "and", "but", "so", "because", "since", "plus", "also"} | _OPENERS:
            continue
        m = k + 1
        while m < min(end, k + 4) and lexicon.category(singular(words[m])[0]) not in (priors.PERSON, priors.ANIMAL):
            m += 1
        kind = lexicon.category(singular(words[m])[0]) if m < end else None
        if kind not in (priors.PERSON, priors.ANIMAL):
            continue
        verb = m + 1 + (words[m + 1:m + 2] in (["also"], ["really"], ["even"], ["all"]))
        if verb + 1 < end and words[verb].isalpha() and words[verb] not in _NOT_A_NAME and (
                words[verb + 1] in ("keeps", "kept", "wants", "says", "thinks", "always", "usually")):
            verb += 1  # "my apprentice Josh keeps begging …": the one named, then what they do
        if words[verb:verb + 1] in (["keeps"], ["kept"], ["keep"]) and verb + 1 < end and words[verb + 1].endswith("ing"):
            return [(k, _told_end(words, verb, end))]  # "… keeps begging to be on the banner"
        if _told_of_at(words, verb, end):
            stop = _told_end(words, verb + 2, end)
            if not _pointed_at_later(words, stop):  # (but "my grandpa's 80 and i want a pic of him": drawn)
                return [(k, stop)]  # "my father ran it before me", "our dog will be dressed as …"
        if kind != priors.PERSON:
            continue
        wish = next((len(p) for p in _WISHES if tuple(words[verb:verb + len(p)]) == p), None)
        if wish is not None:
            return [(k, verb + wish)]  # "my son wants [a pirate ship]"
        opinion = next((len(p) for p in _OPINIONS if tuple(words[verb:verb + len(p)]) == p), None)
        if opinion is not None and words[verb + opinion:verb + opinion + 1] not in (["to"], ["add"], ["put"]):
            stop = _told_end(words, verb + opinion, end)
            return [(k, stop)]  # "my husband keeps saying it should be a schnauzer", but …
    return []


_TOLD_AFTER_BE = frozenset({"literally", "basically", "obsessed", "such", "so", "always", "crazy", "mad", "turning",
                            "allergic", "scared", "terrified", "convinced"})
_NOT_A_NAME = frozenset({"and", "or", "but", "who", "that", "which", "is", "was", "will", "would", "can"})
_HABITS = frozenset({"always", "usually", "never", "often", "sometimes", "normally", "constantly"})


def _told_of_at(words: list[str], k: int, end: int) -> bool:
    """Whether a verb at k tells of its subject, as a story does, rather than showing it: in the past
    ('ran', 'arrived'; 'is sitting' shows), by habit ('always sleeps'), or to come ('will be dressed')."""
    if k >= end:
        return False
    word = words[k]
    if word in _HABITS or word in ("will", "won't", "used"):
        return True
    if word in ("is", "was", "s") and k + 1 < end and (words[k + 1] in _TOLD_AFTER_BE or (
            words[k + 1].isdigit() or words[k + 1] in lexicon.NUMBER_WORDS) and words[k + 2:k + 3] != ["feet"]):
        return True  # "my bf is literally a golden retriever", "my son is obsessed with trains", "she is 8"
    tags = word_table.verb_tags(word)  # (but "my daughter dressed as a bumblebee": a participle, shown)
    return "VBD" in tags and "VBN" not in tags and word not in ("was", "were") and (
        not lexicon.is_known_noun(singular(word)[0])) and not word_table.can_be(word, "ADJ")


def _told_end(words: list[str], k: int, end: int) -> int:
    """Where a clause told of someone ends: at 'but', 'so', a semicolon, a colon, the asker or a
    request coming in ('…, draw a red train', '… and i want a pic', '… can u draw') or the sentence's end."""
    for n in range(k, end):
        if words[n] in ("but", "so", ";", ":") or words[n] in ("and", ",") and words[n + 1:n + 2] and (
                words[n + 1] in _FIRST_PERSON_ANY or words[n + 1] in _MAKE or words[n + 1] in _PLEASE) or (
                words[n] in _MODALS and words[n + 1:n + 2] and words[n + 1] in _ASKED):
            return n
    return end


def _someone_said_why(words: list[str], but: int, end: int) -> int:
    """Where the asker's telling of an idea given up ends: at its 'but', or, when someone is told
    speaking after it ('but Grandma said that would make her cry, so leave Rusty out'), at the 'so'."""
    said = words[but + 1:but + 5]
    speaking = any(w in ("said", "says", "thinks", "thought", "hates", "reckons", "insists", "decided") for w in said)
    if not speaking:
        return but
    return next((m for m in range(but + 1, end) if words[m] == "so"), end)


def _picture_of_someone_told_after(words: list[str], start: int, end: int) -> int | None:
    """'… and I need a portrait of their new patron: a grizzled dwarf …': the asker names whom the
    picture shows by who they are to someone, and says after the colon what they are; all before the
    colon is the asking (the colon's index), or None."""
    colon = next((m for m in range(start, end) if words[m] == ":"), None)
    if colon is None or colon + 2 >= end or words[colon + 1] not in ("a", "an"):
        return None
    of = next((m for m in range(colon - 1, max(start, colon - 6), -1) if words[m] == "of"), None)
    if of is None or of < start + 1 or words[of - 1] not in _PICTURES or words[of + 1] not in _POSSESSIVE | {
            "his", "her", "their", "the"}:
        return None
    someone = lexicon.category(singular(words[colon - 1])[0]) in (priors.PERSON, priors.ANIMAL)
    told = any(lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL) for w in words[colon + 2:colon + 6])
    asked = set(words[start:of]) & (_FIRST_PERSON_ANY | _WANT | _MAKE)
    return colon if someone and told and asked else None


# The asker's own work that a picture is for ("My Year 5 unit on the Romans: …", "our project:").
_ASKERS_WORK = frozenset("project unit topic lesson class presentation assignment homework blog post website "
                         "listing brochure zine campaign newsletter poster flyer".split())


def _asker_before_colon(words: list[str], start: int, end: int) -> int | None:
    """'i saw this guy yesterday and it stuck with me: a busker …': the asker's own words before a
    colon, which name nothing with 'a' or a number, and the scene after it (the colon's index)."""
    first = _skip(words, start, end, _GREETINGS | {","})
    colon = next((m for m in range(first, end) if words[m] == ":"), None)
    own_work = colon is not None and words[first] in ("my", "our") and bool(set(words[first:colon]) & _ASKERS_WORK)
    if colon is None or first >= colon or not (words[first] in _FIRST_PERSON_ANY | {"me", "us"} or own_work or (
            words[first] == "the" and set(words[first:colon]) & (_FIRST_PERSON_ANY | {"me", "us"}))):
        return None  # (also "The page I need: a small boy …", "My Year 5 unit on the Romans: a centurion …")
    said = words[first:colon]
    if set(said) & ({"a", "an", "some", "one"} | set(lexicon.NUMBER_WORDS)) or any(w.isdigit() for w in said) or not _scene_after(words[:end], colon + 1):
        return None
    return colon


def _pointed_at_later(words: list[str], k: int) -> bool:
    """Whether a pronoun for someone comes after words[k] before anyone new is named ("…. Draw
    him asleep."); "a painting of them: a cat …" names them after the colon."""
    named_a_thing = False
    for m in range(k, len(words)):
        if lexicon.category(singular(words[m])[0]) in (priors.PERSON, priors.ANIMAL):
            return False
        if words[m] in ("them", "they", "it") and named_a_thing:
            return False  # "… a trumpet, a saxophone and a flute … with a ribbon tied around them": those things
        named_a_thing = named_a_thing or words[m] in ("a", "an")
        asks = m + 1 < len(words) and (words[m + 1] in _WANT or words[m + 1] in _SAYS) or (
            m > 0 and words[m - 1] == "for")  # "He wants a green dinosaur", "For her baby shower invite"
        if words[m] in _PRONOUNS_FOR_SOMEONE and not asks and (m + 1 >= len(words) or words[m + 1] != ":"):
            return True
    return False


# What the one the picture is for says of it ("He says hi!", "she asked for a unicorn"): no one drawn.
_SAYS = frozenset("says said asks asked loves loved likes liked thinks thought insists insisted wanted".split())


_SHOWING = [[w] for w in "shows show showing has have features feature depicts depict includes include is are".split()]


def _shows_or_draws(said: list[str]) -> bool:
    """Whether a sentence frames the scene itself ("I want a photo of a cat.", "a picture where …");
    not "a post about lazy sunday brunch" or "a picture of the aftermath", which name nothing to draw."""
    for k, w in enumerate(said[:-1]):
        if w not in _PICTURES or said[k + 1] not in _SCENE_OPENS | {"like"} or k and said[k - 1] in _HANDLING_PICTURES:
            continue  # ("tried taking photos with his phone": pictures someone handles)
        if said[k + 1] in ("that", "which") and (said[k + 2:k + 3] not in _SHOWING or said[k + 3:k + 4] and (
                said[k + 3] not in _ARTICLES | {"two", "three", "four", "five", "some", "his", "her", "their", "our"})):
            continue  # "a thumbnail that POPS", "a banner that shows off what we grow": how it looks, no scene
        if said[k + 1] == "in" and said[k + 2:k + 3] != ["which"]:
            continue  # "we run an ad in the local paper": where the picture goes
        if said[k + 1] != "of" or _scene_after(said, k + 2) or any(
                lexicon.category(singular(x)[0]) is not None or words_is_thing(singular(x)[0]) for x in said[k + 2:k + 6]):
            return True
    return False


def _chat_clause_end(words: list[str], k: int, end: int) -> int:
    """Where the clause from words[k] ends: at punctuation, or a chat word that ends it as one does."""
    while k < end and words[k] not in _ENDS and words[k] not in _CHAT_ENDS:
        k += 1
    return k


def _sentence_end(words: list[str], start: int) -> int:
    k = start
    while k < len(words) and words[k] not in SENTENCE_END:
        k += 1
    return k


def _spans_in(words: list[str], start: int, end: int) -> list[tuple[int, int]]:
    """The request's clauses in one sentence: any number at its start (joined by commas or "and":
    "I am a teacher and I need an image for ..."), and a picture named with its purpose anywhere."""
    spans = []
    k = _skip(words, start, end, _GREETINGS | {","})
    opening = True
    while k < end:
        found = (_self_description(words, k, end) or _tells(words, k, end) or _purpose_first(words, k, end)
                 or _apology(words, k, end) if opening else None)
        found = found or _asker_aside(words, k, end) or _request(words, k, end) or _named_picture(words, k, end) or (
            _whom_for(words, k, end)) or _for_the_picture(words, k, end) or _purpose_before_asking(words, k, end)
        if found is None:
            opening = False
            k = _next_clause(words, k, end)
            continue
        found = _follows_below(words, found, end)
        asked_before = any(set(words[a:b]) & (_WANT | _MAKE | _MODALS) for a, b in spans)
        if not asked_before and not opening and _said_by_the_asker(words, start, k) and not _drawn_back(words, found, end):
            k, spans = start, []  # "my daughter is expecting her first baby and we want a picture for the nursery,"
            # ("my mum loves baking so for her birthday i want a pic …": the purpose within the story)
        spans.append((start if not spans and opening else k, found))
        k = _skip(words, found, end, {"and", ","} | _GREETINGS | _PLEASE)
    return spans


def _drawn_back(words: list[str], found: int, end: int) -> bool:
    """Whether the scene right after a request points back at someone of the story before it ("…, her
    sitting at a table", "a pic of him"; not "bees around him"), unless the next clause draws that
    one anew ("… a portrait of her lol, a tall pale vampire …")."""
    near = range(found, min(end, found + 8))
    pointing = [m for m in near if words[m] in ("he", "she", "him", "her", "they", "them") and words[m - 1] not in _AROUND]
    if not pointing:
        return False
    anew = _skip(words, _chat_clause_end(words, pointing[0], end), end, _ENDS | _CHAT_ENDS)
    return not (anew < end and words[anew] in ("a", "an") and any(
        lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL) for w in words[anew + 1:min(end, anew + 5)]))


# Where a pronoun places something by someone already named ("bees buzzing around him").
_AROUND = frozenset({"around", "beside", "behind", "near", "to", "by", "above", "under", "over", "with", "on", "at"})


def _said_by_the_asker(words: list[str], start: int, k: int) -> bool:
    """Whether the words before a request in its sentence are the asker's own story ('my daughter
    is expecting her first baby and we want a picture for the nursery,'): the asker, wanting."""
    said = set(words[start:k + 3])  # the request may open with the asker ("… and i need a picture")
    first = _skip(words, start, k, _GREETINGS | {"its", "it's"})  # ("its my dads 70th next week and …")
    asking = words[k] == "the" and _asking_for(words, k + 2, len(words)) is not None  # "… and the kids have begged for"
    if words[first] in _POSSESSIVE and (words[k] in _WANT or words[k] in _THIRD_PERSON or asking) and words[k - 1] == "and" and (
            k - first <= 16):
        return True  # "my friend is opening a bike shop and wants a logo": the one who asks, not drawn
    relative = words[first] in _POSSESSIVE and any(
        lexicon.category(singular(w.removesuffix("'s"))[0]) == priors.PERSON for w in words[first + 1:min(k, first + 4)])
    # ("my dads 70th": "dad's"; "my little sister loves unicorns")
    asks = next((m for m in range(k, min(len(words) - 1, k + 10)) if words[m] in _MODALS and words[m + 1] in _ASKED), None)
    if relative and asks is not None and _finite(words[first:k]):
        return True  # "my son is 4 and obsessed with trucks lol so for his bedroom wall can u make …"
    speaker = next((m for m in range(start, k + 1) if words[m] in _FIRST_PERSON_ANY or words[m] in ("me", "my", "our")
                    and m == first), None)  # ("me and my partner are having a baby in june and want …")
    return speaker is not None and (relative or not set(words[start:speaker]) & {"a", "an"}) and bool(
        said & (_WANT | _MAKE)) and k - start <= 24  # ("so my sister runs a bakery and for her shop i want …")


def _next_clause(words: list[str], k: int, end: int) -> int:
    # "no guns pls it's for 6 year olds": chat words end a clause as punctuation does
    start = k
    while k < end and words[k] not in _ENDS and words[k] not in _CHAT_ENDS and not (
            k > start and _so_opens_a_clause(words, k, end)) and not (
            words[k] == "and" and k + 1 < end and (words[k + 1] in _WANT | _FIRST_PERSON | _FIRST_PERSON_BE or (
                words[k + 1] in _THIRD_PERSON and k + 2 < end and (
                    words[k + 2] in _WANT or _asking_for(words, k + 2, end) is not None)) or (
                words[k + 1] in _POSSESSIVE | {"the"} and _asking_for(words, k + 3, end) is not None))) and not (
            k > start and words[k] in _FIRST_PERSON | {"i'd", "we'd"} and k + 1 < end and words[k + 1] in _WANT):
        k += 1  # ("… is opening a bike shop and wants a logo-ish illustration, …": the request after "and";
        # "… and for his 60th i want a poster": the asker's own words start a clause)
    if k < end and words[k] in _FIRST_PERSON | {"i'd", "we'd"}:
        return k
    if k < end and words[k] == "so":
        return k + 1  # "my boyfriend is realy into astronomy so for his birthday can u make …"
    return _skip(words, k, end, _ENDS | _CHAT_ENDS | {"and"} | _GREETINGS)


def _so_opens_a_clause(words: list[str], k: int, end: int) -> bool:
    """'… so for his birthday can u make …', '… so they want a poster': "so" before a purpose or an
    asking ends the clause before it."""
    after = words[k + 1:k + 3]
    return words[k] == "so" and bool(after) and (after[0] in ("for", "i", "we", "pls", "please") or after[0] in _MODALS
                                                 or after[0] in _THIRD_PERSON and after[1:] and after[1] in _WANT)


def _follows_below(words: list[str], k: int, end: int) -> int:
    """', like this: 2 cats, ...', ', as follows: ...': the preamble runs on to the colon."""
    j = _skip(words, k, end, {","})
    if words[j:j + 2] in (["like", "this"], ["as", "follows"], ["like", "so"]):
        colon = next((m for m in range(j, end) if words[m] == ":"), None)
        return colon if colon is not None else j + 2
    return k


def _skip(words: list[str], k: int, end: int, skippable: frozenset[str] | set[str]) -> int:
    while k < end and words[k] in skippable:
        k += 1
    return k


def _self_description(words: list[str], k: int, end: int) -> int | None:
    """'I am a teacher', "we're a small bakery": the asker, up to the end of the clause."""
    if k < end and words[k] in _FIRST_PERSON_BE:
        article = k + 1  # "i'm" stands for both words
    elif k + 1 < end and words[k] in _FIRST_PERSON and words[k + 1] in _BE:
        article = k + 2
    else:
        return None
    if article >= end or words[article] not in ("a", "an"):
        return None
    return _clause_end(words, article + 1, end)


def _tells(words: list[str], k: int, end: int) -> int | None:
    """'i run a small candle business on etsy', 'we just opened a little cafe', 'this is for my
    salon's facebook', 'been trying to get this right for ages': what the asker does or what it is
    for, up to the end of the clause."""
    if words[k:k + 2] in (["been", "trying"], ["i've", "been"], ["still", "trying"], ["trying", "again"]):
        return _clause_end(words, k + 2, end)
    here = next((m for m in range(k + 1, min(k + 7, end)) if words[m] == "here"), None)
    working = here is not None and here + 1 < end and words[here + 1].endswith("ing") and words[here + 1] in _TELLS
    if working and not set(words[k:here]) & (_ARTICLES | _LINKS | _MAKE):
        return _clause_end(words, here + 2, end)  # "solo dev here making a cozy cafe management game!"
    if here is not None and (here + 1 >= end or words[here + 1] in _ENDS) and not set(words[k:here]) & (
            _ARTICLES | _LINKS | _MAKE) and (lexicon.category(singular(words[here - 1])[0]) == priors.PERSON
                                            or words[here - 1].endswith(("er", "or", "ist", "ian", "ant", "ent"))):
        return here + 1  # "wedding photographer here,", "Interior designer here.": who asks
    if words[k] in ("making", "doing", "creating", "preparing", "designing", "putting") and k + 1 < end:
        found = _picture_then_purpose(words, k + 1, end)  # "making slides for a kindergarten lesson on farm animals,"
        if found is not None:
            return found
    m = _skip(words, k, end, {"just", "only", "still", "am", "i'm", "im"})
    if m + 1 < end and words[m] in ("testing", "trying", "using") and words[m + 1] in ("this", "it", "out"):
        return _clause_end(words, m + 2, end)  # "testing this for a client's album cover:", "just testing this out:"
    if words[k] in ("planning", "organizing", "organising", "preparing") and any(
            words[m] in _WANT and words[m - 1] == "and" for m in range(k + 1, end)):
        return _clause_end(words, k + 1, end)  # "Planning a fall mini session and want a mockup …:"
    if words[k:k + 1] == ["my"] and "and" in words[k + 1:k + 4]:
        k = words.index("and", k + 1) + 1  # "my buddy and I are doing a comic"
    if k >= end or words[k] not in _FIRST_PERSON and words[k] not in _FIRST_PERSON_BE:
        return None
    j = _skip(words, k + 1, end, {"just", "also", "recently", "currently", "actually", "keep", "still", "often"})
    if j < end and words[j] in _IMAGINING:
        # "I keep imagining one moment from my novel: the keeper's daughter …": up to the colon only
        colon = next((m for m in range(j, end) if words[m] == ":"), None)
        if colon is None and j + 1 < end and (words[j + 1] in ("a", "an") or words[j + 1] in lexicon.NUMBER_WORDS):
            return j + 1  # "I'm thinking a round glass fishbowl on a shelf …": the scene follows
        return colon
    if words[k] in _FIRST_PERSON_BE and j < end and words[j] in _TELLS:
        return _clause_end(words, j + 1, end)  # "i'm planning my daughter's wedding"
    if j < end and words[j] in _BE and j + 1 < end and words[j + 1] in _TELLS:
        j += 1  # "we are opening", "i'm running"
    if j < end and words[j] not in _TELLS and words[k] in _FIRST_PERSON and _what_the_asker_does(words[j]):
        return _clause_end(words, j + 1, end)  # "…, I groom way more corgis": the asker's own doing
    if j >= end or words[j] not in _TELLS:
        return None
    return _clause_end(words, j + 1, end)


def _asker_aside(words: list[str], k: int, end: int) -> int | None:
    """'…, swap the pug for a corgi, I groom way more corgis': after a comma, what the asker does,
    up to the end of the clause."""
    if k == 0 or words[k - 1] not in (",", ";", "-", "("):
        return None
    if words[k] == "the" and k + 2 < end and _people_word(words[k + 1]) and words[k + 2] in (
            "will", "can", "could", "would", "should", "'ll"):
        return _clause_end(words, k + 3, end)  # "no numbers on it, the kids will write those in themselves"
    if words[k] not in _FIRST_PERSON:
        return None
    j = _skip(words, k + 1, end, {"just", "also", "really", "actually", "still", "often", "usually", "always"})
    if j + 3 < end and words[j] in _WANT and words[j + 1] == "the" and _people_word(words[j + 2]) and words[j + 3] == "to":
        return _clause_end(words, j + 4, end)  # "…, I want the kids to colour it in": whom it is for
    return _clause_end(words, j + 1, end) if j < end and _what_the_asker_does(words[j]) else None


def _people_word(word: str) -> bool:
    return singular(word)[1] and lexicon.category(singular(word)[0]) == priors.PERSON  # "kids", "students"


def _what_the_asker_does(word: str) -> bool:
    """A verb in the present or past that is no asking, drawing or having: 'groom', 'taught'."""
    return bool(word_table.verb_tags(word) & {"VBP", "VBD"}) and word not in _WANT | _MAKE | _DRAW | _IMAGINING | _MODALS and (
        word not in ("have", "had", "got", "am", "are", "was", "were", "see", "saw", "do", "did", "put", "add", "let",
                     "mean", "meant", "think", "thought", "guess", "hope", "wonder", "know", "believe", "suppose",
                     "say", "said", "prefer", "imagine", "picture"))


def _whom_for(words: list[str], k: int, end: int) -> int | None:
    """'this is for my niece', "it's for 6 year olds": whom the picture is for, anywhere."""
    if words[k:k + 3] in (["this", "is", "for"], ["it", "is", "for"], ["it's", "for", "my"]) or words[k:k + 2] in (
            ["it's", "for"], ["its", "for"], ["thats", "for"], ["that's", "for"]):
        return _clause_end(words, k + 2, end)  # (also "its for a travel blog header", typed so)
    return None


def _apology(words: list[str], k: int, end: int) -> int | None:
    """'sorry for mistakes', 'excuse my english': the asker's aside, up to the end of the clause."""
    if words[k] in ("sorry", "apologies") or words[k:k + 2] in (["excuse", "my"], ["pardon", "my"]):
        stop = _clause_end(words, k + 1, end)
        but = next((m for m in range(k + 1, stop) if words[m] == "but"), None)
        return but + 1 if but is not None else stop  # "sorry if this is weird but can i get …": the asking goes on
    return None


def _request(words: list[str], k: int, end: int) -> int | None:
    """'can you make me a picture for my class', 'I need an image for my blog', 'my cafe needs a
    staff photo for the about page', 'please draw for my son's story book': the request, up to
    where the scene begins."""
    j = _skip(words, k, end, _PLEASE)
    asked_at = None
    opened = _skip(words, j, end, {"so", "instead", "then"})
    if opened < end and words[opened] in _MODALS:
        j = opened  # "…, so instead can you do an astronaut …"
    polite = j > k  # "please draw …", "can you draw …": a request, whatever follows the verb
    if j < end and words[j] in _MODALS and j + 1 < end and words[j + 1] in _ASKED:
        j = _skip(words, j + 2, end, _PLEASE | {"maybe", "just", "kindly"})
        polite = True
    elif words[j:j + 1] and words[j] in _MODALS and words[j + 1:j + 2] in (["i"], ["we"]) and (
            words[j + 2:j + 3] in (["get"], ["have"], ["see"])):
        return _skip(words, j + 3, end, _PLEASE | {"me", "us"})  # "can i get a frog on a lily pad": the scene follows
    elif words[j:j + 1] in (["what"], ["all"]) and words[j + 1:j + 2] in (["i"], ["we"]) and (
            j + 3 < end and words[j + 2] in _WANT and words[j + 3] in ("is", "are", "'s")):
        return _skip(words, j + 4, end, {",", ":", "just", "simply"})  # "what i want is a scientist, …"
    elif j < end and (words[j] in _FIRST_PERSON or words[j] in _FIRST_PERSON_BE or words[j] in ("i'd", "we'd")):
        j = _skip(words, j + 1, end, _BE | {"would", "'d", "d", "really", "also", "just", "currently", "have", "to",
                                          "kinda", "sorta", "actually", "probably"})
        if words[j:j + 2] in (["kind", "of"], ["sort", "of"]):
            j += 2  # "I kind of want a painting like our honeymoon:"
    elif j < end and words[j] in _POSSESSIVE:
        j += 1
        while j < end and _is_modifier(words[j]) and j - k < 4 and _asking_for(words, j, end) is None:
            j += 1  # "my cafe needs", "our band needs"
        asked_at = _asking_for(words, j, end)
        j = asked_at if asked_at is not None else j  # "my son asked for a picture of …"
        if j >= end or words[j] not in _WANT and j != asked_at:
            return None
    elif j < end and words[j] in _WANT:
        pass  # "need a pic for my studio's class schedule"
    elif j + 1 < end and words[j] in _THIRD_PERSON and words[j + 1] in _WANT:
        j += 1  # "… and she wants a diorama-looking pic:": the one asking, not drawn
    elif j + 2 < end and words[j] == "the" and lexicon.category(singular(words[j + 1])[0]) == priors.PERSON and (
            _asking_for(words, j + 2, end) is not None):
        j = asked_at = _asking_for(words, j + 2, end)  # "… and the kids have begged for a drawing of …"
    elif j + 1 < end and words[j] in _THIRD_PERSON and _asking_for(words, j + 1, end) is not None:
        j = asked_at = _asking_for(words, j + 1, end)  # "… and he's insisted on a picture of …"
    elif words[j:j + 2] in (["thinking", "of"], ["looking", "for"], ["thinking", "about"]):
        j += 1  # "thinking of a watercolor splash for a sports zine:"
        return _picture_then_purpose(words, j + 1, end) if j + 1 < end and words[j + 1] in _ARTICLES else None
    elif j == k or j >= end or words[j] not in _MAKE:
        return None  # a bare verb asks only after "please": "make a cat" is read as it stands
    if j >= end or words[j] not in _MAKE and words[j] not in _WANT and j != asked_at:
        return None
    verb = j
    wants = words[verb] in _WANT or verb == asked_at
    if wants and words[verb + 1:verb + 2] == ["to"] and verb + 2 < end and (
            words[verb + 2] not in _MAKE | _DRAW | {"have", "get", "see"} and words[k] in _FIRST_PERSON_ANY):
        return _chat_clause_end(words, verb + 2, end)  # "i want to surprise my D&D group with art of … lol, a huge orc"
    j = _skip(words, j + 1, end, {"me", "us", "to", "make", "have", "get", "see", "like"})  # ("make like a …": a filler)
    if words[j:j + 2] in (["for", "me"], ["for", "us"]):
        j += 2  # "please make for me one cat": for the asker, the scene follows
    if j < end and words[j] == "for":
        return _clause_end(words, j, end)  # "draw for my son's story book: ..."
    found = _picture_then_purpose(words, j, end) if j < end and words[j] in _ARTICLES else None
    if found is None and j < end and words[j] in _ARTICLES and _frames_a_scene(words, j, end) and wants:
        return j  # "… and want an illustration of a barista …": the asking ends, the frame is read as such
    colon = next((m for m in range(j, end) if words[m] == ":"), None)
    if found is None and colon is not None and any(w in _PICTURES for w in words[j:colon]) and not polite and not (
            wants and _wants_a_thing(words, j, colon)):  # (but "I'd like her two cats on the card:")
        return colon  # "so I'd love a picture recreating that: a young man …": the asking runs to the colon
    if found is None and wants and j == verb + 1 and _wants_a_thing(words, j, end) and not polite and (
            words[k] in _FIRST_PERSON_ANY or words[k] in _THIRD_PERSON):
        return j  # "so i'd like an old sailor holding a telescope": the asker wants it, the scene follows
    if found is None and polite and words[verb] in _MAKE and j < end and words[j] not in _ENDS | _NEGATIONS and (
            not set(words[j:j + 4]) & _PICTURES):  # but "can you make me a picture of two cats": the frame, read so
        return j  # "can you do a mama bear and a baby bear …", "can you draw my granddaughter …": the scene
    if found is None and polite and words[verb] in _MAKE and j < end and _frames_a_scene(words, j, end):
        return j  # "can u make an oil painting of an old man …": the asking ends; the frame is read as such
    return found


# Someone asking for the picture in words of their own ("my son asked for", "he's insisted on").
_ASKING_FOR = (("asked", "for"), ("asks", "for"), ("begged", "for"), ("begs", "for"), ("insisted", "on"),
               ("insists", "on"), ("is", "asking", "for"), ("has", "asked", "for"), ("is", "insisting", "on"),
               ("has", "insisted", "on"), ("is", "insisted", "on"), ("is", "asked", "for"), ("requested",),
               ("has", "requested"), ("have", "asked", "for"), ("have", "begged", "for"))  # ("he's asked for": the tokens read "is" for the "'s")


def _asking_for(words: list[str], j: int, end: int) -> int | None:
    """Where words like 'asked for' or 'insisted on' at words[j] end (their last word's index), when
    a picture word follows within four words; else None."""
    for phrase in _ASKING_FOR:
        last = j + len(phrase) - 1
        if tuple(words[j:last + 1]) == phrase and any(w in _PICTURES for w in words[last + 1:min(end, last + 5)]):
            return last
    return None


def _is_modifier(word: str) -> bool:
    """A word that may stand in a noun phrase before its head ("a cozy xmas card pic"): no
    function word, no punctuation, no verb of asking."""
    return (word.replace("-", "").replace("'", "").isalnum() and word not in lexicon.PREPOSITIONS
            and word not in lexicon.CONJUNCTIONS and word not in lexicon.DETERMINERS and word not in _ENDS
            and word not in _SCENE_OPENS and word not in _WANT and word not in _MAKE and word != "and"
            and word not in _PLEASE and word not in _NEGATIONS and word not in _LINKS)


def _is_picture_word(words: list[str], k: int) -> bool:
    """A picture word, or 'slide' said to be for something ('a slide for my talk'; a playground's
    slide is a thing)."""
    return words[k] in _PICTURES or words[k] == "slide" and words[k + 1:k + 2] == ["for"]


def _picture_then_purpose(words: list[str], j: int, end: int) -> int | None:
    """From a determiner or modifiers to a picture word ("a cute little pic"), then what it is for;
    the end of the clause, or None where no picture word ends the phrase or the scene follows it."""
    first = j + (words[j] in _ARTICLES)
    k = first
    while k < end and k - first < 5 and _is_modifier(words[k]) and not _is_picture_word(words, k):
        k += 1
    while k + 1 < end and words[k] in _PICTURES and words[k + 1] in _PICTURES:
        k += 1  # "post template", "card pic"
    if k >= end or not _is_picture_word(words, k):
        return None
    if k > first and (words[k - 1] in _HANDLING_PICTURES or words[j] in ("a", "an", "the") and any(
            lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL) and not w.endswith(("'s", "s'"))
            for w in words[first:k - 1])):
        return None  # "a man taking photos", "tourists snapping pictures": someone in the scene with pictures
    if words[k] in ("portrait", "portraits") and k > first and lexicon.category(singular(words[k - 1])[0]) in (
            priors.PERSON, priors.ANIMAL):
        return None  # "groom portrait:", "grandma portrait:": the portrait shows them
    after = _skip(words, k + 1, end, _PLEASE)
    if after < end and words[after] in _SCENE_OPENS:
        return None  # "a picture of two cats": the frame, read as such
    if after < end and words[after] == "for" and _for_whom(words, after + 1, end):
        return after + 1  # "grad pics for a brother and sister": they are the picture
    if after < end and words[after] == "like" and words[k] in ("something", "one"):
        return None  # "Something like a fluffy golden puppy …": the scene, by example
    if after < end and words[after] not in ("for", "about", "to", "that", "which", "like") and words[after] not in _ENDS and (
            words[after] not in _CHAT_ENDS):  # ("… so they want a poster lol.")
        return None
    if after + 1 < end and words[after] == "to" and (set(words[after + 1:after + 3]) & {"left", "right", "side"}):
        return None  # "a giant slide to the left of the beds": a thing, placed
    return _clause_end(words, after, end)


def _frames_a_scene(words: list[str], j: int, end: int) -> bool:
    """Whether a picture word from words[j] is followed by what it shows ("an illustration of …")."""
    k = j + 1
    while k < end and k - j < 5 and _is_modifier(words[k]) and words[k] not in _PICTURES:
        k += 1
    while k + 1 < end and words[k] in _PICTURES and words[k + 1] in _PICTURES:
        k += 1  # "a funny farewell card pic of a nurse …"
    return k + 1 < end and words[k] in _PICTURES and words[k + 1] in _SCENE_OPENS


def _for_whom(words: list[str], k: int, end: int) -> bool:
    """Whether "for" names people who are in the picture ("for a brother and sister"), not the
    asker's own, an audience or a purpose ("for my son", "for kids", "for my blog")."""
    if k >= end or words[k] not in ("a", "an", "the", "two", "both") and not words[k].isdigit() and (
            words[k] not in lexicon.NUMBER_WORDS):
        return False  # "for my son", "for kids": whom the picture is for, not who is in it
    named = []
    while k < end and (_is_modifier(words[k]) or words[k] in ("a", "an", "the", "and", "two", "both")):
        named.append(words[k])  # up to the first word that is no part of the names: "for a story | about cats"
        k += 1
    return any(lexicon.category(singular(w)[0]) in (priors.PERSON, priors.ANIMAL) for w in named if _is_modifier(w))


def _named_picture(words: list[str], k: int, end: int) -> int | None:
    """'our running club pic:', 'grad pics!!', 'instagram post template for my bakery,': a clause
    that only names the picture (and what it is for)."""
    j = _skip(words, k, end, _PLEASE)
    if j < end and words[j] in _WANT:
        j += 1  # "want a party pic:"
    if j >= end or not (words[j] in _ARTICLES or _is_modifier(words[j]) or words[j] in _PICTURES):
        return None
    found = _picture_then_purpose(words, j, end)
    if found is None or (found < end and words[found] not in _ENDS and words[found - 1] != "for"):
        return None  # the whole clause (up to whom it shows), or nothing
    if any(w in lexicon.COPULAS or w in ("playing", "play", "plays", "dealing", "shuffling") for w in words[j:found]):
        return None  # "Two old men are playing cards": a scene, its cards a game, no picture named
    if found - j >= 2 and all(w in ("left", "right", "left-hand", "right-hand", "the") for w in words[j:found - 1]):
        return None  # "Left page: a fox …", "Right panel:": where on the spread, read as a place
    listed = k > 0 and words[k - 1] == "," and (found == k + 1 or found < end and words[found] in (",", "and"))
    if listed and singular(words[found - 1])[1] and not set(words[k:found]) & (_ARTICLES | _POSSESSIVE):
        return None  # "…, a neon sign, posters, a cat …", "…, framed photos, a clock": things, one item of a list
    if listed and words[found - 1] in ("one", "ones"):
        return None  # "four hens, a brown one, two white hens …": one of them, in the list
    return found


def _for_the_picture(words: list[str], k: int, end: int) -> int | None:
    """'…, for her recital card.', '… for our church newsletter': what the picture is for, a clause
    of its own after the scene (the clause's end), or None."""
    if k == 0 or words[k - 1] not in (",", "-", "("):
        return None
    return _purpose_end(words, k, end, _PICTURES)


def _purpose_first(words: list[str], k: int, end: int) -> int | None:
    """'for my gym's promo i want a coach ...', 'for my party planning biz insta:': what the picture
    is for, fronted; up to the asker's own words or the end of the clause."""
    if k >= end or words[k] != "for" or k + 1 >= end or words[k + 1] not in _POSSESSIVE | {
            "a", "an", "the", "our", "his", "her", "their"}:
        return None  # ("For her baby shower invite, can you make …")
    if _for_whom(words, k + 1, end):
        return None
    j = k + 1
    while j < end and words[j] not in _ENDS and not (words[j] in _FIRST_PERSON_ANY
                                                     and j + 1 < end and words[j + 1] not in _ENDS) and not (
            words[j] in _MODALS and j + 1 < end and words[j + 1] in _ASKED) and words[j] not in _PLEASE:
        # ("for our church newsletter can u draw a priest …": the request follows)
        if j > k + 2 and words[j] in ("a", "an", "the") and _scene_after(words[:end], j) and (
                j + 2 < end and any(w in lexicon.COPULAS for w in words[j + 1:j + 4])):
            return j  # "For my game night the villain is an old sorcerer …": the scene's own subject
        j += 1
    return j


def _purpose_before_asking(words: list[str], k: int, end: int) -> int | None:
    """'… lol so for his bedroom wall can u make …': what the picture is for, told mid-sentence right
    before the asking."""
    j = _purpose_first(words, k, end)
    if j is None or j >= end or not (words[j] in _FIRST_PERSON_ANY or words[j] in _PLEASE or (
            words[j] in _MODALS and j + 1 < end and words[j + 1] in _ASKED)):
        return None
    return j


def _clause_end(words: list[str], k: int, end: int) -> int:
    """Where the scene begins after a preamble: its colon, comma or dash, a word that opens the
    scene, "and" before a new request, or the end of the sentence (a sentence that is all request)."""
    while k < end and words[k] not in _ENDS and words[k] not in _SCENE_AFTER_PURPOSE:
        if words[k] == "of" and k + 1 < end and (words[k + 1] in ("a", "an") or words[k + 1] in lexicon.NUMBER_WORDS):
            return k + 1  # "a photo for my travel blog of a woman": the scene; but "for the cover of my book"
        if words[k] == "and" and k + 1 < end and (words[k + 1] in _FIRST_PERSON_ANY or words[k + 1] in _WANT):
            return k
        k += 1
    return k
