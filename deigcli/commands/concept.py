"""`deig concept train`: learn a textual-inversion token from a few images, for scenes' `concept:`."""

from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path
from typing import Annotated

import typer

from scenes.errors import InvalidInput

from .. import console, flags
from ..artifacts import deig_version
from ..files import atomic_write, prepare_output_folder

concept_app = typer.Typer(help="Learned concepts for scenes' `concept:` (textual inversion).", no_args_is_help=True)

MIN_IMAGES, MAX_IMAGES = 3, 20
MAX_IMAGE_SIDE = 8192
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
CHECKPOINT, CHECKPOINT_META, RECORD = "checkpoint.safetensors", "checkpoint.json", "training.json"


@concept_app.command("train")
def train(
    name: Annotated[str, typer.Argument(help="The concept's name (letters, digits, - and _); the file is NAME.safetensors.",
                                        show_default=False)],
    images: Annotated[list[Path], typer.Argument(help=f"{MIN_IMAGES} to {MAX_IMAGES} images of the concept.",
                                                 show_default=False)],
    model: Annotated[str, typer.Option("--model", help="SD-1.5 model to train for: hub id, local folder, or 'tiny'.")
                     ] = "stable-diffusion-v1-5/stable-diffusion-v1-5",
    steps: Annotated[int, typer.Option("--steps", min=1, max=100_000, help="Training steps.")] = 1000,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Folder for the embedding, checkpoints and "
                      "the training record (default: deig-concepts/NAME).")] = None,
    init_word: Annotated[str | None, typer.Option("--init-word", help="A word to start from, e.g. the class noun "
                         "('dog').")] = None,
    vectors: Annotated[int, typer.Option("--vectors", min=1, max=16, help="Learned vectors (tokens) per concept.")] = 1,
    learning_rate: Annotated[float, typer.Option("--learning-rate", min=1e-6, max=1.0, help="AdamW learning rate.")
                             ] = 5e-3,
    resolution: Annotated[int | None, typer.Option("--resolution", min=16, max=2048, help="Training image side in "
                          "pixels, a multiple of 8 (default: the model's native side).")] = None,
    contrast: Annotated[list[Path] | None, typer.Option("--contrast", help="Another concept's embedding "
                        "(.safetensors) to keep this one apart from (CLIF-style contrastive term). Repeatable.")] = None,
    contrast_weight: Annotated[float, typer.Option("--contrast-weight", min=0.0, max=100.0,
                               help="Weight of the contrastive term.")] = 0.1,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**32 - 1, help="Seed of the training's noise, "
                    "timesteps and image order.")] = 0,
    checkpoint_every: Annotated[int, typer.Option("--checkpoint-every", min=1, help="Steps between checkpoints.")
                                ] = 50,
    force: Annotated[bool, typer.Option("--force", help="Start over in a folder holding another run.")] = False,
    quiet: flags.Quiet = False,
) -> int:
    """Train a textual-inversion token from 3-20 images; prints the path of NAME.safetensors.

    Resumes from the folder's checkpoint when the same run was interrupted.

    In a scene: `concept: NAME.safetensors`, and `concept_token: WORD` with WORD in the caption.

    Examples:

      deig concept train rex photos/rex-*.jpg --init-word dog -o concepts/rex

      deig concept train tom cat1.png cat2.png cat3.png --contrast concepts/rex/rex.safetensors
    """
    console.set_quiet(quiet)
    if not NAME.match(name):
        raise InvalidInput(f"concept name '{name}' must be letters, digits, '-' and '_' (at most 64)",
                           hint="e.g. deig concept train my-dog IMAGES…")
    folder = output or Path("deig-concepts") / name
    pictures = _read_images(images)
    contrast_files = _contrast_files(contrast or [])
    _check_model(model)
    settings_record = {"name": name, "model": model, "steps": steps, "vectors": vectors, "learning_rate": learning_rate,
                       "resolution": resolution, "seed": seed, "init_word": init_word,
                       "contrast": [{"path": str(p), "sha256": s} for p, s in contrast_files],
                       "contrast_weight": contrast_weight,
                       "images": [{"path": str(p), "sha256": s} for p, s, _ in pictures]}
    prepare_output_folder(folder)
    resume = _resume(folder, settings_record, force)
    return _run(folder, name, settings_record, pictures, contrast_files, resume, checkpoint_every)


def _read_images(paths: list[Path]):
    from PIL import Image, UnidentifiedImageError

    if not MIN_IMAGES <= len(paths) <= MAX_IMAGES:
        raise InvalidInput(f"{len(paths)} images given; training takes {MIN_IMAGES} to {MAX_IMAGES}",
                           hint="Pass 3-20 pictures of the concept, from different views.")
    pictures = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"cannot read image {path}: {exc.strerror or exc}", hint="Check the path.") from None
        try:
            import io

            with Image.open(io.BytesIO(data)) as image:
                if max(image.size) > MAX_IMAGE_SIDE:
                    raise InvalidInput(f"image {path} is {image.size[0]}x{image.size[1]}; at most {MAX_IMAGE_SIDE} a side",
                                       hint="Scale it down first.")
                picture = image.convert("RGB")
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise InvalidInput(f"{path} is not a readable image ({exc})", hint="Pass PNG, JPEG or WebP pictures.") from None
        pictures.append((path, hashlib.sha256(data).hexdigest(), picture))
    return pictures


def _contrast_files(paths: list[Path]) -> list[tuple[Path, str]]:
    from renderers.diffusion.concept_files import TEXTUAL_INVERSION, inspect, sha256_of

    found = []
    for path in paths:
        concept = inspect(path, f"--contrast {path}", allow_pickle=False) if path.exists() else None
        if concept is None:
            raise InvalidInput(f"--contrast {path}: no such file", hint="Name another concept's .safetensors.")
        if concept.kind != TEXTUAL_INVERSION:
            raise InvalidInput(f"--contrast {path}: it is a LoRA; the contrastive term compares learned tokens",
                               hint="Name a textual-inversion embedding.")
        found.append((path, sha256_of(path)))
    return found


def _check_model(model: str) -> None:
    from renderers.diffusion.loading import check_model
    from renderers.diffusion.runtime import check_dependencies

    check_dependencies("concept train")
    source = check_model(model, allow_pickle=False)
    from renderers.diffusion.tiny import TINY_PRESETS

    if source.kind == "tiny" and TINY_PRESETS[source.spec] != "sd15":
        raise InvalidInput("concept training takes SD-1.5 models for now", hint="Use --model tiny or an SD-1.5 model.")


def _resume(folder: Path, record: dict, force: bool) -> dict | None:
    """The checkpoint of the same run in `folder`, or None; another run's folder is refused without --force."""
    previous = folder / RECORD
    if not previous.is_file() or force:
        return None
    earlier = json.loads(previous.read_text(encoding="utf-8")).get("settings")
    if earlier != record:
        raise InvalidInput(f"{folder} holds another training run", hint="Choose another -o folder, or pass --force "
                           "to start over there.")
    if not (folder / CHECKPOINT).is_file():
        return None
    from safetensors.torch import load_file

    from renderers.diffusion.ti_training import checkpoint_from_files

    return checkpoint_from_files(load_file(str(folder / CHECKPOINT)), (folder / CHECKPOINT_META).read_text())


def _run(folder: Path, name: str, record: dict, pictures, contrast_files, resume, checkpoint_every: int) -> int:
    import numpy as np
    import torch
    from safetensors.torch import load_file, save_file

    from renderers.diffusion.loading import load_components
    from renderers.diffusion.ti_training import TrainingSettings, checkpoint_files, train

    from ..progress import Progress

    start = time.perf_counter()
    components = load_components(record["model"], dtype=torch.float32, allow_pickle=False)
    side = record["resolution"] or components.native_side
    if side % 8:
        raise InvalidInput(f"--resolution {side} is not a multiple of 8", hint="e.g. --resolution 512")
    batch = torch.stack([torch.from_numpy(np.asarray(_square(p, side), dtype=np.float32) / 127.5 - 1.0).permute(2, 0, 1)
                         for _, _, p in pictures])
    contrast = []
    for path, _ in contrast_files:
        tensors = load_file(str(path))
        contrast.append(next(iter(tensors.values())).float().reshape(-1, tensors[next(iter(tensors))].shape[-1]))
    settings = TrainingSettings(steps=record["steps"], vectors=record["vectors"], learning_rate=record["learning_rate"],
                                seed=record["seed"], init_word=record["init_word"], contrast=contrast,
                                contrast_weight=record["contrast_weight"], checkpoint_every=checkpoint_every)
    _write_record(folder, record, None, started=True)
    done_before = resume["state"].step if resume else 0
    if done_before:
        console.note(f"Resuming {name} at step {done_before} of {record['steps']}.")

    def save_checkpoint(checkpoint: dict) -> None:
        tensors, meta = checkpoint_files(checkpoint)
        temp = folder / f".{CHECKPOINT}.tmp"
        save_file(tensors, str(temp))
        temp.replace(folder / CHECKPOINT)
        atomic_write(folder / CHECKPOINT_META, meta.encode("utf-8"))

    with Progress(record["steps"], label=f"Training {name}") as progress:
        progress.advance_image(done_before)
        rows, state = train(components, batch, settings, resume=resume,
                            on_step=lambda step, _: progress.advance_image(), on_checkpoint=save_checkpoint)
    embedding = folder / f"{name}.safetensors"
    temp = folder / f".{name}.safetensors.tmp"
    save_file({f"<{name}>": rows}, str(temp), metadata={"deig": "textual_inversion", "model": record["model"]})
    temp.replace(embedding)
    _write_record(folder, record, {"losses": state.losses, "contrast_losses": state.contrast_losses,
                                   "sha256": hashlib.sha256(embedding.read_bytes()).hexdigest(),
                                   "seconds": round(time.perf_counter() - start, 3)}, started=False)
    console.emit(str(embedding))
    return 0


def _square(picture, side: int):
    from PIL import Image

    width, height = picture.size
    crop = min(width, height)
    left, top = (width - crop) // 2, (height - crop) // 2
    return picture.crop((left, top, left + crop, top + crop)).resize((side, side), Image.Resampling.BICUBIC)


def _write_record(folder: Path, settings: dict, result: dict | None, *, started: bool) -> None:
    document = {"deig_version": deig_version(), "kind": "textual_inversion", "settings": settings,
                "state": "training" if started else "done"}
    if result is not None:
        document["result"] = result
    atomic_write(folder / RECORD, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
