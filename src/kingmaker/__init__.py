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
"""

from .__about__ import __version__
from .analysis.backtest import backtest
from .analysis.forecast import forecast
from .analysis.influence import Advice, advise
from .analysis.inputs import build_scenario, load_scenario, parse_scenario_text
from .analysis.sensitivity import Sensitivity, sensitivity
from .analysis.uncertainty import Comparison, Simulation, compare, paired, simulate
from .datasets.deu3 import load_deu3
from .errors import KingmakerError, ScenarioError
from .models.registry import available as available_models
from .results import Forecast, IssueForecast, ModelRun
from .scenario import (
    DEFAULT_SCENARIO,
    Scenario,
    compile_scenario,
    embedded_names,
    save_scenario,
    scenario_text,
)
from .scenario.document import scenario_warnings

__all__ = [
    "DEFAULT_SCENARIO",
    "Advice",
    "Comparison",
    "Forecast",
    "IssueForecast",
    "KingmakerError",
    "ModelRun",
    "Scenario",
    "ScenarioError",
    "Sensitivity",
    "Simulation",
    "__version__",
    "advise",
    "available_models",
    "backtest",
    "build_scenario",
    "compare",
    "compile_scenario",
    "embedded_names",
    "forecast",
    "load_deu3",
    "load_scenario",
    "paired",
    "parse_scenario_text",
    "save_scenario",
    "scenario_text",
    "scenario_warnings",
    "sensitivity",
    "simulate",
]
