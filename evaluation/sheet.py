"""contact-sheet.png: every scored image as a thumbnail, instance boxes green (pass) or red (fail),
failures first, with its key and decision underneath."""

from __future__ import annotations

import io
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from . import files

SHEET = "contact-sheet.png"
CELL, LABEL, GAP, COLUMNS, MAX_TILES = 160, 16, 4, 8, 96
PASS, FAIL, MISSING = (31, 157, 58), (211, 48, 47), (70, 70, 76)


def _thumb(record: dict, boxes: list[tuple[list[float] | None, bool]]) -> Image.Image | None:
    path = record.get("image")
    if not path:
        return None
    try:
        with Image.open(path) as opened:
            image = opened.convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    draw = ImageDraw.Draw(image)
    width = max(2, image.width // 100)
    for box, ok in boxes:
        if box:
            draw.rectangle((box[0] * image.width, box[1] * image.height, box[2] * image.width, box[3] * image.height),
                           outline=PASS if ok else FAIL, width=width)
    image.thumbnail((CELL, CELL))
    return image


def sheet_png(images: list[dict], instances: list[dict]) -> bytes:
    by_key: dict[str, list[dict]] = {}
    for record in instances:
        by_key.setdefault(record["key"], []).append(record)
    ordered = sorted(images, key=lambda r: (bool(r.get("ok", r.get("score", 0))), r["key"]))[:MAX_TILES]
    columns = min(COLUMNS, max(1, len(ordered)))
    rows = max(1, math.ceil(len(ordered) / columns))
    sheet = Image.new("RGB", (GAP + columns * (CELL + GAP), GAP + rows * (CELL + LABEL + GAP)), (16, 16, 20))
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=11)
    for number, record in enumerate(ordered):
        left = GAP + (number % columns) * (CELL + GAP)
        top = GAP + (number // columns) * (CELL + LABEL + GAP)
        boxes = [(r.get("box"), bool(r.get("ok"))) for r in by_key.get(record["key"], [])]
        thumb = _thumb(record, boxes)
        if thumb is None:
            draw.rectangle((left, top, left + CELL - 1, top + CELL - 1), fill=MISSING)
        else:
            sheet.paste(thumb, (left + (CELL - thumb.width) // 2, top + (CELL - thumb.height) // 2))
        decision = f"{record['score']:.2f}" if "score" in record and "ok" not in record else \
            ("pass" if record.get("ok") else "fail")
        label = f"{record['key']} {decision}"
        while label and draw.textlength(label, font=font) > CELL:
            label = label[:-1]
        colour = PASS if decision == "pass" else FAIL if decision == "fail" else (200, 200, 205)
        draw.text((left, top + CELL + 2), label, fill=colour, font=font)
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG")
    return buffer.getvalue()


def write_sheet(folder: Path, images: list[dict], instances: list[dict]) -> Path:
    path = folder / SHEET
    files.atomic_write(path, sheet_png(images, instances))
    return path
