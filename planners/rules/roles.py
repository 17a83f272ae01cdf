"""The role of each noun phrase: a new thing, a detail of its owner, a setting, a negation.

`NounPhrases` is the half of the reader (`parsing._Reader`) that handles noun phrases: the link
that the words before set up ("in", "with", "no", "left of", a verb) and the kind of the head
noun (clothing, a part, a place, a person, an object, an unknown word) decide what the phrase
becomes. It shares the reader's state (its subjects, owner and link).
"""

from __future__ import annotations

import dataclasses
import re

from planners import priors
from planners.rules import lexicon, words
from planners.rules.captions import NOT_HUMAN
from planners.rules.chunks import Chunk, NounPhrase
from planners.rules.description import Mention, Relation
from planners.rules.inflection import article, plural, singular
from planners.rules.owners import FEMALE, MALE
from planners.rules.tokens import SENTENCE_END, Token

# Stuff that, worn bare after "in", is armour: "in dented silver plate", "in silver mail", "in leathers".
_ARMOUR = frozenset({"plate", "steel", "iron", "bronze", "rags", "leathers", "mail", "scale"})
# Relations that name a direction, which a frame word turns into a zone ("on the left of the image").
# Lights of a photographer's setup: "single window light", "a rim light" light the picture, no lamp is drawn.
_LIGHT_SETUPS = frozenset({"window", "rim", "key", "fill", "back", "side", "hair", "studio", "natural", "ambient",
                           "practical", "bounce", "kicker"})
_DIRECTIONS = {"left of": ("left", None), "right of": ("right", None), "above": (None, "top"),
               "below": (None, "bottom"), "on": (None, "top"), "under": (None, "bottom")}
_CANVAS_WORDS = lexicon.FRAMES | frozenset({"canvas", "frame", "image", "picture", "photo"})
# Frame words that never name a thing in the picture (a painting or a frame can hang on a wall).
_PURE_FRAMES = frozenset({"photo", "photograph", "image", "shot", "snapshot", "pic", "pics", "panel", "render", "rendering", "illustration",
                          "flat-lay", "flatlay",
                          "depiction", "composition", "selfie", "still", "close-up", "closeup", "view", "artwork",
                          "scene", "film", "movie", "take", "cutscene", "episode"})
# "waving at the camera", "looking into the lens": the one who looks at the picture, not a thing in it.
# Parts of a room or a building that, named with "the" and nothing else, are where things are.
_ROOM_PARTS = frozenset({"door", "window", "wall", "floor", "ceiling", "doorway", "entrance", "hallway", "staircase",
                         "stairs", "roof", "porch"})
# Words that say things lie in a heap or a row: never parts of something ("3 stacked tires").
_HEAPED = frozenset({"stacked", "piled", "scattered", "spare", "heaped"})
# Times of day and year that make "sun" the light of the picture: "afternoon sun", "winter sun".
_TIMES_OF_DAY = frozenset({"morning", "afternoon", "evening", "midday", "noon", "late", "early", "winter", "summer",
                           "autumn", "fall", "spring"})
# Words for whoever a picture shows, which say nothing of what it is: "the character is a goblin".
_STANDS_IN = frozenset({"character", "hero", "heroine", "villain", "mascot", "protagonist", "subject", "star",
                        "model", "figure"})
# Groups people come from, never drawn as one: "from my class", "from our club".
_GROUPS_OF_PEOPLE = frozenset({"class", "club", "school", "office", "church", "league", "troop", "unit", "company",
                               "department", "neighborhood", "neighbourhood", "village", "town"})  # and COLLECTIVES
# The picture itself, said with "the" after a place word: "on the card", "across the top of the poster".
# Words after which "like" is a filler of speech ("… and like a moon up in the corner", "can u make
# like a watercolour of …"), not a likeness.
_FILLER_LIKE_AFTER = frozenset({"and", "with", "or", "plus", "make", "draw", "do", "u", "you", "get", "is", "are",
                                "its", "it's", "want", "need", "wants", "needs"})
# Words before "like" that ask for a picture rather than liken one ("I'd like a picture of …").
_ASKING_LIKE = _FILLER_LIKE_AFTER | frozenset({"i'd", "we'd", "would", "'d", "d", "really", "just", "like", "maybe",
                                               "kinda", "something"})

_THE_PICTURE = frozenset({"card", "poster", "page", "cover", "flyer", "banner", "invitation", "image", "picture",
                          "print", "thumbnail", "postcard", "label", "sticker", "spread"})
# Fixtures of a room or a house that, named with "the" and nothing else, are drawn with where things are.
# Words that pick out the whole picture or one of a book's pages, not a thing ("the whole page").
_WHOLE_PICTURE = frozenset({"whole", "entire", "last", "first", "next", "final", "opening", "same"})
# Words for an animal's place in its family ("a duck, their mother"; "a mother and her cub").
_ANIMAL_FAMILY = frozenset({"mother", "father", "mum", "mom", "dad", "mama", "papa", "parent", "baby", "cub", "pup",
                            "calf", "foal", "chick", "kit", "joey", "son", "daughter", "brother", "sister", "twin"})
_FIXTURES = frozenset({"windowsill", "sill", "railing", "railings", "banister", "mantel", "mantelpiece", "doorbell",
                       "doorstep", "threshold", "skirting", "armrest", "crosswalk"})
# Words after a name that make it the picture's look: "degas inspired", "ghibli style".
_STYLE_MARKS = frozenset({"inspired", "style", "styled", "esque", "vibes", "vibe", "aesthetic", "feeling", "energy"})
# Buildings named as things in a list (not "in a church"): drawn as a thing of their own.
_BUILDINGS = frozenset({"church", "chapel", "temple", "cathedral", "mosque", "pagoda", "shrine"})
_DEGREE_WORDS = frozenset({"very", "so", "too", "quite", "really", "rather", "extremely", "super", "incredibly"})
_INDEFINITE_PRONOUNS = frozenset({"someone", "somebody", "anyone", "anybody", "everyone", "everybody", "no-one",
                                  "something", "anything", "everything", "thing", "things", "stuff",
                                  "others", "rest"})  # "…, others are black and white": the rest of them
# Furniture that "the top shelf" or "the bottom drawer" said later belongs to.
_HOLDERS_OF = {"shelf": frozenset({"bookcase", "bookshelf", "shelving", "cabinet", "cupboard", "dresser", "hutch",
                                   "fridge", "refrigerator", "trolley", "cart", "sideboard", "wardrobe", "unit"}),
               "drawer": frozenset({"desk", "dresser", "cabinet", "chest", "nightstand", "sideboard", "bureau"})}
# What a picture is made as, when named right before a colon: the picture asked for, no thing in it.
_PICTURE_PURPOSES = lexicon.FRAMES | frozenset({"card", "invitation", "announcement", "banner", "flyer", "cover",
                                                "sticker", "header", "wallpaper", "logo", "label", "icon", "art"})
# Nouns that, bare after "in", name what someone wears by its colour ("a bridesmaid in dusty rose").
_COLOUR_NOUNS = frozenset({"rose", "blush", "champagne", "sage", "wine", "oatmeal", "camel", "taupe", "chocolate",
                           "caramel", "cherry", "berry", "raspberry", "sand", "stone", "slate", "denim", "tweed"})
# Parts of clothes one is said to be "in": what is worn ("in shirt sleeves", "in a lace collar").
_GARMENT_PARTS = frozenset({"sleeve", "sleeves", "collar", "cuffs", "cuff", "hem", "lace"})
_VIEWER = frozenset({"camera", "viewer", "lens", "spectator", "audience"})
SURFACES = frozenset({"table", "dining table", "desk", "counter", "shelf", "bookshelf", "plate", "tray", "bed",
                       "couch", "sofa", "bench", "coffee table", "nightstand", "dresser", "stool", "chair",
                       "saucer", "cabinet", "piano", "car", "truck", "cake", "pizza", "rug", "carpet", "rack",
                       "platter", "mantel", "mantelpiece", "windowsill", "trolley", "stall"})
# Modifiers that say which part of a thing, not which thing: "the top shelf" is the bookshelf's.
_PLACE_WORDS = frozenset({"top", "bottom", "upper", "lower", "middle", "front", "back", "left", "right", "far",
                          "near", "center", "centre"})
# Who a definite description may mean when nobody was named so: "the boy" is the son.
_SAME_PERSON = {
    "boy": frozenset({"son", "grandson", "brother", "kid", "child", "schoolboy", "nephew"}),
    "girl": frozenset({"daughter", "granddaughter", "sister", "kid", "child", "schoolgirl", "niece"}),
    "man": frozenset({"father", "dad", "husband", "grandfather", "grandpa", "groom", "uncle", "gentleman"}),
    "woman": frozenset({"mother", "mom", "wife", "grandmother", "grandma", "bride", "aunt", "lady"}),
    "child": frozenset({"son", "daughter", "kid", "boy", "girl", "toddler"}),
    "kid": frozenset({"son", "daughter", "child", "boy", "girl", "toddler"}),
}
# Words for the same relative: "dad" after "father" is that father.
_KIN_WORDS = {word: group - {word} for group in (
    frozenset({"father", "dad", "daddy", "papa", "pa"}), frozenset({"mother", "mom", "mum", "mommy", "mummy", "mama", "ma"}),
    frozenset({"grandmother", "grandma", "granny", "nana", "gran"}),
    frozenset({"grandfather", "grandpa", "granddad", "grandad", "gramps"})) for word in group}
_DECADE = re.compile(r"'?(\d\d)?\d0s")
_NTH = re.compile(r"\d+(st|nd|rd|th)")
_DECADE_WORDS = frozenset({"twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties"})
# Where on a thing or in a place, named as a noun: "at the near end", "drummer at the back center" (the
# middle, the front and the back are read as zones).
_PLACES_ON_A_THING = frozenset({"side", "end", "edge", "tip", "far side", "near side", "back center", "front center"})
_LETTERING = frozenset({"word", "words", "title", "lettering", "text", "caption", "slogan", "tagline", "headline",
                        "font", "typography", "wording", "shop name", "logo text"})
# What clothes hang on or lie in when nobody wears them.
_HANGERS = frozenset({"rack", "hook", "hooks", "hanger", "peg", "stand", "line", "clothesline", "basket", "hamper", "chest",
                      "drawer", "wardrobe", "closet", "trunk", "box", "suitcase", "bench", "railing"})
_SITTABLE = frozenset({"chair", "armchair", "sofa", "couch", "seat", "stool", "bench", "throne", "rug", "blanket", "mat",
                       "log", "rock", "step", "steps", "porch", "dock", "floor", "cushion", "bed", "swing", "crate"})
_CHILDREN = frozenset({"kid", "child", "grandkid", "grandchild", "sibling", "cousin", "toddler", "youngster"})
_ATTRIBUTES = frozenset({"weight", "color", "colour", "size", "shape", "length", "height", "texture", "sound", "smell",
                         "taste", "price", "quality", "sharpness", "balance"})
_ART_WORKS = frozenset({"engraving", "etching", "woodcut", "lithograph", "linocut", "mural", "fresco", "print", "poster",
                        "postcard", "cover", "ad", "advert", "still", "tapestry", "mosaic"})
_MAKER_DEGREES = frozenset({"very", "so", "super", "kinda", "totally"})  # "very Coen brothers", "so Wes Anderson"
_CAMERA_PLACES = frozenset({"side", "point-of-view", "view", "perspective", "height", "angle", "eyes", "level", "position",
                            "pov", "end", "corner", "doorway", "back", "front", "above", "distance"})
# Words that make a part's name a plant's: "potted palms", "a planted stem".
_GROWN = frozenset({"potted", "planted", "flowering", "leafy", "palm", "fan", "date", "coconut"})
# Worn in pairs: one of them, named with "a", is a thing ("a kitten sleeping inside a shoe").
_FOOTWEAR = frozenset({"shoe", "boot", "slipper", "sneaker", "sandal", "clog", "loafer", "trainer", "high heel",
                       "rain boot", "wellington", "flip-flop"})
# "loaded with five pumpkins", "filled with three eggs": what holds counted things.
_LOADED = frozenset({"full", "filled", "stuffed", "loaded", "piled"})
# Verbs of a thing put into another: "six arrows stuck in a target" (the target is a thing, not worn).
_STUCK = frozenset({"stuck", "lodged", "embedded", "planted", "wedged", "jammed", "sticking", "buried"})
# Plain words for one of a couple: "a couple …. The woman …; the man …".
# Parts of a body that come in pairs: "a crow on each shoulder" is two crows.
_PAIRED_PARTS = frozenset({"shoulder", "hand", "arm", "ear", "knee", "foot", "wrist", "hip", "cheek", "leg", "paw"})
# Verbs that give off light or shade ("casts a soft glow", "throwing long shadows").
_CASTING = frozenset({"cast", "casts", "casting", "throw", "throws", "throwing", "emit", "emits", "emitting",
                      "spill", "spills", "spilling", "give", "gives", "giving"})
# Verbs whose bare colour after them is the colour shown ("glows orange", "turns pink").
_COLOUR_VERBS = frozenset({"glow", "glows", "glowing", "glowed", "shine", "shines", "shining", "burn", "burns",
                           "burning", "gleam", "gleams", "gleaming", "turn", "turns", "turning", "blaze", "blazes",
                           "blazing", "flash", "flashes", "flashing", "shimmer", "shimmers", "shimmering"})
_GENDERED_PEOPLE = frozenset({"man", "woman", "boy", "girl", "husband", "wife", "guy", "lady", "gentleman",
                              "redhead", "blonde", "blond", "brunette"})
# Things named one by one that are used as a pair: "a pair of chopsticks" is one box.
_USED_AS_A_PAIR = frozenset({"chopstick"})
YOUNG_PEOPLE = frozenset({"kid", "child", "toddler", "student", "pupil", "teen", "teenager", "schoolkid", "sibling",
                           "twin", "scout", "cousin", "grandchild", "grandkid"})
# People who are grown up: none of them is one of the kids ("five kids around the table, … and a mother").
GROWN_UPS = _SAME_PERSON["man"] | _SAME_PERSON["woman"] | frozenset({
    "man", "woman", "parent", "adult", "teacher", "grandparent", "guy", "mum", "mommy", "daddy", "granny", "grandad"})
# Where one of several stands among them: "the left one", "the middle chair".
_SIDES_OF_A_ROW = frozenset({"left", "right", "middle", "leftmost", "rightmost", "front", "back", "center", "centre"})
# A member's place among several: "the third one" means there are three at least.
_ORDINAL_PLACES = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6}
# Words that gather things, which name them again later: "a stack of suitcases …, beside the stack".
_GROUP_WORDS = frozenset({"stack", "pile", "heap", "row", "bunch", "line", "cluster", "herd", "flock", "pack",
                          "crowd", "bouquet", "bundle", "tower"})
# Whose window shows things: "a toy shop window", "a bakery window display".
_SHOPS = frozenset({"shop", "store", "boutique", "bakery", "display", "storefront", "florist", "bookshop", "bookstore",
                    "showroom", "gallery"})
# Land one stands on, not a thing: "on a ridge", "on the summit".
_HIGH_GROUND = frozenset({"ridge", "summit", "peak", "plateau", "crest", "slope", "bank", "riverbank", "shore",
                          "hill", "dune", "moor", "tundra", "glacier"})
# Places with edges of their own, drawn as a thing where something is beside them ("next to the pool").
_BOUNDED_PLACES = frozenset({"pool", "dock", "pier", "jetty", "bar", "stall", "booth", "kiosk", "gazebo", "well",
                             "hot tub", "swimming pool", "pond", "fountain", "aquarium", "terrarium", "fish tank"})
_SIDES = frozenset({"front", "back", "middle", "center", "centre", "rear"})
_BAGS = frozenset({"bag", "backpack", "handbag", "purse", "satchel", "rucksack", "tote"})
# Bags carried in the hand rather than worn: someone "with a red handbag" holds one.
_CARRIED = frozenset({"handbag", "purse", "satchel", "tote", "tote bag", "clutch", "briefcase"})
_CARRIED_BAGS = frozenset({"paper", "plastic", "shopping", "grocery", "gift", "tote", "canvas", "string", "mesh"})
# The first words of the links that put clothes on someone ("wearing", "dressed in", "in").
_WEAR_WORDS = frozenset({"wearing", "wears", "wear", "wore", "dressed", "clad", "clothed", "sporting", "donning",
                         "outfitted", "in", "with"})
# Relations beside a thing, whose "it" is the thing a clause was about rather than the nearest one.
_BESIDE = frozenset({"next to", "behind", "in front of", "left of", "right of", "near"})
# What people watch in the sky: the background of whoever watches it.
# Person-words that say only what someone is, not who: after a kin or role word they describe it.
# Parts of a bike, a car or a motorbike that someone works at ("checks the chain on a bike").
_PARTS_WORKED_ON = frozenset({"wheel", "tyre", "tire", "chain", "brake", "headlamp", "headlight", "bonnet", "hood", "engine",
                            "handlebar", "pedal", "saddle", "gear", "spoke", "exhaust", "bumper", "fender", "mudguard",
                            "derailleur", "carburettor", "carburetor", "radiator", "windscreen", "windshield"})
# What happens, never drawn as a thing ("the sack race", "after their race", "at the finish").
_HAPPENINGS = frozenset({"race", "relay", "contest", "competition", "ceremony", "tournament", "marathon", "finish",
                         "heat", "final", "semifinal", "rehearsal"})
# Words after a happening that make it a thing's name ("a race car", "the finish line").
_HAPPENING_THINGS = frozenset({"car", "cars", "track", "horse", "bike", "line", "tape", "flag", "number", "bib"})
# What animals wear that also covers furniture ("a bed with a red blanket").
_COVERS = frozenset({"blanket", "blankets", "collar", "harness", "throw"})
# Vehicles people ride inside: "on a train" is where the scene is, not a thing beside them.
_RIDDEN_INSIDE = frozenset({"train", "bus", "tram", "subway", "metro", "ferry", "carriage car", "subway car", "dining car",
                            "train carriage", "coach", "streetcar", "trolleybus", "minibus", "airliner", "railcar"})
_TOYS = frozenset({"toy", "model", "tiny", "miniature", "little", "wooden", "plastic", "lego", "clockwork", "mini"})
# Words before "the glass" that make it a pane one looks through ("at the glass", "behind the glass").
_AT_A_PANE = frozenset({"at", "to", "against", "behind", "through", "on", "from"})
_PLAIN_PEOPLE = frozenset({"man", "woman", "boy", "girl", "lady", "guy", "gentleman", "person", "child", "kid",
                           "teenager", "teen", "toddler", "lad", "lass", "fellow", "chap", "bloke", "gal",
                           "youngster", "youth"})
# Where in a place: "at the edge of the lake" is by the lake, which stays the setting.
_PLACE_PARTS = frozenset({"edge", "side", "end", "middle", "center", "centre", "corner", "top", "bottom", "shore",
                          "bank", "heart", "outskirts", "entrance", "foot", "base"})
# Words that make a picture an object one can hold or hang: "a framed photograph of ...".
# What is done to a print by hand: "a framed photo" is an object, never the picture itself.
_HANDLED_OBJECT_WORDS = frozenset({"framed", "printed", "crumpled", "torn", "signed", "laminated"})
_HANDLED_LOOKS = _HANDLED_OBJECT_WORDS | frozenset({"faded", "old", "vintage", "yellowed", "tattered", "polaroid"})
# Verbs whose object, a seat or a surface, the subjects are on: "two cats sharing a sofa".
_SHARING = frozenset({"sharing", "occupying", "crowding", "straddling", "hogging", "covering"})
_POSSESSIVES = frozenset({"my", "his", "her", "their", "our", "your", "its"})
_PERCEIVING = frozenset({"watching", "looking", "gazing", "staring", "admiring", "observing", "viewing", "enjoying",
                         "peering", "peeking", "squinting", "glancing", "peeping"})
_SPECTACLES = frozenset({"firework", "fireworks", "star", "rainbow", "cloud", "aurora", "northern lights", "meteor",
                         "lightning", "eclipse", "sunset", "sunrise", "shooting star"})
# Words that pick out a part of a thing named before: "the bottom shelf", "the top drawer".
_POSITIONS = frozenset({"top", "bottom", "middle", "upper", "lower", "left", "right", "front", "back", "far"})
# Parts of the body where a thing is worn, not carried: "a towel on his head", "a pin on her lapel".
_WORN_AT = frozenset({"head", "hair", "neck", "face", "ear", "ears", "wrist", "wrists", "finger", "fingers", "sleeve",
                      "sleeves", "chest", "lapel", "forehead", "nose", "back", "collar", "belt", "ankle", "ankles"})
# Sizes, which a thing renamed keeps ("a big red car, actually make it a truck": a big red truck).
_SIZES = frozenset({"big", "small", "little", "large", "tiny", "huge", "giant", "tall", "short"})
# Particles of a verb before its place: "curled up on the windowsill".
_PARTICLES = frozenset({"up", "down", "out", "over", "away", "around", "back", "off"})
# Verbs whose object names an activity, not a thing: "having a picnic", "taking a nap".
_LIGHT_VERBS = frozenset({"have", "take", "do", "enjoy", "throw"})
# What a hand or a face does, given or made: "giving a thumbs up", "making a peace sign".
_GESTURES = frozenset({"thumbs-up", "high-five", "high five", "peace sign", "salute", "wave", "wink", "shrug", "fist bump",
                       "face", "funny face", "v sign"})
# Verbs whose object is often a deed rather than a thing: "make a wish", "give a speech", "run a race".
_DOING_VERBS = _LIGHT_VERBS | {"make", "give", "run", "perform", "pull", "win", "strike"}
# What a picture is made for: "for a boho bridal page", "for the shop's website".
_PURPOSES = frozenset({"page", "website", "site", "blog", "shop", "store", "business", "brand", "menu", "feed",
                       "post", "story", "account", "channel", "listing", "catalog", "catalogue", "flyer", "campaign",
                       "newsletter", "presentation", "class", "lesson", "cover", "magazine", "article", "client",
                       "project", "portfolio", "homepage", "profile", "thumbnail", "banner", "invitation",
                       "brochure", "prospectus", "ad", "advert", "advertisement", "leaflet", "mailer", "listings"})
# What a teacher gives, after which 'on' names its topic ("a lesson on the space race"), never a place.
_TEACHING = frozenset({"lesson", "lessons", "unit", "topic", "talk", "presentation", "lecture", "seminar", "course",
                       "module", "assembly", "essay", "worksheet"})
# Words WordNet reads first as things that, as a bare tag, say how the picture looks or what is in its sky.
_NOT_TAGGED_THINGS = frozenset({"moon", "sun", "star", "stars", "miniature", "diorama", "cover", "canvas", "cloud",
                                "clouds", "planet", "galaxy", "nebula", "earth", "world", "panel", "spread", "sheet",
                                "strip", "crayon", "pencil", "charcoal", "pastel", "marker", "chiaroscuro", "collage"})
_SPREAD_OUT = frozenset({"blanket", "towel", "rug", "quilt", "mat", "tablecloth"})
_SUBJECT_FORMS = {"his": "he", "her": "she", "their": "they"}
_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
             "tenth": 10}
_CONTAINERS = frozenset({"bowl", "basket", "box", "crate", "jar", "vase", "cup", "mug", "bucket", "pot", "bag",
                         "glass", "bottle", "cage", "aquarium", "tank", "drawer", "suitcase", "cart", "wheelbarrow",
                         "bin", "barrel", "nest", "pan", "carton", "tub"})
# What plants stand in, whatever their height ("a vase with sunflowers", "a pot with an olive tree").
_PLANTED_IN = frozenset({"vase", "pot", "planter", "flowerpot", "urn", "bucket", "jar"})


def _container(noun: str) -> bool:
    """Whether a thing holds others inside it: 'a bowl', 'a wooden crate', 'a fishbowl', 'a birdcage'."""
    last = noun.rsplit(" ", 1)[-1]
    return last in _CONTAINERS or last in _PLANTED_IN or any(
        last.endswith(kind) and len(last) > len(kind) + 2 for kind in ("bowl", "cage", "basket", "box", "jar", "tank"))


# Verbs of holding that a table or a shelf does too ("a nightstand holding a lamp"): what it holds is on it.
_HOLDING_UP = frozenset({"holding", "carrying", "bearing", "supporting"})
_PERCHES = frozenset({"fence", "branch", "roof", "balcony", "ledge", "wall", "windowsill", "rock", "log", "stump",
                      "tree stump", "bench", "porch", "railing", "pier", "boat", "tractor", "horse"})
_GENDERED = {"she": "woman", "he": "man", "her": "woman", "him": "man"}  # ("him in a rust apron, her in …")
# General words for animals, which may mean one named more precisely before ("the dog": the collie).
_GENERAL_ANIMALS = frozenset({"dog", "cat", "bird", "horse", "fish", "animal", "pet", "creature", "puppy", "kitten"})
_YOUNG_ANIMALS = {"puppy": "dog", "kitten": "cat"}
# How a held thing is told apart from a companion: small enough to carry.
_HOLDABLE_HEIGHT = 0.75
_TOOL_HEIGHT = 1.0  # a broom, a rake, a shovel: long, but used in the hands


def _short_for_a_garment(noun: str) -> bool:
    """'in a gold bomber', 'in a silver trench': a word WordNet names a garment with, said alone."""
    if " " in noun or noun in priors.NOUNS or lexicon.category(noun) not in (None, priors.VEHICLE):
        return False  # "in bed" is no bed jacket
    return any(words.is_compound(noun, garment) for garment in ("jacket", "coat", "suit", "dress"))


def _known_word(noun: str | None) -> bool:
    """Whether the lists know a word as a thing ("Pepper" is a pepper, "Miso" is nobody's word)."""
    return lexicon.category(noun or "") is not None or (noun or "") in priors.NOUNS


def _no_thing(noun: str) -> bool:
    """A place, a stuff or a word of the look: nothing drawn as a box of its own."""
    return lexicon.is_setting(noun) or noun in lexicon.MASS_NOUNS or noun in lexicon.STYLE_WORDS


# Verbs of the voice, after which "into" is what one speaks into: "singing into a mic".
_VOICING = frozenset({"singing", "speaking", "talking", "shouting", "screaming", "yelling", "whispering", "crooning",
                      "rapping", "calling", "announcing", "howling"})
# Words that sum up creatures already named: "just the two animals".
_SUMMING_UP = {"animal": priors.ANIMAL, "creature": priors.ANIMAL, "critter": priors.ANIMAL, "beast": priors.ANIMAL}
# Titles before a name: "Mr. Thistle", "Lord Whiskers", "Miss Heron", "Captain Blubber".
_TITLE_WORDS = frozenset({"man", "woman", "mr", "mrs", "ms", "miss", "mister", "lord", "lady", "sir", "dame", "captain", "king",
                          "queen", "prince", "princess", "professor", "doctor", "dr", "uncle", "aunt", "auntie",
                          "granny", "grandma", "grandpa", "nana", "papa", "mama", "baby", "little", "old", "young",
                          "madame", "madam", "count", "countess", "duke", "duchess", "baron", "general", "sergeant"})


def tagged_once(tokens: list) -> frozenset[str]:
    """The nouns tagged with a count of one run into them ('1girl', '1boy'), as the tokens split them."""
    return frozenset(singular(nxt.low)[0] for t, nxt in zip(tokens, tokens[1:], strict=False)
                     if t.low == "1" and nxt.start == t.end)


# Garments one carries or lays out rather than wears: said bare after someone, they are things of their own.
_CARRIED_OR_SPREAD = frozenset({"blanket", "backpack", "bag", "rucksack", "umbrella", "towel", "tote",
                                "suitcase", "purse", "handbag", "briefcase", "quilt", "rug", "mat"})

class NounPhrases:
    """What a noun phrase becomes, given the link before it and its head noun (a reader mixin)."""

    def _on_np(self, chunk: Chunk) -> None:
        np = chunk.np
        assert np is not None
        link = self._link_for(np)
        kind = link[0] if link else None
        if kind != "NEG":
            self._close_negation()
        if self._colour_of_something(np) or self._colours_one_each(np, kind) or self._colours_said_alone(np):
            return
        if kind in ("REL", "WEAR") and self._worn_colours_one_each(np):
            return  # "three kids in red, blue and green raincoats": one raincoat each, in the order said
        if kind == "WEAR" and self.outfit_first is not None:
            self.outfit_first.append((link[1].lower(), self._words_of(np)))  # worn by whoever the sentence names next
            self.continuing = ("WEAR", link[1])  # ("… in a red coat and a hat")
            return
        if self.correcting in ("select", "replace") and self._worn_anew(np):
            self.correcting = False
            return
        if self.swapping is not None and np.noun is not None:
            self._swapped(np)
            return
        if self.correcting == "select" and self._swap_named(np):
            return
        if self.correcting == "recolour":
            self.correcting = False
            if self._recolour_it(np):
                return  # "a girl in a red coat, actually make it blue": the coat is blue
        if (self.correcting == "select" or self.recolouring) and self._recoloured(np):
            self.correcting, self.recolouring = False, True  # "…, and the banner blue": the next one too
            return
        if self.correcting == "select" and np.headless and np.det == "the" and np.modifiers:
            self.selector = [t.low for t in np.modifiers if t.low != "one"]  # "make the black one …": which one changes
            self.correcting = "becomes"
            return
        if self.correcting:
            becomes, self.correcting = self.correcting == "becomes", False
            if becomes and self._becomes(np) or not becomes and self._corrected(np):
                return
        if self._summed_up_again(np):
            return  # "one elephant, two giraffes, three zebras. cartoon animals standing in a line": those
        if self._named_again_alone(np) or self._count_said_again(np) or self._said_again_closer(np) or (
                self._colour_of_all(np)) or (
                self._they_are_twins(np)):
            return
        if not np.headless and (self._tagged_look(np, kind) or self._tagged_place(np, link)):
            return
        if (kind in (None, "COMMA", "AND") or link and link[-1] == "COMMA") and self._everyone(np):
            return  # "mom, dad and the kids, everyone in red pajamas": all of them
        if self._no_instance(np, link) or self._colour_worn(np, link) or self._made_in(np, link):
            return
        if kind is None and self.last_wear is not None and self._after_pronoun(np) or (
                kind == "COMMA" and self.last_wear is not None and self._gapped_after_comma(np)):
            link, kind = self.last_wear, "WEAR"  # "he wears a hat and she a scarf": the verb is understood
        if np.noun in lexicon.ARRANGEMENTS and self._arranged(link):
            return
        if link and link[0] in ("VERB", "REL", "PREP") and np.det not in ("my", "our", "your"):
            self._owner_of_intangible(np)  # but "for my daughter's birthday card": who it is for
        if np.noun in lexicon.PARTITIVES:
            self._partitive(np)
        if kind not in ("NEG", "WEAR", "DETAIL", "WITH") and self._part_of(np, link):
            return
        if self._attribute_of(np, link):
            return
        if kind in (None, "COMMA", "AND") and self._member_by_name(np):
            return  # "our two cats Miso and Tofu. Miso is asleep …": that one of the two
        if kind in (None, "COMMA", "AND") and (self._name_before_role(np, link) or self._name_said_between(np)
                                                or self._name_then_what(np) or self._name_then_who(np)):
            return
        if self._named_then_what_kind(np, link):
            return  # "his daughter Hazel, a little beaver in a hard hat": one beaver
        if self._excepted_members(np):
            return  # "12 cookies, all chocolate chip except for three plain ones": three of the twelve
        if self._animal_apposition(np, kind):
            return
        if self._apposition(np, kind) or (kind in (None, "COMMA", "AND") and self._possessed_part(np)):
            return
        after_verb = kind is None and self.index > 0 and self.chunks[self.index - 1].kind in ("VERB", "POSE")
        if (kind == "VERB" or after_verb) and self._own_body_moved(np):
            return  # "a DJ bobs his head", "swings his legs": what the verb does, in the doer's caption
        if kind in (None, "COMMA") and self._worn_or_bodily_aside(np):
            return  # "…, her sleeves rolled up, …", "…, only his boots sticking out": the owner's, in their caption
        if kind == "AND" and self._worn_too(np):
            return  # "The wife: a chunky cardigan, tartan skirt and red wellies": the last of what she wears
        if kind in (None, "COMMA", "AND") and self._worn_said_to_be(np):
            return  # "His jacket is red and his hat is blue.": what the owner wears, in their caption
        opens = kind is None and self.index > 0 and self.chunks[self.index - 1].kind == "SENT"
        if (kind == "COMMA" or opens) and self._tagged_garment(np):
            return
        if kind == "COMMA" and self._listed_part(np):
            return
        if kind == "COMMA" and self.last is not None and self._worn_on_the_body(np, self.out.mentions[self.last],
                                                                                 self._next()):
            return  # "a nurse in teal scrubs, stethoscope around her neck, …": hers, worn
        if kind == "OF" and self.index >= 3 and not lexicon.is_setting(np.noun or ""):
            edge, rel = self.chunks[self.index - 2], self.chunks[self.index - 3]
            seat = edge.np is not None and edge.np.det == "the" and rel.kind == "REL" and rel.value in (
                "inside", "on") and np.det in ("a", "an") and edge.np.noun not in lexicon.ABSTRACT and not any(
                i for i, m in enumerate(self.out.mentions) if m.noun == edge.np.noun)
            if seat:
                # "sitting in the passenger seat of a red convertible", "on the hood of a truck": in or on it
                link, kind = ("REL", rel.value), "REL"
            elif edge.np is not None and edge.np.noun in _PLACE_PARTS and rel.kind in ("REL", "PREP", "VERB"):
                # "a cup at the edge of a desk": by the desk; "crows from the top of a crate", "crows
                # line the top of a billboard": on it
                link, kind = ("REL", rel.value if rel.kind == "REL" else "on"), "REL"
        if kind in (None, "COMMA", "AND") and (self._one_named_of_them(np) or self._one_of_the_couple(np)
                                                or self._other_named_of_them(np)):
            return
        if self._each_of_them(np, link):
            return
        if kind == "NEG":
            self._negated(np, link)
        elif np.count == 0 and np.noun is not None:
            self._zero(np)
        elif np.headless:
            self._headless(np, link)
        elif not self._named_thing(np, link):
            self._by_link(np, link)

    def _what_it_is(self, np: NounPhrase) -> None:
        """'he's a small white dog', 'the man is a retired sailor': what one thing is, in its caption
        (the words that say more than its name)."""
        if len(self.group) != 1 or np.noun is None or np.det not in ("a", "an") or np.plural:
            return
        mention = self.out.mentions[self.group[0]]
        if np.noun == mention.noun:
            mention.modifiers.extend(t.text for t in np.modifiers if t.text not in mention.modifiers)
        elif mention.noun in _STANDS_IN and mention.count == 1 and (
                lexicon.category(np.noun) is not None or words.is_concrete(np.noun.rsplit(" ", 1)[-1])):
            # "This week's character is a short green goblin": the goblin, named so
            mention.noun = mention.head = np.noun
            mention.category = lexicon.category(np.noun)
            mention.modifiers = [t.text for t in np.modifiers]
        elif lexicon.category(np.noun) == mention.category:
            mention.add_detail("who is" if mention.is_person else "that is", self._words_of(np), np.noun)

    def _worn_on_the_body(self, np: NounPhrase, mention: Mention, nxt: Chunk | None) -> bool:
        """'a man with a towel on his head', 'a doctor with a stethoscope around her neck', 'a girl with a
        flower in her hair': a thing on a part of its owner's body is worn, in the owner's caption."""
        place = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if nxt is None or nxt.kind != "REL" or place is None or place.np is None or np.noun is None or np.count:
            return False
        if mention.is_person and self._layered(np, nxt, place.np):
            mention.add_detail("in", self._text(np.start, place.end), np.noun)  # "a puffer vest over a white long-sleeve"
            self.skip.update({self.index + 1, self.index + 2})
            self.continuing = ("WEAR", "in")  # "… over a red plaid shirt and a straw hat": more of it
            return True
        part = place.np
        if part.det not in ("his", "her", "their", "its") or part.noun not in _WORN_AT or not mention.is_person:
            return False  # (but "a skateboard under his arm", "an orb in his hand": carried, drawn)
        if lexicon.category(np.noun) in (priors.PERSON, priors.ANIMAL) or words.usual_kind(np.noun) is not None:
            return False  # "a boy with a parrot on his shoulder": the parrot is drawn
        mention.add_detail("with", self._text(np.start, place.end), None)
        self.skip.update({self.index + 1, self.index + 2})
        return True

    def _layered(self, np: NounPhrase, rel: Chunk, under: NounPhrase) -> bool:
        """'a lilac vest over a white long-sleeve', 'a leather vest under a trench coat': one garment
        worn over or under another (the second may be a word no list knows as worn)."""
        if self.tokens[rel.start].low not in ("over", "under", "underneath", "beneath") or not lexicon.is_garment(np.noun):
            return False
        last = (under.noun or "").rsplit(" ", 1)[-1]
        if not last or last in lexicon.PARTS or lexicon.is_bodily(last) or np.noun in _BAGS:
            return False  # "a canvas bag over her arm": carried on the body, not a garment over another
        unknown = lexicon.category(under.noun) is None and not words.is_concrete(last)
        return lexicon.is_garment(under.noun) or unknown

    def _they_are_twins(self, np: NounPhrase) -> bool:
        """'two girls, twins, in raincoats', '2girls, twins', '…, they are twins': a plural that says
        its own number, said of as many people just named, says what they are; no others."""
        natural = lexicon.NATURAL_COUNTS.get(np.noun or "")
        if natural is None or not np.plural or np.count is not None or np.det not in (None, "the"):
            return False
        people = [i for i, m in enumerate(self.out.mentions) if m.is_person and m.parent is None and m.count > 0]
        if not people or sum(self.out.mentions[i].count for i in people) != natural:
            return False
        if np.det == "the" and len({self.out.mentions[i].noun for i in people}) > 1:
            return False  # "grandpa and grandma on the couch, the twins on the floor": two more
        for i in people:
            self.out.mentions[i].modifiers.append(np.noun)  # "a twin girl"
        return True

    def _colour_of_all(self, np: NounPhrase) -> bool:
        """'3 kittens …, all orange', 'two vases, both blue': a bare colour after 'all', 'both' or
        'each' is the colour of the things just named, no thing of its own."""
        said = [t.low for t in self.tokens[np.start:np.end]]
        before = self.chunks[self.index - 1] if self.index > 0 else None
        if np.det is not None or np.count is not None or not said or self.last is None or before is None or (
                before.kind != "FILLER" or self.tokens[before.start].low not in ("all", "both", "each")):
            return False
        if not all(w in lexicon.COLOURS or w in lexicon.COLOUR_SHADES for w in said):
            return False
        for index in self.group or [self.last]:
            self.out.mentions[index].modifiers.extend(t.text for t in self.tokens[np.start:np.end])
        return True

    def _listed_part(self, np: NounPhrase) -> bool:
        """'a wedding cake, three tiers, on a gold stand', 'a bride on a swing, just a loose braid':
        a part alone between commas is the subject's, in its caption, not a thing of its own."""
        just = self.index >= 1 and self.chunks[self.index - 1].kind == "FILLER"  # ", just a loose braid"
        if np.noun not in lexicon.PARTS or not self.sentence_subjects or not (np.det is None or just):
            return False
        if any(t.low in _GROWN or t.low in _HEAPED for t in np.modifiers):
            return False  # "two tall potted palms": plants, not hands; "3 stacked tires": things, not wheels
        if self._next_kind() == "REL" and (np.count or 1) > 2:
            return False  # "12 buns on a tray": things placed, not a hairdo
        nxt = self._next()
        done_to = nxt is not None and nxt.kind == "VERB" and (np.count or 1) == 1 and (
            self.tokens[nxt.start].low.endswith("ed") or self.tokens[nxt.start].low == "missing")
        # ("one eye cracked", "one button eye missing"; but "two tires stacked against the wall" are things)
        if nxt is not None and nxt.kind not in ("COMMA", "SENT", "WITH", "REL") and not done_to:
            return False
        owner = self.sentence_subjects[-1]
        alive = self.out.mentions[owner].is_person or self.out.mentions[owner].category == priors.ANIMAL
        if not alive and any(t.low in lexicon.MATERIALS for t in np.modifiers):
            return False  # "pumpkins, old brass scale, …": a thing, no pumpkin's scales
        self.out.mentions[owner].add_detail("with", self._words_of(np), np.noun)
        return True

    def _closed_then_done(self) -> bool:
        """'a scientist, a woman in a lab coat, looking into …': the phrase is closed by a comma and
        what is done follows, as an aside is (not '…, a woman in red and a waiter': a list)."""
        after = self.chunks[self.index + 1:]
        for k, chunk in enumerate(after):
            if chunk.kind == "COMMA":
                following = after[k + 1:k + 2]
                return bool(following) and following[0].kind == "VERB" and self.tokens[following[0].start].low.endswith("ing")
            worn_next = k + 1 < len(after) and after[k + 1].np is not None and (
                after[k + 1].np.noun in lexicon.CLOTHING or lexicon.is_bodily(after[k + 1].np.noun or ""))
            if chunk.kind in ("SENT", "OTHER") or chunk.kind == "AND" and not worn_next:
                return False  # (but "in a lab coat and safety goggles, looking …": what is worn goes on)
        return False

    def _role_after_plain(self, np: NounPhrase) -> bool:
        """'the old man, a retired sailor with a pipe, …': who the man is; one person, described."""
        if self.last is None or self.index < 2 or lexicon.category(np.noun or "") != priors.PERSON:
            return False
        before, kin = self.chunks[self.index - 1], self.chunks[self.index - 2]
        named = self.out.mentions[self.last]
        if before.kind != "COMMA" or before.value != "," or kin.np is None or kin.np.det != "the" or (
                kin.np.noun != named.noun or named.noun not in _PLAIN_PEOPLE or named.count != 1):
            return False
        named.add_detail("who is", self._words_of(np), np.noun)
        self.owner, self.group, self.last_role = self.last, [self.last], "subject"
        return True

    def _on_a_named_owner(self, np: NounPhrase, link) -> bool:
        """'a crow sits on the scarecrow's hat': what is worn or a part, with its owner named, places
        the subject by the owner, who is the thing drawn (with the hat in its caption)."""
        worn = np.noun in lexicon.PARTS or np.noun in lexicon.CLOTHING or lexicon.is_bodily(np.noun or "")
        token = next((t for t in np.modifiers if t.low.endswith("'s") and t.low[:-2].isalpha()), None)
        if not worn or token is None or self.tokens.index(token) != np.end - 2 or np.det not in ("the", None):
            return False  # "the boy's red cap": only the owner's word right before the part; "a chef's hat" is a kind
        base = singular(token.low[:-2])[0]
        if base in lexicon.PRONOUNS or not (lexicon.is_known_noun(base) or lexicon.category(base) is not None
                                            or words.can_be(base, "NOUN")):
            return False
        part = " ".join(t.text for t in self.tokens[self.tokens.index(token) + 1:np.end])
        self._name_the_possessor(np, token, base)
        self._object(np, link)
        if self.last is not None and self.out.mentions[self.last].noun == base:
            self.out.mentions[self.last].add_detail("with", f"{article(part)} {part}", None)
        return True

    def _worn_or_bodily_aside(self, np: NounPhrase) -> bool:
        """'a mechanic, her sleeves rolled up, kneels …', 'a man at a desk, a headset around his neck',
        'on a stool, knees up to his chin': a clause of its own after a comma that opens with
        something worn or bodily, said of someone named before, is theirs: in their caption."""
        if self.index == 0 or np.noun is None:
            return False
        if self.chunks[self.index - 1].kind != "COMMA" and self.tokens[np.start - 1].low not in ("only", "just"):
            return False
        noun = np.noun
        last = noun.rsplit(" ", 1)[-1]
        worn = noun in lexicon.CLOTHING or noun in lexicon.WEARABLE_OBJECTS or lexicon.ends_in_garment(last)
        bodily = noun in lexicon.PARTS or noun in lexicon.GARMENT_PARTS or lexicon.is_bodily(last)
        counted = np.count is not None and bodily and np.det is None and self.tokens[np.start].low in ("one", "both")
        if not (worn or bodily) or np.count is not None and not counted:
            return False  # (but "…, one hand resting on a stroller": his hand)
        if np.det not in ("his", "her", "their", "its", None) and not (worn and np.det in ("a", "an")):
            return False
        nxt = self._next()
        placed = nxt is not None and nxt.kind in ("VERB", "REL", "PREP", "COMMA", "SENT", "POSE", "OTHER") or (
            nxt is not None and nxt.kind == "WITH" and bodily)  # ("…, their cheeks pink with cold")
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        placed = placed or nxt is not None and nxt.kind == "AND" and (worn or bodily) and after is not None and (
            after.np is not None and (after.np.noun in lexicon.CLOTHING or bodily and (
                after.np.noun in lexicon.PARTS or lexicon.is_bodily(after.np.noun or ""))))
        # "She: a floral apron and a headscarf.", "…, red faces and yellow wing bars"
        def fits(i: int) -> bool:  # "its head": the dog's, never the boy's; "her sleeves": a person's
            mention = self.out.mentions[i]
            if mention.count <= 0:
                return False
            if np.det == "its":
                return not mention.is_person
            return mention.is_person or (np.det == "their" or counted or bodily and np.det is None) and (
                mention.category == priors.ANIMAL)
            # ("a cat in a basket, one ear twitching": the cat's; "goldfinches …, red faces": theirs)

        candidates = [*reversed(self.sentence_subjects), *reversed(range(len(self.out.mentions)))]
        sexed = MALE if np.det == "his" else FEMALE if np.det == "her" else frozenset()
        owner = next((i for i in candidates if i < len(self.out.mentions) and fits(i)
                      and self.out.mentions[i].noun in sexed), None)  # "his hand on her waist": the man's
        if owner is None:
            owner = next((i for i in candidates if i < len(self.out.mentions) and fits(i)), None)
        if owner is None and bodily and np.det in ("his", "her"):
            owner = next((i for i in candidates if i < len(self.out.mentions) and self.out.mentions[i].count > 0
                          and self.out.mentions[i].category == priors.ANIMAL), None)  # "a walrus …, his flippers folded"
        one_each = not np.plural or np.head[-1].low in lexicon.WORN_IN_PAIRS or noun in lexicon.PLURALIA_TANTUM
        bare_garment = worn and np.det is None and noun in lexicon.CLOTHING and noun not in _CARRIED_OR_SPREAD and one_each and (
            nxt is None or nxt.kind in ("COMMA", "SENT", "AND")) and self._said_of_someone_before()
        placed = placed or nxt is None and bare_garment  # "…, and her brother watching, blue shorts"
        of_the_body = lexicon.is_bodily(last) or noun in lexicon.CREATURE_PARTS or owner is not None and (
            self.out.mentions[owner].category == priors.ANIMAL and noun in lexicon.OWNED_PARTS | {"breast", "cheek", "cheeks"})
        # ("…, red hair", "a robin …, orange breast"; but "…, spare tire", "…, bow drawn")
        if not placed or owner is None or np.det is None and not (np.plural and bodily or of_the_body or counted
                                                                  or bare_garment):
            return False  # (a garment tagged bare, "…, red jerseys, …", is dressed as tags are)
        if not bodily and self._put_down_apart(np.end):
            return False  # "…, her backpack beside her", "his hat upturned on the gravel": off, a thing
        end = np.end
        if nxt is not None and nxt.kind in ("VERB", "POSE", "OTHER"):
            end = nxt.end
            self.skip.add(self.index + 1)  # ("rolled up" said of the sleeves, not of her)
        said = " ".join(t.text for t in self.tokens[np.start:end] if t.is_word)
        self.out.mentions[owner].add_detail("in" if bare_garment else "with", said, noun)
        self.group, self.last_role = [owner], "detail"
        return True

    def _said_of_someone_before(self) -> bool:
        """Whether the list item before this comma is a clause about someone ('a guy squatting, black
        track jacket, …', 'grandma knitting in her chair, pink cardigan, …'): what is said bare after
        it goes on describing them. Not after a thing ('a bench, red umbrella') or in a tag list."""
        end = self.index - 1  # the comma before this garment
        while True:
            start = end - 1
            while start >= 0 and self.chunks[start].kind not in ("COMMA", "SENT"):
                start -= 1
            clause = self.chunks[start + 1:end]
            worn_only = bool(clause) and all(c.kind == "NP" and c.np is not None and c.np.det is None and (
                c.np.noun is not None and lexicon.is_garment(c.np.noun)) for c in clause)
            if not (worn_only and start >= 0 and self.chunks[start].kind == "COMMA"):
                break
            end = start  # "…, grey hoodie, ripped jeans, …": the list of worn things goes on
        while clause and clause[0].kind in ("AND", "FILLER"):
            clause = clause[1:]
        if not clause or clause[0].kind != "NP" or clause[0].np is None or clause[0].np.noun is None:
            return False
        if any(c.np is not None and c.np.noun is not None and lexicon.is_garment(c.np.noun) for c in clause):
            return False  # ("dressed in Breton stripes, red berets, …": a list of worn things, read on)
        return lexicon.category(clause[0].np.noun) == priors.PERSON and any(
            c.kind in ("VERB", "POSE", "REL", "PREP") for c in clause[1:])

    def _worn_too(self, np: NounPhrase) -> bool:
        """A garment joined by "and" right after a garment that went to someone's caption is theirs too;
        so is a mark or part of the body after a part ("…, red faces and yellow wing bars")."""
        said = self.chunks[self.index - 2] if self.index >= 2 else None
        if np.count is None and (np.noun in lexicon.PARTS or lexicon.is_bodily(np.noun or "")) and (
                self.last_role == "detail" and len(self.group) == 1) and said is not None and said.np is not None and (
                said.np.noun in lexicon.PARTS or lexicon.is_bodily(said.np.noun or "")) and np.det is None and (
                self.chunks[self.index - 1].kind == "AND"):
            self.out.mentions[self.group[0]].add_detail("with", self._words_of(np), np.noun)
            return True
        if np.count is not None or not lexicon.is_garment(np.noun):
            return False
        said = self.chunks[self.index - 2] if self.index >= 2 else None
        worn_before = said is not None and said.np is not None and said.np.noun is not None and (
            said.np.noun in lexicon.CLOTHING) and not any(m.noun == said.np.noun for m in self.out.mentions)
        if worn_before and (self.last_role != "detail" or len(self.group) != 1):
            wearer = self._wearer()  # "wearing overalls over a plaid shirt and a straw hat": the hat too
            if wearer is None or not self.out.mentions[wearer].is_person:
                return False
            self.group = [wearer]
        elif self.last_role != "detail" or len(self.group) != 1:
            return False
        owner = self.out.mentions[self.group[0]]
        if not owner.is_person or np.det not in (None, "a", "an", "his", "her", "their"):
            return False
        self._attach(owner, "in", np)
        return True

    def _worn_said_to_be(self, np: NounPhrase) -> bool:
        """'her dress is yellow with white dots', 'his boots are muddy': a garment of someone named
        before, said to be of a colour or a look, is what they wear, in their caption."""
        if np.det not in ("his", "her", "their") or np.count is not None or not lexicon.is_garment(np.noun):
            return False
        copula = self._next()
        look = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if copula is None or copula.kind != "COPULA" or look is None or look.kind != "NP" or not all(
                t.low in lexicon.COLOURS or lexicon.is_adjective(t.low) for t in self.tokens[look.start:look.end]):
            return False
        sexed = MALE if np.det == "his" else FEMALE if np.det == "her" else frozenset()
        people = [i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].is_person
                  and self.out.mentions[i].count > 0]
        owner = next((i for i in people if self.out.mentions[i].noun in sexed), people[0] if people else None)
        if owner is None:
            return False
        end, k = look.end, self.index + 3
        while k + 1 < len(self.chunks) and self.chunks[k].kind == "WITH" and self.chunks[k + 1].kind == "NP":
            end, k = self.chunks[k + 1].end, k + 2  # "… yellow with white dots"
        garment = " ".join(t.text for t in np.modifiers + np.head)
        rest = " ".join(t.text for t in self.tokens[look.end:end])
        look_words = " ".join(t.text for t in self.tokens[look.start:look.end])
        said = " ".join(w for w in (look_words, garment, rest) if w)
        many = np.plural or np.noun in lexicon.PLURALIA_TANTUM or np.head[-1].low in lexicon.WORN_IN_PAIRS  # "shorts"
        self.out.mentions[owner].add_detail("in", said if many else f"{article(said)} {said}", np.noun)
        self.skip.update(range(self.index + 1, k))
        self.group, self.last_role = [owner], "detail"
        return True

    def _in_hand_next(self) -> bool:
        """Whether 'in hand' or 'in his hand' follows ('…, gamepad in hand'): a thing held, however
        rare its name."""
        rel = self._next()
        hand = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        return rel is not None and rel.kind == "REL" and self.tokens[rel.start].low == "in" and hand is not None and (
            hand.np is not None and hand.np.noun in ("hand", "paw") and hand.np.det in (None, "his", "her", "their", "its", "one"))

    def _walks_next(self, np: NounPhrase) -> bool:
        """Whether a phrase no table knows, said with describing words, is followed by a verb of a
        body's pose ('giant rusted mech walking through a flooded city'): the subject of a scene."""
        nxt = self._next()
        if nxt is None or nxt.kind != "VERB" or not np.modifiers or np.noun is None:
            return False
        return nxt.value.pose in ("walking", "running", "jumping", "standing", "sitting") and (
            self.tokens[nxt.start].low.endswith("ing"))  # (but "farmers market fruit stand:", a stall)

    def _own_body_moved(self, np: NounPhrase) -> bool:
        """'a DJ bobs his head', 'a boy swings his legs over the edge': a part of the doer's own body
        after a verb finishes what the doer does."""
        if np.det not in ("his", "her", "their", "its") or np.noun is None or not self.group or not (
                lexicon.is_bodily(np.noun.rsplit(" ", 1)[-1]) or np.noun in lexicon.PARTS) or any(
                t.low.endswith("'s") for t in np.modifiers):
            return False  # (but "brushing her horse's mane": the horse's)
        doers = self._living_in_group()
        if not doers:
            return False
        for index in doers:
            actions = self.out.mentions[index].actions
            said = self._words_of(np)
            if actions:
                actions[-1] = f"{actions[-1]} {said}"
            else:
                actions.append(said)
        return True

    def _living_in_group(self) -> list[int]:
        """The people and animals among those the clause is about."""
        return [i for i in self.group if i is not None and self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL)]

    def _put_down_apart(self, k: int) -> bool:
        """Whether the words from tokens[k] to the clause's end place a thing apart from its owner ('beside
        her', 'on the gravel'), not on their body ('around his neck', 'pushed up into her hair')."""
        while k < len(self.tokens) and self.tokens[k].is_word:
            word = self.tokens[k].low
            if word in lexicon.PREPOSITIONS or word in ("beside", "next", "by", "near", "behind"):
                after = [t.low for t in self.tokens[k + 1:k + 4] if t.is_word]
                body = any(lexicon.is_bodily(singular(w)[0]) or singular(w)[0] in lexicon.PARTS for w in after)
                return not body
            k += 1
        return False

    def _possessed_part(self, np: NounPhrase) -> bool:
        """'the father's hand on the boy's knee': a part with its owner named is the owner's, in
        its caption, never a thing of its own."""
        if np.noun not in lexicon.PARTS and np.noun not in lexicon.OWNED_PARTS:
            return False
        for token in np.modifiers:
            if token.low.endswith("'s"):
                base = singular(token.low[:-2])[0]
                owner = next((i for i in reversed(range(len(self.out.mentions)))
                              if self.out.mentions[i].noun == base), None)
                if owner is not None:
                    self.out.mentions[owner].add_detail("with", self._words_of(np), np.noun)
                    self.group, self.last_role = [], "detail"
                    return True
                if lexicon.category(base) in (priors.PERSON, priors.ANIMAL):
                    # "the beagle's collar is red": the beagle, with its collar in its caption
                    part = " ".join(t.text for t in self.tokens[self.tokens.index(token) + 1:np.end])
                    part = f"{article(part)} {part}"
                    self._name_the_possessor(np, token, base)
                    index = self._mention_for(np, role="subject")
                    self.out.mentions[index].add_detail("with", part, None)
                    self.group, self.owner, self.last, self.last_role = [index], index, index, "subject"
                    self.sentence_subjects.append(index)
                    return True
        return False

    def _colour_of_something(self, np: NounPhrase) -> bool:
        """'a cardigan the colour of moss', 'a trench coat the colour of tobacco': right after a thing or
        a garment, its colour likened to something, which is not drawn. True when handled."""
        i = self.index
        if np.noun not in ("colour", "color", "shade", "hue", "size", "height", "length") or np.det != "the" or i == 0 or (
                self.last is None) or (
                i + 2 >= len(self.chunks)) or self.chunks[i - 1].kind != "NP" or self.chunks[i + 1].kind != "OF":
            return False
        likened = self.chunks[i + 2]
        if likened.kind != "NP" or likened.np is None:
            return False
        self.out.mentions[self.last].add_detail("", self._text(np.start, likened.end))
        self.skip.update({i + 1, i + 2})
        return True

    def _listed_words(self, np: NounPhrase) -> list[list[str]]:
        """The words of a phrase with no noun, count or article, split where commas, 'and' or '&' join
        them ('red, yellow and blue', 'speckled grey and blush'); empty for any other phrase."""
        if np.noun is not None or np.count is not None or np.det is not None:
            return []
        groups: list[list[str]] = [[]]
        for token in self.tokens[np.start:np.end]:
            if token.low in (",", "and", "&"):
                groups.append([])
            else:
                groups[-1].append(token.text)
        return [g for g in groups if g]

    def _colours_said_alone(self, np: NounPhrase) -> bool:
        """'Cow in the field. Brown and white. A calf next to her.': a sentence of colours alone, after
        a sentence that named one creature or thing, says its colours."""
        listed = self._listed_words(np)
        before = self.chunks[self.index - 1] if self.index > 0 else None
        after = self.chunks[self.index + 1] if self.index + 1 < len(self.chunks) else None
        if not listed or before is None or before.kind != "SENT" or after is not None and after.kind != "SENT":
            return False
        if not all(w.lower() in lexicon.COLOURS or w.lower() in lexicon.COLOUR_SHADES for one in listed for w in one):
            return False
        named = [i for i in range(len(self.out.mentions)) if self.out.mentions[i].count > 0
                 and self.out.mentions[i].parent is None]
        creatures = [i for i in named if self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL)]
        named = creatures if len(creatures) == 1 else named  # "Horse by the gate. Grey and white.": the horse
        if len(named) != 1:
            return False  # (which of several it would colour is not said)
        self.out.mentions[named[0]].modifiers.insert(0, self._text(np.start, np.end).lower())
        return True

    def _colours_one_each(self, np: NounPhrase, kind: str | None) -> bool:
        """'three little wooden cars, red, yellow and blue', 'three balls of yarn in mustard, rust and
        cream': as many colours as things just counted, one each, in the order said."""
        groups = self._listed_words(np)
        worn_list = kind == "WEAR" and self.index > 0 and self.chunks[self.index - 1].kind == "COMMA"
        if self.last is None or kind not in ("COMMA", "REL") and not worn_list or (
                kind == "REL" and self.tokens[np.start - 1].low != "in"):
            return False
        if len(groups) < 2 or not all(g[-1].lower() in lexicon.COLOURS for g in groups):
            return False
        target = self.last
        source = self.out.mentions[target]
        said = self.chunks[self.index - 2].np if self.index >= 2 else None
        worn = bool(source.details) and bool(source.detail_nouns) and source.detail_nouns[-1] in lexicon.CLOTHING and (
            said is not None and said.noun == source.detail_nouns[-1])  # "three kids in rain ponchos, yellow, …"
        if source.count != len(groups) or source.parent is not None or source.is_person and not worn or any(
                m.parent == target for m in self.out.mentions):
            return False
        for words_of_one in groups:
            self._split(target, words_of_one)
        self.group = [i for i, m in enumerate(self.out.mentions) if m.parent == target]
        return True

    def _filled_with(self, np: NounPhrase, owner) -> bool:
        """'a woman holding a flask with green liquid', 'a man carrying a jug with water': stuff after a
        vessel someone holds is in the vessel, said in its caption, never worn or held by them."""
        stuff = np.noun in lexicon.MASS_NOUNS or np.noun in ("liquid", "liquids", "foam", "fluid")
        if not stuff or np.det is not None or np.count is not None or self.last is None or not isinstance(owner, int):
            return False
        vessel = self.out.mentions[self.last]
        if vessel.is_person or vessel.category == priors.ANIMAL or self.last_role != "object":
            return False
        vessel.add_detail("with", self._words_of(np))
        return True

    def _worn_colours_one_each(self, np: NounPhrase) -> bool:
        """'three kids in red, blue and green raincoats', 'Four children … in red, yellow, green and blue
        team T-shirts': three or more colours listed before what as many people wear, one each. (Two
        colours may be each one's: "two cheerleaders in blue and gold uniforms"; so may the flag's.)"""
        if not np.plural or np.noun is None or not (np.noun in lexicon.CLOTHING or lexicon.ends_in_garment(np.noun)) or (
                np.start == 0 or self.tokens[np.start - 1].low not in ("in", "wearing", "wear")):
            return False
        said = [t.low for t in self.tokens[np.start:np.end]]
        colours = [w for w in said if w in lexicon.COLOURS]
        last = max(k for k, w in enumerate(said) if w in lexicon.COLOURS) if colours else -1
        listed = said[:last + 1]
        if len(colours) < 3 or set(colours) == {"red", "white", "blue"} or not all(
                w in lexicon.COLOURS or w in (",", "and") for w in listed) or len(set(colours)) != len(colours):
            return False
        wearers = [i for i in self.group if i is not None and self.out.mentions[i].is_person]
        target = self.last if self.last is not None else (wearers[0] if wearers else None)
        if target is None or target not in wearers or len(wearers) != 1:
            return False
        source = self.out.mentions[target]
        if source.count != len(colours) or source.parent is not None or any(m.parent == target for m in self.out.mentions):
            return False
        rest = " ".join(t.text for t in self.tokens[np.start + last + 1:np.end - 1])
        garment = singular(self.tokens[np.end - 1].low)[0]
        for colour in colours:
            self._split(target, [])
            worn = " ".join(w for w in (colour, rest, garment) if w)
            self.out.mentions[-1].add_detail("in", f"{article(worn)} {worn}", np.noun)
        self.group = [i for i, m in enumerate(self.out.mentions) if m.parent == target]
        self.continuing = ("WEAR", "in")
        return True

    def _animal_apposition(self, np: NounPhrase, kind: str | None) -> bool:
        """'His dog, a sleepy old beagle, …': the breed of the animal just named; 'a plump white duck,
        their mother', 'Two foxes, a mother and her cub, …': its place in the family. No new animal."""
        if kind not in ("COMMA", None) or self.last is None or np.noun is None or np.count is not None or np.plural:
            return False
        named = self.out.mentions[self.last]
        if named.category != priors.ANIMAL or self.chunks[self.index - 1].kind != "COMMA" or self.index < 2:
            return False
        before = self._animal_before_its_name(self.index - 2, named)
        if before is None:
            return False  # (right after the animal's own name)
        nxt = self._next()
        ends = nxt is None or nxt.kind in ("COMMA", "SENT") or nxt.kind == "WITH" or self._worn_next(self.index + 1)
        if np.noun in _ANIMAL_FAMILY and np.det in ("their", "its", "his", "her") and named.count == 1 and ends:
            return True  # "behind a plump white duck, their mother"
        if np.noun in _ANIMAL_FAMILY and np.det in ("a", "an") and named.count == 2 and nxt is not None and (
                nxt.kind == "AND") and self.index + 2 < len(self.chunks):
            other = self.chunks[self.index + 2].np
            if other is not None and other.noun is not None and other.count is None and not other.plural and (
                    other.noun in _ANIMAL_FAMILY or words.general_animal(other.noun) is not None):
                self.skip.update({self.index + 1, self.index + 2})
                return True  # "Two foxes, a mother and her cub, trot …": the two of them
        breed = np.det in ("a", "an") and ends and named.count == 1 and self.chunks[self.index - 1].value in (",", "(") and (
            lexicon.category(np.noun) == priors.ANIMAL or words.general_animal(np.noun) is not None) and (
            named.noun in _GENERAL_ANIMALS and words.general_animal(np.noun) in (named.noun, None)
            or np.noun == named.noun) and (
            before.np.det in lexicon.POSSESSIVES or before.np.det == "the" or any(t.low.endswith("'s") for t in before.np.modifiers))
        if breed:  # "His dog, a sleepy old beagle, lies …": that dog, named by its kind as "Max, his beagle" is
            named.noun, named.head = np.noun, np.noun
            named.modifiers.extend(t.text for t in np.modifiers)
            self.owner, self.group, self.last_role = self.last, [self.last], "subject"
            return True
        return False

    def _animal_before_its_name(self, k: int, named) -> Chunk | None:
        """The chunk naming the animal just named, at k or before its own name there ('our dog Max, a
        black labrador', 'Our school cat, Biscuit, a fluffy white cat'), or None."""
        chunk = self.chunks[k] if k >= 0 else None
        if chunk is not None and chunk.np is not None and chunk.np.det is None and chunk.np.count is None and (
                k >= 1 and self.tokens[chunk.start].text[:1].isupper() and chunk.end - chunk.start <= 2):
            k -= 2 if k >= 2 and self.chunks[k - 1].kind == "COMMA" else 1  # the name, then the animal before it
            chunk = self.chunks[k] if k >= 0 else None
        if chunk is not None and chunk.np is not None and chunk.np.noun != named.noun and k >= 2 and (
                self.chunks[k - 1].kind == "OF") and lexicon.category(chunk.np.noun or "") == priors.PERSON:
            chunk = self.chunks[k - 2]  # "The dog of my brother, a small white dog, …": the dog, whoever's
        if chunk is None or chunk.np is None or chunk.np.noun != named.noun:
            return None
        return chunk

    def _apposition(self, np: NounPhrase, kind: str | None) -> bool:
        """'my brother, a tall man in a grey suit,', 'her father, a grey-haired man in a tuxedo':
        a plain person-word right after someone named by kin or role says who that one is; what
        follows describes them, no new person."""
        if self._who_in_brackets(np):
            return True
        if kind not in ("COMMA", None) or np.det not in ("a", "an") or np.count is not None or np.plural:
            return False
        if np.noun not in _PLAIN_PEOPLE and self._role_after_plain(np):
            return True
        if np.noun not in _PLAIN_PEOPLE or self.last is None or self.index == 0:
            return False
        if self._who_the_role_is(np):
            return True
        before = self.chunks[self.index - 1]
        if before.kind not in ("COMMA", "NP") or before.value == ":":
            return False
        kin = self.chunks[self.index - 2] if before.kind == "COMMA" and self.index >= 2 else before
        if kin.np is not None and kin.np.pronoun in ("himself", "herself") and self.index >= 3:
            kin = self.chunks[self.index - 3]  # "the keeper himself, a grizzled man …"
        named = self.out.mentions[self.last]
        titled = kin.np is not None and kin.np.det is None and any(
            t.text[:1].isupper() for t in self.tokens[kin.np.start + 1:kin.np.end])  # "Detective Okafor, a tall woman"
        k = self.chunks.index(kin) if kin in self.chunks else -1
        asked_for = k > 0 and self.chunks[k - 1].kind == "FILLER" and self._closed_then_done()
        object_of = k > 0 and (self.chunks[k - 1].kind in ("PREP", "VERB") or asked_for) and before.kind == "COMMA" and (
            named.category == priors.PERSON)
        opens = k == 0 or k > 0 and self.chunks[k - 1].kind in ("SENT", "COMMA")
        if kin.np is not None and kin.np.det == "the" and before.kind == "NP" and opens and kin.np.noun == named.noun:
            pass  # "…; the doctor an older man in a white coat": who the doctor is, the verb understood
        elif kin.np is None or kin.np.noun != named.noun or not (
                kin.np.det in _POSSESSIVES or (kin.np.det == "the" or titled or object_of and kin.np.det in ("a", "an")
                                               or self._bare_role_then_who(kin, named)) and before.kind == "COMMA"):
            # "a trumpet player in a fedora, a woman with an accordion": a list; "the groomer, a woman";
            # "handing a latte to a customer, an older man …": who the customer is
            return False
        if named.category not in (priors.PERSON, None) or named.count != 1 or named.noun in _PLAIN_PEOPLE:
            return False
        owned = kin.np is not None and kin.np.det in ("his", "her", "their", "my", "our")  # "his trainer, a bald man"
        placed_by = k > 0 and self.chunks[k - 1].kind == "REL"
        if named.category is None and owned and placed_by and words.is_concrete(named.noun):
            return False  # "a butcher behind his stall, a woman in a blue kirtle": where he is, then someone new
        if named.category is None and not owned and (words.is_concrete(named.noun) or named.noun in lexicon.MASS_NOUNS
                                       or lexicon.is_known_noun(named.noun) or words.compound_kind(named.noun) == "thing"
                                       or lexicon.is_setting(named.noun) or words.is_place(named.noun)):
            return False  # "figure skating on the ice, a woman in …": a thing, then someone new
        named.category = priors.PERSON  # "the groomer, a woman with …": a person, whatever the lists knew
        named.modifiers.extend(t.text for t in np.modifiers if t.low not in lexicon.DETERMINERS)
        self.owner, self.group, self.last_role = self.last, [self.last], "subject"
        return True

    def _who_in_brackets(self, np: NounPhrase) -> bool:
        """'her son (teen, black hoodie, headphones round his neck)': a bare plain person-word opening
        brackets right after someone says how old they are; no one new."""
        before = self.chunks[self.index - 1] if self.index > 0 else None
        if before is None or before.kind != "COMMA" or before.value != "(" or np.det is not None or np.count is not None or (
                np.plural) or np.noun not in _PLAIN_PEOPLE or self.last is None:
            return False
        named = self.out.mentions[self.last]
        if not named.is_person or named.count != 1 or named.noun == np.noun:
            return False
        named.modifiers.extend(t.text for t in [*np.modifiers, *np.head])
        self.owner, self.group, self.last_role = self.last, [self.last], "subject"
        return True

    def _who_the_role_is(self, np: NounPhrase) -> bool:
        """'one trainer, a tall bald man in a black polo, standing …', 'a client, a young woman in a teal
        tank, doing a curl': a bare word for someone's role, then a plain person-word set off by commas
        and followed by what they do, is one person, whatever else the role's word may name (a trainer
        is also a shoe)."""
        if self.index < 2 or self.chunks[self.index - 1].kind != "COMMA" or self.chunks[self.index - 1].value != ",":
            return False
        kin, named = self.chunks[self.index - 2], self.out.mentions[self.last]
        if kin.np is None or kin.np.noun != named.noun or kin.np.modifiers or named.count != 1 or (
                kin.np.det not in ("a", "an", "the") and kin.np.count != 1) or named.category not in (priors.PERSON, None) or (
                named.noun in _PLAIN_PEOPLE) or self.index >= 3 and self.chunks[self.index - 3].kind in ("REL", "PREP", "VERB"):
            return False
        k = self.index + 1
        while k < len(self.chunks) and (self.chunks[k].kind in ("WITH", "PREP", "NP", "AND", "WEAR") or self._worn_next(k)) and not (
                self.chunks[k].kind == "NP" and self.chunks[k].np is not None and self.chunks[k].np.noun in _PLAIN_PEOPLE):
            k += 1  # what the apposition says the person wears or has
        if k + 1 >= len(self.chunks) or self.chunks[k].kind != "COMMA" or self.chunks[k + 1].kind not in ("VERB", "POSE"):
            return False
        named.category = priors.PERSON
        named.modifiers.extend(t.text for t in np.modifiers if t.low not in lexicon.DETERMINERS)
        self.owner, self.group, self.last_role = self.last, [self.last], "subject"
        return True

    def _worn_next(self, k: int) -> bool:
        """Whether chunk k is 'in' before a garment ('in a black polo')."""
        worn = self.chunks[k + 1].np if k + 1 < len(self.chunks) else None
        return self.chunks[k].kind == "REL" and self.tokens[self.chunks[k].start].low == "in" and worn is not None and (
            worn.noun is not None and (worn.noun in lexicon.CLOTHING or lexicon.ends_in_garment(worn.noun)))

    def _shares_the_article(self, np: NounPhrase, kind: str | None) -> bool:
        """'a stone mortar and pestle', 'a cup and saucer': a bare thing after 'and' shares the article
        of the thing before it."""
        before = self.chunks[self.index - 2] if kind == "AND" and self.index >= 2 else None
        if before is not None and before.np is not None and before.np.det is None and self.last is not None and (
                self.out.mentions[self.last].noun == before.np.noun) and words.is_concrete((np.noun or "").rsplit(" ", 1)[-1]) and (
                np.noun not in lexicon.CLOTHING and before.np.noun not in lexicon.CLOTHING) and not any(
                t.low.endswith(("ing", "ed")) for t in before.np.modifiers):
            return True  # "…, red bucket and yellow spade": a bare thing after a bare thing drawn
        return before is not None and before.np is not None and before.np.det in ("a", "an", "the") and (
            not before.np.plural) and not np.modifiers and words.is_concrete((np.noun or "").rsplit(" ", 1)[-1]) and (
            np.noun not in lexicon.CLOTHING and before.np.noun not in lexicon.CLOTHING)

    def _first_name(self, np: NounPhrase) -> bool:
        """'Jess in a yellow raincoat walking her corgi', 'Lena and Tom at the flower market': a
        capitalised word no dictionary knows (or a known one capitalised inside a sentence, or beside
        another name), then what a person wears, does or has, is someone called so; the instance is
        named as written. True when handled."""
        if len(np.head) != 1 or np.modifiers or np.det is not None or np.count is not None:
            return False
        token = self.tokens[np.start]
        if not token.text[:1].isupper() or token.text.isupper() or not token.text[1:].islower() or len(token.text) < 3:
            return False
        nxt = self._next()
        if np.noun in self.names:  # "Lena wears a mustard cardigan": said again, the same one
            index = next(i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].noun == np.noun)
            joins = self.index > 0 and self.chunks[self.index - 1].kind == "AND" and self.last_role == "subject"
            self.group = [*self.group, index] if joins else [index]
            self.last, self.owner, self.last_role = index, index, "subject"
            return True
        known = any(m.noun == np.noun for m in self.out.mentions) or self._said_again(np) is not None or (
            lexicon.category(np.noun or "") == priors.PERSON)  # "Grandma and Grandpa", "Ray" after "Uncle Ray"
        after = self.chunks[self.index + 2] if nxt is not None and self.index + 2 < len(self.chunks) else None
        paired = nxt is not None and nxt.kind == "AND" and after is not None and after.np is not None and (
            self._capitalised(after.np)) or self.index >= 2 and self.chunks[self.index - 1].kind == "AND" and (
            self.chunks[self.index - 2].np is not None and self.chunks[self.index - 2].np.noun in self.names)
        unknown = not words.is_english(np.noun or "") and words.correct(np.noun or "") == np.noun and (
            lexicon.category(np.noun or "") is None and np.noun not in priors.NOUNS)
        mid = np.start > 0 and self.tokens[np.start - 1].low not in SENTENCE_END | {",", ":", ";", '"'}
        does = nxt is not None and (nxt.kind in ("WEAR", "VERB", "WITH") or nxt.kind == "REL" and nxt.value == "inside"
                                    and after is not None and after.np is not None
                                    and (after.np.noun or "") in lexicon.CLOTHING)
        # "a man and Jane", "shaking hands with Tomasz": a name no dictionary knows, with someone
        companion = mid and unknown and self.chunks[self.index - 1].kind in ("AND", "WITH")
        if known or not (unknown or paired or mid and does) or not (does or paired or companion):
            return False
        mention = Mention(np.noun or token.low, 1, priors.PERSON, token.text, proper=True)
        self.out.mentions.append(mention)
        self.names.add(np.noun)
        index = len(self.out.mentions) - 1
        joins = self.index > 0 and self.chunks[self.index - 1].kind == "AND" and self.last_role == "subject"
        self.group = [*self.group, index] if joins else [index]
        self.last, self.owner, self.last_role = index, index, "subject"
        self.sentence_subjects.append(index)
        return True

    def _bare_role_then_who(self, kin: Chunk, named: Mention) -> bool:
        """'a chef, a big man with a mustache, …', 'a customer, a young woman in a raincoat': a role
        said bare, then a plain person described, is who that one is (but "a trumpet player in a fedora,
        a woman with an accordion" is a list, and so are roles after a colon)."""
        nxt = self._next()
        described = nxt is not None and (nxt.kind in ("WITH", "WEAR") or nxt.kind == "REL" and nxt.value == "inside")
        k = self.chunks.index(kin)
        first = k == 0 or self.chunks[k - 1].kind in ("SENT", "COMMA") and (k < 2 or self.chunks[k - 2].kind != "NP") or (
            self.chunks[k - 1].kind in ("WITH", "VERB", "PREP"))  # "…, with a groomer, a woman with a …"
        return (kin.np.det in ("a", "an", None) and described and first and not named.details and not named.actions
                and named.category == priors.PERSON and not self.announced)

    def _capitalised(self, np: NounPhrase) -> bool:
        return np.det is None and np.count is None and not np.plural and np.end > np.start and all(
            t.text[:1].isupper() for t in self.tokens[np.start:np.end] if t.is_word)

    def _name_before_role(self, np: NounPhrase, link) -> bool:
        """'Mira the sorceress', 'Sister Elda the paladin', 'Rex the dog': a name, then what its
        bearer is; the bearer is the one thing. True when handled."""
        nxt = self._next()
        if not self._capitalised(np) or nxt is None or nxt.kind != "NP" or nxt.np is None or nxt.start != np.end:
            return False
        role = nxt.np
        if role.det != "the" or role.noun is None or role.headless or role.plural or role.count is not None:
            return False
        self.skip.add(self.index + 1)
        self._on_np_as(role, link)
        return True

    def _attribute_of(self, np: NounPhrase, link) -> bool:
        """'testing the weight of a hammer', 'admiring the colour of the sunset': a property of the
        thing after 'of'; the thing is what the words before are about. True when handled."""
        nxt = self._next()
        inner = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if np.noun not in _ATTRIBUTES or np.det not in ("the", "its", "his", "her", "their") or nxt is None or (
                nxt.kind != "OF") or inner is None or inner.np is None or inner.np.noun is None:
            return False
        self.skip.update({self.index + 1, self.index + 2})
        self._on_np_as(inner.np, link)
        return True

    def _name_then_what(self, np: NounPhrase) -> bool:
        """'Miso is a fat orange tabby', 'Sam is a gnome artificer': a name, then what its bearer is;
        the bearer is the thing said after 'is'. True when handled."""
        nxt = self._next()
        at = self.index + 2
        while at < len(self.chunks) and self.chunks[at].kind == "FILLER" and at == self.index + 2:
            at += 1  # "Luna is all black"
        after = self.chunks[at] if at < len(self.chunks) else None
        one = nxt is not None and self.tokens[nxt.start].low in ("is", "was", "'s")  # "Mittens is white": one, named
        capitalised = self._capitalised(np) or one and np.plural and self._capitalised(dataclasses.replace(np, plural=False))
        if not capitalised or nxt is None or nxt.kind != "COPULA" or after is None or after.np is None:
            return False
        said = [t.text for t in after.np.modifiers]
        named = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].parent is None
                      and self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL) and (
                          self.out.mentions[i].count > 1 or any(m.parent == i for m in self.out.mentions))
                      and self.out.mentions[i].count >= 1 and not self.out.mentions[i].uncounted), None)
        if after.np.headless and said and after.np.count is None and named is not None:
            self._split(named, said)  # "my three chickens … Henny is white, Pepper is black": one of them each
            self.skip.update(range(self.index + 1, at + 1))
            self.group = [self.last]  # what comes next is said of the next one
            return True
        if after.np.det not in ("a", "an") or after.np.noun is None:
            return False
        mid_sentence = np.start > 0 and self.tokens[np.start - 1].low not in SENTENCE_END
        creature = lexicon.category(after.np.noun) in (priors.PERSON, priors.ANIMAL) or (
            words.general_animal(after.np.noun) is not None)
        if _known_word(np.noun) and not (mid_sentence and creature):
            return False  # (but "…, Pepper is a skinny black cat": a name, though pepper is a word)
        self.group, self.last_role = [], None  # what follows "is" is a new one, not said of the one before
        self.named_member = True
        return True

    def _named_then_what_kind(self, np: NounPhrase, link) -> bool:
        """'his daughter Hazel, a little beaver', 'her cousin Nutmeg, a red squirrel', 'Mr. Thistle, a
        mole', 'Lord Whiskers, a grand ginger cat': someone called by kin, role or title and a name, then
        what kind of creature they are; the creature is the one drawn, where the first was said."""
        if np.end - np.start < 2 or np.count is not None or self.index + 2 >= len(self.chunks):
            return False
        name, before = self.tokens[np.end - 1], self.tokens[np.end - 2]
        if not (name.text[:1].isupper() and name.text[1:].islower()):
            return False
        by_kin = before.text.islower() and lexicon.category(before.low) == priors.PERSON  # "his daughter Hazel"
        titled = before.text[:1].isupper() and before.low in _TITLE_WORDS  # "Lord Whiskers"
        if not (by_kin and not np.plural or titled):
            return False
        comma, after = self.chunks[self.index + 1], self.chunks[self.index + 2]
        if comma.kind != "COMMA" or comma.value != "," or after.kind != "NP" or after.np is None or (
                after.np.det not in ("a", "an", "another")) or after.np.noun is None or after.np.count is not None:
            return False
        creature = lexicon.category(after.np.noun) == priors.ANIMAL or words.general_animal(after.np.noun) is not None
        if not creature:
            return False  # (people in apposition are read by _apposition and _name_then_who)
        self.skip.update({self.index + 1, self.index + 2})
        self._on_np_as(after.np, link)
        return True

    def _summed_up_again(self, np: NounPhrase) -> bool:
        """'just the two animals', 'all three animals', 'the animals', or 'cartoon animals …' opening a
        sentence after the animals were named: a word that sums up what was named, not more of them.
        What is said next (standing in a line) is said of them all."""
        kind = _SUMMING_UP.get(np.noun or "")
        if kind is None or not np.plural or np.det not in ("the", "these", "those", "all", "both", None):
            return False
        named = [i for i, m in enumerate(self.out.mentions) if m.category == kind and m.count > 0 and m.parent is None]
        total = sum(self.out.mentions[i].count for i in named)
        opens = self.index == 0 or self.chunks[self.index - 1].kind in ("SENT", "COMMA", "FILLER")
        if total < 2 or np.count is not None and np.count != total or np.det is None and np.count is None and not (
                opens and self.sentence_start > min(named)):
            return False
        self.group, self.last, self.last_role = named, named[-1], "subject"
        return True

    def _name_then_who(self, np: NounPhrase) -> bool:
        """'my OCs: Juniper, a tall witch with …, and Sol, a short sunny boy …': a name, a comma, then
        who its bearer is; the bearer is the one named after the comma. True when handled."""
        nxt = self._next()
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if not self._capitalised(np) or nxt is None or nxt.kind != "COMMA" or nxt.value != "," or after is None:
            return False
        if after.np is None or after.np.det not in ("a", "an", "his", "her", "my", "our", "their") or (
                after.np.noun is None) or lexicon.category(after.np.noun) not in (priors.PERSON, priors.ANIMAL) and (
                words.general_animal(after.np.noun) is None):  # ("Duke, a big bay gelding": a horse)
            return False
        mid_sentence = np.start > 0 and self.tokens[np.start - 1].low not in SENTENCE_END
        # ("Rose, a grandmother …": a word, but no word for someone, so a name)
        creature_word = lexicon.category(np.noun or "") in (priors.PERSON, priors.ANIMAL) and (
            lexicon.category(np.noun or "") == (lexicon.category(after.np.noun) or priors.ANIMAL))  # "Duke, a gelding"
        titled = np.end - np.start > 1 and not words.is_english(self.tokens[np.end - 1].low) and (
            after.np.noun not in _PLAIN_PEOPLE)  # "Sir Aldric, a paladin" (but "Captain Reyes, a stocky man": the captain)
        if _known_word(np.noun) and not mid_sentence and creature_word and not titled or self._said_again(np) is not None:
            return False
        self.skip.add(self.index + 1)
        return True

    def _one_of_a_plural(self, index: int) -> None:
        """'my two cats? Miso is a fat orange tabby … and Tofu is a skinny black cat': a one named
        after a counted plural of its kind is one of them, not one more."""
        named = self.out.mentions[index]
        general = words.general_animal(named.noun)
        kind = general or named.noun
        mentions = self.out.mentions

        def fits(m: Mention) -> bool:  # a breed WordNet files under a capital ("a labrador") is of any general kind
            return m.noun in (named.noun, kind) or (general is None and named.category == priors.ANIMAL
                                                    and m.noun in _GENERAL_ANIMALS)

        plural = next((i for i, m in enumerate(mentions) if i != index and m.parent is None and not m.uncounted
                       and (m.count > 1 or m.count == 1 and any(c.parent == i for c in mentions)) and fits(m)), None)
        if plural is None or named.count != 1:
            return
        self.out.mentions[plural].count -= 1
        named.parent = plural
        if named.noun in lexicon.COATS and mentions[plural].category == priors.ANIMAL:
            named.noun = mentions[plural].noun  # "Miso is a fat orange tabby": one of the cats, described

    def _name_said_between(self, np: NounPhrase) -> bool:
        """'the little girl, Pip, in her dungarees': a name between commas after someone is theirs."""
        before = self.chunks[self.index - 1] if self.index > 0 else None
        nxt = self._next()
        if not self._capitalised(np) or before is None or before.value != "," or self.last is None or (
                self._said_again(np) is not None):
            return False  # (but "Joe in a yellow raincoat, Ray in a red cap": Ray was named before)
        if nxt is None or nxt.kind not in ("COMMA", "REL", "WITH", "WEAR") or nxt.kind == "COMMA" and nxt.value != ",":
            return False
        named = self.out.mentions[self.last]
        said = self.chunks[self.index - 2] if self.index >= 2 else None
        if said is None or said.kind != "NP" or said.np is None or said.np.noun not in (named.noun, None) or named.proper:
            return False  # "Leo in a denim jacket, Jess wearing …": after what Leo wears, someone new
        return not _known_word(np.noun) and named.count == 1 and named.category in (priors.PERSON, priors.ANIMAL)

    def _described_next(self) -> bool:
        """Whether this phrase is followed by who it is: 'for his customer, a small woman with …',
        'at her boss, a heavy man in suspenders': someone in the picture, described."""
        k = self.index + 1
        np = self.chunks[self.index].np
        if np is None or np.det not in _POSSESSIVES and np.det != "the":
            return False  # "parked at a gas pump, a man in overalls …": the next item of a list
        if k + 1 >= len(self.chunks) or self.chunks[k].kind != "COMMA" or self.chunks[k].value != ",":
            return False
        after = self.chunks[k + 1].np
        return after is not None and after.det in ("a", "an") and after.noun in _PLAIN_PEOPLE and after.count is None

    def _link_for(self, np: NounPhrase):
        """The link before this phrase; after 'and', 'or' or a comma, the list it goes on with."""
        link, self.link = self.link, None
        if link and link[0] in ("AND", "OR", "COMMA") and self.continuing:
            named_again = self._capitalised(np) and self._said_again(np) is not None  # "…, Ray in a red cap"
            if not named_again and self._continues(self.continuing[0], np, link[0]):
                return (self.continuing[0], self.continuing[1], link[0])  # a list goes on
            self.continuing = None
        elif link and link[0] not in ("AND", "OR", "COMMA"):
            self.continuing = None
        return link

    def _colour_worn(self, np: NounPhrase, link) -> bool:
        """'a woman in orange', 'dressed in olive': a colour that is also a thing, worn; and so is armour
        said by its stuff ('a cleric in dented silver plate', 'one in battered gold plate'). True when handled."""
        worn = link is not None and (link[0] == "WEAR" or link[0] == "REL" and link[1] == "inside")
        armour = np.noun in _ARMOUR and self.tokens[np.end - 1].low == np.noun  # (said in the singular)
        shade = all(words.can_be(t.low, "ADJ") and not words.is_concrete(t.low) for t in np.modifiers)  # "rusty orange"
        if not worn or np.det is not None or np.count is not None or np.plural or not (shade or armour):
            return False
        wearer = self._wearer()
        if np.noun not in lexicon.COLOURS and not armour or wearer is None or self.out.mentions[wearer].category not in (
                priors.PERSON, priors.ANIMAL):
            return False  # ("the stegosaurus on the right in rusty orange": its colour)
        self._attach(self.out.mentions[wearer], self._link_text(np), np)
        return True

    def _made_in(self, np: NounPhrase, link) -> bool:
        """'three small vases in smoked glass', 'a lamp in brushed brass', 'a chair in walnut': right after
        a thing, 'in' and a bare stuff or colour say what it is made of, or its colour. True when handled."""
        if link is None or link[0] != "REL" or link[1] != "inside" or np.det is not None or np.count is not None or (
                np.plural or np.noun is None or self.index < 2 or self.last is None):
            return False
        said = self.tokens[self.chunks[self.index - 1].start].low
        before = self.chunks[self.index - 2]
        thing = self.out.mentions[self.last]
        if said != "in" or before.kind != "NP" or before.np is None or before.np.noun != thing.noun or (
                thing.is_person or thing.category == priors.ANIMAL):
            return False
        last = np.noun.rsplit(" ", 1)[-1]
        stuff = last in lexicon.MATERIALS or last in lexicon.WOODS or last in lexicon.COLOURS or (
            thing.category == priors.FURNITURE and lexicon.category(last) is None and last not in priors.NOUNS
            and not words.is_place(last) and last not in lexicon.CLOTHING and not lexicon.is_bodily(last))  # "a sofa in oatmeal boucle", "a headboard in stained oak"
        if not stuff or lexicon.is_setting(last):
            return False  # (but "a ship in ice": where it is)
        thing.add_detail("in", self._words_of(np), np.noun)
        return True

    def _no_instance(self, np: NounPhrase, link) -> bool:
        """Picture words, style phrases and pronouns: no new thing (pronouns point at old ones)."""
        kind = link[0] if link else None
        if link and link[-1] == "COMMA" and kind not in ("NEG", "WEAR") and self._list_ended() and (
                self._tail_fragment(np, "COMMA")):
            return True  # "..., warm candlelight, ...": the look of the picture
        if kind == "STYLE" or self._look_alike(np) or self._attribution(np) or self._picture_modifier(np):
            return True
        if self._opens_a_look_list(np):
            return True
        if np.noun in _LETTERING and kind != "NEG":
            return True  # "we'll add the words ourselves", "a title at the top": text is no box
        position = np.noun in _PLACES_ON_A_THING or np.noun in ("center", "centre", "middle") and any(
            t.low in ("back", "front", "far", "near", "dead") for t in np.modifiers)
        if kind in ("REL", "PREP") and position and np.det in ("the", None) and (
                np.count is None) and (self._next() is None or self._next().kind != "OF"):
            return True  # "at the near end", "drummer at the back center": where, not a thing ("the back of
            # the chair" is the chair's)
        if kind == "PREP" and link[1] == "from" and np.det in ("my", "our", "his", "her", "their", "the") and (
                (np.noun or "").rsplit(" ", 1)[-1] in lexicon.COLLECTIVES | _GROUPS_OF_PEOPLE) and not np.plural:
            return True  # "two goalies from my U14 squad", "three kids from my class": whose they are, not drawn
        whole = all(t.low in _WHOLE_PICTURE for t in np.modifiers)
        nxt = self._next()
        if np.det == "the" and np.noun in _THE_PICTURE and whole and not any(
                m.noun.rsplit(" ", 1)[-1] == np.noun for m in self.out.mentions) and (
                kind in ("REL", "PREP") or kind is None and nxt is not None and nxt.kind == "COPULA"):
            # "her three goldfish on the card", "in the middle of the poster", "halfway down the page",
            # "The whole page is night-blue": the picture itself
            if kind is None:
                self.group, self.last_role = [], "style"
            return True
        if _DECADE.fullmatch(np.noun or "") or np.noun in _DECADE_WORDS:
            return True  # "like a photo from the 80s", "1950s ad vibes": when, the picture's look
        if np.noun == "sun" and np.det is None and any(t.low in _TIMES_OF_DAY for t in np.modifiers):
            return True  # "afternoon sun through the blinds", "late afternoon sun": the light, not a sun to draw
        if _NTH.fullmatch(np.noun or "") or (np.noun or "").isdigit():
            return True  # "for his 60th", "our 40th": an occasion; "a photo from 1987": a year
        if np.noun == "other" and np.det is None and np.count is None and self.tokens[np.start].low == "others" and (
                np.end - np.start == 1):
            return True  # "one penguin is grey, others are black and white": the rest of them
        if np.noun in _INDEFINITE_PRONOUNS and (not np.modifiers or np.noun in ("thing", "things", "stuff")) and (
                kind != "NEG" or not np.modifiers):
            return True  # "waiting for someone to buy them", "the whole thing": nobody in particular
        before = self.tokens[np.start - 1].low if np.start > 0 else ""
        if before in _DEGREE_WORDS and np.det is None and np.count is None and not np.plural and (
                words.can_be(np.noun or "", "ADJ")):
            return True  # "looks very patient": how it looks
        said = self.tokens[np.start:np.end]
        degree = before in _MAKER_DEGREES and said and said[0].text[:1].isupper()
        degree = degree or (len(said) > 1 and said[0].low in _MAKER_DEGREES and said[1].text[:1].isupper())
        if degree and np.det is None and np.count is None:
            return True  # "very Coen brothers", "so Wes Anderson": a maker's look
        if self._camera_place(np):
            return True  # "shot from the cook's side": where the camera stands
        after = self.tokens[np.end].low if np.end < len(self.tokens) else ""
        look = after in ("look", "feel") and (np.end + 1 >= len(self.tokens) or not self.tokens[np.end + 1].is_word)
        if (after in _STYLE_MARKS or look) and lexicon.category(np.noun or "") not in (priors.PERSON, priors.ANIMAL) or (
                after in ("themed", "theme") or any(t.low.endswith(("-themed", "-theme")) for t in np.head)):
            return True  # "degas inspired", "ghibli style", "dinosaur themed": how the picture looks
        people = [m for m in self.out.mentions if m.is_person and m.count == 1]
        if np.noun == "couple" and np.count is None and not np.modifiers and len(people) == 2 and (
                len(self.out.mentions) == 2):
            return True  # "1girl, 1boy, couple, …": the two named already
        if np.plural and np.noun in lexicon.COLOURS and np.noun not in priors.NOUNS and np.count is None and kind != "OF":
            return True  # "a sky in stormy greens and greys": colours, said of the picture (not "a bowl of olives")
        if self._colour_after_colour(np):
            return True  # "moody, blue and orange": a colour, not the fruit
        nxt = self._next()
        if (np.noun or "").rsplit(" ", 1)[-1] in _PICTURE_PURPOSES and nxt is not None and nxt.kind == "COMMA" and (
                nxt.value == ":") and np.count is None:
            return True  # "mom and daughter christmas card: …": the picture asked for, named before it
        if np.pronoun is not None and link and link[0] == "NEG" and getattr(self, "retracting", False):
            self._negated(np, link)  # "… but leave her out": the one she is, taken back
            return True
        if np.pronoun is not None:
            self._pronoun(np, link)
            return True
        return False

    def _picture_modifier(self, np: NounPhrase) -> bool:
        """'teal and orange color grading', 'blade runner vibes': bare words right before the
        picture's words describe them."""
        nxt = self._next()
        return (np.det is None and np.count is None and nxt is not None and nxt.kind == "PICTURE"
                and nxt.start == np.end)

    def _camera_place(self, np: NounPhrase) -> bool:
        """'shot from the cook's side', 'seen from a child's height', 'from a cat's point of view': the
        camera's place, no thing."""
        before = [t.low for t in self.tokens[max(0, np.start - 2):np.start]]
        if before[-1:] != ["from"]:
            return False
        if len(before) == 2 and before[0] in ("shot", "seen", "viewed", "filmed", "photographed", "looking", "taken"):
            return np.noun in _CAMERA_PLACES
        return np.noun in ("point-of-view", "perspective", "pov")

    def _look_alike(self, np: NounPhrase) -> bool:
        """'like a Norman Rockwell painting', 'like an old film still': how the picture looks."""
        before = self.tokens[np.start - 1].low if np.start > 0 else ""
        after = self.tokens[np.end].low if np.end < len(self.tokens) else ""
        if before == "like" and np.start > 1 and self.tokens[np.start - 2].low in _FILLER_LIKE_AFTER - {"and"}:
            return False  # "can u make like a watercolour of an old woman": the picture asked for
        if before == "like" and (after in lexicon.FRAMES or after in _ART_WORKS):
            nxt = self._next()
            if nxt is not None and nxt.start == np.end and nxt.end == np.end + 1:
                self.skip.add(self.index + 1)  # "like an old book engraving": the engraving is the look
            self._skip_the_likeness()
            return True
        if before == "like" and np.noun is not None and np.noun.rsplit(" ", 1)[-1] in lexicon.FRAMES | lexicon.DEPICTIONS:
            self._skip_the_likeness()  # "like a photo in a travel magazine": where that photo is, no thing either
            return True
        return False

    def _skip_the_likeness(self) -> None:
        """What finishes a likeness ('like a still from a Wes Anderson film') up to its clause's end;
        not after 'I'd like a picture of …' or 'want like a photo of …', which ask for one."""
        np = self.chunks[self.index].np
        before = [t.low for t in self.tokens[max(0, np.start - 3):np.start - 1]]
        if set(before) & (_ASKING_LIKE | lexicon.PRONOUNS):
            return
        k = self.index + 1
        while k < len(self.chunks) and (self.chunks[k].kind in ("PREP", "OF", "NP", "FILLER", "STYLE") or (
                self.chunks[k].kind == "REL" and self.chunks[k].value in ("in", "from", "inside"))):
            # (but "still like a statue next to a dog" places him by a dog)
            self.skip.add(k)
            k += 1

    def _attribution(self, np: NounPhrase) -> bool:
        """'by Greg Rutkowski', 'for a children's book': who made the picture or what it is for,
        after the picture's words; no thing in it."""
        before = self.tokens[np.start - 1].low if np.start > 0 else ""
        unknown = np.noun is not None and np.noun not in priors.NOUNS and lexicon.category(np.noun) is None
        if before == "by" and unknown and np.head and all(t.text[:1].isupper() for t in np.head):
            return True  # a name, not "by the window"
        named = np.det is None and np.count is None and np.head and all(
            t.text[:1].isupper() for t in self.tokens[np.start:np.end] if t.is_word)
        after = self.tokens[np.end].low if np.end < len(self.tokens) else ""
        if named and (before in ("like", "meets", "ala", "à") or after == "meets" or self.tokens[np.start - 2:np.start] and [
                t.low for t in self.tokens[np.start - 2:np.start]] in (["style", "of"], ["inspired", "by"])):
            return True  # "painting style like Vermeer", "Edward Hopper meets Blade Runner": a maker's or a film's look
        framed = before == "for" and (np.det in lexicon.ARTICLES or np.det is None)
        previous = self.chunks[self.index - 2] if self.index >= 2 else None
        return framed and previous is not None and previous.kind in ("PICTURE", "NP") and (
            previous.np is None or (previous.np.noun or "").rsplit(" ", 1)[-1] in lexicon.FRAMES)

    def _part_worked_on(self, np: NounPhrase, link) -> bool:
        """'checks the chain on a white gravel bike', 'polishing its headlamp', 'kneeling by the front
        wheel': a part of a vehicle someone works at is the vehicle's, said in what they do; no thing of
        its own. 'spare wheels leaning on the wall' are things."""
        noun = np.noun or ""
        if noun not in _PARTS_WORKED_ON or np.count is not None or not link or link[0] not in ("VERB", "REL", "PREP") or (
                any(t.low in ("spare", "new", "old", "stack", "pile") for t in np.modifiers)):
            return False
        doers = self._living_in_group()
        vehicles = [i for i, m in enumerate(self.out.mentions) if m.category == priors.VEHICLE]
        nxt = self._next()
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        on_one = nxt is not None and nxt.kind == "REL" and self.tokens[nxt.start].low in ("on", "of") and (
            after is not None and after.np is not None and lexicon.category(after.np.noun or "") == priors.VEHICLE)
        sided = any(t.low in ("front", "rear", "back") for t in np.modifiers) and (
            bool(vehicles) or any(lexicon.category(t.low) == priors.VEHICLE for t in self.tokens[np.end:]))
        owned = np.det in ("its", "their") and bool(vehicles)
        if not doers or not (on_one or sided or owned) or link[0] != "VERB" and vehicles:
            return False  # ("a boy crouched behind the back wheel" of the car named before: by the car)
        said = self._text(self._link_start(np), np.end) if link[0] != "VERB" else self._words_of(np)
        for index in doers:
            actions = self.out.mentions[index].actions
            if link[0] == "VERB" and actions:
                actions[-1] = f"{actions[-1]} {said}"
            else:
                self.out.mentions[index].go_on_with_action(said, said)
        if on_one:
            self.skip.add(self.index + 1)  # the vehicle after it is what they work on
        return True

    def _on_a_side(self, np: NounPhrase, link) -> bool:
        """'a boy in the yellow team', 'a girl from the purple team': the team told by its colour is
        said of the one in it, in their caption; no team is drawn."""
        if np.noun not in ("team", "house", "side", "squad") or np.det not in ("the", "a", "an") or np.plural or not (
                any(t.low in lexicon.COLOURS for t in np.modifiers)) or not link or link[0] not in ("REL", "PREP") or np.start == 0 or (
                self.tokens[np.start - 1].low not in ("in", "from", "on")) or np.noun == "house" and np.det != "the":
            return False
        members = [self.last] if self.last is not None and self.out.mentions[self.last].is_person else [
            i for i in self.group if i is not None and self.out.mentions[i].is_person]
        for index in members:
            self.out.mentions[index].add_detail("", self._text(np.start - 1, np.end))
        return bool(members)

    def _ridden_inside(self, np: NounPhrase, link) -> bool:
        """'a man asleep on a commuter train', 'by the window of a morning train': a vehicle people ride
        inside, said as where they are, with no one placed beside or outside it."""
        noun = np.noun or ""
        if noun not in _RIDDEN_INSIDE and noun.rsplit(" ", 1)[-1] not in _RIDDEN_INSIDE or np.count is not None or np.plural:
            return False
        if not link or link[0] not in ("REL", "OF") or np.start == 0:
            return False
        if noun.split(" ", 1)[0] in _TOYS or any(t.low in _TOYS for t in np.modifiers):
            return False  # "a girl on a toy train", "a tiny wooden bus": a thing to draw
        said = self.tokens[np.start - 1].low
        if link[0] == "REL" and said not in ("on", "in", "aboard", "inside"):
            return False
        return bool(self._living_in_group()) or link[0] == "OF"

    def _zero(self, np: NounPhrase) -> None:
        """'zero cats': a negation."""
        self.negation_start = self.tokens[np.start].start
        self.out.negations.append(self._text(np.start + 1, np.end) if np.end - np.start > 1 else np.noun)
        self.negation_end = self.tokens[np.end - 1].end
        self._close_negation()

    def _named_thing(self, np: NounPhrase, link) -> bool:
        """Depictions, the picture's frame, places, and abstract or mass nouns: True when handled."""
        kind = link[0] if link else None
        if self._depicted(np, link) or self._frame(np, link):
            return True
        shown_in = np.noun == "window" and np.det is None and any(t.low in _SHOPS for t in np.modifiers) and (
            kind in (None, "SENT"))
        if shown_in and self._setting(np, link):
            return True  # "toy shop window at christmas, a rocking horse …": where the things are shown
        if self._part_worked_on(np, link):
            return True  # "checks the chain on a white gravel bike", "polishing its headlamp": the vehicle's own
        if self._on_a_side(np, link):
            return True  # "a boy in the yellow team", "a girl from the purple team": which side they are on
        if (np.noun or "").rsplit(" ", 1)[-1] in _HAPPENINGS and np.noun not in lexicon.COMPOUND_NOUNS and np.count is None and (
                not any(t.low in _HAPPENING_THINGS for t in self.tokens[np.end:np.end + 1])):
            self.last_role = "setting" if kind in ("REL", "PREP") else self.last_role
            return True  # "running a three-legged race", "after their race", "just the sack race:": what happens
        if np.noun in ("board", "deck") and np.det is None and not np.modifiers and not np.plural and np.start > 0 and (
                self.tokens[np.start - 1].low == "on") and kind in ("REL", "PREP"):
            return True  # "two rescuers on board", "officers on deck": aboard, no board to draw
        numbered = np.noun in ("gate", "platform") and np.det is None and np.end < len(self.tokens) and (
            any(c.isdigit() for c in self.tokens[np.end].text)) and len(self.tokens[np.end].text) <= 4
        if numbered and self._setting(np, link):
            return True  # "At gate 14 before an early flight", "on platform 9": where, by its number
        if self._ridden_inside(np, link) and self._setting(np, link):
            self.last_role = "subject"  # ("… on the night bus with a bag on his lap": what follows is his)
            return True  # "asleep on a late commuter train", "two kids on a bus": the scene is inside it
        pane = np.noun == "glass" and np.det == "the" and not np.modifiers and not np.plural and kind in ("REL", "PREP") and (
            self.tokens[np.start - 1].low in _AT_A_PANE) and not any(m.noun == "glass" for m in self.out.mentions)
        if pane:
            self.last_role = "setting"
            return True  # "three kids with their faces pressed to the glass": the tank's or the window's, no drinking glass
        building = np.noun in _BUILDINGS and np.det in ("a", "an") and kind in (None, "AND", "COMMA")
        counted = (np.count or 0) >= 2 and not np.vague and np.plural and not np.grouped  # "one sun, two clouds …"
        if (lexicon.is_setting(np.noun) or (len(np.head) == 1 and np.head[0].low in lexicon.SETTINGS)) and not (
                building or counted) and self._setting(np, link):
            return True  # but "an abandoned church with a crow on its bell tower": the church is drawn
        mass = kind == "VERB" and np.det is None and np.count is None and not np.plural and (
            np.noun in lexicon.MATERIALS or np.noun in lexicon.MASS_NOUNS)
        if np.end - np.start == 1 and self._capitalised(np) and self._someone_called(np):
            return False  # "Auntie Joy …, Joy in a pink cardigan", "2 carers, Joy in a purple tunic": no feeling
        if (np.noun in lexicon.ABSTRACT or mass or self._activity(np, link)) and kind not in ("WEAR", "DETAIL", "OF"):
            # "practicing his skills", "chopping wood": nothing to draw a box around
            if kind == "VERB":
                for index in self.verb_subjects:
                    self._extend_action(self.out.mentions[index], link[1], self._words_of(np))
            elif kind == "WITH" and isinstance(self.owner, int):
                for index in self.group or [self.owner]:
                    self.out.mentions[index].actions.append(f"having {self._words_of(np)}")
            return True
        return self._occasion(np, link)

    def _someone_called(self, np: NounPhrase) -> bool:
        """Whether a capitalised word alone is a name: one given before ('Auntie Joy …, Joy in …'), or,
        for a word that is also a feeling, one said mid-sentence before what its bearer wears or does."""
        if self._said_again(np) is not None:
            return True
        nxt = self._next()
        return np.noun in lexicon.ABSTRACT and np.det is None and np.start > 0 and (
            self.tokens[np.start - 1].low not in (".", "!", "?", ":", '"')) and nxt is not None and (
            nxt.kind in ("WEAR", "VERB", "WITH") or nxt.kind == "REL" and nxt.value == "inside")

    def _occasion(self, np: NounPhrase, link) -> bool:
        """'breakfast on a small table', 'a table set for dinner', 'a picnic on the grass': a meal or
        an event is when and why, not a thing to draw; its words stay in the global caption."""
        kind = link[0] if link else None
        noun = np.noun
        if kind in ("WEAR", "DETAIL", "OF") or np.count is not None or np.plural or noun is None:
            return False
        last = noun.rsplit(" ", 1)[-1]
        if noun in priors.NOUNS or lexicon.category(noun) is not None:
            return False
        # "runners at the end of a marathon", "nurses on a night shift": where they are is when
        when = kind == "REL" and link[1] in ("at", "on", "after", "before", "during", "from", "since", "through")
        return last in lexicon.OCCASIONS or when and (words.is_occasion(noun) or (
            words.compound_kind(noun) is None and words.is_occasion(last)))  # ("on a lunch break")

    def _activity(self, np: NounPhrase, link) -> bool:
        """'doing yoga', 'playing soccer', 'having a picnic', 'taking a nap': what the verb does, not
        a thing to draw: a noun with no size of its own bare after a verb, or an event noun after a
        light verb ('have', 'take', 'do', 'enjoy') with an article."""
        if not link or np.count is not None or np.plural or np.noun is None:
            return False
        having = link[0] == "WITH" and np.start > 0 and self.tokens[np.start - 1].low in ("having", "has", "have")
        if link[0] != "VERB" and not having:
            return False
        noun = np.noun
        if noun in _GESTURES:
            return True  # "making a peace sign"
        if noun in priors.NOUNS or lexicon.category(noun) is not None or lexicon.category(noun.rsplit(" ", 1)[-1]):
            return False
        if np.det is None:
            return not having and not self._held_without_article(np, link[1])
        event = noun.rsplit(" ", 1)[-1] in lexicon.EVENTS
        if having:
            return np.det in lexicon.ARTICLES and event
        light = words.verb_lemma(link[1].gerund.split()[0]) if link[1].gerund else None
        if np.det in lexicon.ARTICLES and light in _DOING_VERBS and noun == noun.rsplit(" ", 1)[-1]:
            return _no_thing_to_draw(noun, light)  # "running a race", "making a wish", "doing a kickflip"
        return np.det in lexicon.ARTICLES and light in _LIGHT_VERBS and event

    @staticmethod
    def _held_without_article(np: NounPhrase, verb) -> bool:
        """'he is holding fishing rod', 'carrying umbrella': a made thing in the hand said without its
        article, as learners of English often say it, is still a thing (but 'playing football' is a game)."""
        gerund = (getattr(verb, "gerund", "") or "").split(" ")[0]
        if not getattr(verb, "holds", False) or gerund == "playing" or np.noun is None:
            return False
        last = np.noun.rsplit(" ", 1)[-1]
        return (words.is_concrete(last) or words.compound_kind(np.noun) == "thing") and not (
            last in lexicon.MASS_NOUNS or last in lexicon.MATERIALS or last in lexicon.CLOTHING or last in lexicon.PARTS
            or lexicon.is_bodily(last) or last in lexicon.STYLE_WORDS or lexicon.is_setting(last) or last in lexicon.ABSTRACT)

    def _by_link(self, np: NounPhrase, link) -> None:
        kind = link[0] if link else None
        if kind == "OF" and self._counted_contents(np):
            return
        if kind == "DETAIL" and str(link[1]).split()[0] in _LOADED and self._counted_load(np, str(link[1])):
            return
        if kind in ("WEAR", "DETAIL", "OF"):
            self._detail(np, link[1] if kind != "OF" else "of")
            if kind != "OF":
                self.continuing = link[:2]
        elif kind == "WITH":
            self._with(np, link)
        elif kind in ("REL", "PREP", "VERB"):
            self._object(np, link)
            if kind == "VERB" and getattr(link[1], "holds", False):
                self.continuing = link[:2]  # "holding a halberd and a lantern": both held
        else:
            self._top_level(np, link)

    def _gapped_after_comma(self, np: NounPhrase) -> bool:
        """'the groom wears a velvet tux; the bride, a lace gown and a stole': someone opening a clause,
        a comma, then a garment; the verb of wearing said before is understood."""
        if self.index < 2 or np.noun not in lexicon.CLOTHING or self.tokens[self.chunks[self.index - 1].start].low != ",":
            return False
        who = self.chunks[self.index - 2]
        opens = self.index < 3 or self.chunks[self.index - 3].kind in ("SENT", "COMMA", "AND")
        return opens and who.kind == "NP" and who.np is not None and who.np.det in ("the", "his", "her", "their") and (
            lexicon.category(who.np.noun or "") == priors.PERSON)

    def _after_pronoun(self, np: NounPhrase) -> bool:
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        if previous is None or previous.kind != "NP" or previous.np is None:
            return False
        if previous.np.headless and (self.tokens[previous.end - 1].low in ("other", "one", "another") or (
                self.tokens[previous.end - 1].low in lexicon.MEMBER_ORDINALS)):
            return np.noun in lexicon.CLOTHING  # "one wears a jacket, the other a beanie", "the second a hat"
        if np.noun in lexicon.CLOTHING and lexicon.category(previous.np.noun or "") == priors.PERSON:
            return True  # "the groom wears a navy suit, the bride an ivory gown": the verb is understood
        return previous.np.pronoun in ("he", "she", "they", "it") and (
            np.noun in lexicon.CLOTHING or self.last_wear is None or self.last_wear[1] != "has")  # "he has a dog and she a cat"

    def _held_too(self, np: NounPhrase) -> bool:
        """'holding a halberd and a lantern', 'carrying a bucket and a spade': after 'and', one more
        thing small enough for the hands, said bare, is held too; what is placed or does something
        after its name ('… and a dog asleep by the door') is a new item of the scene."""
        nxt = self._next()
        if np.noun is None or np.headless or np.pronoun is not None or np.det not in ("a", "an", "his", "her", "their"):
            return False
        if lexicon.category(np.noun) in (priors.PERSON, priors.ANIMAL, priors.VEHICLE, priors.BUILDING):
            return False
        if np.noun in lexicon.CLOTHING or lexicon.is_setting(np.noun) or not words.is_concrete(np.noun.rsplit(" ", 1)[-1]):
            return False
        return priors.prior_for(np.noun).height <= _HOLDABLE_HEIGHT and (nxt is None or nxt.kind in ("SENT", "COMMA", "OF"))

    def _continues(self, kind: str, np: NounPhrase, conjunction: str) -> bool:
        """Whether a noun phrase after 'and', 'or' or a comma goes on with the list before it."""
        said = [t.low for t in self.tokens[np.start:np.end]]
        if kind == "WITH" and np.headless and (said[:2] in (["the", "other"], ["the", "last"]) or said[:1] in (
                ["one"], ["another"])):
            return False  # "one with a warhammer and the other with a longbow": the next member
        if kind in ("WEAR", "DETAIL"):
            nxt = self._next()
            if np.headless and nxt is not None and nxt.kind in ("PICTURE", "STYLE"):
                return False  # "…, dramatic rim lighting": the picture's look, not more clothes
            last = (np.noun or "").rsplit(" ", 1)[-1]
            worn = kind == "WEAR" and conjunction == "AND" and np.noun is not None and np.count is None and (
                lexicon.category(np.noun) in (None, priors.OBJECT)) and words.is_concrete(last) and (
                words.usual_kind(last) is None and words.compound_kind(np.noun) is None) and (
                priors.prior_for(np.noun).height <= _HOLDABLE_HEIGHT) and (
                nxt is None or nxt.kind in ("SENT", "COMMA", "AND"))  # "wearing a white coat and a stethoscope"
            return np.headless or np.noun in lexicon.CLOTHING or np.noun in lexicon.PARTS or worn
        if kind == "VERB":
            return conjunction == "AND" and self._held_too(np)
        if kind == "NEG":
            # "no cats, dogs or birds" goes on; "no people, morning light" and "no cars, just a road" do not.
            if conjunction == "OR":
                return True
            before = self.chunks[self.index - 1] if self.index > 0 else None
            if before is not None and before.kind == "FILLER" and before.value in ("just", "only"):
                return False  # "no teacher, just rows of desks"
            nxt = self._next()
            bare = np.det is None and np.count is None and np.noun not in lexicon.SETTINGS
            ends = conjunction == "AND" and (nxt is None or nxt.kind == "SENT")  # "avoid blur and text."
            return bare and (np.plural or ends or (nxt is not None and nxt.kind in ("COMMA", "OR")))
        if kind == "WITH" and conjunction == "COMMA" and np.det is None and np.count is None and (
                np.noun in lexicon.STYLE_WORDS or lexicon.is_setting(np.noun or "")):
            return False  # "with a clear umbrella, rain, reflections": the list ended, the look began
        if kind == "WITH" and conjunction == "COMMA" and self._new_tag_after_with(np):
            return False  # "dwarf with a braided red beard, frothy tankard, elf in green": the next tag
        nxt = self._next()
        dressed = nxt is not None and (nxt.kind == "WEAR" or nxt.kind == "REL" and nxt.value == "inside" and (
            lexicon.category(np.noun or "") == priors.PERSON))  # ("…, an elf in green playing a lute")
        if kind == "WITH" and (np.det in ("a", "an") or conjunction == "COMMA") and dressed and (
                lexicon.category(np.noun or "") in (None, priors.PERSON, priors.ANIMAL)):
            return False  # "a woman with red skin, and a little kobold wearing a helmet": one who wears is no detail
        return kind == "WITH"

    def _new_tag_after_with(self, np: NounPhrase) -> bool:
        """Whether a bare thing after a comma begins the next tag of a list rather than going on with
        the 'with' before it: after a part of the body or a garment said with its article, a thing
        said without one, itself neither worn nor a part."""
        before = self.chunks[self.index - 2] if self.index >= 2 else None
        if np.det is not None or np.count is not None or np.noun is None or before is None or before.np is None:
            return False
        last, had = np.noun.rsplit(" ", 1)[-1], (before.np.noun or "").rsplit(" ", 1)[-1]
        if lexicon.category(np.noun) == priors.PERSON and not np.plural and self._next_kind() in (
                "WITH", "WEAR", "VERB", "REL", "COMMA", None):
            return True  # "netrunner woman with a green undercut, huge bodyguard with a chrome arm": the next one
        if before.np.det not in ("a", "an") or not (had in lexicon.CLOTHING or had in lexicon.PARTS or (
                lexicon.is_bodily(had))):
            return False
        if np.noun in lexicon.CLOTHING or np.noun in lexicon.PARTS or last in lexicon.CLOTHING or lexicon.is_bodily(last):
            return False
        return words.may_be_concrete(last) or np.noun in priors.NOUNS

    def _wearer(self) -> int | None:
        """Who a piece of clothing belongs to: the owner if it can wear it, else the nearest person."""
        mentions = self.out.mentions
        if isinstance(self.owner, int) and mentions[self.owner].category in (priors.PERSON, priors.ANIMAL):
            return self.owner
        if (isinstance(self.owner, int) and mentions[self.owner].category is None and self.index >= 2
                and self.chunks[self.index - 2].kind == "NP" and self.chunks[self.index - 2].np is not None
                and self.chunks[self.index - 2].np.noun == mentions[self.owner].noun):
            return self.owner  # "a halfling in a mustard waistcoat": whoever is named right before wears it
        for index in reversed(self.group):
            if mentions[index].is_person:
                return index
        return self.owner if isinstance(self.owner, int) else self.last

    def _words_of(self, np: NounPhrase) -> str:
        return self._text(np.start, np.end)

    def _owner_of_intangible(self, np: NounPhrase) -> None:
        """'listening to a little girl's heartbeat': what someone has that cannot be drawn apart
        (no size, no part, no garment) leaves the one who has it as the thing."""
        noun = np.noun
        if noun is None or noun in priors.NOUNS or lexicon.category(noun) is not None or noun in lexicon.PARTS or (
                noun in lexicon.CLOTHING) or lexicon.is_setting(noun) or noun in lexicon.STYLE_WORDS or (
                noun.rsplit(" ", 1)[-1] in lexicon.EVENTS):
            return
        for token in np.modifiers:
            base = singular(token.low[:-2])[0] if token.low.endswith("'s") else None
            if base is not None and lexicon.category(base) in (priors.PERSON, priors.ANIMAL):
                self._name_the_possessor(np, token, base)
                return

    def _name_the_possessor(self, np: NounPhrase, token: Token, base: str) -> None:
        """Make the phrase name the one whose possessive `token` is ('a little girl's heartbeat' -> the girl)."""
        owner = _owner_token(token)
        np.noun, np.plural, np.head = base, False, [owner]
        np.modifiers = np.modifiers[:np.modifiers.index(token)]
        np.end = self.tokens.index(token) + 1

    def _arranged(self, link) -> bool:
        """'a pyramid of oranges', 'a tower of blocks': the things, in the shape the words give."""
        i = self.index
        if i + 2 >= len(self.chunks) or self.chunks[i + 1].kind != "OF" or self.chunks[i + 2].kind != "NP":
            return False
        inner = self.chunks[i + 2].np
        if inner is None or inner.noun is None or not inner.plural or inner.det is not None:
            return False
        self.skip.update({i + 1, i + 2})
        self.index = i + 2
        self._on_np_as(inner, link)
        return True

    def _partitive(self, np: NounPhrase) -> None:
        """'a slice of pizza' is a pizza (named so), whose caption says 'a slice of pizza'."""
        i = self.index
        if i + 2 < len(self.chunks) and self.chunks[i + 1].kind == "OF" and self.chunks[i + 2].kind == "NP":
            inner = self.chunks[i + 2].np
            if inner is not None and np.noun in lexicon.PARTS and inner.det is not None:
                return  # "the head of a statue" is the statue's head, "a head of lettuce" is lettuce
            if np.noun in lexicon.CUT_STEMS and inner is not None and not inner.det and inner.count is None:
                # "a sprig of lavender on top": the sprig is the thing, captioned with its plant
                self.partitive = (np.noun, self._words_of(inner))
                self.skip.update({i + 1, i + 2})
                return
            if inner is not None and inner.noun is not None:
                self.partitive = (np.noun, self._words_of(inner))
                np.noun = inner.noun
                self.skip.update({i + 1, i + 2})

    def _negated(self, np: NounPhrase, link) -> None:
        # A list goes on after "no cats, dogs or birds"; "and" with a new determiner ends it.
        if len(link) > 2 and link[2] == "AND" and (np.det or np.count):
            self._close_negation()
            self._on_np_as(np, None)
            return
        start = np.start + 1 if (np.det in ("any", "a", "an") or np.det in lexicon.POSSESSIVES) and np.end - np.start > 1 else np.start
        if np.headless and all(t.low in lexicon.FILLER for t in self.tokens[np.start:np.end]):
            return  # "not crowded, just two surfers": no thing to leave out
        if getattr(self, "retracting", False) and np.pronoun in ("him", "her", "them", "it"):
            # "There's a therapy dog, Biscuit, … but leave her out": the one named last, never the scene's
            # first subject that the words led up to
            kinds = (priors.PERSON, priors.ANIMAL) if np.pronoun != "it" else (None, priors.ANIMAL)
            referent = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].count > 0
                             and self.out.mentions[i].category in kinds), None)
            if referent is not None and referent > 0:
                self._retract(self.out.mentions[referent].noun)
            return
        if getattr(self, "retracting", False) or self._named_then_refused(np):
            self._retract(np.noun)
        elif (refused := self._drawn_one_refused(np)) is not None:
            self._retract(refused)  # "… and a dog. Please don't draw the dog."
        self.out.negations.append(self._text(start, np.end))  # "without any people" -> "people", "its leash" -> "leash"
        self.negation_end = self.tokens[np.end - 1].end
        self.continuing = ("NEG", None)
        self._negation_tail(np.end)

    def _drawn_one_refused(self, np: NounPhrase) -> str | None:
        """'Please don't draw the dog', 'Do not draw Alfie himself': a refusal to draw one named before,
        pointed at with 'the', an owner's word or by name, takes it back; the noun of what it names."""
        if self.index < 1 or np.count is not None:
            return None
        said = [t.low for t in self.tokens[self.chunks[self.index - 1].start:self.chunks[self.index - 1].end]]
        if not set(said) & {"draw", "include", "show", "paint", "put", "add", "nor"}:
            return None  # ("no hat", "without a lid": not a refusal of one named)
        token = self.tokens[np.start]
        named = np.det is None and token.text[:1].isupper() and token.text[1:].islower()
        if np.det not in ("the", "my", "our", "his", "her", "their") and not named:
            return None
        for mention in reversed(self.out.mentions):
            if mention.count > 0 and (mention.noun == np.noun or named and token.text in mention.head.split()
                                      or named and any(token.text in words for _, words in mention.details)):
                return mention.noun
        return None

    def _named_then_refused(self, np: NounPhrase) -> bool:
        """'his sister wants a unicorn in there too, but … no unicorn this time': a bare 'no' of a thing
        named in an earlier clause takes it back (but 'no other kids', 'a man with no hat')."""
        if np.noun is None or np.det is not None or np.count is not None or self.index < 1:
            return False
        negation = self.chunks[self.index - 1]
        no = negation.end - 1
        if self.tokens[no].low != "no" or any(t.low in ("other", "more", "else", "extra") for t in np.modifiers):
            return False
        opens = no == 0 or self.tokens[no - 1].low in (",", ".", ";", ":", "!", "so", "but", "then", "actually", "hmm",
                                                         "hm", "oh", "wait", "ok", "okay", "nah", "um", "uh")
        plural = np.plural and self.tokens[np.end - 1].low != np.noun  # ("no reindeer": one, or many)
        return opens and any(m.noun == np.noun and m.count > (1 if plural else 0) for m in self.out.mentions)

    def _retract(self, noun: str | None) -> None:
        """'… with tin cans tied to the bumper — no wait, skip the cans': the things named before are
        taken back, and what they did to others with them."""
        taken = {i for i, m in enumerate(self.out.mentions) if noun is not None and m.noun == noun}
        taken |= self._only_their_places(taken)
        for i in taken:
            self.out.mentions[i].count = 0
        for mention in self.out.mentions:  # "a convertible with tin cans": its caption loses them too
            kept = [k for k, said in enumerate(mention.detail_nouns) if said != noun]
            mention.details = [mention.details[k] for k in kept]
            mention.detail_nouns = [mention.detail_nouns[k] for k in kept]
        self.out.relations[:] = [r for r in self.out.relations if r.subject not in taken and r.object not in taken]

    def _only_their_places(self, taken: set[int]) -> set[int]:
        """'maybe a raven perched on a beam behind him? … skip the raven': a thing named right after a
        taken-back one, as where it was and nothing else, goes with it."""
        places = set()
        for relation in self.out.relations:
            held = relation.object
            if relation.subject in taken and held is not None and held == relation.subject + 1 and not any(
                    held in (other.subject, other.object) for other in self.out.relations
                    if other.subject not in taken):
                places.add(held)
        return places

    def _negation_tail(self, token: int) -> None:
        """'no people around', 'no cars in sight': the words that finish a negation go with it."""
        following = [t.low for t in self.tokens[token:token + 4]]
        for tail in lexicon.NEGATION_TAILS:
            words = tail.split()
            if following[:len(words)] == words:
                end = token + len(words)
                self.negation_end = self.tokens[end - 1].end
                self.skip.update(i for i, c in enumerate(self.chunks) if token <= c.start and c.end <= end)
                return

    def _on_np_as(self, np: NounPhrase, link) -> None:
        self.link = link
        self._on_np(Chunk("NP", np.start, np.end, np=np))

    def _someone_unnamed(self, np: NounPhrase) -> bool:
        """'She wears a yellow raincoat …' as the whole prompt's first words: someone nobody named, who is
        dressed or posed, is drawn as a woman (or a man)."""
        nxt = self._next()
        return np.pronoun in ("she", "he") and self.index == 0 and not self.out.mentions and nxt is not None and (
            nxt.kind in ("WEAR", "POSE"))

    def _pronoun(self, np: NounPhrase, link) -> None:
        if np.pronoun == "each other":
            return
        nxt = self._next()
        if np.pronoun == "one" and nxt is not None and nxt.kind in ("REL", "WITH", "WEAR", "VERB", "POSE") and (
                self._one_of_a_pair() or self._distribute([])):
            return  # "two corgis, one wearing a bandana": a member of the plural
        referent = self._referent(np.pronoun)
        if referent is None:
            referent = self._possessor_in_person(np)
        if referent is None and self._someone_unnamed(np):
            np.noun = _GENDERED[np.pronoun]  # "She pairs a yellow raincoat with red wellies": a woman
            self._new_mention(np, role="subject")
            self.owner, self.group, self.sentence_subjects = self.last, [self.last], [*self.sentence_subjects, self.last]
            return
        if referent is None:
            return
        kind = link[0] if link else None
        if kind == "REL" and self._fronted_pronoun():
            # "…, and next to him a magician in a black cape": the place comes first, its subject after
            found = self._resolve(np.pronoun)
            self.fronted.append((link[1], found if found is not None else referent))
            self.group, self.last_role = [], None
            return
        if np.pronoun in ("he", "she", "they", "we", "i") and link and len(link) > 2:
            kind = link[2]  # "he's got a hat and she's wearing boots": a new subject ends his list
            self.continuing = None
        if kind == "REL" and self.last is not None and self.last not in self.group and self.group:
            # "a table with a vase on it": the vase is on the table; "a woman at a piano with a cat on
            # top of it": on the piano, the thing "it" can mean
            prefer = self.group
            if (isinstance(self.with_owner, int) and self.last is not None and self.with_owner != self.last
                    and self.last >= self.with_start
                    and self.with_direct):
                prefer = [self.with_owner]  # "a coffee table with two mugs on it": the table
            target = self._resolve(np.pronoun, exclude=[self.last], prefer=prefer)
            target = target if target is not None else self.group[0]
            placed = [self.last]
            if prefer == [self.with_owner] and target == self.with_owner and link[1] in ("on", "inside"):
                # "a desk with a laptop, a desk lamp and a succulent on it": all of them are on it
                placed = [i for i in range(self.with_start, len(self.out.mentions))
                          if i != target and self.out.mentions[i].parent is None
                          and not self.out.mentions[i].is_person and self.out.mentions[i].category != priors.ANIMAL]
                self.out.relations[:] = [r for r in self.out.relations if not (
                    r.kind == "next to" and {r.subject, r.object} & set(placed) and target in (r.subject, r.object))]
            self._relate(placed or [self.last], link[1], target)
        elif kind == "REL" and self.group:
            if link[1] in _BESIDE and np.pronoun in ("it", "them"):
                # "a taxi at a traffic light, a cyclist beside it": the earlier subject, not its object
                earlier = [i for i in reversed(self.sentence_subjects) if i not in self.group]
                found = self._resolve(np.pronoun, exclude=self.group, prefer=earlier)
                referent = found if found is not None else referent
            if referent in self.group and len(self.group) > 1 and referent == self.group[-1] and np.pronoun in ("it", "them"):
                # "an armchair and a blanket on it", "four cones and a barrier behind them": the last
                # one named is placed by what was named before it
                before = [i for i in self.group[:-1] if self.out.mentions[i].count > 0]
                if before:
                    self._relate([self.group[-1]], link[1], before[-1] if np.pronoun == "it" else before[0])
                    return
            named = [i for i in self.sentence_subjects if i not in self.group and self.out.mentions[i].count == 1
                     and self.out.mentions[i].parent is None]
            if np.pronoun == "them" and referent in named and len(named) >= 2 and self.out.mentions[referent].count == 1:
                for each in named:  # "a mother …, a father …, and a donkey behind them": behind both
                    self._relate(self.group, link[1], each)
                return
            self._relate(self.group, link[1], referent)
        elif kind in (None, "AND", "COMMA", "THERE"):
            # a pronoun as the subject: anyone earlier, the clause's own subjects included ("a boy and
            # a girl build a sandcastle; she has a bucket")
            found = self._resolve(np.pronoun, prefer=self.group)
            referent = found if found is not None else referent
            gendered = _GENDERED.get(np.pronoun)
            source = self.out.mentions[referent] if referent is not None else None
            if gendered and source is not None and source.is_person and source.count > 1 and source.noun in (
                    "person", "people", "couple"):
                # "a young couple …, she in a red coat and he in a grey coat": one of the two, named so
                self._split(referent, [])
                referent = len(self.out.mentions) - 1
                self.out.mentions[referent].noun = self.out.mentions[referent].head = gendered
            elif gendered and source is not None and source.noun == "person" and source.count == 1 and any(
                    m.parent == referent for m in self.out.mentions):
                source.noun = source.head = gendered  # "… and he in a grey coat": the other of the two
            together = self._named_together() if np.pronoun == "they" and (source is None or source.count < 2) else []
            if len(together) > 1:
                # "grandma … and grandpa …, they sit together on a bench": all of them
                self.group, self.owner, self.last, self.last_role = together, together[-1], together[-1], "subject"
                return
            self.group, self.owner, self.last, self.last_role = [referent], referent, referent, "subject"
            if referent is not None and referent not in self.sentence_subjects:
                self.sentence_subjects.append(referent)  # "He: yellow oilskins, a navy jumper": his, all of it

    def _named_together(self) -> list[int]:
        """The people (or else the animals) named one by one so far, whom 'they' means when no
        plural was named."""
        mentions = self.out.mentions
        for kind in (priors.PERSON, priors.ANIMAL):
            named = [i for i, m in enumerate(mentions) if m.category == kind and m.count == 1 and m.parent is None]
            if named:
                return named
        return []

    def _fronted_pronoun(self) -> bool:
        """Whether 'next to him' opens its clause and a thing follows ('and next to him a magician')."""
        back = 3 if self.index >= 3 and self.chunks[self.index - 2].kind in ("FILLER", "ZONE") else 2
        # ("Directly beneath it, …", "and upstage behind her a king")
        before = self.chunks[self.index - back] if self.index >= back else None
        k = self.index + 1
        while k < len(self.chunks) and k <= self.index + 2 and self.chunks[k].kind in ("COMMA", "COPULA", "VERB"):
            k += 1  # "Next to him, a small girl …", "beside him is sitting a small dog", "Behind her stood a pony"
        if k + 1 < len(self.chunks) and self.chunks[k].kind == "ORDER" and self.chunks[k + 1].kind == "COMMA":
            k += 2  # "on it, left to right, a brass desk lamp, …"
        after = self.chunks[k] if k < len(self.chunks) else None
        opens = before is None or before.kind in ("AND", "COMMA", "SENT", "CLAUSE")
        return opens and after is not None and after.kind == "NP" and after.np is not None and not after.np.headless

    def _possessor_in_person(self, np: NounPhrase) -> int | None:
        """'pool party at my son's house, he's lying on an air mattress', "grandma's 80th birthday!
        she's sitting at a table": nobody else is there for "he" or "she" to be, so the one whose
        house or day it is is in the picture."""
        if np.pronoun not in ("he", "she") or self.out.mentions and any(m.is_person for m in self.out.mentions):
            return None
        for k in reversed(range(np.start)):
            token = self.tokens[k]
            base = singular(token.low[:-2])[0] if token.low.endswith("'s") and token.low[:-2].isalpha() else None
            if base is not None and lexicon.category(base) == priors.PERSON:
                owner = _owner_token(token)
                # (token indices, as every noun phrase has: "St. Bride's" once crashed on its offsets)
                return self._new_mention(NounPhrase(k, k + 1, head=[owner], noun=base), role="subject")
        return None

    def _referent(self, pronoun: str = "it") -> int | None:
        found = self._resolve(pronoun, exclude=self.group)
        if found is None and pronoun in ("him", "her", "he", "she") and self.last is not None:
            found = self._resolve(pronoun, exclude=[self.last])  # "a painter, and a lamp behind him": never the lamp
        return found if found is not None else self.last

    def _headless(self, np: NounPhrase, link) -> None:
        kind = link[0] if link else None
        words = [t.text for t in np.modifiers]
        if self._tagged_look(np, kind):
            return
        if self._more_of_the_same(np, link) or self._counted_of(np, link) or self._held_one_again(np, link):
            return
        if self._placed_on_another(np, link):
            return  # "a girl on a purple beanbag and a boy on an orange one": another beanbag
        wear = kind == "WEAR" or (kind == "REL" and link[1] == "inside")
        # "… and a man in a red one" is a garment again; a bare "one" after a comma is a member ("two
        # men in suits, one with a hat")
        garment_again = wear and words and words[-1].lower() in ("one", "ones") and self._last_garment() is not None and (
            len(words) > 1 or np.det is not None or link[-1] != "COMMA")
        if not garment_again and self._members(np, words, kind):
            return  # but "a woman in a green helmet and a man in a red one": a red helmet
        target = self._wearer()
        if wear and words and target is not None and self.each and self.both and len(self.group) > 1:
            for index in self.group:  # "…, everybody in pink": each of them
                if self.out.mentions[index].is_person:
                    self.out.mentions[index].add_detail(link[1] if kind == "WEAR" else self._link_text(np), " ".join(words))
            return
        if wear and words and target is not None:
            # "a man in red", "dressed in blue"; "a man in a red scarf and a woman in a blue one": a scarf
            word = link[1] if kind == "WEAR" else self._link_text(np)
            said = " ".join(words)
            garment = self._last_garment() if words[-1].lower() in ("one", "ones") else None
            if garment is not None:
                said = " ".join([article(words[0]) if np.det in lexicon.ARTICLES else "", *words[:-1], garment]).strip()
            self.out.mentions[target].add_detail(word, said, garment)
            return
        if kind == "VERB" and words and target is not None:
            # "a car painted red": the words finish the verb
            actions = self.out.mentions[target].actions
            finished = f"{actions.pop()} {' '.join(words)}" if actions else " ".join(words)
            actions.append(finished)
            return
        if self.after_copula and self.group and words:
            singular_be = self.index >= 1 and self.tokens[self.chunks[self.index - 1].start].low in ("is", "was")
            said_of = [self.last] if singular_be and len(self.group) > 1 and self.last in self.group else self.group
            colours = lexicon.COLOURS | lexicon.COLOUR_SHADES
            for index in said_of:  # ("…, Pepper is black and the little one, Nugget, is brown": that one)
                mention = self.out.mentions[index]
                if index < self.sentence_start and any(w.lower() in colours for w in words):
                    # "a brown cat … Ah no sorry, the cat must be grey": its colour now, said again
                    mention.modifiers = [m for m in mention.modifiers if m.lower() not in colours]
                mention.modifiers.extend(words)
            self.after_copula = False
            return
        if np.count is None and np.det is None:
            return
        if not words and np.count and np.start + 1 < len(self.tokens) and (
                self.tokens[np.start + 1].low in lexicon.COLLECTIVES):
            people = NounPhrase(np.start, np.end, det=np.det, count=np.count, noun="person", plural=True)
            self._top_level(people, link)  # "a family of four": four people
            return
        if not words and np.det in lexicon.DEFINITE and np.count is None:
            return  # "picture this:": no thing waits for a head
        if not words and self.tokens[np.start].low in ("both", "each"):
            self._gather(each=True, both=self.tokens[np.start].low == "both")
            self.both = self.tokens[np.start].low == "both"  # "both with rackets", "both raising a glass": one each
            return
        if np.count == 1 and self._distribute(words):
            return
        if len(words) > 1 and words[-1].lower() == "one" and np.det in ("a", "an") and kind in (None, "COMMA", "AND") and (
                self._another_of_the_kind(np)):
            return
        self.ellipsis.append(np)  # "a red and a blue cup": the head comes later

    def _counted_of(self, np: NounPhrase, link) -> bool:
        """'two of her friends', 'three of the boys': that many of them; of a plural named before,
        those (no more of them). True when handled."""
        i = self.index
        if not np.count or np.count < 2 or np.modifiers or i + 2 >= len(self.chunks):
            return False
        of, inner = self.chunks[i + 1], self.chunks[i + 2].np
        if of.kind != "OF" or inner is None or inner.noun is None or not inner.plural or inner.count is not None or (
                inner.det not in ("the", "his", "her", "their", "my", "our", "your", "these", "those")):
            return False
        self.skip.update({i + 1, i + 2})
        earlier = [k for k, m in enumerate(self.out.mentions) if m.noun == inner.noun and m.count >= np.count]
        if earlier:
            self._touch(earlier[-1], "subject")
            self.group = [earlier[-1]]  # "four dogs …; two of the dogs sleep": what follows is said of them
            return True
        self.index = i + 2
        counted = NounPhrase(inner.start, inner.end, det=None, count=np.count, modifiers=inner.modifiers,
                             head=inner.head, noun=inner.noun, plural=True)
        self._on_np_as(counted, link)
        return True

    def _more_of_the_same(self, np: NounPhrase, link) -> bool:
        """'two black swans and eleven white ones', 'seven balloons …, and two more': a counted
        group of the kind just named, beside it rather than among it."""
        said = [t.low for t in np.modifiers]
        whole = [t.low for t in self.tokens[np.start:np.end]]
        if len(said) >= 2 and said[-1] == "one" and whole[0] == "one" and np.count in (None, 1):
            # "six glazed donuts and one pink sprinkled one": one more of them
            kind_of = self._last_plural()
            members = kind_of is not None and kind_of.parent is not None and self.out.mentions[kind_of.parent].count >= 1
            if kind_of is not None and not members:  # (but "12 cupcakes, 11 with …, one chocolate one": the 12th)
                return self._one_more(np, link, kind_of, None, np.modifiers[:-1], np.modifiers[-1:])
        if len(said) >= 2 and said[-1] == "one" and said[-2] in _ORDINALS and np.det in ("a", "an"):
            # "three kittens in a basket and a fourth one playing": one more of them, beside them
            kind_of = self._last_plural()
            if kind_of is None or kind_of.count >= _ORDINALS[said[-2]]:
                return False
            return self._one_more(np, link, kind_of, np.det, np.modifiers[:-1], np.modifiers[-1:])
        if len(whole) == 2 and whole[0] in ("a", "an") and whole[1] in _ORDINALS:
            # "two firefighters hold a ladder while a third climbs it": the next one of them
            kind_of = self._last_plural()
            if kind_of is None or kind_of.count + 1 != _ORDINALS[whole[1]]:
                kind_of = self._named_one_by_one(_ORDINALS[whole[1]] - 1)
            if kind_of is None:
                return False
            return self._one_more(np, link, kind_of, np.det, [], np.head)
        another = whole in (["another"], ["another", "one"]) and (
            self._next() is not None) and (
            self._next().kind in ("REL", "ZONE", "SIDE", "VERB", "POSE"))
        split = next((m for m in reversed(self.out.mentions[self.sentence_start:]) if m.parent is not None), None)
        member = split is not None and self.out.mentions[split.parent].count >= 1
        if another and member:
            return False  # "four graduates …, one holding a diploma and another holding roses": another of them
        if another:
            said, np.count = ["more"], 1  # "one cat on his lap and another at his feet": one more cat
        if not said or said[-1] not in ("ones", "more") or not np.count or (np.count < 2 and said[-1] == "ones"):
            return False
        kind_of = self._last_plural()
        placed = self.out.relations[-1] if self.out.relations else None
        if another and kind_of is None and placed is not None and placed.kind != "holding" and placed.object == self.last and (
                placed.subject != self.last) and self._next() is not None and self._next().kind == "REL":
            kind_of = self.out.mentions[placed.subject]  # "a skeleton left of the altar and another right of it"
        if said[-1] == "more" and kind_of is None and another and self._next().kind in ("VERB", "POSE"):
            # "one woman reading on a bed; another sitting on a chair": one more who does something, not a bed
            kind_of = next((m for m in reversed(self.out.mentions) if m.count >= 1 and m.parent is None
                            and m.category in (priors.PERSON, priors.ANIMAL)), None)
        if said[-1] == "more" and kind_of is None and another and self.last is not None and (
                self.out.mentions[self.last].count == 1):
            kind_of = self.out.mentions[self.last]  # "one goblin in the top left corner and another in the top right"
        if said[-1] == "more" and kind_of is None:
            # "exactly one pigeon on it and three more on the ground": with no plural before, more of the
            # thing just named
            kind_of = next((m for m in reversed(self.out.mentions) if m.count >= 1 and not m.is_person), None)
        if kind_of is None or (said[-1] == "ones" and np.count <= kind_of.count and len(said) == 1):
            return False
        same = NounPhrase(np.start, np.end, det=np.det, count=np.count, modifiers=np.modifiers[:-1],
                          head=np.modifiers[-1:], noun=kind_of.noun, plural=True)
        self._top_level(same, link)
        last = self.out.mentions[-1]
        last.head = kind_of.head
        return True

    def _named_one_by_one(self, so_far: int) -> Mention | None:
        """'one woman reading …; another sitting …; a third standing …': the one before 'a third', when
        exactly that many of its kind were named singly."""
        last = next((m for m in reversed(self.out.mentions) if m.count >= 1 and m.parent is None
                     and m.category in (priors.PERSON, priors.ANIMAL)), None)
        if last is None or sum(m.count for m in self.out.mentions if m.noun == last.noun and m.parent is None) != so_far:
            return None
        return last

    def _last_plural(self) -> Mention | None:
        return next((m for m in reversed(self.out.mentions) if m.count > 1), None)

    def _placed_on_another(self, np: NounPhrase, link) -> bool:
        """'a girl on a purple beanbag and a boy on an orange one': 'a … one' after the relation word
        said before in the sentence is one more of the thing that relation named, placed so."""
        said = [t.low for t in np.modifiers]
        if not link or link[0] != "REL" or link[1] == "inside" or np.det not in ("a", "an") or len(said) < 2 or (
                said[-1] != "one"):
            return False
        for k in range(self.index - 2, 0, -1):
            chunk = self.chunks[k]
            if chunk.kind == "SENT":
                return False
            thing = self.chunks[k + 1].np if chunk.kind == "REL" and chunk.value == link[1] else None
            if thing is not None and thing.noun is not None:
                kind_of = next((m for m in reversed(self.out.mentions) if m.noun == thing.noun), None)
                if kind_of is None or kind_of.is_person or kind_of.category == priors.ANIMAL:
                    return False
                one = NounPhrase(np.start, np.end, det=np.det, modifiers=np.modifiers[:-1], head=np.modifiers[-1:],
                                 noun=kind_of.noun)
                made = len(self.out.mentions)
                self._by_link(one, link)
                if len(self.out.mentions) > made:
                    self.out.mentions[made].head = kind_of.head  # "an orange beanbag", in its caption
                return True
        return False

    def _one_more(self, np: NounPhrase, link, kind_of: Mention, det: str | None, modifiers: list[Token],
                  head: list[Token]) -> bool:
        """One more of the kind named before ('a fourth one', 'a third'), beside them; True."""
        one = NounPhrase(np.start, np.end, det=det, count=1, modifiers=modifiers, head=head, noun=kind_of.noun)
        self._top_level(one, link)
        self.out.mentions[-1].head = kind_of.head
        return True

    def _last_garment(self) -> str | None:
        """The garment named last, which 'a blue one' means in 'a red scarf and … a blue one'."""
        for mention in reversed(self.out.mentions):
            noun = next((n for n in reversed(mention.detail_nouns) if n in lexicon.CLOTHING), None)
            if noun is not None:
                return noun
        return None

    def _split_by_sides(self, np: NounPhrase) -> bool:
        """'six chairs around the table, three on each side', 'four lamps, two at either end': how the
        things just counted are shared out between two sides, no more of them."""
        after = [t.low for t in self.tokens[np.end:np.end + 4]]
        sides = after[:1] in (["on"], ["at"]) and after[1:2] in (["each"], ["either"], ["both"]) and (
            after[2:3] in (["side"], ["end"], ["sides"], ["ends"])) or after[:2] == ["per", "side"]
        if not sides or not np.count or np.count < 2 or self.last is None:
            return False
        shared = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].count == 2 * np.count
                       and self.out.mentions[i].parent is None), None)
        if shared is None:
            return False
        for k in range(self.index + 1, len(self.chunks)):
            if self.chunks[k].kind in ("COMMA", "SENT", "AND"):
                break
            self.skip.add(k)
        self.last = shared
        return True

    def _members(self, np: NounPhrase, words: list[str], kind: str | None) -> bool:
        """'two cats, one black and one white', 'two women, one in a blouse', 'five teens, one of
        them in a cap', 'four kittens, two grey and two orange', 'a white one': members of the
        plural before, each described apart. True when handled."""
        first = self.tokens[np.start].low
        said = [t.low for t in self.tokens[np.start:np.end] if t.low != "one"]
        if not words and self._split_by_sides(np):
            return True
        if said in (["the", "former"], ["the", "latter"]) and self._former_or_latter(said[1]):
            return True
        if said in (["the", "other"], ["another"], ["the", "last"], ["the"]) or len(said) == 2 and said[0] == "the" and (
                said[1] in lexicon.MEMBER_ORDINALS):
            first = "one"  # "one with a beard and the other in a vest", "the first a knight, the second an elf"
        elif said[:2] == ["the", "other"] and words and self._distribute([w for w in words if w.lower() != "other"]):
            return True  # "one is black, the other ginger": the other of them, said to be ginger
        elif len(said) > 2 and said[0] == "the" and said[1] in lexicon.MEMBER_ORDINALS and np.noun is None and (
                self._distribute([w for w in words if w.lower() != said[1]])):
            return True  # "three puppies: the first black, the second white": that one, said to be black
        if words and np.count == 1 and first == "one" and self._distribute(words):
            return True
        nxt = self._next()
        ordinal = len(said) == 2 and said[0] == "the" and said[1] in lexicon.MEMBER_ORDINALS  # "the first in …"
        if ordinal and said[1] in _ORDINAL_PLACES:
            self._at_least(_ORDINAL_PLACES[said[1]])
        alone = (not words and np.count == 1) or [w.lower() for w in words] == ["one"] or ordinal or said == ["another"]
        if alone and first == "one" and nxt is not None and nxt.kind in ("REL", "WITH", "WEAR") and (
                self._one_of_a_pair()):
            return True
        if alone and first == "one" and nxt is not None and nxt.kind == "OF" and self._of_them():
            inner = self.chunks[self.index + 2].np
            named = [i for i, m in enumerate(self.out.mentions) if inner is not None and inner.noun is not None
                     and m.noun == inner.noun and (m.count > 1 or m.parent is not None)]
            if named:
                self.last = named[-1]  # "2 girls … and 3 boys …, one of the girls": a girl
            if not self._distribute([]):
                return False
            self.group = [self.last]  # what follows is said of that one alone
            return True
        if (alone and first == "one" and nxt is not None
                and nxt.kind in ("REL", "WITH", "WEAR", "VERB", "POSE", "ZONE") and self._distribute([])):
            if ordinal:
                self.group = [self.last]  # "…, the second in a red beanie, the third holding a lollipop": hers alone
            return True
        if alone and first == "one" and (self._named_member(nxt) or self._one_like_it_member(nxt)):
            return True
        if alone and first == "one" and nxt is not None and nxt.kind == "COPULA" and self._distribute([]):
            self.group = [self.last]  # "one is black", "one is a black kitten": what follows is that one
            return True
        if len(words) > 1 and words[-1].lower() in ("one", "ones") and kind not in ("WEAR", "VERB"):
            if np.det in ("a", "an") and self._one_of_another_colour(np, words[:-1]):
                return True
            if self._distribute(words[:-1]):
                return True
            if words[-1].lower() == "ones" and (np.count or 0) > 1 and self._more_of_the_one(np):
                return True  # "one black hen and eleven white ones": eleven hens more
        if words and np.det is None and (np.count or 0) > 1 and kind in (None, "COMMA", "AND"):
            return all(self._distribute(words) for _ in range(np.count))  # "two grey and two orange"
        if not words and np.det is None and (np.count or 0) > 1 and kind in ("COMMA", "AND") and nxt is not None and (
                nxt.kind in ("WITH", "WEAR", "REL", "VERB", "POSE")):
            return self._counted_member(np.count)  # "12 cupcakes …, 11 with pink frosting and one chocolate one"
        return False

    def _one_of_another_colour(self, np: NounPhrase, words: list[str]) -> bool:
        """'two black cats, a white one': one more of their kind, no member of those of another colour."""
        last = self._plural_before()
        colours = {w.lower() for w in words if w.lower() in lexicon.COLOURS}
        if last is None or not colours:
            return False
        named = self.out.mentions[last]
        if named.parent is not None:
            return False  # "two horses, a brown one and a white one": the members told apart
        theirs = {m.lower() for m in named.modifiers if m.lower() in lexicon.COLOURS}
        if not theirs or theirs & colours:
            return False
        self._more_of_kind(named, np, det=np.det, count=1)
        return True

    def _ordinal_member(self, np: NounPhrase) -> int | None:
        """'the third kid', 'the last puppy': the member at that place of the plural named so (there
        being at least that many), told apart from the rest; else None."""
        if np.noun is not None and np.noun.startswith("other ") and not np.plural:
            np.noun = np.noun[len("other "):]  # "a man asleep in the other chair": a chair, the other one
            places = ["other"]
        else:
            places = [t.low for t in np.modifiers if t.low in _ORDINAL_PLACES or t.low in ("first", "last")
                      or t.low in _SIDES_OF_A_ROW or t.low.endswith("est") and words.can_be(t.low, "ADJ")]
        bare = np.det is None and np.modifiers and np.modifiers[0].low in {*_ORDINAL_PLACES, "first"} and np.start > 0 and (
            self.tokens[np.start - 1].low in (",", "and", ";"))  # "one man in red, second man in grey"
        if np.det != "the" and not bare or np.plural or np.noun is None or len(places) != 1:
            return None
        plural = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].noun == np.noun
                       and self.out.mentions[i].parent is None and (self.out.mentions[i].count > 1 or any(
                           m.parent == i for m in self.out.mentions))), None)
        if plural is None:
            if places == ["other"]:
                np.det = "another"  # "a cup and the other cup": a second one
            return None
        source = self.out.mentions[plural]
        total = self._with_its_members(plural)
        many = _ORDINAL_PLACES.get(places[0], 1)
        if total < many:
            source.count += many - total
        if source.count < 1:
            return None
        self._split(plural, [t.text for t in np.modifiers  # ("at the nearest table": one of the four, nearest)
                             if t.low not in _ORDINAL_PLACES and t.low not in ("first", "last", "other")])
        return len(self.out.mentions) - 1

    def _at_least(self, many: int) -> None:
        """'two of the kittens are asleep and the third one is batting at a ball': a member counted past
        the plural named before means there are that many."""
        last = self._plural_before()
        if last is None:
            return
        parent = last if self.out.mentions[last].parent is None else self.out.mentions[last].parent
        source = self.out.mentions[parent]
        total = self._with_its_members(parent)
        if source.category in (priors.PERSON, priors.ANIMAL) and 2 <= total < many:
            source.count += many - total

    def _with_its_members(self, plural: int) -> int:
        """How many a plural stands for: those left in it and those told apart from it."""
        return self.out.mentions[plural].count + sum(m.count for m in self.out.mentions if m.parent == plural)

    def _former_or_latter(self, which: str) -> bool:
        """'a man and a woman …; the former in a sweater vest, the latter in a skirt': the first or the
        second of the last two named one by one, of whom what follows is said. True when handled."""
        named = [i for i, m in enumerate(self.out.mentions) if m.count == 1 and m.parent is None
                 and m.category in (priors.PERSON, priors.ANIMAL)]
        if len(named) < 2:
            return False
        pick = named[-2] if which == "former" else named[-1]
        self.group, self.owner, self.last, self.last_role = [pick], pick, pick, "subject"
        return True

    def _everyone(self, np: NounPhrase) -> bool:
        """'…, everyone in matching red pajamas', '… . All three in white blouses': what follows is said
        of every person named, or of as many as the number says. True when handled."""
        said = [t.low for t in self.tokens[np.start:np.end]]
        nxt = self._next()
        if nxt is None or nxt.kind not in ("REL", "WEAR", "WITH", "VERB", "POSE") or (
                nxt.kind == "REL" and nxt.value != "inside"):
            return False
        people = [i for i, m in enumerate(self.out.mentions) if m.is_person and m.count > 0]
        if said in (["everyone"], ["everybody"]):
            chosen = people
        elif (len(said) == 2 and said[0] == "all" or len(said) == 1 and np.start > 0 and self.tokens[np.start - 1].low == "all") and (
                np.count is not None and np.noun is None):
            total = sum(self.out.mentions[i].count for i in people)
            chosen = people if total == np.count else []  # "my mom, grandma and my daughter … all three in white"
        else:
            return False
        if len(chosen) < 2 and sum(self.out.mentions[i].count for i in chosen) < 2:
            return False
        self.everyone = {i: len(self.out.mentions[i].details) for i in chosen}
        self.group, self.owner, self.last, self.last_role = list(chosen), chosen[-1], chosen[-1], "subject"
        self.acted.difference_update(chosen)
        self.each = self.both = True  # what they wear, each of them; what they hold, one each
        self.dressed_alike = list(chosen)  # ("everyone in matching green sweaters": a sweater each)
        return True

    def _excepted_members(self, np: NounPhrase) -> bool:
        """'five motorcycles, all black except one bright orange one', '12 cookies … except for three
        plain ones': so many of the plural before, told apart from the rest, not more of them."""
        before = self.chunks[self.index - 1] if self.index > 0 else None
        if before is None or before.kind != "FILLER" or before.value != "except":
            return False
        said = [t.low for t in self.tokens[np.start:np.end]]
        everyone = self.everyone
        spared = [i for i in everyone if self.out.mentions[i].noun == np.noun]
        if spared:  # "everyone in red pajamas except dad": not him
            index = spared[-1]
            del self.out.mentions[index].details[everyone[index]:]
            del self.out.mentions[index].detail_nouns[everyone[index]:]
            self.group, self.owner, self.last, self.last_role = [index], index, index, "subject"
            return True
        if np.det in ("their", "his", "her", "its") and np.noun is not None and (
                np.noun in lexicon.PARTS or lexicon.is_bodily(np.noun) or np.noun in lexicon.CLOTHING):
            return True  # "twins, identical except for their hair": how they differ, told next
        last = self._plural_before()
        if last is None or not said or said[-1] not in ("one", "ones") and (
                np.noun is None or np.noun != self.out.mentions[last].noun):
            return False
        if not self._counted_member(np.count or 1):
            return False
        words = [t.text for t in np.modifiers if t.low not in ("one", "ones")]
        child = self.out.mentions[-1]
        recoloured = any(w.lower() in lexicon.COLOURS for w in words)
        kept = [m for m in child.modifiers if not (recoloured and m.lower() in lexicon.COLOURS)]
        child.modifiers = words + kept  # ("all black except one orange one": orange, not black)
        return True

    def _counted_member(self, count: int) -> bool:
        """So many of the plural before, described together ("11 with pink frosting"). True when handled."""
        last = self._plural_before()
        if last is None:
            return False
        parent = last if self.out.mentions[last].parent is None else self.out.mentions[last].parent
        source = self.out.mentions[parent]
        if source.count <= count:
            return False
        self._split(parent, [])
        child = self.out.mentions[-1]
        child.count, source.count = count, source.count - (count - 1)
        return True

    def _plural_named(self, noun: str | None, unparented: bool = False) -> int | None:
        """The last mention of `noun` that is more than one (and, if asked, no member of another)."""
        return next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].noun == noun
                     and self.out.mentions[i].count > 1 and not (unparented and self.out.mentions[i].parent is not None)),
                    None)

    def _per_each(self, np: NounPhrase, link) -> bool:
        """'3 desks in a row, 2 monitors per desk': so many for every one of a plural named before,
        not one more of it; 'a crow on each shoulder': one for each of a pair of the body. True when
        handled."""
        if link[0] == "REL" and np.det in ("each", "either", "both") and np.noun in _PAIRED_PARTS and self.last is not None:
            placed = self.out.mentions[self.last]
            if placed.count == 1 and placed.category != priors.PERSON:
                placed.count = 2
            placed.add_detail(link[1], self._words_of(np), None)
            return True
        if link[0] != "PREP" or link[1] != "per" or np.noun is None or np.plural or self.last is None:
            return False
        plural = self._plural_named(np.noun)
        if plural is None or plural == self.last:
            return False
        placed = self.out.mentions[self.last]
        placed.count = min(placed.count * self.out.mentions[plural].count, 24)
        self.out.relations.append(Relation(self.last, "on", plural))
        return True

    def _held_one_again(self, np: NounPhrase, link) -> bool:
        """'a girl holding a red balloon, a boy holding a blue one': "a … one" after a verb that holds
        is one more of what someone held before, held so."""
        words = [t.low for t in np.modifiers]
        if not link or link[0] != "VERB" or not getattr(link[1], "holds", False) or np.det not in ("a", "an") or (
                len(words) < 2 or words[-1] != "one"):
            return False
        holding = [r.object for r in self.out.relations if r.kind == "holding" and r.object is not None]
        if not holding or self.out.mentions[holding[-1]].count != 1:
            return False
        held = self.out.mentions[holding[-1]]
        again = NounPhrase(np.start, np.end, det=np.det, modifiers=np.modifiers[:-1], head=[], noun=held.noun)
        self._object(again, link)
        return True

    def _more_of_the_one(self, np: NounPhrase) -> bool:
        """'one black hen and eleven white ones': so many more of the one thing just named."""
        if self.last is None or self.out.mentions[self.last].count != 1 or self.out.mentions[self.last].noun in (
                lexicon.CLOTHING):
            return False
        named = self.out.mentions[self.last]
        self._more_of_kind(named, np, count=np.count, plural=True)
        return True

    def _another_of_the_kind(self, np: NounPhrase) -> bool:
        """'a big orange pumpkin, a smaller white one stacked on it': with no plural to split, "a …
        one" is one more of the thing just named."""
        if self.last is None:
            return False
        named = self.out.mentions[self.last]
        if named.count != 1 or named.noun in lexicon.CLOTHING or named.is_person:
            return False
        before = self.chunks[self.index - 2] if self.index >= 2 and self.chunks[self.index - 1].kind == "COMMA" else None
        if before is not None and before.kind == "ZONE" and self.index >= 3:
            before = self.chunks[self.index - 3]  # "Tent in the centre, a grey one"
        coloured = any(m.lower() in lexicon.COLOURS for m in named.modifiers)
        if before is not None and before.np is not None and before.np.noun == named.noun and not coloured and (
                self._next_kind() in ("COMMA", "SENT", "WITH", None)):
            named.modifiers.extend(t.text for t in np.modifiers if t.low != "one")  # "Tent in the centre, a grey one, …"
            return True
        self._more_of_kind(named, np, det=np.det, count=1)
        return True

    def _more_of_kind(self, named: Mention, np: NounPhrase, **said) -> None:
        """So many more of the thing just named, described by this phrase's words but its "one" or
        "ones" ('a smaller white one', 'eleven white ones'): a new mention with the named thing's name."""
        tokens = [t for t in np.modifiers if t.low not in ("one", "ones")]
        self._top_level(NounPhrase(np.start, np.end, modifiers=tokens, head=[], noun=named.noun, **said), None)
        self.out.mentions[-1].head = named.head

    def _one_of_a_pair(self) -> bool:
        """'a man and a woman walking a dog, one in a red hoodie, the other in a blue sundress': with
        no plural to split, 'one' and 'the other' are the people (or animals) named one by one."""
        last = self._plural_before()
        mentions = self.out.mentions
        splittable = last is not None and (mentions[last].count > 1 or mentions[last].parent is not None)
        if splittable and (mentions[last].is_person or not self._dressed_next()):
            return False  # "two corgis, one wearing …" splits; "feeding ducks, one in a raincoat" does not
        named = [i for i in self.sentence_subjects if mentions[i].count == 1
                 and mentions[i].category in (priors.PERSON, priors.ANIMAL) and mentions[i].parent is None]
        kind = mentions[named[0]].category if named else None
        named = [i for i in named if mentions[i].category == kind]
        if len(named) < 2 or self.pair_turn >= len(named):
            return False
        index = named[self.pair_turn]
        self.pair_turn += 1
        self.last, self.owner, self.group, self.last_role = index, index, [index], "subject"
        return True

    def _dressed_next(self) -> bool:
        """Whether what follows 'one' is clothing ('one in a green raincoat', 'one wearing a cap')."""
        nxt = self._next()
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if nxt is None:
            return False
        if nxt.kind == "WEAR":
            return True
        return (nxt.kind == "REL" and nxt.value == "inside" and after is not None and after.np is not None
                and lexicon.is_garment(after.np.noun))

    def _named_member(self, nxt: Chunk | None) -> bool:
        """'two dogs, one a black labrador and the other a spotted dalmatian': the member is what
        the next phrase names, of the plural's kind, not one more thing."""
        if nxt is None or nxt.kind != "NP" or nxt.np is None or nxt.np.det not in lexicon.ARTICLES:
            return False
        last = self._plural_before()
        if last is None or nxt.np.noun is None:
            return False
        kind = self.out.mentions[last].category
        named = lexicon.category(nxt.np.noun)
        if kind not in (priors.PERSON, priors.ANIMAL) or named not in (kind, None) or (
                named is None and nxt.np.noun in priors.NOUNS):
            return False  # a breed or a kind nobody sized ('a sleek siamese') is a member too
        own_name = kind == priors.PERSON and named == priors.PERSON and nxt.np.noun != self.out.mentions[last].noun
        words = [t.text for t in self.tokens[nxt.np.start:nxt.np.end] if t.low not in lexicon.ARTICLES]
        same_name = nxt.np.noun == self.out.mentions[last].noun  # "one a black kitten": black
        if not self._distribute([t.text for t in nxt.np.modifiers] if own_name or same_name else words):
            return False
        if own_name:
            # "3 adventurers, the first a knight, …": a person named by a role of their own is that
            # role (as "two hikers, a man … and a woman …" are a man and a woman); a breed stays a dog
            member = self.out.mentions[self.last]
            member.noun, member.head = nxt.np.noun, " ".join(t.text for t in nxt.np.head) or nxt.np.noun
        self.skip.add(self.index + 1)
        return True

    def _one_like_it_member(self, nxt: Chunk | None) -> bool:
        """'two kittens, one black and the other a grey one': the member is said to be 'a grey one'."""
        if nxt is None or nxt.kind != "NP" or nxt.np is None or nxt.np.noun is not None or (
                nxt.np.det not in ("a", "an")):
            return False
        said = [t.text for t in self.tokens[nxt.np.start:nxt.np.end] if t.low not in lexicon.ARTICLES]
        if len(said) < 2 or said[-1].lower() != "one" or not self._distribute(said[:-1]):
            return False
        self.skip.add(self.index + 1)
        return True

    def _of_them(self) -> bool:
        """'one of them', 'one of the boys': skips the 'of ...' and says whether it was there."""
        i = self.index
        inner = self.chunks[i + 2] if i + 2 < len(self.chunks) else None
        if inner is None or inner.kind != "NP" or inner.np is None:
            return False
        if inner.np.pronoun not in ("them", "those", "these", "us") and not inner.np.plural:
            return False
        self.skip.update({i + 1, i + 2})
        return True

    def _distribute(self, words: list[str]) -> bool:
        """'two cats, one black and one white': the plural splits into described members."""
        last = self._plural_before()
        if last is None:
            return False
        mention = self.out.mentions[last]
        parent = last if mention.parent is None else mention.parent
        if self.out.mentions[parent].count < (2 if parent == last else 1):
            return False
        self._split(parent, words)
        return True

    def _each_of_them(self, np: NounPhrase, link) -> bool:
        """'two bridesmaids …, each bridesmaid holding a candle': every one of a plural named
        before, not one more; 'two stools at every table': so many for each of them."""
        kind = link[0] if link else None
        if np.det == "each" and np.headless and kind in ("REL", "PREP") and self._each_of_those_named(link):
            return True
        if np.det not in ("each", "every") or np.count is not None or np.noun is None:
            return False
        plural = self._plural_named(np.noun)
        if plural is None:
            return False
        if kind in ("REL", "PREP") and self.last is not None and self.last != plural:
            placed = self.out.mentions[self.last]
            placed.count = min(placed.count * self.out.mentions[plural].count, 24)
            self.out.relations.append(Relation(self.last, link[1], plural, words=self.rel_words))
            return True
        self.group, self.owner, self.last, self.last_role = [plural], plural, plural, "subject"
        self._gather(each=True)
        return True

    def _each_of_those_named(self, link) -> bool:
        """'…, with a music stand in front of each of them': one placed thing for each of the people
        (or animals) named in the sentence before it. True when handled."""
        i = self.index
        if self.last is None:
            return False
        of_them = i + 2 < len(self.chunks) and self.chunks[i + 1].kind == "OF"
        if of_them:
            them = self.chunks[i + 2].np
            if them is None or them.pronoun not in ("them", "us", "those"):
                return False
        elif i + 1 < len(self.chunks) and self.chunks[i + 1].kind not in ("SENT", "COMMA"):
            return False  # "…, with a music stand in front of each": each of those named too
        placed = self.out.mentions[self.last]
        owners = [k for k in self.sentence_subjects if k != self.last
                  and self.out.mentions[k].category in (priors.PERSON, priors.ANIMAL)]
        # "a band of four musicians, a drummer, …": the members named stand for their group
        announcing = {a: first for a, first, _ in self.announced}
        owners = [k for k in owners if not (k in announcing and any(m >= announcing[k] for m in owners))]
        total = sum(self.out.mentions[k].count for k in owners)
        if placed.count != 1 or total < 2 or placed.category in (priors.PERSON, priors.ANIMAL):
            return False
        if of_them:
            self.skip.update({i + 1, i + 2})
        # one placed thing in front of each of them, not each of them in front of every one
        for n, k in enumerate(owners[:24]):
            index = self.last
            if n:
                self.out.mentions.append(dataclasses.replace(placed, details=list(placed.details),
                                                             detail_nouns=list(placed.detail_nouns)))
                index = len(self.out.mentions) - 1
            self.out.mentions[index].count = min(self.out.mentions[k].count, 24)
            self.out.relations.append(Relation(index, link[1], k, words=self.rel_words))
        return True

    def _one_named_of_them(self, np: NounPhrase) -> bool:
        """'two old women drinking tea, one woman in a red shawl and the other …': "one" and the
        plural's own noun name one of them, not one more."""
        if self.tokens[np.start].low != "one" or np.count != 1 or np.noun is None or np.modifiers:
            return False
        if np.start > 0 and self.tokens[np.start - 1].low in ("and", "plus") and self._next_kind() == "OF":
            return False  # "two glasses of water and one glass of red wine": one more, of its own
        last = self._plural_before()
        parent = None if last is None else last if self.out.mentions[last].parent is None else self.out.mentions[last].parent
        if parent is None or self.out.mentions[parent].noun != np.noun:
            # "Two cats on a low bookcase. One cat is black, …": the plural of that noun named before
            parent = self._plural_named(np.noun, unparented=True)
        if parent is None or self.out.mentions[parent].noun != np.noun or self.out.mentions[parent].count < 1:
            return False
        self._split(parent, [])
        return True

    def _other_named_of_them(self, np: NounPhrase) -> bool:
        """'two children, one child in red and the other child in blue' (or 'other child', as some
        write it): the plural's member not yet named, not one more."""
        said = [t.low for t in self.tokens[np.start:np.end]]
        if np.noun is None or np.count is not None or said[:2] != ["the", "other"] and said[:1] != ["other"]:
            return False
        parent = next((i for i in reversed(range(len(self.out.mentions))) if self.out.mentions[i].noun == np.noun
                       and self.out.mentions[i].parent is None and self.out.mentions[i].count >= 1
                       and any(m.parent == i for m in self.out.mentions)), None)
        if parent is None:
            return False
        self._split(parent, [])
        return True

    def _one_of_the_couple(self, np: NounPhrase) -> bool:
        """'A couple on a park bench. The woman wears …; the man …': "the" and a plain person word,
        after two people named only as people, is one of them. True when handled."""
        if np.det != "the" or np.count is not None or np.noun not in _GENDERED_PEOPLE or np.modifiers or any(
                m.noun == np.noun for m in self.out.mentions):
            return False
        people = next((i for i in reversed(range(len(self.out.mentions))) if (self.out.mentions[i].noun in (
            "person", "people") or self.out.mentions[i].noun in lexicon.GROUP_NOUNS or self._same_age(
                self.out.mentions[i], np.noun)) and not self._ages_differ(self.out.mentions[i], np.noun)
            and self.out.mentions[i].count >= 1
            and self.out.mentions[i].parent is None and (
            self.out.mentions[i].count > 1 or any(m.parent == i for m in self.out.mentions))), None)
        if people is None or people >= self.sentence_start:
            return False  # (in its own sentence the list after the couple names them: see _close_announcements)
        self._split(people, [])
        child = self.out.mentions[-1]
        child.noun = child.head = np.noun
        self.group = [len(self.out.mentions) - 1]
        return True

    @staticmethod
    def _same_age(plural: Mention, gendered: str) -> bool:
        """Whether 'the woman' or 'the boy' can be one of a plural of people named by role ('two
        hikers …. The woman wears …'): grown-ups of grown-ups, children of children."""
        if not plural.is_person or plural.noun in _GENDERED_PEOPLE:
            return False
        young = plural.noun in YOUNG_PEOPLE
        return young == (gendered in ("boy", "girl"))

    @staticmethod
    def _ages_differ(plural: Mention, gendered: str) -> bool:
        """'Three kids play tag. The man watches them.': a grown-up is no one of the children."""
        return plural.noun in YOUNG_PEOPLE and gendered not in ("boy", "girl")

    def _plural_before(self) -> int | None:
        """The plural that 'one' picks a member of: the last thing named, or, when that is one
        thing ('three women at a table, one in red'), the nearest plural of this sentence before it."""
        last = self.last if self.last is not None else (len(self.out.mentions) - 1 if self.out.mentions else None)
        if last is None:
            return None
        mentions = self.out.mentions

        def splittable(index: int) -> bool:
            mention = mentions[index]
            return mention.count >= 2 or mention.parent is not None or any(m.parent == index for m in mentions)

        dressed = self._dressed_next() and not mentions[last].is_person
        if splittable(last) and not dressed:
            return last
        for index in reversed(self.sentence_subjects):
            if index != last and splittable(index):
                return max((i for i, m in enumerate(mentions) if m.parent == index), default=index)
        # "three students at a table; one wears goggles": the people of the sentence before
        people = [i for i in reversed(range(len(mentions))) if splittable(i) and mentions[i].is_person and i != last]
        placed_next = self._next() is not None and self._next().kind == "ZONE"  # "; the one on the right wears …"
        if people and (self._dressed_next() or placed_next):
            index = people[0]
            return max((i for i, m in enumerate(mentions) if m.parent == index), default=index)
        return last

    def _member_by_name(self, np: NounPhrase) -> bool:
        """'our two cats Miso and Tofu. Miso is asleep on a cushion, Tofu …': a name given to one of a
        counted plural, said again, is that one (the chunker names its kind); said again later, the same."""
        token = self.tokens[np.start]
        if np.end - np.start != 1 or np.det is not None or np.count is not None or np.noun is None or (
                not token.text[:1].isupper()) or token.text.lower() == np.noun:
            return False
        index = self.members_named.get(token.text)
        if index is None:
            mentions = self.out.mentions
            plural = next((i for i, m in enumerate(mentions) if m.noun == np.noun and m.parent is None and m.count >= 1
                           and (m.count > 1 or any(c.parent == i for c in mentions))), None)
            if plural is None:
                return False
            self._split(plural, [])
            index = self.members_named[token.text] = len(mentions) - 1
        self.last = self.owner = index
        self.group, self.last_role = [index], "subject"
        nxt, said = self._next(), self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if nxt is not None and nxt.kind == "COPULA" and said is not None and said.np is not None and (
                said.np.det in ("a", "an")) and said.np.noun is not None and said.np.count is None:
            kind = said.np.noun
            if kind == np.noun or words.general_animal(kind) == np.noun or kind in lexicon.COATS:
                # "Miso is a fat orange tabby": what that one is like
                member = self.out.mentions[index]
                member.modifiers.extend(t.text for t in said.np.modifiers)
                if kind != np.noun:
                    member.modifiers.append(kind)
                self.skip.update({self.index + 1, self.index + 2})
        return True

    def _split(self, parent: int, words: list[str]) -> None:
        source = self.out.mentions[parent]
        source.count -= 1
        self.each = self.both = False  # "both in white jackets, one tasting a sauce": that one alone
        said = [t.low for t in self.tokens[self.chunks[self.index].start:self.chunks[self.index].end]]
        if source.uncounted and said[:2] in (["the", "other"], ["the", "last"]):
            source.count = 0  # "my grandkids …, one in red and the other in blue": two, all named
        child = Mention(source.noun, 1, source.category, source.head, modifiers=list(source.modifiers),
                        details=list(source.details), actions=list(source.actions), pose=source.pose,
                        zone=source.zone, parent=parent, detail_nouns=list(source.detail_nouns))
        if words and child.details and child.detail_nouns[-1] and self.continuing:
            # "wearing scarves, one red and one green": the words describe the last detail
            link, _ = child.details[-1]
            noun = child.detail_nouns[-1]
            child.details[-1] = (link, " ".join([article(words[0]), *words, noun]))
        else:
            recoloured = any(w.lower() in lexicon.COLOURS for w in words)  # "two black cats, one white": no black
            child.modifiers = words + [m for m in child.modifiers if not (recoloured and m.lower() in lexicon.COLOURS)]
        self.out.mentions.append(child)
        index = len(self.out.mentions) - 1
        self.last, self.owner, self.last_role = index, index, "subject"
        # "two men, one holding a cup, …": what follows a bare "one" is said of it alone (but "two women,
        # one pink, walking arm in arm": a member told by its look, and the rest, go on together)
        self.group = [g for g in self.group if g != parent or source.count > 0 and words] + [index]

    def _link_text(self, np: NounPhrase) -> str:
        # The preposition as written, just before the noun phrase.
        return self.tokens[np.start - 1].text if np.start > 0 else "in"

    def _depicted(self, np: NounPhrase, link) -> bool:
        """'a painting of a ship above the sofa', 'a boy holding a poster of a tiger': the carrier is
        the thing, what it shows is in its caption. At the very start, 'a painting of a ship' is the
        picture's medium, unless it hangs somewhere ('... on the wall')."""
        i = self.index
        if np.noun not in lexicon.DEPICTIONS or self.depicting or i + 2 >= len(self.chunks):
            return False
        of, inner = self.chunks[i + 1], self.chunks[i + 2]
        if of.kind != "OF" or inner.kind != "NP" or inner.np is None or inner.np.headless:
            return False
        if inner.np.pronoun in ("him", "her", "them", "us", "me") and np.noun in lexicon.FRAMES:
            return False  # "I want a birthday portrait of him": the picture itself (see _frame)
        after = self.chunks[i + 3] if i + 3 < len(self.chunks) else None
        hangs = after is not None and (
            after.kind == "VERB" and self.tokens[after.start].low in ("hangs", "hanging", "hung", "hang")
            or (after.kind in ("VERB", "REL") and after.value in ("on", "above") or after.kind == "VERB")
            and i + 4 < len(self.chunks) and self.chunks[i + 4].np is not None
            and self.chunks[i + 4].np.noun in lexicon.DISPLAY_SURFACES)
        opening = self.frame_open and not self.sentence_subjects and not self.out.mentions
        handled = any(t.low in _HANDLED_LOOKS for t in np.modifiers)  # "a framed photograph of": an object
        if opening and np.noun in lexicon.FRAMES and not hangs and not handled:
            return False
        self.skip.update({i + 1, i + 2})
        shown_end = inner.np.end
        if (after is not None and after.kind == "VERB" and self.tokens[after.start].low.endswith("ing")
                and i + 4 < len(self.chunks) and self.chunks[i + 4].kind == "NP"):
            self.skip.update({i + 3, i + 4})  # "a photograph of a grandmother holding a baby": all shown
            shown_end = self.chunks[i + 4].end
        self.depicting = True
        try:
            self._on_np_as(np, link)
        finally:
            self.depicting = False
        if self.last is not None and self.out.mentions[self.last].noun == np.noun:
            self.out.mentions[self.last].add_detail("of", self._text(inner.np.start, shown_end), None)
            self.chain_subject = None
            self.last_role = "object" if link and link[0] in ("REL", "VERB", "WITH") else "subject"
        return True

    def _frame(self, np: NounPhrase, link) -> bool:
        """'A photo of ...': the frame of the picture opens a sentence and is not a thing in it."""
        nxt = self._next()
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        of_someone = nxt is not None and nxt.kind == "OF" and after is not None and after.np is not None and (
            after.np.pronoun in ("him", "her", "them", "us", "me")) and not self._hangs_after()
        # ("I want a birthday portrait of him": the picture of someone named already)
        opening_of = nxt is not None and nxt.kind == "OF" and (self.frame_open and not self.sentence_subjects
                                                               or of_someone)
        after_want = self.index > 0 and self.chunks[self.index - 1].kind == "FILLER" and (
            self.chunks[self.index - 1].value == "request")
        if np.noun in _PICTURE_PURPOSES and after_want and not np.plural and nxt is not None and (
                nxt.kind == "RELATIVE" and after is not None and (after.kind == "THERE" or after.kind == "COPULA")):
            self.skip.add(self.index + 1)  # "I want a poster that shows a dog", "a banner which is bright: …"
            if after.kind == "THERE":
                self.skip.add(self.index + 2)
            self.link = ("FRAME", None)
            return True
        if np.noun in _PICTURE_PURPOSES - lexicon.FRAMES and opening_of and not np.plural and not self._hangs_after():
            self.link = ("FRAME", None)  # "(I'd love) a banner of our four characters …": the frame
            return True
        if np.noun not in lexicon.FRAMES or (self.depicting and np.noun in lexicon.DEPICTIONS) or np.plural:
            return False  # "a robot with orange panels", "photos on the wall": things
        if opening_of:
            self.link = ("FRAME", None)
            return True
        listed = bool(self.out.mentions) and link is not None and link[0] in ("AND", "COMMA", "VERB", "WITH", "REL") and (
            np.det in lexicon.ARTICLES or np.count is not None) and np.noun in ("photo", "photograph", "snapshot", "polaroid") and (
            all(t.is_word for t in self.tokens[np.start:np.end]))
        handled = any(t.low in _HANDLED_OBJECT_WORDS for t in np.modifiers)
        # ("a framed photo hanging above a desk": a thing; "a vintage film still" is the picture)
        if (np.noun in _PURE_FRAMES or (np.det is None and np.count is None)) and not listed and not handled:
            # (but "4 candles on the piano and a framed photograph between them": a photograph, a thing)
            self._framed_subject(np)
            return True  # "a photo", "digital illustration": style, not an object
        return False

    def _hangs_after(self) -> bool:
        """Whether 'a banner of …' is followed by where it hangs ('… hanging over the stage')."""
        k = self.index + 3
        return k < len(self.chunks) and self.chunks[k].kind in ("VERB", "REL") and (
            self.tokens[self.chunks[k].start].low in ("hanging", "hangs", "hung", "on", "above", "over"))

    def _framed_subject(self, np: NounPhrase) -> None:
        """'groom portrait: burgundy tux, …', 'dog photo': the one the picture is of, named before it."""
        if len(np.modifiers) != 1 or np.count is not None:
            return
        word = singular(np.modifiers[0].low)[0]
        if lexicon.category(word) in (priors.PERSON, priors.ANIMAL) and not lexicon.is_adjective(word):
            self._top_level(NounPhrase(np.start, np.end, modifiers=[], head=np.modifiers, noun=word), None)

    def _placed_in_picture(self) -> bool:
        """Whether the words after this phrase put it somewhere on the canvas ('on the right side of
        the picture', 'in the top-left corner')."""
        i = self.index
        nxt = self.chunks[i + 1] if i + 1 < len(self.chunks) else None
        if nxt is not None and nxt.kind == "ZONE":
            return True
        after = self.chunks[i + 2] if i + 2 < len(self.chunks) else None
        return (nxt is not None and nxt.kind == "REL" and nxt.value in _DIRECTIONS and after is not None
                and after.np is not None and after.np.noun in _CANVAS_WORDS)

    def _setting(self, np: NounPhrase, link) -> bool:
        kind = link[0] if link else None
        if kind in ("WEAR", "DETAIL") or kind == "OF" and not self._place_of_place():
            return False  # but "at the edge of the lake", "in the corner of the room": a place's place
        if np.noun in lexicon.LANDMARKS and kind in (None, "AND", "COMMA") and self._placed_in_picture():
            return False  # "a lake on the right side of the picture": a thing placed there
        if self._place_drawn_as_thing(np, link):
            return False
        prep = "with" if kind == "WITH" and self.owner != "setting" else ""  # "a glass of lemonade with ice"
        if kind in ("REL", "PREP", "VERB"):
            prep = self._text(self._link_start(np), np.start) if np.start > 0 else ""
        if np.noun not in lexicon.EMPTY_SETTINGS:
            self.out.settings.append((prep.strip(), self._words_of(np), np.noun in lexicon.TIMES))
        middle = prep.lower().split()[:3] in (["in", "the", "middle"], ["in", "the", "center"], ["in", "the", "centre"])
        if kind == "REL" and middle and self.last is not None and self.last_role in ("subject", "object") and (
                self.out.mentions[self.last].zone[0] is None):
            self._set_zone(self.last, ("center", None))  # "a birdbath in the middle of the lawn": the picture's middle
        if kind in (None, "AND", "COMMA", "THERE") or (kind == "WITH" and self.owner == "setting"):
            self.owner, self.group = "setting", []
        self.last_role = "setting"
        self.frame_open = False
        return True

    def _beside_someone_next(self) -> bool:
        """Whether the words next, past what the thing does, put it beside a person or an animal."""
        k = self.index + 1
        if k < len(self.chunks) and self.chunks[k].kind in ("VERB", "POSE"):
            k += 1
        if k + 1 >= len(self.chunks) or self.chunks[k].kind != "REL" or self.chunks[k].value not in (
                _BESIDE | {"left of", "right of", "in front of", "behind"}):
            return False
        other = self.chunks[k + 1].np
        return other is not None and lexicon.category(other.noun or "") in (priors.PERSON, priors.ANIMAL)

    def _place_drawn_as_thing(self, np: NounPhrase, link) -> bool:
        """A place with edges of its own is a thing where something stands beside it ('next to a
        little blue pond'), where it is put on the canvas ('at a bar on the right') or where a place
        has it ('a backyard with a kidney-shaped pool'); 'in the pond', 'on the dock' are settings."""
        kind, value = (link[0], link[1]) if link else (None, None)
        nxt = self._next()
        if kind in (None, "AND", "COMMA") and np.det in ("a", "an") and nxt is not None and nxt.kind == "REL" and (
                nxt.value in _BESIDE | {"left of", "right of"}) and self.out.mentions:
            return True  # "a house in the center, a garage to the left of the house": a building placed, a thing
        if np.noun not in lexicon.LANDMARKS and np.noun not in _BOUNDED_PLACES:
            return False
        if kind in (None, "AND", "COMMA", "SENT") and np.det in ("a", "an") and self._beside_someone_next():
            return True  # "a volcano erupting next to a little scientist": a thing someone stands by
        said = self._text(self._link_start(np), np.start).lower().split() if np.start > 0 else []
        if kind == "REL" and value in _BESIDE and said[:1] not in (["by"], ["near"]):
            return True  # but "ducks by the pond", "frogs near the pond": where they are
        if kind == "REL" and said[:1] in (["above"], ["below"], ["beneath"], ["under"]) and np.det in ("a", "an"):
            return True  # "a grey rain cloud above a green hill"; but "flying over a lake" is where
        if kind in (None, "AND", "COMMA") and np.det in ("a", "an") and np.modifiers and self.out.mentions:
            return True  # "…, a small river running down into a lake": one of the things listed
        made = any(t.low in lexicon.MATERIALS or t.low in lexicon.WOODS or t.low in lexicon.COLOURS for t in np.modifiers)
        if kind in (None, "AND", "COMMA") and np.det in ("a", "an") and made and np.noun in _BOUNDED_PLACES:
            return True  # "a wooden dock on a mountain lake": a made thing to draw, first though it comes
        if np.det in ("a", "an") and np.noun in lexicon.LANDMARKS and any(t.low in lexicon.MATERIALS for t in np.modifiers):
            return True  # "a table with a clay volcano on it", "a stone well": a model or a thing made of stuff
        if kind == "WITH" and self.owner == "setting" and np.det in ("a", "an"):
            return True
        if kind in (None, "SENT") and np.det in ("a", "an") and nxt is not None and nxt.kind == "WITH" and (
                np.noun in _BOUNDED_PLACES):
            return True  # "an aquarium with exactly 5 goldfish", "a pond with three ducks": what holds them
        return kind in ("REL", "PREP") and np.det in ("a", "an") and self._placed_in_picture()

    def _place_of_place(self) -> bool:
        """After 'of': whether what came before it was a place or a place's edge ('the edge of')."""
        if self.last_role == "setting":
            return True
        before = self.chunks[self.index - 2] if self.index >= 2 else None
        return before is not None and before.np is not None and before.np.noun in _PLACE_PARTS

    def _link_start(self, np: NounPhrase) -> int:
        chunk = self.chunks[self.index - 1] if self.index > 0 else None
        return chunk.start if chunk is not None and chunk.end == np.start else np.start

    def _detail(self, np: NounPhrase, word: str) -> None:
        # Clothes go to who can wear them; "covered in", "full of", "shaped like" describe the thing
        # just named ("a man flying a kite shaped like a dragon": the kite)
        target = self._wearer() if word.split()[0].lower() in _WEAR_WORDS else (
            self.last if self.last is not None else self.owner if isinstance(self.owner, int) else None)
        if word == "of":
            target = self.owner if isinstance(self.owner, int) else self.last
        if target is None:
            self._top_level(np, None)
            return
        for index in self._matching_wearers(np, word, target):
            self._attach(self.out.mentions[index], word, np)

    def _matching_wearers(self, np: NounPhrase, word: str, target: int) -> list[int]:
        """Who wears it: the wearer; or, said 'matching' or 'identical' after several people named one
        by one ('a mother and daughter in matching sundresses and hats'), each of them."""
        said = {t.low for t in self.tokens[np.start:np.end]}
        if word.split()[0].lower() not in _WEAR_WORDS and not word.startswith("in"):
            return [target]
        if self.dressed_alike and target in self.dressed_alike:
            return self.dressed_alike  # "… in matching sundresses and hats": the hats too
        if not said & {"matching", "identical"} or target not in self.group:
            return [target]
        return [i for i in self.group if self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL)] or [target]

    def _attach(self, owner: Mention, word: str, np: NounPhrase) -> None:
        details = owner.details
        # "two bowls of cherries": what each holds stays as said; "two men in red hats": a hat each
        words = self._words_of(np) if word == "of" else self._detail_words(np, owner)
        if details and details[-1][0] == word:
            details[-1] = (word, f"{details[-1][1]} and {words}")
            owner.detail_nouns[-1] = None
        else:
            owner.add_detail(word, words, np.noun)

    def _detail_words(self, np: NounPhrase, owner: Mention) -> str:
        # Under a plural owner each instance gets its own: "two men in red hats" -> "in a red hat"; so
        # do people dressed alike ("a father and son in matching plaid shirts").
        alike = any(self.out.mentions[i] is owner for i in self.dressed_alike)
        if ((owner.count > 1 or alike) and np.plural and np.count is None and np.noun not in lexicon.PLURALIA_TANTUM
                and np.head and np.head[-1].low not in lexicon.WORN_IN_PAIRS):
            modifiers = " ".join(t.text for t in np.modifiers)
            noun = np.noun
            first = (modifiers or noun).split()[0]
            return " ".join(p for p in (article(first), modifiers, noun) if p)
        return self._words_of(np)

    def _with(self, np: NounPhrase, link) -> None:
        is_list = len(link) > 2
        owner = self.with_owner if is_list else self.owner
        if self._filled_with(np, owner):
            return  # "holding a flask with green liquid": what the flask holds, in its caption
        noun = np.noun
        category = lexicon.category(noun)
        if owner is None and self.each and self.group and not is_list:
            owner = self.group[-1]  # "…. Each has a cup of coffee.": theirs, said in a sentence of its own
        if owner is None or owner == "setting":
            self._top_level(np, None, extend=is_list)
            self.continuing = ("WITH", link[1])
            return
        if (not is_list or link[2] == "COMMA" and self._dressed_next()) and self._first_name(np):
            self.continuing = None  # "… with a flower crown, Jonah in a tie-dye tank": someone new
            return  # "shaking hands with Jane": someone of her own
        right_after_each = self._right_after_each(both_too=True)  # "both with rackets"
        if self.each and right_after_each and not is_list and self.group and owner not in self.group:
            owner = self.group[-1]  # "a man and a woman at a table, each with a glass": theirs, not the table's
        mention = self.out.mentions[owner]
        nxt = self._next()
        if [t.low for t in self.tokens[np.end:np.end + 2]] == ["all", "over"]:
            # "with spaghetti all over his face": a mess on the owner (the person "his" means), in its caption
            if np.end + 2 < len(self.tokens) and self.tokens[np.end + 2].low in ("his", "her", "their"):
                person = self._resolve(_SUBJECT_FORMS[self.tokens[np.end + 2].low])
                mention = self.out.mentions[person] if person is not None else mention
            mention.add_detail(link[1], self._text(np.start, min(np.end + 4, len(self.tokens))), None)
            self.skip.update(i for i, c in enumerate(self.chunks) if np.end <= c.start < np.end + 4)
            return
        if self._worn_on_the_body(np, mention, nxt):
            return
        if is_list and link[2] == "COMMA" and nxt is not None and nxt.kind == "WITH":
            self._top_level(np, ("AND", None))  # "a bucket with a shovel, a basket with apples": a new item
            return
        if is_list and category in (priors.PERSON, priors.ANIMAL):
            nxt = self._next()
            own_clause = link[2] == "COMMA" and nxt is not None and nxt.kind in ("VERB", "POSE")
            self._top_level(np, None if own_clause else ("AND", None))  # "..., two kids throwing snowballs"
            return
        person = next((i for i in reversed(self.group) if self.out.mentions[i].is_person), None)
        doer = self._instrument_user(np) if not is_list else None
        if doer is not None and doer != owner:
            # "writing with a quill", "watching them with a fan": what the doer does it with, held
            owner, mention = doer, self.out.mentions[doer]
        elif (not mention.is_person and mention.category != priors.ANIMAL and person is not None
                and noun not in lexicon.PARTS and not self._placeable(mention, np)
                and self._holdable(self.out.mentions[person], np)):
            # "a fisherman sitting in a boat with a fishing rod": the rod is the fisherman's
            owner, mention = person, self.out.mentions[person]
        elif (mention.category in (priors.FURNITURE, priors.VEHICLE) and person is not None and noun in lexicon.CLOTHING
              and noun not in lexicon.WEARABLE_OBJECTS and noun not in _COVERS and mention.noun.rsplit(" ", 1)[-1] not in _HANGERS
              and not is_list):
            # "he stands behind the counter with a green apron": what he wears, never the counter's
            owner, mention = person, self.out.mentions[person]
        # "a sofa with three cushions": loose things counted on furniture are things, not its parts
        loose = (not is_list and mention.category == priors.FURNITURE and (np.count or 0) > 1 and noun in priors.NOUNS
                 and noun not in lexicon.CLOTHING)
        # "a lamp post with a bag of groceries", "a bed with a folded blanket", "a scooter with a helmet":
        # what nobody wears there is a thing of its own
        worn_things = lexicon.CLOTHING | lexicon.WEARABLE_OBJECTS
        loose = loose or (noun in _BAGS and not mention.is_person and mention.category != priors.ANIMAL) or (
            noun in worn_things and noun not in lexicon.PARTS and mention.category in (priors.FURNITURE, priors.VEHICLE)) or (
            noun in worn_things and noun not in lexicon.PARTS and not mention.is_person and mention.category != priors.ANIMAL
            and mention.noun.rsplit(" ", 1)[-1] in _HANGERS)  # "a coat rack with a denim jacket and a scarf"
        # "a ring box with two gold rings inside it", "posing with 3 lightsabers": counted things are things
        counted = (np.count or 0) > 1 and not np.vague and noun not in lexicon.PARTS and (
            not mention.is_person or noun not in lexicon.CLOTHING)
        part = noun in lexicon.PARTS and (noun not in lexicon.CREATURE_PARTS or mention.category == priors.ANIMAL) and (
            noun not in lexicon.HAIRDOS or mention.category in (priors.PERSON, priors.ANIMAL))
        carried = (noun in _CARRIED or noun == "bag" and any(t.low in _CARRIED_BAGS for t in np.modifiers)) and (
            mention.is_person) or self._in_hand_next() and noun not in lexicon.PARTS  # "with a hose in his hand": held
        # (but "with her head in her hands": her own)
        wearable = not loose and not carried and (noun in lexicon.CLOTHING or part or noun in lexicon.WEARABLE_OBJECTS)
        if wearable and (mention.is_person or mention.category == priors.ANIMAL or part):
            self._attach(mention, link[1], np)
        elif not counted and (not loose and not carried and (part or noun in lexicon.CLOTHING or self._bare_feature(np)) or (
                category is None and not self._holdable(mention, np) and not self._placeable(mention, np)
                and not self._listed_among_things(np, owner, is_list) and not self._on_both_sides_next()
                and not self._made_thing_on(mention, np) and not self._parked_next(np))):
            self._attach(mention, link[1], np)
        else:
            each = mention.category in (priors.PERSON, priors.ANIMAL, priors.FURNITURE, priors.VEHICLE)
            one_each = np.plural and np.count is None and np.det is None and not is_list
            if one_each and mention.count > 1 and each:
                np.count = mention.count  # "two armchairs with plaid blankets": one each
            holders = sum(self.out.mentions[i].count for i in self.group) if (
                self.each and right_after_each and owner in self.group) else mention.count  # "a man and a woman at a table, each with a glass of wine": one for each of them
            if one_each and self.each and holders > 1:
                np.count = holders  # "two boys, both with skateboards": one each, not two each
            elif self.each and holders > 1 and not is_list and (np.count or not np.plural) and np.det != "the":
                # (but "…, each holding a megaphone, with the mascot": one mascot)
                np.count = (np.count or 1) * holders  # "three children, each with a balloon"; "… with two"
            elif mention.count > 1 and not is_list and (np.count or not np.plural) and self._on_each(np):
                np.count = (np.count or 1) * mention.count  # "2 sofas with 4 cushions on each", "a lamp on each"
            same = [i for i, m in enumerate(self.out.mentions) if np.det == "the" and m.count == 1
                    and (m.noun == noun or m.noun in _SAME_PERSON.get(noun, ()))
                    and m.parent is None and i != owner]  # "has the toddler up on his shoulders": the one named
            held = same[0] if len(same) == 1 else self._new_mention(np, role="object")
            prior = priors.prior_for(noun)
            after_verb = self.index >= 2 and self.chunks[self.index - 2].kind == "VERB"
            done_to_place = self.index >= 3 and self.chunks[self.index - 3].kind == "VERB" and (
                self.chunks[self.index - 2].np is not None and self.chunks[self.index - 2].np.noun is not None
                and _no_thing(self.chunks[self.index - 2].np.noun))  # "sweeping the yard with a broom", "raking leaves with"
            nxt = self._next()
            after_next = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
            # what one works with is in hand wherever they stand ("raking hay with a rake next to a barn")
            tool = (after_verb or done_to_place) and mention.is_person and prior.category == priors.OBJECT and (
                prior.height <= _TOOL_HEIGHT) and category != priors.PERSON
            if tool and nxt is not None and nxt.kind == "REL" and not self._in_hand_next():
                nxt = None
            if nxt is not None and (nxt.kind in ("REL", "ZONE", "SIDE") or nxt.kind == "VERB" and after_next is not None
                                    and after_next.kind in ("REL", "ZONE", "SIDE")
                                    and self.tokens[nxt.start].low.endswith(("ed", "ing"))):
                # "with a dog at her feet", "with a mug beside the keyboard", "with a red convertible parked
                # behind him": placed by what follows
                self.continuing = ("WITH", link[1])
                if self._contents_then_holders_place(mention, held, nxt):
                    self.out.relations.append(Relation(held, "inside", owner))
                    self.last, self.continuing = owner, None  # "a vase with sunflowers on a table": the vase is on it
                return
            if after_verb and mention.actions:
                # "playing with a ball": the verb keeps its own words
                mention.actions[-1] = f"{mention.actions[-1]} {link[1]} {article(noun)} {noun}"
            # what one does something with is in hand, long tools too ("sweeping with a broom", "raking
            # with a rake"); an animal one plays or walks with is beside, never held
            if mention.is_person and (prior.height <= _HOLDABLE_HEIGHT or tool) and category != priors.PERSON and not (
                    after_verb and category == priors.ANIMAL):
                holding = [owner]
                if holders > mention.count and all(self.out.mentions[i].is_person for i in self.group):
                    # "a man and a woman, each with a glass of wine": a glass each, split when the
                    # sentence ends and all that is said of the glass is known
                    self.out.mentions[held].count = mention.count
                    self.one_each.append((held, [i for i in self.group if i != owner]))
                    holding = self.group
                self.out.relations.append(Relation(owner, "holding", held))
                for person in holding:
                    if not after_verb:
                        self.out.mentions[person].actions.append(f"holding {article(noun)} {noun}")
            elif loose or mention.noun in SURFACES and prior.category in (priors.FOOD, priors.OBJECT, priors.PLANT):
                self.out.relations.append(Relation(held, "on", owner))  # "a plate with a slice of pizza"
            elif (not is_list or link[2] != "COMMA") and _container(mention.noun) and (
                    prior.height < priors.prior_for(mention.noun).height * 1.5
                    or mention.noun.rsplit(" ", 1)[-1] in _PLANTED_IN and category not in (priors.PERSON, priors.ANIMAL)):
                self.out.relations.append(Relation(held, "inside", owner))  # "a bowl with four eggs", "a vase w sunflowers"
            else:
                self.out.relations.append(Relation(owner, "next to", held))
        self.continuing = ("WITH", link[1])

    def _contents_then_holders_place(self, holder: Mention, held: int, nxt: Chunk) -> bool:
        """'a vase with sunflowers on a table', 'a bowl w strawberries in the middle': after what a
        container holds, a place that is not inside it is the container's own."""
        said = self.tokens[nxt.start].low
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        if after is not None and after.np is not None and after.np.pronoun is not None:
            return False  # "a bowl of soup with a spoon next to it": placed against the holder
        return not holder.is_person and holder.category != priors.ANIMAL and _container(holder.noun) and (
            nxt.kind == "ZONE" or nxt.kind == "REL" and said not in ("in", "inside", "into", "within", "filling")) and (
            self.out.mentions[held].category not in (priors.PERSON, priors.ANIMAL) or _container(holder.noun) and (
                holder.noun.endswith(("bowl", "tank", "cage"))))

    def _right_after_each(self, both_too: bool = False) -> bool:
        """Whether the phrase before this one's link is "each" ("…, each with a glass", "each on its own plinth")."""
        return self.index >= 2 and self.tokens[self.chunks[self.index - 2].start].low in (
            ("each", "both") if both_too else ("each",))

    def _things_held(self, np: NounPhrase) -> bool:
        """Whether a noun phrase after a container's 'of' or 'full of' names things of their own: a
        number of them ('six donuts'), or a plural nobody counted ('lemons', 'some pens'), of a kind
        a list knows and not people; stuff ('coffee', 'fruit') stays in the holder's caption."""
        if np.noun is None or lexicon.category(np.noun) == priors.PERSON:
            return False
        if np.noun == "glasses" and not np.pair:
            np.noun, np.plural = "glass", True  # "a tray of glasses": drinking glasses, not a pair of spectacles
        last = np.noun.rsplit(" ", 1)[-1]
        if lexicon.category(np.noun) is None and not words.is_concrete(last) and not (
                np.plural and words.can_be(last, "NOUN") and not words.is_place(last)):
            return False  # (but "a jar full of nails", "a box of VHS tapes": things, whatever a word's usual sense)
        counted = (np.count or 0) >= 2 and not np.vague
        return counted or (np.plural and (np.count is None or np.vague))

    def _counted_load(self, np: NounPhrase, word: str) -> bool:
        """'a cart loaded with five pumpkins', 'a basket full of apples': the things are things of
        their own, in or on what holds them."""
        return self.last is not None and self._held_by_the_last(np, word)

    def _counted_contents(self, np: NounPhrase) -> bool:
        """'a box of six donuts', 'a bowl of lemons': things in a container are things of their own,
        in it (one box for lemons nobody counted); 'a cup of coffee' keeps its stuff."""
        if self.last is None:
            return False
        holder = self.out.mentions[self.last].noun.rsplit(" ", 1)[-1]
        return (_container(holder) or holder in SURFACES) and self._held_by_the_last(np, "of")

    def _held_by_the_last(self, np: NounPhrase, word: str) -> bool:
        """The things named as what the thing just named holds, as things of their own, in it (a
        container) or on it ("a plate of five cookies"); the holder is still said to hold them."""
        if not self._things_held(np):
            return False
        holder = self.last
        assert holder is not None
        if np.count is None or np.vague:
            self._attach(self.out.mentions[holder], word, np)  # "a bowl of lemons" is still said so
        group, owner = self.group, self.owner
        things = self._new_mention(np, role="object")
        inside = _container(self.out.mentions[holder].noun)
        self.out.relations.append(Relation(things, "inside" if inside else "on", holder))
        self.group, self.owner, self.last = group, owner, holder  # "… next to a gate", "… on a table": the holder is
        return True

    def _examples_before(self) -> bool:
        """'things like cups and plates', 'something simple, like a tulip in a vase': examples of what
        is there, or the scene itself, not a likeness."""
        like = self.chunks[self.index - 1].start if self.index >= 1 else 0
        before = [t.low for t in self.tokens[max(0, like - 5):like]]
        if before[-1:] and before[-1] in _FILLER_LIKE_AFTER:
            return True  # "… and like a moon up in the corner": a filler, the thing itself
        return bool(set(before) & {"things", "items", "stuff", "animals", "toys", "tools", "objects", "fruits",
                                   "snacks", "something", "want", "need", "just", "basically", "maybe", "kinda",
                                   "wants", "needs", "wanted"}) or bool(set(before[-2:]) & lexicon.FRAMES)
        # ("a logo-ish illustration, like a mechanic …": the picture named, then what is in it)

    def _on_both_sides_next(self) -> bool:
        """'a painting with a brass sconce on either side': a thing placed twice, not a feature."""
        nxt = self._next()
        return nxt is not None and (nxt.kind == "FILLER" and nxt.value in ("either side", "each side") or (
            nxt.kind == "REL" and any(t.low in ("side", "sides") for t in self.tokens[nxt.start:nxt.end])))

    def _on_each(self, np: NounPhrase) -> bool:
        """Whether 'on each', 'at each' or 'per' follows the things: so many for every one."""
        after = [t.low for t in self.tokens[np.end:np.end + 3]]
        return after[:2] in (["on", "each"], ["at", "each"], ["in", "each"], ["for", "each"]) or after[:1] in (
            ["each"], ["apiece"], ["per"])

    @staticmethod
    def _bare_feature(np: NounPhrase) -> bool:
        """'a kimono with neon blue trim', 'a man with stubble': a bare singular nobody can count or
        size is how the owner looks, not a thing of its own."""
        return (np.det is None and np.count is None and not np.plural and np.noun is not None
                and np.noun not in priors.NOUNS and lexicon.category(np.noun) is None)

    def _parked_next(self, np: NounPhrase) -> bool:
        """'with a vintage red convertible parked behind him': a thing placed by the participle and
        relation after it, not a feature of the owner."""
        nxt = self._next()
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        return (np.det in ("a", "an") and nxt is not None and nxt.kind == "VERB" and after is not None
                and after.kind in ("REL", "ZONE", "SIDE") and self.tokens[nxt.start].low.endswith("ed"))

    @staticmethod
    def _made_thing_on(mention: Mention, np: NounPhrase) -> bool:
        """'a table with a cast iron skillet', 'a display case with a golden mask inside': one thing
        WordNet knows as made, with a thing that is no person or animal, is a thing of its own."""
        last = (np.noun or "").rsplit(" ", 1)[-1]
        return (np.det in ("a", "an") and not np.plural and not mention.is_person and mention.category != priors.ANIMAL
                and words.is_concrete(last) and last not in lexicon.PARTS and not lexicon.is_bodily(last)
                and last not in lexicon.MATERIALS and last not in lexicon.CLOTHING)

    def _listed_among_things(self, np: NounPhrase, owner: int, is_list: bool) -> bool:
        """'a stall with a pile of oranges, a scale and a vendor': a concrete noun in a 'with' list
        whose items before it became things of their own is one more thing, not a detail."""
        noun = np.noun or ""
        last = noun.rsplit(" ", 1)[-1]
        unknown = not words.lemmas(last) and np.det in ("a", "an")  # "a goldfish, a blue betta and a catfish"
        return (is_list and len(self.out.mentions) > max(self.with_start, owner + 1)
                and (words.can_be(last, "NOUN") or unknown) and noun not in lexicon.ABSTRACT
                and noun not in lexicon.STYLE_WORDS and noun not in lexicon.MASS_NOUNS
                and noun not in lexicon.MATERIALS and not lexicon.is_adjective(noun))

    def _instrument_user(self, np: NounPhrase) -> int | None:
        """Who uses the thing after 'with' right after their verb ('writing with a quill') or after a
        pronoun they act on ('watching them with a fan'): the one person doing it, when the thing fits
        the hands."""
        before = self.chunks[self.index - 2] if self.index >= 2 else None
        acted_on = before is not None and before.kind == "NP" and before.np is not None and (
            before.np.pronoun in ("them", "him", "her", "it", "us", "me"))
        if before is None or not (before.kind == "VERB" or acted_on):
            return None
        doers = [i for i in self.verb_subjects if self.out.mentions[i].is_person]
        if len(doers) != 1 or not self._holdable(self.out.mentions[doers[0]], np):
            return None
        return doers[0]

    def _holdable(self, owner: Mention, np: NounPhrase) -> bool:
        """'an old man with a cane': a thing a person has that no list names is still a thing to draw,
        when it is an English noun and nothing abstract or about the picture."""
        noun = (np.noun or "").rsplit(" ", 1)[-1]  # "a yoga mat", "a fishing rod": by the last word
        named = words.can_be(noun, "NOUN") or lexicon.category(noun) == priors.OBJECT or words.is_concrete(noun)  # "a longsword", "a longbow"
        return (owner.is_person and named and noun not in lexicon.ABSTRACT
                and noun not in lexicon.STYLE_WORDS and (not np.plural or self.each) and not lexicon.is_adjective(noun)
                and priors.prior_for(noun).height <= _HOLDABLE_HEIGHT)

    def _placeable(self, owner: Mention, np: NounPhrase) -> bool:
        """'a craft table with scissors and a glue stick': things on a surface, named or not."""
        noun = np.noun or ""
        last = noun.rsplit(" ", 1)[-1]
        surface = owner.noun in SURFACES or owner.category == priors.FURNITURE
        concrete = (words.can_be(last, "NOUN") and noun not in lexicon.ABSTRACT and noun not in lexicon.STYLE_WORDS
                    and noun not in lexicon.MASS_NOUNS and noun not in lexicon.MATERIALS and not lexicon.is_adjective(last))
        # "a stack of pancakes with strawberries and a jug of syrup": a counted thing beside a thing
        counted = not owner.is_person and (np.det in lexicon.ARTICLES or np.count is not None)
        return concrete and (surface or counted)

    def _verb_word_before(self) -> str:
        """The first word of the chunk before this one, as written lower-case ("glows", "casts")."""
        return self.tokens[self.chunks[self.index - 1].start].low if self.index else ""

    def _casts_light(self, np: NounPhrase, link, subjects: list[int]) -> bool:
        """'a nightlight casts a soft yellow glow', 'casting long shadows': the light a thing gives,
        in its caption, no thing of its own."""
        verb = self._verb_word_before()
        if link[0] != "VERB" or verb not in _CASTING or np.noun not in lexicon.STYLE_WORDS or not subjects:
            return False
        self.out.mentions[subjects[-1]].go_on_with_action(self._words_of(np))
        return True

    def _glows_a_colour(self, np: NounPhrase, link, subjects: list[int]) -> bool:
        """'a kiln glows orange', 'the sky turns pink': the colour its subject shows, no thing."""
        if link[0] != "VERB" or np.det is not None or np.count is not None or np.plural or np.noun not in lexicon.COLOURS:
            return False
        verb = self._verb_word_before()
        if verb not in _COLOUR_VERBS or not subjects:
            return False
        for index in subjects:
            self.out.mentions[index].go_on_with_action(self._words_of(np), f"{verb} {self._words_of(np)}")
        return True

    def _object(self, np: NounPhrase, link) -> None:
        """A noun phrase after a relation, a preposition or a verb: the thing it names, related to
        the subjects; or no thing at all (a part, a place, a garment, the camera)."""
        subjects = self._object_subjects(link[0])
        if self._per_each(np, link) or self._not_a_thing(np, link, subjects) or self._between(np, link, subjects):
            return
        bare = self.index >= 2 and self.tokens[self.chunks[self.index - 1].start - 1].low in (
            "shirtless", "bare-chested", "topless", "barechested")
        if link[0] == "REL" and link[1] == "under" and bare and subjects and np.noun in lexicon.CLOTHING and all(
                self.out.mentions[i].is_person for i in subjects):
            for index in subjects:  # "a drummer shirtless under a leather vest": worn, over bare skin
                self.out.mentions[index].add_detail("under", self._words_of(np), np.noun)
            return
        if self._known_surroundings(np, link) or self._glows_a_colour(np, link, subjects) or (
                self._casts_light(np, link, subjects)):
            return
        nxt = self._next()
        if (not subjects and link[0] == "REL" and link[1] in ("inside", "at") and nxt is not None
                and nxt.kind == "COMMA" and lexicon.category(np.noun or "") in (None, priors.BUILDING)):
            self._setting(np, link)  # "inside a cozy cabin, two armchairs…": where the scene is
            return
        first, _, base = (np.noun or "").partition(" ")
        if np.det == "the" and first in _POSITIONS and any(m.noun == base and m.count == 1 for m in self.out.mentions):
            np.noun = base  # "a shelf with …, a cat on the bottom shelf": on that shelf, at its bottom
        target = self._mention_for(np, role="object")
        relation = self._object_relation(np, link, subjects, target)
        if relation is None:
            return
        if self.index == self.worked_at and relation in ("on", "in") and (
                self.out.mentions[target].noun.rsplit(" ", 1)[-1] not in _SITTABLE):
            relation = "next to"  # what is worked on lies on it, the one working stands by it (but sits on a stool)
        if relation in ("left of", "right of", "next to", "between"):
            self.peers.append(target)
        announcing = {a for a, *_ in self.announced}  # "my twins, a boy and a girl …, each holding": the two
        named = [i for i in subjects if i not in announcing and self.out.mentions[i].count == 1
                 and self.out.mentions[i].parent is None]
        holders = sum(self.out.mentions[i].count for i in subjects)
        if self.each and len(named) > 1 and any(i in announcing for i in subjects):
            holders = len(named)
        if link[0] == "VERB" and self.each and holders > 1 and np.count is None and not np.plural and np.det != "the" and (
                not self.both or getattr(link[1], "holds", False) or self.tokens[np.start].low in ("a", "an")):
            # (but "both watching the sunset": one sunset)
            self.out.mentions[target].count = holders  # "each holding a cup": a cup each
        own = any(t.low == "own" for t in np.modifiers) and np.det in ("its", "their", "his", "her")
        right_after_each = self._right_after_each()
        if link[0] == "REL" and (self.each and right_after_each or own) and holders > 1 and np.count is None and (
                not np.plural):
            self.out.mentions[target].count = holders  # "three sculptures, each on its own plinth"
            self.out.mentions[target].modifiers = [m for m in self.out.mentions[target].modifiers if m.lower() != "own"]
        after = self.tokens[np.end].low if np.end < len(self.tokens) else ""
        if link[0] == "VERB" and after in ("each", "apiece") and holders > 1 and np.count:
            self.out.mentions[target].count = np.count * holders  # "twin girls holding 2 balloons each"
        owners = sum(self.out.mentions[i].count for i in subjects)
        each_rides = np.det is None and link[0] == "REL" and link[1] in ("on", "at") and lexicon.category(
            np.noun or "") in (priors.VEHICLE, priors.FURNITURE) and all(
            self.out.mentions[i].category in (priors.PERSON, priors.ANIMAL) for i in subjects)
        held_each = link[0] == "VERB" and getattr(link[1], "holds", False) and np.det is None and bool(subjects) and all(
            self.out.mentions[i].category in (priors.PERSON, None) for i in subjects)
        # ("four bowlers holding bowling balls": one each)
        many = [i for i in subjects if self.out.mentions[i].count > 1]
        if np.det != "their" and len(many) == 1 and len(subjects) > 1:
            owners = self.out.mentions[many[0]].count  # "a teacher and 5 students at desks": the students' desks
        if (np.det == "their" or each_rides or held_each) and np.plural and np.count is None and owners > 1 and (
                self.out.mentions[target].uncounted):
            self.out.mentions[target].count = min(owners, 12)  # "six students at their desks", "two kids on bikes": one each
            self.out.mentions[target].many = False
        if subjects:
            self._relate(subjects, relation, target)
        else:
            self.fronted.append((relation, target))

    def _known_surroundings(self, np: NounPhrase, link) -> bool:
        """'hanging from the rafters', 'peering through the curtains', 'wading in the shallows': a
        definite plural nobody introduced is part of where the scene is, drawn with the background,
        not a number of things to place. True when handled."""
        room_part = (np.noun in _ROOM_PARTS and not np.plural and not np.modifiers and link[0] == "REL"
                     and (self._next_is_end() or self._next_kind() in ("WITH", "VERB", "REL", "ZONE") and link[1] != "on"))
        room_part = room_part or np.noun in _FIXTURES and not np.plural and not np.modifiers and link[0] in (
            "REL", "PREP", "VERB")  # (and "ringing the doorbell")
        # ("a cat on the windowsill", "leaning on the railing": the room's or the house's, drawn with it)
        # ("a retriever sleeps by the door.", "beneath the window,", "stands beneath the window with …")
        out_of = self.index > 0 and self.chunks[self.index - 1].kind == "OTHER" and self.tokens[
            self.chunks[self.index - 1].start].low == "out"  # "leaning out the window"
        pane = np.noun == "glass" and not np.plural and np.det in ("the", None) and link[0] in ("REL", "PREP") and (
            self._verb_word_before() in ("against", "through", "down", "across"))  # "his nose against the glass", "rain runs down the glass"
        if pane and self.out.mentions:
            return self._setting(np, link)
        if np.noun in ("window", "doorway") and np.count is None and self.out.mentions and (
                link[0] in ("REL", "PREP") and link[1] in ("by", "near", "beside", "next to", "through", "inside", "at",
                                                           "against", "from") or out_of):
            # "sitting by a window", "up in a lit window", "watching from a window", "leaning out the window":
            # the room's, drawn with it (but "a radiator under a window", "a laptop in front of a window" are
            # placed by it)
            return self._setting(np, link)
        if link[0] not in ("REL", "PREP") or np.det != "the" or not (np.plural or room_part) or np.count is not None or (
                not self.out.mentions):
            return False  # but "waves crash against the rocks": the rocks are what there is to draw
        noun = np.noun or ""
        if lexicon.category(noun) in (priors.PERSON, priors.ANIMAL) or any(m.noun == noun for m in self.out.mentions):
            return False  # "the twins", "behind the dogs": people, animals, things named before
        return self._setting(np, link)

    def _next_kind(self) -> str | None:
        nxt = self._next()
        return nxt.kind if nxt is not None else None

    def _next_is_end(self) -> bool:
        nxt = self._next()
        return nxt is None or nxt.kind in ("SENT", "COMMA", "AND", "CLAUSE")

    def _object_subjects(self, kind: str) -> list[int]:
        if kind == "VERB":
            return self.verb_subjects
        if kind == "REL" and self.chain_subject is not None:
            if self._beside_someone() and self.group and self.chain_subject not in self.group:
                return list(self.group)  # "a man sitting on a bench next to a woman": he is by her
            return [self.chain_subject]
        targets = self._targets()
        done = self.chunks[self.index - 2] if self.index >= 2 else None
        if done is not None and done.kind == "PREP" and self.tokens[done.start].low in _PARTICLES and self.index >= 3:
            done = self.chunks[self.index - 3]  # "curled up on the windowsill"
        if kind == "REL" and done is not None and done.kind == "VERB" and self.verb_subjects and (
                set(self.verb_subjects) < set(self.group)) and self.group[-1] in self.verb_subjects and (
                not set(targets) & set(self.verb_subjects)):
            return list(self.verb_subjects)  # "a rug and a black cat asleep on the sofa": the cat, who sleeps there
        if kind == "REL" and len(targets) > 1 and self.last in targets and self._list_goes_on():
            return [self.last]  # "a towel, a toothbrush in a cup, a mirror": the toothbrush is in the cup
        joined = self.chunks[self.index - 3] if self.index >= 3 else None
        said = self.chunks[self.index - 2].np if self.index >= 2 else None  # right before: the one it is said of
        if kind == "REL" and len(targets) > 1 and self.last in targets and joined is not None and (
                joined.kind == "COMMA" and joined.value == ",") and said is not None and said.noun is not None and any(
                self.out.mentions[i].details for i in targets if i != self.last):
            return [self.last]  # "a man in a hat, a woman on a bench": the man was told of already
        return targets or ([self.last] if self.last is not None and self.last_role == "subject" else [])

    def _beside_someone(self) -> bool:
        """Whether this side relation ('next to', 'beside') names a person or an animal next."""
        link = self.chunks[self.index - 1] if self.index > 0 else None
        np = self.chunks[self.index].np
        return (link is not None and link.kind == "REL" and link.value in ("next to", "left of", "right of")
                and np is not None and lexicon.category(np.noun or "") in (priors.PERSON, priors.ANIMAL))

    def _list_goes_on(self) -> bool:
        """Whether, after this relation's object, the list of things goes on ('…, a toothbrush in a
        cup, a small mirror and a candle'), so that the relation was said of the nearest item."""
        joined = self.chunks[self.index - 3] if self.index >= 3 else None
        if joined is None or joined.kind != "COMMA":
            return False  # "a cat and a dog on a sofa, a lamp …": both are on it
        k = self.index + 1
        while k < len(self.chunks) and self.chunks[k].kind in ("OF", "NP") and self.chunks[k].np is not None or (
                k < len(self.chunks) and self.chunks[k].kind == "OF"):
            k += 1
        if k + 1 >= len(self.chunks) or self.chunks[k].kind != "COMMA":
            return False
        after = self.chunks[k + 1]
        return after.kind == "NP" and after.np is not None and after.np.det in lexicon.ARTICLES

    def _someone_after_comma(self) -> bool:
        """'spotting her client, an older man in a grey tee': the phrase is someone, said next."""
        nxt = self._next()
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        return nxt is not None and nxt.kind == "COMMA" and after is not None and after.np is not None and (
            after.np.det in ("a", "an") and lexicon.category(after.np.noun or "") == priors.PERSON)

    def _topic_of_a_lesson(self) -> bool:
        """Whether 'on' follows a teaching word ('a lesson on', 'my unit on'), so what follows is its topic."""
        if self.index < 2 or self.chunks[self.index - 2].kind != "NP":
            return False
        said = self.chunks[self.index - 2].np
        return said is not None and said.noun in _TEACHING

    def _verb_in_clause_before(self) -> bool:
        """Whether this clause has a verb before the current chunk, so that "for someone" names whom
        the doing serves ("pouring wine into a glass for a woman"), who is there."""
        for chunk in reversed(self.chunks[:self.index]):
            if chunk.kind in ("COMMA", "SENT", "CLAUSE", "AND"):
                return False
            if chunk.kind == "VERB":
                return True
        return False

    def _people_before(self) -> bool:
        return any(m.is_person for m in self.out.mentions)

    def _not_a_thing(self, np: NounPhrase, link, subjects: list[int]) -> bool:
        """Objects that are no instance of their own; True when handled."""
        kind, value = link[0], link[1]
        noun = np.noun
        after = self._next()
        if kind == "REL" and self._on_a_named_owner(np, link):
            return True
        if kind in ("REL", "PREP") and noun in _PLACE_PARTS and np.det in ("the", None) and after is not None and (
                after.kind == "OF"):
            return True  # "at the end of the pier": where on the pier, which the next phrase names
        if kind == "REL" and value == "inside" and noun in _GARMENT_PARTS and self._place_or_garment(np, link):
            return True  # "in rolled-up shirt sleeves and suspenders": worn, and the list of clothes goes on
        if kind in ("REL", "PREP") and self._owned_part(np, link, subjects):
            return True
        if kind == "REL" and value == "on" and self._topic_of_a_lesson():
            return True  # "for a lesson on the space race", "Lesson on child labour": what it is about
        if kind == "PREP" and value == "than":
            return True  # "a glove that's bigger than his head": a measure, no thing
        if kind == "PREP" and value == "for" and np.noun is not None and lexicon.category(np.noun) is None and (
                not lexicon.is_known_noun(np.noun) and not words.is_concrete(np.noun.rsplit(" ", 1)[-1])
                and not np.plural and np.count is None and self._people_before()
                and words.usual_kind(np.noun) is None and not self._described_next()):
            return True  # "sprinting for the finish", "dressed up for prom": what they do it for, no thing
        if kind == "REL" and value == "in front of" and np.start > 0 and self.tokens[np.start - 1].low == "before" and (
                lexicon.category(np.noun or "") is None and not lexicon.is_known_noun(np.noun or "")
                and not words.is_concrete((np.noun or "x").rsplit(" ", 1)[-1])):
            return True  # "before prom", "before the game": a time
        if kind == "PREP" and value == "for" and (np.det in ("my", "our", "your") or (
                (noun or "").rsplit(" ", 1)[-1] in lexicon.FRAMES | _PURPOSES
                or self.tokens[np.end - 1].low in _PURPOSES)) and not self._described_next():
            return True  # "for my daughter's birthday card", "posing for a team photo": what it is for
        if kind == "PREP" and value == "like" and self.out.mentions and not self._examples_before():
            # "evenly spaced, like notes on a stave": a likeness, not things; up to the clause's end
            k = self.index + 1
            while k < len(self.chunks) and self.chunks[k].kind not in ("COMMA", "SENT", "CLAUSE", "AND"):
                self.skip.add(k)
                k += 1
            return True
        if kind in ("REL", "PREP") and noun in lexicon.STYLE_WORDS and np.det is None and np.count is None and (
                not np.plural):
            return True  # "at first light", "washed in harsh yellow light": the picture's light
        if kind == "PREP" and value == "for" and lexicon.category(noun or "") == priors.PERSON and not (
                (np.det is not None or np.count is not None) and self._verb_in_clause_before()) and (
                not self._described_next()):
            # "a bench for visitors", "a cake for the guests": whom it is for, not who is there; but "pouring
            # coffee for a trucker", "scooping for a little boy" serve one who is (not "holding a sign for visitors")
            return True
        if noun in lexicon.OPENINGS or (noun or "").rsplit(" ", 1)[-1] in lexicon.OPENINGS:
            return True  # "peeking out of a hole in the wall", "on a crater rim": where, not what
        nxt = self._next()
        owned_next = nxt is not None and (nxt.kind == "OF" or nxt.kind == "REL" and nxt.value in ("on", "inside"))
        # ("fixing a flat tire on his truck"; but "aiming a bow at a deer" aims a thing)
        plant = lexicon.category(noun) == priors.PLANT  # "waters the flowers": not a part of the one watering
        possessed = any(t.low.endswith(("'s", "s'")) for t in np.modifiers)  # "powdering a model's face"
        typo_wearing = kind == "VERB" and noun in lexicon.CLOTHING and not words.is_english(
            (getattr(value, "gerund", "") or "x").split()[0])  # "wering a white sundress": a typo of wearing
        creature_part = noun in lexicon.CREATURE_PARTS and not any(
            self.out.mentions[i].category == priors.ANIMAL for i in subjects)  # "picks up a shell": a thing
        worn_or_part = (noun in lexicon.CLOTHING or noun in lexicon.PARTS and not plant and not creature_part) and (
            np.det not in lexicon.ARTICLES or owned_next and noun not in lexicon.CLOTHING or possessed or typo_wearing)
        # ("tucking a wool blanket around the old man": a thing, not worn)
        held = getattr(value, "holds", False) and words.can_be(noun or "", "NOUN")  # "holding his diploma"
        if kind == "VERB" and subjects and (worn_or_part or (
                np.det in lexicon.POSSESSIVES and lexicon.category(noun) is None and noun not in priors.NOUNS
                and not words.is_concrete(noun or "") and not held and not self._someone_after_comma())):
            # "shaking hands", "casts his line": what they do, not a thing; but "holding a honeycomb
            # frame", "carrying a hat": a thing in the hand
            for index in subjects:
                self._extend_action(self.out.mentions[index], value, self._words_of(np))
            owner = self._possessor(np)  # "brushing her horse's mane": beside the horse
            if owner is not None:
                self._relate(subjects, "next to", owner)
            return True
        if kind == "VERB" and subjects and noun in lexicon.STYLE_WORDS and np.det in ("the", None) and np.count is None:
            for index in subjects:  # "three clocks crowd the shadows": the picture's light, said of them
                self._extend_action(self.out.mentions[index], value, self._words_of(np))
            return True
        sought = kind == "PREP" and value == "for" and self.index >= 2 and self.chunks[self.index - 2].kind == "VERB"
        verb = self.chunks[self.index - 2].value if sought else value
        if (kind == "VERB" or sought) and subjects and isinstance(verb, lexicon.Verb) and self._consumed(np, verb):
            # "selling tomatoes", "throwing snowballs", "hunting for eggs": what they do, not things
            # counted in the picture
            said = f"for {self._words_of(np)}" if sought else self._words_of(np)
            for index in subjects:
                self._extend_action(self.out.mentions[index], verb, said)
            if after is not None and after.kind == "REL" and after.value in ("on", "inside"):
                self.worked_at = self.index + 2  # "flipping pancakes in a pan": the doer is at the pan
            return True
        looking = kind == "REL" and value == "at" and any(
            a.split()[0] in _PERCEIVING for s in subjects for a in self.out.mentions[s].actions[-1:])
        if noun in _SPECTACLES and (looking or kind == "VERB" and value.gerund.split()[0] in _PERCEIVING):
            # "watching fireworks", "gazing at the stars": the sky they look at, not things beside them
            if kind == "VERB":
                for index in subjects:
                    self._extend_action(self.out.mentions[index], value, self._words_of(np))
            self._setting(np, link)
            return True
        if kind == "REL" and value in _DIRECTIONS and noun in _CANVAS_WORDS and np.det in ("the", None):
            for index in subjects:
                self._set_zone(index, _DIRECTIONS[value])
            return True
        if noun in _VIEWER and np.det == "the" and kind in ("REL", "PREP"):
            return True
        if noun in _SIDES and np.det == "the" and not np.modifiers and kind == "REL" and not self._of_next():
            return True  # "standing at the front", "waiting at the back": where in the scene, no thing
        if noun in ("left", "right") and np.det == "the" and not np.modifiers and kind == "PREP" and value == "from" and (
                not self._of_next()):
            return True  # "window light from the left": a direction, no thing
        return self._place_or_garment(np, link)

    def _of_next(self) -> bool:
        nxt = self._next()
        return nxt is not None and nxt.kind == "OF"

    @staticmethod
    def _consumed(np: NounPhrase, verb: lexicon.Verb) -> bool:
        """A bare plural of things with no size of their own after a verb that does not just hold
        them ('selling tomatoes', 'throwing snowballs'): the activity's stuff, not things to count."""
        if np.det is not None or np.count is not None or not np.plural or np.noun is None or np.modifiers:
            return False  # "stacking colorful blocks": described things are things
        if verb.gerund.split()[0] in ("holding", "carrying", "clutching", "grasping", "gripping", "lifting"):
            return False
        noun = np.noun
        # people and animals are there to be drawn ("feeding ducks"); other stuff is the activity's
        return lexicon.category(noun) not in (priors.PERSON, priors.ANIMAL) and (words.can_be(
            noun.rsplit(" ", 1)[-1], "NOUN") or noun in priors.NOUNS)

    def _holds_stuff(self, np: NounPhrase) -> bool:
        """'a tin of paint', 'a sack of flour': one thing holding stuff named bare after 'of'."""
        after = self.chunks[self.index + 2] if self.index + 2 < len(self.chunks) else None
        return np.det in ("a", "an") and self._next_kind() == "OF" and after is not None and after.np is not None and (
            after.np.det is None and after.np.count is None)

    def _place_or_garment(self, np: NounPhrase, link) -> bool:
        """'at a waterhole', 'on the moon', 'hiking in a nature reserve' are places; 'in a red
        blanket' is worn. True when handled."""
        kind, value = link[0], link[1]
        noun = np.noun
        unknown = lexicon.category(noun) is None and not lexicon.is_known_noun(noun)
        if unknown and kind in ("REL", "PREP") and value in ("at", "along", "across", "through", "during") and not (
                self._worked_at(np, value)) and not self._described_next() and not (
                value in ("through", "at") and (words.is_concrete((noun or "").rsplit(" ", 1)[-1]) or self._holds_stuff(np))
                and not words.is_place((noun or "").rsplit(" ", 1)[-1])):  # ("kneeling at a tin of paint")
            # an unknown word there is most likely a place; but a made thing is what one is at ("at a
            # red feeder", "at the lectern")
            self._setting(np, ("REL", value))
            return True
        if kind == "REL" and value == "on" and noun in lexicon.WORLDS:
            self._setting(np, link)
            return True
        last = (noun or "").rsplit(" ", 1)[-1]
        if unknown and kind == "REL" and value == "on" and words.is_place(last) and (
                last.endswith(("top", "side")) or last in _HIGH_GROUND):
            self._setting(np, link)  # "howling on a hilltop", "on a ridge": where they are
            return True
        if kind == "REL" and value in ("above", "under", "below") and noun in lexicon.CLOTHING:
            wearer = self._wearer()
            dressed = wearer is not None and any(n in lexicon.CLOTHING for n in self.out.mentions[wearer].detail_nouns[-1:])
            if dressed and self.out.mentions[wearer].is_person:
                # "in a floral apron over a blue blouse": worn beneath it
                self._attach(self.out.mentions[wearer], self._link_text(np), np)
                return True
        if kind != "REL" or value != "inside":
            return False
        wearer = self._wearer()
        done_to = self.index >= 2 and self.chunks[self.index - 2].kind == "VERB" and self.last is not None and (
            not self.out.mentions[self.last].is_person) and self.tokens[self.chunks[self.index - 2].start].low in _STUCK
        if done_to and noun not in lexicon.CLOTHING:
            return False  # "six arrows stuck in a target": where the arrows are, nobody wears it
        if noun in _COLOUR_NOUNS and np.det is None and np.count is None and not np.plural and (
                wearer is not None and self.out.mentions[wearer].is_person):
            self._attach(self.out.mentions[wearer], self._link_text(np), np)  # "one in dusty rose": its colour
            return True
        described = any(t.low in lexicon.COLOURS or t.low in lexicon.MATERIALS or t.low in lexicon.PATTERNS
                        for t in np.modifiers)
        person = wearer is not None and self.out.mentions[wearer].is_person
        if noun in _FOOTWEAR and np.det in ("a", "an") and not np.plural:
            return False  # "a puppy asleep in a shoe": one shoe is worn by nobody, it holds the puppy
        worn = noun in lexicon.CLOTHING or noun in lexicon.PARTS or lexicon.ends_in_garment(noun or "") or (
            person and np.det in ("a", "an", "his", "her", "their") and _short_for_a_garment(noun or "")) or (
            unknown and np.det in ("a", "an") and person and not words.is_concrete((noun or "").rsplit(" ", 1)[-1])
            and not lexicon.is_setting(noun or "")) or (
            unknown and described and wearer is not None and self.out.mentions[wearer].is_person
            and not (np.det in ("a", "an") and words.is_concrete((noun or "").rsplit(" ", 1)[-1])
                     and noun not in lexicon.MATERIALS))  # but "crammed in a white convertible"
        if not worn:
            last = (noun or "").rsplit(" ", 1)[-1]
            if unknown and not (np.det in ("his", "her", "their", "a", "an", "the") and words.is_concrete(last)
                                and not words.is_place(last)):
                self._setting(np, link)
                return True
            return False  # "naps in his recliner", "sitting in a pink tub": a made thing, though no list of ours knows it
        if wearer is None:
            return False
        self.dressed_alike = []
        matching = bool({t.low for t in np.modifiers} & {"matching", "identical"}) and wearer in self.group and (
            self.out.mentions[wearer].parent is None and self.index >= 3 and self.chunks[self.index - 3].kind == "AND")
        # ("a mother and daughter in matching …"; but "…, twins in matching orange shirts": the twins)
        wearers = [i for i in self.group if self.out.mentions[i].is_person] if self.each and self.both or matching else []
        self.dressed_alike = wearers if (matching or self.each and self.both) and len(wearers) > 1 else []
        # ("a mother and daughter in matching …", "everyone in green sweaters": one each)
        for index in wearers if len(wearers) > 1 else [wearer]:  # "both in blue scrubs and masks": each wears them
            self._attach(self.out.mentions[index], self._link_text(np), np)
        self.continuing = ("WEAR", self._link_text(np))
        return True

    def _worked_at(self, np: NounPhrase, value: str) -> bool:
        """'a blacksmith hammering at an anvil', 'a scientist looking through a microscope': one
        thing, named with 'a', that a person works or looks through is a thing, not a place."""
        if np.det not in ("a", "an", "the") or np.plural or not words.can_be(np.noun or "", "NOUN"):
            return False
        people = [self.out.mentions[i] for i in dict.fromkeys(self.group + self.verb_subjects)
                  if self.out.mentions[i].is_person]
        if not people:
            return False
        if value == "through":
            return any(a.split()[0] in _PERCEIVING for p in people for a in p.actions[-1:])
        return value == "at"

    def _between(self, np: NounPhrase, link, subjects: list[int]) -> bool:
        if link[0] != "REL" or link[1] != "between" or self.between is not None:
            return False
        target = self._mention_for(np, role="object")
        if not subjects and ((np.count or 1) >= 2 or np.plural):
            self.fronted.append(("between", target))  # "between the trees rolls a tumbleweed": what comes next
            return True
        if (np.count or 1) >= 2:
            self._relate(subjects, "between", target)  # "between two horses": the planner splits the pair
        else:
            self.between = (subjects, target)  # "between a tree and a house": the second comes next
            self.link = ("BETWEEN", None)
        return True

    def _object_relation(self, np: NounPhrase, link, subjects: list[int], target: int) -> str | None:
        """How the subjects relate to the object; None when that is already recorded."""
        kind, value = link[0], link[1]
        noun = np.noun
        if kind == "VERB":
            said = plural(noun) if self.out.mentions[target].many else f"{article(noun)} {noun}"  # "feeding ducks"
            done = value.gerund or ""
            for index in subjects:
                actions = self.out.mentions[index].actions
                if link[2:] == ("AND",) and done and actions and actions[-1].startswith(f"{done} "):
                    actions[-1] = f"{actions[-1]} and {said}"  # "holding a halberd and a lantern"
                else:
                    self._extend_action(self.out.mentions[index], value, said)
            gerund = value.gerund.split()[0] if value.gerund else ""
            seat = self.out.mentions[target].noun in SURFACES or self.out.mentions[target].category == priors.FURNITURE
            if gerund in _SHARING and seat and value.relation in (None, "next to"):
                return "on"  # "two cats sharing a sofa", "kids crowding a bench": on it
            holders = [i for i in subjects if self.out.mentions[i].category == priors.FURNITURE
                       or self.out.mentions[i].noun.rsplit(" ", 1)[-1] in SURFACES]  # (not "a snowman holding a broom")
            if value.relation == "holding" and holders and len(holders) == len(subjects) and gerund in _HOLDING_UP:
                self._relate([target], "on", holders[0])  # "a coffee table holding a bowl of lemons": on it
                return None
            return value.relation or "next to"
        if kind == "PREP":
            # "watching from a fence", "waving from the couch": on what they are on
            target_mention = self.out.mentions[target]
            perch = target_mention.noun in SURFACES or target_mention.noun in _PERCHES or (
                target_mention.category == priors.FURNITURE)
            return "on" if value == "from" and perch else "next to"
        said = self._text(self._link_start(np), np.start).lower() if np.start > 0 else ""
        if value in ("left of", "right of") and said.startswith("on ") and " side" in said and noun in SURFACES:
            # "a lamp on the left side of the desk": on the desk, at its left
            for index in subjects:
                self._set_zone(index, (value.split()[0], None))
            return "on"
        peering = any(a.split()[0] in _PERCEIVING for s in subjects for a in self.out.mentions[s].actions[-1:])
        if peering and value == "inside" and said.split()[:1] == ["into"]:
            return "next to"  # "looking into a microscope", "peering into a telescope": at it, not in it
        voicing = any(a.split()[0] in _VOICING for s in subjects for a in self.out.mentions[s].actions[-1:])
        if voicing and value == "inside" and said.split()[:1] == ["into"]:
            # "singing into a mic", "shouting into a megaphone": held to the mouth, or stood at
            if priors.prior_for(noun).height <= _HOLDABLE_HEIGHT:
                self._relate(subjects, "holding", target)
                return None
            return "next to"
        leaning = any(a.split()[0] in ("leaning", "propped") for s in subjects for a in self.out.mentions[s].actions[-1:])
        if leaning and value in ("on", "against"):
            # "leaning on a cane": held when small enough, beside it otherwise (a fence, a throne)
            if priors.prior_for(noun).height <= _HOLDABLE_HEIGHT and priors.prior_for(noun).category == priors.OBJECT:
                self._relate(subjects, "holding", target)
                return None
            return "next to"
        return value

    def _extend_action(self, mention: Mention, verb: lexicon.Verb, words: str) -> None:
        if mention.actions and mention.actions[-1] == verb.gerund:
            mention.actions[-1] = f"{verb.gerund} {words}"
        elif verb.gerund:
            mention.actions.append(f"{verb.gerund} {words}")

    def _relate(self, subjects: list[int], kind: str, target: int) -> None:
        self.acted.update(subjects)
        for index in subjects:
            if index in self.placed_by_list and kind not in ("holding", "held by"):
                # "on the table: a cup, a plate, and a dog sleeping under it": its own place wins (but what
                # it holds is no place: "next to him, a girl clutches a baguette")
                self.placed_by_list.discard(index)
                self.out.relations = [r for r in self.out.relations if r.subject != index]
            if index != target:
                self.out.relations.append(self._relation(index, kind, target))

    def _top_level(self, np: NounPhrase, link, extend: bool = False) -> None:
        kind = link[0] if link else None
        if self._scenery_far_off(np):
            return
        self.each = False  # "four tables, each with two chairs, a chalkboard on an easel": a new item
        self.joined_by = "COMMA" if self.index > 0 and self.chunks[self.index - 1].kind == "COMMA" else kind
        if self.between is not None and kind in ("AND", "COMMA", "BETWEEN"):
            subjects, first = self.between
            self.between = None
            second = self._mention_for(np, role="object")
            for index in subjects:
                self.out.relations.append(Relation(index, "between", first, second))
            return
        if self.after_copula and self.group and kind is None and not np.count:
            self.after_copula = False
            self._what_it_is(np)
            return  # "the man is a doctor": says what, not another thing
        if self._tail_fragment(np, kind):
            return  # "..., cherry blossoms, neon signs, soft edges": the look of the picture
        if np.det == "the" and np.plural and np.count is None and np.noun is not None and (
                lexicon.category(np.noun) is None and not words.is_concrete(np.noun) and not words.lemmas(np.noun) == {}
                and np.noun not in priors.NOUNS and not any(m.noun == np.noun for m in self.out.mentions)):
            return  # "make sure the numbers are right": "the" and a plural of no thing nobody named
        if self._first_name(np):
            return
        if np.det is None and np.count is None and not np.plural and np.noun not in priors.NOUNS and (
                np.noun not in lexicon.COMPOUND_NOUNS) and not (self._proper(np) or self._bare_subject(np)) and (
                not (self._capitalised(np) and self._said_again(np) is not None)) and (
                lexicon.category(np.noun or "") not in (priors.PERSON, priors.ANIMAL)) and not (
                kind == "COMMA" and (self.out.mentions or self.out.settings) and (
                    self._tagged_thing(np, self._look_before()) or self._made_of_or_coloured(np))) and not (
                self._shares_the_article(np, kind)) and not self._dressed_next() and not (
                words.is_concrete((np.noun or "").rsplit(" ", 1)[-1]) and any(t.low in lexicon.COLOURS for t in np.modifiers)) and (
                not self._walks_next(np)) and not self._in_hand_next():
            # (but "…, cherry red vintage convertible, …": a thing WordNet knows, with its colour; "giant
            # rusted mech walking through a city": what moves is a thing)
            return  # bare unknown words ("digital art", "4k"): style, not things; but "mailman in shorts", "boss in a grey suit"
        lit = np.noun == "light" and np.det is None and any(t.low in _LIGHT_SETUPS for t in np.modifiers)
        counted = (np.count or 0) >= 2 and not np.vague and words.is_concrete(np.noun or "")  # "two clouds"
        if np.noun in lexicon.STYLE_WORDS and not counted and not self._in_hand_next() and (
                np.det is None and np.count is None or np.noun not in priors.NOUNS or lit):
            # ("single window light", "one rim light": how the picture is lit, not a lamp)
            # "soft shadows", "sparks flying": the picture's look, in the global caption; what is said
            # next of it is said of no instance
            self.group, self.last_role = [], "style"
            return
        joins = extend or (kind in ("AND", "COMMA", "OR") and self.last_role == "subject"
                           and not self._starts_own_clause(kind))
        first_new = len(self.out.mentions)
        index = self._mention_for(np, role="subject")
        if self.named_member:
            self.named_member = False
            self._one_of_a_plural(index)
        new = [i for i in range(first_new, len(self.out.mentions))] or [index]
        self.group = [i for i in self.group if i not in new] + new if joins else new
        self.owner = index
        self.sentence_subjects.extend(i for i in new if i not in self.sentence_subjects)
        if not self.fronted and self.fronted_list and kind in ("AND", "COMMA"):
            self.fronted = list(self.fronted_list)
        if self.fronted and not self.fronted_list and kind is None:
            # "on a long table sit a toaster, three lemons and a teapot": the place holds the list
            self.fronted_list = list(self.fronted)
        for relation, target in self.fronted:
            self._relate(new, relation, target)
            if not (relation in _BESIDE and self.out.mentions[target].category in (priors.PERSON, priors.ANIMAL)):
                self.placed_by_list.update(new)  # (but "beside her, a guitarist sits on a stool": by her, and on it)
        self.fronted = []
        for chunk in self.dangling:
            (self._apply_pose if chunk.kind == "POSE" else self._apply_verb)(chunk, new)
        self.dangling = []
        self.link = None

    def _starts_own_clause(self, kind: str | None) -> bool:
        """'a snowman with a top hat, two kids throwing snowballs at it': after a comma, a thing
        followed by its own verb, where what came before was already described, starts a clause of
        its own rather than going on with a list ('a cat, a dog and a bird sleeping' goes on)."""
        nxt = self._next()
        if kind != "COMMA" or nxt is None or nxt.kind not in ("VERB", "POSE"):
            return False
        return any(self.out.mentions[i].details for i in self.group)

    def _list_ended(self) -> bool:
        """Whether the comma before this phrase closed a list of things: what came before it was not
        a thing of the list ('balloons in the background, warm candlelight') or there was no list."""
        if self.index < 2 or self.chunks[self.index - 1].kind != "COMMA":
            return True
        return self.chunks[self.index - 2].kind != "NP" or self.link is None and not self.continuing

    def _scenery_far_off(self, np: NounPhrase) -> bool:
        """'…, mountains in the background', 'sailboats in the distance': things nobody counted, far
        off, are the background's, not boxes of their own. True when handled."""
        nxt = self._next()
        if nxt is None or nxt.kind != "ZONE" or nxt.value != (None, "back") or not np.plural or (
                np.count is not None or np.det is not None):
            return False
        self.out.settings.append(("with", f"{self._words_of(np)} {self._text(nxt.start, nxt.end)}", False))
        self.skip.add(self.index + 1)
        self.owner, self.group, self.last_role = "setting", [], "setting"
        return True

    def _colour_after_colour(self, np: NounPhrase) -> bool:
        """'… blue and orange', 'teal and peach': a colour word joined to a colour is a colour."""
        if np.noun not in lexicon.COLOURS or np.det is not None or np.count is not None or np.plural:
            return False
        said = [t.low for t in np.modifiers]
        if said and "and" in said and all(w in lexicon.COLOURS or w in ("and", "or") for w in said):
            return True  # "blue and orange" read as one phrase
        if said or self.index < 2 or self.chunks[self.index - 1].kind not in ("AND", "COMMA"):
            return False
        before = self.chunks[self.index - 2]
        said = [t.low for t in self.tokens[before.start:before.end]]
        return before.kind == "NP" and bool(said) and all(w in lexicon.COLOURS for w in said) and (
            self._next() is None or self._next().kind in ("COMMA", "SENT"))

    def _bare_subject(self, np: NounPhrase) -> bool:
        """'fruit in a bowl', 'bread on the table': a mass noun with a relation after it is a thing;
        so is a bare noun placed in the picture ('blimp in the top-left corner')."""
        nxt = self._next()
        head = (np.noun or "").rsplit(" ", 1)[-1]
        if nxt is not None and nxt.kind == "ZONE" and (self._tagged_thing(np, self._look_before()) or (
                words.can_be(head, "NOUN") and not lexicon.is_adjective(head) and head not in lexicon.STYLE_WORDS
                and not lexicon.is_setting(head) and head not in lexicon.ABSTRACT and head not in _NOT_TAGGED_THINGS)):
            return True
        previous = self.chunks[self.index - 1] if self.index > 0 else None
        if previous is not None and previous.kind == "COMMA" and nxt is not None and nxt.kind == "REL" and (
                np.modifiers and np.noun not in lexicon.STYLE_WORDS and not lexicon.is_setting(np.noun or "")
                and words.can_be(np.noun or "", "NOUN") and np.noun not in lexicon.MASS_NOUNS):
            return True  # "..., small rowboat behind them": a thing, placed
        if previous is not None and previous.kind not in ("SENT", "THERE", "FILLER"):
            return False
        after = self.chunks[self.index + 2].np if nxt is not None and nxt.kind == "AND" and (
            self.index + 2 < len(self.chunks)) else None
        if after is not None and after.det in ("a", "an") and not after.plural and lexicon.category(
                after.noun or "") in (priors.PERSON, priors.ANIMAL) and self._plain_noun(np):
            return True  # "grim reaper and a cheerful little girl": one of two, the other said with "a"
        return (nxt is not None and (nxt.kind in ("REL", "VERB", "WITH") or nxt.kind == "DETAIL" and nxt.value != "about")
                # ("eraser shaped like a strawberry"; but "How about a bus …" asks)
                and (words.can_be(head, "NOUN") or words.is_concrete(head))  # ("clothesline": WordNet's only)
                and np.noun not in lexicon.STYLE_WORDS and np.noun not in lexicon.ABSTRACT and not np.modifiers)

    @staticmethod
    def _plain_noun(np: NounPhrase) -> bool:
        """A noun that can name a thing: no style, abstract, setting or material word."""
        head = (np.noun or "").rsplit(" ", 1)[-1]
        return (words.can_be(head, "NOUN") and np.noun not in lexicon.STYLE_WORDS and np.noun not in lexicon.ABSTRACT
                and not lexicon.is_setting(np.noun or "") and np.noun not in lexicon.MATERIALS
                and not lexicon.is_adjective(head))

    def _proper(self, np: NounPhrase) -> bool:
        """'Earth in the background': a capitalised name inside a sentence is a thing."""
        if len(np.head) != 1 or np.modifiers or not np.head[0].text[:1].isupper():
            return False
        previous = self.tokens[np.start - 1].low if np.start > 0 else "."
        return previous not in (".", "!", "?", ";", ":", '"') and np.noun not in lexicon.STYLE_WORDS

    def _placed_elsewhere_next(self, mention: Mention) -> bool:
        """Whether a place on the canvas follows that differs from where this one already is."""
        nxt = self._next()
        if nxt is None or nxt.kind != "ZONE" or not isinstance(nxt.value, tuple) or mention.zone == (None, None):
            return False
        return any(new is not None and old is not None and new != old for new, old in zip(nxt.value, mention.zone, strict=True))

    def _tagged_alone(self, noun: str | None) -> bool:
        """Whether one thing of this name was tagged with its count run in ('1girl') and nothing said of it
        yet: 'elf girl with silver hair' after it describes that girl."""
        return noun in self.tagged_once and any(
            m.noun == noun and m.count == 1 and not (m.modifiers or m.details or m.actions) for m in self.out.mentions)

    def _mention_for(self, np: NounPhrase, role: str) -> int:
        """The mention a noun phrase stands for: an earlier one ('the cat'), or a new one."""
        colours_only = all(t.text.islower() and (t.low in lexicon.COLOURS or t.low in lexicon.COLOUR_SHADES)
                           for t in np.modifiers)  # (but "Baby Bear" is a name)
        said_before = np.det is None and np.count is None and not np.plural and np.noun is not None and any(
            m.noun == np.noun and m.count == 1 and {t.low for t in np.modifiers} <= {w.lower() for w in m.modifiers}
            for m in self.out.mentions)  # "… a old lady. Old lady is smiling": the same lady, its article dropped
        said_before = said_before or np.det is None and np.count is None and not np.plural and self._tagged_alone(np.noun)
        if np.det is None and np.count is None and not np.plural and (colours_only or said_before) and np.noun is not None:
            # "mug left of laptop, laptop left of succulent": a bare name said again is the same thing
            # ("one wolf. wolf grey, pigs pink": the same wolf, coloured)
            said = {t.low for t in np.modifiers}
            for index in reversed(range(len(self.out.mentions))):
                had = {m.lower() for m in self.out.mentions[index].modifiers} & (lexicon.COLOURS | lexicon.COLOUR_SHADES)
                if self.out.mentions[index].noun == np.noun and had and said and not said & had:
                    break  # "white cat, black cat, grey cat": another of the kind, in another colour
                if self.out.mentions[index].noun == np.noun and self._placed_elsewhere_next(self.out.mentions[index]):
                    break  # "woman on the left in red, woman on the right in blue": another one
                if self.out.mentions[index].noun == np.noun and self.out.mentions[index].count == 1:
                    had = {m.lower() for m in self.out.mentions[index].modifiers}
                    self.out.mentions[index].modifiers.extend(t.text for t in np.modifiers if t.low not in had)
                    self._touch(index, role)
                    return index
        member = self._ordinal_member(np)
        if member is not None:
            return member  # "three kids …, the third kid is just watching": one of the three
        again = self._said_again(np)
        if again is not None:
            self._touch(again, role)
            return again
        if role == "object" and np.count == 1 and self.tokens[np.start].low == "one" and np.noun is not None and (
                not np.modifiers):
            plural = self._plural_named(np.noun)
            if plural is not None:  # "3 red apples … a worm peeking out of one apple": one of those
                self._touch(plural, role)
                return plural
        said_firmly = {t.low for t in self.tokens[max(0, np.start - 1):np.start + 3]} & {"the", "only", "just"}
        if np.count == 1 and said_firmly and not np.plural and np.noun is not None:
            same = [i for i, m in enumerate(self.out.mentions) if m.noun == np.noun and m.count == 1]
            if len(same) == 1:  # "one crow on a mailbox, just the one crow", "dinosaur, only one dinosaur green"
                self.out.mentions[same[0]].modifiers.extend(
                    t.text for t in np.modifiers if t.text not in self.out.mentions[same[0]].modifiers)
                self._touch(same[0], role)
                return same[0]
        if np.det in ("my", "our", "his", "her", "their") and np.count is None and not np.plural and np.noun:
            # "a bride and her mom. …; her mom sits in an armchair": the same mom, said of again in a
            # later sentence ("my cousin … my cousin is in the middle" in any)
            nxt = self._next()
            described = nxt is not None and (nxt.kind in ("WEAR", "WITH") or nxt.kind == "REL" and nxt.value == "inside"
                                             or nxt.kind in ("VERB", "POSE") and lexicon.category(np.noun) == priors.PERSON)
            # ("my wife and her mom …, her mom in a flowered blouse": said again to be dressed; "…, her
            # neighbor leaning on a rake": said again to say what she does)
            before = len(self.out.mentions) if np.det in ("my", "our") or described else self.sentence_start
            same = [i for i in range(before) if self.out.mentions[i].noun == np.noun and self.out.mentions[i].count == 1]
            if len(same) == 1:
                self._touch(same[0], role)
                return same[0]
        if np.det in lexicon.DEFINITE and np.count is None:
            for index in reversed(range(len(self.out.mentions))):
                earlier = self.out.mentions[index].noun
                prefix = earlier[:-len(np.noun)].strip() if earlier.endswith(np.noun) else ""
                same = earlier == np.noun or (len(np.noun) > 2 and len(prefix) > 2 and (
                    earlier[-len(np.noun) - 1] == " " or words.is_english(prefix)))  # "the fire": the campfire
                # (but "the man" is not "the woman", nor "the snowman")
                if same and earlier != np.noun and lexicon.category(np.noun) == priors.PERSON and (
                        self.out.mentions[index].category != priors.PERSON or earlier in NOT_HUMAN):
                    same = False
                placing = all(t.low in _PLACE_WORDS for t in np.modifiers)  # "the top shelf" of the bookshelf
                first, _, last = np.noun.rpartition(" ")
                held = earlier.rsplit(" ", 1)[-1] in _HOLDERS_OF.get(last, ()) and (not first or first in _PLACE_WORDS)
                said = {t.low for t in np.modifiers}
                again = same and bool(said) and said <= {w.lower() for w in self.out.mentions[index].modifiers}
                if (same or held) and placing or again:  # "the bottom shelf": of the bookcase; "the baby bear" again
                    self._touch(index, role)
                    return index
            described = self._described_person(np)
            if described is None:
                described = self._described_animal(np)
            if described is not None:
                self._touch(described, role)
                return described
        return self._new_mention(np, role)

    def _said_again(self, np: NounPhrase) -> int | None:
        """'2 little kids …, kids in white tees': a plural said again without a number is the plural
        named before; 'father and daughter …, dad in a bucket hat': another word for the same kin;
        'Maybe seagulls? Yes, a few seagulls.': an uncounted many said again, still uncounted."""
        if np.vague and np.plural and np.noun is not None and not np.modifiers:
            same = [i for i, m in enumerate(self.out.mentions) if m.noun == np.noun and m.uncounted and m.count > 0]
            if len(same) == 1 and same[0] < self.sentence_start:
                return same[0]  # (but "some apples on a table and some apples in a bowl": two lots)
        opened = self.tokens[np.start].low if np.start < len(self.tokens) else ""
        if (opened in ("both", "all") or np.det == "the" and np.count is None) and np.plural and (
                np.noun in _GENERAL_ANIMALS):
            kinds = [i for i, m in enumerate(self.out.mentions) if m.count > 1 and m.parent is None and m.noun != np.noun
                     and (np.count is None or np.count == m.count)
                     and (words.general_animal(m.noun) == np.noun or np.noun in ("animal", "pet", "creature")
                          and m.category == priors.ANIMAL)]
            if len(kinds) == 1:
                return kinds[0]  # "a pair of dachshunds, both dogs in red sweaters": the dachshunds
        if np.det == "the" and not np.plural and np.count is None and np.noun in _GENERAL_ANIMALS and not np.modifiers:
            kinds = [i for i, m in enumerate(self.out.mentions) if m.count == 1 and m.parent is None
                     and m.category == priors.ANIMAL and words.general_animal(m.noun) == np.noun]
            if len(kinds) == 1 and not any(m.noun == np.noun for m in self.out.mentions):
                return kinds[0]  # "a white samoyed on a white rug, you can barely tell where the dog ends": it
        if np.count is not None or np.noun is None or np.det not in (None, "the", *lexicon.POSSESSIVES):
            return None
        if np.det == "the" and not np.plural and np.noun in self.grouped_by and not np.modifiers:
            return self.grouped_by[np.noun]  # "a stack of three suitcases …, a hatbox beside the stack"
        if self._capitalised(np) and np.end - np.start == 1:
            # "Mama Bear, Papa Bear and Baby Bear …. Papa in a plaid shirt": the name said again
            name = self.tokens[np.start].text
            same = [i for i, m in enumerate(self.out.mentions) if m.count == 1 and (
                name in m.modifiers or name in m.head.split()[1:])]
            if len(same) == 1:
                return same[0]
        written = np.head[-1].low if np.head else ""
        if np.det == "the" and written.endswith("s") and not np.modifiers:
            # "two wine glasses …, a bottle next to the glasses": the plural said again by its head
            stems = {written[:-1], written[:-2]}
            same = [i for i, m in enumerate(self.out.mentions) if m.count > 1 and m.noun != np.noun
                    and " " in m.noun and m.noun.rsplit(" ", 1)[-1] in stems]
            if len(same) == 1:
                return same[0]
        if np.plural:
            same = [i for i, m in enumerate(self.out.mentions) if m.noun == np.noun and m.count > 1]
            return same[0] if len(same) == 1 and not np.modifiers else None
        kin = _KIN_WORDS.get(np.noun)
        if kin is None or any(m.noun == np.noun for m in self.out.mentions):
            return None
        same = [i for i, m in enumerate(self.out.mentions) if m.noun in kin and m.count == 1]
        return same[0] if len(same) == 1 else None

    def _described_person(self, np: NounPhrase) -> int | None:
        """'a man and his son ...; the boy in a life jacket': a definite description of someone
        already there, when exactly one earlier person fits it and none is named so."""
        kin = _SAME_PERSON.get(np.noun or "")
        if any(m.noun == np.noun for m in self.out.mentions):
            return None
        member = self._member_of_children(np)
        if member is not None:
            return member
        # "two brothers and their sister …; the boys wear trunks": the plural fits a plural
        fitting = [i for i, m in enumerate(self.out.mentions) if m.noun in (kin or ()) and (m.count > 1) == np.plural]
        children = [i for i in fitting if self.out.mentions[i].noun in _CHILDREN]
        if len(fitting) > 1 and len(children) == 1 and np.noun in ("boy", "girl"):
            fitting = children  # "my son and his 2 kids …, the girl …, the boy": one of the kids, not the son
        if len(fitting) == 1:
            found = self.out.mentions[fitting[0]]
            if found.noun in _CHILDREN and np.noun in ("boy", "girl") and found.count == 1:
                found.noun, found.head = np.noun, np.noun  # "her 2 kids …, the little girl …, the boy": the other one
            return fitting[0]
        if not fitting and np.plural and np.det == "the" and lexicon.category(np.noun or "") == priors.PERSON:
            # "three ballerinas …; the mirror behind the dancers": the only group of people there
            groups = [i for i, m in enumerate(self.out.mentions) if m.is_person and m.count > 1]
            return groups[0] if len(groups) == 1 else None
        return None

    def _member_of_children(self, np: NounPhrase) -> int | None:
        """'my daughter and her 2 kids …, the little girl …, the boy …': 'the girl' after a number of
        children is one of them, named so (not the daughter)."""
        if np.noun not in ("boy", "girl") or np.plural or np.det != "the":
            return None
        groups = [i for i, m in enumerate(self.out.mentions) if m.noun in _CHILDREN and m.count > 1]
        nxt = self._next()
        clause = nxt is not None and nxt.kind in ("COPULA", "VERB")  # "the little girl is standing on a stool"
        if len(groups) != 1 or any(announcer == groups[0] for announcer, _, _ in self.announced) and not clause:
            return None  # "two kids on a bench, the girl …, the boy …": the list after them names them
        self.last = groups[0]
        if not self._distribute([]):
            return None
        member = self.out.mentions[self.last]
        member.noun, member.head = np.noun, np.noun
        member.modifiers = [t.text for t in np.modifiers] + member.modifiers
        return self.last

    def _described_animal(self, np: NounPhrase) -> int | None:
        """'a boy hugging his golden retriever, the dog licking his face': a general word for an animal
        named more precisely before ('the animal', 'the pet' for any), when exactly one fits."""
        noun = np.noun or ""
        if noun not in _GENERAL_ANIMALS or any(m.noun == noun for m in self.out.mentions):
            return None
        general = _YOUNG_ANIMALS.get(noun, noun)
        fitting = [i for i, m in enumerate(self.out.mentions) if m.count == 1 and (
                       m.category == priors.ANIMAL or words.general_animal(m.noun) is not None)
                   and (noun in ("animal", "pet", "creature") or m.noun not in _GENERAL_ANIMALS
                        and words.general_animal(m.noun) == general)]  # "the cat" is no hen
        return fitting[0] if len(fitting) == 1 else None

    def _new_mention(self, np: NounPhrase, role: str) -> int:
        noun = np.noun
        assert noun is not None
        # "some apples", "several kites": nobody counted them either; only people are each drawn
        crowd = np.grouped and any(t.low in ("crowd", "throng") for t in self.tokens[np.start:np.start + 3])
        crowd = crowd and lexicon.category(noun) == priors.ANIMAL  # "a crowd of pigeons" (but "a crowd of fans": six)
        vague_things = (np.vague or crowd) and (np.plural or noun in lexicon.ZERO_PLURALS) and (
            lexicon.category(noun) != priors.PERSON)
        count = None if vague_things else np.count
        if np.vague and not vague_things and np.plural:
            count = lexicon.DEFAULT_PLURAL_COUNT  # "many students", "several kids": nobody counted them, so three
        said_count = count
        many = False
        if count is None:
            # "a leather shoes", "a cubic dice": after "a" the user means one; "herding sheep": many
            herd = (noun in lexicon.HERD_PLURALS or vague_things) and np.det is None and np.head and np.head[-1].low == noun
            plural = (np.plural or herd) and noun not in lexicon.PLURALIA_TANTUM and np.det not in lexicon.ARTICLES
            natural = lexicon.NATURAL_COUNTS.get(noun) or (
                lexicon.KIN_PAIRS.get(noun) if np.det in ("my", "his", "her", "your") else None) or next(
                (lexicon.COUNTING_MODIFIERS[t.low] for t in np.modifiers if t.low in lexicon.COUNTING_MODIFIERS), None)
            count = (natural or lexicon.DEFAULT_PLURAL_COUNT) if plural else 1
            # "feeding pigeons", "bees buzzing around him": how many was not said, so one box holds
            # them all; people are each drawn (and posed), so "kids playing" are several
            many = plural and natural is None and lexicon.category(noun) != priors.PERSON
        if np.pair and (noun in lexicon.PLURALIA_TANTUM or noun in _USED_AS_A_PAIR):
            count = np.pairs  # "a pair of scissors" is one pair, and so is "a pair of chopsticks"
        # "a pile of laundry", "a basket of fruit": one heap of stuff, captioned so
        heap = np.grouped and not np.plural and noun not in lexicon.ZERO_PLURALS and noun not in lexicon.HERD_PLURALS
        if heap:
            count = 1
        written = [t.text for t in np.head]
        head = " ".join(written[:-1] + [noun.split()[-1]]) if np.plural or not written else " ".join(written)
        if written and written[-1].lower() in lexicon.ALIASES:
            head = noun  # "on horseback": a horse
        elif written and not np.plural and written[-1].lower() != noun.split()[-1] and (
                words.correct(written[-1].lower()) == noun.split()[-1]):
            head = " ".join(written[:-1] + [noun.split()[-1]])  # "a bycicle" is captioned "a bicycle"
        if heap:
            first = np.start + 1 if self.tokens[np.start].low in lexicon.ARTICLES else np.start
            head = self._text(first, np.end)
        if noun == "couple" and np.count is None:
            noun, head, count = "person", "person", 2 * count  # "a couple dancing": two people
        detail = None
        if self.partitive is not None:
            (head, whole), self.partitive = self.partitive, None
            detail = ("of", whole)
        category = lexicon.category(noun)
        if category is None and " " in noun:
            category = lexicon.category(noun.rsplit(" ", 1)[1])
        if category is None and np.head and np.head[-1].text[:1].isupper() and np.head[0].text.islower() and (
                noun.endswith(("er", "or", "ist", "ian")) or words.usual_kind(noun) == "person"):
            category = priors.PERSON  # "our designer Jonah": someone with a name
        # "a red and a blue cup": the phrases that waited for a head come first.
        for earlier in self.ellipsis:
            self.out.mentions.append(Mention(noun, earlier.count or 1, category, head,
                                             [t.text for t in earlier.modifiers]))
        self.ellipsis = []
        uncounted = (said_count is None or np.vague and np.plural) and count == lexicon.DEFAULT_PLURAL_COUNT and (np.plural or vague_things)
        many = many and uncounted and not heap and noun != "person"
        mention = Mention(noun, count, category, head, [t.text for t in np.modifiers],
                          proper=self._proper(np), uncounted=uncounted, many=many)
        if detail is not None:
            mention.add_detail(*detail)
        if self.pending_zone is not None:
            mention.zone, self.pending_zone = self.pending_zone, None
        if self.outfit_first and category in (priors.PERSON, priors.ANIMAL):
            self._dress_in_outfit_first(mention)  # "Dressed in a red coat, a girl walks her dog"
        self.out.mentions.append(mention)
        index = len(self.out.mentions) - 1
        if np.grouped:
            for k in range(np.start, np.end - 1):
                if self.tokens[k + 1].low == "of" and self.tokens[k].low in _GROUP_WORDS:
                    self.grouped_by[self.tokens[k].low] = index
        self._touch(index, role)
        return index

    def _touch(self, index: int, role: str) -> None:
        self.last, self.last_role = index, role
        if role == "object":
            self.owner = index
        self.frame_open = False
        self.after_copula = False


def _owner_token(token: Token) -> Token:
    """The owner's word of a possessive token: "the scarecrow's" -> "scarecrow", and "husbands"
    typed for "husband's" -> "husband"."""
    text = token.text.lower()
    cut = 2 if text.endswith(("'s", "\u2019s")) else 1 if text.endswith("s") and text != token.low[:-2] else 0
    return Token(token.text[:len(token.text) - cut], token.low[:-2], token.start, token.end - cut)  # ("my uncle shop")


def _no_thing_to_draw(noun: str, verb: str | None) -> bool:
    """Whether the object of a verb of doing is a deed ('a wish', 'a speech', 'a race', 'a pose'): an
    English noun no list of ours knows whose usual sense WordNet files as no thing to draw; or, after
    'do' or 'perform', a word no table knows ('doing a kickflip', 'performing a backflip')."""
    if lexicon.is_known_noun(noun) or lexicon.category(noun) is not None or words.is_concrete(noun):
        return False
    if not words.is_english(noun):
        return verb in ("do", "perform")
    return "NOUN" in words.lemmas(noun) and words.usual_kind(noun) is None
