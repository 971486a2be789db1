"""Honest tuning: choose a model variant on a training part, score it once on a test part.

A *family* is a model with one free setting (a blend weight, an exponent, a capability
option), given as its forecasts of every case at each value of a grid. The protocol:

1. **Nested K-fold cross-validation on the training part.** For each fold, the setting with
   the lowest MAE on the other folds forecasts the fold; the family's CV MAE is the MAE of
   those held-out forecasts, so it includes the cost of tuning.
2. **Selection on CV only.** The family with the lowest CV MAE is selected if it beats the
   baseline's MAE on the same training cases; its setting is then tuned on the whole training
   part.
3. **One test.** The selected model (or, if none was selected, the baseline alone) is scored on
   the test part, beside the baseline, with a cluster-bootstrap interval of the difference.

Ties in a grid go to the first value; grids list the baseline-equivalent value first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...errors import KingmakerError
from ...randomness import SeedLike
from ...results.deu3 import FamilyResult, OutOfSample
from .metrics import paired_bootstrap, scores


@dataclass(frozen=True, eq=False)
class Family:
    """A one-setting model: its forecasts (grid values x cases) and the grid's labels."""

    name: str
    description: str
    labels: tuple[str, ...]
    forecasts: np.ndarray

    def __post_init__(self) -> None:
        if self.forecasts.ndim != 2 or self.forecasts.shape[0] != len(self.labels):
            raise ValueError(f"family {self.name}: forecasts must be (grid, cases)")


def _mae(f: np.ndarray, o: np.ndarray) -> np.ndarray:
    return np.nanmean(np.abs(f - o), axis=-1)


def cross_validate(
    family: Family, observed: np.ndarray, train: np.ndarray, fold: np.ndarray
) -> FamilyResult:
    """Nested K-fold CV of a family on the training cases (``fold`` numbers them)."""
    folds = sorted(set(fold[train].tolist()))
    held = np.full(observed.shape, np.nan)
    choices = []
    for k in folds:
        fit = train & (fold != k)
        out = train & (fold == k)
        best = int(np.argmin(_mae(family.forecasts[:, fit], observed[fit])))
        held[out] = family.forecasts[best, out]
        choices.append(family.labels[best])
    final = int(np.argmin(_mae(family.forecasts[:, train], observed[train])))
    return FamilyResult(
        family.name,
        family.description,
        cv_mae=float(np.mean(np.abs(held[train] - observed[train]))),
        fold_choices=tuple(choices),
        choice=family.labels[final],
        train_mae=float(_mae(family.forecasts[final, train], observed[train])),
    )


def out_of_sample(
    families: Sequence[Family],
    baseline: np.ndarray,
    observed: np.ndarray,
    test: np.ndarray,
    fold: np.ndarray,
    groups: np.ndarray,
    *,
    baseline_name: str = "compromise",
    resamples: int = 2000,
    seed: SeedLike = 0,
) -> OutOfSample:
    """Run the protocol; ``test`` marks test cases, ``fold`` numbers the training cases."""
    test = np.asarray(test, dtype=bool)
    train = ~test
    if not train.any() or not test.any():
        raise KingmakerError("the split needs both training and test cases")
    results = tuple(cross_validate(f, observed, train, fold) for f in families)
    base_cv = float(np.mean(np.abs(baseline[train] - observed[train])))
    best = min(results, key=lambda r: r.cv_mae, default=None)
    selected = best if best is not None and best.cv_mae < base_cv else None
    test_base = scores(baseline[test], observed[test])
    sel_scores = diff = forecast = None
    if selected is not None:
        family = next(f for f in families if f.name == selected.name)
        forecast = family.forecasts[family.labels.index(selected.choice)]
        sel_scores = scores(forecast[test], observed[test])
        diff = paired_bootstrap(
            np.abs(forecast[test] - observed[test]),
            np.abs(baseline[test] - observed[test]),
            groups[test],
            resamples=resamples,
            seed=seed,
        )
    return OutOfSample(
        baseline_name,
        int(train.sum()),
        int(test.sum()),
        len(set(fold[train].tolist())),
        base_cv,
        results,
        selected,
        test_base,
        sel_scores,
        diff,
        forecast,
    )
