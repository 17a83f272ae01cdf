"""`concept:` on an instance: validated, found, recognised and hashed before any weights load."""

from __future__ import annotations

import io
import json
import pickle
from pathlib import Path

import pytest
import torch
import yaml
from concept_fixtures import write_lora, write_sdxl_ti, write_ti
from safetensors.torch import save_file
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture)

from renderers.diffusion.concept_files import LORA, TEXTUAL_INVERSION, inspect, recognise
from scenes.errors import EXIT_INVALID, SceneInvalid
from scenes.io import load_scenes


def scene_file(folder: Path, *instances: dict, name: str = "scene.yaml") -> Path:
    boxes = [[0.0, 0.0, 0.5, 1.0], [0.5, 0.0, 1.0, 1.0]]
    document = {"caption": "a dog and a cat", "width": 64, "height": 64, "seed": 3,
                "instances": [{"box": boxes[i], **instance} for i, instance in enumerate(instances)]}
    path = folder / name
    path.write_text(yaml.safe_dump(document))
    return path


def dog(concept: str = "rex.safetensors", **extra) -> dict:
    return {"name": "dog", "caption": "a photo of rex, a dog", "concept": concept, "concept_token": "rex", **extra}


# -- the schema --------------------------------------------------------------------------------------

@pytest.mark.parametrize("instance, location, words", [
    ({"name": "dog", "caption": "a dog", "concept_token": "rex"}, "instances[0].concept_token", "needs a 'concept'"),
    ({"name": "dog", "caption": "a rexy dog", "concept": "a.safetensors", "concept_token": "rex"},
     "instances[0].concept_token", "does not occur in the caption"),
    ({"name": "dog", "caption": "a dog", "concept": "a.safetensors", "concept_token": "two words"},
     "instances[0].concept_token", "one word"),
    ({"name": "dog", "caption": "a dog", "concept": "a.safetensors", "concept_scale": 9},
     "instances[0].concept_scale", "less than or equal to 4"),
    ({"name": "dog", "caption": "a dog", "concept": "a.safetensors", "concept_weight": 1},
     "instances[0].concept_weight", "unknown"),
])
def test_concept_fields_are_checked_by_location(instance, location, words):
    with pytest.raises(SceneInvalid) as caught:
        load_scenes(yaml.safe_dump({"caption": "x", "instances": [instance]}), "s.yaml")
    assert f"{location}:" in caught.value.message and words in caught.value.message.lower()


# -- recognising files (keys and shapes only) ------------------------------------------------------------

def test_kinds_and_families_come_from_keys_and_shapes(tmp_path):
    write_ti(tmp_path / "a.safetensors", 0, width=768)
    write_sdxl_ti(tmp_path / "b.safetensors", 0)
    write_lora(tmp_path / "c.safetensors", 0)
    a, b, c = (inspect(tmp_path / f"{n}.safetensors", "x", allow_pickle=False) for n in "abc")
    assert (a.kind, a.family, a.text_widths) == (TEXTUAL_INVERSION, "sd15", (768,))
    assert (b.kind, b.family, b.text_widths) == (TEXTUAL_INVERSION, "sdxl", (768, 1280))
    assert (c.kind, c.cross_width) == (LORA, 32)  # the tiny UNet's text context
    kohya = recognise(Path("k.safetensors"), {
        "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_down.weight": (4, 2048),
        "lora_unet_down_blocks_0_attentions_0_transformer_blocks_0_attn2_to_k.lora_up.weight": (320, 4),
        "lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight": (4, 1280)}, "x")
    assert (kohya.kind, kohya.family, kohya.has_text_encoder_part) == (LORA, "sdxl", True)
    flux = recognise(Path("f.safetensors"), {"transformer.single_transformer_blocks.0.attn.to_q.lora_A.weight": (4, 3072)}, "x")
    assert flux.family == "flux"


# -- refusals through the command line: exit 2, the instance and the file named, nothing written -------------

def _bad_safetensors(path: Path) -> None:
    save_file({"model.layer.weight": torch.zeros(2, 3, 4)}, str(path))


@pytest.mark.parametrize("make, concept, words", [
    (None, "missing.safetensors", "no such file"),
    (lambda p: p.write_bytes(b""), "rex.safetensors", "empty (0 bytes)"),
    (lambda p: p.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{\"a\": 1}garbage"), "rex.safetensors",
     "not a readable safetensors"),
    (_bad_safetensors, "rex.safetensors", "neither a textual inversion nor a lora"),
    (lambda p: write_sdxl_ti(p, 0), "rex.safetensors", "textual inversion for sdxl"),
    (lambda p: write_ti(p, 0, width=768), "rex.safetensors", "textual inversion for sd-1.5"),
    (lambda p: write_lora(p, 0, family="sdxl"), "rex.safetensors", "lora for another model (text context 64 wide)"),
    (lambda p: p.write_text("hello"), "rex.txt", "not a concept file"),
    (lambda p: torch.save({"<rex>": torch.zeros(1, 32)}, p), "rex.bin", "pickle file"),
])
def test_bad_concept_files_exit_2_naming_instance_and_file_before_weights_load(cli, tmp_path, make, concept, words):
    if make is not None:
        make(tmp_path / concept)
    scene = scene_file(tmp_path, dog(concept))
    result = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "-o", tmp_path / "out")
    assert result.code == EXIT_INVALID, result.stderr
    (error,) = result.error_lines
    assert "instances[0].concept" in error and words in error.lower(), error
    assert concept.split(".")[0] in error
    assert not (tmp_path / "out").exists()


class _Evil:
    def __reduce__(self):
        import os

        return (os.system, ("echo pwned",))


def test_a_pickle_loads_only_with_the_flag_and_then_only_through_the_restricted_unpickler(cli, tmp_path):
    torch.save({"<rex>": torch.randn(1, 32)}, tmp_path / "rex.bin")
    scene = scene_file(tmp_path, dog("rex.bin"))
    result = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "--allow-pickle", "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    buffer = io.BytesIO()
    pickle.dump({"<rex>": _Evil()}, buffer)
    (tmp_path / "evil.bin").write_bytes(buffer.getvalue())
    scene = scene_file(tmp_path, dog("evil.bin"), name="evil.yaml")
    result = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "--allow-pickle", "-o", tmp_path / "o2")
    assert result.code == EXIT_INVALID and "could not be read safely" in result.stderr and "system" in result.stderr
    assert "pwned" not in result.stdout


def test_other_renderers_refuse_concepts(cli, tmp_path):
    write_ti(tmp_path / "rex.safetensors", 0)
    scene = scene_file(tmp_path, dog())
    result = cli("render", "--scene", scene, "--renderer", "finecontrolnet", "--model", "tiny", "-o", tmp_path / "o")
    assert result.code == EXIT_INVALID and "does not draw learned concepts" in result.stderr


# -- hashes in the manifest; replay refuses a changed file --------------------------------------------------

def test_the_manifest_records_each_concept_and_replay_refuses_a_changed_file(cli, tmp_path):
    write_ti(tmp_path / "rex.safetensors", 0)
    write_lora(tmp_path / "tom.safetensors", 1)
    import hashlib

    expected = {name: hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
                for name in ("rex.safetensors", "tom.safetensors")}
    scene = scene_file(tmp_path, dog(), {"name": "cat", "caption": "a tom cat", "concept": "tom.safetensors",
                                        "concept_scale": 0.5})
    result = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    manifest_path = Path(result.stdout.split()[0]).with_suffix(".json")
    manifest = json.loads(manifest_path.read_text())
    instances = manifest["scene"]["instances"]
    assert [i["concept_sha256"] for i in instances] == [expected["rex.safetensors"], expected["tom.safetensors"]]
    assert instances[0]["concept"] == str(tmp_path / "rex.safetensors")  # resolved next to the scene file
    records = manifest["renderer"]["details"]["concepts"]
    assert [(r["kind"], r["sha256"]) for r in records] == [("textual_inversion", expected["rex.safetensors"]),
                                                          ("lora", expected["tom.safetensors"])]
    assert records[1]["scale"] == 0.5 and records[0]["token"] == "rex"

    again = cli("replay", manifest_path, "-o", tmp_path / "again")
    assert again.code == 0 and "Identical" in again.stderr
    write_ti(tmp_path / "rex.safetensors", 5)  # the file changes under the manifest
    changed = cli("replay", manifest_path, "-o", tmp_path / "changed")
    assert changed.code == EXIT_INVALID
    assert "instances[0].concept" in changed.error_lines[0] and "has changed" in changed.error_lines[0]
    assert "Hint:" in changed.stderr and not (tmp_path / "changed").exists()


def test_a_hub_id_is_read_from_the_local_cache_only(cli, tmp_path, monkeypatch):
    import huggingface_hub.constants

    cache = tmp_path / "hub"
    snapshot = cache / "models--someone--rex-concept" / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (cache / "models--someone--rex-concept" / "refs").mkdir()
    (cache / "models--someone--rex-concept" / "refs" / "main").write_text("a" * 40)
    write_ti(snapshot / "learned_embeds.safetensors", 0)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(cache))
    scene = scene_file(tmp_path, dog("someone/rex-concept"))
    result = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    manifest = json.loads(Path(result.stdout.split()[0]).with_suffix(".json").read_text())
    assert manifest["scene"]["instances"][0]["concept"] == "someone/rex-concept"  # kept as a hub id
    assert manifest["renderer"]["details"]["concepts"][0]["kind"] == "textual_inversion"

    missing = scene_file(tmp_path, dog("someone/not-cached"), name="missing.yaml")
    result = cli("render", "--scene", missing, "--model", "tiny", "--steps", "1", "-o", tmp_path / "o2")
    assert result.code == 4 and "instances[0].concept" in result.stderr and "hf download someone/not-cached" in result.stderr


@pytest.mark.parametrize("instance, words", [
    ({"name": "dog", "caption": "a photo of rex", "concept": "rex.safetensors"}, "needs a 'concept_token'"),
    (dog(concept_scale=0.5), "has no scale"),
])
def test_a_textual_inversion_needs_its_token_and_takes_no_scale(cli, tmp_path, instance, words):
    write_ti(tmp_path / "rex.safetensors", 0)
    result = cli("render", "--scene", scene_file(tmp_path, instance), "--model", "tiny", "-o", tmp_path / "out")
    assert result.code == EXIT_INVALID and words in result.stderr and "instances[0]" in result.error_lines[0]


def test_a_lora_with_a_text_encoder_part_renders_with_a_warning(cli, tmp_path):
    state = write_lora(tmp_path / "tom.safetensors", 0)
    state["text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight"] = torch.zeros(4, 32)
    state["text_encoder.text_model.encoder.layers.0.self_attn.q_proj.lora_B.weight"] = torch.zeros(32, 4)
    save_file(state, str(tmp_path / "tom.safetensors"))
    scene = scene_file(tmp_path, {"name": "cat", "caption": "a cat", "concept": "tom.safetensors"})
    result = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "-o", tmp_path / "out")
    assert result.code == 0 and "text-encoder part of the LoRA tom.safetensors is not applied" in result.stderr
