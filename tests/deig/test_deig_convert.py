"""`deig convert deig`: the published pickle layout -> safetensors, deterministic and strict."""

from __future__ import annotations

import filecmp
import json
import os
import pickle
import re
from pathlib import Path

import pytest
import torch
from deig_checkpoints import ldm_diffusion_buffers, tiny_ldm_states
from deig_fixtures import SPEC_KEYS, converted_tiny_dir, one_torch_thread, tiny_checkpoint_dir  # noqa: F401 (one_torch_thread: autouse fixture)

from renderers.deig.config import TINY
from renderers.deig.model import EXTRACTOR, UNET
from renderers.deig.renderer import DeigOptions, DeigRenderer
from renderers.deig.tiny import build_tiny
from renderers.deig.weights import (
    INDEX_FILE,
    convert_checkpoint,
    load_converted,
    parameter_counts,
    read_index,
)
from scenes.errors import InvalidInput
from scenes.model import Scene


def files_of(folder: Path) -> dict[str, Path]:
    return {str(p.relative_to(folder)): p for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_synthetic_checkpoint_uses_the_published_layout():
    tiny_checkpoint = tiny_checkpoint_dir()
    data = torch.load(tiny_checkpoint / "model.pth", weights_only=True)
    assert set(data) == {"model", "autoencoder", "diffusion"}
    assert set(data["model"]) == set(json.loads(SPEC_KEYS.read_text())["keys"])
    assert len(data["diffusion"]) == 12 and (tiny_checkpoint / "T5-XL" / "config.json").is_file()


def test_converted_weights_load_strictly_and_equal_the_originals():
    converted_tiny = converted_tiny_dir()
    index = read_index(converted_tiny)
    assert index.config == TINY.model_copy(update={"text": TINY.text})
    loaded = load_converted(converted_tiny)
    modules, vae, _, encoder = build_tiny(seed=123)  # the weights the checkpoint was written from
    for ours, original in ((loaded.modules.unet, modules.unet), (loaded.modules.extractor, modules.extractor),
                           (loaded.vae, vae), (loaded.text_encoder, encoder)):
        mine, theirs = ours.state_dict(), original.state_dict()
        assert mine.keys() == theirs.keys()
        assert all(torch.equal(mine[k], theirs[k]) for k in theirs)
    counts = parameter_counts(converted_tiny)
    assert counts[UNET] == sum(p.numel() for p in modules.unet.parameters())
    assert counts[EXTRACTOR] == sum(p.numel() for p in modules.extractor.parameters())


def test_converted_checkpoint_renders_a_64px_image_on_cpu():
    converted_tiny = converted_tiny_dir()
    renderer = DeigRenderer(DeigOptions(model=str(converted_tiny), steps=4, device="cpu"))
    scene = Scene(caption="two people in a park", width=64, height=64, instances=[
        {"name": "man", "caption": "a man in a red hat", "box": [0.05, 0.1, 0.5, 0.95]},
        {"name": "woman", "caption": "a woman in a yellow dress", "box": [0.5, 0.1, 0.95, 0.95]},
    ])
    assert renderer.check(scene) == []
    renderer.check_environment()
    renderer.load()
    [result] = renderer.render(scene, [7])
    assert result.image.size == (64, 64) and result.image.mode == "RGB" and result.seed == 7
    record = renderer.describe()
    assert record.models[0].revision == "sha256:" + read_index(converted_tiny).source.sha256
    assert record.dtype == "float32" and record.device == "cpu"
    json.dumps(record.model_dump(mode="json"))


def test_converting_twice_gives_identical_files(tmp_path):
    converted_tiny = converted_tiny_dir()
    tiny_checkpoint = tiny_checkpoint_dir()
    again = convert_checkpoint(tiny_checkpoint, tmp_path / "again")
    first, second = files_of(converted_tiny), files_of(tmp_path / "again")
    assert first.keys() == second.keys()
    assert {INDEX_FILE, "unet.safetensors", "extractor.safetensors", "vae.safetensors"} <= first.keys()
    assert any(name.startswith("text_encoder/") and name.endswith(".safetensors") for name in first)
    for name in first:
        assert filecmp.cmp(first[name], second[name], shallow=False), f"{name} differs between conversions"
    assert again.source.sha256 == read_index(converted_tiny).source.sha256
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no staging folder left behind"


def test_an_existing_destination_is_kept_unless_overwrite(tmp_path):
    tiny_checkpoint = tiny_checkpoint_dir()
    destination = tmp_path / "dst"
    destination.mkdir()
    (destination / "mine.txt").write_text("keep me")
    with pytest.raises(InvalidInput, match="already exists"):
        convert_checkpoint(tiny_checkpoint, destination)
    assert (destination / "mine.txt").read_text() == "keep me"
    convert_checkpoint(tiny_checkpoint, destination, overwrite=True)
    assert (destination / INDEX_FILE).is_file() and not (destination / "mine.txt").exists()


class Payload:
    """A pickle that would run code when unpickled without restriction."""

    def __reduce__(self):
        return (os.makedirs, (os.environ["DEIG_TEST_MARKER"],))


def test_a_pickle_with_code_is_refused_and_nothing_runs(tmp_path, monkeypatch):
    marker = tmp_path / "code-ran"
    monkeypatch.setenv("DEIG_TEST_MARKER", str(marker))
    source = tmp_path / "evil"
    (source / "T5-XL").mkdir(parents=True)
    with open(source / "model.pth", "wb") as handle:
        pickle.dump({"model": Payload()}, handle, protocol=2)
    with pytest.raises(InvalidInput) as caught:
        convert_checkpoint(source, tmp_path / "out")
    assert caught.value.exit_code == 2 and "os.makedirs, which is not data" in caught.value.message
    assert not marker.exists() and not (tmp_path / "out").exists()


def test_a_checkpoint_that_does_not_fit_is_refused_with_its_keys(tmp_path):
    model, autoencoder, tokenizer, encoder = tiny_ldm_states()
    model.pop("middle_block.1.transformer_blocks.0.fuser.alpha_attn")
    source = tmp_path / "damaged"
    source.mkdir()
    torch.save({"model": model, "autoencoder": autoencoder, "diffusion": ldm_diffusion_buffers(TINY)},
               source / "model.pth")
    encoder.save_pretrained(source / "T5-XL")
    tokenizer.save_pretrained(source / "T5-XL")
    with pytest.raises(InvalidInput, match="missing key 'middle_block.1.transformer_blocks.0.fuser.alpha_attn'"):
        convert_checkpoint(source, tmp_path / "out")
    diffusion = ldm_diffusion_buffers(TINY)
    diffusion["alphas_cumprod"] = diffusion["alphas_cumprod"] ** 2
    model, *_ = tiny_ldm_states()
    torch.save({"model": model, "autoencoder": autoencoder, "diffusion": diffusion}, source / "model.pth")
    with pytest.raises(InvalidInput, match="schedule"):
        convert_checkpoint(source, tmp_path / "out")
    torch.save({"model": model}, source / "model.pth")
    with pytest.raises(InvalidInput, match="no 'autoencoder', 'diffusion' entry"):
        convert_checkpoint(source, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# -- the real file may hold more than tensors: a restricted unpickler, not weights_only -----------

def _checkpoint_with(tmp_path: Path, name: str, **extra) -> Path:
    """The tiny checkpoint in the published layout, plus `extra` top-level entries."""
    model, autoencoder, tokenizer, encoder = tiny_ldm_states()
    source = tmp_path / name
    source.mkdir()
    torch.save({"model": model, "autoencoder": autoencoder, "diffusion": ldm_diffusion_buffers(TINY), **extra},
               source / "model.pth")
    encoder.save_pretrained(source / "T5-XL")
    tokenizer.save_pretrained(source / "T5-XL")
    return source


def test_a_checkpoint_with_extra_plain_entries_converts_like_one_without(tmp_path):
    import collections

    import numpy as np

    # What a training script saves beside the weights: counters, its settings, optimizer numbers.
    extras = {"iters": 500_000, "epoch": np.int64(12), "loss": np.float32(0.125), "lr": 5e-5,
              "config_dict": collections.OrderedDict(name="deig", sizes=(64, 64), tags={"ide", "fusion"},
                                                     use_ema=True, note=None, raw=b"\x00\x01"),
              "opt": {"state": {0: {"step": torch.tensor(3.0), "exp_avg": np.zeros(4, dtype=np.float32)}}}}
    plain = _checkpoint_with(tmp_path, "plain")
    rich = _checkpoint_with(tmp_path, "rich", **extras)
    convert_checkpoint(plain, tmp_path / "plain-out")
    convert_checkpoint(rich, tmp_path / "rich-out")
    for name in ("unet.safetensors", "extractor.safetensors", "vae.safetensors"):
        assert filecmp.cmp(tmp_path / "plain-out" / name, tmp_path / "rich-out" / name, shallow=False)


class SystemCall:
    """A pickle whose loading would run a shell command (os.system through __reduce__)."""

    def __reduce__(self):
        return (os.system, (f"touch {os.environ['DEIG_TEST_MARKER']}",))


def test_a_checkpoint_naming_os_system_is_refused_with_exit_2_and_nothing_runs(cli, tmp_path, monkeypatch):
    marker = tmp_path / "shell-ran"
    monkeypatch.setenv("DEIG_TEST_MARKER", str(marker))
    source = _checkpoint_with(tmp_path, "evil", extra={"hook": SystemCall()})
    result = cli("convert", "deig", source, tmp_path / "out")
    assert result.code == 2, result.stderr
    # os.system pickles under its implementing module's name (posix.system on Linux, nt.system on Windows).
    assert re.search(r"names (os|posix|nt)\.system, which is not data", result.stderr), result.stderr
    assert "Hint:" in result.stderr and "Traceback" not in result.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()
