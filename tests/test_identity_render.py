"""Identity references through the regional renderer: adapter sources, ControlNet order, the CLI, replay."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from reference_images import photo
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture)

from renderers.diffusion import ip_adapter
from renderers.regional import RegionalRenderer
from renderers.regional.processors import RegionalCrossAttnProcessor
from scenes.errors import EXIT_INVALID
from scenes.io import scene_from_data


def _document(a: Path, b: Path, **extra) -> dict:
    return {"caption": "a dog and a cat", "width": 64, "height": 64, "seed": 3, "instances": [
        {"name": "dog", "caption": "a brown dog", "box": [0.0, 0.0, 0.5, 1.0], "reference": str(a), **extra},
        {"name": "cat", "caption": "a grey cat", "box": [0.5, 0.0, 1.0, 1.0], "reference": str(b),
         "reference_strength": 1.5}]}


def _render(renderer, document) -> np.ndarray:
    return np.asarray(renderer.render(scene_from_data(document), [3])[0].image, dtype=np.int16)


@pytest.fixture(scope="module")
def pictures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("refs")
    return photo(folder / "a.png"), photo(folder / "b.png", (30, 30, 230)), photo(folder / "c.png", (240, 240, 0))


def test_adapter_from_a_folder_and_from_a_single_file_give_the_tiny_adapters_image(pictures, tmp_path):
    a, b, _ = pictures
    tiny = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2))
    tiny.load()
    adapter_file = ip_adapter.save_tiny(tiny.components.unet, tmp_path / "adapter")
    images = {}
    for label, spec in (("tiny", "auto"), ("folder", str(adapter_file.parent)), ("file", str(adapter_file))):
        renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2, ip_adapter=spec))
        images[label] = _render(renderer, _document(a, b))
        models = {ref.role: ref for ref in renderer.describe().models}
        assert models["ip_adapter"].id == ("tiny" if label == "tiny" else spec)
    assert np.array_equal(images["tiny"], images["folder"]) and np.array_equal(images["tiny"], images["file"])
    without = _render(tiny, {**_document(a, b), "instances": [
        {k: v for k, v in inst.items() if k not in ("reference", "reference_strength")}
        for inst in _document(a, b)["instances"]]})
    assert np.abs(images["tiny"] - without).mean() > 0.5  # the references change the picture


def test_a_scene_without_references_renders_as_before_after_the_adapter_loaded(pictures):
    a, b, _ = pictures
    plain_document = {"caption": "a red apple", "width": 64, "height": 64, "seed": 1,
                      "instances": [{"name": "apple", "caption": "a red apple", "box": [0.2, 0.2, 0.8, 0.8]}]}
    fresh = _render(RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2)), plain_document)
    renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2))
    _render(renderer, _document(a, b))
    assert np.array_equal(_render(renderer, plain_document), fresh)
    assert "identity" not in renderer.describe().details


def test_controlnet_gets_no_image_tokens_and_its_residuals_are_unchanged(pictures):
    a, b, _ = pictures
    document = _document(a, b)
    document["instances"][0].update(name="man", pose="standing")
    renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2))
    renderer.render(scene_from_data(document), [3])
    controlnet = renderer.controlnet(renderer.controlnet_spec())
    processors = [p for p in controlnet.attn_processors.values() if isinstance(p, RegionalCrossAttnProcessor)]
    assert processors and all(p.ip_layer is None for p in processors)
    unet_layers = [p for p in renderer.components.unet.attn_processors.values()
                   if isinstance(p, RegionalCrossAttnProcessor)]
    assert all(p.ip_layer is not None for p in unet_layers)
    record = renderer.describe().details["identity"]
    assert [(r["name"], r["identity"], r["area"], r["adapter"]) for r in record["references"]] == [
        ("man", "face", "face", "tiny-face"), ("cat", "subject", "box", "tiny-subject")]
    assert renderer._adapter.weights == ["tiny-subject", "tiny-face"]

    # The same ControlNet call with and without the identity state: identical residuals.
    from renderers.regional.identity import Area, IdentityState, RoutedIdentity
    from renderers.regional.processors import FusionState

    cross = renderer.components.unet.config.cross_attention_dim
    tokens = torch.randn(1, 4, cross)
    sample, context = torch.randn(1, 4, 8, 8), torch.randn(1, 77, cross)
    control = torch.rand(1, 3, 64, 64)
    outputs = []
    for identity in (None, IdentityState([RoutedIdentity(0, tokens, 1.0, Area("box", (0, 0, 1, 1)))], (8, 8))):
        fusion = FusionState(None, latent_hw=(8, 8), negative_rows=0)
        fusion.identity = identity
        with torch.no_grad():
            down, mid = controlnet(sample, 10, encoder_hidden_states=context, controlnet_cond=control,
                                   cross_attention_kwargs={"fusion": fusion}, return_dict=False)
        outputs.append([*down, mid])
    assert all(torch.equal(x, y) for x, y in zip(*outputs, strict=True))


def test_two_subjects_with_references_render_through_the_cli_and_replay_checks_them(cli, pictures, tmp_path,
                                                                                     monkeypatch):
    a, b, c = pictures
    monkeypatch.chdir(tmp_path)
    for picture in (a, b):
        (tmp_path / picture.name).write_bytes(picture.read_bytes())
    document = _document(Path("a.png"), Path("b.png"), identity="subject", reference_strength=0.6)
    scene_file = tmp_path / "two.yaml"
    scene_file.write_text(yaml.safe_dump(document))
    result = cli("render", "--scene", scene_file, "--model", "tiny", "--steps", "2", "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    (png,) = result.stdout.split()
    manifest = json.loads(Path(png).with_suffix(".json").read_text())
    identity = manifest["renderer"]["details"]["identity"]
    assert identity["adapter"]["id"] == "tiny"
    import hashlib

    assert [(r["name"], r["sha256"], r["scale"]) for r in identity["references"]] == [
        ("dog", hashlib.sha256(a.read_bytes()).hexdigest(), 0.6),
        ("cat", hashlib.sha256(b.read_bytes()).hexdigest(), 1.5)]
    assert "ip_adapter" in [m["role"] for m in manifest["renderer"]["models"]]
    assert manifest["scene"]["instances"][0]["reference"] == [str(tmp_path / "a.png")]

    again = cli("replay", Path(png).with_suffix(".json"), "-o", tmp_path / "again")
    assert again.code == 0, again.stderr
    assert Path(again.stdout.split()[0]).read_bytes() == Path(png).read_bytes()

    (tmp_path / "a.png").write_bytes(c.read_bytes())  # the reference changed since the render
    refused = cli("replay", Path(png).with_suffix(".json"), "-o", tmp_path / "third")
    assert refused.code == EXIT_INVALID and "changed since" in refused.stderr and "instances[0] 'dog'" in refused.stderr
    assert "Hint:" in refused.stderr and not (tmp_path / "third").exists()


def test_a_missing_hub_adapter_exits_4_naming_the_files_to_download(cli, pictures, tmp_path, monkeypatch):
    from tiny_pipelines import save_tiny_pipeline

    from scenes.errors import EXIT_UNAVAILABLE

    save_tiny_pipeline("sd15", tmp_path / "model")
    a, b, _ = pictures
    scene_file = tmp_path / "two.yaml"
    scene_file.write_text(yaml.safe_dump(_document(a, b)))
    monkeypatch.setenv("DEIG_REFERENCE_DIRS", str(a.parent))  # the pictures live in another temporary folder
    result = cli("render", "--scene", scene_file, "--model", tmp_path / "model", "--steps", "1", "-o", tmp_path / "out")
    assert result.code == EXIT_UNAVAILABLE, result.stderr
    assert "IP-Adapter 'h94/IP-Adapter'" in result.stderr
    assert "hf download h94/IP-Adapter models/ip-adapter-plus_sd15.safetensors" in result.stderr


def test_adapter_by_hub_id_from_the_cache_gives_the_tiny_adapters_image(pictures, tmp_path, monkeypatch):
    """h94's layout (models/ip-adapter-plus_sd15.safetensors, …plus-face…, models/image_encoder) in a
    hub cache snapshot, loaded offline by repo id: the same image as the tiny adapter built in the process."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    a, b, _ = pictures
    document = _document(a, b)
    document["instances"][0].update(name="woman", identity="face")  # both adapters: plus and plus-face
    tiny = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2))
    expected = _render(tiny, document)

    repo, commit = "deig-tests/ip-adapter", "c" * 40
    root = tmp_path / "hub" / ("models--" + repo.replace("/", "--"))
    (root / "refs").mkdir(parents=True)
    (root / "refs" / "main").write_text(commit)
    snapshot = root / "snapshots" / commit / "models"
    ip_adapter.save_tiny(tiny.components.unet, snapshot, single_file="ip-adapter-plus_sd15.safetensors")
    ip_adapter.save_tiny(tiny.components.unet, snapshot, single_file="ip-adapter-plus-face_sd15.safetensors",
                         seed=ip_adapter.TINY_SEEDS["tiny-face"])
    by_id = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2, ip_adapter=repo))
    assert np.array_equal(_render(by_id, document), expected)
    (ref,) = [m for m in by_id.describe().models if m.role == "ip_adapter"]
    assert (ref.id, ref.revision) == (repo, commit)


def test_a_new_kind_of_identity_reloads_the_adapters_with_every_kind_seen():
    renderer = RegionalRenderer(RegionalRenderer.Options(model="tiny", steps=2))
    renderer.load()
    first = renderer.identity_adapter({"subject"})
    assert first.weights == ["tiny-subject"] and renderer.identity_adapter({"subject"}) is first
    both = renderer.identity_adapter({"face"})
    assert both.weights == ["tiny-subject", "tiny-face"]
    layers = [p.ip_layer for p in renderer.components.unet.attn_processors.values()
              if isinstance(p, RegionalCrossAttnProcessor)]
    assert layers and all(len(layer) == 2 for layer in layers)
    assert torch.equal(layers[0][0][0].weight, first.layers[next(iter(first.layers))][0][0].weight)  # same subject
    assert renderer.components.unet.encoder_hid_proj is None  # the UNet stays plain between loads
