"""The rules planner: English scene descriptions to scenes, offline and deterministic."""

from __future__ import annotations

import dataclasses

from planners import layout, priors
from planners.base import Canvas, Planner, PlanResult
from planners.rules import captions, lexicon
from planners.rules.description import Description, Mention
from planners.rules.inflection import article
from planners.rules.parsing import describe
from planners.rules.relating import Reading, layout_kind, place_relation, scene_relation
from scenes.errors import InvalidInput
from scenes.manifest import PlannerRecord
from scenes.model import (
    MAX_INSTANCES,
    MAX_PROMPT_CHARS,
    MAX_SEED,
    MAX_SIDE,
    MIN_SIDE,
    Instance,
    PoseKeypoints,
    Relation,
    Scene,
)
from scenes.poses import keypoints_extent

_NAME_CHARS = 64
_HARD = frozenset(layout.RELATIONS) - {"next to", "holding", "in front of", "behind"}


class RulesPlanner(Planner):
    name = "rules"
    description = ("Offline and deterministic: reads English scene descriptions with a lexicon and a small "
                   "grammar, and places boxes with the layout solver.")

    def plan(self, prompt: str, *, canvas: Canvas, seed: int | None = None) -> PlanResult:
        text = _checked_prompt(prompt)
        _check_canvas(canvas)
        if seed is not None and not 0 <= seed <= MAX_SEED:
            raise InvalidInput(f"seed {seed} is out of range", hint=f"Use a seed between 0 and {MAX_SEED}.")
        description = describe(text)
        notes = list(description.notes)
        mentions, owners = _instances(description, notes)
        chosen = [description.mentions[o] for o in owners]
        items = [layout.LayoutItem(m.noun, pose=_pose(m), zone=m.zone, prior=_prior(m)) for m in chosen]
        readings = _readings(description, mentions)
        relations = _layout_relations(readings, items)
        # A person on a bench or a sofa with no pose of their own sits on it; every other person stands.
        seated = layout.seated(items, [_seat_as_on(r, items) for r in relations])
        for index, mention in enumerate(chosen):
            pose = "sitting" if index in seated else items[index].pose or _default_pose(mention)
            items[index] = dataclasses.replace(items[index], pose=pose, prior=_prior(mention, pose))
        poses = [item.pose for item in items]
        solved = layout.solve(items, relations, width=canvas.width, height=canvas.height, fit_canvas=not canvas.given)
        for relation in solved.dropped:
            if relation.kind in _HARD:
                notes.append(f"could not place {items[relation.subject].name} {relation.kind} "
                             f"{items[relation.object].name}: it conflicts with other relations")
        instances = [
            Instance(name=_name(mention.head if _named_person(mention) else mention.noun),
                     caption=captions.instance_caption(mention), box=box, pose=pose)
            for mention, box, pose in zip(chosen, solved.boxes, poses, strict=True)
        ]
        background = captions.background(description)
        if not instances and background is None:
            notes.append("no objects recognised in the prompt; the scene has only a caption")
        scene = Scene(
            prompt=text,
            caption=captions.global_caption(text, description) or background or "an empty scene",
            background=background,
            negative=captions.negative(description),
            width=solved.width,
            height=solved.height,
            seed=seed,
            summary=captions.summary([i.name for i in instances], description,
                                     frozenset(i.name for i, m in zip(instances, chosen, strict=True) if m.many)),
            instances=instances,
            relations=layout.apply_reading(_scene_relations(readings, chosen), relations, solved.relations),
        )
        return PlanResult(scene=scene, record=PlannerRecord(name=self.name), notes=notes)

    def complete(self, scene: Scene) -> PlanResult:
        """Fill missing boxes and captions; every value the scene states stays as it is."""
        completed: list[str] = []
        items = []
        for instance in scene.instances:
            box = instance.box
            if box is None and isinstance(instance.pose, PoseKeypoints):
                # A person given as keypoints already says where it is.
                box = layout.finish_fraction(keypoints_extent(instance.pose.keypoints), scene.width, scene.height)
            pose = instance.pose if isinstance(instance.pose, str) else None
            items.append(layout.LayoutItem(instance.name, pose=pose, box=box))
        solved = layout.solve(items, width=scene.width, height=scene.height)
        instances = []
        for index, (instance, box) in enumerate(zip(scene.instances, solved.boxes, strict=True)):
            update = {}
            if instance.box is None:
                update["box"] = box
                completed.append(f"instances[{index}].box")
            if instance.caption is None:
                update["caption"] = f"{article(instance.name)} {instance.name}"
                completed.append(f"instances[{index}].caption")
            instances.append(instance.model_copy(update=update) if update else instance)
        document = scene.model_dump(by_alias=True)
        document["instances"] = [i.model_dump() for i in instances]
        completed_scene = Scene.model_validate(document)
        notes = [f"filled {len(completed)} missing value(s): {', '.join(completed[:4])}"
                 f"{' …' if len(completed) > 4 else ''}"] if completed else []
        return PlanResult(scene=completed_scene, record=PlannerRecord(name=self.name, completed=completed),
                          notes=notes)


def _checked_prompt(prompt: str) -> str:
    text = prompt.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise InvalidInput("the prompt is empty", hint="Describe the picture, e.g. 'a red cup on a wooden table'.")
    if len(text) > MAX_PROMPT_CHARS:
        raise InvalidInput(f"the prompt is {len(text):,} characters; at most {MAX_PROMPT_CHARS:,} are planned",
                           hint="Shorten it, or write the scene as a file and pass it with --scene.")
    bad = next((ch for ch in text if ord(ch) < 32 and ch not in "\n\t"), None)
    if bad is not None:
        raise InvalidInput(f"the prompt contains a control character (U+{ord(bad):04X})",
                           hint="Pass plain text; remove terminal escapes and binary data.")
    return text


def _check_canvas(canvas: Canvas) -> None:
    for side, value in (("width", canvas.width), ("height", canvas.height)):
        if not (MIN_SIDE <= value <= MAX_SIDE) or value % 8:
            raise InvalidInput(f"canvas {side} {value} is not usable",
                               hint=f"Use a multiple of 8 between {MIN_SIDE} and {MAX_SIDE}.")


def _named_person(mention: Mention) -> bool:
    """'Jess in a yellow raincoat': someone known only by a first name is named by it, as written."""
    return mention.proper and mention.is_person and mention.head[:1].isupper() and " " not in mention.head and (
        mention.noun == mention.head.lower()) and lexicon.category(mention.noun) != priors.PERSON


def _name(noun: str) -> str:
    """The instance's name: its noun, less a wood the size table keeps only for the tree's shape
    ("a pine tree" is a tree, drawn slim)."""
    first, _, head = noun.partition(" ")
    if head and " " not in head and first in lexicon.WOODS:
        noun = head
    return noun[:_NAME_CHARS].strip() or noun[:_NAME_CHARS]


def _instances(description: Description, notes: list[str]) -> tuple[dict[int, list[int]], list[int]]:
    """Expand mentions into instances: mention -> instance indices, and each instance's mention."""
    owners: list[int] = []
    by_mention: dict[int, list[int]] = {}
    asked = 0
    for index, mention in enumerate(description.mentions):
        asked += mention.count
        room = MAX_INSTANCES - len(owners)
        count = min(mention.count, room)
        by_mention[index] = list(range(len(owners), len(owners) + count))
        owners.extend([index] * count)
    if asked > MAX_INSTANCES:
        notes.append(f"the prompt asks for {asked} things; a scene holds at most {MAX_INSTANCES}, "
                     f"so only the first {MAX_INSTANCES} were planned")
    # A plural split into described members ("two cats, one black and one white") is all of them.
    for index, mention in enumerate(description.mentions):
        parent = mention.parent
        while parent is not None:
            by_mention.setdefault(parent, []).extend(by_mention.get(index, []))
            parent = description.mentions[parent].parent
    return by_mention, owners


def _prior(mention: Mention, pose: str | None = None) -> priors.SizePrior | None:
    """Sizes for people and animals the size table does not name: a person's, a dog's; a box for an
    uncounted many ('pigeons') is wider and a little taller than one of them, as a small group is."""
    if mention.many:
        one = _prior(dataclasses.replace(mention, many=False), pose) or priors.prior_for(mention.noun, pose)
        return priors.SizePrior(one.height * 1.3, one.aspect * 2.5, one.category)
    if mention.noun in priors.NOUNS or mention.category not in (priors.PERSON, priors.ANIMAL):
        return None
    return priors.prior_for("person" if mention.category == priors.PERSON else "dog", pose)


_SEATS = frozenset({"chair", "armchair", "sofa", "couch", "seat", "stool", "wheelchair", "throne", "bench"})


def _seat_as_on(relation: layout.LayoutRelation, items: list[layout.LayoutItem]) -> layout.LayoutRelation:
    """'in a rocking chair' sits as 'on a chair' does."""
    if relation.kind == "inside" and items[relation.object].name.rsplit(" ", 1)[-1] in _SEATS:
        return layout.LayoutRelation(relation.subject, "on", relation.object)
    return relation


def _default_pose(mention: Mention) -> str | None:
    """People stand unless the words say otherwise; babies are carried or lie, so they get none."""
    if mention.noun in ("baby", "infant", "newborn"):
        return None
    return "standing" if mention.is_person and captions.is_human(mention) else None


def _pose(mention: Mention) -> str | None:
    """The pose the words give a person; things named like people do not pose."""
    if not mention.is_person or not captions.is_human(mention):
        return None
    if mention.pose:
        return mention.pose
    # "a crouching boy": a participle before the noun says the pose too
    for word in mention.modifiers:
        verb = lexicon.VERBS.get(word.lower())
        if verb is not None and verb.pose:
            return verb.pose
    return None


def _readings(description: Description, mentions: dict[int, list[int]]) -> list[Reading]:
    """The description's relations between mentions, as relations between instances."""
    out: list[Reading] = []
    pairs = [(r.subject, r.kind, r.object, r.third, r.words) for r in description.relations]
    for axis, reverse, order in description.orders:
        kind = ("right of" if reverse else "left of") if axis == "x" else ("below" if reverse else "above")
        pairs += [(a, kind, b, None, None) for a, b in zip(order, order[1:], strict=False)]
    seen = set()
    for subject, kind, obj, third, words in pairs:
        subjects, objects = mentions.get(subject, []), mentions.get(obj, [])
        thirds = mentions.get(third, []) if third is not None else []
        if kind == "between" and third is None and len(objects) >= 2:
            objects, thirds, third = objects[:1], objects[1:2], obj  # "between two horses"
        if not subjects or not objects or (third is not None and not thirds):
            continue
        if kind in layout.ATTACHING:
            # Glue one to one, round robin: "two cups on two saucers", "a man holding two balloons".
            children, parents = (objects, subjects) if kind == "holding" else (subjects, objects)
            for i, child in enumerate(children):
                parent = parents[i % len(parents)]
                s, o = (parent, child) if kind == "holding" else (child, parent)
                if s != o and (s, kind, o, None) not in seen:
                    seen.add((s, kind, o, None))
                    out.append(Reading(s, kind, o, None, words))
            continue
        for s in subjects:
            for o in objects:
                key = (s, kind, o, thirds[0] if thirds else None)
                if s != o and key[3] not in (s, o) and key not in seen:
                    seen.add(key)
                    out.append(Reading(*key, words))
    return out


def _layout_relations(readings: list[Reading], items: list[layout.LayoutItem]) -> list[layout.LayoutRelation]:
    out, seen = [], set()
    for r in readings:
        kind = layout_kind(r.kind, items[r.subject], items[r.object], r.third)
        key = (r.subject, kind, r.object, r.third)
        if key not in seen:
            seen.add(key)
            out.append(layout.LayoutRelation(*key))
    return out


_ACROSS = {"left": 0, "center": 1, "right": 2}
_DOWN = {"top": 0, "bottom": 2}


def _between_places(chosen: list[Mention]) -> list[dict]:
    """'an apple on the left, a pear in the middle, a banana on the right': things placed in the
    picture stand in that order to each other too, said both ways ('left of' and 'right of')."""
    out = []
    for a, first in enumerate(chosen):
        for b, second in enumerate(chosen):
            if a == b or first is second:
                continue
            x_a, x_b = _ACROSS.get(first.zone[0]), _ACROSS.get(second.zone[0])
            if x_a is not None and x_b is not None and x_a < x_b:
                out += [{"subject": a, "kind": "left_of", "object": b}, {"subject": b, "kind": "right_of", "object": a}]
            y_a, y_b = _DOWN.get(first.zone[1]), _DOWN.get(second.zone[1])
            if y_a is not None and y_b is not None and y_a < y_b:
                out += [{"subject": a, "kind": "above", "object": b}, {"subject": b, "kind": "below", "object": a}]
    return out


def _scene_relations(readings: list[Reading], chosen: list[Mention]) -> list[Relation]:
    documents = [scene_relation(r) for r in readings]
    documents += [p for index, m in enumerate(chosen) if (p := place_relation(index, m.zone)) is not None]
    documents += _between_places(chosen)
    unique = list({tuple(sorted(d.items())): d for d in documents}.values())
    return [Relation.model_validate(d) for d in unique[:4 * MAX_INSTANCES]]
