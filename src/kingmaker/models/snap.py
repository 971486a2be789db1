"""Position snapping: the weighted mean, moved onto a nearby actor position when one is close.

Recorded outcomes of legislative bargaining land on one of the actors' stated positions far more
often than an interior weighted mean does (about two thirds of DEU III's issues), and absolute
error rewards landing on the right point. The rule: m is the capability x salience weighted mean
(`compromise`); x* the actor position nearest m (ties: the position with more weight, then the
lower one) and s* the weight share at x*. The forecast is x* when |x* - m| <= d R / 100 and
s* >= w, else m (R is the scale's range, so d is in points of a 0-100 scale). d = 0 is
`compromise`. An issue-by-issue rule with two free settings; see docs/reference/models.md.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import IssueOutput, ModelParams, ModelSpec, static_output
from .compromise import weighted_mean
from .positions import position_shares


class Params(ModelParams):
    distance: float = Field(10.0, ge=0, description="d: snapping distance, points of a 0-100 scale")
    share: float = Field(0.0, ge=0, le=1, description="w: least weight share at the position")


def snapped(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    distance: float,
    share: float,
) -> np.ndarray:
    """Row-wise snapped weighted mean of (R, n) inputs (see the module's rule)."""
    m = weighted_mean(capability, position, salience)
    at, _ = position_shares(capability, position, salience)
    gap = np.abs(position - m[:, None])
    nearest = gap <= gap.min(axis=-1, keepdims=True)
    # among the nearest (one each side at most): more weight first, then the lower position
    best_share = np.where(nearest, at, -1.0).max(axis=-1, keepdims=True)
    pick = nearest & (at >= best_share)
    x = np.where(pick, position, np.inf).min(axis=-1)
    s = best_share[:, 0]
    reach = distance * (np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)) / 100
    return np.where((np.abs(x - m) <= reach) & (s >= share), x, m)


def kernel(capability, position, salience, lo, hi, params: Params, rng, threads) -> IssueOutput:
    forecast = snapped(capability, position, salience, lo, hi, params.distance, params.share)
    return static_output(forecast, position)


MODEL = ModelSpec(
    name="snap",
    title="Snapped weighted mean",
    summary="weighted mean moved onto the nearest actor position within a distance",
    scope="issue",
    params=Params,
    kernel=kernel,
    reference="Kingmaker (issue 19); outcomes at stated positions: Thomson et al. 2006",
)
