"""`deig concept train`: textual inversion on the tiny model, with accelerate on the CPU."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from PIL import Image
from tiny_pipelines import one_thread  # noqa: F401 (autouse fixture)

from renderers.diffusion.loading import load_components
from renderers.diffusion.ti_training import TrainingSettings, similarity, train
from scenes.errors import EXIT_INVALID


def pictures(count: int = 3) -> torch.Tensor:
    """Small images of one 'concept': a red left half, varied right halves, in [-1, 1]."""
    rng = np.random.default_rng(0)
    rows = []
    for _ in range(count):
        array = np.zeros((32, 32, 3), np.float32)
        array[:, :16] = [0.8, -0.8, -0.8]
        array[:, 16:] = rng.uniform(-1, 1, 3)
        rows.append(torch.from_numpy(array).permute(2, 0, 1))
    return torch.stack(rows)


@pytest.fixture(scope="module")
def components():
    return load_components("tiny", dtype=torch.float32, allow_pickle=False)


def test_fifty_steps_lower_the_loss(components):
    # The same noise and timesteps at every step: what changes the loss is the learned vector alone
    # (with fresh noise each step, the sampling noise of a random tiny UNet hides the trend).
    settings = TrainingSettings(steps=50, seed=3, learning_rate=5e-2, batch_size=4, fixed_noise=True)
    _, state = train(components, pictures(), settings)
    first, last = np.mean(state.losses[:10]), np.mean(state.losses[-10:])
    assert len(state.losses) == 50 and last < first, (first, last)


def test_the_contrastive_term_moves_the_token_away_from_the_other_concept(components):
    other = torch.randn(1, 32, generator=torch.Generator().manual_seed(5))
    common = dict(steps=20, seed=3, learning_rate=2e-2, init_word="ab")
    plain, _ = train(components, pictures(), TrainingSettings(**common))
    apart, state = train(components, pictures(), TrainingSettings(**common, contrast=[other], contrast_weight=1.0))
    assert state.contrast_losses and len(state.contrast_losses) == 20
    assert similarity(components, apart, other) < similarity(components, plain, other) - 1e-3


def _image_files(folder: Path, count: int = 3) -> list[Path]:
    paths = []
    for index, tensor in enumerate(pictures(count)):
        path = folder / f"img{index}.png"
        Image.fromarray(((tensor.permute(1, 2, 0).numpy() + 1) * 127.5).astype(np.uint8)).save(path)
        paths.append(path)
    return paths


def test_the_command_writes_an_embedding_that_a_scene_renders_and_resumes_from_its_checkpoint(cli, tmp_path):
    images = _image_files(tmp_path)
    out = tmp_path / "rex"
    args = ("concept", "train", "rex", *images, "--model", "tiny", "--steps", "4", "--resolution", "32",
            "--checkpoint-every", "2", "--seed", "1", "-o", out)
    result = cli(*args)
    assert result.code == 0, result.stderr
    embedding = Path(result.stdout.strip())
    assert embedding == out / "rex.safetensors"
    record = json.loads((out / "training.json").read_text())
    assert record["state"] == "done" and len(record["result"]["losses"]) == 4
    assert [i["path"] for i in record["settings"]["images"]] == [str(p) for p in images]
    from safetensors.torch import load_file

    first = load_file(str(embedding))

    again = cli(*args)  # the same run: resumes from its last checkpoint (step 4 of 4) and writes the same file
    assert again.code == 0 and "Resuming rex at step 4" in again.stderr
    assert torch.equal(load_file(str(embedding))["<rex>"], first["<rex>"])
    other = cli(*args[:-4], "--seed", "2", "-o", out)
    assert other.code == EXIT_INVALID and "another training run" in other.stderr

    scene = tmp_path / "scene.yaml"
    scene.write_text(yaml.safe_dump({"caption": "a dog", "width": 64, "height": 64, "instances": [
        {"name": "dog", "caption": "a photo of rex", "box": [0, 0, 0.5, 1], "concept": "rex/rex.safetensors",
         "concept_token": "rex"}]}))
    rendered = cli("render", "--scene", scene, "--model", "tiny", "--steps", "1", "-o", tmp_path / "img")
    assert rendered.code == 0, rendered.stderr
    manifest = json.loads(Path(rendered.stdout.split()[0]).with_suffix(".json").read_text())
    assert manifest["renderer"]["details"]["concepts"][0]["kind"] == "textual_inversion"


@pytest.mark.parametrize("count", [2, 21])
def test_three_to_twenty_images(cli, tmp_path, count):
    images = [tmp_path / "x.png"] * count
    Image.new("RGB", (8, 8)).save(images[0])
    result = cli("concept", "train", "rex", *images, "--model", "tiny", "-o", tmp_path / "o")
    assert result.code == EXIT_INVALID and "3 to 20" in result.stderr and not (tmp_path / "o").exists()


def test_a_file_that_is_not_an_image_is_refused(cli, tmp_path):
    images = _image_files(tmp_path)
    images[1].write_bytes(b"not an image")
    result = cli("concept", "train", "rex", *images, "--model", "tiny", "-o", tmp_path / "o")
    assert result.code == EXIT_INVALID and "img1.png is not a readable image" in result.stderr
