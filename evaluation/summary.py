"""summary.json: every metric of the protocol with its prompt-clustered bootstrap interval.

Missing or unreadable images count as failures for rates (coverage says how many); score metrics
(CIO, B-VQA) cannot score them and leave them out.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import stats
from .protocols.base import Metric, Protocol


def _matrix(metric: Metric, records: list[dict], items: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per-item numerators and denominators, one column per group."""
    chosen = [r for r in records if metric.where(r) and not (metric.kind == "score" and r.get("missing"))]
    groups = sorted({metric.group(r) for r in chosen if metric.group(r) is not None}, key=_natural) \
        if metric.group else [None]
    column = {g: i for i, g in enumerate(groups)}
    row = {item: i for i, item in enumerate(items)}
    num = np.zeros((len(items), len(groups)))
    den = np.zeros((len(items), len(groups)))
    for record in chosen:
        group = metric.group(record) if metric.group else None
        if group not in column:
            continue
        weight = float(metric.weight(record))
        num[row[record["item"]], column[group]] += float(metric.value(record)) * weight
        den[row[record["item"]], column[group]] += weight
    if metric.combine == "any":
        num, den = (num > 0).astype(float), (den > 0).astype(float)
    return num, den, [str(g) for g in groups] if metric.group else []


def _natural(value: Any) -> tuple:
    text = str(value)
    digits = "".join(ch for ch in text if ch.isdigit())
    return (text.rstrip("0123456789"), int(digits) if digits else -1, text)


def _clean(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else round(float(value), 6)


def metric_summary(metric: Metric, records: list[dict], items: list[str], *, resamples: int, seed: int) -> dict:
    num, den, groups = _matrix(metric, records, items)
    value, interval = stats.bootstrap(num, den, resamples=resamples, seed=seed)
    out: dict[str, Any] = {"name": metric.name, "label": metric.label, "kind": metric.kind, "over": metric.over,
                           "value": _clean(value), "ci95": [_clean(interval.low), _clean(interval.high)],
                           "n_items": int((den.sum(axis=1) > 0).sum()), "n_records": int(den.sum())}
    if not groups and metric.kind == "rate":
        wilson = stats.wilson(float(num.sum()), float(den.sum()))
        out["successes"] = int(round(num.sum()))
        out["wilson95"] = [_clean(wilson.low), _clean(wilson.high)]
    if groups:
        out["groups"] = {}
        for column, group in enumerate(groups):
            g_value, g_interval = stats.bootstrap(num[:, column], den[:, column], resamples=resamples, seed=seed)
            out["groups"][group] = {"value": _clean(g_value), "ci95": [_clean(g_interval.low), _clean(g_interval.high)],
                                    "n_records": int(den[:, column].sum()),
                                    "successes": int(round(num[:, column].sum())) if metric.kind == "rate" else None}
    return out


def summarize(protocol: Protocol, images: list[dict], instances: list[dict], *, resamples: int, seed: int,
              substitutes: list[dict], items_total: int) -> dict[str, Any]:
    items = sorted({r["item"] for r in images})
    metrics = []
    for metric in protocol.metrics():
        records = images if metric.over == "image" else instances
        metrics.append({**metric_summary(metric, records, items, resamples=resamples, seed=seed),
                        "headline": metric.headline})
    missing = sum(1 for r in images if r.get("missing"))
    comparable = not substitutes
    return {
        "protocol": protocol.name,
        "metrics": metrics,
        "coverage": {"items": len(items), "items_in_benchmark": items_total, "images": len(images),
                     "images_missing": missing, "instances": len(instances)},
        "bootstrap": {"resamples": resamples, "seed": seed, "level": stats.LEVEL, "unit": "prompt (item)"},
        "substitutes": substitutes,
        "comparable": comparable,
        "comparability": "comparable to the published protocol" if comparable else
        "NOT comparable to published numbers until a calibration run: " +
        "; ".join(f"{s['role']} is {s['id']} instead of {s['reference']}" for s in substitutes),
    }
