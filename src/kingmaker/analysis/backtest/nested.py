"""Repeated nested cross-validation by group, with cross-conformal intervals and sets.

The second accuracy round's primary evaluation (docs/reference/backtest.md, "Protocol of the
second accuracy round"): over *all* scored cases, R repetitions of K outer folds by group; in
each outer fold, a family's setting is tuned by an inner cross-validation on the other folds
only, then forecasts the fold. A case's held-out error is the mean absolute error of its R
held-out forecasts; a family's statistic is the mean over cases of its error minus the
baseline's, with a cluster bootstrap by group.

Cross-conformal intervals use the same folds: for outer fold k the half-width at level l comes
from the absolute residuals of *nested* held-out forecasts of the other folds (each inner fold
forecast at the setting tuned on the other inner folds), so no outcome of fold k, and no
residual of a setting chosen with its own outcome, is used. Coverage is counted on fold k.

A family is given as its forecasts at every grid value (:class:`~.tuning.Family`), so tuning
is selecting rows: the whole procedure is array indexing and costs seconds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...errors import KingmakerError
from ...randomness import normalize_seed, substream
from ...results.deu3 import Calibration, NestedResult
from .metrics import conformal_halfwidth, paired_bootstrap
from .split import grouped_folds
from .tuning import Family

LEVELS = (0.5, 0.8, 0.95)
REPETITIONS = 10
OUTER_FOLDS = 5
INNER_FOLDS = 4
#: Two positions closer than this count as the same candidate outcome.
SAME = 1e-9


@dataclass(frozen=True, eq=False)
class Candidates:
    """Candidate outcomes of each case and their probability at each grid value of a family.

    ``values`` (cases, K) NaN-padded; ``probabilities`` (grid, cases, K), 0 on padding.
    """

    values: np.ndarray
    probabilities: np.ndarray


def _group_folds(groups: np.ndarray, mask: np.ndarray, k: int, seed) -> np.ndarray:
    """Fold number of each case in ``mask`` (-1 elsewhere), folds by group."""
    fold_of = grouped_folds(groups[mask].tolist(), k, seed)
    return np.array([fold_of[g] if m else -1 for g, m in zip(groups, mask, strict=True)])


def tune(forecasts: np.ndarray, observed: np.ndarray, fit: np.ndarray) -> int:
    """Grid index with the lowest MAE on the ``fit`` cases (ties: the first, which grids list
    closest to the baseline)."""
    err = np.nanmean(np.abs(forecasts[:, fit] - observed[fit]), axis=-1)
    return int(np.argmin(err))


def _nested_residual_forecast(
    forecasts: np.ndarray, observed: np.ndarray, train: np.ndarray, inner: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(cases,) nested held-out forecasts of the training cases (NaN elsewhere) and the grid
    index used for each, from an inner CV on ``train`` only."""
    out = np.full(observed.shape, np.nan)
    used = np.full(observed.shape, -1)
    for j in sorted(set(inner[train].tolist())):
        here = train & (inner == j)
        best = tune(forecasts, observed, train & (inner != j))
        out[here] = forecasts[best, here]
        used[here] = best
    return out, used


def set_scores(cands: Candidates, g: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Conformity score of each case's outcome under grid values ``g`` (per case): the total
    probability of the candidates at least as probable as the outcome; +inf when the outcome
    is no candidate."""
    rows = np.arange(observed.size)
    p = cands.probabilities[g, rows]  # (cases, K)
    hit = np.abs(cands.values - observed[:, None]) <= SAME
    p_obs = np.where(hit, p, -1.0).max(axis=-1)
    score = np.where(p >= p_obs[:, None] - 1e-15, p, 0.0).sum(axis=-1)
    return np.where(hit.any(axis=-1), score, np.inf)


def prediction_sets(cands: Candidates, rows: np.ndarray, g: int, threshold: float) -> np.ndarray:
    """(len(rows), K) membership for the cases ``rows`` at grid value ``g``: the candidates
    whose own score would be <= ``threshold``."""
    p = cands.probabilities[g, rows]
    valid = np.isfinite(cands.values[rows])
    own = (np.where(p[:, None, :] >= p[:, :, None] - 1e-15, p[:, None, :], 0.0)).sum(axis=-1)
    return valid & (own <= threshold + 1e-12)


def nested_cv(
    family: Family,
    baseline: np.ndarray,
    observed: np.ndarray,
    groups: Sequence[str],
    scale: tuple[np.ndarray, np.ndarray],
    *,
    candidates: Candidates | None = None,
    repetitions: int = REPETITIONS,
    outer_folds: int = OUTER_FOLDS,
    inner_folds: int = INNER_FOLDS,
    levels: Sequence[float] = LEVELS,
    seed=0,
    resamples: int = 2000,
) -> NestedResult:
    """Run the protocol of the module docstring for one family (the baseline is a family of
    one grid value)."""
    observed = np.asarray(observed, dtype=float)
    groups_a = np.asarray(groups, dtype=object).astype(str)
    n = observed.size
    if family.forecasts.shape[1] != n or baseline.shape != (n,):
        raise KingmakerError("family, baseline and observed must cover the same cases")
    lo, hi = (np.asarray(s, dtype=float) for s in scale)
    root = normalize_seed(seed)
    everyone = np.ones(n, dtype=bool)
    held = np.full((repetitions, n), np.nan)
    held_g = np.full((repetitions, n), -1)
    choices = []
    hits = {lv: np.zeros((repetitions, n)) for lv in levels}
    widths = {lv: np.zeros((repetitions, n)) for lv in levels}
    set_hits = {lv: np.zeros((repetitions, n)) for lv in levels}
    set_size = {lv: np.zeros((repetitions, n)) for lv in levels}
    union_hits = {lv: np.zeros((repetitions, n)) for lv in levels}
    for r in range(repetitions):
        outer = _group_folds(groups_a, everyone, outer_folds, substream(root, "accuracy-cv", r))
        labels = []
        for k in range(outer_folds):
            test = outer == k
            train = ~test
            best = tune(family.forecasts, observed, train)
            labels.append(family.labels[best])
            held[r, test] = family.forecasts[best, test]
            held_g[r, test] = best
            inner = _group_folds(
                groups_a, train, inner_folds, substream(root, "accuracy-cv", r, "inner", k)
            )
            nested, used = _nested_residual_forecast(family.forecasts, observed, train, inner)
            residuals = np.abs(nested[train] - observed[train])
            if candidates is not None:
                scores = set_scores(candidates, np.maximum(used, 0), observed)[train]
            for lv in levels:
                h = conformal_halfwidth(residuals, lv) * np.ones(int(test.sum()))
                f = held[r, test]
                low = np.maximum(f - h, lo[test])
                high = np.minimum(f + h, hi[test])
                inside = (low <= observed[test]) & (observed[test] <= high)
                hits[lv][r, test] = inside
                widths[lv][r, test] = high - low
                if candidates is not None:
                    t = _conformal_threshold(scores, lv)
                    member = prediction_sets(candidates, np.nonzero(test)[0], best, t)
                    vals = candidates.values[test]
                    in_set = (member & (np.abs(vals - observed[test][:, None]) <= SAME)).any(
                        axis=-1
                    )
                    set_hits[lv][r, test] = in_set
                    set_size[lv][r, test] = member.sum(axis=-1)
                    union_hits[lv][r, test] = in_set | inside
        choices.append(tuple(labels))
    err = np.nanmean(np.abs(held - observed), axis=0)
    base_err = np.abs(baseline - observed)
    diff = paired_bootstrap(err, base_err, groups_a, resamples=resamples, seed=seed)

    def pooled(table, size) -> tuple[Calibration, ...]:
        out = []
        for lv in levels:
            rate = table[lv].mean(axis=0)  # per case, over repetitions
            ci = paired_bootstrap(rate, np.zeros(n), groups_a, resamples=resamples, seed=seed)
            out.append(
                Calibration(lv, n, float(rate.mean()), ci.low, ci.high, float(size[lv].mean()))
            )
        return tuple(out)

    return NestedResult(
        family.name,
        family.description,
        n,
        repetitions,
        outer_folds,
        float(err.mean()),
        float(base_err.mean()),
        diff,
        tuple(choices),
        pooled(hits, widths),
        pooled(set_hits, set_size) if candidates is not None else (),
        pooled(union_hits, widths) if candidates is not None else (),
        held,
    )


def _conformal_threshold(scores: np.ndarray, level: float) -> float:
    """The ceil((n+1) level)-th smallest score (inf when there are too few, or it is inf)."""
    s = np.sort(scores)
    k = math.ceil((s.size + 1) * level)
    return float(s[k - 1]) if 1 <= k <= s.size else math.inf
