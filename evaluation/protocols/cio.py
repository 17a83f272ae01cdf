"""FineControlNet's CIO (metrics/text_metrics.py): CLIP on each instance crop against all instance captions."""

from __future__ import annotations

from PIL import Image

from ..evaluators.base import Evaluators
from ..geometry import to_pixels
from ..scoring import cio_scores
from .base import Metric, Protocol, Sample, Scored, crop


class CioProtocol(Protocol):
    name = "cio"
    title = "CIO (FineControlNet): CLIP similarity of each instance crop to its own caption vs the others"
    roles = {"clip": "openai/clip-vit-base-patch32"}
    thresholds = {"clip": "ViT-B/32 logits_per_image (100 x cosine)"}
    needs = "targets"
    notes = ("FineControlNet crops at the bounding box of each person's pose keypoints; deig crops at the "
             "instance's box (the scene's pose, when given, lies inside it).",
             "Each score is averaged over an image's instances, then over images; with one instance CIO_diff "
             "is undefined and CIO_sigma is 1.")

    def score(self, image: Image.Image, sample: Sample, evaluators: Evaluators) -> Scored:
        pieces = [crop(image, to_pixels(t.box, image.width, image.height)) for t in sample.targets]
        captions = [t.caption for t in sample.targets]
        logits = evaluators.require("clip").logits(pieces, captions)
        rows = cio_scores(logits)
        scored = Scored({"tag": f"{len(sample.targets)} instances"})
        for index, (target, row) in enumerate(zip(sample.targets, rows, strict=True)):
            # Shown as a pass in the gallery when the crop matches its own caption best.
            own_is_top = logits[index][index] >= max(logits[index])
            scored.instances.append({"index": index, "name": target.name, "caption": target.caption,
                                     "box": list(target.box), **row, "ok": bool(own_is_top)})
            scored.crops.append(pieces[index])
        for key in ("cio_sim", "cio_sigma", "cio_diff"):
            values = [r[key] for r in scored.instances if r[key] is not None]
            scored.image[key] = sum(values) / len(values) if values else None
        return scored

    def metrics(self) -> list[Metric]:
        has = lambda key: (lambda r: r.get(key) is not None)  # noqa: E731
        return [
            Metric("cio_sim", "CIO_sim (own-caption logit)", "image", lambda r: r["cio_sim"], kind="score"),
            Metric("cio_sigma", "CIO_sigma (softmax on own caption)", "image", lambda r: r["cio_sigma"], kind="score"),
            Metric("cio_diff", "CIO_diff (own logit - mean of others)", "image", lambda r: r["cio_diff"],
                   where=has("cio_diff"), kind="score"),
        ]
