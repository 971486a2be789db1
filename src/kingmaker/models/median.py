"""The weighted median: the position at which half the capability x salience lies on each side.

With single-peaked preferences on one dimension, the median voter's position cannot be beaten
by majority (Black 1948), so it is the classic forecast of a vote by weighted majority.

Rule: sort the positions; the median is the first position where the cumulative weight reaches
half the total. When it reaches *exactly* half (an even split, up to 1e-12 relative), the
median is the midpoint between that position and the next position that carries weight.
Actors with zero weight do not count; if every weight is zero, all actors count equally.
Computed from both ends: the lowest position where the weight from below reaches half (up to
1e-12 relative) and the highest where the weight from above does; the median is their midpoint
(they coincide unless the split is even), so the rule is the same read from either end.
"""

from __future__ import annotations

import numpy as np

from .base import IssueOutput, ModelParams, ModelSpec, effective_weights, static_output

TIE_TOLERANCE = 1e-12


class Params(ModelParams):
    pass


def weighted_median(
    capability: np.ndarray, position: np.ndarray, salience: np.ndarray
) -> np.ndarray:
    """Row-wise weighted median of (R, n) positions (see the module's rule)."""
    w = effective_weights(capability, salience)
    key = np.where(w > 0, position, np.inf)  # weightless actors sort last
    order = np.argsort(key, axis=-1, kind="stable")
    xs = np.take_along_axis(position, order, axis=-1)
    ws = np.take_along_axis(w, order, axis=-1)
    from_below = np.cumsum(ws, axis=-1)
    from_above = np.cumsum(ws[:, ::-1], axis=-1)[:, ::-1]  # weightless actors (last) add 0
    reach = from_below[:, -1:] / 2 * (1 - TIE_TOLERANCE)
    low = np.argmax(from_below >= reach, axis=-1)
    high = (from_above >= reach).sum(axis=-1) - 1  # from_above falls along the sorted order
    rows = np.arange(xs.shape[0])
    return (xs[rows, low] + xs[rows, high]) / 2


def kernel(capability, position, salience, lo, hi, params: Params, rng, threads) -> IssueOutput:
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
