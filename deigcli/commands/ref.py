"""`deig ref check`: what deig will take from each reference image, with a preview of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from scenes.errors import InvalidInput
from scenes.references import EXTENSIONS, MAX_FOLDER_IMAGES, ReferenceFile, inspect, load_image

from .. import console, flags
from ..artifacts import encode_png
from ..files import atomic_write, prepare_output_folder, slug

ref_app = typer.Typer(help="Identity reference images: check what deig will use.", no_args_is_help=True)

PREVIEW_SIDE = 384
ENCODER_SIDE = 224  # what the IP-Adapter's CLIP image processor resizes the crop to (ViT-H/14)
FACE_NOTE = ("no face detection: deig has no permissively licensed face detector, so the picture is used as "
             "given; crop it to the face yourself for identity: face")


def center_crop(width: int, height: int) -> tuple[int, int, int, int]:
    """The square CLIP's image processor keeps: the centre of the shorter side's length."""
    side = min(width, height)
    x0, y0 = (width - side) // 2, (height - side) // 2
    return x0, y0, x0 + side, y0 + side


@ref_app.command("check")
def check(
    images: Annotated[list[Path], typer.Argument(help="Reference images or folders of them.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the previews.")] = Path("deig-refs"),
    force: Annotated[bool, typer.Option("-f", "--force", help="Overwrite existing previews.")] = False,
    quiet: flags.Quiet = False,
) -> None:
    """Check reference images and show what deig will use of each: one JSON record per image on stdout
    (size, the crop the image encoder sees, whether a face was found), a preview PNG in -o.

    Examples:

      deig ref check rex.jpg mia.jpg -o previews/
    """
    console.set_quiet(quiet)
    files = [inspect(path, "image") for path in _expand(images)]  # every image checked before anything is written
    folder = prepare_output_folder(output)
    targets = [folder / f"{slug(file.path.stem, fallback='reference')}-{file.sha256[:8]}-ref.png" for file in files]
    taken = next((target for target in targets if target.exists() and not force), None)
    if taken is not None:
        raise InvalidInput(f"{taken} exists", hint="Pass --force to overwrite, or choose another folder with -o.")
    for file, target in zip(files, targets, strict=True):
        crop = center_crop(file.width, file.height)
        atomic_write(target, encode_png(_preview(file, crop), {}))
        console.emit(json.dumps({
            "file": str(file.path), "sha256": file.sha256, "format": file.format, "width": file.width,
            "height": file.height, "crop": list(crop), "encoder_size": ENCODER_SIDE, "face_found": None,
            "note": FACE_NOTE, "preview": str(target)}, ensure_ascii=False))
    console.note(f"{len(files)} reference image(s) checked; previews in {folder}")


def _expand(paths: list[Path]) -> list[Path]:
    out = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
            if not found:
                raise InvalidInput(f"image {path}: a folder without images", hint="Name image files or their folder.")
            out += found[:MAX_FOLDER_IMAGES]
        else:
            out.append(path)
    return out


def _preview(file: ReferenceFile, crop: tuple[int, int, int, int]):
    """The picture with what lies outside the encoder's crop dimmed and the crop outlined."""
    from PIL import Image, ImageDraw

    image = load_image(file)
    dimmed = Image.blend(image, Image.new("RGB", image.size), 0.6)
    dimmed.paste(image.crop(crop), crop[:2])
    ImageDraw.Draw(dimmed).rectangle([crop[0], crop[1], crop[2] - 1, crop[3] - 1], outline=(255, 64, 64),
                                     width=max(1, min(image.size) // 100))
    dimmed.thumbnail((PREVIEW_SIDE, PREVIEW_SIDE))
    return dimmed
