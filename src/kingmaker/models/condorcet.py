"""The pairwise-majority (Condorcet) winner among the actors' positions.

Each actor votes, with weight capability x salience, for whichever of two positions is nearer
to its own (it abstains when both are equally near). A position that beats every other distinct
position is the Condorcet winner and the forecast.

When no position beats all others (a weighted tie between two positions, or every weight zero),
the rule is: the Copeland winner (most pairwise wins minus losses over distinct positions);
among those tied, the position with the smallest weighted sum of distances to the actors (the
weighted-median criterion); then the lowest position. ``extras["condorcet_exists"]`` says which
case applied. Ties are judged with a tolerance of 1e-12 of the total weight; a voter's two
distances are equal when they differ by at most 1e-12 of the largest position (rounding).
"""

from __future__ import annotations

import numpy as np

from .base import IssueOutput, ModelParams, ModelSpec, effective_weights, static_output

TIE_TOLERANCE = 1e-12
_CHUNK_ELEMENTS = 2_000_000  # bound on rows x n^3 held at once


class Params(ModelParams):
    pass


def pairwise_margins(weights: np.ndarray, position: np.ndarray) -> np.ndarray:
    """(R, n, n) net weighted votes for candidate a (axis 1) over candidate b (axis 2)."""
    d = np.abs(position[:, :, None] - position[:, None, :])  # (R, voter k, candidate)
    # prefer a over b when d[k, a] < d[k, b]; distances equal up to rounding (1e-12 of the
    # largest position) are equal, so a voter halfway between two positions abstains wherever
    # the scale's zero lies
    diff = d[:, :, None, :] - d[:, :, :, None]  # (R, k, a, b)
    tol = TIE_TOLERANCE * np.abs(position).max(axis=1)[:, None, None, None]
    pref = np.where(np.abs(diff) <= tol, 0.0, np.sign(diff))
    return np.einsum("rk,rkab->rab", weights, pref)


def condorcet_winner(
    capability: np.ndarray, position: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise winner of (R, n) positions and whether it is a true Condorcet winner."""
    rows, n = position.shape
    w = effective_weights(capability, salience)
    winner = np.empty(rows)
    exists = np.empty(rows, dtype=bool)
    step = max(1, _CHUNK_ELEMENTS // max(1, n**3))
    for start in range(0, rows, step):
        sl = slice(start, min(rows, start + step))
        winner[sl], exists[sl] = _winner_chunk(w[sl], position[sl])
    return winner, exists


def _winner_chunk(w: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tol = TIE_TOLERANCE * w.sum(axis=1)[:, None, None]
    margin = pairwise_margins(w, x)
    same = x[:, :, None] == x[:, None, :]
    wins = (margin > tol) & ~same
    losses = (margin < -tol) & ~same
    exists_each = (wins | same).all(axis=2)  # (R, a)
    multiplicity = same.sum(axis=2)  # count each distinct rival position once
    copeland = ((wins.astype(float) - losses) / multiplicity[:, None, :]).sum(axis=2)
    spread = (w[:, :, None] * np.abs(x[:, :, None] - x[:, None, :])).sum(axis=1)  # (R, a)

    best = copeland >= copeland.max(axis=1, keepdims=True) - 1e-9
    spread_best = np.where(best, spread, np.inf)
    best &= spread_best <= spread_best.min(axis=1, keepdims=True) * (1 + 1e-12) + 1e-300
    choice = np.where(best, x, np.inf).min(axis=1)
    exists = exists_each.any(axis=1)
    cw = np.where(exists_each, x, np.inf).min(axis=1)
    return np.where(exists, cw, choice), exists


def kernel(capability, position, salience, lo, hi, params: Params, rng, threads) -> IssueOutput:
    winner, exists = condorcet_winner(capability, position, salience)
    out = static_output(winner, position)
    return IssueOutput(
        out.forecast,
        out.trajectory,
        out.rounds,
        out.converged,
        out.stop_reason,
        extras={"condorcet_exists": exists},
    )


MODEL = ModelSpec(
    name="condorcet",
    title="Pairwise-majority (Condorcet) winner",
    summary="the actor position that beats every other by weighted majority",
    scope="issue",
    params=Params,
    kernel=kernel,
    reference="Condorcet 1785; Black 1948",
)
