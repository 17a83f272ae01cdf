"""Acceptance: `deig eval run lmd --images DIR --protocol lmd` on preview renders; every number of the
summary is recomputed here independently, from the images themselves.

The recomputation runs the same tiny OWL-ViT *model* on each image but none of deig's evaluation code
after it: box decoding, LMD's 0.15 score filter, its class-aware NMS, the prompt parser and the
predicates are written out again below from LMD's reference code, and the rates are counted by hand.
"""

from __future__ import annotations

import json
import math
import re

import pytest
import torch
from PIL import Image
from tiny_pipelines import one_thread  # noqa: F401 - fixture

# (prompt, images) of the LMD benchmark: one of each task; the count is the prompt's repeats
CHOSEN = [("A realistic photo of a scene without books", 10),
          ("A realistic photo of a scene with one backpack", 2),
          ("A realistic photo of a scene with a blue book and an orange chair", 1),
          ("A realistic photo of a scene with a laptop on the right and a cat on the left", 2)]


def _queries(prompt: str) -> tuple[str, list[str]]:
    """LMD's task and its query texts, by LMD's rules (utils/eval/lmd.py)."""
    if "without" in prompt:
        noun = prompt.split("without ")[1][:-1]  # books -> book
        return "negation", [f"a photo of a {noun}"]
    if " on the " in prompt:
        m = re.search(r"with (.+) on the (.+) and (.+) on the (.+)", prompt)
        return "spatial", [f"a photo of {m.group(1)}", f"a photo of {m.group(3)}"]
    if " and " in prompt:
        m = re.search(r"with (.+) and (.+)", prompt)
        return "attribution", [f"a photo of {m.group(1)}", f"a photo of {m.group(2)}"]
    noun = prompt.split()[-1]
    return "numeracy", [f"a photo of an {noun}" if noun[0] in "aeiou" else f"a photo of a {noun}"]


def _iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def _detections(detector, image: Image.Image, texts: list[str]) -> list[tuple[int, float, list[float]]]:
    """(label, score, xyxy) after score >= 0.15 and LMD's class-aware NMS at 0.15, in LMD's order."""
    inputs = detector.processor(text=[texts], images=image, return_tensors="pt", truncation=True)
    with torch.no_grad():
        out = detector.model(**inputs)
    probs = out.logits[0].sigmoid()
    found = []
    for box, row in zip(out.pred_boxes[0].tolist(), probs.tolist(), strict=True):
        score = max(row)
        if score >= 0.15:
            cx, cy, w, h = box
            found.append((row.index(score), score, [(cx - w / 2) * image.width, (cy - h / 2) * image.height,
                                                    (cx + w / 2) * image.width, (cy + h / 2) * image.height]))
    kept = []
    for label in sorted({f[0] for f in found}):
        pool = sorted((f for f in found if f[0] == label), key=lambda f: -f[1])
        chosen = []
        for candidate in pool:
            if all(_iou(candidate[2], c[2]) < 0.15 for c in chosen):
                chosen.append(candidate)
        kept += chosen
    return kept


def _holds(task: str, prompt: str, texts: list[str], kept) -> bool:
    names = [texts[label] for label, _, _ in kept]
    if task == "negation":
        return not any(texts[0][len("a photo of a "):] in n for n in names)
    if task == "numeracy":
        return sum(texts[0][len("a photo of a "):] in n for n in names) == 1  # "one backpack"
    if task == "attribution":
        return any("a blue book" in n for n in names) and any("an orange chair" in n for n in names)
    laptop = next((box for (label, _, box) in kept if texts[label].endswith("a laptop")), None)
    cat = next((box for (label, _, box) in kept if texts[label].endswith("a cat")), None)
    return laptop is not None and cat is not None and (laptop[0] + laptop[2]) / 2 > (cat[0] + cat[2]) / 2


def test_lmd_summary_recomputed_independently(cli, tmp_path):
    renders = tmp_path / "renders"
    for prompt, count in CHOSEN:
        assert cli("render", prompt, "--renderer", "preview", "-o", renders, "--count", count).code == 0
    out = tmp_path / "eval"
    result = cli("eval", "run", "lmd", "--images", renders, "--protocol", "lmd", "--evaluators", "tiny", "-o", out)
    assert result.code == 0, result.stderr
    summary = json.loads((out / "summary.json").read_text())
    images = [json.loads(line) for line in (out / "images.jsonl").read_text().splitlines()]
    assert len(images) == 400 and summary["coverage"]["images_missing"] == 400 - 15

    from evaluation.evaluators import tiny

    detector = tiny.owlvit()
    expected_ok: dict[str, bool] = {}
    for record in images:
        if record["image"] is None:
            continue
        task, texts = _queries(record["prompt"])
        with Image.open(record["image"]) as opened:
            image = opened.convert("RGB")
        kept = _detections(detector, image, texts)
        logged = record["detections"]
        assert [d["label"] for d in logged] == [k[0] for k in kept]
        assert [d["score"] for d in logged] == pytest.approx([k[1] for k in kept], abs=1e-5)
        for d, k in zip(logged, kept, strict=True):
            assert d["box"] == pytest.approx(k[2], abs=1e-2)
        expected_ok[record["key"]] = _holds(task, record["prompt"], texts, kept)
        assert record["tag"] == task
    assert len(expected_ok) == 15

    # every image's decision, then the rates by hand: missing images count as failures
    tasks = {"negation": [0, 0], "numeracy": [0, 0], "attribution": [0, 0], "spatial": [0, 0]}
    for record in images:
        ok = expected_ok.get(record["key"], False)
        assert record["ok"] is ok, record["key"]
        tasks[record["tag"]][0] += ok
        tasks[record["tag"]][1] += 1
    assert {t: n for t, (_, n) in tasks.items()} == {"negation": 100, "numeracy": 100, "attribution": 100, "spatial": 100}
    metrics = {m["name"]: m for m in summary["metrics"]}
    successes = sum(s for s, _ in tasks.values())
    assert metrics["overall"]["value"] == pytest.approx(successes / 400)
    assert metrics["overall"]["successes"] == successes and metrics["overall"]["n_records"] == 400
    for task, (s, n) in tasks.items():
        assert metrics["by_task"]["groups"][task]["value"] == pytest.approx(s / n)
    # the Wilson interval of successes/400, from its formula
    z, p, n = 1.959963984540054, successes / 400, 400
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert metrics["overall"]["wilson95"] == pytest.approx([centre - half, centre + half], abs=1e-6)
    low, high = metrics["overall"]["ci95"]
    assert low <= metrics["overall"]["value"] <= high
    # instance records: one per query text, with its own count of named boxes
    instances = [json.loads(line) for line in (out / "instances.jsonl").read_text().splitlines()]
    present = [r for r in instances if r["key"] in expected_ok]
    assert len(present) == 10 * 1 + 2 * 1 + 1 * 2 + 2 * 2
