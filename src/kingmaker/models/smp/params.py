"""The SMP's settings: every option of KTAB's SMPModel, with KTAB's defaults.

Each of KTAB's XML ``ModelParameters`` (VictoryProbModel, PCEModel, StateTransitions,
VotingRule, BigRAdjust, BigRRange, ThirdPartyCommit, InterVecBrgn, BargnModel) is a setting
here in snake case (the KTAB XML importer translates the names). The stopping rule's numbers
are KTAB's constants (SMPModel::configExec), exposed so they can be studied.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat, model_validator

from ...scenario.schema import Id
from ..base import ModelParams

VictoryProbability = Literal["linear", "square", "quartic", "octic", "binary"]
PCEModel = Literal["conditional", "markov_incentive", "markov_uniform"]
StateTransition = Literal["deterministic", "stochastic"]
VotingRule = Literal["binary", "prop_bin", "proportional", "prop_cubic", "cubic", "asym_prospect"]
BigRAdjust = Literal["none", "one_third", "half", "two_thirds", "full"]
BigRRange = Literal["min", "mid", "max"]
ThirdPartyCommit = Literal["none", "semi", "full"]
BargainInterpolation = Literal["s1p1", "s2p2", "s2pmax"]
BargainModel = Literal["init_only", "init_rcvr", "pw_compromise"]
Dimensions = Literal["auto", "joint", "separate"]


class IdealAdjustment(ModelParams):
    """One of KTAB's ``iaPair``: how fast ``actor`` moves its ideal toward ``toward``'s position.

    Unlisted pairs keep KTAB's identity matrix: 1 for an actor toward itself, else 0. Each
    actor's rates must add up to at most 1; what is left keeps the old ideal (inertia).
    """

    actor: Id
    toward: Id
    rate: float = Field(ge=0, le=1)


class Params(ModelParams):
    victory_probability: VictoryProbability = Field(
        "linear", description="how coalition strength ratios become victory odds"
    )
    pce: PCEModel = Field("conditional", description="probabilistic Condorcet election model")
    state_transition: StateTransition = Field(
        "deterministic", description="pick each actor's most probable bargain, or draw one"
    )
    voting_rule: VotingRule = Field(
        "proportional", description="how a difference in utility becomes a vote"
    )
    big_r_adjust: BigRAdjust = Field(
        "one_third", description="how much of i's own risk attitude h sees in i"
    )
    big_r_range: BigRRange = Field(
        "mid", description="range of inferred risk attitudes: [0,1], [-1/2,1] or [-1,1]"
    )
    third_party_commit: ThirdPartyCommit = Field(
        "semi", description="how committed third parties are to the side they join"
    )
    bargain_interpolation: BargainInterpolation = Field(
        "s2p2", description="how a bargain interpolates the two positions"
    )
    bargain_model: BargainModel = Field(
        "init_only", description="whose perspective forms the proposed bargain"
    )
    rounds: int = Field(100, ge=1, description="at most this many turns (KTAB maxIter)")
    min_rounds: int = Field(2, ge=1, description="never stop for quiet before this turn")
    min_delta_ratio: PositiveFloat = Field(
        0.02, description="stop when a turn moves less than this fraction of the first turn"
    )
    min_significant_delta: NonNegativeFloat = Field(
        1e-4, description="added to the first turn's movement (avoids 0/0)"
    )
    position_tolerance: PositiveFloat = Field(
        1e-3, description="positions closer than this (on a 0-1 scale) count as one"
    )
    dimensions: Dimensions = Field(
        "auto", description="issues as one space (KTAB), one model per issue, or auto"
    )
    ideal_adjustment: tuple[IdealAdjustment, ...] = Field(
        (), description="KTAB's IdealAdjustment pairs (default: ideal = position)"
    )
    seed: int | None = Field(
        None, ge=0, description="seed for stochastic transitions (KTAB's prngSeed)"
    )

    @model_validator(mode="after")
    def _pairs_once(self) -> Params:
        seen: set[tuple[str, str]] = set()
        for pair in self.ideal_adjustment:
            key = (pair.actor, pair.toward)
            if key in seen:
                raise ValueError(f"ideal_adjustment lists {pair.actor} -> {pair.toward} twice")
            seen.add(key)
        return self
