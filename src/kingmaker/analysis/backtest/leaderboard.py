"""From a backtest run to a leaderboard: scores, paired comparisons, calibration, strata.

Every model and reference forecast is scored on the cases it could forecast; the difference
from the baseline model (MAE of the model minus MAE of the baseline, negative = better) is
measured on the cases both forecast, with a cluster bootstrap over the cases' groups.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from ...errors import KingmakerError
from ...randomness import SeedLike
from ...results import Provenance
from ...results.backtest import BacktestRun, Leaderboard, Row, Stratum
from .engine import REFERENCES
from .metrics import coverage, paired_bootstrap, scores


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
            f"({', '.join(run.forecasts)}); add it to the models"
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
    provenance = Provenance(
        kind=Leaderboard.kind,
        scenario=run.target,
        scenario_hash=run.fingerprint,
        models=run.models,
        seed=run.seed,
        draws=run.draws,
        kingmaker_version=run.kingmaker_version,
    )
    return Leaderboard(
        provenance,
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
