"""Identity references in scenes: the schema, the checks before any weights load, hashes, replay, --ref."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from reference_images import corrupt_png, huge_png, photo

from scenes.errors import EXIT_INVALID, InvalidInput, SceneInvalid
from scenes.io import scene_from_data
from scenes.references import anchor, default_identity, scene_references


def _scene(**instance) -> dict:
    return {"caption": "a dog", "instances": [{"name": "dog", "caption": "a dog", "box": [0.1, 0.1, 0.6, 0.9],
                                               **instance}]}


def test_reference_takes_one_path_or_a_list_and_defaults_identity_by_class():
    one = scene_from_data(_scene(reference="rex.jpg")).instances[0]
    assert one.references == ["rex.jpg"] and default_identity(one) == "subject"
    person = scene_from_data({"caption": "x", "instances": [{"name": "woman", "reference": ["a.png", "b.png"]}]})
    assert person.instances[0].references == ["a.png", "b.png"] and default_identity(person.instances[0]) == "face"
    chosen = scene_from_data(_scene(reference="rex.jpg", identity="face", reference_strength=0.5)).instances[0]
    assert default_identity(chosen) == "face" and chosen.reference_strength == 0.5


@pytest.mark.parametrize(("instance", "location", "words"), [
    ({"reference": "a.png", "reference_strength": 2.5}, "instances[0].reference_strength", "less than or equal to 2"),
    ({"reference": "a.png", "identity": "soul"}, "instances[0].identity", "'subject' or 'face'"),
    ({"identity": "face"}, "instances[0]", "'identity' needs a 'reference'"),
    ({"reference": "a.png", "identity": "instantid"}, "instances[0].identity", "non-commercial research"),
    ({"reference": "a.png", "refrence_strength": 1}, "instances[0].refrence_strength", "did you mean 'reference_strength'"),
    ({"reference": []}, "instances[0].reference", "at least 1"),
])
def test_bad_reference_settings_are_refused_by_location(instance, location, words):
    with pytest.raises(SceneInvalid) as caught:
        scene_from_data(_scene(**instance))
    assert location in caught.value.message and words in caught.value.message


def test_anchor_resolves_against_the_scene_folder_expands_folders_and_hashes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    scenes = tmp_path / "scenes"
    (scenes / "rex").mkdir(parents=True)
    first, second = photo(scenes / "rex" / "b.png"), photo(scenes / "rex" / "a.jpg", (10, 200, 10))
    (scenes / "rex" / "notes.txt").write_text("not an image")
    scene = anchor(scene_from_data(_scene(reference="rex")), scenes)
    assert scene.instances[0].references == [str(second), str(first)]  # sorted, images only
    files = scene_references(scene)
    assert [f.sha256 for f in files] == [hashlib.sha256(p.read_bytes()).hexdigest() for p in (second, first)]
    assert (files[0].width, files[0].height, files[1].format) == (48, 40, "PNG")


def test_a_reference_outside_the_allowed_folders_is_refused(tmp_path, monkeypatch):
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir(), elsewhere.mkdir()
    monkeypatch.chdir(work)
    secret = photo(elsewhere / "secret.png")
    for entry in ("../elsewhere/secret.png", str(secret)):
        with pytest.raises(InvalidInput, match="outside the folders references may come from") as caught:
            anchor(scene_from_data(_scene(reference=entry)), work)
        assert "instances[0] 'dog'" in caught.value.message
    (work / "link.png").symlink_to(secret)  # a link out is the same escape
    with pytest.raises(InvalidInput, match="outside"):
        anchor(scene_from_data(_scene(reference="link.png")), work)
    monkeypatch.setenv("DEIG_REFERENCE_DIRS", str(elsewhere))
    assert anchor(scene_from_data(_scene(reference=str(secret))), work).instances[0].references == [str(secret)]


def _bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    empty = folder / "empty.png"
    empty.write_bytes(b"")
    text = folder / "notes.png"
    text.write_text("hello, I am not a picture\n")
    gif = folder / "anim.gif"
    photo(folder / "base.png")
    from PIL import Image

    Image.open(folder / "base.png").save(gif)
    return {
        "missing": (folder / "nowhere.png", "does not exist"),
        "zero-byte": (empty, "is empty (0 bytes)"),
        "non-image": (text, "is not an image deig reads"),
        "not whitelisted": (gif, "is not an image deig reads"),
        "corrupt": (corrupt_png(folder / "cut.png"), "cannot be decoded"),
        "20000x20000": (huge_png(folder / "huge.png"), "decompression-bomb guard allows (not decoded)"),
        "over the limits": (huge_png(folder / "big.png", 9000), "is 9000x9000 pixels"),
    }


def test_every_bad_reference_exits_2_naming_the_file_and_the_instance_and_writes_nothing(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for kind, (path, words) in _bad_files(tmp_path).items():
        scene = _scene(reference=path.name)
        scene["instances"].append({"name": "cat", "caption": "a cat", "box": [0.6, 0.1, 0.95, 0.9]})
        scene_file = tmp_path / f"{kind}.yaml"
        scene_file.write_text(yaml.safe_dump(scene))
        out = tmp_path / f"out-{kind}"
        result = cli("render", "--scene", scene_file, "--model", "tiny", "--steps", "1", "-o", out)
        assert result.code == EXIT_INVALID, (kind, result.stderr)
        assert words in result.stderr and path.name in result.stderr and "instances[0] 'dog'" in result.stderr, kind
        assert not out.exists(), kind
        assert "weights" not in result.stderr.lower() or "Loading" not in result.stderr


def test_validate_checks_the_reference_files_too(cli, tmp_path):
    scene_file = tmp_path / "s.yaml"
    scene_file.write_text(yaml.safe_dump(_scene(reference="gone.png")))
    result = cli("validate", scene_file)
    assert result.code == EXIT_INVALID and "gone.png" in result.stderr and "does not exist" in result.stderr


def test_plan_ref_attaches_to_the_matching_instance_and_refuses_no_match(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rex = photo(tmp_path / "rex.png")
    result = cli("plan", "a dog next to a cat", "--planner", "rules", "--ref", f"dog={rex.name}", "--format", "json")
    assert result.code == 0, result.stderr
    scene = json.loads(result.stdout)
    with_ref = [inst for inst in scene["instances"] if "reference" in inst]
    assert [inst["name"] for inst in with_ref] == ["dog"] and with_ref[0]["reference"] == [str(rex)]
    missing = cli("plan", "a dog next to a cat", "--planner", "rules", "--ref", f"horse={rex.name}")
    assert missing.code == EXIT_INVALID and "no instance of the scene is called 'horse'" in missing.stderr
    shape = cli("plan", "a dog", "--planner", "rules", "--ref", "rex.png")
    assert shape.code == EXIT_INVALID and "is not NAME=FILE" in shape.stderr


def test_planners_keep_the_references_of_a_partial_scene(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    rex = photo(tmp_path / "rex.png")
    partial = {"caption": "a dog and a cat", "instances": [
        {"name": "dog", "reference": "rex.png", "identity": "subject", "reference_strength": 0.7},
        {"name": "cat"}]}
    scene_file = tmp_path / "partial.yaml"
    scene_file.write_text(yaml.safe_dump(partial))
    result = cli("plan", "--scene", scene_file, "--planner", "rules", "--format", "json")
    assert result.code == 0, result.stderr
    dog = json.loads(result.stdout)["instances"][0]
    assert dog["reference"] == [str(rex)] and dog["identity"] == "subject" and dog["reference_strength"] == 0.7
    assert "box" in dog and "caption" in dog


def test_ref_check_prints_one_record_per_image_and_writes_previews(cli, tmp_path):
    wide = photo(tmp_path / "wide.png", size=(96, 64))
    tall = photo(tmp_path / "tall.jpg", (0, 0, 255), size=(40, 100))
    result = cli("ref", "check", wide, tall, "-o", tmp_path / "previews")
    assert result.code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["width"], r["height"], r["crop"]) for r in records] == [(96, 64, [16, 0, 80, 64]),
                                                                      (40, 100, [0, 30, 40, 70])]
    assert records[0]["sha256"] == hashlib.sha256(wide.read_bytes()).hexdigest()
    assert records[0]["face_found"] is None and "used as given" in records[0]["note"]
    from PIL import Image

    preview = Image.open(records[0]["preview"]).convert("RGB")
    assert Path(records[0]["preview"]).parent == tmp_path / "previews" and preview.size == (96, 64)
    inside, outside = preview.getpixel((48, 32)), preview.getpixel((4, 32))
    assert inside == Image.open(wide).convert("RGB").getpixel((48, 32))  # the crop is shown as it is
    assert sum(outside) < sum(Image.open(wide).convert("RGB").getpixel((4, 32)))  # the rest is dimmed
    again = cli("ref", "check", wide, "-o", tmp_path / "previews")
    assert again.code == EXIT_INVALID and "exists" in again.stderr


def test_ref_check_refuses_bad_images_naming_them_before_writing(cli, tmp_path):
    good = photo(tmp_path / "good.png")
    for kind, (path, words) in _bad_files(tmp_path).items():
        out = tmp_path / f"out-{kind.replace(' ', '-')}"
        result = cli("ref", "check", good, path, "-o", out)
        assert result.code == EXIT_INVALID and words in result.stderr and path.name in result.stderr, kind
        assert not out.exists(), kind


def test_recipes_follow_the_pictures_content_not_their_paths(tmp_path):
    from deigcli.rendering import derived_seed
    from scenes.manifest import recipe_hash
    from scenes.references import reference_digests

    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir(), there.mkdir()
    photo(here / "rex.png"), photo(there / "rex.png"), photo(there / "other.png", (0, 0, 0))

    def recipe(path):
        scene = scene_from_data(_scene(reference=str(path)))
        return derived_seed(scene), recipe_hash(scene, "regional", {}, reference_digests(scene))

    assert recipe(here / "rex.png") == recipe(there / "rex.png")  # the same picture, moved
    seed, changed = recipe(there / "other.png")
    assert seed == recipe(here / "rex.png")[0] and changed != recipe(here / "rex.png")[1]
    plain = scene_from_data(_scene())
    assert "identity" not in json.dumps(plain.content_document(exclude=set()))  # reference-free scenes hash as before


def test_a_reference_swapped_after_its_check_is_refused_not_drawn(tmp_path):
    from scenes.references import inspect, load_image

    path = photo(tmp_path / "rex.png")
    checked = inspect(path, "instances[0] 'dog'", 0, "dog")
    assert load_image(checked).size == (48, 40)
    photo(path, (0, 255, 0))
    with pytest.raises(InvalidInput, match="changed while deig was reading it"):
        load_image(checked)
