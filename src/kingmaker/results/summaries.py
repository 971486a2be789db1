"""Summaries of a quantity over Monte Carlo draws: the parts simulation, comparison and advice
records are made of, and the pure functions that compute them from the draws."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .record import jsonable, number

#: Central intervals reported, as (name, lower quantile, upper quantile).
INTERVALS = (("interval80", 0.10, 0.90), ("interval95", 0.025, 0.975))


@dataclass(frozen=True)
class Threshold:
    """Report the probability that an issue's outcome lands above / below ``value``."""

    issue: str
    value: float


def _pair(values: Sequence[Any]) -> tuple[float, float]:
    return number(values[0]), number(values[1])


@dataclass(frozen=True)
class Distribution:
    """Summary statistics of one quantity over the draws (NaN draws left out and counted)."""

    draws: int
    mean: float
    std: float
    median: float
    interval80: tuple[float, float]
    interval95: tuple[float, float]

    @classmethod
    def of(cls, values: np.ndarray) -> Distribution:
        v = values[np.isfinite(values)]
        if v.size == 0:
            nan = math.nan
            return cls(0, nan, nan, nan, (nan, nan), (nan, nan))
        q = np.quantile(v, [0.5] + [p for _, lo, hi in INTERVALS for p in (lo, hi)])
        return cls(
            int(v.size),
            float(np.mean(v)),
            float(np.std(v, ddof=1)) if v.size > 1 else 0.0,
            float(q[0]),
            (float(q[1]), float(q[2])),
            (float(q[3]), float(q[4])),
        )

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "draws": self.draws,
                "mean": self.mean,
                "std": self.std,
                "median": self.median,
                "interval80": list(self.interval80),
                "interval95": list(self.interval95),
            }
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Distribution:
        return cls(
            int(doc["draws"]),
            number(doc["mean"]),
            number(doc["std"]),
            number(doc["median"]),
            _pair(doc["interval80"]),
            _pair(doc["interval95"]),
        )


@dataclass(frozen=True)
class OutcomeSummary:
    """A model's forecast of one issue over the draws."""

    point: float
    distribution: Distribution
    thresholds: tuple[tuple[float, float, float], ...]  # (value, P(above), P(below))
    converged: float
    rounds_mean: float

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "point": self.point,
                **self.distribution.to_dict(),
                "thresholds": [{"value": v, "above": a, "below": b} for v, a, b in self.thresholds],
                "converged": self.converged,
                "rounds_mean": self.rounds_mean,
            }
        )


def summarize(
    point: float,
    values: np.ndarray,
    converged: np.ndarray,
    rounds: np.ndarray,
    thresholds: Sequence[float],
) -> OutcomeSummary:
    n = values.size
    probs = tuple(
        (
            float(t),
            float(np.count_nonzero(values > t)) / n,
            float(np.count_nonzero(values < t)) / n,
        )
        for t in thresholds
    )
    return OutcomeSummary(
        float(point),
        Distribution.of(values),
        probs,
        float(np.count_nonzero(converged)) / n,
        float(np.mean(rounds)),
    )


@dataclass(frozen=True)
class DifferenceSummary:
    """The distribution of b - a over paired draws.

    ``se`` is the standard error of the mean difference on these paired draws;
    ``se_independent`` what it would be had a and b been run on independent draws: their
    ratio shows what pairing gained.
    """

    distribution: Distribution
    p_positive: float
    p_negative: float
    se: float
    se_independent: float

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                **self.distribution.to_dict(),
                "p_positive": self.p_positive,
                "p_negative": self.p_negative,
                "se": self.se,
                "se_independent": self.se_independent,
            }
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> DifferenceSummary:
        return cls(
            Distribution.from_dict(doc),
            number(doc["p_positive"]),
            number(doc["p_negative"]),
            number(doc["se"]),
            number(doc["se_independent"]),
        )


def difference_summary(a: np.ndarray, b: np.ndarray) -> DifferenceSummary:
    d = b - a
    n = d.size
    dist = Distribution.of(d)
    var_a = float(np.var(a, ddof=1)) if n > 1 else 0.0
    var_b = float(np.var(b, ddof=1)) if n > 1 else 0.0
    return DifferenceSummary(
        dist,
        float(np.count_nonzero(d > 0)) / n,
        float(np.count_nonzero(d < 0)) / n,
        dist.std / math.sqrt(n),
        math.sqrt((var_a + var_b) / n),
    )
