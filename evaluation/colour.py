"""COCO-MIG's colour check without OpenCV: OpenCV's 8-bit RGB->HSV, its colour ranges, the fraction rule.

OpenCV's conversion uses integer tables with 12-bit fixed point; this port reproduces it exactly
(H 0-179, S and V 0-255), so the in-range decision matches `cv2.cvtColor` + `cv2.inRange` pixel for
pixel. A float formula disagrees on a few per cent of pixels.
"""

from __future__ import annotations

import functools

import numpy as np

HSV_SHIFT = 12
# MIG-Bench's ranges, (lower, upper) inclusive, in OpenCV HSV (eval_mig.py); red wraps around hue 0.
MIG_RANGES: dict[str, list[tuple[tuple[int, int, int], tuple[int, int, int]]]] = {
    "red": [((0, 50, 70), (9, 255, 255)), ((159, 50, 70), (180, 255, 255))],
    "blue": [((90, 50, 70), (128, 255, 255))],
    "yellow": [((25, 50, 70), (35, 255, 255))],
    "green": [((36, 50, 70), (89, 255, 255))],
    "black": [((0, 0, 0), (180, 255, 30))],
    "white": [((0, 0, 221), (180, 43, 255))],
    "brown": [((6, 43, 35), (25, 255, 255))],
}
MIG_MIN_FRACTION = 0.2
MIG_BACKGROUND = 127  # MIG paints everything outside the mask this grey before converting


@functools.cache
def _tables() -> tuple[np.ndarray, np.ndarray]:
    index = np.arange(256, dtype=np.float64)
    with np.errstate(divide="ignore"):
        sdiv = np.where(index > 0, np.rint((255 << HSV_SHIFT) / index), 0).astype(np.int64)
        hdiv = np.where(index > 0, np.rint((180 << HSV_SHIFT) / (6.0 * index)), 0).astype(np.int64)
    return sdiv, hdiv


def rgb_to_hsv(rgb: np.ndarray) -> np.ndarray:
    """uint8 [..., 3] RGB -> int [..., 3] HSV exactly as OpenCV's COLOR_RGB2HSV (8-bit)."""
    sdiv, hdiv = _tables()
    rgb = rgb.astype(np.int64)
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    v = rgb.max(axis=-1)
    diff = v - rgb.min(axis=-1)
    half = 1 << (HSV_SHIFT - 1)
    s = (diff * sdiv[v] + half) >> HSV_SHIFT
    numerator = np.where(v == r, g - b, np.where(v == g, b - r + 2 * diff, r - g + 4 * diff))
    h = (numerator * hdiv[diff] + half) >> HSV_SHIFT
    h = np.where(h < 0, h + 180, h)
    return np.stack([h, s, v], axis=-1)


def in_ranges(hsv: np.ndarray, colour: str) -> np.ndarray:
    """Pixels inside any of the colour's ranges (cv2.inRange, bounds inclusive), OR-ed."""
    hits = np.zeros(hsv.shape[:-1], dtype=bool)
    for lower, upper in MIG_RANGES[colour]:
        hits |= np.all((hsv >= np.array(lower)) & (hsv <= np.array(upper)), axis=-1)
    return hits


def colour_fraction(rgb: np.ndarray, mask: np.ndarray, colour: str) -> float:
    """|mask and in-range| / |mask| after MIG's grey fill outside the mask; 0 for an empty mask."""
    mask = mask.astype(bool)
    area = int(mask.sum())
    if area == 0:
        return 0.0
    filled = np.where(mask[..., None], rgb, np.uint8(MIG_BACKGROUND)).astype(np.uint8)
    hits = in_ranges(rgb_to_hsv(filled), colour) & mask
    return float(hits.sum()) / area


def colour_passes(fraction: float) -> bool:
    return fraction >= MIG_MIN_FRACTION
