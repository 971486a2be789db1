"""The asymmetric Nash bargaining solution, with the reference point as the disagreement point.

Nash (1950) bargaining picks the outcome that maximises the weighted product of the actors'
gains over what they get if no deal is struck; with the reference point r (the law as it
stands) as that disagreement outcome, sum_i w_i log(u_i(x) - u_i(r)) is maximised over the
points x of the scale, with quadratic utilities u_i(x) = -((x - p_i) / R)^2 and weights
w_i = capability x salience (Achen 2006 reports it roughly equal to the compromise model on
DEU I). Actors at r gain from no point and are left out; actors with no weight count for
nothing. Without a reference point, or when no point is better than r for every actor who
counts (actors on both sides of r), the forecast is the weighted mean. The maximum is taken
over 201 evenly spaced points of the scale (half a point on 0-100), as pre-registered.
"""

from __future__ import annotations

import numpy as np

from ..scenario.compile import Batch
from .base import (
    ModelParams,
    ModelSpec,
    ScenarioOutput,
    effective_weights,
    static_scenario_output,
)

GRID = 201
#: Rows of (draws x actors x grid points) evaluated at once, to bound memory.
BLOCK = 2_000_000


class Params(ModelParams):
    pass


def nash_issue(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    lo: float,
    hi: float,
    reference: float,
) -> np.ndarray:
    """Nash solution of one issue for (B, k) inputs of the actors present on it."""
    w = effective_weights(capability, salience)
    mean = (w * position).sum(axis=-1) / w.sum(axis=-1)
    if not np.isfinite(reference) or position.shape[-1] == 0:
        return mean
    span = hi - lo if hi > lo else 1.0
    grid = np.linspace(lo, hi, GRID)
    counts = (w > 0) & (position != reference)  # (B, k)
    base = ((reference - position) / span) ** 2
    out = np.empty(position.shape[0])
    rows = max(1, BLOCK // max(1, position.shape[-1] * GRID))
    for start in range(0, position.shape[0], rows):
        sl = slice(start, start + rows)
        gain = base[sl, :, None] - ((grid[None, None, :] - position[sl, :, None]) / span) ** 2
        ok = np.where(counts[sl, :, None], gain > 0, True).all(axis=1)  # (b, G)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(counts[sl, :, None], w[sl, :, None] * np.log(gain), 0.0)
        value = np.where(ok, terms.sum(axis=1), -np.inf)
        best = np.argmax(value, axis=-1)
        feasible = ok.any(axis=-1) & counts[sl].any(axis=-1)
        out[sl] = np.where(feasible, grid[best], mean[sl])
    return out


def kernel(batch: Batch, params: Params, rng, threads: int = 1) -> ScenarioOutput:
    B, m = batch.size, batch.n_issues
    forecast = np.empty((B, m))
    for i in range(m):
        here = batch.present[:, i]
        forecast[:, i] = nash_issue(
            batch.capability[:, here, i],
            batch.position[:, here, i],
            batch.salience[:, here, i],
            float(batch.scale_min[i]),
            float(batch.scale_max[i]),
            float(batch.status_quo[i]),
        )
    return static_scenario_output(forecast, batch)


MODEL = ModelSpec(
    name="nash",
    title="Nash bargaining (reference point)",
    summary="asymmetric Nash bargaining solution with the reference point as disagreement",
    scope="scenario",
    params=Params,
    kernel=kernel,
    reference="Nash 1950; Achen 2006",
)
