"""How big things are and what shape: size priors by kind of object, for any layout.

Sizes are in *scene units*, where a standing adult is 1.0 tall. Real-world ratios are compressed
(a cup is not 1/12 of a person here) so that small things stay visible next to big ones. The
layout solver scales the whole scene onto the canvas, so only the ratios matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from scenes import poses as pose_library


@dataclass(frozen=True)
class SizePrior:
    height: float  # scene units (standing adult = 1.0)
    aspect: float  # width / height, in pixels
    category: str = "object"

    @property
    def width(self) -> float:
        return self.height * self.aspect


# Categories the planners reason with: people take poses and clothing; "sky" things float high.
PERSON, ANIMAL, VEHICLE, FURNITURE, FOOD, PLANT, BUILDING, SKY, OBJECT = (
    "person", "animal", "vehicle", "furniture", "food", "plant", "building", "sky", "object")  # fmt: skip

# name: (height, aspect, category). One table, read once: (h, a) pairs are rough photo framings.
_TABLE: dict[str, tuple[float, float, str]] = {}


def _add(category: str, entries: str) -> None:
    # "name h a; name h a; ..." keeps a few hundred priors readable without a line each.
    for entry in entries.split(";"):
        entry = entry.strip()
        if entry:
            *words, height, aspect = entry.split()
            _TABLE[" ".join(words)] = (float(height), float(aspect), category)


_add(PERSON, """
    person 1 .38; man 1 .38; woman 1 .38; lady 1 .38; gentleman 1 .38; guy 1 .38; adult 1 .38;
    boy .8 .38; girl .8 .38; child .7 .4; kid .7 .4; toddler .5 .45; baby .4 .7; teenager .95 .38;
    grandmother .95 .38; grandfather .95 .38; grandma .95 .38; grandpa .95 .38; mother 1 .38;
    father 1 .38; mom 1 .38; dad 1 .38; son .8 .38; daughter .8 .38; brother .9 .38; sister .9 .38;
    friend 1 .38; couple 1 .38; student .95 .38; teacher 1 .38; doctor 1 .38; nurse 1 .38;
    chef 1 .38; cook 1 .38; waiter 1 .38; waitress 1 .38; farmer 1 .38; soldier 1 .38;
    knight 1 .4; king 1 .4; queen 1 .4; prince 1 .38; princess 1 .38; wizard 1 .4; witch 1 .4;
    astronaut 1 .45; pilot 1 .38; police officer 1 .38; policeman 1 .38; policewoman 1 .38;
    firefighter 1 .4; fireman 1 .4; worker 1 .38; businessman 1 .38; businesswoman 1 .38;
    player 1 .4; athlete 1 .4; runner 1 .4; dancer 1 .45; ballerina 1 .45; singer 1 .38;
    musician 1 .4; guitarist 1 .45; drummer 1 .5; painter 1 .38; artist 1 .38; photographer 1 .38;
    tourist 1 .38; hiker 1 .4; surfer 1 .4; skier 1 .45; skateboarder 1 .45; cyclist 1 .6;
    cowboy 1 .4; pirate 1 .4; ninja 1 .4; samurai 1 .4; clown 1 .4; monk 1 .38; priest 1 .38;
    bride 1 .45; groom 1 .38; scientist 1 .38; detective 1 .38; fisherman 1 .4; sailor 1 .38;
    elf .8 .38; fairy .6 .6; angel 1 .7; superhero 1 .45; zombie 1 .4; vampire 1 .38;
    robot 1 .5; android 1 .4; snowman .9 .6; mannequin 1 .38
""")
_add(ANIMAL, """
    animal .5 1.2; pet .45 1.2; cat .35 1.2; kitten .25 1.1; dog .5 1.2; puppy .35 1.1;
    horse 1.15 1.3; pony .9 1.2; donkey 1 1.3; cow .9 1.5; calf .6 1.3; bull 1 1.5;
    sheep .7 1.3; lamb .5 1.2; goat .7 1.2; pig .6 1.5; piglet .3 1.4; chicken .35 .9;
    rooster .45 .9; hen .35 1; chick .15 1; duck .35 1.1; duckling .15 1; goose .55 1;
    swan .6 1.2; bird .25 1; parrot .4 .7; owl .45 .75; eagle .55 1.2; hawk .5 1.1;
    pigeon .25 1.1; crow .3 1.1; seagull .3 1.3; penguin .6 .6; flamingo .9 .6; peacock .8 1.2;
    rabbit .3 .9; bunny .3 .9; hamster .12 1.3; mouse .12 1.4; rat .15 1.6; squirrel .3 1;
    hedgehog .2 1.3; fox .5 1.4; wolf .7 1.4; deer 1.1 1.1; moose 1.5 1.2; bear 1.1 1.3;
    panda 1 1.2; koala .5 .9; lion 1 1.5; lioness .9 1.5; tiger 1 1.6; leopard .8 1.6;
    cheetah .8 1.7; elephant 2 1.3; giraffe 2.8 .7; zebra 1.2 1.4; rhino 1.4 1.6;
    hippo 1.2 1.7; camel 1.8 1.2; kangaroo 1.3 .8; monkey .6 .8; gorilla 1.2 1; chimpanzee .9 .9;
    sloth .5 1.2; frog .12 1.2; toad .12 1.2; turtle .25 1.7; tortoise .35 1.6; snake .25 2.5;
    lizard .15 2.2; crocodile .5 3.5; alligator .5 3.5; dinosaur 2 1.5; dragon 2 1.4;
    unicorn 1.3 1.2; fish .2 1.8; goldfish .12 1.6; shark .6 2.5; whale 1.2 3; dolphin .6 2.2;
    octopus .5 1.2; crab .15 1.5; lobster .2 1.8; jellyfish .4 .8; starfish .2 1; seal .5 2;
    otter .35 1.6; beaver .35 1.5; raccoon .35 1.3; butterfly .15 1.3; bee .08 1.2;
    ladybug .06 1.1; spider .1 1.3; snail .1 1.4; ant .05 1.5; dragonfly .1 1.6; worm .05 3
""")
_add(VEHICLE, """
    car .8 2; taxi .8 2; van 1 1.8; jeep .9 1.7; truck 1.3 1.8; pickup .9 1.9; bus 1.5 2.2;
    school bus 1.5 2.2; ambulance 1.2 1.8; fire truck 1.3 2; fire engine 1.3 2; tractor 1.1 1.4; train 1.5 2.8;
    tram 1.3 2.5; motorcycle .9 1.5; motorbike .9 1.5; scooter .8 1.3; bicycle .85 1.6;
    bike .85 1.6; tricycle .5 1.2; skateboard .15 3; airplane 1.2 2.2; plane 1.2 2.2;
    jet 1.1 2.2; helicopter 1 1.8; rocket 2 .35; spaceship 1.2 1.8; boat 1 1.8; ship 1.5 2.2;
    sailboat 1.6 1; yacht 1.2 2; canoe .4 3.5; kayak .35 3.5; submarine .7 2.8;
    hot air balloon 1.6 .8; wagon .7 1.5; cart .7 1.4; carriage 1.1 1.5; stroller .8 .8;
    wheelchair .8 .8
""")
_add(FURNITURE, """
    chair .8 .7; armchair .8 1; stool .6 .6; bench .5 2; couch .75 2.1; sofa .75 2.1;
    throne 1.1 .75; deckchair .8 .7; loveseat .75 1.5; settee .75 2; recliner .9 .9; beanbag .5 1.2;
    pew .8 3; lounger .5 2.5; daybed .6 2; barre .6 3;
    bed .7 1.6; crib .8 1.3; table .65 1.7; dining table .65 1.7; desk .65 1.6;
    coffee table .4 2; nightstand .5 .9; dresser .8 1.2; wardrobe 1.6 .7; cabinet 1 .8;
    cupboard 1.2 .8; shelf .9 1.2; bookshelf 1.6 .9; bookcase 1.6 .9; counter .8 2;
    fireplace 1.1 1.1; campfire .35 1.6; bonfire .6 1.2; lamp .7 .5; floor lamp 1.4 .3; chandelier .6 1; mirror .8 .7;
    door 1.6 .5; window .9 .9; curtain 1.4 .6; rug .15 3; carpet .15 3; pillow .2 1.5;
    cushion .2 1.3; blanket .25 2; refrigerator 1.2 .55; fridge 1.2 .55; oven .7 1;
    stove .7 1; microwave .35 1.6; toaster .22 1.3; dishwasher .7 .8; washing machine .7 .8;
    sink .4 1.4; toilet .6 .7; bathtub .5 2.2; tv .5 1.6; television .5 1.6; monitor .4 1.5;
    computer .4 1.3; piano .9 1.5; grand piano 1 1.4; clock .25 1; painting .6 1.3;
    picture .5 1.3; poster .6 .75; blackboard 1 1.7; chalkboard 1 1.7; whiteboard 1 1.7; fence .6 3; gate 1 1.2; mailbox .9 .4; vending machine 1.4 .6
""")
_add(FOOD, """
    apple .13 1; orange .13 1; banana .14 1.6; lemon .11 1.2; lime .1 1.1; pear .16 .8;
    peach .13 1; plum .1 1; cherry .08 .9; strawberry .09 .9; grape .07 .9;
    watermelon .3 1.5; melon .25 1.2; pineapple .35 .6; mango .13 1.3; coconut .16 1;
    avocado .12 .8; tomato .12 1.1; potato .12 1.3; carrot .08 2.5; broccoli .15 1.1;
    cabbage .2 1.1; lettuce .18 1.2; pumpkin .3 1.3; corn .25 .4; mushroom .12 1;
    onion .12 1; pepper .13 .9; cucumber .08 2.5; eggplant .12 1.8; egg .08 .8; bread .15 1.8;
    loaf .15 1.8; baguette .1 4; croissant .1 1.6; bagel .1 1.4; donut .12 1.4;
    doughnut .12 1.4; cake .25 1.3; cupcake .12 .9; pie .12 2; cookie .06 1.4; muffin .12 1;
    sandwich .12 1.5; burger .15 1.3; hamburger .15 1.3; hot dog .1 2.2; pizza .2 1.8;
    taco .1 1.6; burrito .1 2.2; sushi .08 1.5; steak .1 1.6; salad .15 1.7; soup .14 1.7;
    noodles .14 1.6; spaghetti .14 1.6; cheese .12 1.3; chocolate .08 1.6; candy .06 1.3;
    lollipop .2 .5; ice cream .22 .6; popsicle .2 .4; pancake .08 2; waffle .08 1.6
""")
_add(PLANT, """
    tree 2.5 .8; palm tree 2.6 .6; pine tree 2.4 .55; christmas tree 1.8 .65; bush .6 1.5;
    shrub .6 1.5; plant .5 .8; potted plant .5 .8; houseplant .5 .8; cactus .6 .6;
    flower .3 .6; rose .25 .5; tulip .25 .45; sunflower .8 .5; daisy .2 .6; lily .3 .6;
    orchid .35 .7; bouquet .4 .8; leaf .1 1.3; vine 1 .5
""")
_add(BUILDING, """
    house 2 1.4; cottage 1.6 1.4; cabin 1.6 1.5; barn 2 1.5; hut 1.3 1.2; tent .9 1.5;
    building 3 .8; skyscraper 4 .35; tower 3.5 .4; lighthouse 2.8 .4; castle 2.5 1.3;
    palace 2.2 1.8; church 2.6 .9; temple 2 1.4; windmill 2.6 .6; bridge 1.2 3.5; arch 2.2 1; archway 2.2 1; gazebo 2 1.3;
    statue 1.2 .4; fountain 1 1.2; monument 2 .6; pyramid 2 1.7; well .8 1;
    street lamp 1.8 .2; streetlight 1.8 .2; lamppost 1.8 .2; traffic light .8 .35;
    stop sign .9 .5; sign .8 .8; signpost 1.3 .4; fire hydrant .5 .6; hydrant .5 .6;
    parking meter .9 .3; telephone booth 1.6 .45; bus stop 1.5 1.2; swing 1.2 1.1; slide 1 1.5
""")
_add(SKY, """
    sun .4 1; moon .3 1; cloud .4 2; rainbow 1.2 2; star .1 1; kite .5 1; balloon .3 .75;
    drone .15 2; ufo .5 2.2; firework .6 1; fireworks .6 1.2
""")
_add(OBJECT, """
    backpack .4 .75; bag .3 1; handbag .25 1.2; purse .22 1.2; suitcase .55 .8; luggage .55 .8;
    briefcase .3 1.3; wallet .07 1.4; umbrella .7 1.3; parasol .8 1.3; tie .35 .3;
    hat .18 1.4; cap .14 1.4; helmet .2 1.2; crown .12 1.5; shoe .1 1.8; boot .2 .9;
    glasses .06 2.2; sunglasses .06 2.2; watch .06 1; scarf .3 .8; glove .12 .9;
    frisbee .08 2.5; skis .2 3; ski .2 3; snowboard .25 3; sports ball .15 1; ball .15 1;
    football .15 1.2; soccer ball .15 1; basketball .17 1; baseball .08 1; tennis ball .07 1;
    volleyball .16 1; baseball bat .6 .15; bat .6 .15; baseball glove .18 1;
    tennis racket .45 .5; racket .45 .5; surfboard .35 3.5; golf club .7 .15; hockey stick .7 .3;
    bottle .3 .35; wine bottle .33 .3; water bottle .25 .35; wine glass .24 .5; glass .16 .6;
    cup .15 .9; drink .15 .6; mug .15 1; teacup .1 1.3; saucer .05 2.8; plate .07 2.6; bowl .13 2;
    fork .2 .3; knife .2 .3; spoon .2 .3; chopsticks .22 .3; teapot .22 1.3; kettle .25 1.1;
    pot .22 1.3; pan .1 2.5; jar .2 .7; vase .3 .6; basket .25 1.4; bucket .25 1; box .25 1.2;
    gift .2 1; present .2 1; package .2 1.2; crate .3 1.2; barrel .5 .7; candle .15 .4;
    lantern .25 .6; laptop .28 1.3; computer mouse .06 .7; keyboard .1 3; computer keyboard .1 3;
    remote .18 .35; tv remote .18 .35; remote control .18 .35; phone .16 .55;
    cell phone .16 .55; cellphone .16 .55; smartphone .16 .55; telephone .15 1.2; tablet .2 1.3;
    camera .12 1.4; headphones .15 1; radio .18 1.4; speaker .3 .7; book .18 .75;
    notebook .15 .8; newspaper .2 1.2; magazine .2 .75; letter .08 1.4; pen .15 .15;
    pencil .15 .15; paintbrush .2 .15; scissors .16 .7; hair drier .2 1; hair dryer .2 1;
    toothbrush .2 .3; comb .05 2.5; brush .15 .5; towel .3 .8; soap .05 1.5; key .05 1.6;
    lock .08 .8; hammer .25 .6; axe .4 .5; saw .15 2.5; shovel .8 .25; rake .8 .3;
    broom .9 .25; ladder 1.3 .35; rope .1 2; chain .1 2; sword .7 .2; shield .35 .8;
    bow .5 .4; arrow .05 5; gun .12 2; cannon .5 1.8; wand .2 .1; teddy bear .3 .8; toy .2 1;
    doll .25 .5; puzzle .1 1.5; guitar .6 .4; violin .4 .35; cello .9 .45; drum .35 1.2;
    trumpet .12 2; saxophone .5 .4; sax .5 .4; flute .05 5; microphone .2 .3; mic .2 .3; mic stand 1 .25;
    microphone stand 1 .25; amp .5 1.2; amplifier .5 1.2; synth .12 3; synthesizer .12 3; trophy .25 .7; medal .08 .8;
    flag .6 1.4; map .25 1.4; globe .3 .85; sculpture .5 .6; bell .15 1; coin .04 1;
    tire .4 1; wheel .4 1; battery .08 .5; light .4 1; light bulb .1 .7; fan .4 1; heater .4 1.2;
    trash can .5 .7; bin .5 .7; paper .1 1.3; card .06 1.4; envelope .08 1.5; rock .35 1.4;
    stone .2 1.4; boulder .7 1.4; log .25 3; shell .08 1.3; feather .15 .4; egg carton .1 2.2;
    carton .12 1.8; cage .6 1; birdcage .6 .8; nest .15 1.6; tank .4 1.6; fish tank .4 1.6; fishbowl .3 1.1;
    fish bowl .3 1.1; goldfish bowl .3 1.1; drawer .2 2;
    pouch .15 1; sack .4 .8; hammock .3 2.5; anvil .35 1.3; microscope .35 .6;
    telescope .6 1.2; easel 1.4 .6; workbench .8 1.8; tote .35 .9; placemat .02 1.5; tray .06 5; cart .7 1.4; shadow .1 2.5; reflection .3 1
""")

GENERIC = SizePrior(0.45, 1.0, OBJECT)
PERSON_HEIGHT = 1.0  # a standing adult, the unit of the scale

NOUNS = frozenset(_TABLE)
MULTIWORD_NOUNS = frozenset(name for name in _TABLE if " " in name)


def category(name: str) -> str | None:
    """The category of a known noun (singular, lower case), else None."""
    entry = _TABLE.get(name)
    return entry[2] if entry else None


@lru_cache(maxsize=64)
def _pose_shape(pose: str) -> tuple[float, float]:
    """(height, width) of a pose's body extent in figure units (standing is about 1.0 tall)."""
    x0, y0, x1, y1 = pose_library.figure_extent(pose_library.figure_keypoints(pose))
    return y1 - y0, x1 - x0



def prior_for(name: str, pose: str | None = None) -> SizePrior:
    """The size prior of an instance, from its (singular) name and optional pose-library name.

    Unknown multi-word names fall back on their last word ('coffee mug' -> 'mug'); unknown
    names get a generic medium prior. A pose changes a person's shape: a lying person is wide.
    """
    key = name.strip().lower()
    entry = _TABLE.get(key)
    if entry is None and " " in key:
        entry = _TABLE.get(key.rsplit(" ", 1)[1])
    prior = SizePrior(*entry) if entry else GENERIC
    if pose is None or pose not in pose_library.POSE_NAMES:
        return prior
    standing_h, _ = _pose_shape("standing")
    pose_h, pose_w = _pose_shape(pose)
    scale = prior.height / standing_h if prior.category == PERSON else PERSON_HEIGHT / standing_h
    return SizePrior(pose_h * scale, pose_w / pose_h, PERSON)
