"""Backtests: how good the forecasts are on decisions with known outcomes.

``kingmaker.backtest("deu3")`` scores every model on DEU III; ``kingmaker.backtest(scenario)``
on a scenario's issues that record an outcome. The pipeline: a :class:`~.engine.Target`
(scenarios + scored cases) -> :func:`~.engine.run_backtest` (forecasts, chunked through an
executor) -> :func:`~.leaderboard.summarize` (scores, paired bootstrap, calibration, strata).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ...errors import KingmakerError
from ...randomness import SeedLike
from ...results.backtest import BacktestRun, Case, Leaderboard
from ...scenario.schema import Scenario
from .engine import Executor, Target, run_backtest, scenario_target
from .leaderboard import summarize

#: Datasets that `backtest` accepts by name.
DATASETS = ("deu3",)


def backtest_target(
    source: str | Scenario | Target,
    *,
    capability: str | None = None,
    unit: str | None = None,
    uncertainty=None,
    input_format: str | None = None,
) -> Target:
    """A target from a dataset name, a scenario, or a scenario file / embedded name."""
    if isinstance(source, Target):
        return source
    if isinstance(source, str) and source in DATASETS:
        from ...datasets.deu3 import capability_option, unit_option
        from .deu3_target import backtest_target as deu3_target

        # the names come from users (CLI, API): checked here, with the loader's own errors
        return deu3_target(
            capability=capability_option(capability or "equal"),
            unit=unit_option(unit or "proposal"),
            uncertainty=uncertainty,
        )
    if capability is not None or unit is not None:
        raise KingmakerError(
            "apply to the DEU III dataset (deu3), not to a scenario, whose capabilities are "
            "its own",
            parameter="capability" if capability is not None else "unit",
        )
    if isinstance(source, str):
        from ..inputs import load_scenario

        source = load_scenario(source, format=input_format)
    return scenario_target(source)


def backtest(
    source: str | Scenario | Target,
    models: Sequence[str] | None = None,
    *,
    capability: str | None = None,
    unit: str | None = None,
    seed: SeedLike = 0,
    resamples: int = 2000,
    draws: int = 0,
    uncertainty=None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    input_format: str | None = None,
) -> Leaderboard:
    """Score models against recorded outcomes; see the module docstring.

    ``draws`` > 0 also measures the coverage of each model's Monte Carlo 80% and 95% intervals
    (for DEU III, with ``uncertainty`` or the stated default, since the data have no ranges).
    """
    if draws and uncertainty is None and source == "deu3":
        from .deu3 import DEFAULT_UNCERTAINTY

        uncertainty = DEFAULT_UNCERTAINTY
    target = backtest_target(
        source,
        capability=capability,
        unit=unit,
        uncertainty=uncertainty,
        input_format=input_format,
    )
    run = run_backtest(
        target,
        models,
        seed=seed,
        draws=draws,
        settings=settings,
        executor=executor,
        progress=progress,
    )
    baseline = "compromise" if "compromise" in run.forecasts else run.models[0].key
    return summarize(run, baseline=baseline, resamples=resamples, seed=seed)


__all__ = [
    "DATASETS",
    "BacktestRun",
    "Case",
    "Leaderboard",
    "Target",
    "backtest",
    "backtest_target",
    "run_backtest",
    "scenario_target",
    "summarize",
]
