"""The preview renderer: draws the scene itself with Pillow, no weights, instantly.

Background caption across the top, each instance's box in its own colour with its name and
wrapped detail caption, pose skeletons in the OpenPose convention. Used for `--dry-run`, docs and
tests; with `control_image=true` it also returns the OpenPose control image a pose-guided
renderer would use.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont
from pydantic import Field

from scenes.model import Scene
from scenes.openpose import draw_skeletons

from .base import ProgressCallback, RenderedImage, Renderer, RendererOptions

PALETTE = (
    (230, 25, 75), (60, 180, 75), (0, 130, 200), (245, 130, 48), (145, 30, 180), (70, 240, 240),
    (240, 50, 230), (210, 245, 60), (250, 190, 190), (0, 128, 128), (170, 110, 40), (128, 0, 0),
)  # fmt: skip
BACKDROP = (24, 26, 32)


class PreviewOptions(RendererOptions):
    captions: bool = Field(default=True, description="Write each instance's detail caption inside its box.")
    skeletons: bool = Field(default=True, description="Draw the pose skeletons of posed instances.")
    control_image: bool = Field(default=False, description="Also write the OpenPose control image (NAME.control.png).")


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, max_width: int) -> list[str]:
    average = max(draw.textlength("abcdefghijklmnopqrstuvwxyz", font=font) / 26, 1.0)
    return textwrap.wrap(text, width=max(int(max_width / average), 4))


class PreviewRenderer(Renderer):
    name = "preview"
    description = "Draws the scene layout with Pillow (boxes, captions, skeletons); no weights, instant."
    Options = PreviewOptions

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
        small = _font(max(10, min(width, height) // 40))
        large = _font(max(12, min(width, height) // 28))

        header = scene.background or scene.caption
        for row, line in enumerate(_wrap(draw, header, small, width - 8)[:2]):
            draw.text((4, 4 + row * (small.size + 2)), line, fill=(150, 150, 160), font=small)

        people = []
        for index, instance in enumerate(scene.instances):
            colour = PALETTE[index % len(PALETTE)]
            x0, y0, x1, y1 = instance.box  # complete scene: every box is set
            box_px = (round(x0 * width), round(y0 * height), round(x1 * width) - 1, round(y1 * height) - 1)
            draw.rectangle(box_px, outline=colour, width=max(2, min(width, height) // 256))
            label = f"{index}: {instance.name}"
            draw.text((box_px[0] + 4, box_px[1] + 3), label, fill=colour, font=large)
            if options.captions and instance.caption:
                inner = max(box_px[2] - box_px[0] - 8, 8)
                top = box_px[1] + 6 + large.size
                for line in _wrap(draw, instance.caption, small, inner):
                    if top + small.size > box_px[3]:
                        break
                    draw.text((box_px[0] + 4, top), line, fill=(225, 225, 225), font=small)
                    top += small.size + 2
            keypoints = instance.keypoints(scene.aspect)
            if keypoints is not None:
                people.append(keypoints)

        extras = {}
        if people:
            control = draw_skeletons(people, width, height)
            if options.skeletons:
                mask = control.convert("L").point(lambda v: 255 if v else 0)
                canvas.paste(control, (0, 0), mask)
            if options.control_image:
                extras["control"] = control
        return RenderedImage(image=canvas, seed=seed, extras=extras)
