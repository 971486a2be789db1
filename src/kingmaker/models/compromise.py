"""The compromise model: the capability x salience weighted mean of the positions.

Achen's "compromise" or "weighted mean" model (Achen 2006, in Thomson et al., *The European
Union Decides*; Bueno de Mesquita & Stokman 1994) and the benchmark no published bargaining
model clearly beats. The forecast is sum(c s x) / sum(c s); if every weight is zero, the
plain mean.
"""

from __future__ import annotations

import numpy as np

from .base import IssueOutput, ModelParams, ModelSpec, effective_weights, static_output


class Params(ModelParams):
    pass


def weighted_mean(capability: np.ndarray, position: np.ndarray, salience: np.ndarray) -> np.ndarray:
    """Row-wise weighted mean of (R, n) positions."""
    w = effective_weights(capability, salience)
    return (w * position).sum(axis=-1) / w.sum(axis=-1)


def kernel(capability, position, salience, lo, hi, params: Params, rng, threads) -> IssueOutput:
    return static_output(weighted_mean(capability, position, salience), position)


MODEL = ModelSpec(
    name="compromise",
    title="Compromise (weighted mean)",
    summary="capability x salience weighted mean of the actors' positions",
    scope="issue",
    params=Params,
    kernel=kernel,
    reference="Achen 2006; Bueno de Mesquita & Stokman 1994",
)
