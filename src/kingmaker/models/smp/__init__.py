"""KTAB's spatial model of politics (SMP), exactly as KTAB computes it, batched and fast.

The Spatial Model of Politics of the KAPSARC Toolkit for Behavioral Analysis (KTAB; source
lsyaseen/KTAB, examples/smp): actors with positions on one or more dimensions
challenge each other, estimate who would win with probabilistic Condorcet elections and
third-party votes, strike bargains and adopt the most probable one, turn after turn, until the
positions settle. Every option of KTAB's SMPModel is a setting (:mod:`.params`); the default
run reproduces KTAB's own ``smpc`` runs to the last bit (tests/models/test_smp_reference.py).

Modules: :mod:`.ordered` (sums in KTAB's order), :mod:`.election` (votes, coalitions,
victory probabilities, Condorcet elections, risk attitudes), :mod:`.dynamics` (one run, turn
after turn), :mod:`.kernel` (scenario batch in, results out).

The forecast of an issue is the expected position in the final state: the positions KTAB
reports as unique, weighted by KTAB's probabilities of them (``extras["most_probable"]`` holds
the single most probable one).
"""

from __future__ import annotations

from ..base import ModelSpec
from .kernel import kernel
from .params import Params


def _draws_random_numbers(params: Params) -> bool:
    """Only stochastic transitions draw random numbers (from their own seed, if given)."""
    return params.state_transition == "stochastic" and params.seed is None


MODEL = ModelSpec(
    name="smp",
    title="Spatial model of politics (KTAB)",
    summary="KTAB's SMP: challenges, probabilistic Condorcet elections and bargains over "
    "one or more dimensions",
    scope="scenario",
    params=Params,
    kernel=kernel,
    dynamic=True,
    stochastic=_draws_random_numbers,
    reference="KAPSARC Toolkit for Behavioral Analysis (KTAB), SMP; lsyaseen/KTAB",
)

__all__ = ["MODEL", "Params", "kernel"]
