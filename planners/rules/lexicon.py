"""The closed word classes of scene descriptions: what each word can do in a sentence.

Object nouns and their sizes live in `planners.priors` (shared with every planner); this module
adds what only a parser needs: counts, attributes, clothing and parts, settings, verbs and poses.
Everything here is plain sets and dicts built once at import (well under a millisecond).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path

from planners import priors


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ARTICLES = _words("a an")
DEFINITE = _words("the this that these those")
POSSESSIVES = _words("his her their its my our your one's someone's")
# Determiners that start a noun phrase without saying how many.
DETERMINERS = ARTICLES | DEFINITE | POSSESSIVES | _words("another each every any")

NUMBER_WORDS: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "single": 1, "lone": 1, "both": 2, "dozen": 12,
}  # fmt: skip
# Vague quantities, as the number of instances they become.
VAGUE_COUNTS: dict[str, int] = {"several": 3, "some": 3, "few": 3, "many": 5, "numerous": 6, "multiple": 3,
                                "various": 3}
# A plural noun with no number ("cats on a sofa") means a few of them.
DEFAULT_PLURAL_COUNT = 3
# Places with a shape of their own, which become things when the words put them somewhere in the
# picture ("a lake on the right side of the picture").
LANDMARKS = _words("lake pond river mountain hill volcano island waterfall glacier iceberg cliff barn castle "
                   "church temple windmill lighthouse bridge tower house cabin cottage tent fountain")
# Openings and edges of other things: where something is, never a thing of their own ("out of a hole").
OPENINGS = _words("hole holes crack cracks gap gaps rim edge opening crevice slit burrow")
# Shapes that things are heaped or lined up in: "a pyramid of oranges" is oranges.
ARRANGEMENTS = _words("pyramid tower mountain heap mound wall ring circle column sea carpet tangle jumble cascade "
                      "sprinkling scattering spiral arc")
# Words that name a thing by a way of being on it: "a knight on horseback" is on a horse.
ALIASES: dict[str, str] = {"horseback": "horse", "camelback": "camel", "muleback": "mule"}
# Plurals that say their own number: "twins" are two.
NATURAL_COUNTS: dict[str, int] = {"twin": 2, "triplet": 3, "quadruplet": 4, "quintuplet": 5, "newlywed": 2}
# ... and those that do after one person's possessive: "my parents" are two, "parents at a school" many.
KIN_PAIRS: dict[str, int] = {"parent": 2, "grandparent": 2}
# Modifiers that say how many of a plural: "twin girls" are two.
COUNTING_MODIFIERS: dict[str, int] = {"twin": 2, "triplet": 3}

COLOURS = _words(
    "red orange yellow green blue purple pink brown black white gray grey beige tan navy teal "
    "turquoise cyan magenta violet indigo lavender lilac maroon burgundy crimson scarlet golden gold "
    "silver bronze copper olive khaki cream ivory ebony charcoal amber coral peach mint lime emerald "
    "ruby sapphire jade aqua azure cobalt mauve plum rust ochre mustard salmon fuchsia chestnut "
    "blond blonde ginger auburn brunette platinum reddish bluish greenish yellowish pinkish "
    "purplish brownish greyish grayish orangish rainbow multicolored multicoloured colorful colourful "
    "dapple dappled "  # a horse's coat: "a dappled grey mare"
    "sage blush taupe periwinkle cerulean vermilion chartreuse ecru russet sepia umber sienna oxblood"
)
# The plain colours, which a word before them may shade ("cherry red", "jet black", "butter yellow").
BASIC_COLOURS = _words("red orange yellow green blue purple pink brown black white grey gray gold silver")
COLOUR_SHADES = _words("light dark pale bright deep pastel neon vivid hot baby royal sky navy dusty")
MATERIALS = _words(
    "soy beeswax wooden wood metal metallic steel iron glass plastic leather silk cotton wool woolen woollen "
    "knitted knit denim stone marble brick paper cardboard ceramic porcelain clay velvet suede chalk "
    "straw wicker bamboo concrete crystal rubber fur furry fluffy lace linen satin tin chrome "
    "golden silver bronze copper brass felt fleece canvas corduroy tweed cashmere jade ice "
    "obsidian onyx ivory "
    "mahogany teak ebony rosewood cherrywood driftwood plywood "
    "jute rattan burlap hemp sisal cork granite slate terracotta enamel pewter aluminum aluminium "
    "titanium acrylic resin vinyl nylon polyester mesh chiffon tulle "
    "foam wire bone sheepskin lambskin cowhide rawhide"
)
# Trees whose names also name their wood: "an oak desk" is a desk, "a single oak" a tree.
WOODS = _words("oak pine walnut maple cedar birch ash beech elm cherry willow spruce fir redwood")
PATTERNS = _words(
    "patchwork striped stripy plaid checkered checked chequered polka-dot polka-dotted dotted spotted "
    "speckled floral flowered patterned tartan camouflage camo paisley leopard-print zebra-striped "
    "tiger-striped houndstooth argyle gingham tie-dye tie-dyed sequined embroidered"
)
SHAPES = _words(
    "spherical cubic cubical cylindrical conical pyramidal pentagonal hexagonal octagonal oblong teardrop "
    "circular rectangular triangular oval square round crescent curved twisted spiral star-shaped "
    "heart-shaped diamond-shaped egg-shaped domed arched pointed jagged wavy")
# Other descriptive words that are never the head of a noun phrase.
ADJECTIVES = COLOURS | COLOUR_SHADES | MATERIALS | PATTERNS | SHAPES | _words(
    "big small large tiny huge giant little tall short long wide narrow thick thin fat skinny "
    "slim round square oval rectangular triangular flat round-shaped heart-shaped "
    "old young new ancient modern vintage antique retro elderly aged teenage middle-aged "
    "happy sad angry smiling laughing crying cute pretty beautiful handsome ugly scary friendly "
    "shiny glossy matte rusty dusty dirty clean wet dry broken cracked shiny sparkling glowing "
    "soft hard smooth rough fuzzy hairy curly wavy straight bald bearded spiky hi-vis hi-viz high-vis high-viz "
    "hot cold warm cool frozen melting burning empty full open closed heavy light blank bare spare sturdy "
    "fresh ripe rotten sliced cut whole half wild tame domestic sleepy lazy playful curious "
    "realistic photorealistic detailed cinematic cartoon animated stylized miniature "
    "electric vintage fancy elegant simple plain ornate decorative colorful colourful "
    "wooden transparent translucent opaque reflective fluffy furry feathered scaly "
    "sunny snowy rainy foggy misty cloudy stormy windy dusky starry moonlit sunlit dim dark "
    "busy crowded quiet empty calm peaceful lush green grassy sandy rocky muddy icy "
    "male female adult baby giant cozy cosy tidy messy rustic urban rural tropical"
)

# Worn by a person: bound to the wearer's caption, never instances of their own.
CLOTHING = _words(
    "hat cap beanie beret helmet hood crown tiara veil headband bandana turban hijab wig "
    "dress gown skirt shirt t-shirt tshirt blouse top tank-top sweater jumper hoodie cardigan "
    "jacket coat overcoat raincoat parka blazer vest waistcoat suit tuxedo uniform robe kimono "
    "sari apron overalls jumpsuit costume outfit clothes clothing jeans pants trousers shorts "
    "breastplate tabard gauntlets greaves pauldrons chainmail hauberk surcoat cuirass bracers vambraces jerkin "
    "leggings joggers sweatpants wellies wellingtons galoshes tights stockings socks shoes shoe sneakers trainers boots boot sandals heels "
    "slippers scarf shawl poncho cape cloak gloves glove mittens mitten tie bowtie bow-tie "
    "necklace bracelet earrings earring pearls ring watch glasses sunglasses aviators shades goggles spectacles mask "
    "belt badge pin brooch backpack purse handbag bag satchel armor armour swimsuit bikini "
    "pajamas pyjamas nightgown bathrobe"
)
PARTS_MORE = _words("tooth windshield windscreen bumper headlight headlights taillight dashboard trunk "
                    "pigtails dreadlocks scar scars wrinkles dimples afro mohawk stubble goatee sideburns "
                    "whiskers bob mullet fringe limp grin frown tan sunburn muscles reins rein bridle stirrups "
                    "hole holes crack cracks tiptoe tiptoes undercut pompadour quiff topknot cornrows updo "
                    "chignon puffs plaits bunches")
CLOTHING = CLOTHING | _words("blanket collar harness bandana tutu tiara sash vest shirts beanie scrubs kit "
                             "mac macs henley henleys slingback slingbacks maxi midi co-ord roll-neck rollneck crewneck "
                             "fishnets pjs "
                             "spacesuit lab-coat sundress hoodies overcoat trenchcoat turtleneck camouflage "
                             "armour armor fatigues leotard wetsuit apron visor fleece chaps")
CLOTHING = CLOTHING | _words("onesie diaper nappy tracksuit dungarees bib tunic toga anorak windbreaker romper kilt "
                             "sarong fedora balaclava headscarf sombrero stetson clogs loafers oilskin oilskins "
                             "waders lederhosen dirndl hanbok qipao cheongsam abaya burqa kaftan caftan dashiki "
                             "sweatshirt jersey tee chinos corset bodysuit pullover gilet smock cassock vestments "
                             "chainmail raincoat slicker mackintosh flannel trunks suspenders overalls tux tuxedo headphones earbuds "
                             "headset earmuffs puffer quarter-zip half-zip boutonniere corsage polo shinguards "
                             "kneepads toque beret")
CLOTHING = CLOTHING | _words("cutoffs bralette choker sherwani lehenga kurta bolero cami camisole peplum capris culottes "
                             "jeggings coveralls cummerbund twinset pashmina pareo catsuit rashguard tankini monokini "
                             "moccasins brogues oxfords espadrilles crocs plimsolls stilettos flip-flops tuque snood "
                             "trilby cloche fascinator scrunchie mitts cope surplice surplices")
CLOTHING = CLOTHING | frozenset({"shin guards", "shin guard", "knee pads", "knee pad", "elbow pads", "elbow pad",
                                 "rash guard", "rash guards", "sports bra", "sports bras", "rash vest", "tank top",
                                 "tank tops"}) | _words("gi gis singlet singlets unitard unitards sweatband sweatbands")
CLOTHING = CLOTHING | frozenset(w[:-1] for w in CLOTHING if w.endswith("s") and not w.endswith("ss"))
CLOTHING = CLOTHING | frozenset({"whites"})  # "a chef in whites" (and no singular: "white" is a colour)
CLOTHING = CLOTHING | frozenset({"pelt", "pelts"})  # "a barbarian in a wolf pelt": worn, no wolf
# Parts and features: bound to their owner's caption ("a cat with green eyes").
PARTS = _words(
    "hair beard moustache mustache eyes eye ears ear nose mouth lips teeth smile face head hands "
    "hand arms arm legs leg feet foot fur mane tail tails wings wing feathers feather beak paws paw "
    "claws claw talons talon hooves hoof whiskers horns horn antlers tusks trunk spots stripes patches pattern markings scales fins fin "
    "blaze socks "
    "freckles tattoo tattoos makeup lipstick ponytail braid braids bun curls bangs skin collar "
    "leash harness saddle bridle wheels wheel tires tire roof door doors windows handle handles "
    "lid spout tier tiers layer layers petals petal leaves stem stems branches trunk blossoms flowers frame screen "
    "buttons sleeves hem pockets laces sole brim ribbon bow label lights headlights stripe "
    "dots frosting icing sprinkles toppings topping filling crust cover strap straps "
    "hood engine sail sails mast chimney balcony porch steps shutters expression "
    "awning strap watchband bezel dial keyhole hull stern lock latch latches hinge hinges slot"
)
# Haircuts named by two words: the wearer's, like any hair ("a woman with a buzz cut").
HAIRCUTS = frozenset({"buzz cut", "crew cut", "pixie cut", "bowl cut", "mullet cut", "bob cut"})
PARTS = PARTS | HAIRCUTS
# Parts only creatures have: on anything else the word names a thing ("a stall with a scale").
CREATURE_PARTS = _words("scales scale fins fin claws claw horns horn antlers tusks beak paws paw feathers "
                        "whiskers fur shell shells carapace flipper flippers "
                        # a bird's marks and parts, as birders name them ("red faces and yellow wing bars")
                        "bill bills crest crests wingbar wingbars wing-bars throat rump nape flanks plumage"
                        ) | frozenset({"wing bar", "wing bars", "eye ring", "tail feathers"})  # "a snail with a striped shell"
# Hair done up, only on people and animals: on a thing the word names a thing ("a tray with six buns on it").
HAIRDOS = _words("bun buns ponytail ponytails braid braids curls pigtails dreadlocks afro mohawk undercut "
                 "pompadour quiff topknot cornrows updo chignon puffs plait plaits bunches")
PARTS = PARTS | CREATURE_PARTS
# Parts that only exist on their owner: a relation to one is a relation to the owner ("a cat on his
# lap", "a dog at her feet", "a basket on its handlebars"), never an instance of its own.
OWNED_PARTS = _words(
    "belly tummy lap lap knee knees feet foot hand hands arm arms shoulder shoulders back head lap neck chest hip "
    "hips finger fingers toe toes wrist wrists elbow elbows leg legs paw paws palm palms side lips mouth "
    "handlebar handlebars lid spout seat saddle pedal pedals keys key handle handles hood bonnet brim "
    "rim edge top bottom surface tip face mantel mantelpiece branch waist waists stomach stomachs ankle ankles")
PARTS = PARTS | PARTS_MORE | (OWNED_PARTS - _words("side top bottom surface edge seat key keys"))
PARTS = PARTS | frozenset(w[:-1] for w in PARTS if w.endswith("s") and not w.endswith(("ss", "us")) and len(w) > 4)
def data_lines(name: str) -> list[str]:
    """The lines of one of the WordNet tables shipped in data/ (data/make_wordnet_tables.py)."""
    with gzip.open(Path(__file__).with_name("data") / name, "rt", encoding="utf-8") as handle:
        return handle.read().splitlines()


def _worn_and_body() -> dict[str, str]:
    """WordNet's words whose usual sense is worn or bodily (data/make_wordnet_tables.py), 2 ms."""
    return dict(line.split("\t") for line in data_lines("worn_and_body.txt.gz"))


# Beyond the lists, whatever WordNet knows first as worn or as part of a body ("a boater", "an
# oilskin", "her eyelashes", "a snout"), unless it is a thing the planner can size on its own.
_WORDNET_KINDS = _worn_and_body()
CLOTHING = CLOTHING | frozenset(w for w, k in _WORDNET_KINDS.items() if k == "garment" and w not in priors.NOUNS)
PARTS = PARTS | frozenset(w for w, k in _WORDNET_KINDS.items() if k == "body" and w not in priors.NOUNS
                          and w not in CLOTHING)

def is_bodily(noun: str) -> bool:
    """A part of a body or of its covering ('eyelashes', 'hooves', 'a mane'), not of a made thing."""
    return _WORDNET_KINDS.get(noun) == "body" or noun in CREATURE_PARTS or noun in _BODY_WORDS


# Parts of clothes: with "his", "her" or "their", the wearer's ("straw poking out of his sleeves").
GARMENT_PARTS = _words("sleeve sleeves pocket pockets collar cuff cuffs hem lapel lapels hood buttons button")
_BODY_WORDS = _words("hair beard moustache mustache eye eyes ear ears nose mouth lips teeth smile face head hand hands "
                     "arm arms leg legs foot feet fur mane tail wing wings freckles skin eyelash eyelashes hoof hooves")
_GARMENT_ENDINGS = frozenset(w for w in CLOTHING if len(w) >= 4 and "-" not in w and w not in ("suit", "cope", "cami")) | {"sleeve", "sleeves"}


def ends_in_garment(noun: str) -> bool:
    """A word no list knows, built on a garment's name: 'shirtsleeves', 'overshirt', 'rainsuit'."""
    return " " not in noun and noun not in priors.NOUNS and noun not in ("handicap", "kneecap") and (any(
        noun.endswith(w) and len(noun) - len(w) >= 3 for w in _GARMENT_ENDINGS) or (
        noun.endswith(("cap", "hat")) and len(noun) >= 7))  # "nightcap", "sunhat"


def is_garment(noun: str | None) -> bool:
    """A garment by a list, or a word built on one, judged by its last word ("a puffer vest", "a long-sleeve")."""
    return noun is not None and (noun in CLOTHING or ends_in_garment(noun.rsplit(" ", 1)[-1]))


# Wearable things a GenEval-style class list also has as objects: instances unless worn.
WEARABLE_OBJECTS = frozenset({"eye patch"}) | _words("eyepatch tie backpack handbag purse bag glasses sunglasses watch hat cap helmet crown scarf glove")

# Places and surroundings: they become the background, never instances.
SETTINGS = _words(
    "scene place setting background backdrop backdrops surface landscape dormitory dorm scenery outdoors indoors street road avenue "
    "ice gravel asphalt cobblestones cobbles tarmac dirt mud straw sawdust floorboards con convention expo "
    "allotment allotments plot plots sidewalk pavement alley lane highway crossroads intersection square plaza city town village "
    "downtown suburb neighborhood neighbourhood countryside park garden backyard yard courtyard "
    "playground field meadow farm farmland pasture prairie forest woods jungle rainforest desert "
    "savanna savannah tundra mountain mountains hill hills valley canyon cliff cave volcano "
    "beach shore coast seaside sea ocean wave lake river stream pond waterfall island bay harbor "
    "harbour port dock pier marina swamp marsh glacier snow grass sand water waves underwater "
    "sky skies space galaxy universe clouds horizon room kitchen bedroom bathroom livingroom "
    "living-room hall hallway corridor office classroom library studio gym museum gallery "
    "restaurant cafe café bar pub diner shop store supermarket market mall bakery hospital "
    "porch dune dunes moon-surface farmers-market "
    "school church cathedral temple station airport subway train-station platform stage "
    "theater theatre cinema arena stadium court pitch track rink pool attic basement garage "
    "warehouse factory lab laboratory interior exterior world wilderness ruins battlefield "
    "corner street-corner nook peak summit waterhole oasis party wedding concert festival parade lighting "
    "campsite camp orchard vineyard greenhouse zoo aquarium circus fairground carnival "
    "rooftop terrace patio lawn floor ground wall ceiling tabletop countertop stairs steps staircase stairway "
    "ridge crater "
    "runway racetrack parking-lot lot driveway trail path underworld "
    "fog mist rain storm snowfall snowstorm blizzard sunshine sunlight moonlight darkness "
    "dusk dawn sunset sunrise twilight night nighttime midnight noon daytime daylight morning "
    "evening afternoon day winter summer autumn fall spring christmas halloween"
)
# Portions: "a slice of pizza" is a pizza.
PARTITIVES = _words("sheet sheets slice slices piece pieces bit bits chunk chunks scoop scoops wedge wedges sliver "
                    "cube cubes portion portions serving servings bite slab strip strips drop drops "
                    "dollop loaf loaves sprig sprigs stalk stalks head heads clove cloves generation generations")

# A plant's cut stems, named as the thing laid out: "a sprig of eucalyptus" and "eucalyptus sprigs" are sprigs.
CUT_STEMS = _words("sprig sprigs stem stems stalk stalks twig twigs spray sprays")

# Things named by two words whose last word alone names something else ("watering can", "chess king").
COMPOUND_NOUNS = frozenset(
    "police car|police van|police boat|police horse|police dog|dance class|dance studio|dance school|dance lesson|dance showcase|dance academy|dance recital|dance competition|dancing school|dancing class|dance hall|rash guard|sports bra|tank top|wing bar|eye ring|high chair|video game|board game|french fry|drum kit|drum set|garbage can|trash can|bird feeder|dog house|stuffed animal|swing set|"
    "fire pit|sea urchin|solar panel|control panel|side table|office chair|bar stool|pocket watch|game console|"
    "gaming chair|food truck|french press|squat rack|water gun|punching bag|eye patch|double bass|clock tower|bell tower|"
    "toy chest|tool chest|ice chest|swing set|key ring|"
    "rocking horse|mixing bowl|frying pan|washing machine|diving board|porch swing|"
    "hat box|shoe box|shoebox|jewelry box|music stand|"
    "watering can|fishing rod|fishing pole|chess king|chess queen|chess piece|chess board|paper plane|"
    "paper boat|garden gnome|toy soldier|toy car|toy train|music box|treasure chest|sleeping bag|"
    "walking stick|snow globe|water tower|wind turbine|piggy bank|spinning top|crystal ball|"
    "magic wand|ice cream cone|cutting board|ironing board|grandfather clock|bird bath|cat tree|dog bed|"
    "beach ball|traffic cone|street sign|stop light|lawn mower|wheel barrow|sewing machine|record player|"
    "game controller|yoga mat|door mat|picture frame|light house|fire place|sand castle|sandcastle|"
    "hot water bottle|rolling pin|baby stroller|shopping cart|golden retriever|german shepherd|great dane|"
    "border collie|labrador retriever|siamese cat|persian cat|maine coon|"
    # names WordNet keeps capitalised, so its lower-case tables lack them
    "ferris wheel|french horn|french bulldog|english bulldog|boston terrier|yorkshire terrier|scottish terrier|"
    "irish setter|irish wolfhound|saint bernard|st bernard|welsh corgi|petri dish|dutch oven|adirondack chair|"
    "venus flytrap|welsh dresser|bunsen burner|tiffany lamp|windsor chair|chesterfield sofa".split("|")) | HAIRCUTS

# Places named by two or three words ("living room", "mountain top"): settings as a whole.
SETTINGS = SETTINGS | frozenset(
    "morning rush|rush hour|evening rush|airport gate|departure gate|boarding gate|gate lounge|departure lounge|station platform|train platform|dance class|dance studio|dance school|dance lesson|dance showcase|dance academy|dance recital|dance competition|dancing school|dancing class|dance hall|living room|dining room|mountain top|mountain peak|parking lot|train station|bus station|coffee shop|"
    "swimming pool|tennis court|basketball court|soccer field|football field|baseball field|night sky|"
    "outer space|ice rink|sea shore|forest floor|country road|city street|city skyline|ice floe|"
    "flower field|wheat field|rice field|snowy mountains|sandy beach|candle light|golden hour|blue hour|"
    "high school|train platform|subway station|gas station|fire station|police station|"
    "grocery store|book store|bookstore|art gallery|concert hall|night club|throne room|"
    "back yard|front yard|rose garden|farmers market|flea market|fish market|night market|sand dunes|"
    "city park|amusement park|theme park|race track|dance floor|watering hole|aisle|curb|kerb|gutter|"
    "roadside|riverbank|lakeside|seabed|sea floor|ocean floor|workshop|enclosure|paddock|home|hallway|"
    "karaoke night|game night|movie night|"
    "reef|coral reef|construction site|building site|locker room|waiting room|"
    # a game's ground and a course's parts: "on the touchline", "down the slope", "a steep cobbled climb"
    "touchline|touchlines|sideline|sidelines|baseline|goal line|halfway line|"
    "penalty box|penalty area|fairway|piste|slope|slopes|descent|climb|overhang|towpath|promenade|shingle|boardwalk|"
    # rooms and halls one is in: "playing bingo in the lounge", "a nurse on the ward"
    "lounge|ward|foyer|lobby|canteen|common room|cafeteria|garret|cellar|conservatory|clinic|staff room|"
    "day room|sitting room|drawing room|parlour|parlor|scullery|pantry"
    .split("|"))

# The subset of SETTINGS that says when rather than where ("at dusk", "in the evening").
TIMES = _words(
    "dusk dawn sunset sunrise twilight night nighttime midnight noon daytime daylight morning "
    "evening afternoon day winter summer autumn fall spring christmas halloween fog mist rain lighting "
    "week weekend month year tonight today tomorrow storm snowfall snowstorm blizzard sunshine sunlight moonlight darkness "
    "candlelight firelight lamplight starlight torchlight backlight backlighting "
    "monday tuesday wednesday thursday friday saturday sunday weekday lunchtime teatime bedtime "
    "january february july september october november december"  # ("may", "march": verbs; "april", "june": names)
) | frozenset(
    "morning light|evening light|soft light|natural light|warm light|golden light|dim light|candle light|"
    "studio lighting|soft lighting|dramatic lighting|golden hour|blue hour".split("|"))
SETTINGS = SETTINGS | TIMES
# A setting that names no place: "a photo of a scene with a dog" has no background to draw.
EMPTY_SETTINGS = _words("scene place setting")
# "A photo of ...": the frame of the picture, not a thing in it.
FRAMES = _words(
    "photo photograph picture image painting drawing illustration sketch render rendering "
    "shot snapshot portrait close-up closeup view scene watercolor watercolour artwork "
    "poster cartoon comic still frame depiction composition selfie pic pics ad advert advertisement commercial panel "
    "screenshot screencap thumbnail film movie take cutscene episode flat-lay flatlay tableau vignette "
    "version versions draft drafts mock-up mockup attempt attempts iteration rendition page"
)
# What a shoot, a book page or a set of pictures is called, heading its scene: "Menswear editorial, …".
SHOOT_WORDS = frozenset({"editorial", "shoot", "photoshoot", "campaign", "lookbook", "edit", "story", "capsule",
                          "collection", "spread", "frontispiece", "endpaper", "endpapers", "vignette", "drop",
                          "lineup", "line-up", "look", "feature", "series", "concept", "brief", "moodboard", "cover",
                          "frame", "page", "chapter", "display", "promo", "listing", "mockup", "mock-up", "still",
                          "set-up", "setup", "composition", "layout", "tableau", "illustration", "scene", "splash"})
# Things that show other things: what they show goes into their caption, never a box of its own.
DEPICTIONS = _words(
    "painting paintings poster posters drawing drawings sketch portrait picture photograph photo print mural "
    "statue statuette sculpture figurine tapestry postcard billboard banner sign tattoo engraving mosaic "
    "illustration cartoon")
# Where a depiction hangs or stands, so that "a painting of a ship on the wall" is a painting.
DISPLAY_SURFACES = _words("wall walls easel mantel mantelpiece door shelf board ceiling "
                          "pedestal plinth billboard frame")
# What may follow a negation and belongs to it: "no people around", "no cars in sight".
NEGATION_TAILS = (*(f"{p} {o}" for p in ("around", "on", "in", "near", "next to", "under", "beside") for o in ("it", "them")),
                  "around", "in sight", "anywhere", "at all", "nearby", "present", "visible", "in view",
                  "in the scene", "in the picture", "in the image", "in the frame", "in the shot",
                  "in the photo", "in the background", "whatsoever", "to be seen", "allowed", "included",
                  "out of it", "out of this", "out of the picture", "out", "off")  # ("leave the dog out")
# Things one cannot draw a box around.
ABSTRACT = _words(
    "spell spells tug war hide seek catch tag speed "
    "skill skills trick tricks plan plans idea ideas music rhythm beauty walk walks time life love fun game "
    "games possibility possibilities imagination media social joy happiness peace silence sound sounds noise "
    "smell taste thought thoughts dream dreams memory memories moment moments attention way ways care job "
    "work business journey adventure story stories lesson lessons practice exercise conversation meal break "
    "rest nap sleep energy power freedom hope fear anger sadness kindness warmth breeze air atmosphere mood distance "
    "breath reflection reflections remains tears tear greeting greetings message messages joke jokes touch "
    "anatomy header")
# Worlds one stands on: "on the moon" is where the scene is.
WORLDS = _words("moon mars planet earth asteroid comet")
# Plurals that name a group whose members may be listed next ("three friends, a tall guy and ...").
GROUP_NOUNS = _words("person friend kid child student guest sibling member teen teenager companion colleague parent "
                     "coworker traveler tourist passenger player worker customer adult people pet animal "
                     "musician dancer")
# Worn in pairs or plural by nature: "two nurses in blue scrubs" each wear "blue scrubs".
WORN_IN_PAIRS = _words("shoes boots sneakers trainers sandals heels slippers socks gloves mittens earrings scrubs "
                       "fatigues loafers clogs flip-flops stockings skates")
# Singular words for a group of people, whose members may be listed next ("a jazz band, a saxophonist...").
# Nouns that name an event or an activity, not a thing to draw: "having a picnic", "taking a nap".
EVENTS = _words("picnic party fight conversation chat talk meal dinner lunch breakfast brunch supper snack nap rest "
                "bath shower swim race game match walk stroll ride break meeting lesson class photoshoot selfie "
                "barbecue bbq celebration ceremony dance duel argument debate discussion workout jog run hike "
                "look glance peek sip bite drink smoke look toast wedding birthday contest competition "
                "kick cartwheel handstand headstand somersault backflip pirouette wheelie kickflip ollie "
                "interview launch call harvest rehearsal briefing webinar standup stand-up brainstorm")
# The events among them that make an occasion of a whole scene: "breakfast on a table", "set for dinner".
OCCASIONS = _words("picnic meal dinner lunch breakfast brunch supper barbecue bbq celebration ceremony feast banquet "
                    "anniversary birthday graduation honeymoon retirement christening baptism reunion engagement")
COLLECTIVES = _words("band family group team crowd trio quartet choir orchestra crew gang couple party duo squad class")
# Words for animals gathered, never typos of anything: "a gaggle of geese".
GATHERINGS = _words("gaggle flock herd pride troop swarm shoal murmuration")
# The speaker talking to the planner: "I'd love a picture of...", "can you make...", "please draw".
CHATTER = _words("i i'm i'd i'll i've me we we'd let's lets you please pls so hey hi hello okay ok to see "
                 "visualize visualise envision depict capture "
                 "imagine imagining picture draw paint generate create make render show give want need like "
                 "love would could can maybe just really")
# What one does something with, never a thing of its own after a verb: "chopping wood", "drinking tea"
# (but an instrument played is in the hands, drawn: "a guy playing guitar").
MASS_NOUNS = _words("dough wood water tea coffee milk juice wine beer soup food bread rice pasta snow sand dirt mud "
                    "grass hay ice paper money music news chess cards football soccer basketball tennis golf "
                    "baseball hockey volleyball homework laundry dishes "
                    "breakfast lunch dinner firewood clay paint ice-cream popcorn candy ketchup "
                    "sauce syrup frosting glitter")
STYLE_WORDS = _words(
    "edges edge reflections reflection particles particle spotlight spotlights sparkles bloom flare rays "
    "spark sparks ember embers smoke steam dust confetti glitter snowflake snowflakes raindrops raindrop "
    "leaves petals leaf petal "
    "style art artwork manga chibi quality resolution detail details bokeh masterpiece artstation "
    "trending unreal octane 4k 8k hd hdr uhd dslr render photography wallpaper concept aesthetic "
    "vibe mood colors colours tones palette film grain color colour tone shadow shadows highlight "
    "highlights contrast saturation hue hues lighting light lights glow exposure focus blur sharpness "
    "texture textures composition framing angle perspective symmetry vignette haze grading gradient "
    "realism surrealism minimalism impressionism cinematography photo-realism lens lenses aperture "
    "shutter iso raytracing ray-tracing reflections rendering illustration tint vibes shading "
    "brushstroke brushstrokes strokes linework outline outlines watercolor watercolour oil pastel "
    "gouache charcoal ink sketch matte "
    "fantasy sci-fi scifi cyberpunk steampunk solarpunk dieselpunk noir horror synthwave vaporwave retrowave "
    "grunge kitsch baroque rococo renaissance gothic backdrop backdrops "
    "footlights footlight uplight uplighting uplit gel gels cyc cyclorama"  # a stage's light, no thing on it
)
# Words about the picture itself, never things in it; only the global caption keeps them.
# A SPAN phrase goes on to the next comma: "shot on a Canon EOS R5", "trending on artstation".
PICTURE_SPANS = (
    "shot on|with", "taken on|with", "captured on|with", "photographed on|with", "filmed on|with",
    "trending on", "rendered in|with", "made in|with blender|unreal|octane|midjourney", "created in|with",
)
PICTURE_PHRASES = (
    "loose|bold|visible|thick|soft? brush strokes|stroke|brushstrokes|marks", "brushstrokes", "paper texture",
    "heavy|light|fine|dense|soft? crosshatching|cross-hatching|hatching|stippling|linework",
    "key visual|art", "high|low key", "high-key|low-key", "splash page", "character sheet|design", "flat lay", "mood board",
    "depth of field", "shallow|deep depth of field",
    "square|tight|loose|portrait|landscape|vertical|horizontal|close|wide|cinematic crop",
    "shaft|beam|ray|streak|pool of light|sunlight|moonlight|lamplight",
    "cold|warm|white|hard|soft|single|follow|tight|narrow|blue|red|amber|green|pink|violet spot|spots|spotlight|spotlights",
    "moonlit|blue|amber|red|green|purple|warm|cold|cool|golden|pink|violet|orange|lavender wash", "award winning|winning", "award-winning",
    "highly|hyper|ultra|super|very|intricately detailed|realistic", "sharp|soft focus", "in focus", "out of focus",
    "high|low|best|top quality|resolution", "wide|ultra-wide|narrow angle shot|lens?",
    "wide-angle|telephoto|fisheye|macro|tilt-shift lens|shot|photo?",
    "bird's-eye|birds-eye|aerial|top-down|overhead|low-angle|high-angle|eye-level|isometric view|shot|angle",
    "from a low|high angle", "at eye level", "rule of thirds", "long exposure", "film grain",
    "color|colour grading|graded", "volumetric|rim|studio|ambient|dramatic|cinematic|moody|neon|hard light|lighting",
    "god rays", "lens flare", "shafts|beams|rays|streaks|pools of light|sunlight|moonlight|lamplight", "unreal engine", "octane render", "ray tracing", "in 4k|8k|hd",
    "35mm|50mm|85mm|24mm film|lens|photo|photograph|shot?", "soft|harsh|long|deep shadows",
    "pastel|muted|vibrant|warm|cool|bright|earthy|neon colors|colours|tones|palette",
    "from a|the drone|helicopter", "drone shot|view|footage|photo|angle",
    # a film's shot sizes and moves: "Medium wide, street corner.", "Extreme close-up.", "Tracking shot"
    "extreme|medium wide|close-up|closeup|long|shot|two-shot|full shot?", "close|tight|medium|wide two-shot",
    "full|cowboy|long|establishing|tracking|dolly|crane|insert|reverse|master|group|close|tight|point-of-view shot",
    "toward|towards|into|at|to the? camera|lens", "away from the? camera|lens",
    "oil|oils|acrylic|acrylics|watercolor|watercolour|gouache|ink|pastel|charcoal on canvas|paper|board|panel|linen|wood",
    # drawing media said as the look: "soft pencil", "pencil and watercolour wash", "pen and ink", "coloured pencil"
    "soft|fine|graphite|detailed|loose|light|delicate|sketchy|rough|hb pencil|pencils|crayon|crayons|chalk|chalks",
    "coloured|colored pencil|crayon|chalk",  # (but "colored pencils" on a craft table are things)
    "pencil|pencils|pen|crayon|crayons|chalk and|with|& ink|watercolour|watercolor|watercolours|watercolors|gouache",
    "watercolour|watercolor|ink|gouache wash|washes", "ink|watercolour|watercolor|gouache and|with|& pencil|pencils|pen|crayon|crayons",
)

PREPOSITIONS = _words(
    "in on at under with without of near by beside besides behind above below over across "
    "along among amongst around through inside outside into onto upon against toward towards "
    "underneath beneath atop between from to for during next amid within past off up down "
    "like beyond throughout via per than circa"
)
CONJUNCTIONS = _words("and or but while whereas nor plus then also as whilst yet so whether because since although though")
RELATIVE = _words("that which who whose where whom")
# Ordinals that name one member of a plural ("the first a knight, the second an elf", "the last one").
# Words that pick one of two or more by comparing them, after "the" only: "the elder in yellow", "the latter".
COMPARED_MEMBERS = _words("former latter elder older younger eldest oldest youngest taller shorter")
MEMBER_ORDINALS = _words("first second third fourth fifth sixth next last middle") | COMPARED_MEMBERS
PRONOUNS = _words("it them him her they he she one ones itself themselves himself herself ourselves yourselves yourself myself")
COPULAS = _words("is are was were be being been am 's")
# Chat words people type anywhere ("anime style pls:", "a cat lol"): no part of any phrase.
CHAT = _words("pls plz lol lmao tbh thx ty idk omg haha ngl rn lowkey highkey fr imo imho btw tho fyi irl smh jk af ok okay")
FILLER = _words("there here very quite really rather just also too all only even kinda sorta") | CHAT

# Singular nouns that end in s: not plurals to be stripped.
SINGULAR_S = _words(
    "bus gas lens iris octopus cactus walrus platypus hippopotamus virus canvas atlas bonus "
    "campus chorus circus focus genius census bias christmas dais oasis tennis glass grass dress "
    "class boss moss mattress compass cross address princess actress waitress goddess hostess "
    "lioness fortress walrus asparagus hummus citrus lotus hibiscus pegasus abacus news species "
    "series chess mess bass ss pants"
)
# Listed nouns that end in s and are singular: not plurals of anything.
NOUNS_ENDING_IN_S = frozenset({"canvas", "lens", "gas", "bus", "circus", "christmas", "news", "species", "series",
                               "chess", "oasis", "iris", "walrus", "octopus", "cactus", "tennis", "glass",
                               "grass", "dress", "compass", "mattress", "bass", "moss", "class", "boss", "cross"})
# The sexes and young of farm and wild animals, by the animal they are: "3 chickens, 2 hens and a rooster".
_FORMS_OF_ANIMALS = {
    "chicken": "hen rooster cock cockerel chick pullet", "cow": "bull calf heifer steer ox",
    "cattle": "cow bull calf heifer steer ox", "horse": "mare stallion foal colt filly pony",
    "sheep": "ewe ram lamb", "goat": "nanny billy kid", "pig": "sow boar piglet hog",
    "deer": "doe buck fawn stag hind", "duck": "drake duckling", "goose": "gander gosling",
    "dog": "puppy pup bitch", "cat": "kitten tomcat", "lion": "lioness cub", "tiger": "tigress cub",
    "bear": "cub", "fox": "vixen kit", "swan": "cygnet cob pen", "rabbit": "bunny doe buck kit",
}
# Animals named by their coat rather than their breed ("a calico", "a bay"): after "three kittens"
# or "two horses" they are those, described.
COATS = _words("tabby calico tortoiseshell tortie tuxedo ginger brindle bay chestnut palomino pinto roan dapple "
               "piebald skewbald sorrel grullo dun")
# Colours of a coat or fur said alone of one of several animals ("two poodles, one apricot and one
# black", "one salt-and-pepper with a red bandana"), whatever else the word names.
COAT_COLOURS = COATS | _words("apricot merle sable fawn wheaten liver tricolour tricolor tri-colour tri-color "
                              "salt-and-pepper brindled blenheim parti-colour parti-color")
ANIMAL_FORMS: dict[str, frozenset[str]] = {
    form: frozenset(a for a, forms in _FORMS_OF_ANIMALS.items() if form in forms.split())
    for form in " ".join(_FORMS_OF_ANIMALS.values()).split()
}


# Plural in form, one thing in meaning ("a pair of scissors" is one pair).
PLURALIA_TANTUM = _words(
    "scissors skis glasses sunglasses aviators shades goggles spectacles jeans pants trousers shorts leggings tights "
    "pajamas pyjamas binoculars tongs pliers headphones earphones overalls clothes "
    "sweatpants underpants noodles spaghetti trunks swim-trunks chaps"
)

IRREGULAR_PLURALS: dict[str, str] = {
    "people": "person", "persons": "person", "men": "man", "women": "woman", "children": "child",
    "childs": "child", "geese": "goose", "gooses": "goose", "mice": "mouse", "mouses": "mouse",
    "feet": "foot", "teeth": "tooth", "oxen": "ox", "knives": "knife", "knifes": "knife",
    "wives": "wife", "lives": "life", "leaves": "leaf", "loaves": "loaf", "halves": "half",
    "shelves": "shelf", "wolves": "wolf", "calves": "calf", "scarves": "scarf", "elves": "elf",
    "thieves": "thief", "hooves": "hoof", "sheeps": "sheep", "deers": "deer", "fishes": "fish",
    "mooses": "moose", "cacti": "cactus", "fungi": "fungus", "octopi": "octopus",
    "octopuses": "octopus", "lice": "louse", "dice": "die", "policemen": "policeman",
    "policewomen": "policewoman", "firemen": "fireman", "fishermen": "fisherman",
    "businessmen": "businessman", "businesswomen": "businesswoman", "gentlemen": "gentleman",
    "snowmen": "snowman", "ladies": "lady", "babies": "baby", "puppies": "puppy",
    "bunnies": "bunny", "ponies": "pony", "cherries": "cherry", "strawberries": "strawberry",
    "buses": "bus", "busses": "bus", "benchs": "bench", "sandwichs": "sandwich",
    "toothbrushs": "toothbrush", "brushs": "brush", "watchs": "watch", "boxs": "box",
    "foxs": "fox", "glasss": "glass", "dresss": "dress", "tomatos": "tomato", "potatos": "potato",
    "potatoes": "potato", "tomatoes": "tomato", "heroes": "hero", "mangoes": "mango",
    "volcanoes": "volcano", "dominoes": "domino", "women's": "woman", "men's": "man",
    "sheep": "sheep", "deer": "deer", "fish": "fish", "moose": "moose", "bison": "bison",
    "salmon": "salmon", "aircraft": "aircraft", "swine": "swine", "cattle": "cow",
    "police": "police officer", "dwarves": "dwarf", "werewolves": "werewolf",
}  # fmt: skip
# Same form for one and many, and said of herds: bare ("herding sheep") they are several.
HERD_PLURALS = _words("sheep deer moose bison cattle")
# Same form for one and many: with no number they mean one.
ZERO_PLURALS = _words("sheep deer fish moose bison salmon aircraft swine")


@dataclass(frozen=True)
class Verb:
    """What a verb after a noun phrase does: a pose for people, a relation to its object."""

    gerund: str                   # the form used in captions ("sitting")
    pose: str | None = None       # pose-library name, for people
    relation: str | None = None   # relation of the subject to the verb's object, if any
    transitive: bool = False      # takes a direct object ("walking a dog")
    holds: bool = False           # the object is held (small things in hand)


def _verb_table() -> dict[str, Verb]:
    table: dict[str, Verb] = {}

    def verbs(rows: str, **meaning) -> None:
        # One row per verb: its -ing form (used in captions) first, then its other forms.
        for row in rows.split(";"):
            forms = row.split()
            if forms:
                verb = Verb(forms[0], **meaning)
                for form in forms:
                    table[form] = verb

    verbs("sitting sit sits sat seated", pose="sitting")
    verbs("standing stand stands stood", pose="standing")
    # "walking a dog": the walker keeps the pose and the dog walks alongside.
    verbs("walking walk walks", pose="walking", relation="next to", transitive=True)
    verbs("strolling stroll strolls; wandering wander wanders; hiking hikes; marching march marches",
          pose="walking")
    verbs("running run runs ran; jogging jog jogs; sprinting sprint sprints; racing races", pose="running")
    # "waving a flag", "points a wand": what is waved or pointed is held; "waving at them" holds nothing
    verbs("waving wave waves", pose="waving", relation="holding", transitive=True, holds=True)
    verbs("pointing point points", pose="pointing", relation="holding", transitive=True, holds=True)
    verbs("jumping jump jumps; leaping leap leaps; hopping hop hops", pose="jumping")
    verbs("kneeling kneel kneels knelt", pose="kneeling")
    verbs("squatting squat squats; crouching crouch crouches", pose="squatting")
    verbs("lying lie lies lay laying; reclining recline reclines; sleeping sleep sleeps slept asleep; "
          "napping nap naps",
          pose="lying")
    verbs("dancing dance dances", pose="dancing")
    verbs("cheering cheer cheers; celebrating celebrate celebrates; stretching stretch stretches",
          pose="arms-raised")
    verbs("holding hold holds held; clutching clutch clutches; grasping grasp grasps; gripping grip grips; "
          "carrying carry carries carried; wielding wield wields; brandishing brandishes; eating eat eats ate; "
          "drinking drink drinks drank; reading read reads; using use uses; playing play plays; "
          "throwing throw throws threw; catching catch catches caught; swinging swing swings swung; "
          "lifting lift lifts; raising raises; handing hand hands; offering offer offers; passing passes; "
          "giving give gives gave; strumming strum strums; sipping sip sips; pouring pour pours; "
          "juggling juggle juggles; twirling twirl twirls; tossing toss tosses; balancing balances; "
          "cradling; hoisting hoists; toting; aiming aims; "
          "clasping clasps",
          relation="holding", transitive=True, holds=True)
    verbs("flying fly flies flew", relation="below", transitive=True)  # a kite flies above its flyer
    verbs("riding ride rides rode", relation="on", transitive=True)
    verbs("driving drive drives drove", relation="inside", transitive=True)
    verbs("hugging hug hugs; embracing embrace embraces; cuddling cuddle cuddles; petting pets; "
          "stroking stroke strokes; feeding feed feeds; chasing chase chases; following follows; "
          "pushing push pushes; pulling pull pulls; dragging drag drags; kicking kick kicks; "
          "watching watch watches; facing faces; greeting greet greets; helping help helps; "
          "kissing kiss kisses; painting paints; photographing photographs; blowing blows blew",
          relation="next to", transitive=True)  # ("blowing bubbles", "blowing a kiss")
    verbs("looking look looks; staring stare stares; gazing gaze gazes; talking talk talks; "
          "chatting chat chats; speaking speak speaks; leaning lean leans; resting rests; smiling smile "
          "smiles; laughing laugh laughs; hanging hang hangs hung; dangling dangles; floating float floats; "
          "hovering hover hovers; soaring soar soars; swimming swim swims swam; grazing graze grazes; "
          "growing grow grows grew; falling fall falls fell; going goes went; coming comes came; "
          "shining shines shone; "
          # irregular past forms, so that they end a noun phrase ("the fire engine sped past ...")
          "sped; cast; built; brought; bought; drew; dug; fed; fought; found; hid; kept; laid; led; lit; "
          "made; met; paid; rose; said; sent; shook; slid; spun; stuck; struck; swept; taught; told; "
          "tore; took; wore; woke; won; wrote; broke; chose; dove; froze; gave; knew; lost; sank; "
          "showed; spoke; stole; began; became; crept; fled; flung; leapt; sought; spilled; spilt; "
          "blooming bloom blooms; perched perching perches; parked; placed; piled; "
          "stacked; lined; scattered; arranged; singing sing sings; crying cries; posing pose poses")
    # "playing" alone ("children playing") is not holding anything; with an object it is.
    table["playing"] = Verb("playing", relation="holding", transitive=True, holds=True)
    return table


VERBS: dict[str, Verb] = _verb_table()

# Nouns in -ing, so that they are not read as verbs.
ING_NOUNS = _words(
    "sapling seedling duckling gosling dumpling pudding earring ceiling building painting wedding ring king gelding "
    "wing string swing spring thing evening morning icing stuffing herring starling sibling viking stocking "
    "railing awning lightning clothing bedding frosting topping filling dressing carving drawing etching "
    "sling offspring")
# People and animals the size table does not list: their kind, so that they wear, pose and act.
PEOPLE = _words(
    "carer caregiver porter resident physio orderly cleaner mum mums mummy "
    "figure silhouette passerby pedestrian apprentice keeper "
    "counselor counsellor mage rogue paladin bard necromancer cleric assassin bandit lecturer shepherdess "
    "welder programmer director ringmaster grocer seamstress cobbler priestess bishop pharaoh sultan chieftain "
    "barbarian cavalier fighter mercenary champion combatant civilian fugitive vagrant newlywed "
    "nomad pilgrim hermit peasant farmhand chauffeur valet babysitter spectator sentry sergeant admiral deputy "
    "hacker gamer fiance fiancee sommelier rabbi imam orc centaur werewolf cyborg cosmonaut landscaper "
    "vet striker cop medic clerk barber hairdresser umpire rancher lumberjack miner builder viking patient parent "
    "commuter beggar mime juggler acrobat burglar maid butler goalie midfielder defender forward batter "
    "granddaughter grandson grandchild grandparent magician snowboarder paramedic surgeon professor librarian "
    "lifeguard mechanic carpenter plumber barista bartender cashier janitor referee coach jockey gardener baker "
    "butcher tailor journalist reporter lawyer judge banker engineer architect officer guard sheriff ranger "
    "explorer climber swimmer diver golfer boxer wrestler gymnast skater jogger biker rider hunter shepherd "
    "cowgirl infant teen schoolgirl schoolboy uncle aunt nephew niece cousin husband wife bridesmaid boyfriend "
    "girlfriend neighbor neighbour stranger passenger pedestrian customer shopper vendor merchant nun pope "
    "emperor empress duke duchess jester gladiator mermaid dwarf troll ogre goblin sorcerer sorceress warlock "
    "druid archer warrior hero heroine villain spy thief robber prisoner volunteer traveler traveller backpacker "
    "hitchhiker camper fan pupil scholar tutor principal author writer poet sculptor model actor actress "
    "comedian rapper violinist pianist cellist flutist saxophonist trumpeter conductor mailman postman "
    "courier granny nana guest host hostess colleague coworker teammate skateboarder mountaineer fisherwoman "
    "housewife nanny caretaker shopkeeper salesman saleswoman florist pharmacist dentist veterinarian marine "
    "captain elder human individual youngster lad lass sibling twin")
ANIMALS = _words(
    "tit tits bullfinch sparrowhawk martin dipper cardinal wren warbler jay magpie loon gull canary goldendoodle labradoodle cockapoo maltipoo schnoodle betta "
    "collie poodle beagle labrador retriever terrier dachshund husky corgi spaniel bulldog chihuahua pug "
    "dalmatian greyhound shepherd rottweiler doberman kitten puppy calf foal lamb piglet chick duckling "
    "rooster hen goose swan heron stork pelican parrot macaw toucan hummingbird sparrow robin finch "
    "pigeon crow raven owl hawk eagle falcon vulture flamingo peacock penguin ostrich emu quokka wombat "
    "koala kangaroo wallaby platypus sloth lemur gorilla chimpanzee orangutan baboon meerkat otter beaver "
    "badger hedgehog porcupine raccoon skunk squirrel chipmunk hamster gerbil guinea-pig ferret weasel "
    "mole bat moose elk reindeer bison buffalo yak camel llama alpaca donkey mule pony stallion mare "
    "goat ram ewe boar hippo rhino leopard cheetah jaguar panther lynx hyena jackal wolf coyote fox "
    "lizard gecko iguana chameleon turtle tortoise frog toad snake python cobra crocodile alligator "
    "dolphin whale shark seal walrus octopus squid crab lobster jellyfish starfish butterfly bee "
    "ladybug dragonfly ant spider beetle moth snail worm dragon unicorn griffin phoenix")
_PERSON_ENDINGS = ("daughter", "girl", "boy", "woman", "man", "mother", "father", "child", "person", "wife",
                   "maid", "lady", "keeper", "worker", "player", "fighter", "maker", "smith", "ician", "kid",
                   "guard", "runner", "rider", "hunter", "dancer", "singer", "seller", "monger", "driver", "master")
_NOT_PEOPLE = _words("ottoman talisman doberman walkman caiman blaster rover mudguard fireguard shinguard mouthguard "
                     "safeguard fingerguard bestseller screwdriver roadrunner")


def category(noun: str) -> str | None:
    """The kind of a (singular) noun: the size table's, else from the lists of people and animals,
    else a person for words built on a person-word ('granddaughter', 'sportsman', 'beekeeper')."""
    found = priors.category(noun)
    if found is not None:
        return found
    last = noun.rsplit(" ", 1)[-1]
    if last in PEOPLE:
        return priors.PERSON
    if last in ANIMALS:
        return priors.ANIMAL
    if last not in _NOT_PEOPLE and any(last.endswith(e) and len(last) > len(e) + 2 for e in _PERSON_ENDINGS):
        return priors.PERSON
    from planners.rules import words  # the open word table: only words it lacks are read by their parts

    if last.endswith("ist") and len(last) > 6 and "ADJ" not in words.lemmas(last):
        return priors.PERSON  # "bassist", "cellist", "florist": one who does it; "minimalist" describes

    if words.compound_kind(noun) == "person":
        return priors.PERSON  # "a mail carrier", "a flight attendant": people, whatever the last word alone is
    usual = words.usual_kind(noun) if " " not in noun and noun not in PARTS and last not in _NOT_PEOPLE else None
    if usual is not None:
        return priors.PERSON if usual == "person" else priors.ANIMAL  # "visitors", "spectators", "a jerboa"
    if " " not in noun and not words.is_english(noun):
        for k in range(3, len(noun) - 3):
            tail = priors.category(noun[k:])
            if tail in (priors.OBJECT, priors.FOOD, priors.PLANT, priors.FURNITURE, priors.VEHICLE) or (
                    noun[k:] in ("fish", "bird")):
                return tail  # "longsword", "teacup", "sunflower", "blackbird": a kind of the known word
    return category(last) if " " in noun else None  # "lighthouse keeper": a keeper


NOUN_LIKE = CLOTHING | PARTS | SETTINGS | FRAMES | ING_NOUNS | PEOPLE | ANIMALS | COLLECTIVES


_SETTING_ENDINGS = ("yard", "room", "scape", "land", "field", "side")


def is_setting(noun: str) -> bool:
    """A place ('a farmyard', 'a nursery'): listed, or a word built like one ('barnyard', 'ballroom')."""
    return noun in SETTINGS or (noun not in priors.NOUNS and noun.endswith(_SETTING_ENDINGS) and " " not in noun
                                and len(noun) > 6) or noun in _words("nursery")


def is_known_noun(word: str) -> bool:
    return word in priors.NOUNS or word in NOUN_LIKE or word in COMPOUND_NOUNS


# Endings that mark an adjective the lexicon does not list ("pentagonal", "metallic", "glorious").
_ADJECTIVE_ENDINGS = ("al", "ic", "ous", "ful", "less", "ish", "ive", "able", "ible", "ular", "esque")


# Decades said before a thing: "a 1950s convertible", "an 80s arcade cabinet".
_DECADE = re.compile(r"(?:1[89]|20)?\d0s|'\d0s")


def is_adjective(word: str) -> bool:
    if word in ADJECTIVES or _DECADE.fullmatch(word):
        return True
    if len(word) > 5 and word.endswith(_ADJECTIVE_ENDINGS) and not is_known_noun(word):
        from planners.rules import words  # the open word tables know "clownfish" is a noun

        found = words.lemmas(word)
        if found:
            return "ADJ" in found
        # unknown: a word ending in a known noun is a kind of it ("clownfish", "swordfish")
        return not any(is_known_noun(word[k:]) for k in range(1, len(word) - 3))
    # "red-haired", "blue-eyed", "long-sleeved", "brightly-lit", "red-and-white", "dark-blue".
    if word.startswith("mid-") and len(word) > 5:
        return True  # "mid-waltz", "mid-stride", "mid-laugh": caught in the middle of it
    if "-" in word:
        parts = word.split("-")
        return parts[-1].endswith("ed") or all(p in ADJECTIVES or p == "and" for p in parts)
    return False
