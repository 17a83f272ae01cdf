"""Concept files named by scenes: found relative to their scene file, then hashed into the scene.

A scene file's `concept: my-dog.safetensors` means the file next to it; once read, the scene
carries the file's absolute path, so that a render and its replay find the same file wherever they
run from. Before a render is planned, each concept's sha256 is set (`concept_sha256`), which puts
the file's content into the recipe and the manifest; a file that no longer matches a recorded hash
is refused.
"""

from __future__ import annotations

from pathlib import Path

from renderers.diffusion.concept_files import resolve, sha256_of, where
from scenes.errors import DeigError, InvalidInput
from scenes.model import Scene


def _located(index: int, exc: DeigError) -> DeigError:
    if not exc.message.startswith("instances["):
        exc.message = f"{where(index)}: {exc.message}"
    return exc


def with_concept_paths(scene: Scene, base: Path) -> Scene:
    """Relative concept paths made absolute against `base` (the scene file's folder); hub ids kept."""
    if not any(instance.concept for instance in scene.instances):
        return scene
    instances = []
    for index, instance in enumerate(scene.instances):
        if instance.concept is not None:
            try:
                path, is_hub = resolve(instance.concept, base)
            except DeigError as exc:
                raise _located(index, exc) from None
            if not is_hub:
                instance = instance.model_copy(update={"concept": str(path)})
        instances.append(instance)
    return scene.model_copy(update={"instances": instances})


def pin_concepts(scene: Scene) -> Scene:
    """Every concept's sha256 set, or checked against the one the scene (or its manifest) records."""
    if not any(instance.concept for instance in scene.instances):
        return scene
    instances = []
    for index, instance in enumerate(scene.instances):
        if instance.concept is not None:
            try:
                path, _ = resolve(instance.concept, Path.cwd())
                digest = sha256_of(path)
            except DeigError as exc:
                raise _located(index, exc) from None
            except OSError as exc:
                raise InvalidInput(f"{where(index)}: cannot read {instance.concept}: {exc.strerror or exc}",
                                   hint="Check the file's permissions.") from None
            if instance.concept_sha256 is not None and instance.concept_sha256 != digest:
                raise InvalidInput(
                    f"{where(index)}: {path} has changed: its sha256 is {digest[:12]}…, the scene records "
                    f"{instance.concept_sha256[:12]}…",
                    hint="Restore the concept file the manifest or scene names, or remove 'concept_sha256' to "
                         "render with the file as it is now.")
            instance = instance.model_copy(update={"concept_sha256": digest})
        instances.append(instance)
    return scene.model_copy(update={"instances": instances})
