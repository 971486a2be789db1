"""Records of the DEU III backtest page (docs/backtest.md): what the analysis computed.

:mod:`kingmaker.analysis.backtest` fills them (the first round's out-of-sample test, the
second round's nested cross-validation, calibration, data notes); :mod:`kingmaker.report.backtest`
renders them. Frozen data, no computation beyond the verdicts the pre-registered protocol
defines (docs/reference/backtest.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .backtest import Coverage, Difference, Leaderboard, Scores

#: Hypotheses looked at on the test part so far: the first round's families (one) + four.
HOLM_M = 5
#: The protocol's bar and stretch target for calling a candidate better (MAE difference).
BAR, STRETCH = -0.5, -1.0


@dataclass(frozen=True)
class FamilyResult:
    name: str
    description: str
    cv_mae: float
    fold_choices: tuple[str, ...]
    choice: str
    train_mae: float


@dataclass(frozen=True, eq=False)
class OutOfSample:
    """The outcome of the protocol in the module docstring."""

    baseline: str
    n_train: int
    n_test: int
    folds: int
    baseline_cv_mae: float
    families: tuple[FamilyResult, ...]
    selected: FamilyResult | None
    test_baseline: Scores
    test_selected: Scores | None
    test_difference: Difference | None
    test_forecast: np.ndarray | None

    def tested(self) -> tuple[FamilyResult, Scores, Difference] | None:
        """The selected family, its test scores and difference, when one was selected."""
        if self.selected is None or self.test_selected is None or self.test_difference is None:
            return None
        return self.selected, self.test_selected, self.test_difference


@dataclass(frozen=True)
class Calibration:
    """Pooled coverage of intervals (or sets) meant to hold ``level`` of outcomes."""

    level: float
    n: int
    coverage: float
    low: float  # cluster-bootstrap interval of the coverage
    high: float
    width: float  # mean interval width (for sets: mean number of candidates)


@dataclass(frozen=True, eq=False)
class NestedResult:
    """One family's repeated nested cross-validation."""

    name: str
    description: str
    n: int
    repetitions: int
    folds: int
    mae: float  # mean over cases of the mean held-out absolute error
    baseline_mae: float
    difference: Difference  # candidate - baseline, cluster bootstrap by group
    choices: tuple[tuple[str, ...], ...]  # (repetition, fold) -> tuned label
    intervals: tuple[Calibration, ...]
    sets: tuple[Calibration, ...] = ()
    union: tuple[Calibration, ...] = ()
    held: np.ndarray | None = None  # (repetitions, cases) held-out forecasts

    def choice_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rep in self.choices:
            for label in rep:
                counts[label] = counts.get(label, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


@dataclass(frozen=True, eq=False)
class TestScore:
    """The single look at the committed test part, for the pre-registered final candidate."""

    candidate: str
    setting: str
    n: int
    candidate_scores: Scores
    baseline_scores: Scores
    difference: Difference
    p_value: float  # one-sided, cluster bootstrap: P(difference >= 0)
    holm_p: float


@dataclass(frozen=True, eq=False)
class AccuracyRound:
    baseline: NestedResult
    candidates: tuple[NestedResult, ...]
    final: str | None  # the pre-registered final candidate, when its interval is below 0
    test: TestScore | None

    def candidate(self, name: str) -> NestedResult:
        return next(c for c in self.candidates if c.name == name)

    @property
    def best(self) -> NestedResult:
        return min(self.candidates, key=lambda c: c.difference.estimate)

    def verdict(self, result: NestedResult) -> str:
        d = result.difference
        if d.high < 0 and d.estimate <= STRETCH:
            return "better (stretch target met)"
        if d.high < 0 and d.estimate <= BAR:
            return "better (bar met)"
        if d.high < 0:
            return "lower, but by less than the bar"
        if d.low > 0:
            return "worse"
        return "no difference shown"

    def to_dict(self) -> dict[str, Any]:
        def cal(items) -> dict[str, Any]:
            return {
                f"{c.level:g}": {
                    "n": c.n,
                    "coverage": c.coverage,
                    "low": c.low,
                    "high": c.high,
                    "width": c.width,
                }
                for c in items
            }

        def nested(r: NestedResult) -> dict[str, Any]:
            return {
                "mae": r.mae,
                "baseline_mae": r.baseline_mae,
                "mae_diff": r.difference.estimate,
                "ci": [r.difference.low, r.difference.high],
                "level": r.difference.level,
                "clusters": r.difference.clusters,
                "verdict": self.verdict(r),
                "choices": r.choice_counts(),
            }

        best = self.best
        out: dict[str, Any] = {
            "nested_cv": {
                "baseline": "compromise",
                "n": self.baseline.n,
                "repetitions": self.baseline.repetitions,
                "folds": self.baseline.folds,
                "best": best.name,
                "mae_diff": best.difference.estimate,
                "ci": [best.difference.low, best.difference.high],
                "final": self.final,
                "candidates": {c.name: nested(c) for c in self.candidates},
            },
            "calibration": {
                "model": "compromise",
                "method": "cross-conformal by proposal within the nested CV",
                "cross_conformal": cal(self.baseline.intervals),
                "candidates": {
                    c.name: {
                        "cross_conformal": cal(c.intervals),
                        **(
                            {"sets": cal(c.sets), "set_or_interval": cal(c.union)} if c.sets else {}
                        ),
                    }
                    for c in self.candidates
                },
            },
            "candidates": {
                c.name: {
                    "nested_cv": nested(c),
                    "calibration": {"cross_conformal": cal(c.intervals)},
                }
                for c in self.candidates
            },
            "test": None,
        }
        if self.test is not None:
            t = self.test
            out["test"] = {
                "candidate": t.candidate,
                "setting": t.setting,
                "n": t.n,
                "mae": t.candidate_scores.mae,
                "baseline_mae": t.baseline_scores.mae,
                "mae_diff": t.difference.estimate,
                "ci": [t.difference.low, t.difference.high],
                "p_value": t.p_value,
                "holm_p": t.holm_p,
                "holm_m": HOLM_M,
            }
        return out


@dataclass(frozen=True, eq=False)
class DataNotes:
    """What the loader found in the file: counts, dates, periods, ambiguous rows."""

    issues: int
    proposals: int
    with_outcome: int
    with_reference_point: int
    with_both: int
    missing_salience: int
    spreadsheet_dates: int
    date_cells: int
    periods: Mapping[str, int]
    estimated: tuple[Any, ...]  # datasets.deu3.Deu3Issue rows
    ambiguous: tuple[Any, ...]
    median_days: int


@dataclass(frozen=True, eq=False)
class Conformal:
    level: float
    halfwidth: float
    test: Coverage


@dataclass(frozen=True, eq=False)
class Deu3Report:
    leaderboards: Mapping[str, Leaderboard]
    calibration: Leaderboard | None
    uncertainty: Any  # datasets.deu3.Uncertainty
    conformal: tuple[Conformal, ...]
    oos: OutOfSample
    notes: DataNotes
    seed: int
    resamples: int
    accuracy: AccuracyRound | None = None
    flagship: Leaderboard | None = None
    calibration_table: Mapping[str, Any] | None = None
    #: SHA-256 of what the page is computed from (analysis.backtest.fingerprint)
    inputs_fingerprint: str = ""
