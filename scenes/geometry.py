"""Boxes and masks: instance regions at any (latent) resolution, hard or soft-edged.

Masks are float32 NumPy arrays of shape (height, width) with values in [0, 1]; renderers move them
to torch themselves. A mask cell (u, v) stands for the canvas area [v/W, (v+1)/W) x [u/H, (u+1)/H).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

BoxT = Sequence[float]


def box_mask(box: BoxT, height: int, width: int, *, feather: float = 0.0) -> np.ndarray:
    """The region of `box` (fractions) on a height x width grid.

    feather = 0: hard mask, a cell is inside when its centre is; a box smaller than a cell still
    claims the cell under its centre, so no instance ever vanishes. feather > 0: soft edges, the
    value ramps from 0 to 1 over `feather` cells centred on the box edge.
    """
    if height <= 0 or width <= 0:
        raise ValueError("mask size must be positive")
    x0, y0, x1, y1 = (float(v) for v in box)
    cx = (np.arange(width, dtype=np.float64) + 0.5) / width
    cy = (np.arange(height, dtype=np.float64) + 0.5) / height
    if feather <= 0:
        inside_x = (cx >= x0) & (cx < x1)
        inside_y = (cy >= y0) & (cy < y1)
        if not inside_x.any():
            inside_x[min(int((x0 + x1) / 2 * width), width - 1)] = True
        if not inside_y.any():
            inside_y[min(int((y0 + y1) / 2 * height), height - 1)] = True
        return (inside_y[:, None] & inside_x[None, :]).astype(np.float32)
    ramp_x = _ramp(cx * width, x0 * width, x1 * width, feather)
    ramp_y = _ramp(cy * height, y0 * height, y1 * height, feather)
    return (ramp_y[:, None] * ramp_x[None, :]).astype(np.float32)


def _ramp(centres: np.ndarray, start: float, end: float, feather: float) -> np.ndarray:
    # A box edge on the canvas border does not fade: the region continues past the frame.
    size = len(centres)
    start = -np.inf if start <= 0 else start
    end = np.inf if end >= size else end
    # Distance inside the interval in cells; the edge itself gets 0.5.
    ramp = np.clip(np.minimum(centres - start, end - centres) / feather + 0.5, 0.0, 1.0)
    peak = float(ramp.max())
    if peak <= 0.0:  # the interval falls between cell centres: keep the nearest cell
        middle = (max(start, 0.0) + min(end, float(size))) / 2
        ramp[int(np.argmin(np.abs(centres - middle)))] = 1.0
        return ramp
    # A box thinner than the feather still reaches full weight in its middle.
    return ramp / peak if peak < 1.0 else ramp


def area_downsample(mask: np.ndarray, factor: int) -> np.ndarray:
    """Mean over factor x factor blocks (OpenCV's INTER_AREA for integer factors)."""
    h, w = mask.shape
    if h % factor or w % factor:
        raise ValueError(f"mask {h}x{w} is not divisible by {factor}")
    return mask.reshape(h // factor, factor, w // factor, factor).mean(axis=(1, 3)).astype(np.float32)


def max_downsample(mask: np.ndarray, factor: int) -> np.ndarray:
    """Max over factor x factor blocks: a cell is set when any of its pixels is."""
    h, w = mask.shape
    if h % factor or w % factor:
        raise ValueError(f"mask {h}x{w} is not divisible by {factor}")
    return mask.reshape(h // factor, factor, w // factor, factor).max(axis=(1, 3)).astype(np.float32)


def dilate(mask: np.ndarray, kernel: int) -> np.ndarray:
    """Max filter with a square kernel (odd size), zero padding, same output size."""
    if kernel <= 1:
        return mask.copy()
    if kernel % 2 == 0:
        raise ValueError("dilation kernel must be odd")
    r = kernel // 2
    # Separable: a square max filter is a row max followed by a column max.
    padded = np.pad(mask, ((0, 0), (r, r)))
    rows = np.max(np.lib.stride_tricks.sliding_window_view(padded, kernel, axis=1), axis=-1)
    padded = np.pad(rows, ((r, r), (0, 0)))
    return np.max(np.lib.stride_tricks.sliding_window_view(padded, kernel, axis=0), axis=-1).astype(mask.dtype)


def gaussian_kernel_size(sigma: float) -> int:
    """The kernel side OpenCV's GaussianBlur picks for float images when given only σ.

    cvRound(σ·4·2 + 1) | 1 (imgproc's createGaussianKernels; 3 instead of 4 for 8-bit images),
    cvRound rounding half to even like Python's round: 9 for σ = 1, 11 for σ = 1.1.
    """
    return int(round(sigma * 8 + 1)) | 1


def gaussian_kernel_1d(sigma: float, size: int | None = None) -> np.ndarray:
    """A normalised Gaussian; size defaults to OpenCV's rule for float images (gaussian_kernel_size)."""
    if size is None:
        size = gaussian_kernel_size(sigma)
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    kernel = np.exp(-(x**2) / (2 * sigma**2))
    return kernel / kernel.sum()


def gaussian_blur(mask: np.ndarray, sigma: float, size: int | None = None) -> np.ndarray:
    """Separable Gaussian blur with reflect-101 borders (OpenCV's default)."""
    kernel = gaussian_kernel_1d(sigma, size)
    r = len(kernel) // 2
    out = mask.astype(np.float64)
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        padded = np.pad(out, pad, mode="reflect")
        windows = np.lib.stride_tricks.sliding_window_view(padded, len(kernel), axis=axis)
        out = windows @ kernel
    return out.astype(np.float32)
