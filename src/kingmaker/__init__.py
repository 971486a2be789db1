"""Kingmaker: forecast the outcome of a multi-party negotiation and find who can move it.

The Python API mirrors the command line::

    import kingmaker
    scenario = kingmaker.load_scenario("ExampleActors.csv")   # or a YAML file, or an embedded id
    result = kingmaker.forecast(scenario, ["compromise", "median"])
    result.value("compromise", "issue")      # 7.389955686853767
    result.to_frame()                        # a pandas DataFrame
    board = kingmaker.backtest("deu3")       # score every model on DEU III's known outcomes
    sim = kingmaker.simulate(scenario, draws=10_000, seed=1, thresholds=["issue:7"])
    sim.summary("compromise", "issue")       # median, intervals, P(above/below), convergence
    kingmaker.sensitivity(scenario, seed=1)  # tornado and Sobol indices per issue
    kingmaker.advise(kingmaker.load_scenario("us-iraq-2020"), "iran", targets=["troops<30"])
    with kingmaker.open_store() as store:   # the runs every command keeps (kingmaker runs)
        store.summaries(limit=5)

Every analysis returns a frozen record of :mod:`kingmaker.results` (``to_dict`` /
``from_dict``). Names are imported when first used, so ``import kingmaker`` is cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .__about__ import __version__

#: Public name -> module that defines it (imported on first use).
_EXPORTS = {
    "advise": "analysis.influence",
    "backtest": "analysis.backtest",
    "build_scenario": "analysis.inputs",
    "compare": "analysis.paired",
    "forecast": "analysis.forecast",
    "load_scenario": "analysis.inputs",
    "paired": "analysis.paired",
    "parse_scenario_text": "analysis.inputs",
    "sensitivity": "analysis.sensitivity",
    "simulate": "analysis.uncertainty",
    "load_deu3": "datasets.deu3",
    "KingmakerError": "errors",
    "ScenarioError": "errors",
    "Advice": "results",
    "Comparison": "results",
    "Forecast": "results",
    "IssueForecast": "results",
    "Leaderboard": "results",
    "ModelRun": "results",
    "Sensitivity": "results",
    "Simulation": "results",
    "DEFAULT_SCENARIO": "scenario.embedded",
    "Scenario": "scenario.schema",
    "compile_scenario": "scenario.compile",
    "scenario_hash": "scenario.compile",
    "embedded_names": "scenario.embedded",
    "save_scenario": "scenario.io",
    "scenario_text": "scenario.io",
    "scenario_warnings": "scenario.document",
    "StoreError": "errors",
    "open_store": "store",
}


def available_models() -> tuple[str, ...]:
    """Names of the registered models."""
    from .models.registry import available

    return available()


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kingmaker' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = ["__version__", "available_models", *sorted(_EXPORTS)]

if TYPE_CHECKING:  # for type checkers and editors; nothing is imported at run time
    from .analysis.backtest import backtest
    from .analysis.forecast import forecast
    from .analysis.influence import advise
    from .analysis.inputs import build_scenario, load_scenario, parse_scenario_text
    from .analysis.paired import compare, paired
    from .analysis.sensitivity import sensitivity
    from .analysis.uncertainty import simulate
    from .datasets.deu3 import load_deu3
    from .errors import KingmakerError, ScenarioError, StoreError
    from .results import (
        Advice,
        Comparison,
        Forecast,
        IssueForecast,
        Leaderboard,
        ModelRun,
        Sensitivity,
        Simulation,
    )
    from .scenario.compile import compile_scenario, scenario_hash
    from .scenario.document import scenario_warnings
    from .scenario.embedded import DEFAULT_SCENARIO, embedded_names
    from .scenario.io import save_scenario, scenario_text
    from .scenario.schema import Scenario
    from .store import open_store
