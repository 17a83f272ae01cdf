"""A validated reply becomes a Scene: pixel boxes to fractions, small overshoots clamped and recorded.

Anything that cannot be converted without guessing (an inverted box, a box far off the canvas, a
completion that renames the user's instances) is a `ReplyInvalid` whose messages go back to the
model. Completion takes only what the scene leaves out and proves it changed nothing else.
"""

from __future__ import annotations

from typing import Any

from planners.rules.captions import things_listed
from scenes.errors import SceneInvalid
from scenes.io import scene_from_data
from scenes.manifest import Repair
from scenes.model import Scene

from .reply import PlanReply, ReplyInstance, ReplyInvalid

# A box may overshoot the canvas by this fraction of a side and be clamped; models often round a
# box that touches an edge to a few pixels past it. Further off is a layout mistake, not rounding.
CLAMP_TOLERANCE = 0.05


def box_fractions(box: list[int], width: int, height: int, location: str,
                  repairs: list[Repair], problems: list[str]) -> list[float] | None:
    x0, y0, x1, y1 = box
    if x0 >= x1 or y0 >= y1:
        problems.append(f"{location}: {box} is not [x0, y0, x1, y1] with x0 < x1 and y0 < y1; give the "
                        "top-left corner first and the bottom-right corner second (corners, not width and height)")
        return None
    tol_x, tol_y = CLAMP_TOLERANCE * width, CLAMP_TOLERANCE * height
    if x0 < -tol_x or y0 < -tol_y or x1 > width + tol_x or y1 > height + tol_y:
        problems.append(f"{location}: {box} lies outside the {width}x{height} canvas; keep 0 <= x0 < x1 <= {width} "
                        f"and 0 <= y0 < y1 <= {height}")
        return None
    clamped = [min(max(x0, 0), width), min(max(y0, 0), height), min(max(x1, 0), width), min(max(y1, 0), height)]
    if clamped != list(box):
        repairs.append(Repair(location=location, action=f"clamped onto the {width}x{height} canvas",
                              before=list(box), after=clamped))
    return [clamped[0] / width, clamped[1] / height, clamped[2] / width, clamped[3] / height]


def _validated(document: dict[str, Any]) -> Scene:
    try:
        return scene_from_data(document)
    except SceneInvalid as exc:
        raise ReplyInvalid([issue.render() for issue in exc.issues]) from None


def _instance_document(instance: ReplyInstance, box: list[float] | None) -> dict[str, Any]:
    return {"name": instance.name, "caption": instance.caption, "box": box, "pose": instance.pose}


def scene_from_reply(reply: PlanReply, *, prompt: str | None, width: int, height: int,
                     seed: int | None) -> tuple[Scene, list[Repair]]:
    repairs: list[Repair] = []
    problems: list[str] = []
    instances = []
    for index, instance in enumerate(reply.instances):
        box = box_fractions(instance.box, width, height, f"instances[{index}].box", repairs, problems)
        instances.append(_instance_document(instance, box))
    if problems:
        raise ReplyInvalid(problems)
    document = {
        "prompt": prompt, "caption": reply.caption, "background": reply.background.strip() or None,
        "negative": reply.negative.strip() or None, "width": width, "height": height, "seed": seed,
        # The model's caption tells every instance's details; the regions' base must not.
        "summary": things_listed([instance.name for instance in reply.instances]),
        "instances": instances,
    }
    return _validated(document), repairs


def pixel_box(box: tuple[float, float, float, float], width: int, height: int) -> list[int]:
    return [round(box[0] * width), round(box[1] * height), round(box[2] * width), round(box[3] * height)]


def completion_request(scene: Scene) -> dict[str, Any]:
    """What the model sees of a partial scene: pixel boxes, null where it must fill in."""
    return {
        "caption": scene.caption, "background": scene.background or "", "negative": scene.negative or "",
        "width": scene.width, "height": scene.height,
        "instances": [
            {"name": inst.name, "caption": inst.caption,
             "box": pixel_box(inst.box, scene.width, scene.height) if inst.box is not None else None,
             "pose": inst.pose if isinstance(inst.pose, str) else ("explicit keypoints" if inst.pose else None)}
            for inst in scene.instances
        ],
    }


def complete_from_reply(scene: Scene, reply: PlanReply) -> tuple[Scene, list[Repair], list[str]]:
    """`scene` with its missing boxes and captions taken from `reply`; returns (scene, repairs, filled)."""
    names = [inst.name for inst in scene.instances]
    if len(reply.instances) != len(names):
        raise ReplyInvalid([f"instances: the scene has {len(names)} instances ({', '.join(names)}); reply with "
                            f"exactly these, in this order, not {len(reply.instances)}"])
    problems = [f"instances[{i}].name: expected '{name}' (the scene's instance {i}), got '{got.name}'; keep the "
                "scene's instances in their order"
                for i, (name, got) in enumerate(zip(names, reply.instances, strict=True))
                if got.name.strip().lower() != name.strip().lower()]
    if problems:
        raise ReplyInvalid(problems)
    repairs: list[Repair] = []
    filled = scene.missing()
    document = scene.to_document()
    for index, (given, got) in enumerate(zip(scene.instances, reply.instances, strict=True)):
        target = document["instances"][index]
        if given.box is None:
            target["box"] = box_fractions(got.box, scene.width, scene.height, f"instances[{index}].box",
                                          repairs, problems)
        if given.caption is None:
            target["caption"] = got.caption
    if problems:
        raise ReplyInvalid(problems)
    completed = _validated(document)
    _check_unchanged(scene, completed)
    return completed, repairs, filled


def _check_unchanged(before: Scene, after: Scene) -> None:
    """Everything the user wrote is still there, byte for byte (a bug here must never ship a scene)."""
    old, new = before.to_document(), after.to_document()
    old_instances, new_instances = old.pop("instances", []), new.pop("instances", [])
    changed = [key for key, value in old.items() if new.get(key) != value]
    for index, (was, now) in enumerate(zip(old_instances, new_instances, strict=True)):
        changed += [f"instances[{index}].{key}" for key, value in was.items() if now.get(key) != value]
    if changed:
        raise AssertionError(f"completion changed what the scene states: {', '.join(changed)}")
