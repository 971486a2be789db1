"""Stokman's exchange model: actors trade voting positions across pairs of issues.

Stokman & Van Oosten (1994), "The exchange of voting positions", as implemented by the
decide-exchange-model package (Stokman, Draaijer et al.; GPL, read and re-written here). Each
round, every pair of actors on opposite sides of the outcome on two issues can trade: each moves
its voting position toward the other's on the issue it cares less about. Exchanges are realised
highest gain first; a realised exchange changes the exchanges that share an actor's issue with
it (see rounds.py). After the round, outcomes are the capability x salience weighted means of
the voting positions y, and each actor that moved starts the next round from
x' = x + ((1 - s) 0.4 + 0.1) (y - x).

Variants: ``equal_gain`` (the rate gives both actors the same gain; ``p`` > 0 randomises the
split as the package's "randomised equal gain" does) and ``random_rate`` (the rate is drawn
uniformly between the two actors' break-even rates; exchanges are realised in order of the
smaller of the two gains). The kernel works on the 0-100 scale and reports on each issue's
scale. docs/reference/models.md documents every rule and where it departs from the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from ...scenario.compile import Batch
from ..base import ModelParams, ModelSpec, ScenarioOutput
from .candidates import outcomes, round_candidates
from .records import round_records
from .rounds import S_, Uniforms, run_round, start_round

SALIENCE_WEIGHT, FIXED_WEIGHT = 0.4, 0.1


class Params(ModelParams):
    variant: Literal["equal_gain", "random_rate"] = Field(
        default="equal_gain", description="how the rate of an exchange is set"
    )
    rounds: int = Field(
        default=10, ge=0, le=1000, description="rounds of exchange (fewer if none is left)"
    )
    p: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="randomised equal gain: the largest "
        "fraction of the gain that may shift between the two actors",
    )
    ties: Literal["first", "random"] = Field(
        default="first",
        description="equal gains: realise the first listed, or flip a coin as "
        "decide-exchange-model does",
    )
    record_exchanges: bool = Field(
        default=True, description="keep every realised exchange in the result"
    )

    @model_validator(mode="after")
    def _p_needs_equal_gain(self) -> Params:
        if self.p > 0 and self.variant != "equal_gain":
            raise ValueError("p (randomised equal gain) applies to the equal_gain variant only")
        return self


def is_stochastic(params: Params) -> bool:
    return params.ties == "random" or params.variant == "random_rate" or params.p > 0


def _check_rng(params: Params, rng) -> None:
    if is_stochastic(params) and rng is None:
        raise ValueError("this exchange model setting draws random numbers: pass a Generator")


def _random_rates(cand, stream: Uniforms | None) -> np.ndarray:
    """A rate per exchange, uniform between B's and A's break-even rates, in listing order."""
    assert stream is not None  # _check_rng: the random_rate variant is given a Generator
    low = cand.column("s_bp") / cand.column("s_bq")
    high = cand.column("s_ap") / cand.column("s_aq")
    bi, ei = np.nonzero(cand.exists)
    order = np.lexsort((cand.order[bi, ei], bi))
    u = np.zeros(cand.exists.shape)
    u[bi[order], ei[order]] = stream.take(len(order))
    return np.where(cand.exists, low + u * (high - low), 1.0)


def _normalised(batch: Batch):
    """Positions on the 0-100 scale, saliences and weights c x s (zero where absent)."""
    present = batch.present
    lo, span = batch.scale_min, batch.scale_max - batch.scale_min
    x = np.where(present, (batch.position - lo) * (100.0 / span), 0.0)
    s = np.where(present, batch.salience, 0.0)
    w = np.where(present, batch.capability, 0.0) * s
    return x, s, w, lo, span


def _round_setup(x, s, w, present, active, params: Params, stream: Uniforms | None):
    """The round's possible exchanges and their rates."""
    cand = round_candidates(x, w, s, present, active)
    rate = cand.column("rate") if params.variant == "equal_gain" else _random_rates(cand, stream)
    return cand, rate


@dataclass(frozen=True, eq=False)
class PossibleExchanges:
    """The exchanges possible at the start (before any is realised), per draw: (B, F) arrays.

    ``exists`` marks real entries (the rest is padding); in each, actor ``actor_a`` moves on
    ``issue_a`` from ``from_a`` to ``to_a`` toward ``actor_b``'s position, and ``actor_b`` on
    ``issue_b`` likewise (indices into the batch's actors and issues; positions on each issue's
    scale). ``gain`` orders them; ``valid`` says whether the exchange can be made. Entries are in
    the reference's listing order.
    """

    exists: np.ndarray
    actor_a: np.ndarray
    issue_a: np.ndarray
    actor_b: np.ndarray
    issue_b: np.ndarray
    from_a: np.ndarray
    to_a: np.ndarray
    from_b: np.ndarray
    to_b: np.ndarray
    gain: np.ndarray
    gain_a: np.ndarray
    gain_b: np.ndarray
    valid: np.ndarray


def possible_exchanges(
    batch: Batch, params: Params | None = None, rng: np.random.Generator | None = None
) -> PossibleExchanges:
    """Every exchange on the table at the start, with its moves and gains (see the class)."""
    params = params or Params()
    _check_rng(params, rng)
    x, s, w, lo, span = _normalised(batch)
    stream = Uniforms(rng) if rng is not None else None
    c, rate = _round_setup(x, s, w, batch.present, np.ones(batch.size, dtype=bool), params, stream)
    st, valid = start_round(c, x, rate, params.variant == "equal_gain", params.p, stream)
    order = np.argsort(np.where(c.exists, c.order, np.inf), axis=1, kind="stable")

    def take(a):
        return np.take_along_axis(a, order, axis=1)

    def scale(col: str, issue: np.ndarray) -> np.ndarray:
        return lo[issue] + st[..., S_[col]] * (span[issue] / 100.0)

    return PossibleExchanges(
        exists=take(c.exists),
        actor_a=take(c.a),
        issue_a=take(c.q),
        actor_b=take(c.b),
        issue_b=take(c.p),
        from_a=take(scale("x_a", c.q)),
        to_a=take(scale("y_a", c.q)),
        from_b=take(scale("x_b", c.p)),
        to_b=take(scale("y_b", c.p)),
        gain=take(st[..., S_["key"]]),
        gain_a=take(st[..., S_["g_a"]]),
        gain_b=take(st[..., S_["g_b"]]),
        valid=take(valid & c.exists),
    )


def kernel(
    batch: Batch, params: Params, rng: np.random.Generator | None, threads: int = 1
) -> ScenarioOutput:
    """Run the exchange model on every draw of a batch (see the module docstring)."""
    _check_rng(params, rng)
    present = batch.present
    x, s, w, lo, span = _normalised(batch)
    B, n, m = x.shape
    T = params.rounds

    traj = np.empty((B, T + 1, n, m))
    outc = np.empty((B, T + 1, m))
    traj[:, 0], outc[:, 0] = x, outcomes(x, w, present)
    counts = np.zeros((B, T), dtype=np.int64)
    done = np.zeros(B, dtype=np.int64)
    active = np.ones(B, dtype=bool)
    realised = []
    step = (1.0 - s) * SALIENCE_WEIGHT + FIXED_WEIGHT
    stream = Uniforms(rng) if rng is not None else None
    for t in range(1, T + 1):
        vote = traj[:, t - 1].copy()
        if active.any():
            cand, rate = _round_setup(x, s, w, present, active, params, stream)
            res = run_round(
                cand,
                x,
                rate,
                params.variant == "equal_gain",
                params.p,
                params.ties == "random",
                stream,
            )
            moved = res.count > 0
            counts[:, t - 1] = res.count
            done[moved] = t
            active &= moved
            vote[moved] = res.vote[moved]
            x = np.where(moved[:, None, None], x + step * (res.vote - x), x)
            realised.append((t, res))
        traj[:, t] = vote
        outc[:, t] = outcomes(vote, w, present)

    extras = {"outcomes": lo + outc * (span / 100.0), "exchange_counts": counts}
    if params.record_exchanges:
        extras["rounds"] = round_records(realised, done, batch, lo, span)
    return ScenarioOutput(
        forecast=extras["outcomes"][:, -1],
        trajectory=lo + traj * (span / 100.0),
        rounds=done,
        converged=~active,
        stop_reason=np.where(active, "rounds", "no_exchange").astype(object),
        extras=extras,
    )


MODEL = ModelSpec(
    name="exchange",
    title="Exchange model (Stokman)",
    summary="actors trade voting positions across pairs of issues, highest gain first",
    scope="scenario",
    params=Params,
    kernel=kernel,
    dynamic=True,
    stochastic=is_stochastic,
    reference="Stokman & Van Oosten 1994; decide-exchange-model",
)
