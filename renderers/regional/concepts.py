"""A scene's learned concepts in the regional renderer: checked cheaply, then loaded once per file.

Textual inversion: the instance's caption is encoded with the learned vectors where its
`concept_token` stands (`renderers/diffusion/textual_inversion.py`); no other text can reach them.
LoRA: its UNet part is applied inside the instance's region only (`renderers/diffusion/lora.py`);
its text-encoder part, if any, is left out (said as a warning).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from renderers.diffusion.concept_files import (
    LORA,
    TEXTUAL_INVERSION,
    ConceptFile,
    check_fits,
    inspect,
    resolve,
    where,
)
from scenes.errors import InvalidInput
from scenes.model import Scene

DEFAULT_SCALE = 1.0


def scene_concepts(scene: Scene, model: str, *, allow_pickle: bool) -> tuple[list[tuple[int, ConceptFile]], list[str]]:
    """Each instance's concept file, recognised and checked against the model; and warnings. No weights."""
    found, warnings = [], []
    for index, instance in enumerate(scene.instances):
        if instance.concept is None:
            continue
        label = where(index)
        try:
            path, _ = resolve(instance.concept, Path.cwd())  # absolute once read from a scene file
        except InvalidInput as exc:
            exc.message = f"{label}: {exc.message}"
            raise
        concept = inspect(path, label, allow_pickle=allow_pickle)
        check_fits(concept, model, label)
        if concept.kind == TEXTUAL_INVERSION:
            if instance.concept_token is None:
                raise InvalidInput(f"{label}: {path.name} is a textual inversion; its instance needs a "
                                   "'concept_token', the caption's word the learned vectors replace",
                                   hint="Add e.g. concept_token: rex, and write 'rex' into the caption.")
            if instance.concept_scale is not None:
                raise InvalidInput(f"instances[{index}].concept_scale: {path.name} is a textual inversion, which "
                                   "has no scale", hint="Leave concept_scale out, or use a LoRA.")
        elif concept.has_text_encoder_part:
            warnings.append(f"{label}: the text-encoder part of the LoRA {path.name} is not applied (its UNet "
                            "part is, inside the instance's region)")
        found.append((index, concept))
    return found, warnings


@dataclass
class SceneConcepts:
    """What a render needs: learned caption ids per instance, LoRAs in routing order, manifest records."""

    caption_ids: dict[int, list[list[int]]] = field(default_factory=dict)
    lora_instances: list[int] = field(default_factory=list)  # instance of each LoRA (routing column)
    lora_parts: list[dict] = field(default_factory=list)
    lora_scales: list[float] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)


class ConceptLoader:
    """Concept weights read once per file (by sha256), for one loaded model."""

    def __init__(self, components, allow_pickle: bool):
        from renderers.diffusion.textual_inversion import LearnedRows

        self.components, self.allow_pickle = components, allow_pickle
        self.rows = LearnedRows(components.text_encoders)
        self._vectors: dict[str, list] = {}
        self._parts: dict[str, dict] = {}
        self._left_out: dict[str, list[str]] = {}

    def prepare(self, scene: Scene, found: list[tuple[int, ConceptFile]]) -> SceneConcepts:
        from renderers.diffusion.concept_files import sha256_of
        from renderers.diffusion.textual_inversion import caption_ids

        ready = SceneConcepts()
        for index, concept in found:
            instance = scene.instances[index]
            label = where(index)
            sha = instance.concept_sha256 or sha256_of(concept.path)
            record = {"instance": index, "concept": instance.concept, "kind": concept.kind, "sha256": sha,
                      "family": concept.family}
            if concept.kind == TEXTUAL_INVERSION:
                ids = self.rows.ids(sha, self._read_vectors(sha, concept, label))
                ready.caption_ids[index] = [caption_ids(tokenizer, instance.caption, instance.concept_token, learned)
                                            for tokenizer, learned in zip(self.components.tokenizers, ids, strict=True)]
                record.update(token=instance.concept_token, vectors=concept.vectors)
            elif concept.kind == LORA:
                scale = DEFAULT_SCALE if instance.concept_scale is None else instance.concept_scale
                ready.lora_instances.append(index)
                ready.lora_parts.append(self._read_parts(sha, concept, label))
                ready.lora_scales.append(scale)
                record.update(scale=scale, layers=len(ready.lora_parts[-1]), left_out=len(self._left_out[sha]))
                if instance.concept_token is not None:
                    record["token"] = instance.concept_token
            ready.records.append(record)
        return ready

    def _read_vectors(self, sha: str, concept: ConceptFile, label: str) -> list:
        from renderers.diffusion.textual_inversion import read_vectors

        if sha not in self._vectors:
            self._vectors[sha] = read_vectors(concept, label)
        return self._vectors[sha]

    def _read_parts(self, sha: str, concept: ConceptFile, label: str) -> dict:
        from renderers.diffusion.concept_files import load_pickle
        from renderers.diffusion.lora import check_parts, unet_parts

        if sha not in self._parts:
            if concept.pickled:
                tensors = load_pickle(concept.path, label)
            else:
                from safetensors.torch import load_file

                tensors = load_file(str(concept.path))
            try:
                parts, left_out = unet_parts(tensors, self.components.family)
            except (ValueError, KeyError) as exc:
                raise InvalidInput(f"{label}: {concept.path.name} is not a LoRA deig can read: {exc}",
                                   hint="deig reads diffusers, PEFT and kohya LoRAs saved as .safetensors.") from None
            if not parts:
                raise InvalidInput(f"{label}: {concept.path.name} has no UNet attention or feed-forward layers",
                                   hint="Only a LoRA's UNet attention and feed-forward layers can be confined "
                                        "to a region.")
            check_parts(self.components.unet, parts, label)
            self._parts[sha], self._left_out[sha] = parts, left_out
        return self._parts[sha]
