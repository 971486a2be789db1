"""Scenarios: the evidence-linked stakeholder model, its file formats and its arrays."""

from typing import TYPE_CHECKING

from .embedded import DEFAULT_SCENARIO, embedded_names
from .io import FORMATS, load_scenario, parse_scenario_text, save_scenario, scenario_text
from .schema import Actor, Evidence, Issue, Quantity, Relation, Scenario, Source

if TYPE_CHECKING:
    from .compile import Batch, ScenarioArrays, compile_scenario, scenario_hash

_COMPILE = ("Batch", "ScenarioArrays", "compile_scenario", "scenario_hash")


def __getattr__(name: str):
    """The arrays side (numpy) is imported on first use: reading and validating a scenario
    does not need it, and `kingmaker validate` starts faster without it."""
    if name in _COMPILE:
        from . import compile as _compile

        return getattr(_compile, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_SCENARIO",
    "FORMATS",
    "Actor",
    "Batch",
    "Evidence",
    "Issue",
    "Quantity",
    "Relation",
    "Scenario",
    "ScenarioArrays",
    "Source",
    "compile_scenario",
    "embedded_names",
    "load_scenario",
    "parse_scenario_text",
    "save_scenario",
    "scenario_hash",
    "scenario_text",
]
