"""Find the image of every sample: deig render folders (manifests), or the benchmarks' own layouts.

deig's manifests carry the scene (its prompt, boxes and captions) and the seed, so renders are
matched to benchmark items by prompt, and seeds the protocol asked for come first. Other systems'
outputs are found by their benchmark's naming: GenEval's `NNNNN/samples/KKKK.png`, MIGC's
`…_{coco_id}.png`, DEIG-Bench's `file_name`. Paths are never taken from file contents: a manifest's
image is the PNG of the same name next to it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scenes.errors import InvalidInput

from .benchmarks import Item, Target
from .protocols.base import Sample

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


@dataclass
class Rendered:
    png: Path
    prompt: str | None
    caption: str
    seed: int | None
    targets: tuple[Target, ...]
    renderer: dict[str, Any] = field(default_factory=dict)


def read_manifests(folder: Path) -> list[Rendered]:
    """Every deig manifest in `folder` (not recursive) whose PNG is there."""
    from pydantic import ValidationError

    from scenes.manifest import Manifest

    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if not isinstance(document, dict) or "manifest_version" not in document:
            continue
        try:
            manifest = Manifest.model_validate(document)
        except ValidationError:
            continue
        png = path.with_suffix(".png")
        if not png.is_file():
            continue
        scene = manifest.scene
        targets = tuple(Target(i.name, i.caption or i.name, tuple(i.box) if i.box else None) for i in scene.instances)
        found.append(Rendered(png, scene.prompt, scene.caption, manifest.seed, targets,
                              manifest.renderer.model_dump(mode="json", exclude_none=True)))
    return found


def renderer_summary(rendered: list[Rendered]) -> list[dict[str, Any]]:
    """The distinct renderer records of a folder (name, version, models, options), for run.json."""
    seen: dict[str, dict] = {}
    for entry in rendered:
        key = json.dumps(entry.renderer, sort_keys=True)
        seen.setdefault(key, {**entry.renderer, "images": 0})["images"] += 1
    return list(seen.values())


def samples_from_folder(folder: Path, items: list[Item], n: int | None) -> tuple[list[Sample], list[Rendered]]:
    """One sample per (item, k), each with its image or None when it is missing."""
    if not folder.is_dir():
        raise InvalidInput(f"--images {folder} is not a folder", hint="Pass the folder that holds the images.")
    rendered = read_manifests(folder)
    samples = _from_manifests(rendered, items, n) if rendered else _from_layouts(folder, items, n)
    if not any(s.path for s in samples):
        raise InvalidInput(f"no images of this benchmark in {folder}",
                           hint="Pass a folder written by 'deig render' (PNG + manifest), or the benchmark's own "
                           "layout (GenEval: NNNNN/samples/KKKK.png; COCO-MIG: *_ID.png; DEIG-Bench: file_name); "
                           "deig's renders are matched by their prompt.")
    return samples, rendered


def _count(item: Item, n: int | None) -> int:
    return n or item.images


def _seed_of(item: Item, k: int) -> int | None:
    return item.seeds[k] if k < len(item.seeds) else None


def _from_manifests(rendered: list[Rendered], items: list[Item], n: int | None) -> list[Sample]:
    by_prompt: dict[str, list[Rendered]] = defaultdict(list)
    for entry in rendered:
        by_prompt[(entry.prompt or entry.caption).strip()].append(entry)
    samples = []
    for item in items:
        wanted = list(item.seeds)
        pool = sorted(by_prompt.get(item.prompt.strip(), []),
                      key=lambda e: (e.seed not in wanted, wanted.index(e.seed) if e.seed in wanted else 0,
                                     e.seed or 0, e.png.name))
        for k in range(_count(item, n)):
            entry = pool[k] if k < len(pool) else None
            targets = item.targets or (entry.targets if entry else ())
            samples.append(Sample(item, k, entry.seed if entry else _seed_of(item, k), entry.png if entry else None,
                                  targets, "manifest" if entry else "missing"))
    return samples


def _images_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)


def _from_layouts(folder: Path, items: list[Item], n: int | None) -> list[Sample]:
    by_id: dict[str, list[Path]] = defaultdict(list)
    for sub in sorted(p for p in folder.iterdir() if p.is_dir() and p.name.isdigit()):
        samples_dir = sub / "samples"  # GenEval: NNNNN/samples/KKKK.png
        if samples_dir.is_dir():
            by_id[f"{int(sub.name):05d}"] += [p for p in _images_in(samples_dir) if re.fullmatch(r"\d+\.png", p.name)]
    files = _images_in(folder)
    stems = {p.stem: p for p in files}
    for item in items:
        if item.file_name and Path(item.file_name).stem in stems:  # DEIG-Bench: its file_name (.jpg or .png)
            by_id[item.id].append(stems[Path(item.file_name).stem])
    if not by_id:
        for path in files:  # MIGC: {prompt}_{seed}{i}_{coco_id}.png
            by_id[path.stem.rsplit("_", 1)[-1]].append(path)
    samples = []
    for item in items:
        paths = by_id.get(item.id, [])
        for k in range(_count(item, n)):
            path = paths[k] if k < len(paths) else None
            samples.append(Sample(item, k, _seed_of(item, k), path, item.targets, "layout" if path else "missing"))
    return samples
