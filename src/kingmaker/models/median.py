"""The weighted median: the position at which half the capability x salience lies on each side.

With single-peaked preferences on one dimension, the median voter's position cannot be beaten
by majority (Black 1948), so it is the classic forecast of a vote by weighted majority.

Rule: sort the positions; the median is the first position where the cumulative weight reaches
half the total. When it reaches *exactly* half (an even split, up to 1e-12 relative), the
median is the midpoint between that position and the next position that carries weight.
Actors with zero weight do not count; if every weight is zero, all actors count equally.
"""

from __future__ import annotations

import numpy as np

from .base import IssueOutput, ModelParams, ModelSpec, effective_weights, static_output

TIE_TOLERANCE = 1e-12


class Params(ModelParams):
    pass


def weighted_median(capability: np.ndarray, position: np.ndarray,
                    salience: np.ndarray) -> np.ndarray:
    """Row-wise weighted median of (R, n) positions (see the module's rule)."""
    w = effective_weights(capability, salience)
    key = np.where(w > 0, position, np.inf)  # weightless actors sort last
    order = np.argsort(key, axis=-1, kind="stable")
    xs = np.take_along_axis(position, order, axis=-1)
    ws = np.take_along_axis(w, order, axis=-1)
    cum = np.cumsum(ws, axis=-1)
    total = cum[:, -1:]
    half = total / 2
    k = np.argmax(cum >= half * (1 - TIE_TOLERANCE), axis=-1)
    rows = np.arange(xs.shape[0])
    at_k = xs[rows, k]
    exact = np.abs(cum[rows, k] - half[:, 0]) <= TIE_TOLERANCE * total[:, 0]
    nxt = xs[rows, np.minimum(k + 1, xs.shape[1] - 1)]
    return np.where(exact & (k + 1 < xs.shape[1]), (at_k + nxt) / 2, at_k)


def kernel(capability, position, salience, lo, hi, params: Params) -> IssueOutput:
    return static_output(weighted_median(capability, position, salience), position)


MODEL = ModelSpec(
    name="median",
    title="Weighted median",
    summary="position of the capability x salience weighted median actor",
    scope="issue",
    params=Params,
    kernel=kernel,
    reference="Black 1948; Achen 2006",
)
