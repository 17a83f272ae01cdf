"""Resolve and load the evaluators of a run: hub ids, local folders, or the tiny preset.

Everything cheap happens in `check`: the id is well-formed, the kind is known, and offline the model
is already in the local cache (else exit 4 naming the download command) — before any weights load.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from renderers.diffusion.sources import cached_file, offline, require_hub, snapshot_revision
from scenes.errors import InvalidInput, RendererUnavailable

from . import tiny
from .base import EvaluatorId, Evaluators

ROLES = ("detector", "clip", "vqa", "judge", "segmenter")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# Substrings of an id that name its architecture, most specific first.
_KINDS = (("owlv2", "owlv2"), ("owlvit", "owlvit"), ("owl-vit", "owlvit"), ("grounding-dino", "grounding-dino"),
          ("groundingdino", "grounding-dino"), ("blip", "blip-vqa"), ("clip", "clip"), ("sam", "sam"),
          ("qwen", "vlm"), ("vl", "vlm"), ("llava", "vlm"), ("idefics", "vlm"), ("smolvlm", "vlm"))
ROLE_KINDS = {"detector": {"grounding-dino", "owlvit", "owlv2"}, "clip": {"clip"}, "vqa": {"blip-vqa"},
              "judge": {"vlm", "blip-vqa"}, "segmenter": {"sam"}}
TINY_KINDS = {"grounding-dino": "grounding-dino", "owlvit": "owlvit", "owlv2": "owlvit", "clip": "clip",
              "blip-vqa": "blip-vqa", "vlm": "vlm", "sam": "sam"}


@dataclass(frozen=True)
class Choice:
    """One role's evaluator as chosen: its spec, kind, pinned revision and the protocol's reference id."""

    role: str
    spec: str
    kind: str
    revision: str | None = None
    reference: str | None = None


def parse_override(text: str) -> tuple[str, str, str | None]:
    """`role=ID[@revision]` from --evaluator."""
    role, sep, value = text.partition("=")
    role = role.strip()
    if not sep or role not in ROLES or not value.strip():
        raise InvalidInput(f"--evaluator {text!r}: expected ROLE=ID[@REVISION] with ROLE one of {', '.join(ROLES)}",
                           hint="For example --evaluator detector=IDEA-Research/grounding-dino-base.")
    spec, _, revision = value.strip().partition("@")
    return role, spec, revision or None


def kind_of(role: str, spec: str) -> str:
    lowered = spec.lower()
    for needle, kind in _KINDS:
        if needle in lowered and kind in ROLE_KINDS[role]:
            return kind
    raise InvalidInput(f"cannot tell which architecture evaluator '{spec}' is for role '{role}'",
                       hint=f"Known for {role}: {', '.join(sorted(ROLE_KINDS[role]))} (the id must name one).")


def check(choice: Choice) -> None:
    """Cheap checks before loading: a tiny preset, an existing folder, or a hub id that is cached or reachable."""
    if choice.spec == tiny.TINY:
        return
    path = Path(choice.spec).expanduser()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise RendererUnavailable(f"evaluator folder {path} has no config.json",
                                      hint="Pass a folder written by save_pretrained, or a hub id.")
        return
    if not _HUB_ID.match(choice.spec):
        raise InvalidInput(f"evaluator '{choice.spec}' is neither a hub id (owner/name) nor a folder",
                           hint="Use e.g. --evaluator detector=IDEA-Research/grounding-dino-tiny.")
    if cached_file(choice.spec, "config.json") is not None:
        return
    if offline():
        raise RendererUnavailable(f"evaluator '{choice.spec}' ({choice.role}) is not in the local model cache "
                                  "and HF_HUB_OFFLINE is set", hint=download_hint(choice.spec))
    try:
        require_hub(choice.spec)
    except RendererUnavailable as exc:
        raise RendererUnavailable(f"evaluator '{choice.spec}' ({choice.role}) is not in the local model cache and "
                                  "the hub cannot be reached", hint=download_hint(choice.spec)) from exc


def download_hint(spec: str) -> str:
    return (f"Download it where there is network access with `hf download {spec}`, then run again; or pass "
            "--evaluator ROLE=FOLDER with a local copy (--evaluators tiny checks the plumbing without weights).")


def resolve_device(device: str) -> str:
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def load(choices: list[Choice], *, device: str = "cpu", dtype: str = "float32") -> Evaluators:
    """Load each chosen evaluator once (the tiny ones stay on the CPU); returns them with their identities."""
    device = resolve_device(device)
    evaluators = Evaluators()
    for choice in choices:
        if choice.spec == tiny.TINY:
            wrapper = tiny.BUILDERS[TINY_KINDS[choice.kind]]()
            revision, kind = "random-init", TINY_KINDS[choice.kind]
        else:
            wrapper = _load_real(choice, device=device, dtype=dtype)
            revision, kind = choice.revision or _revision(choice.spec), choice.kind
        setattr(evaluators, choice.role, wrapper)
        evaluators.ids.append(EvaluatorId(choice.role, choice.spec, revision, kind, choice.reference))
    return evaluators


def _revision(spec: str) -> str | None:
    path = Path(spec).expanduser()
    if path.is_dir():
        return None
    return snapshot_revision(spec, "config.json")


def _load_real(choice: Choice, *, device: str, dtype: str):
    import torch
    import transformers as tf

    from . import models

    torch_dtype = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}[dtype]
    common = {"revision": choice.revision} if choice.revision else {}
    spec = choice.spec

    def model(cls, **extra):
        return cls.from_pretrained(spec, dtype=torch_dtype, **common, **extra).to(device).eval()

    def processor(cls=tf.AutoProcessor):
        return cls.from_pretrained(spec, **common)

    kind = choice.kind
    if kind == "grounding-dino":
        return models.GroundingDinoDetector(model(tf.GroundingDinoForObjectDetection), processor())
    if kind == "owlvit":
        return models.OwlViTDetector(model(tf.OwlViTForObjectDetection), processor(tf.OwlViTProcessor))
    if kind == "owlv2":
        return models.OwlViTDetector(model(tf.Owlv2ForObjectDetection), processor(tf.Owlv2Processor), square_pad=True)
    if kind == "clip":
        return models.ClipScorer(model(tf.CLIPModel), processor(tf.CLIPProcessor))
    if kind == "blip-vqa":
        # T2I-CompBench's BLIP ran at 480 px; the hub processor resizes to 384.
        return models.BlipVqa(model(tf.BlipForQuestionAnswering), processor(tf.BlipProcessor), image_size=480)
    if kind == "vlm":
        return models.VlmJudge(model(tf.AutoModelForImageTextToText), processor())
    if kind == "sam":
        return models.SamSegmenter(model(tf.SamModel), processor(tf.SamProcessor))
    raise InvalidInput(f"unknown evaluator kind {kind!r}", hint="Report this as a bug.")
