"""The relations a reading found, as the layout's kinds (to place boxes) and the scene's (to keep).

The reader's kinds are words ("left of", "inside", "at", "around", "near", "holding"); the layout
knows a fixed set, the scene schema another (`scenes.model.RELATION_KINDS`). One table here maps
each reading to both, so no reading can reach the layout as a kind it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass

from planners import layout, priors
from planners.rules import lexicon

# reader kind -> (scene kind, whether subject and object swap in the scene)
_SCENE: dict[str, tuple[str, bool]] = {
    "left of": ("left_of", False), "right of": ("right_of", False), "above": ("above", False),
    "below": ("below", False), "in front of": ("in_front_of", False), "behind": ("behind", False),
    "next to": ("next_to", False), "between": ("between", False), "on": ("on", False),
    "inside": ("in", False), "under": ("under", False), "around": ("around", False), "at": ("at", False),
    "near": ("near", False), "holding": ("held_by", True),
}  # fmt: skip
# Reader kinds the layout may not know, as the nearest kind it does.
_NEAREST = {"at": "next to", "near": "next to", "around": "next to"}


@dataclass(frozen=True)
class Reading:
    """One relation between instances (indices into the plan's instances)."""

    subject: int
    kind: str
    object: int
    third: int | None = None
    words: str | None = None


def scene_kind(kind: str) -> tuple[str, bool]:
    return _SCENE.get(kind, ("near", False))


def layout_kind(kind: str, subject: layout.LayoutItem, obj: layout.LayoutItem, third: int | None = None) -> str:
    """The layout kind for a reading: 'at' a table a person is in front of it, elsewhere beside it."""
    if kind == "between" and third is None:
        return "next to"
    if kind in layout.RELATIONS and kind not in _NEAREST:
        return kind
    if kind == "at" and lexicon.category(subject.name) == priors.PERSON and lexicon.category(obj.name) in (
            priors.FURNITURE, priors.VEHICLE, priors.BUILDING):
        return "in front of" if "in front of" in layout.RELATIONS else "next to"
    nearest = _NEAREST.get(kind, "next to")
    return kind if kind in layout.RELATIONS else nearest


def scene_relation(reading: Reading) -> dict:
    kind, swap = scene_kind(reading.kind)
    if kind == "between" and reading.third is None:
        kind = "next_to"  # "between" with one object said: beside it
    subject, obj = (reading.object, reading.subject) if swap else (reading.subject, reading.object)
    out = {"subject": subject, "kind": kind, "object": obj}
    if kind == "between":
        out["other"] = reading.third
    if reading.words:
        out["words"] = reading.words[:200]
    return out


def place_relation(index: int, zone: tuple[str | None, str | None]) -> dict | None:
    """A zone ('in the top-left corner', 'on the left') as a scene relation to a canvas place."""
    x, y = zone
    y = y if y in ("top", "bottom") else None
    x = x if x in ("left", "right", "center") else None
    if x and y:
        if x == "center":
            return {"subject": index, "kind": "at_place", "place": y}
        return {"subject": index, "kind": "in_corner", "place": f"{y}-{x}"}
    if x or y:
        return {"subject": index, "kind": "at_place", "place": x or y}
    return None
