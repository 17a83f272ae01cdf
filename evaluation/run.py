"""One evaluation run: score every sample not yet scored, then write the run's files.

Resumable like `deig render` batches: each scored sample is appended to journal.jsonl (with its
crops written first), so an interrupted run continues where it stopped; the evaluators load once,
and only when something is left to score. At the end instances.jsonl, images.jsonl, summary.json,
report.html and contact-sheet.png are (re)written whole from the journal.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from scenes.errors import InvalidInput

from . import files
from .benchmarks import Benchmark
from .evaluators.base import Evaluators
from .protocols.base import Protocol, Sample, Scored

CROP_SIDE = 192
RUN = "run.json"


@dataclass
class RunSettings:
    benchmark: Benchmark
    protocol: Protocol
    evaluators: list[dict[str, Any]]          # the chosen evaluators (role, spec, kind, reference)
    images: dict[str, Any]                    # how images were found (folder, render) and the renderer summary
    n: int | None = None
    limit: int | None = None
    resamples: int = 2000
    bootstrap_seed: int = 0
    device: str = "cpu"
    dtype: str = "float32"
    versions: dict[str, str] = field(default_factory=dict)

    def fingerprint(self) -> str:
        """What makes two runs the same run (a resumed one must match): not the limit, which only
        says how far to go."""
        payload = {"bench": self.benchmark.sha256, "bench_name": self.benchmark.name, "protocol": self.protocol.name,
                   "evaluators": [{k: e.get(k) for k in ("role", "spec", "revision")} for e in self.evaluators],
                   "n": self.n, "images": self.images.get("folder")}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


def check_resume(folder: Path, settings: RunSettings, *, force: bool) -> None:
    """Refuse to mix two different runs in one folder (exit 2), unless --force starts it afresh."""
    path = folder / RUN
    if not path.is_file():
        return
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        previous = {}
    if previous.get("fingerprint") == settings.fingerprint():
        return
    if force:
        (folder / files.JOURNAL).unlink(missing_ok=True)
        path.unlink()
        return
    raise InvalidInput(f"{folder} holds an evaluation run with other settings (benchmark, protocol, evaluators, "
                       "--n or images)", hint="Choose another folder with -o, or pass --force to start it afresh.")


def _missing(sample: Sample, protocol: Protocol, reason: str) -> Scored:
    scored = Scored({"tag": sample.item.tag, "ok": False, "missing": True, "reason": reason})
    level = len(sample.targets)
    for index, target in enumerate(sample.targets if protocol.needs == "targets" else ()):
        scored.instances.append({"index": index, "level": level, "name": target.name, "caption": target.caption,
                                 "box": list(target.box) if target.box else None, "ok": False, "miou": 0.0,
                                 "missing": True})
        scored.crops.append(None)
    if protocol.name == "mig":
        scored.image.update(level=level, tag=f"L{level}")
    return scored


def _crop_jpeg(image: Image.Image) -> bytes:
    """A gallery thumbnail; JPEG keeps a report of hundreds of crops to a few megabytes."""
    thumb = image.convert("RGB")
    thumb.thumbnail((CROP_SIDE, CROP_SIDE))
    buffer = io.BytesIO()
    thumb.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def score_sample(sample: Sample, protocol: Protocol, evaluators: Callable[[], Evaluators], folder: Path) -> dict:
    """Score one sample and return its journal entry (crops are written to crops/ first)."""
    if sample.path is None:
        scored = _missing(sample, protocol, "image missing")
    else:
        try:
            with Image.open(sample.path) as opened:
                image = opened.convert("RGB")
        except (OSError, ValueError, Image.DecompressionBombError) as exc:
            scored = _missing(sample, protocol, f"image unreadable: {type(exc).__name__}")
        else:
            scored = protocol.score(image, sample, evaluators())
    stem = files.safe_name(sample.key)
    crops_dir = folder / "crops"
    crops_dir.mkdir(exist_ok=True)
    for index, (record, piece) in enumerate(zip(scored.instances, scored.crops, strict=True)):
        if piece is not None:
            name = f"{stem}-{index}.jpg"
            files.atomic_write(crops_dir / name, _crop_jpeg(piece))
            record["crop"] = f"crops/{name}"
        record.update(item=sample.item.id, k=sample.k, key=sample.key)
    base = {"item": sample.item.id, "k": sample.k, "key": sample.key, "seed": sample.seed,
            "prompt": sample.item.prompt, "image": str(sample.path) if sample.path else None, "source": sample.source}
    return {"key": sample.key, "image": {**base, **scored.image}, "instances": scored.instances}


def run_json(settings: RunSettings, evaluator_ids: list[dict] | None) -> dict[str, Any]:
    bench = settings.benchmark
    return {
        "fingerprint": settings.fingerprint(),
        "benchmark": {"name": bench.name, "source": bench.source, "sha256": bench.sha256, "licence": bench.licence,
                      "items": len(bench.items), "seed_policy": bench.seed_policy},
        "protocol": settings.protocol.describe(),
        "evaluators": evaluator_ids if evaluator_ids is not None else settings.evaluators,
        "images": settings.images,
        "n_per_item": settings.n or "protocol",
        "limit": settings.limit,
        "bootstrap": {"resamples": settings.resamples, "seed": settings.bootstrap_seed},
        "device": settings.device, "dtype": settings.dtype,
        "versions": settings.versions,
    }


@dataclass
class Outcome:
    scored_now: int
    skipped: int
    summary: dict[str, Any]
    folder: Path


def evaluate(settings: RunSettings, samples: list[Sample], load_evaluators: Callable[[], Evaluators], folder: Path,
             *, progress: Callable[[int], None] = lambda n: None) -> Outcome:
    """Score what the journal lacks, then write every output file of the run."""
    from .report import write_report
    from .sheet import write_sheet
    from .summary import summarize

    done = files.read_journal(folder)
    loaded: list[Evaluators] = []

    def evaluators() -> Evaluators:
        if not loaded:
            loaded.append(load_evaluators())
            files.write_json(folder / RUN, run_json(settings, [i.record() for i in loaded[0].ids]))
        return loaded[0]

    if not (folder / RUN).is_file():
        files.write_json(folder / RUN, run_json(settings, None))
    scored_now = 0
    for sample in samples:
        if sample.key in done:
            continue
        entry = score_sample(sample, settings.protocol, evaluators, folder)
        files.append_journal(folder, entry)
        done[sample.key] = entry
        scored_now += 1
        progress(1)

    wanted = [done[s.key] for s in samples if s.key in done]
    images = [e["image"] for e in wanted]
    instances = [r for e in wanted for r in e["instances"]]
    files.write_jsonl(folder / "images.jsonl", images)
    files.write_jsonl(folder / "instances.jsonl", instances)
    recorded = json.loads((folder / RUN).read_text(encoding="utf-8"))
    substitutes = [e for e in recorded.get("evaluators", []) if e.get("substitute")]
    summary = summarize(settings.protocol, images, instances, resamples=settings.resamples,
                        seed=settings.bootstrap_seed, substitutes=substitutes,
                        items_total=len(settings.benchmark.items))
    files.write_json(folder / "summary.json", summary)
    write_report(folder, recorded, summary, images, instances)
    write_sheet(folder, images, instances)
    return Outcome(scored_now, len(samples) - scored_now, summary, folder)
