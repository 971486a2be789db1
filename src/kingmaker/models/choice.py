"""Discrete choice over the candidate outcomes: which actor position will be adopted?

A multinomial logit over the distinct positions x_k the actors hold (McFadden 1974): the
probability of x_k is proportional to exp(-beta |x_k - m| / R + gamma log s_k), where m is the
capability x salience weighted mean, R the scale's range and s_k the weight share at x_k. Near
the compromise and well backed positions are likely; beta = gamma = 0 makes every position
equally likely. The forecast is the *predictive median*, the lowest candidate whose cumulative
probability reaches 1/2, which minimises expected absolute error over the candidates; the
probability of every candidate is kept (``extras``: ``candidates`` in increasing order and
their ``probabilities``; a candidate of probability 0 is left out).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from .base import IssueOutput, ModelParams, ModelSpec, static_output
from .compromise import weighted_mean
from .positions import position_shares

#: Cumulative probability counted as reaching 1/2 (rounding of sums of probabilities).
HALF = 0.5 - 1e-12


class Params(ModelParams):
    beta: float = Field(4.0, ge=0, description="weight of the distance to the weighted mean")
    gamma: float = Field(1.0, ge=0, description="weight of the log weight share at the position")


def probabilities(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    beta: float,
    gamma: float,
) -> np.ndarray:
    """(R, n) probability of each actor's position being the outcome, on the first actor at
    each distinct position (0 on the others), summing to 1 per row."""
    m = weighted_mean(capability, position, salience)
    at, first = position_shares(capability, position, salience)
    span = (np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float))[:, None]
    utility = -beta * np.abs(position - m[:, None]) / np.where(span > 0, span, 1.0)
    if gamma:
        with np.errstate(divide="ignore"):
            utility = utility + gamma * np.log(at)
    utility = np.where(first, utility, -np.inf)
    top = utility.max(axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    e = np.where(first, np.exp(utility - top), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    # every candidate weightless (gamma > 0, all shares 0 cannot happen: shares sum to 1)
    return e / total


def predictive_median(position: np.ndarray, prob: np.ndarray) -> np.ndarray:
    """The lowest position whose cumulative probability reaches 1/2, row by row."""
    order = np.argsort(position, axis=-1, kind="stable")
    xs = np.take_along_axis(position, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(prob, order, axis=-1), axis=-1)
    k = np.argmax(cum >= HALF, axis=-1)
    return xs[np.arange(xs.shape[0]), k]


def kernel(capability, position, salience, lo, hi, params: Params, rng, threads) -> IssueOutput:
    prob = probabilities(capability, position, salience, lo, hi, params.beta, params.gamma)
    forecast = predictive_median(position, prob)
    rows = position.shape[0]
    keep = prob > 0
    order = np.argsort(np.where(keep, position, np.inf), axis=-1, kind="stable")
    xs = np.take_along_axis(position, order, axis=-1)
    ps = np.take_along_axis(prob, order, axis=-1)
    count = keep.sum(axis=-1)
    extras = {
        "candidates": [xs[r, : count[r]] for r in range(rows)],
        "probabilities": [ps[r, : count[r]] for r in range(rows)],
    }
    return static_output(forecast, position, extras)


MODEL = ModelSpec(
    name="choice",
    title="Discrete choice (predictive median)",
    summary="multinomial logit over the actors' positions; forecast the predictive median",
    scope="issue",
    params=Params,
    kernel=kernel,
    reference="McFadden 1974; Kingmaker (issue 19)",
)
