"""`deig eval compare`: paired differences between two runs on the samples both scored.

Both runs must share the protocol, the benchmark file and the evaluators (else exit 2 unless
--allow-mismatch). Each headline metric is recomputed on the shared (prompt, image) set for both
runs, and the difference B - A gets a bootstrap interval from resampling prompts, the same draws for
both runs, so the pairing carries through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from scenes.errors import InvalidInput

from . import stats
from .protocols import get as get_protocol
from .summary import _matrix


def _read_run(folder: Path) -> dict[str, Any]:
    needed = ("run.json", "images.jsonl", "instances.jsonl")
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise InvalidInput(f"{folder} is not a finished 'deig eval run' folder (missing {', '.join(missing)})",
                           hint="Pass the -o folders of two evaluation runs.")
    def lines(name: str) -> list[dict]:
        text = (folder / name).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return {"run": json.loads((folder / "run.json").read_text(encoding="utf-8")),
            "images": lines("images.jsonl"), "instances": lines("instances.jsonl")}


def mismatches(a: dict, b: dict) -> list[str]:
    found = []
    if a["protocol"]["name"] != b["protocol"]["name"]:
        found.append(f"protocol {a['protocol']['name']} vs {b['protocol']['name']}")
    if a["benchmark"]["sha256"] != b["benchmark"]["sha256"]:
        found.append(f"benchmark file {a['benchmark']['name']} ({a['benchmark']['sha256'][:12]}) vs "
                     f"{b['benchmark']['name']} ({b['benchmark']['sha256'][:12]})")
    ids_a = sorted((e["role"], e["id"], e.get("revision")) for e in a.get("evaluators", []))
    ids_b = sorted((e["role"], e["id"], e.get("revision")) for e in b.get("evaluators", []))
    if ids_a != ids_b:
        found.append(f"evaluators {ids_a} vs {ids_b}")
    return found


def compare(folder_a: Path, folder_b: Path, *, allow_mismatch: bool = False, resamples: int = 2000,
            seed: int = 0) -> dict[str, Any]:
    a, b = _read_run(folder_a), _read_run(folder_b)
    problems = mismatches(a["run"], b["run"])
    if problems and not allow_mismatch:
        raise InvalidInput("the two runs are not comparable: " + "; ".join(problems),
                           hint="Compare runs of the same benchmark, protocol and evaluators, or pass "
                           "--allow-mismatch to compare anyway (the mismatch is reported).")
    shared = sorted({r["key"] for r in a["images"]} & {r["key"] for r in b["images"]})
    if not shared:
        raise InvalidInput("the two runs share no scored images", hint="Run both on the same benchmark items.")
    keep = set(shared)
    protocol = get_protocol(a["run"]["protocol"]["name"])
    items = sorted({r["item"] for r in a["images"] if r["key"] in keep})
    weights = stats.resample_weights(len(items), resamples, seed)
    rows = []
    for metric in protocol.metrics():
        if not metric.headline:
            continue
        kind = "images" if metric.over == "image" else "instances"
        mats = [_matrix(metric, [r for r in run[kind] if r["key"] in keep], items) for run in (a, b)]
        (num_a, den_a, _), (num_b, den_b, _) = mats
        if num_a.shape != num_b.shape:  # a group present in one run only: compare pooled
            num_a, den_a = num_a.sum(axis=1, keepdims=True), den_a.sum(axis=1, keepdims=True)
            num_b, den_b = num_b.sum(axis=1, keepdims=True), den_b.sum(axis=1, keepdims=True)
        value_a, value_b = stats.point_estimate(num_a, den_a), stats.point_estimate(num_b, den_b)
        deltas = stats.grouped_ratio(weights, num_b, den_b) - stats.grouped_ratio(weights, num_a, den_a)
        interval = stats.percentile_interval(deltas)
        rows.append({"metric": metric.name, "label": metric.label, "a": _r(value_a), "b": _r(value_b),
                     "delta": _r(value_b - value_a), "ci95": [_r(interval.low), _r(interval.high)],
                     "shared_images": len(shared), "shared_prompts": len(items)})
    return {"a": str(folder_a), "b": str(folder_b), "mismatches": problems, "metrics": rows}


def _r(value: float) -> float | None:
    return None if value is None or np.isnan(value) else round(float(value), 6)
