"""Reference image files for the identity tests: good ones, and every kind of bad one, written by hand."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image


def photo(path: Path, color: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (48, 40)) -> Path:
    """A small real image with some structure (a coloured square on a gradient)."""
    image = Image.new("RGB", size)
    for x in range(size[0]):
        for y in range(size[1]):
            image.putpixel((x, y), (x * 5 % 256, y * 6 % 256, 90))
    image.paste(color, (size[0] // 4, size[1] // 4, 3 * size[0] // 4, 3 * size[1] // 4))
    image.save(path)
    return path


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(path: Path, side: int = 20000) -> Path:
    """A PNG whose header says side x side (a decompression bomb: a few KiB of zeros inflate to 1.2 GB)."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    row = b"\x00" * (1 + 3 * side)
    body = zlib.compress(row * 8, 9)  # only a few rows: enough for the header to be read, far from decodable
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", body) + _chunk(b"IEND", b""))
    return path


def corrupt_png(path: Path) -> Path:
    """A real PNG cut short: the header reads, the pixels do not."""
    good = photo(path.with_name("whole-" + path.name))
    path.write_bytes(good.read_bytes()[:80])
    return path
