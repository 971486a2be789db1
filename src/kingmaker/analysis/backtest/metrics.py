"""Accuracy and calibration measures for forecasts against observed outcomes.

Pure functions of arrays. NaN forecasts (a model that could not run on a case) are left out of
a model's own scores and out of paired comparisons; ``n`` always says how many cases counted.
"""

from __future__ import annotations

import math

import numpy as np

from ...errors import KingmakerError
from ...randomness import SeedLike, generator, normalize_seed
from ...results.backtest import Coverage, Difference, Scores


def scores(forecast: np.ndarray, observed: np.ndarray) -> Scores:
    f, o = np.asarray(forecast, dtype=float), np.asarray(observed, dtype=float)
    ok = np.isfinite(f) & np.isfinite(o)
    e = f[ok] - o[ok]
    if e.size == 0:
        return Scores(0, math.nan, math.nan, math.nan, math.nan)
    a = np.abs(e)
    return Scores(
        int(e.size),
        float(a.mean()),
        float(np.sqrt(np.mean(e * e))),
        float(np.median(a)),
        float(e.mean()),
    )


def paired_bootstrap(
    a: np.ndarray,
    b: np.ndarray,
    groups=None,
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: SeedLike = 0,
) -> Difference:
    """Bootstrap interval of mean(a) - mean(b) over paired cases.

    With fewer than two groups the interval is undefined (NaN). With ``groups``, whole groups
    are resampled (a cluster bootstrap): issues of one proposal
    are not independent, and resampling them one by one would make intervals too narrow. The
    statistic of a resample is the mean difference over all cases of the drawn groups.
    """
    return paired_bootstrap_test(a, b, groups, level=level, resamples=resamples, seed=seed)[0]


def paired_bootstrap_test(
    a: np.ndarray,
    b: np.ndarray,
    groups=None,
    *,
    level: float = 0.95,
    resamples: int = 2000,
    seed: SeedLike = 0,
) -> tuple[Difference, float]:
    """:func:`paired_bootstrap` and, from the same resamples, the one-sided p-value of
    mean(a) - mean(b) < 0: the share of resamples whose mean difference is >= 0, with the +1
    correction, (1 + #{stat >= 0}) / (resamples + 1). NaN when the interval is (no cases, or
    fewer than two groups)."""
    if not 0 < level < 1:
        raise KingmakerError(f"level must be between 0 and 1, got {level!r}")
    if resamples < 1:
        raise KingmakerError(f"resamples must be >= 1, got {resamples!r}")
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ok = np.isfinite(a) & np.isfinite(b)
    d = (a - b)[ok]
    if d.size == 0:
        return Difference(0, math.nan, math.nan, math.nan, level, resamples, 0), math.nan
    if groups is None:
        cluster = np.arange(d.size)
    else:  # clusters numbered in the sorted order of their labels
        _, cluster = np.unique(
            np.asarray(groups, dtype=object)[ok].astype(str), return_inverse=True
        )
    g = int(cluster.max()) + 1
    if g < 2:  # one group: nothing to resample, no interval
        diff = Difference(int(d.size), float(d.mean()), math.nan, math.nan, level, resamples, g)
        return diff, math.nan
    sums = np.bincount(cluster, weights=d, minlength=g)
    sizes = np.bincount(cluster, minlength=g).astype(float)
    rng = generator(normalize_seed(seed), "paired-bootstrap")
    picks = rng.integers(0, g, size=(resamples, g))
    flat = (picks + g * np.arange(resamples)[:, None]).ravel()
    counts = np.bincount(flat, minlength=resamples * g).reshape(resamples, g).astype(float)
    stats = (counts @ sums) / (counts @ sizes)
    tail = (1 - level) / 2
    low, high = np.quantile(stats, [tail, 1 - tail])
    p = float((1 + np.sum(stats >= 0)) / (resamples + 1))
    diff = Difference(int(d.size), float(d.mean()), float(low), float(high), level, resamples, g)
    return diff, p


def central_interval(
    draws: np.ndarray, level: float, axis: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The equal-tailed interval holding ``level`` of the draws along ``axis``."""
    tail = (1 - level) / 2
    low, high = np.quantile(draws, [tail, 1 - tail], axis=axis)
    return low, high


def _wilson(hits: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    if n == 0:
        return math.nan, math.nan
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def coverage(low: np.ndarray, high: np.ndarray, observed: np.ndarray, level: float) -> Coverage:
    """How often ``low <= observed <= high`` (intervals meant to hold ``level`` of outcomes)."""
    lo, hi, o = (np.asarray(x, dtype=float) for x in (low, high, observed))
    ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(o)
    inside = (lo[ok] <= o[ok]) & (o[ok] <= hi[ok])
    n, hits = int(ok.sum()), int(inside.sum())
    w_lo, w_hi = _wilson(hits, n)
    width = float(np.mean(hi[ok] - lo[ok])) if n else math.nan
    return Coverage(level, n, hits, hits / n if n else math.nan, w_lo, w_hi, width)


def conformal_halfwidth(abs_residuals: np.ndarray, level: float) -> float:
    """Split-conformal half-width: the ceil((n+1) level)-th smallest absolute residual.

    Intervals forecast +- this width, for new cases exchangeable with the residuals' cases,
    hold the outcome with probability at least ``level`` (infinite when n is too small).
    """
    r = np.sort(np.asarray(abs_residuals, dtype=float)[np.isfinite(abs_residuals)])
    k = math.ceil((r.size + 1) * level)
    return float(r[k - 1]) if 1 <= k <= r.size else math.inf
