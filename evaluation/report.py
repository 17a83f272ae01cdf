"""report.html: one self-contained page (no network, images as data URIs) built in a jinja2 sandbox
with autoescaping, since captions and answers come from users' files, LLMs and judges."""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

from . import files

MAX_CARDS = 600
_DETAIL_KEYS = (("iou", "IoU"), ("colour_fraction", "colour"), ("answer", "judge"), ("p_yes", "P(yes)"),
                ("cio_sigma", "CIO σ"), ("cio_sim", "CIO sim"), ("count", "found"), ("found", "found"))


def _fmt(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _details(record: dict) -> str:
    parts = []
    for key, label in _DETAIL_KEYS:
        if record.get(key) is not None:
            value = record[key]
            parts.append(f"{label} {_fmt(value) if not isinstance(value, str) else value[:60]}")
    if record.get("missing"):
        parts.append("image missing")
    return " · ".join(parts)


def _data_uri(folder: Path, relative: str | None) -> str | None:
    if not relative:
        return None
    path = folder / relative
    if path.parent != folder / "crops" or not path.is_file():  # only our own crops
        return None
    kind = "jpeg" if path.suffix == ".jpg" else "png"
    return f"data:image/{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _cards(folder: Path, instances: list[dict]) -> tuple[list[dict], int]:
    ordered = sorted(instances, key=lambda r: bool(r.get("ok")))  # failures first (stable within)
    cards = [{"ok": bool(r.get("ok")), "key": r.get("key", ""), "index": r.get("index", 0),
              "caption": str(r.get("caption", ""))[:200], "details": _details(r),
              "src": _data_uri(folder, r.get("crop"))} for r in ordered[:MAX_CARDS]]
    return cards, len(instances)


def render_html(folder: Path, run: dict, summary: dict, images: list[dict], instances: list[dict]) -> str:
    from jinja2.sandbox import SandboxedEnvironment

    env = SandboxedEnvironment(autoescape=True)
    template_text = (Path(__file__).parent / "templates" / "report.html.j2").read_text(encoding="utf-8")
    template = env.from_string(template_text)
    metrics = summary["metrics"]

    def bar_width(value: float | None, metric: dict) -> int:
        if value is None:
            return 0
        if metric["kind"] == "rate":
            return int(round(250 * max(0.0, min(1.0, value))))
        top = max((abs(g["value"]) for g in metric["groups"].values() if g["value"] is not None), default=1.0) or 1.0
        return int(round(250 * abs(value) / top))

    cards, total = _cards(folder, instances)
    return template.render(
        bench=run["benchmark"], protocol=run["protocol"], versions=run.get("versions", {}), summary=summary,
        coverage=summary["coverage"], headline=[m for m in metrics if m.get("headline") and "groups" not in m]
        + [m for m in metrics if m.get("headline") and "groups" in m],
        grouped=[m for m in metrics if m.get("groups")], evaluators=run.get("evaluators", []),
        cards=cards, total_cards=total, capped=total > len(cards), fmt=_fmt, bar_width=bar_width)


def write_report(folder: Path, run: dict, summary: dict, images: list[dict], instances: list[dict]) -> Path:
    path = folder / "report.html"
    files.atomic_write(path, render_html(folder, run, summary, images, instances).encode("utf-8"))
    return path
