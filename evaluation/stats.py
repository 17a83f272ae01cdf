"""Uncertainty: prompt-clustered bootstrap intervals and Wilson intervals.

A metric is a ratio of sums over items (prompts): each item carries a numerator and a denominator
(e.g. instances that succeeded / instances), possibly per group (a tag), and the metric combines
the groups (e.g. GenEval's overall = mean of the tag rates). Resampling items with replacement keeps
all images and instances of a prompt together, which is what the correlation between them needs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_RESAMPLES = 2000
DEFAULT_SEED = 0
LEVEL = 0.95


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def resample_weights(n_items: int, resamples: int, seed: int) -> np.ndarray:
    """[resamples, n_items] counts: how often each item is drawn in each bootstrap sample."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_items, np.full(n_items, 1.0 / n_items), size=resamples).astype(np.float64)


def percentile_interval(values: np.ndarray, level: float = LEVEL) -> Interval:
    values = values[~np.isnan(values)]
    if values.size == 0:
        return Interval(math.nan, math.nan)
    tail = (1.0 - level) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return Interval(float(low), float(high))


def grouped_ratio(weights: np.ndarray, numerators: np.ndarray, denominators: np.ndarray) -> np.ndarray:
    """For each resample, the mean over groups of sum(num)/sum(den); groups without data are skipped.

    numerators/denominators: [n_items, n_groups]. One group is a plain ratio of sums.
    """
    num = weights @ numerators
    den = weights @ denominators
    with np.errstate(invalid="ignore", divide="ignore"):
        rates = np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)
    present = ~np.isnan(rates)
    counts = present.sum(axis=1)
    sums = np.where(present, rates, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


def point_estimate(numerators: np.ndarray, denominators: np.ndarray) -> float:
    value = grouped_ratio(np.ones((1, numerators.shape[0])), numerators, denominators)[0]
    return float(value)


def bootstrap(numerators: Sequence | np.ndarray, denominators: Sequence | np.ndarray, *,
              resamples: int = DEFAULT_RESAMPLES, seed: int = DEFAULT_SEED, level: float = LEVEL
              ) -> tuple[float, Interval]:
    """(value, percentile interval) of the grouped ratio, resampling items."""
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    if num.ndim == 1:
        num, den = num[:, None], den[:, None]
    value = point_estimate(num, den)
    if num.shape[0] == 0 or resamples <= 0:
        return value, Interval(math.nan, math.nan)
    samples = grouped_ratio(resample_weights(num.shape[0], resamples, seed), num, den)
    return value, percentile_interval(samples, level)


def wilson(successes: float, total: float, z: float = 1.959963984540054) -> Interval:
    """Wilson score interval for a binomial proportion."""
    if total <= 0:
        return Interval(math.nan, math.nan)
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return Interval(centre - half, centre + half)
