"""Where things rest in a picture: on the ground, in the sky, on a wall, on a seat, in a hand.

A photo taken at eye level has a floor: people, animals, furniture and cars stand on it, so
their boxes share a bottom line low in the frame. Kites, clouds and planes are high; clocks and
paintings hang on the wall at head height; a sitting person's hips are on the seat; a held cup
is at the hand. These are the facts the layout solver composes with; sizes are in `priors`.
"""

from __future__ import annotations

from functools import lru_cache

from planners.layout import priors
from scenes import poses as pose_library

GROUND, SKY, WALL = "ground", "sky", "wall"

# Things that fly or hang from the ceiling, besides the SKY category (sun, clouds, kites ...).
_AIRBORNE = frozenset({"airplane", "plane", "jet", "helicopter", "hot air balloon", "spaceship", "chandelier",
                       "butterfly", "dragonfly", "bee", "spotlight"})
# Things that hang on a wall: their centres sit about head-high.
_ON_WALL = frozenset({"clock", "painting", "picture", "poster", "mirror", "window", "curtain", "map", "calendar",
                      "shelf", "blackboard", "chalkboard", "whiteboard"})


def support(name: str, category: str) -> str:
    """What holds a thing up when nothing else is said: GROUND, SKY or WALL."""
    if category == priors.SKY or name in _AIRBORNE:
        return SKY
    if name in _ON_WALL:
        return WALL
    return GROUND


# Where something placed on a parent rests, as a fraction of the parent's box height from its top:
# a cup on a table stands near the top edge (its surface seen from slightly above), a cat on a
# chair on the seat, halfway down.
_REST = {
    "table": .12, "dining table": .12, "desk": .12, "counter": .1, "coffee table": .15, "nightstand": .06,
    "dresser": .05, "cabinet": .05, "cupboard": .05, "piano": .3, "grand piano": .3, "stove": .08, "oven": .05,
    "chair": .55, "armchair": .55, "stool": .06, "bench": .5, "couch": .5, "sofa": .5, "bed": .45, "crib": .5,
    "toilet": .5, "swing": .65, "fireplace": .05, "shelf": .3, "bookshelf": .3, "bookcase": .3,
    "plate": .5, "tray": .5, "saucer": .5, "rug": .6, "carpet": .6, "blanket": .6, "towel": .5,
    "car": .25, "truck": .2, "bus": .1,
}  # fmt: skip
# Seats a person sits on (hips at this fraction from the top) and mounts they ride.
_SEATS = {"chair": .55, "armchair": .55, "stool": .06, "bench": .5, "couch": .5, "sofa": .5, "bed": .45,
          "toilet": .5, "swing": .65, "crib": .5, "wheelchair": .5, "throne": .5,
          # things people sit on that are no furniture: "sitting on a log", "sat on an upturned bucket"
          "log": .3, "stump": .35, "tree stump": .35, "rock": .3, "boulder": .35, "crate": .35, "barrel": .45,
          "bucket": .3, "box": .3, "suitcase": .3, "trunk": .35, "chest": .35, "hay bale": .35, "cooler": .3,
          "ottoman": .35, "pouf": .3, "tire": .2, "step": .2, "steps": .2,
          # seats named in one word, or whose last word is no seat
          "deckchair": .55, "settee": .5, "loveseat": .5, "recliner": .5, "beanbag": .3, "pew": .5,
          "lounger": .6, "daybed": .45, "highchair": .5, "pouffe": .3, "footstool": .2}
_MOUNTS = {"horse": .32, "pony": .32, "donkey": .32, "camel": .25, "elephant": .22, "cow": .3, "bull": .3,
           "zebra": .3, "unicorn": .3, "deer": .3, "bicycle": .12, "bike": .12, "tricycle": .3,
           "motorcycle": .35, "motorbike": .35, "scooter": .4, "skateboard": .3, "surfboard": .3,
           "snowboard": .3, "wheelchair": .45}
_DEFAULT_REST = 0.2


# Tall furniture with shelves: books and jars go on a shelf level; a plant or a cat goes on top.
_SHELVES = frozenset({"bookshelf", "bookcase", "shelf", "cabinet", "cupboard", "wardrobe", "dresser",
                      "refrigerator", "fridge"})
_SHELVED = frozenset({"book", "magazine", "notebook", "bottle", "wine bottle", "jar", "vase", "box", "trophy", "toy",
                      "doll", "teddy bear", "candle", "picture", "globe", "basket", "cup", "mug", "glass", "plate",
                      "bowl", "can"})


def rest_height(parent: str, child: str | None = None) -> float:
    """Where a thing put on `parent` rests (fraction of the parent's height from its top)."""
    if parent in _SHELVES and child is not None and child not in _SHELVED:
        return 0.0  # "a plant on the bookshelf": on its top, not inside it
    return _REST.get(parent, _SEATS.get(_seat_name(parent), _MOUNTS.get(parent, _DEFAULT_REST)))


def has_surface(parent: str) -> bool:
    """Whether things can be put on `parent` (a table, a tray, a bench, a car roof)."""
    return parent in _REST or _seat_name(parent) in _SEATS


def _seat_name(parent: str) -> str:
    # "a porch swing", "an office chair", "a bar stool": a seat named by two words is that seat
    return parent if parent in _SEATS else parent.rsplit(" ", 1)[-1]


def seat_height(parent: str) -> float | None:
    """Where a person sitting on (or riding) `parent` has their hips, or None if it is no seat."""
    return _SEATS.get(_seat_name(parent), _MOUNTS.get(parent))


def is_seat(parent: str) -> bool:
    """Furniture one sits on (a chair, a bench), as opposed to a mount one rides (a horse, a bike)."""
    return _seat_name(parent) in _SEATS


# Mounts one stands on rather than sits astride.
_STOOD_ON = frozenset({"skateboard", "surfboard", "snowboard", "scooter"})


def sits_astride(parent: str) -> bool:
    """A mount a rider sits on (a horse, a bicycle), not one they stand on (a skateboard)."""
    return parent in _MOUNTS and parent not in _STOOD_ON and parent != "wheelchair"


# How a held thing is held: at the hand (a cup), over the head (an umbrella), hanging from the hand
# (a suitcase), or up on a string (a balloon).
HAND, OVERHEAD, HANGING, ALOFT = "hand", "overhead", "hanging", "aloft"
_OVERHEAD = frozenset({"umbrella", "parasol", "torch", "trophy"})
_HANGING = frozenset({"bag", "handbag", "purse", "suitcase", "luggage", "briefcase", "bucket", "basket", "lantern",
                      "sack", "backpack", "birdcage", "cage", "leash"})


def hold_style(name: str, category: str) -> str:
    if category == priors.SKY:
        return ALOFT
    if name in _OVERHEAD:
        return OVERHEAD
    if name in _HANGING:
        return HANGING
    return HAND


# Poses in which a person on a seat sits on it (a standing or lying person on a bench does not).
SEATED_POSES = frozenset({None, "sitting"})


@lru_cache(maxsize=64)
def _figure(pose: str) -> tuple[tuple[float, float, float, float], tuple]:
    points = pose_library.figure_keypoints(pose)
    return pose_library.figure_extent(points), tuple(points)


def _joint(pose: str | None, joint: str) -> tuple[float, float]:
    """A joint of a pose as fractions of the body's box (0, 0 top left; 1, 1 bottom right)."""
    pose = pose if pose in pose_library.POSE_NAMES else "standing"
    (x0, y0, x1, y1), points = _figure(pose)
    point = points[pose_library.KEYPOINT_NAMES.index(joint)]
    if point is None:
        return 0.5, 0.5
    return (point[0] - x0) / (x1 - x0), (point[1] - y0) / (y1 - y0)


def hip_fraction(pose: str | None) -> float:
    """How far down a person's box their hips are (a seated person's hips are on the seat)."""
    return (_joint(pose, "right_hip")[1] + _joint(pose, "left_hip")[1]) / 2


def hands(pose: str | None) -> tuple[tuple[float, float], tuple[float, float]]:
    """The two wrists as fractions of a person's box: the one on the image's right first.

    A raised hand (waving) is no place for a cup: when one wrist is well above the other, the lower
    one comes first.
    """
    a, b = _joint(pose, "right_wrist"), _joint(pose, "left_wrist")
    first, second = (a, b) if a[0] >= b[0] else (b, a)
    if first[1] < second[1] - 0.15:
        first, second = second, first
    return first, second


def is_backdrop(name: str, category: str, height: float) -> bool:
    """Trees and buildings: scenery that may reach out of the frame rather than shrink the people."""
    return category in (priors.PLANT, priors.BUILDING) and height >= 1.5 and name not in ("statue", "monument")
