"""`--ref NAME=FILE`: identity reference images named on the command line, attached to planned instances.

The file is the user's own (not a scene's), so it is resolved against the working directory,
checked like any reference, and written into the scene as an absolute path: the planned scene can
then be saved anywhere. NAME matches an instance by its name or by a word of its caption, so that
"my dog Rex" is found by --ref rex=rex.jpg.
"""

from __future__ import annotations

import re
from pathlib import Path

from scenes.errors import InvalidInput
from scenes.model import Instance, Scene
from scenes.references import anchor, scene_references

HINT = "Write --ref NAME=FILE, NAME being an instance's name or a word of its caption, e.g. --ref rex=rex.jpg."


def parse_attachments(values: list[str]) -> list[tuple[str, str]]:
    """NAME=FILE pairs, checked for shape (files are checked when attached)."""
    pairs = []
    for value in values:
        name, sep, path = value.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise InvalidInput(f"--ref {value!r} is not NAME=FILE", hint=HINT)
        pairs.append((name.strip().lower(), path.strip()))
    return pairs


def _matches(instance: Instance, name: str) -> bool:
    if instance.name.strip().lower() == name:
        return True
    words = re.findall(r"[\w'-]+", (instance.caption or "").lower())
    return name in words


def attach(scene: Scene, pairs: list[tuple[str, str]]) -> Scene:
    """`scene` with each reference added to the one instance its NAME matches (an error otherwise)."""
    instances = list(scene.instances)
    for name, path in pairs:
        found = [index for index, instance in enumerate(instances) if _matches(instance, name)]
        if not found:
            names = ", ".join(f"'{instance.name}'" for instance in instances) or "none"
            raise InvalidInput(f"--ref {name}: no instance of the scene is called '{name}' (instances: {names})",
                               hint=HINT)
        if len(found) > 1:
            raise InvalidInput(f"--ref {name}: {len(found)} instances match '{name}' "
                               f"({', '.join(f'instances[{i}]' for i in found)})",
                               hint="Use a word only one instance's name or caption has.")
        instance = instances[found[0]]
        instances[found[0]] = instance.model_copy(update={"reference": [*instance.references, path]})
    # The command line is the user's own: its files may be anywhere (a scene's may not).
    attached = anchor(scene.model_copy(update={"instances": instances}), Path.cwd(), roots=[Path(Path.cwd().anchor)])
    scene_references(attached)
    return Scene.model_validate(attached.to_document())
