"""`deig replay`: a manifest (or the PNG carrying it) is enough to render the same image again."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from batch_support import audit, scene_batch, validate_manifest
from PIL import Image

from deigcli.artifacts import ImageJob, write_image
from deigcli.batch import describe_renderer
from renderers.base import RenderedImage
from renderers.preview import PreviewRenderer
from scenes.manifest import InputRecord, PlannerRecord, recipe_hash
from scenes.model import Scene

# The tiny preset of the regional renderer: a real diffusion render on the CPU, with a pose control image.
RENDERER = ("--renderer", "regional", "--model", "tiny", "--steps", "2")
VOLATILE = ("created", "timings")


@pytest.fixture
def original(cli, tmp_path: Path) -> Path:
    """One rendered image (with an extra control image) and its manifest; returns the PNG."""
    scene = tmp_path / "scene.json"
    scene.write_text(json.dumps(scene_batch(1, size=64)[0]))
    started = time.monotonic()
    result = cli("render", "--scene", scene, *RENDERER, "-o", tmp_path / "out")
    ELAPSED[tmp_path] = time.monotonic() - started
    assert result.code == 0, result.stderr
    return Path(result.stdout.strip())


ELAPSED: dict[Path, float] = {}  # wall time of the whole `deig render` of each `original`


def _stable(manifest_path: Path) -> dict:
    document = json.loads(manifest_path.read_text())
    return {key: value for key, value in document.items() if key not in VOLATILE}


@pytest.mark.parametrize("source", ["json", "png"])
def test_replay_writes_the_same_bytes(cli, original: Path, tmp_path: Path, source: str) -> None:
    replayed_dir = tmp_path / f"replay-{source}"
    result = cli("replay", original.with_suffix(f".{source}"), "-o", replayed_dir, "--json")
    assert result.code == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["status"] == "rendered" and record["identical"] is True
    assert "Identical to the original image" in result.stderr

    replayed = Path(record["path"])
    assert replayed.name == original.name
    assert replayed.read_bytes() == original.read_bytes()
    control = original.with_suffix(".control.png")
    assert replayed.with_suffix(".control.png").read_bytes() == control.read_bytes()
    # The sidecar differs only in when it was made and how long it took.
    assert _stable(replayed.with_suffix(".json")) == _stable(original.with_suffix(".json"))
    audit(original.parent)
    audit(replayed_dir)


def test_manifests_are_complete_and_validate_against_the_published_schema(original: Path) -> None:
    manifest = json.loads(original.with_suffix(".json").read_text())
    validate_manifest(manifest)
    with Image.open(original) as image:
        embedded = json.loads(image.info["deig"])
        parameters = image.info["parameters"]
    validate_manifest(embedded)
    assert manifest["manifest_version"] == 1
    assert manifest["seed"] == manifest["scene"]["seed"] == 5000
    renderer = manifest["renderer"]
    assert renderer["name"] == "regional" and renderer["version"]
    assert renderer["options"]["model"] == "tiny" and renderer["options"]["steps"] == 2
    assert renderer["device"] == "cpu" and renderer["dtype"] == "float32" and renderer["scheduler"]
    assert renderer["models"] and all(m["revision"] for m in renderer["models"])
    assert {"python", "deig", "torch", "diffusers", "transformers", "pillow"} <= set(manifest["environment"])
    # The recorded times are real measurements: positive, and within the whole command's wall time.
    timings = manifest["timings"]
    assert 0 < timings["render_seconds"] and 0 < timings["load_seconds"]
    assert timings["render_seconds"] + timings["load_seconds"] <= ELAPSED[original.parent.parent]
    assert [o["role"] for o in manifest["outputs"]] == ["image", "control"]
    assert manifest["input"]["kind"] == "scene" and len(manifest["input"]["sha256"]) == 64
    # Nothing that changes between identical renders is inside the PNG.
    assert not {"created", "timings", "outputs"} & set(embedded)
    assert "Seed: 5000" in parameters and "Size: 64x64" in parameters and "Renderer: regional" in parameters


def test_replay_with_another_seed_is_a_new_image_that_remembers_its_source(cli, original: Path, tmp_path: Path) -> None:
    result = cli("replay", original.with_suffix(".json"), "--seed", "77", "-o", tmp_path / "r", "--json")
    assert result.code == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert record["identical"] is None and record["seed"] == 77
    path = Path(record["path"])
    assert path.name == original.name.replace("-5000.png", "-77.png")
    manifest = json.loads(path.with_suffix(".json").read_text())
    first = json.loads(original.with_suffix(".json").read_text())
    assert manifest["seed"] == manifest["scene"]["seed"] == 77
    assert manifest["input"]["kind"] == "manifest" and manifest["input"]["path"] == original.with_suffix(".json").name
    assert manifest["recipe_sha256"] != first["recipe_sha256"]
    assert manifest["scene"] | {"seed": 5000} == first["scene"]
    validate_manifest(manifest)


def test_replay_refuses_what_it_cannot_replay(cli, original: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.png"
    Image.new("RGB", (8, 8)).save(plain)
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    future = tmp_path / "future.json"
    future.write_text(json.dumps({**json.loads(original.with_suffix(".json").read_text()), "manifest_version": 2}))
    for source, fragment in ((plain, "holds no deig manifest"), (garbage, "neither a PNG nor JSON"),
                             (future, "manifest_version"), (tmp_path / "missing.json", "no such file")):
        result = cli("replay", source, "-o", tmp_path / "r")
        assert result.code == 2 and fragment in result.stderr and "Hint:" in result.stderr, result.stderr
    # Into the image's own folder, a PNG source would be overwritten: only with --force.
    own = cli("replay", original, "-o", original.parent)
    assert own.code == 2 and "--force" in own.stderr
    bad_option = cli("replay", original, "--renderer", "preview", "--model", "x", "-o", tmp_path / "r")
    assert bad_option.code == 2 and "has no option 'model'" in bad_option.stderr
    # A manifest is untrusted: it cannot turn on pickle loading by itself.
    document = json.loads(original.with_suffix(".json").read_text())
    document["renderer"]["options"]["allow_pickle"] = True
    pickled = tmp_path / "pickled.json"
    pickled.write_text(json.dumps(document))
    refused = cli("replay", pickled, "-o", tmp_path / "r")
    assert refused.code == 2 and "needs the flag too" in refused.stderr and "--allow-pickle" in refused.stderr
    bad_model = cli("replay", original, "--model", "x", "-o", tmp_path / "r")
    assert bad_model.code == 2 and "neither a hub id" in bad_model.stderr


def test_secrets_never_reach_the_manifest_and_planner_records_survive_replay(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    scene = Scene.model_validate(scene_batch(1)[0])
    preview = PreviewRenderer()
    renderer = describe_renderer(preview)  # as a batch records it
    planner = PlannerRecord(name="llm", model="m", attempts=2, raw_replies=["{}"],
                            options={"api_key": "sk-SECRET-1", "max_tokens": 50, "headers": {"authorization": "x"}})
    job = ImageJob(scene=scene, seed=5000, image_index=0, scene_index=0, stem="planned-5000",
                   recipe=recipe_hash(scene, "preview", renderer.options), folder=out)
    (image,) = preview.render(scene, [5000])
    write_image(job, RenderedImage(image.image, 5000), renderer=renderer, planner=planner,
                input_record=InputRecord(kind="prompt", prompt="a man and a woman"), timings={})
    for path in (job.png, job.manifest_path):
        assert b"sk-SECRET-1" not in path.read_bytes()
    manifest = json.loads(job.manifest_path.read_text())
    assert manifest["planner"]["options"] == {"max_tokens": 50, "headers": {}}
    assert manifest["planner"]["raw_replies"] == ["{}"] and manifest["input"]["prompt"] == "a man and a woman"

    result = cli("replay", job.png, "-o", tmp_path / "again", "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["identical"] is True
    assert (tmp_path / "again" / "planned-5000.png").read_bytes() == job.png.read_bytes()


def test_replay_with_another_renderer_keeps_the_options_it_shares(cli, original: Path, tmp_path: Path) -> None:
    manifest = json.loads(original.with_suffix(".json").read_text())
    # As if it had been made by a renderer that is not installed here.
    manifest["renderer"] = {"name": "elsewhere", "options": {"steps": 30, "captions": False}}
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps(manifest))
    missing = cli("replay", foreign, "-o", tmp_path / "r")
    assert missing.code == 2 and "unknown renderer 'elsewhere'" in missing.stderr

    result = cli("replay", foreign, "--renderer", "preview", "-o", tmp_path / "r", "--json")
    assert result.code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["identical"] is None
    replayed = json.loads(Path(record["manifest_path"]).read_text())
    assert replayed["renderer"]["name"] == "preview"
    assert replayed["renderer"]["options"] == {"captions": False, "skeletons": True, "control_image": False}
    assert replayed["input"]["kind"] == "manifest" and replayed["seed"] == manifest["seed"]


def test_replays_of_long_named_images_keep_their_seeds_and_never_collide(cli, tmp_path: Path) -> None:
    # A caption longer than the 48-character name cap, two seeds: two originals, two replays.
    caption = "an extraordinarily detailed watercolour painting of a lighthouse on a stormy northern coast"
    scene = tmp_path / "scene.json"
    scene.write_text(json.dumps({"version": 1, "caption": caption, "width": 64, "height": 64, "seed": 123456789}))
    rendered = cli("render", "--scene", scene, "--renderer", "preview", "--count", "2", "-o", tmp_path / "out")
    assert rendered.code == 0, rendered.stderr
    originals = [Path(line) for line in rendered.stdout.splitlines()]
    assert [p.stem.rsplit("-", 1)[1] for p in originals] == ["123456789", "123456790"]
    replayed = []
    for original in originals:
        result = cli("replay", original.with_suffix(".json"), "-o", tmp_path / "again")
        assert result.code == 0, result.stderr
        replayed.append(Path(result.stdout.strip()))
    assert [p.name for p in replayed] == [p.name for p in originals]  # the same names, seeds kept
    reseeded = cli("replay", originals[0].with_suffix(".json"), "--seed", "7", "-o", tmp_path / "again")
    assert reseeded.code == 0, reseeded.stderr
    assert Path(reseeded.stdout.strip()).name == originals[0].name.replace("-123456789.png", "-7.png")
