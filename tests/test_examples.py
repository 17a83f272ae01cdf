"""Every example scene validates, completes and renders (as a preview) like a user would run it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from PIL import Image

from scenes.io import load_scene_file

EXAMPLES = sorted((REPO / "scenes" / "examples").glob("*.yaml"))


def test_there_are_examples() -> None:
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_example_validates_and_renders_as_a_preview(cli, example: Path, tmp_path: Path) -> None:
    scenes = load_scene_file(str(example))
    assert cli("validate", example).code == 0
    result = cli("render", "--scene", example, "--renderer", "preview", "-o", tmp_path)
    assert result.code == 0, result.stderr
    paths = [Path(line) for line in result.stdout.splitlines()]
    assert len(paths) == len(scenes)
    for path, loaded in zip(paths, scenes, strict=True):
        with Image.open(path) as image:
            assert image.size == (loaded.scene.width, loaded.scene.height)
