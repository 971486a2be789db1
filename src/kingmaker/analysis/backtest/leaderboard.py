"""From a backtest run to a leaderboard: scores, paired comparisons, calibration, strata.

Every model and reference forecast is scored on the cases it could forecast; the difference
from the baseline model (MAE of the model minus MAE of the baseline, negative = better) is
measured on the cases both forecast, with a cluster bootstrap over the cases' groups.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from ...errors import KingmakerError
from ...randomness import SeedLike
from ...results import jsonable
from .engine import REFERENCES, BacktestRun
from .metrics import Coverage, Difference, Scores, coverage, paired_bootstrap, scores


@dataclass(frozen=True)
class Row:
    key: str
    kind: str  # "model" or "reference"
    title: str
    scores: Scores
    vs_baseline: Difference | None
    coverage: Mapping[float, Coverage]
    failures: int


@dataclass(frozen=True)
class Stratum:
    """MAE of every row on the cases of one stratum value (e.g. rule = unanimity)."""

    name: str
    value: str
    n: int
    mae: Mapping[str, float]


@dataclass(frozen=True, eq=False)
class Leaderboard:
    target: str
    title: str
    description: str
    baseline: str
    rows: tuple[Row, ...]
    strata: tuple[Stratum, ...]
    n_cases: int
    resamples: int
    level: float
    draws: int
    run: BacktestRun

    def row(self, key: str) -> Row:
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def to_dict(self, cases: bool = True) -> dict:
        """The JSON document of ``kingmaker backtest --format json``."""
        run = self.run
        doc = {
            "target": self.target,
            "title": self.title,
            "description": self.description,
            "baseline": self.baseline,
            "n_cases": self.n_cases,
            "models": {
                m.key: {
                    "model": m.model,
                    "title": m.title,
                    "variant": m.variant,
                    "params": dict(m.params),
                    "dynamic": m.dynamic,
                    "stochastic": m.stochastic,
                }
                for m in run.models
            },
            "references": dict(REFERENCES),
            "leaderboard": [
                {
                    "key": r.key,
                    "kind": r.kind,
                    "title": r.title,
                    **asdict(r.scores),
                    "vs_baseline": asdict(r.vs_baseline) if r.vs_baseline else None,
                    "coverage": {f"{lv:g}": asdict(c) for lv, c in r.coverage.items()},
                    "failures": r.failures,
                }
                for r in self.rows
            ],
            "strata": [asdict(s) for s in self.strata],
            "failures": {k: list(v) for k, v in run.failures.items()},
            "resamples": self.resamples,
            "level": self.level,
            "draws": self.draws,
            "seed": run.seed,
            "fingerprint": run.fingerprint,
            "kingmaker_version": run.kingmaker_version,
        }
        if cases:
            doc["cases"] = [
                {
                    "scenario": c.scenario,
                    "issue": c.issue,
                    "observed": c.observed,
                    "group": c.group,
                    "strata": dict(c.strata),
                    "forecasts": {r.key: self.forecast(r.key)[k] for r in self.rows},
                }
                for k, c in enumerate(run.cases)
            ]
        return jsonable(doc)

    def forecast(self, key: str) -> np.ndarray:
        return self.run.forecast(key)


def summarize(
    run: BacktestRun,
    *,
    baseline: str = "compromise",
    resamples: int = 2000,
    level: float = 0.95,
    seed: SeedLike = 0,
    strata: Sequence[str] | None = None,
) -> Leaderboard:
    """The leaderboard of a run, best MAE first (models and reference forecasts together)."""
    if baseline not in run.forecasts:
        raise KingmakerError(
            f"the baseline model {baseline!r} is not among the scored models "
            f"({', '.join(run.forecasts)}); add it with --models"
        )
    observed = run.observed
    abs_base = np.abs(run.forecasts[baseline] - observed)
    rows = []
    entries = [(m.key, "model", m.title) for m in run.models]
    entries += [(k, "reference", text) for k, text in REFERENCES.items()]
    for key, kind, title in entries:
        f = run.forecast(key)
        s = scores(f, observed)
        if s.n == 0:
            continue
        diff = (
            None
            if key == baseline
            else paired_bootstrap(
                np.abs(f - observed),
                abs_base,
                run.groups,
                level=level,
                resamples=resamples,
                seed=seed,
            )
        )
        cov = {
            lv: coverage(lo, hi, observed, lv)
            for lv, (lo, hi) in run.intervals.get(key, {}).items()
        }
        rows.append(Row(key, kind, title, s, diff, cov, len(run.failures.get(key, ()))))
    rows.sort(key=lambda r: (math.isnan(r.scores.mae), r.scores.mae, r.key))
    names = (
        strata
        if strata is not None
        else list(dict.fromkeys(k for c in run.cases for k in c.strata))
    )
    blocks = []
    for name in names:
        values = sorted({c.strata[name] for c in run.cases if name in c.strata})
        for value in values:
            mask = np.array([c.strata.get(name) == value for c in run.cases])
            blocks.append(
                Stratum(
                    name,
                    value,
                    int(mask.sum()),
                    {r.key: scores(run.forecast(r.key)[mask], observed[mask]).mae for r in rows},
                )
            )
    return Leaderboard(
        run.target,
        run.title,
        run.description,
        baseline,
        tuple(rows),
        tuple(blocks),
        len(run.cases),
        resamples,
        level,
        run.draws,
        run,
    )
