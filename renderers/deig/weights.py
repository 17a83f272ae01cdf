"""The published checkpoint -> our safetensors folder, and that folder -> modules on a device.

`model.pth` is a pickle (spec §1.1). It is opened only here and only through the restricted
unpickler of `renderers/diffusion/unpickle.py`, which admits containers, tensors, numbers and strings and refuses
everything else before it runs. The conversion writes, once:

    deig_model.json            format, architecture (DeigConfig), source file and its sha256
    unet.safetensors           diffusers UNet names, fusers and position_net included
    extractor.safetensors      the Instance Detail Extractor (checkpoint's IDE.*, prefix dropped)
    vae.safetensors            diffusers AutoencoderKL names
    text_encoder/, tokenizer/  the T5 encoder (safetensors) and its tokenizer

Conversion is deterministic (same source -> byte-identical files) and atomic (a temporary folder
renamed into place). Loading builds every module on the meta device and assigns the tensors
strictly, so a file that does not fit the architecture fails loudly instead of half-loading.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import torch

from scenes.errors import InvalidInput, RendererUnavailable

from .config import FULL, TINY, DeigConfig
from .index import CONVERT_HINT, INDEX_FILE, ConvertedIndex, SourceRecord, read_index
from .keys import CheckpointMismatch, KeyMap, convert_state, unet_rules, vae_rules
from .locate import CHECKPOINT_FILE
from .model import EXTRACTOR, UNET, build_modules, build_vae
from .sampler import alphas_cumprod

T5_FOLDER = "T5-XL"
WEIGHT_FILES = {UNET: "unet.safetensors", EXTRACTOR: "extractor.safetensors", "vae": "vae.safetensors"}
TEXT_ENCODER, TOKENIZER = "text_encoder", "tokenizer"
PRESETS = {"full": FULL, "tiny": TINY}


# -- the published checkpoint ------------------------------------------------------------------


def sha256_file(path: Path, chunk: int = 1 << 24) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def read_pickle_checkpoint(path: Path) -> dict:
    """model.pth through the restricted unpickler (containers, tensors, numbers, strings; no code runs)."""
    from renderers.diffusion import unpickle

    def read(**mmap):
        return torch.load(path, map_location="cpu", weights_only=False, pickle_module=unpickle, **mmap)

    try:
        try:
            data = read(mmap=True)
        except RuntimeError as exc:  # the legacy (non-zip) format cannot be memory-mapped
            if "mmap" not in str(exc):
                raise
            data = read()
    except FileNotFoundError:
        raise InvalidInput(f"no checkpoint at {path}", hint=CONVERT_HINT) from None
    except Exception as exc:  # RefusedGlobal for code, UnpicklingError and others for damaged files
        raise InvalidInput(f"{path} cannot be read as a checkpoint of plain data: {str(exc).splitlines()[0]}",
                           hint="Only containers, tensors, numbers and strings are accepted; nothing in the "
                           "file is executed.") from None
    missing = [key for key in ("model", "autoencoder", "diffusion") if not isinstance(data, dict) or key not in data]
    if missing:
        raise InvalidInput(f"{path} is not a DEIG checkpoint: no {', '.join(repr(k) for k in missing)} entry",
                           hint="Expected dushy5/DEIG's model.pth (entries 'model', 'autoencoder', 'diffusion').")
    return data


def detect_config(model_state: dict) -> DeigConfig:
    """The preset whose architecture the checkpoint's first convolution and IDE projection fit."""
    for config in PRESETS.values():
        conv_in = (config.unet.block_out_channels[0], 4, 3, 3)
        proj_in = (config.extractor.width, config.extractor.input_dim)
        if (tuple(model_state.get("input_blocks.0.0.weight", torch.empty(0)).shape) == conv_in
                and tuple(model_state.get("IDE.connector.proj_in.weight", torch.empty(0)).shape) == proj_in):
            return config
    raise InvalidInput("the checkpoint's 'model' entry does not match the DEIG architecture",
                       hint="Expected dushy5/DEIG's model.pth.")


def check_schedule(diffusion: dict, config: DeigConfig) -> None:
    """The stored schedule must be the one our sampler recomputes (spec §1.1)."""
    stored = diffusion.get("alphas_cumprod")
    expected = alphas_cumprod(config.schedule)
    if stored is None or tuple(stored.shape) != tuple(expected.shape) or not torch.allclose(
            stored.double(), expected, rtol=1e-3, atol=1e-6):
        raise InvalidInput("the checkpoint's diffusion schedule is not the scaled-linear 1000-step schedule",
                           hint="This converter only knows DEIG's published schedule (beta 0.00085 to 0.012).")


def convert_checkpoint(source: Path, destination: Path, *, overwrite: bool = False) -> ConvertedIndex:
    """Convert a folder holding model.pth and T5-XL/ (or the model.pth itself, with T5-XL/ beside it)."""
    source = Path(source)
    checkpoint_file = source / CHECKPOINT_FILE if source.is_dir() else source
    t5_folder = checkpoint_file.parent / T5_FOLDER
    destination = Path(destination)
    if destination.exists() and not overwrite:
        raise InvalidInput(f"{destination} already exists", hint="Pass --force to replace it, or choose another DST.")
    if not t5_folder.is_dir():
        raise InvalidInput(f"no {T5_FOLDER}/ folder next to {checkpoint_file}",
                           hint="Download the whole dushy5/DEIG repository (model.pth and the T5-XL folder).")
    data = read_pickle_checkpoint(checkpoint_file)
    config = detect_config(data["model"])
    check_schedule(data["diffusion"], config)
    try:
        model = convert_state(data["model"], KeyMap(unet_rules(config)),
                              build_modules(config, "meta").parameter_shapes(), "the checkpoint's 'model' entry")
        vae_shapes = {("vae", name): tuple(t.shape) for name, t in build_vae(config, "meta").state_dict().items()}
        vae = convert_state(data["autoencoder"], KeyMap(vae_rules(config)), vae_shapes,
                            "the checkpoint's 'autoencoder' entry")
    except CheckpointMismatch as exc:
        raise InvalidInput(str(exc), details=exc.problems[5:20],
                           hint="The file is not the published DEIG model, or it is damaged.") from None
    tokenizer, encoder = _read_t5(t5_folder)
    if encoder.config.d_model != config.extractor.input_dim:
        raise InvalidInput(f"{t5_folder} has hidden size {encoder.config.d_model}; the IDE reads "
                           f"{config.extractor.input_dim}", hint="Use the T5-XL folder shipped with the checkpoint.")
    index = ConvertedIndex(
        config=config.model_copy(update={"text": config.text.model_copy(update={"hidden_size": encoder.config.d_model})}),
        source=SourceRecord(file=checkpoint_file.name, sha256=sha256_file(checkpoint_file),
                            bytes=checkpoint_file.stat().st_size),
        files=dict(WEIGHT_FILES, text_encoder=TEXT_ENCODER, tokenizer=TOKENIZER),
    )
    staging = destination.parent / f".{destination.name}.partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        from safetensors.torch import save_file

        tensors = {UNET: model[UNET], EXTRACTOR: model[EXTRACTOR], "vae": vae["vae"]}
        for component, filename in WEIGHT_FILES.items():
            ordered = {name: tensors[component][name].detach().clone().contiguous()
                       for name in sorted(tensors[component])}
            save_file(ordered, str(staging / filename), metadata={"format": "pt"})
        encoder.save_pretrained(staging / TEXT_ENCODER)
        tokenizer.save_pretrained(staging / TOKENIZER)
        (staging / INDEX_FILE).write_text(json.dumps(index.model_dump(mode="json"), indent=2, sort_keys=True) + "\n")
        _replace_folder(staging, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return index


def _read_t5(folder: Path):
    from transformers import AutoTokenizer, T5EncoderModel

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
        encoder = T5EncoderModel.from_pretrained(folder, local_files_only=True, dtype="auto")
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{folder} is not a readable T5 folder: {str(exc).splitlines()[0]}",
                           hint="Use the T5-XL folder shipped with the checkpoint.") from None
    return tokenizer, encoder.eval()


def _replace_folder(staging: Path, destination: Path) -> None:
    if destination.exists():
        old = destination.parent / f".{destination.name}.old-{os.getpid()}"
        os.replace(destination, old)
        os.replace(staging, destination)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, destination)


# -- the converted folder ----------------------------------------------------------------------


def parameter_counts(folder: Path) -> dict[str, int]:
    """Tensor elements per component, read from the safetensors headers (no weights loaded)."""
    from safetensors import safe_open

    folder = Path(folder)
    files = {component: [folder / name] for component, name in WEIGHT_FILES.items()}
    files[TEXT_ENCODER] = sorted((folder / TEXT_ENCODER).glob("*.safetensors"))
    counts = {}
    for component, paths in files.items():
        total = 0
        for path in paths:
            with safe_open(str(path), framework="pt") as handle:
                for name in handle.keys():
                    shape = handle.get_slice(name).get_shape()
                    total += int(torch.Size(shape).numel())
        counts[component] = total
    return counts


@dataclass
class LoadedWeights:
    config: DeigConfig
    index: ConvertedIndex | None
    modules: object
    vae: torch.nn.Module
    tokenizer: object
    text_encoder: torch.nn.Module


def load_converted(folder: Path, *, kernel: str = "sdpa") -> LoadedWeights:
    """Every component on the CPU in its stored dtype; the caller moves and casts them."""
    from transformers import AutoTokenizer, T5EncoderModel

    folder = Path(folder)
    index = read_index(folder)
    config = index.config
    modules = build_modules(config, "meta", kernel)
    vae = build_vae(config, "meta")
    for component, module in ((UNET, modules.unet), (EXTRACTOR, modules.extractor), ("vae", vae)):
        _assign(module, folder / index.files[component])
    try:
        tokenizer = AutoTokenizer.from_pretrained(folder / index.files[TOKENIZER], local_files_only=True)
        encoder = T5EncoderModel.from_pretrained(folder / index.files[TEXT_ENCODER], local_files_only=True,
                                                 dtype="auto")
    except (OSError, ValueError) as exc:
        raise RendererUnavailable(f"the T5 encoder in {folder} cannot be loaded: {str(exc).splitlines()[0]}",
                                  hint="Convert the checkpoint again.") from None
    for module in (modules.unet, modules.extractor, vae, encoder):
        module.eval()
    return LoadedWeights(config, index, modules, vae, tokenizer, encoder)


def _assign(module: torch.nn.Module, path: Path) -> None:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        state = load_file(str(path), device="cpu")
    except (FileNotFoundError, SafetensorError, OSError) as exc:
        raise RendererUnavailable(f"cannot read {path}: {str(exc).splitlines()[0]}",
                                  hint="Convert the checkpoint again.") from None
    try:
        module.load_state_dict(state, strict=True, assign=True)
    except RuntimeError as exc:
        raise RendererUnavailable(f"{path} does not fit the model: {str(exc).splitlines()[0]}",
                                  hint="Convert the checkpoint again with this version of deig.") from None
    leftovers = [name for name, tensor in [*module.named_parameters(), *module.named_buffers()] if tensor.is_meta]
    if leftovers:
        raise RendererUnavailable(f"{path} left {len(leftovers)} tensors unset (e.g. {leftovers[0]})",
                                  hint="Convert the checkpoint again.")
