"""Concept files named by scenes: found relative to their scene file, then hashed into the scene.

A scene file's `concept: my-dog.safetensors` means the file next to it; once read, the scene
carries the file's absolute path, so that a render and its replay find the same file wherever they
run from. Before a render is planned, each concept's sha256 is set (`concept_sha256`), which puts
the file's content into the recipe and the manifest; a file that no longer matches a recorded hash
is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from renderers.diffusion.concept_files import resolve, sha256_of, where
from scenes.errors import DeigError, InvalidInput
from scenes.model import Instance, Scene


def _located(index: int, exc: DeigError) -> DeigError:
    if not exc.message.startswith("instances["):
        exc.message = f"{where(index)}: {exc.message}"
    return exc


def _each_concept(scene: Scene, step: Callable[[int, Instance], Instance]) -> Scene:
    """`step(index, instance)` applied to every instance that names a concept; the others kept as they
    are. A DeigError the step raises is located at its instance (`instances[i].concept: ...`)."""
    if not any(instance.concept for instance in scene.instances):
        return scene
    instances = []
    for index, instance in enumerate(scene.instances):
        if instance.concept is not None:
            try:
                instance = step(index, instance)
            except DeigError as exc:
                raise _located(index, exc) from None
        instances.append(instance)
    return scene.model_copy(update={"instances": instances})


def with_concept_paths(scene: Scene, base: Path) -> Scene:
    """Relative concept paths made absolute against `base` (the scene file's folder); hub ids kept."""

    def absolute(index: int, instance: Instance) -> Instance:
        path, is_hub = resolve(instance.concept, base)
        return instance if is_hub else instance.model_copy(update={"concept": str(path)})

    return _each_concept(scene, absolute)


def pin_concepts(scene: Scene) -> Scene:
    """Every concept's sha256 set, or checked against the one the scene (or its manifest) records."""

    def pinned(index: int, instance: Instance) -> Instance:
        try:
            path, _ = resolve(instance.concept, Path.cwd())
            digest = sha256_of(path)
        except OSError as exc:
            raise InvalidInput(f"{where(index)}: cannot read {instance.concept}: {exc.strerror or exc}",
                               hint="Check the file's permissions.") from None
        if instance.concept_sha256 is not None and instance.concept_sha256 != digest:
            raise InvalidInput(
                f"{where(index)}: {path} has changed: its sha256 is {digest[:12]}…, the scene records "
                f"{instance.concept_sha256[:12]}…",
                hint="Restore the concept file the manifest or scene names, or remove 'concept_sha256' to "
                     "render with the file as it is now.")
        return instance.model_copy(update={"concept_sha256": digest})

    return _each_concept(scene, pinned)
