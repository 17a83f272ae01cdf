"""Concept files (textual inversion or LoRA): found, hashed and recognised before any weights load.

A scene's `concept:` names a `.safetensors` file, a folder holding one, or a hub id
(`owner/name[/file]`, read from the local Hugging Face cache only). What it is comes from its keys
and tensor shapes, read from the safetensors header alone:

- textual inversion: one tensor (diffusers' `{token: (k, D)}`, A1111's `emb_params`), or SDXL's
  `clip_l` (k, 768) + `clip_g` (k, 1280);
- LoRA: diffusers / PEFT / kohya key names (`lora_A`/`lora_B`, `lora.down`/`lora.up`,
  `lora_down`/`lora_up`), the model family from the width of the cross-attention K/V inputs and from
  names only one family has.

Pickle files (`.bin`, `.pt`, `.ckpt`, `.pth`) are refused unless the person running deig passed
--allow-pickle, and are then read through the restricted unpickler (`unpickle.py`). No torch is
imported for a safetensors file.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from scenes.errors import InvalidInput, Unavailable

SAFE_SUFFIXES = (".safetensors",)
PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt")
# What a folder or a hub repo holding a concept usually calls it (diffusers' names first).
PREFERRED_NAMES = ("learned_embeds.safetensors", "pytorch_lora_weights.safetensors")
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}(/[\w./-]+)?$")

TEXTUAL_INVERSION, LORA = "textual_inversion", "lora"

# What each model family's concept files look like: text encoder widths (one per encoder) and the
# input width of cross-attention K/V (the text context). The tiny presets are their own families.
MODEL_SHAPES = {
    "sd15": ((768,), 768),
    "sd2": ((1024,), 1024),
    "sdxl": ((768, 1280), 2048),
    "tiny": ((32,), 32),
    "tiny-sdxl": ((32, 32), 64),
}
FAMILY_NAMES = {"sd15": "SD-1.5", "sd2": "SD-2", "sdxl": "SDXL", "flux": "FLUX", "tiny": "the tiny SD-1.5",
                "tiny-sdxl": "the tiny SDXL"}
_LORA_MARKS = (".lora_A.", ".lora_B.", ".lora.down.", ".lora.up.", ".lora_down.", ".lora_up.", "lora_linear_layer")
_FLUX_MARKS = ("double_blocks", "single_blocks", "single_transformer_blocks", "x_embedder", "context_embedder")
_SDXL_MARKS = ("lora_te2_", "text_encoder_2.", "input_blocks_4_1_transformer_blocks", "add_embedding")
_CROSS_KV = re.compile(r"attn2[._](processor[._])?to_[kv]")


@dataclass(frozen=True)
class ConceptFile:
    """What a concept file is, from its keys and shapes."""

    path: Path
    kind: str  # textual_inversion | lora
    family: str | None  # the family its shapes and names say (None: they do not say)
    text_widths: tuple[int, ...] = ()  # textual inversion: vector width per text encoder
    vectors: int = 0  # textual inversion: learned vectors (tokens) per encoder
    cross_width: int | None = None  # LoRA: input width of its cross-attention K/V, when it has them
    has_text_encoder_part: bool = False
    pickled: bool = False
    keys: tuple[str, ...] = field(default=(), repr=False)


def where(index: int) -> str:
    return f"instances[{index}].concept"


# -- finding the file -------------------------------------------------------------------------------

def resolve(value: str, base: Path) -> tuple[Path, bool]:
    """(file, is_hub) for a `concept:` value: a path (relative to `base`), a folder, or a cached hub id."""
    candidate = Path(value).expanduser()
    if not candidate.is_absolute():
        candidate = base / candidate
    if candidate.exists():
        return _file_in(candidate.resolve(), value), False
    weight_name = value.lower().endswith(SAFE_SUFFIXES + PICKLE_SUFFIXES)
    hub_like = HUB_ID.match(value) and not value.startswith((".", "/", "~")) \
        and not (weight_name and value.count("/") == 1)  # owner/name.safetensors is a path, not a repo
    if not hub_like:
        raise InvalidInput(f"concept '{value}': no such file or folder ({candidate})",
                           hint="A concept path is relative to the scene file's folder.")
    return _hub_file(value), True


def _file_in(path: Path, value: str) -> Path:
    if path.is_file():
        return path
    if not path.is_dir():
        raise InvalidInput(f"concept '{value}' is neither a file nor a folder", hint="Name a .safetensors file.")
    for name in PREFERRED_NAMES:
        if (path / name).is_file():
            return path / name
    found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SAFE_SUFFIXES + PICKLE_SUFFIXES)
    safe = [p for p in found if p.suffix.lower() in SAFE_SUFFIXES]
    chosen = safe or found
    if len(chosen) != 1:
        listed = ", ".join(p.name for p in chosen[:5]) or "none"
        raise InvalidInput(f"concept folder '{value}' holds {len(chosen)} weight files ({listed})",
                           hint="Name the file itself, e.g. concept: my-dog/learned_embeds.safetensors.")
    return chosen[0]


def _hub_file(value: str) -> Path:
    """A hub concept from the local cache only: deig never fetches a concept by itself."""
    from huggingface_hub import try_to_load_from_cache

    owner, name, *rest = value.split("/", 2)
    repo = f"{owner}/{name}"
    names = rest or list(PREFERRED_NAMES)
    for filename in names:
        cached = try_to_load_from_cache(repo, filename)
        if isinstance(cached, str):
            return Path(cached)
    raise Unavailable(f"concept '{value}' is neither a file next to the scene nor a hub model in the local cache",
                      hint=f"Download it first (hf download {repo}), or give the path of the file.")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- recognising it ---------------------------------------------------------------------------------

def inspect(path: Path, label: str, *, allow_pickle: bool) -> ConceptFile:
    """Kind and family of a concept file; InvalidInput (naming `label` and the file) when it is not one."""
    if not path.is_file():
        raise InvalidInput(f"{label}: {path} is not a regular file", hint="Name a .safetensors file.")
    if path.stat().st_size == 0:
        raise InvalidInput(f"{label}: {path} is empty (0 bytes)", hint="The download or copy was cut short.")
    suffix = path.suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        if not allow_pickle:
            raise InvalidInput(f"{label}: {path.name} is a pickle file, which can run code when loaded",
                               hint="Convert it to .safetensors, or pass --allow-pickle if you trust it "
                               "(it is then read with a restricted unpickler).")
        shapes = _pickled_shapes(path, label)
        pickled = True
    elif suffix in SAFE_SUFFIXES:
        shapes = _safetensors_shapes(path, label)
        pickled = False
    else:
        raise InvalidInput(f"{label}: {path.name} is not a concept file (.safetensors)",
                           hint="Concepts are textual-inversion embeddings or LoRAs saved as .safetensors.")
    return recognise(path, shapes, label, pickled=pickled)


def _safetensors_shapes(path: Path, label: str) -> dict[str, tuple[int, ...]]:
    from safetensors import SafetensorError, safe_open

    try:
        with safe_open(str(path), framework="numpy") as handle:
            return {key: tuple(handle.get_slice(key).get_shape()) for key in handle.keys()}
    except (SafetensorError, OSError, ValueError) as exc:
        raise InvalidInput(f"{label}: {path.name} is not a readable safetensors file ({exc})",
                           hint="The file is damaged or not safetensors; download or export it again.") from None


def load_pickle(path: Path, label: str) -> dict:
    """A pickled concept through the restricted unpickler: containers, tensors, numbers, strings."""
    import pickle

    import torch

    from . import unpickle

    try:
        data = torch.load(path, map_location="cpu", weights_only=False, pickle_module=unpickle)
    except (pickle.UnpicklingError, EOFError, RuntimeError, OSError, ValueError) as exc:
        raise InvalidInput(f"{label}: {path.name} could not be read safely: {exc}",
                           hint="Only plain tensors can be loaded from a pickle; use a .safetensors file.") from None
    if isinstance(data, dict) and isinstance(data.get("string_to_param"), dict):  # A1111 embedding
        data = {"emb_params": next(iter(data["string_to_param"].values()))}
    if isinstance(data, torch.Tensor):
        data = {"emb_params": data}
    if not isinstance(data, dict) or not all(isinstance(v, torch.Tensor) for v in data.values()):
        raise InvalidInput(f"{label}: {path.name} holds no flat table of tensors",
                           hint="Concepts are textual-inversion embeddings or LoRAs.")
    return data


def _pickled_shapes(path: Path, label: str) -> dict[str, tuple[int, ...]]:
    return {key: tuple(value.shape) for key, value in load_pickle(path, label).items()}


def recognise(path: Path, shapes: dict[str, tuple[int, ...]], label: str, *, pickled: bool = False) -> ConceptFile:
    keys = tuple(shapes)
    if any(mark in key for key in keys for mark in _LORA_MARKS):
        return _lora(path, shapes, pickled)
    if set(keys) == {"clip_l", "clip_g"}:
        widths = (shapes["clip_l"][-1], shapes["clip_g"][-1])
        rows = {_rows(shapes["clip_l"]), _rows(shapes["clip_g"])}
        if len(rows) == 1 and all(len(shapes[k]) in (1, 2) for k in keys):
            return ConceptFile(path, TEXTUAL_INVERSION, "sdxl", widths, rows.pop(), pickled=pickled, keys=keys)
    if len(keys) == 1 and len(shapes[keys[0]]) in (1, 2):
        width = shapes[keys[0]][-1]
        family = next((f for f, (widths, _) in MODEL_SHAPES.items() if widths == (width,) and not f.startswith("tiny")),
                      None)
        return ConceptFile(path, TEXTUAL_INVERSION, family, (width,), _rows(shapes[keys[0]]), pickled=pickled, keys=keys)
    shown = ", ".join(keys[:3]) + (" …" if len(keys) > 3 else "")
    raise InvalidInput(f"{label}: {path.name} is neither a textual inversion nor a LoRA (keys: {shown or 'none'})",
                       hint="deig reads diffusers/A1111 textual-inversion embeddings and diffusers, PEFT or kohya LoRAs.")


def _rows(shape: tuple[int, ...]) -> int:
    return 1 if len(shape) == 1 else shape[0]


def _lora(path: Path, shapes: dict[str, tuple[int, ...]], pickled: bool) -> ConceptFile:
    keys = tuple(shapes)
    text_part = any(key.startswith(("text_encoder", "lora_te")) for key in keys)
    if any(mark in key for key in keys for mark in _FLUX_MARKS):
        family = "flux"
    elif any(mark in key for key in keys for mark in _SDXL_MARKS):
        family = "sdxl"
    else:
        family = None
    cross = None
    for key, shape in shapes.items():
        down = any(mark in key for mark in (".lora_A.", ".lora.down.", ".lora_down.", "down.weight"))
        if _CROSS_KV.search(key) and down and len(shape) == 2:
            cross = shape[1]
            break
    if family is None and cross is not None:
        family = next((f for f, (_, width) in MODEL_SHAPES.items() if width == cross and not f.startswith("tiny")),
                      None)
    return ConceptFile(path, LORA, family, cross_width=cross, has_text_encoder_part=text_part, pickled=pickled,
                       keys=keys)


def check_fits(concept: ConceptFile, model: str, label: str) -> None:
    """The concept was made for the render's model family (`model`: a key of MODEL_SHAPES, or 'flux')."""
    model_name = FAMILY_NAMES.get(model, model)
    made_for = FAMILY_NAMES.get(concept.family, concept.family) if concept.family else None
    if model == "flux" or concept.family == "flux":
        if concept.family != model:
            raise InvalidInput(f"{label}: {concept.path.name} is a {_kind(concept)} for {made_for or 'another model'}; "
                               f"the model is {model_name}", hint=_fit_hint(concept))
        raise InvalidInput(f"{label}: concepts on FLUX models are not supported yet",
                           hint="Use an SD-1.5 or SDXL model for scenes with concepts.")
    widths, cross = MODEL_SHAPES[model]
    if concept.kind == TEXTUAL_INVERSION and concept.text_widths != widths:
        raise InvalidInput(f"{label}: {concept.path.name} is a textual inversion for {made_for or 'another model'} "
                           f"(vectors {'+'.join(map(str, concept.text_widths))} wide); the model is {model_name} "
                           f"({'+'.join(map(str, widths))})", hint=_fit_hint(concept))
    if concept.kind == LORA:
        if concept.cross_width is not None and concept.cross_width != cross:
            raise InvalidInput(f"{label}: {concept.path.name} is a LoRA for {made_for or 'another model'} (text "
                               f"context {concept.cross_width} wide); the model is {model_name} ({cross})",
                               hint=_fit_hint(concept))
        if concept.family == "sdxl" and model in ("sd15", "tiny"):
            raise InvalidInput(f"{label}: {concept.path.name} is a LoRA for SDXL; the model is {model_name}",
                               hint=_fit_hint(concept))


def _kind(concept: ConceptFile) -> str:
    return "textual inversion" if concept.kind == TEXTUAL_INVERSION else "LoRA"


def _fit_hint(concept: ConceptFile) -> str:
    return "Render with a model of the family the concept was trained for (--model), or train it for this one."
