"""Previews people read: labels that never collide, captions off the skeletons, the whole header, legends, names."""

from __future__ import annotations

import itertools

import numpy as np
from PIL import Image

from renderers.labels import overlaps, with_legend
from renderers.preview import PALETTE, PreviewRenderer, layout_text, skeleton_people
from scenes.model import Scene
from scenes.openpose import draw_skeletons


def crowd(count: int = 16, width: int = 768, height: int = 512) -> Scene:
    """People and things in overlapping boxes, every other one posed, long captions."""
    instances = []
    for n in range(count):
        col, row = n % 6, n // 6
        x0, y0 = 0.02 + col * 0.15, 0.12 + row * 0.28
        instances.append({"name": "person" if n % 2 == 0 else "lamp",
                          "caption": f"number {n}: a rather long detail caption about colours, fabrics and a hat",
                          "box": [x0, y0, min(x0 + 0.22, 1.0), min(y0 + 0.4, 1.0)],
                          "pose": "waving" if n % 2 == 0 else None})
    return Scene.model_validate({"caption": "a crowded market at noon with many people and their things",
                                 "background": "a market square", "negative": "blurry, low quality",
                                 "width": width, "height": height, "instances": instances})


def skeleton_mask(scene: Scene) -> np.ndarray:
    return np.asarray(draw_skeletons(skeleton_people(scene), scene.width, scene.height).convert("L")) > 0


def test_labels_on_a_crowded_scene_are_pairwise_disjoint_and_off_the_skeletons():
    scene = crowd()
    mask = skeleton_mask(scene)
    layout = layout_text(scene, draw_skeletons(skeleton_people(scene), scene.width, scene.height))
    rects = [layout.header.rect, *(label.rect for label in layout.labels.values())]
    assert len(layout.labels) == len(scene.instances)  # every instance keeps at least its name
    for a, b in itertools.combinations(rects, 2):
        assert not overlaps(a, b), (a, b)
    for index, label in layout.labels.items():
        x0, y0, x1, y1 = label.rect
        assert 0 <= x0 < x1 <= scene.width and 0 <= y0 < y1 <= scene.height
        assert not mask[y0:y1, x0:x1].any(), f"label {index} covers a skeleton"
        assert label.lines[0] == f"{index}: {scene.instances[index].name}"


def test_the_drawn_labels_show_where_the_layout_put_them():
    scene = crowd(6)
    image = np.asarray(PreviewRenderer().render(scene, [1])[0].image)
    layout = layout_text(scene, draw_skeletons(skeleton_people(scene), scene.width, scene.height))
    for index, label in layout.labels.items():
        x0, y0, x1, _ = label.rect
        assert tuple(image[y0, x0 + 1]) == PALETTE[index % len(PALETTE)]  # the plate's coloured edge


def test_the_header_keeps_caption_background_and_negative():
    layout = layout_text(crowd(2), None)
    text = " ".join(layout.header.lines)
    assert "caption: a crowded market" in text and "background: a market square" in text
    assert "negative: blurry, low quality" in text


def test_a_legend_strip_names_each_colour():
    image = Image.new("RGB", (200, 100), (0, 0, 0))
    entries = [((230, 25, 75), "0: man"), ((60, 180, 75), "1: woman"), ((0, 130, 200), "2: dog")]
    legend = np.asarray(with_legend(image, entries))
    assert legend.shape[1] == 200 and legend.shape[0] > 100
    strip = legend[100:]
    for colour, _ in entries:
        assert (strip == np.array(colour)).all(axis=2).sum() >= 16  # a swatch of that colour
    assert (legend[:100] == 0).all()  # the picture above is untouched


def test_the_regions_map_has_a_legend_below_the_unchanged_map():
    from renderers.finecontrolnet.masks import regions_image

    weights = np.zeros((2, 8, 8), np.float32)
    weights[0, :, :4], weights[1, :, 4:] = 1.0, 1.0
    plain = regions_image(weights, 64, 64)
    legend = regions_image(weights, 64, 64, names=["man", "woman"])
    assert legend.height > 64 and np.array_equal(np.asarray(legend)[:64], np.asarray(plain))


def test_pose_previews_name_every_figure_in_its_own_cell(cli, tmp_path):
    from deigcli.commands.poses import CELL_WIDTH, FIGURE_HEIGHT

    result = cli("poses", "waving", "sitting", "lying", "--preview", tmp_path / "p.png")
    assert result.code == 0, result.stderr
    sheet = np.asarray(Image.open(tmp_path / "p.png").convert("L"))
    assert sheet.shape == (FIGURE_HEIGHT + 28, 3 * CELL_WIDTH)
    for cell in range(3):
        band = sheet[FIGURE_HEIGHT:, cell * CELL_WIDTH:(cell + 1) * CELL_WIDTH]
        columns = np.nonzero(band.max(axis=0) > 128)[0]
        assert columns.size  # a name is written under the figure …
        centre = (columns.min() + columns.max()) / 2  # … centred in its own cell
        assert abs(centre - CELL_WIDTH / 2) < 8
