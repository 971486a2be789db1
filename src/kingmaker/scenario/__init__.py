"""Scenarios: the evidence-linked stakeholder model, its file formats and its arrays."""

from .compile import Batch, ScenarioArrays, compile_scenario, scenario_hash
from .embedded import DEFAULT_SCENARIO, embedded_names
from .io import FORMATS, load_scenario, parse_scenario_text, save_scenario, scenario_text
from .schema import Actor, Evidence, Issue, Quantity, Relation, Scenario, Source

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
