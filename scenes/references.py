"""Identity reference images: where they may come from, what they must be, and their hashes.

A scene names its references relative to its own file. At the boundary (`anchor`) each path is
resolved, must stay inside an allowed folder (the scene's folder, the working directory, or one
listed in DEIG_REFERENCE_DIRS), and a folder becomes the images inside it; the scene then holds
absolute paths. `inspect` checks one file cheaply and safely before any weights load: the size on
disk, then the header (format and pixel size: a 20000x20000 image is refused before a pixel is
decoded), then a full decode (corrupt and truncated files fail here), and hashes the very bytes
that were decoded. Every error names the file and the instance.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput
from .model import Instance, Scene

FORMATS = ("PNG", "JPEG", "WEBP", "BMP")
EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".bmp")
MAX_REFERENCE_BYTES = 50 * 1024 * 1024
MAX_REFERENCE_SIDE = 8192
MAX_REFERENCE_PIXELS = 40_000_000
MIN_REFERENCE_SIDE = 16
MAX_FOLDER_IMAGES = 16
ROOTS_ENVIRONMENT = "DEIG_REFERENCE_DIRS"
HINT = "Give each reference as a PNG, JPEG, WebP or BMP image (16 to 8192 pixels a side), in or below the scene's folder."


@dataclass(frozen=True)
class ReferenceFile:
    """One checked reference image of one instance."""

    instance: int
    name: str
    path: Path
    sha256: str
    bytes: int
    format: str
    width: int
    height: int

    def record(self) -> dict:
        return {"instance": self.instance, "name": self.name, "file": str(self.path), "sha256": self.sha256,
                "bytes": self.bytes, "width": self.width, "height": self.height}


def _refuse(where: str, path: str | Path, problem: str, hint: str = HINT) -> InvalidInput:
    return InvalidInput(f"{where}: reference {path}: {problem}", hint=hint)


def instance_label(index: int, instance: Instance) -> str:
    return f"instances[{index}] '{instance.name}'"


def default_identity(instance: Instance) -> str:
    """face for people (by category noun, or anyone with a pose), subject for everything else."""
    if instance.identity is not None:
        return instance.identity
    from planners.layout.priors import PERSON, category

    return "face" if instance.pose is not None or category(instance.name) == PERSON else "subject"


def allowed_roots(base: Path) -> list[Path]:
    roots = [base, Path.cwd()]
    roots += [Path(entry) for entry in os.environ.get(ROOTS_ENVIRONMENT, "").split(os.pathsep) if entry.strip()]
    return [Path(os.path.realpath(root)) for root in roots]


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def _resolve(entry: str, base: Path, roots: list[Path], where: str) -> list[Path]:
    candidate = Path(entry).expanduser()
    real = Path(os.path.realpath(candidate if candidate.is_absolute() else base / candidate))
    if not _inside(real, roots):
        raise _refuse(where, entry, "is outside the folders references may come from",
                      hint=f"Keep references in or below the scene's folder or the working directory, or list "
                           f"their folder in {ROOTS_ENVIRONMENT}.")
    if real.is_dir():
        images = sorted(p for p in real.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())
        if not images:
            raise _refuse(where, entry, "is a folder without images (.png, .jpg, .jpeg, .webp, .bmp)")
        if len(images) > MAX_FOLDER_IMAGES:
            raise _refuse(where, entry, f"holds {len(images)} images; at most {MAX_FOLDER_IMAGES} are used",
                          hint="Keep the best few references of this identity in the folder.")
        inside = [Path(os.path.realpath(p)) for p in images]
        outside = next((p for p in inside if not _inside(p, roots)), None)
        if outside is not None:
            raise _refuse(where, entry, f"links to {outside}, outside the folders references may come from")
        return inside
    if not real.exists():
        raise _refuse(where, entry, "does not exist", hint="Check the path; it is relative to the scene file.")
    return [real]


def anchor(scene: Scene, base: Path | None = None, roots: list[Path] | None = None) -> Scene:
    """`scene` with every reference resolved against `base` (default: the working directory) into
    absolute image paths, each checked to be inside `roots` (default: `allowed_roots(base)`)."""
    if not any(instance.reference is not None for instance in scene.instances):
        return scene
    base = Path(os.path.realpath(base or Path.cwd()))
    roots = roots if roots is not None else allowed_roots(base)
    instances = []
    for index, instance in enumerate(scene.instances):
        if instance.reference is None:
            instances.append(instance)
            continue
        where = instance_label(index, instance)
        paths = [str(path) for entry in instance.references for path in _resolve(entry, base, roots, where)]
        if len(paths) > MAX_FOLDER_IMAGES:
            raise _refuse(where, paths[0], f"with its folders, {len(paths)} images; at most {MAX_FOLDER_IMAGES}")
        instances.append(instance.model_copy(update={"reference": paths}))
    return scene.model_copy(update={"instances": instances})


def inspect(path: Path, where: str, instance: int = -1, name: str = "") -> ReferenceFile:
    """Check one image without trusting it (see the module docstring); raise InvalidInput naming it."""
    from PIL import Image, UnidentifiedImageError

    if not path.is_file():
        raise _refuse(where, path, "does not exist" if not path.exists() else "is not a file",
                      hint="Check the path; it is relative to the scene file.")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(where, path, "is empty (0 bytes)")
    if size > MAX_REFERENCE_BYTES:
        raise _refuse(where, path, f"is {size / 2**20:.0f} MiB; the limit is {MAX_REFERENCE_BYTES // 2**20} MiB")
    data = path.read_bytes()
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:  # reads the header only
            width, height, fmt = image.width, image.height, image.format or "?"
            if max(width, height) > MAX_REFERENCE_SIDE or width * height > MAX_REFERENCE_PIXELS:
                raise _refuse(where, path, f"is {width}x{height} pixels; the limit is {MAX_REFERENCE_SIDE} a side "
                              f"and {MAX_REFERENCE_PIXELS // 1_000_000} megapixels (not decoded)",
                              hint="Scale the reference down; a few hundred pixels around the subject is enough.")
            if min(width, height) < MIN_REFERENCE_SIDE:
                raise _refuse(where, path, f"is {width}x{height} pixels; a reference needs at least "
                              f"{MIN_REFERENCE_SIDE} a side")
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                image.load()
    except InvalidInput:
        raise
    except Image.DecompressionBombError:  # raised by open itself: the header alone declares too many pixels
        raise _refuse(where, path, "declares more pixels than Pillow's decompression-bomb guard allows (not decoded)",
                      hint="Scale the reference down; a few hundred pixels around the subject is enough.") from None
    except UnidentifiedImageError:
        raise _refuse(where, path, f"is not an image deig reads ({', '.join(FORMATS)})") from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        raise _refuse(where, path, f"cannot be decoded: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}",
                      hint="The file is damaged or truncated; export the picture again.") from None
    return ReferenceFile(instance, name, path, hashlib.sha256(data).hexdigest(), size, fmt, width, height)


def scene_references(scene: Scene) -> list[ReferenceFile]:
    """Every reference of every instance, checked and hashed, in instance order.

    Relative paths (a scene that was not anchored) are taken from the working directory."""
    files = []
    for index, instance in enumerate(scene.instances):
        where = instance_label(index, instance)
        for entry in instance.references:
            path = Path(entry).expanduser()
            files.append(inspect(path if path.is_absolute() else Path.cwd() / path, where, index, instance.name))
    return files


def reference_digests(scene: Scene) -> list[str]:
    """sha256 of every reference file, in order: what the recipe hash adds for a scene with references."""
    return [file.sha256 for file in scene_references(scene)]


def load_image(file: ReferenceFile):
    """The checked reference as an RGB image, decoded from bytes that still hash as `inspect` found them
    (a file swapped between the check and the render is refused, not drawn under the old hash)."""
    from PIL import Image

    data = file.path.read_bytes()
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise InvalidInput(f"reference {file.path} changed while deig was reading it",
                           hint="Leave reference pictures alone while deig renders, then run it again.")
    with Image.open(io.BytesIO(data), formats=FORMATS) as image:
        return image.convert("RGB")


def check_unchanged(scene: Scene, recorded: list[dict], source: str) -> None:
    """Refuse a replay whose reference images are not the ones the manifest recorded (by sha256)."""
    current = scene_references(scene)
    if len(recorded) != len(current):
        raise InvalidInput(f"{source} recorded {len(recorded)} reference image(s); its scene now names {len(current)}",
                           hint="Replay only manifests written by 'deig render'.")
    for was, now in zip(recorded, current, strict=True):
        if was.get("sha256") != now.sha256:
            raise InvalidInput(
                f"reference {now.path} of {instance_label(now.instance, scene.instances[now.instance])} changed "
                f"since {source} was rendered (sha256 {str(was.get('sha256'))[:12]}… recorded, {now.sha256[:12]}… now)",
                hint="Put the original image back to replay it, or render the scene again with 'deig render'.")
