"""Influence analysis: who can move the outcome, and what each lever does.

objective (what an actor wants) -> levers (candidate changes, costs) -> variants (batched
forecasts of changed scenarios) -> target (smallest change to reach a value) -> advice (the
report: presets, ranked levers, targets, paired draws).
"""

from .advice import Advice, Outcome, advise
from .levers import Lever, Steps
from .objective import Objective
from .target import Target, TargetResult

__all__ = ["Advice", "Lever", "Objective", "Outcome", "Steps", "Target", "TargetResult", "advise"]
