"""The pivotal member: how far a qualified majority lets the outcome move from the status quo.

Procedural models of legislative bargaining (Tsebelis & Garrett 2000; Thomson et al. 2006) say
a proposal moving the outcome away from the reference point r passes only if the members
holding a quota of the votes prefer it. Counting the members from the side away from r (in the
direction of the weighted mean m) by their capability (votes), the pivot q is the position of
the member at which their weight first reaches the quota; under unanimity (quota 1) that is the
member nearest r. A member at r, or on the other side of it, makes q = r. The forecast blends
the two: (1 - lambda) m + lambda q, so lambda = 0 is `compromise`. Without a reference point,
q = m. ``members`` names the actors who vote (default: all); DEU III's candidate run gives each
issue the Council's quota of its treaty period, with the Commission and Parliament not voting.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from ..scenario.compile import Batch
from .base import ModelParams, ModelSpec, ScenarioOutput, static_scenario_output

#: Relative tolerance when cumulative weight is compared with the quota.
TOLERANCE = 1e-12


class Params(ModelParams):
    weight: float = Field(0.5, ge=0, le=1, description="lambda: weight of the pivot's position")
    quota: float = Field(
        0.5, gt=0, le=1, description="share of the members' capability a move must gather"
    )
    members: tuple[str, ...] | None = Field(
        None, description="actors who vote (default: every actor)"
    )


def weighted_means(batch: Batch) -> np.ndarray:
    """(B, m) capability x salience weighted mean of the present actors."""
    present = batch.present[None]  # (1, n, m)
    w = np.where(present, batch.capability * batch.salience, 0.0)
    total = w.sum(axis=1)
    x = np.where(present, batch.position, 0.0)
    plain = x.sum(axis=1) / batch.present.sum(axis=0)
    return np.where(total > 0, (w * x).sum(axis=1) / np.where(total > 0, total, 1.0), plain)


def pivot_points(
    batch: Batch, mean: np.ndarray, quota: np.ndarray, voting: np.ndarray
) -> np.ndarray:
    """(B, m) pivot positions; ``quota`` (m,) per issue, ``voting`` (n, m) who votes."""
    sq = np.asarray(batch.status_quo, dtype=float)[None, :]  # (1, m)
    direction = np.sign(mean - sq)  # (B, m); NaN without a reference point
    votes = batch.present & voting[None]
    cap = np.where(votes, np.nan_to_num(batch.capability), 0.0)  # (B, n, m)
    ahead = np.where(votes, (batch.position - sq[:, None, :]) * direction[:, None, :], -np.inf)
    order = np.argsort(-ahead, axis=1, kind="stable")  # furthest from r first
    cum = np.cumsum(np.take_along_axis(cap, order, axis=1), axis=1)
    total = cum[:, -1:, :]
    need = quota[None, None, :] * total * (1 - TOLERANCE)
    k = np.argmax(cum >= need, axis=1)  # (B, m)
    reach = np.take_along_axis(np.take_along_axis(ahead, order, axis=1), k[:, None, :], axis=1)
    reach = np.maximum(reach[:, 0, :], 0.0)
    q = sq + direction * reach
    usable = np.isfinite(q) & (direction != 0) & (total[:, 0, :] > 0)
    return np.where(usable, q, np.where(direction == 0, sq, mean))


def kernel(batch: Batch, params: Params, rng, threads: int = 1) -> ScenarioOutput:
    m = batch.n_issues
    voting = np.ones((batch.n_actors, m), dtype=bool)
    if params.members is not None:
        voting[:] = np.array([a in params.members for a in batch.actor_ids])[:, None]
    mean = weighted_means(batch)
    q = pivot_points(batch, mean, np.full(m, params.quota), voting)
    return static_scenario_output((1 - params.weight) * mean + params.weight * q, batch)


MODEL = ModelSpec(
    name="pivot",
    title="Pivotal member (procedural)",
    summary="weighted mean pulled towards the member a qualified majority needs",
    scope="scenario",
    params=Params,
    kernel=kernel,
    reference="Tsebelis & Garrett 2000; Thomson et al. 2006",
)
