"""Influence analysis: who can move the outcome, and what each lever does.

objective (what an actor wants) -> levers (candidate changes, costs) -> variants (batched
forecasts of changed scenarios) -> target (smallest change to reach a value) -> advice (the
report: presets, ranked levers, targets, paired draws). The record it returns is
:class:`kingmaker.results.Advice`.
"""

from .advice import advise
from .levers import Lever
from .objective import Objective

__all__ = ["Lever", "Objective", "advise"]
