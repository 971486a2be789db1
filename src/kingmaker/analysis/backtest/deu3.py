"""The DEU III backtest: leaderboards per capability option, calibration, out-of-sample test.

:func:`deu3_report` gathers everything docs/backtest.md shows; :mod:`.markdown` writes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from ...datasets import deu3 as data
from ...errors import KingmakerError
from ...results.backtest import Leaderboard
from ...results.deu3 import Conformal, DataNotes, Deu3Report
from .accuracy import accuracy_round, calibration_table
from .candidates import generic_families, option_family, scaled_actors
from .deu3_target import backtest_target, read_split
from .engine import Executor, case_batch, run_backtest
from .fingerprint import inputs_fingerprint
from .leaderboard import summarize
from .metrics import conformal_halfwidth, coverage
from .tuning import Family, out_of_sample

#: The stated uncertainty of DEU III numbers used for calibration (see data.Uncertainty).
DEFAULT_UNCERTAINTY = data.Uncertainty()
MISSING_SALIENCE_GRID = (0.0, 0.25, 0.5, 1.0)
LEVELS = (0.8, 0.95)
#: The embedded scenario whose own observed outcomes the page also scores.
FLAGSHIP = "us-iraq-2020"


def data_notes(path=None) -> DataNotes:
    d = data.read_deu3(path)
    first: dict[str, data.Deu3Issue] = {}
    for r in d.issues:
        first.setdefault(r.proposal, r)
    cells = [r.introduced for r in first.values()] + [r.final_act for r in first.values()]
    return DataNotes(
        issues=len(d.issues),
        proposals=len(first),
        with_outcome=sum(r.outcome is not None for r in d.issues),
        with_reference_point=sum(r.reference_point is not None for r in d.issues),
        with_both=sum(r.outcome is not None and r.reference_point is not None for r in d.issues),
        missing_salience=sum(v is None for r in d.issues for v in r.saliences.values()),
        spreadsheet_dates=sum(c.how == "spreadsheet year-first" for c in cells),
        date_cells=len(cells),
        periods=dict(
            sorted(Counter(r.period.period for r in d.issues if r.outcome is not None).items())
        ),
        estimated=tuple(r for r in first.values() if r.period.basis == "estimated"),
        ambiguous=tuple(r for r in first.values() if r.period.ambiguous),
        median_days=d.median_days_to_adoption,
    )


def split_masks(target) -> tuple[np.ndarray, np.ndarray]:
    """(test mask, fold numbers) of a DEU III target's cases from the committed split."""
    rows = {r.issue: r for r in read_split()}
    missing = [c.issue for c in target.cases if c.issue not in rows]
    if missing or len(rows) != len(target.cases):
        raise KingmakerError(
            "the committed DEU III split does not match the data's scored "
            f"issues (e.g. {missing[:3]}); rerun scripts/make_deu3_split.py"
        )
    test = np.array([rows[c.issue].part == "test" for c in target.cases])
    fold = np.array(
        [-1 if rows[c.issue].fold is None else rows[c.issue].fold for c in target.cases]
    )
    return test, fold


def deu3_families(target) -> list[Family]:
    """Every candidate family on DEU III (the first value of each is the compromise model)."""
    batch = case_batch(target)
    families = generic_families(batch)
    families.append(
        scaled_actors(
            batch,
            data.INSTITUTIONS,
            "institutions-weight",
            "weighted mean with the Commission's and the Parliament's capability multiplied",
        )
    )
    families.append(
        option_family(
            "capability-option",
            "weighted mean under each capability option of the loader",
            data.CAPABILITIES,
            lambda o: case_batch(backtest_target(capability=data.capability_option(o))),
        )
    )
    families.append(
        option_family(
            "missing-salience",
            "weighted mean with the salience given to actors whose salience is missing",
            [f"{v:g}" for v in MISSING_SALIENCE_GRID],
            lambda o: case_batch(backtest_target(missing_salience=float(o))),
        )
    )
    return families


def deu3_report(
    models: Sequence[str] | None = None,
    *,
    seed: int = 0,
    resamples: int = 2000,
    draws: int = 200,
    uncertainty: data.Uncertainty = DEFAULT_UNCERTAINTY,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    executor: Executor | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Deu3Report:
    """Everything docs/backtest.md reports. ``progress(stage, done, total)``."""

    def stage(name: str):
        return None if progress is None else (lambda done, total: progress(name, done, total))

    boards: dict[str, Leaderboard] = {}
    for option in data.CAPABILITIES:
        target = backtest_target(capability=option)
        run = run_backtest(
            target,
            models,
            seed=seed,
            settings=settings,
            executor=executor,
            progress=stage(f"capability {option}"),
        )
        boards[option] = summarize(run, resamples=resamples, seed=seed)
    equal = backtest_target()
    test, fold = split_masks(equal)
    calibration = None
    if draws:
        ranged = backtest_target(uncertainty=uncertainty)
        run = run_backtest(
            ranged,
            models,
            seed=seed,
            draws=draws,
            levels=LEVELS,
            settings=settings,
            executor=executor,
            progress=stage("calibration draws"),
        )
        calibration = summarize(run, resamples=resamples, seed=seed)
    base = boards["equal"].run
    observed, forecast = base.observed, base.forecasts["compromise"]
    residuals = np.abs(forecast - observed)[~test]
    conformal = []
    for level in LEVELS:
        h = conformal_halfwidth(residuals, level)
        lo = np.clip(forecast - h, 0, 100)
        hi = np.clip(forecast + h, 0, 100)
        conformal.append(Conformal(level, h, coverage(lo[test], hi[test], observed[test], level)))
    oos = out_of_sample(
        deu3_families(equal),
        forecast,
        observed,
        test,
        fold,
        base.groups,
        resamples=resamples,
        seed=seed,
    )
    accuracy = accuracy_round(equal, test=test, seed=seed, resamples=resamples)
    from ..inputs import load_scenario
    from .engine import scenario_target

    flagship_run = run_backtest(
        scenario_target(load_scenario(FLAGSHIP)),
        models,
        seed=seed,
        settings=settings,
        progress=stage("flagship"),
    )
    flagship = summarize(flagship_run, resamples=resamples, seed=seed)
    return Deu3Report(
        boards,
        calibration,
        uncertainty,
        tuple(conformal),
        oos,
        data_notes(),
        seed,
        resamples,
        accuracy,
        flagship,
        calibration_table(base, seed=seed, resamples=resamples),
        inputs_fingerprint(),
    )
