"""The rules planner: English scene descriptions to scenes, offline and deterministic."""

from __future__ import annotations

import dataclasses

from planners import layout
from planners.base import Canvas, Planner, PlanResult
from planners.rules import captions
from planners.rules.description import Description
from planners.rules.inflection import article
from planners.rules.parsing import describe
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
        items = [layout.LayoutItem(m.noun, pose=m.pose, zone=m.zone) for m in (description.mentions[o] for o in owners)]
        relations = _relations(description, mentions)
        # A person on a bench or a sofa with no pose of their own sits on it.
        poses = [description.mentions[owner].pose for owner in owners]
        for index in layout.seated(items, relations):
            poses[index] = "sitting"
            items[index] = dataclasses.replace(items[index], pose="sitting")
        solved = layout.solve(items, relations, width=canvas.width, height=canvas.height, fit_canvas=not canvas.given)
        for relation in solved.dropped:
            if relation.kind in _HARD:
                notes.append(f"could not place {items[relation.subject].name} {relation.kind} "
                             f"{items[relation.object].name}: it conflicts with other relations")
        instances = [
            Instance(name=_name(description.mentions[owner].noun),
                     caption=captions.instance_caption(description.mentions[owner]), box=box, pose=pose)
            for owner, box, pose in zip(owners, solved.boxes, poses, strict=True)
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
            instances=instances,
            relations=layout.scene_relations(solved.relations, items),
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


def _name(noun: str) -> str:
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


def _relations(description: Description, mentions: dict[int, list[int]]) -> list[layout.LayoutRelation]:
    out: list[layout.LayoutRelation] = []
    pairs = [(r.subject, r.kind, r.object, r.third) for r in description.relations]
    for axis, reverse, order in description.orders:
        kind = ("right of" if reverse else "left of") if axis == "x" else ("below" if reverse else "above")
        pairs += [(a, kind, b, None) for a, b in zip(order, order[1:], strict=False)]
    seen = set()
    for subject, kind, obj, third in pairs:
        subjects, objects = mentions.get(subject, []), mentions.get(obj, [])
        thirds = mentions.get(third, []) if third is not None else []
        if not subjects or not objects or (third is not None and not thirds):
            continue
        if kind in layout.ATTACHING:
            # Glue one to one, round robin: "two cups on two saucers", "a man holding two balloons".
            children, parents = (objects, subjects) if kind == "holding" else (subjects, objects)
            for i, child in enumerate(children):
                parent = parents[i % len(parents)]
                s, o = (parent, child) if kind == "holding" else (child, parent)
                pair = (s, kind, o, None)
                if s != o and pair not in seen:
                    seen.add(pair)
                    out.append(layout.LayoutRelation(s, kind, o))
            continue
        for s in subjects:
            for o in objects:
                pair = (s, kind, o, thirds[0] if thirds else None)
                if s != o and pair not in seen:
                    seen.add(pair)
                    out.append(layout.LayoutRelation(*pair))
    return out
