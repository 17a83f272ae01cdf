"""A contact sheet: every image of a batch as a thumbnail on one PNG, in batch order."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

SHEET_NAME = "contact-sheet.png"
MAX_COLUMNS = 10
LARGEST_CELL, SMALLEST_CELL = 256, 64
MAX_SHEET_SIDE = 8192
LABEL_HEIGHT = 16
GAP = 4
BACKDROP = (16, 16, 20)
MISSING = (60, 60, 66)


@dataclass(frozen=True)
class Tile:
    path: Path | None  # None, or a file that cannot be read: drawn as an empty cell
    label: str


def _cell_size(columns: int, rows: int) -> int:
    fits = (MAX_SHEET_SIDE - GAP) // max(columns, rows) - GAP - LABEL_HEIGHT
    return max(SMALLEST_CELL, min(LARGEST_CELL, fits))


def _thumbnail(path: Path | None, cell: int) -> Image.Image | None:
    if path is None:
        return None
    try:
        with Image.open(path) as image:
            image.draft("RGB", (cell, cell))
            thumb = image.convert("RGB")
        thumb.thumbnail((cell, cell))
        return thumb
    except (OSError, ValueError, Image.DecompressionBombError):
        return None


def render_sheet(tiles: list[Tile]) -> Image.Image:
    columns = min(MAX_COLUMNS, max(1, math.ceil(math.sqrt(len(tiles)))))
    rows = max(1, math.ceil(len(tiles) / columns))
    cell = _cell_size(columns, rows)
    pitch_x, pitch_y = cell + GAP, cell + LABEL_HEIGHT + GAP
    sheet = Image.new("RGB", (GAP + columns * pitch_x, GAP + rows * pitch_y), BACKDROP)
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=11)
    for number, tile in enumerate(tiles):
        left = GAP + (number % columns) * pitch_x
        top = GAP + (number // columns) * pitch_y
        thumb = _thumbnail(tile.path, cell)
        if thumb is None:
            draw.rectangle((left, top, left + cell - 1, top + cell - 1), fill=MISSING)
        else:
            sheet.paste(thumb, (left + (cell - thumb.width) // 2, top + (cell - thumb.height) // 2))
        label = tile.label
        while label and draw.textlength(label, font=font) > cell:
            label = label[:-1]
        draw.text((left, top + cell + 2), label, fill=(200, 200, 205), font=font)
    return sheet


def sheet_png(tiles: list[Tile]) -> bytes:
    buffer = io.BytesIO()
    render_sheet(tiles).save(buffer, format="PNG")
    return buffer.getvalue()
