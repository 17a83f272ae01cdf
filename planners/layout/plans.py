"""The layout steps applied to whole plans: every planner's scene gets a depth order and a review.

`finish_plan` is what a planner's result goes through before it is used, whichever planner wrote
it: instances whose boxes overlap get a depth rank (`depth`), and the critic's findings become
notes, on stderr and in the manifest's planner record.
"""

from __future__ import annotations

from collections.abc import Sequence

from planners.layout import critic, depth
from scenes.model import Relation, Scene

# The layout solver's relation words, in the scene schema's words ("holding" turns round: held_by).
SCENE_KINDS = {"left of": "left_of", "right of": "right_of", "above": "above", "below": "below",
               "on": "on", "inside": "in", "under": "under", "in front of": "in_front_of",
               "behind": "behind", "next to": "next_to", "between": "between", "around": "around",
               "at": "at", "near": "near"}


def facts_of(scene: Scene) -> list[critic.Fact]:
    return [critic.Fact(r.subject, r.kind, r.object, r.other, r.place) for r in scene.relations
            if r.subject < len(scene.instances) and all(i is None or i < len(scene.instances)
                                                         for i in (r.object, r.other))]


def placed_of(scene: Scene) -> list[critic.Placed]:
    return [critic.Placed(i.name, tuple(i.box), i.pose if isinstance(i.pose, str) else None)  # type: ignore[arg-type]
            for i in scene.instances if i.box is not None]


def review_scene(scene: Scene) -> critic.Review:
    """The critic's findings on a complete scene (instances without a box are left out of it)."""
    if any(i.box is None for i in scene.instances):
        return critic.Review([], critic.Measures())
    return critic.review(placed_of(scene), facts_of(scene), far=critic.is_far(scene.prompt))


def with_depth(scene: Scene, *, only_when_needed: bool = False) -> Scene:
    """The scene with a depth rank on every instance whose box overlaps another's. A scene that states
    any depth already is left as it is (its author decided). `only_when_needed` (a completed scene
    file): ranks are written only where the relations overrule the lower-bottom-in-front rule."""
    if any(i.depth is not None for i in scene.instances) or any(i.box is None for i in scene.instances):
        return scene
    boxes = [tuple(i.box) for i in scene.instances]
    ranks = depth.depth_ranks(boxes, facts_of(scene))  # type: ignore[arg-type]
    if all(r is None for r in ranks):
        return scene
    if only_when_needed and ranks == depth.depth_ranks(boxes):  # type: ignore[arg-type]
        return scene
    instances = [i.model_copy(update={"depth": r}) if r is not None else i
                 for i, r in zip(scene.instances, ranks, strict=True)]
    return scene.model_copy(update={"instances": instances})


def scene_relations(relations: Sequence, items: Sequence = ()) -> list[Relation]:
    """Layout relations (`LayoutRelation`: subject, kind, object, third) as the scene schema's relations;
    the zones of `items` (`LayoutItem`s: 'on the left', 'in the top right corner') as places."""
    out = []
    for index, item in enumerate(items):
        place = _place(item.zone)
        if place is not None:
            kind = "in_corner" if "-" in place else "at_place"
            out.append(Relation(subject=index, kind=kind, place=place))
    for r in relations:
        if r.kind == "holding":
            out.append(Relation(subject=r.object, kind="held_by", object=r.subject))
        elif r.kind in ("in corner", "at place"):
            out.append(Relation(subject=r.subject, kind=r.kind.replace(" ", "_"), place=r.place))
        elif r.kind in SCENE_KINDS:
            other = r.third if r.kind == "between" else None
            out.append(Relation(subject=r.subject, kind=SCENE_KINDS[r.kind], object=r.object, other=other))
    return out


def apply_reading(relations: list[Relation], given: Sequence, read: Sequence) -> list[Relation]:
    """The scene's relations with the layout's reading of them: where the layout read "a woman in a cup"
    as her holding it (`given` and `read` are the layout relations before and after), so does the scene."""
    changed = {(g.subject, g.object): r.kind for g, r in zip(given, read, strict=True)
               if g != r and r.kind in ("holding", "next to")}
    out = []
    for relation in relations:
        kind = changed.get((relation.subject, relation.object)) if relation.kind in ("on", "in", "under") else None
        if kind == "holding":
            relation = Relation(subject=relation.object, kind="held_by", object=relation.subject,
                                words=relation.words)
        elif kind == "next to":
            relation = Relation(subject=relation.subject, kind="next_to", object=relation.object,
                                words=relation.words)
        out.append(relation)
    return out


def _place(zone: tuple[str | None, str | None]) -> str | None:
    x, y = zone
    y = y if y in ("top", "bottom") else None
    if x is None and y is None:
        return None
    if x is None or (y is not None and x == "center"):
        return y
    return f"{y}-{x}" if y is not None else x


def finish_plan(result, *, completed: bool = False):
    """A planner's `PlanResult` with depth ranks set and the critic's findings added as notes. For a
    `completed` scene file, whose stated values must not change, depth is added only where needed."""
    scene = with_depth(result.scene, only_when_needed=completed)
    notes = review_scene(scene).notes()
    record = result.record.model_copy(update={"notes": [*result.record.notes, *notes]}) if notes else result.record
    result.scene, result.record = scene, record
    result.notes = [*result.notes, *notes]
    return result
