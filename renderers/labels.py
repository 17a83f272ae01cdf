"""Text on pictures that people read: labels that never overlap each other or what they describe, legends.

`place` finds a spot for a label rectangle near its box: inside it first (its corners, then down
its length), then just outside it, then anywhere on the canvas, never crossing a label already
placed nor a blocked pixel (a skeleton, the header). When nothing fits, the caller drops caption
lines and tries again; a label that fits nowhere is left out rather than drawn over another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

Rect = tuple[int, int, int, int]  # x0, y0, x1, y1 (x1, y1 exclusive)
PLATE = (16, 17, 22)
PAD = 3


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_size(lines: Sequence[str], fonts: Sequence) -> tuple[int, int]:
    """Width and height of a plate holding `lines`, line i in fonts[i] (the last font repeats)."""
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width = height = 0
    for index, line in enumerate(lines):
        face = fonts[min(index, len(fonts) - 1)]
        width = max(width, int(probe.textlength(line, font=face)) + 1)
        height += face.size + 2
    return width + 2 * PAD, height + 2 * PAD - 2


def _candidates(size: tuple[int, int], box: Rect, canvas: tuple[int, int]) -> Iterator[tuple[int, int]]:
    w, h = size
    x0, y0, x1, y1 = box
    step = max(4, h // 2)
    inset = 3
    # inside the box: its corners, then down its left and right edges
    yield x0 + inset, y0 + inset
    yield x1 - inset - w, y0 + inset
    yield x0 + inset, y1 - inset - h
    yield x1 - inset - w, y1 - inset - h
    for y in range(y0 + inset, y1 - h, step):
        for x in (x0 + inset, x1 - inset - w, (x0 + x1 - w) // 2):
            yield x, y
    # just outside it
    yield x0, y0 - h - 1
    yield x0, y1 + 1
    yield x1 + 1, y0
    yield x0 - w - 1, y0
    # anywhere, nearest rows first
    width, height = canvas
    rows = sorted(range(0, max(height - h, 0) + 1, step), key=lambda y: abs(y - y0))
    for y in rows:
        for x in range(0, max(width - w, 0) + 1, max(4, w // 4)):
            yield x, y


def place(size: tuple[int, int], box: Rect, canvas: tuple[int, int], taken: Sequence[Rect],
          blocked: Callable[[Rect], bool]) -> Rect | None:
    """The first free spot for a `size` label near `box`, or None."""
    width, height = canvas
    for x, y in _candidates(size, box, canvas):
        rect = (x, y, x + size[0], y + size[1])
        if x < 0 or y < 0 or rect[2] > width or rect[3] > height:
            continue
        if any(overlaps(rect, other) for other in taken) or blocked(rect):
            continue
        return rect
    return None


def pixels_blocked(mask: Image.Image | None) -> Callable[[Rect], bool]:
    """A test for rectangles that would cover any non-zero pixel of `mask` (an "L" image)."""
    if mask is None:
        return lambda rect: False
    return lambda rect: mask.crop(rect).getbbox() is not None


@dataclass
class Label:
    rect: Rect
    lines: list[str]


def draw_label(draw: ImageDraw.ImageDraw, label: Label, colour, fonts: Sequence, *, text=(225, 225, 225)) -> None:
    """A dark plate with a coloured edge; the first line in `colour`, the rest in `text`."""
    x0, y0, x1, y1 = label.rect
    draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=PLATE, outline=colour)
    y = y0 + PAD
    for index, line in enumerate(label.lines):
        face = fonts[min(index, len(fonts) - 1)]
        draw.text((x0 + PAD, y), line, fill=colour if index == 0 else text, font=face)
        y += face.size + 2


def with_legend(image: Image.Image, entries: Sequence[tuple[tuple[int, int, int], str]]) -> Image.Image:
    """`image` with a strip below it: a colour swatch and its meaning per entry, wrapped into rows."""
    if not entries:
        return image
    face = font(max(10, min(14, image.width // 24)))
    swatch, gap = face.size, 8
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    rows: list[list[tuple[tuple[int, int, int], str, int]]] = [[]]
    x = gap
    for colour, text in entries:
        item = swatch + 4 + int(probe.textlength(text, font=face)) + gap
        if rows[-1] and x + item > image.width:
            rows.append([])
            x = gap
        rows[-1].append((colour, text, x))
        x += item
    row_height = swatch + 6
    strip = Image.new("RGB", (image.width, image.height + len(rows) * row_height + 4), PLATE)
    strip.paste(image, (0, 0))
    draw = ImageDraw.Draw(strip)
    for number, row in enumerate(rows):
        y = image.height + 4 + number * row_height
        for colour, text, x in row:
            draw.rectangle((x, y, x + swatch - 1, y + swatch - 1), fill=colour)
            draw.text((x + swatch + 4, y), text, fill=(225, 225, 225), font=face)
    return strip
