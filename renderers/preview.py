"""The preview renderer: draws the scene itself with Pillow, no weights, instantly.

The global caption, background and negative prompt across the top; each instance's box in its own
colour, its name and wrapped detail caption on a label placed where it overlaps no other label,
no skeleton and not the header (`labels.py`); pose skeletons in the OpenPose convention. Used for `--dry-run`, docs and
tests; with `control_image=true` it also returns the OpenPose control image a pose-guided
renderer would use.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from PIL import Image, ImageDraw
from pydantic import Field

from scenes.model import Scene
from scenes.openpose import draw_skeletons

from .base import ProgressCallback, RenderedImage, Renderer, RendererOptions
from .labels import Label, draw_label, font, pixels_blocked, place, text_size

PALETTE = (
    (230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
    (240, 50, 230), (210, 245, 60), (250, 190, 190), (0, 128, 128), (170, 110, 40), (128, 0, 0),
)  # fmt: skip
BACKDROP = (24, 26, 32)


class PreviewOptions(RendererOptions):
    captions: bool = Field(default=True, description="Write each instance's detail caption inside its box.")
    skeletons: bool = Field(default=True, description="Draw the pose skeletons of posed instances.")
    control_image: bool = Field(default=False, description="Also write the OpenPose control image (NAME.control.png).")


def _wrap(text: str, face, max_width: int) -> list[str]:
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    average = max(probe.textlength("abcdefghijklmnopqrstuvwxyz", font=face) / 26, 1.0)
    return textwrap.wrap(text, width=max(int(max_width / average), 4))


@dataclass
class PreviewLayout:
    """Where the text of a preview goes: the header (caption, background, negative) and one label each."""

    header: Label | None
    labels: dict[int, Label] = field(default_factory=dict)  # instance index -> its label
    fonts: tuple = ()


def skeleton_people(scene: Scene) -> list:
    return [k for k in (instance.keypoints(scene.aspect) for instance in scene.instances) if k is not None]


def layout_text(scene: Scene, skeletons: Image.Image | None, *, captions: bool = True) -> PreviewLayout:
    """Place the header and every instance's label so that none overlaps another or a skeleton."""
    width, height = scene.width, scene.height
    small = font(max(10, min(width, height) // 40))
    large = font(max(11, min(width, height) // 32))
    lines = [f"{key}: {value}" for key, value in (("caption", scene.caption), ("background", scene.background),
                                                  ("negative", scene.negative)) if value]
    wrapped = [part for line in lines for part in _wrap(line, small, width - 12)[:2]]
    header = Label((0, 0, *text_size(wrapped, [small])), wrapped) if wrapped else None
    if header is not None:
        header.rect = (0, 0, min(header.rect[2], width), min(header.rect[3], height))
    blocked = pixels_blocked(skeletons.convert("L") if skeletons is not None else None)
    taken = [header.rect] if header else []
    layout = PreviewLayout(header, fonts=(large, small))
    for index, instance in enumerate(scene.instances):
        box = _box_px(instance.box, width, height)
        name = f"{index}: {instance.name}"
        inner = min(max(box[2] - box[0] - 10, 60), max(width // 3, 60))
        body = _wrap(instance.caption, small, inner)[:4] if captions and instance.caption else []
        for keep in range(len(body), -1, -1):  # drop caption lines until the label fits somewhere
            text = [name, *body[:keep]]
            if keep < len(body) and keep:
                text[-1] = text[-1].rstrip(".,;") + " …"
            rect = place(text_size(text, [large, small]), box, (width, height), taken, blocked)
            if rect is not None:
                layout.labels[index] = Label(rect, text)
                taken.append(rect)
                break
    return layout


def _box_px(box, width: int, height: int) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return round(x0 * width), round(y0 * height), round(x1 * width), round(y1 * height)


class PreviewRenderer(Renderer):
    name = "preview"
    description = "Draws the scene layout with Pillow (boxes, captions, skeletons); no weights, instant."
    Options = PreviewOptions
    supports_references = True  # the layout is drawn without them; their files are still checked
    supports_concepts = True  # a layout preview: concepts have nothing to draw

    def render(self, scene: Scene, seeds: list[int], progress: ProgressCallback | None = None) -> list[RenderedImage]:
        images = []
        for done, seed in enumerate(seeds, start=1):
            images.append(self._draw(scene, seed))
            if progress:
                progress(done, len(seeds))
        return images

    def _draw(self, scene: Scene, seed: int) -> RenderedImage:
        options: PreviewOptions = self.options  # type: ignore[assignment]
        width, height = scene.width, scene.height
        canvas = Image.new("RGB", (width, height), BACKDROP)
        draw = ImageDraw.Draw(canvas)
        for index, instance in enumerate(scene.instances):
            x0, y0, x1, y1 = _box_px(instance.box, width, height)  # complete scene: every box is set
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), outline=PALETTE[index % len(PALETTE)],
                           width=max(2, min(width, height) // 256))
        people = skeleton_people(scene)
        control = draw_skeletons(people, width, height) if people else None
        if control is not None and options.skeletons:
            canvas.paste(control, (0, 0), control.convert("L").point(lambda v: 255 if v else 0))
        layout = layout_text(scene, control if options.skeletons else None, captions=options.captions)
        if layout.header is not None:
            draw_label(draw, layout.header, (150, 150, 160), [layout.fonts[1]], text=(150, 150, 160))
        for index, label in layout.labels.items():
            draw_label(draw, label, PALETTE[index % len(PALETTE)], layout.fonts)
        extras = {"control": control} if control is not None and options.control_image else {}
        return RenderedImage(image=canvas, seed=seed, extras=extras)
