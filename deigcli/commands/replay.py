"""`deig replay`: render an image again from its manifest, without planning."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError

from scenes import references
from scenes.errors import InvalidInput
from scenes.manifest import InputRecord, Manifest, recipe_hash

from .. import console, flags, registry
from ..artifacts import ImageJob, file_sha256, manifest_from_png
from ..batch import job_record, run_batch
from ..concepts import pin_concepts
from ..files import prepare_output_folder, slug
from ..planning import PlannedScene
from ..rendering import Batch, RendererPool, SceneWork, check_scene
from ..settings import RenderSettings

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


class Recipe:
    """A manifest read from NAME.json or from the `deig` chunk of NAME.png, with the image it describes."""

    def __init__(self, manifest: Manifest, image_sha256: str | None, stem: str, source: Path, source_sha256: str):
        self.manifest = manifest
        self.image_sha256 = image_sha256  # of the original PNG, when known
        self.stem = stem
        self.source = source
        self.source_sha256 = source_sha256


def read_recipe(path: Path) -> Recipe:
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(PNG_SIGNATURE))
    except FileNotFoundError:
        raise InvalidInput(f"no such file: {path}", hint="Pass a NAME.json manifest or a NAME.png made by deig.") from None
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror or exc}", hint="Check the path.") from None
    source_sha256 = file_sha256(path)
    if head == PNG_SIGNATURE:
        document = manifest_from_png(path)
        if document is None:
            raise InvalidInput(f"{path} holds no deig manifest",
                               hint="Only PNGs written by 'deig render' can be replayed; or pass their NAME.json.")
        return Recipe(_validated(document, path), source_sha256, path.stem, path, source_sha256)
    if path.stat().st_size > MAX_MANIFEST_BYTES:
        raise InvalidInput(f"{path} is too large to be a manifest", hint="Pass a NAME.json written by deig.")
    try:
        document = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is neither a PNG nor JSON: {exc}",
                           hint="Pass a NAME.json manifest or a NAME.png made by deig.") from None
    manifest = _validated(document, path)
    image = next((output for output in manifest.outputs if output.role == "image"), None)
    stem = Path(image.file).stem if image else path.stem
    return Recipe(manifest, image.sha256 if image else None, stem, path, source_sha256)


def _validated(document: Any, path: Path) -> Manifest:
    try:
        return Manifest.model_validate(document)
    except ValidationError as exc:
        problems = [f"{'.'.join(str(part) for part in err['loc']) or 'manifest'}: {err['msg']}"
                    for err in exc.errors(include_url=False)]
        raise InvalidInput(f"{path} is not a valid deig manifest: {problems[0]}", details=problems[1:8],
                           hint="Run 'deig schema --manifest' for the format; a newer deig may have written it.") from None


def replay(
    source: Annotated[Path, typer.Argument(help="A manifest (NAME.json) or an image written by deig (NAME.png).",
                                           show_default=False)],
    seed: Annotated[int | None, typer.Option("--seed", min=0, max=2**32 - 1, help="Render with this seed "
                    "instead of the recorded one.")] = None,
    renderer: Annotated[str | None, typer.Option("--renderer", help="Render with another renderer (the recorded "
                        "options it shares are kept).")] = None,
    model: Annotated[str | None, typer.Option("--model", help="Render with another model.")] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the image and its manifest.")] = Path(
        "deig-replay"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing image of the same name.")] = False,
    allow_pickle: Annotated[bool, typer.Option("--allow-pickle", help="Needed to replay a manifest recorded with "
                            "--allow-pickle: a manifest is untrusted input and cannot allow pickles itself.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON record instead of the path.")] = False,
    quiet: flags.Quiet = False,
) -> int:
    """Render an image again from its manifest or PNG: same scene, seed, renderer and options, no planning.

    On the same hardware and library versions the pixels are identical (and, with nothing overridden,
    the PNG bytes too); stderr says whether they are. Prints the new image's path.

    Examples:

      deig replay deig-out/0001-a-red-apple-1234.json

      deig replay picture.png --seed 7 -o variations/
    """
    console.set_quiet(quiet)
    recipe = read_recipe(source)
    original = recipe.manifest
    name = renderer or original.renderer.name
    values = dict(original.renderer.options)
    if name != original.renderer.name:
        fields = registry.load("renderer", name).Options.model_fields
        values = {key: value for key, value in values.items() if key in fields}
    if model is not None:
        values["model"] = model
    if values.get("allow_pickle") and not allow_pickle:
        raise InvalidInput(f"{source} was rendered with --allow-pickle; replaying it needs the flag too",
                           hint="Pass --allow-pickle if you trust the checkpoint it names.")
    pool = RendererPool()
    chosen = pool.get(name, values)
    new_seed = original.seed if seed is None else seed
    scene = references.anchor(pin_concepts(original.scene.with_seed(new_seed)), source.resolve().parent)
    references.check_unchanged(scene, original.renderer.details.get("identity", {}).get("references", []),
                               str(source))
    check_scene(chosen, scene, str(source))

    folder = prepare_output_folder(output)
    recipe_sha256 = recipe_hash(scene, chosen.name, chosen.resolved_options(), references.reference_digests(scene))
    same = recipe_sha256 == original.recipe_sha256
    if not same and seed is None and renderer is None and model is None:
        console.warn("the renderer's options are not the recorded ones (another deig or renderer version?); "
                     "the image may differ")
    job = ImageJob(scene=scene, seed=new_seed, image_index=original.image_index, scene_index=0,
                   stem=_stem(recipe.stem, original.seed, new_seed), recipe=recipe_sha256, folder=folder)
    if job.png.resolve() == source.resolve() and not force:
        raise InvalidInput(f"replaying {source} into its own folder would overwrite it",
                           hint="Choose another folder with -o, or pass --force.")

    # Nothing overridden: the new manifest keeps the original's records, so the PNG is the same bytes.
    input_record = original.input if same else InputRecord(
        kind="manifest", path=source.name, sha256=recipe.source_sha256,
        prompt=original.input.prompt if original.input else None)
    planned = PlannedScene(scene, original.planner, input_record, str(source))

    def report(job: ImageJob, status: str, manifest: Manifest | None) -> None:
        identical = None
        if same and recipe.image_sha256 is not None:
            identical = file_sha256(job.png) == recipe.image_sha256
            if identical:
                console.note("Identical to the original image, byte for byte.")
            else:
                console.warn("the image differs from the original (other hardware or library versions?)")
        if as_json:
            console.emit(json.dumps({**job_record(job, status, manifest), "identical": identical}, ensure_ascii=False))
        else:
            console.emit(str(job.png))

    settings = RenderSettings(output=folder, force=force, as_json=as_json)
    return run_batch(Batch([SceneWork(planned, chosen, [job])]), settings, pool, index=False, report=report)


def _stem(stem: str, old_seed: int, new_seed: int) -> str:
    """The original file stem (made safe: it comes from a file) less its seed suffix, then the seed.

    The seed is cut off before the stem is made safe and added after, so the length cap on safe
    stems can never drop it (two long-named replays would otherwise share one name)."""
    base = re.sub(rf"-{old_seed}$", "", stem)
    return f"{slug(base, fallback='replay')}-{new_seed}"
