"""Benchmarks as items: a prompt, its truth, the instances to check, how many images and which seeds.

GenEval, LMD and T2I-CompBench ship with deig (their licences allow it); COCO-MIG and DEIG-Bench
come from the user's own files (`--bench-file`), because their licences do not let deig ship them.
Third-party bench files are read with their own field names; fields deig does not use are ignored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from scenes.errors import InvalidInput


@dataclass(frozen=True)
class Target:
    """One instance to check: its category (the detector's query), its description, its box."""

    name: str
    caption: str
    box: tuple[float, float, float, float] | None = None  # fractions of the canvas, xyxy
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Item:
    id: str
    prompt: str
    tag: str
    images: int                      # images per prompt, by the benchmark's protocol
    seeds: tuple[int, ...]           # the seed of each image, by the benchmark's generation protocol
    truth: dict[str, Any] = field(default_factory=dict)   # GenEval-format include/exclude
    targets: tuple[Target, ...] = ()
    file_name: str | None = None     # how the benchmark's own generator names the image
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Benchmark:
    name: str
    items: list[Item]
    source: str                      # file it was read from (package data or the user's file)
    sha256: str
    licence: str
    default_protocol: str
    seed_policy: str


@dataclass(frozen=True)
class BenchInfo:
    name: str
    protocol: str
    shipped: bool
    licence: str
    description: str
    obtain: str = ""


BENCHES = {
    "geneval": BenchInfo("geneval", "geneval", True, "MIT", "553 prompts, 6 tags (GenEval), 4 images per prompt"),
    "lmd": BenchInfo("lmd", "lmd", True, "MIT", "400 prompts: negation, numeracy, attribution, spatial (LMD)"),
    "t2i-compbench": BenchInfo("t2i-compbench", "t2i-bvqa", True, "MIT",
                               "T2I-CompBench val split, 300 prompts per category (color, shape, texture, "
                               "spatial); t2i-compbench:CATEGORY, default color; 10 images per prompt"),
    "coco-mig": BenchInfo("coco-mig", "mig", False, "non-commercial (not shipped)",
                          "COCO-MIG / MIG-Bench, 800 prompts, L2-L6", "mig_bench.json from LeyRio/MIG_Bench "
                          "(or DEIG's eval/mig_bench_coco.json)"),
    "deig-bench": BenchInfo("deig-bench", "deig-bench", False, "no licence (not shipped)",
                            "DEIG-Bench: detailed person and object descriptions",
                            "eval/deig_bench_coco.json from dushy5/DEIG"),
}
T2I_CATEGORIES = ("color", "shape", "texture", "spatial")


def _read_data(*parts: str) -> tuple[bytes, str]:
    resource = resources.files("evaluation") / "data"
    for part in parts:
        resource = resource / part
    return resource.read_bytes(), f"deig:{'/'.join(parts)}"


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def load(name: str, bench_file: Path | None = None) -> Benchmark:
    """The benchmark called `name` (`t2i-compbench:shape` picks a category)."""
    base, _, variant = name.partition(":")
    info = BENCHES.get(base)
    if info is None:
        raise InvalidInput(f"unknown benchmark '{name}'",
                           hint=f"Choose one of {', '.join(BENCHES)} ('deig eval list' describes them).")
    if variant and base != "t2i-compbench":
        raise InvalidInput(f"benchmark '{base}' has no variants ('{name}')", hint=f"Use '{base}'.")
    if not info.shipped:
        if bench_file is None:
            raise InvalidInput(f"benchmark '{base}' is not shipped with deig ({info.licence}); its file is missing",
                               hint=f"Pass --bench-file with {info.obtain}.")
        return _user_bench(info, bench_file)
    if bench_file is not None:
        raise InvalidInput(f"--bench-file is only for coco-mig and deig-bench; '{base}' ships with deig",
                           hint="Leave --bench-file out.")
    if base == "geneval":
        return _geneval()
    if base == "lmd":
        return _lmd()
    category = variant or "color"
    if category not in T2I_CATEGORIES:
        raise InvalidInput(f"unknown T2I-CompBench category '{category}'",
                           hint=f"Choose one of {', '.join(T2I_CATEGORIES)}, e.g. t2i-compbench:shape.")
    return _t2i(category)


def _jsonl(data: bytes, source: str) -> list[dict]:
    rows = []
    for number, line in enumerate(data.decode("utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InvalidInput(f"{source}:{number}: not JSON: {exc.msg}", hint="Check the file.") from None
    return rows


def _geneval() -> Benchmark:
    data, source = _read_data("geneval", "evaluation_metadata.jsonl")
    items = []
    for index, row in enumerate(_jsonl(data, source)):
        truth = {"include": row.get("include", []), "exclude": row.get("exclude", [])}
        # GenEval draws its 4 images from one global seed-42 stream; deig gives each image its own seed.
        seeds = tuple(42 + 4 * index + k for k in range(4))
        items.append(Item(f"{index:05d}", row["prompt"], row["tag"], 4, seeds, truth))
    return Benchmark("geneval", items, source, _sha(data), "MIT", "geneval", "seed = 42 + 4*index + k")


def _lmd() -> Benchmark:
    data, source = _read_data("lmd", "lmd_prompts_derived.jsonl")
    items, position = [], 0
    for index, row in enumerate(_jsonl(data, source)):
        repeats = int(row.get("repeats", 1))
        # LMD seeds each image with its index among the 400 prompts; repeated prompts are one item here.
        seeds = tuple(range(position, position + repeats))
        position += repeats
        truth = {"include": row.get("include", []), "exclude": row.get("exclude", [])}
        items.append(Item(f"{index:03d}", row["prompt"], row["tag"], repeats, seeds, truth))
    return Benchmark("lmd", items, source, _sha(data), "MIT", "lmd", "seed = index among the 400 prompts")


def _t2i(category: str) -> Benchmark:
    data, source = _read_data("t2i_compbench", f"{category}_val.txt")
    prompts = [line.strip() for line in data.decode("utf-8").splitlines() if line.strip()]
    items = [Item(f"{index:03d}", prompt, category, 10, tuple(10 * index + k for k in range(10)))
             for index, prompt in enumerate(prompts)]
    return Benchmark(f"t2i-compbench:{category}", items, source, _sha(data), "MIT", "t2i-bvqa",
                     "seed = 10*index + k")


# -- user-supplied files ---------------------------------------------------------------------------


class _Loose(BaseModel):
    # Third-party formats: fields deig does not use are ignored, the ones it uses are checked.
    model_config = ConfigDict(extra="ignore")


class _MigInstance(_Loose):
    label: str
    bbox: tuple[float, float, float, float]

    @field_validator("label")
    @classmethod
    def _colour_and_class(cls, value: str) -> str:
        if len(value.split(" ")) < 3:
            raise ValueError("expected 'a <colour> <class>'")
        return value


class _MigEntry(_Loose):
    caption: str
    segment: list[_MigInstance]


class _DeigInstance(_Loose):
    description: str
    category: str
    bbox: tuple[float, float, float, float]
    eval_info: dict[str, Any] = {}


class _DeigEntry(_Loose):
    caption: str = ""
    file_name: str
    instances: list[_DeigInstance]


def _read_user_file(path: Path) -> tuple[Any, bytes]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read --bench-file {path}: {exc.strerror or exc}",
                           hint="Check the path.") from None
    try:
        return json.loads(data), data
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: not a JSON file ({exc})", hint="Pass the benchmark's JSON file.") from None


def _invalid(path: Path, where: str, exc: ValidationError) -> InvalidInput:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    return InvalidInput(f"{path}: {where}.{location}: {first['msg']}", hint="Is this the benchmark's own file?")


def _user_bench(info: BenchInfo, path: Path) -> Benchmark:
    document, data = _read_user_file(path)
    items = _mig_items(path, document) if info.name == "coco-mig" else _deig_items(path, document)
    if not items:
        raise InvalidInput(f"{path}: no items", hint="Is this the benchmark's own file?")
    seed_policy = "seed 42 for every prompt (MIGC re-seeds 42 before each)" if info.name == "coco-mig" else \
        "seed 42 for every scene (DEIG draws one starting noise and reuses it)"
    return Benchmark(info.name, items, str(path), _sha(data), info.licence, info.protocol, seed_policy)


def _mig_items(path: Path, document: Any) -> list[Item]:
    if not isinstance(document, dict):
        raise InvalidInput(f"{path}: expected an object keyed by COCO id (mig_bench.json)",
                           hint="Pass mig_bench.json from LeyRio/MIG_Bench.")
    items = []
    for key, raw in document.items():
        try:
            entry = _MigEntry.model_validate(raw)
        except ValidationError as exc:
            raise _invalid(path, str(key), exc) from None
        targets = []
        for instance in entry.segment:
            words = instance.label.split(" ")
            # MIG's own parse: the colour is the second word, the class everything after it.
            targets.append(Target(" ".join(words[2:]), instance.label, instance.bbox, {"colour": words[1]}))
        level = len(targets)  # MIG's L2-L6: the number of instances
        items.append(Item(str(key), entry.caption, f"L{level}", 1, (42,), targets=tuple(targets),
                          meta={"level": level}))
    return items


def _deig_items(path: Path, document: Any) -> list[Item]:
    rows = document.get("results") if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise InvalidInput(f"{path}: expected a list of scenes (or {{'results': [...]}})",
                           hint="Pass deig_bench_coco.json from dushy5/DEIG.")
    items = []
    for index, raw in enumerate(rows):
        try:
            entry = _DeigEntry.model_validate(raw)
        except ValidationError as exc:
            raise _invalid(path, f"[{index}]", exc) from None
        targets = tuple(Target(i.category, i.description, i.bbox, {"group": _deig_group(i.eval_info)})
                        for i in entry.instances)
        stem = re.sub(r"\.[A-Za-z0-9]+$", "", entry.file_name)
        # DEIG generates from the descriptions joined by ", ".
        prompt = ", ".join(t.caption for t in targets)
        items.append(Item(stem, prompt, "deig-bench", 1, (42,), targets=targets, file_name=entry.file_name,
                          meta={"caption": entry.caption}))
    return items


def _deig_group(eval_info: dict[str, Any]) -> str | None:
    """C1-C3 for people (clothing colours), L1-L4 for objects (description strategy), as DEIG counts."""
    kind = eval_info.get("type")
    metrics = eval_info.get("eval_metrics", {}) or {}
    if kind == "person":
        colours = (metrics.get("color") or {}).get("num_colors", 0)
        return f"C{colours}" if colours in (1, 2, 3) else None
    if kind == "object":
        material = bool((metrics.get("material") or {}).get("has_material", False))
        texture = bool((metrics.get("texture") or {}).get("has_texture", False))
        return {(False, False): "L1", (True, False): "L2", (False, True): "L3", (True, True): "L4"}[(material, texture)]
    return None
