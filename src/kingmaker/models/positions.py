"""Candidate outcomes of an issue: the distinct positions the actors hold, with their weight.

About two thirds of recorded EU outcomes equal one actor's stated position (DEU III), so rules
that land on a position (`snap`, `choice`) work with the distinct positions and the share of
capability x salience that sits at each. Rows are issues (or draws x issues), as in every
issue-scope kernel; ties of positions are exact equality of the coded numbers.
"""

from __future__ import annotations

import numpy as np

from .base import effective_weights


def position_shares(
    capability: np.ndarray, position: np.ndarray, salience: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(share, first) for (R, n) inputs.

    ``share[r, i]`` is the weight share of every actor at actor i's position (so actors at one
    position have the same share); ``first[r, i]`` marks the first actor at each distinct
    position, so summing over ``first`` visits each candidate outcome once.
    """
    w = effective_weights(capability, salience)
    share = w / w.sum(axis=-1, keepdims=True)
    same = position[:, :, None] == position[:, None, :]  # (R, n, n)
    at_position = (same * share[:, None, :]).sum(axis=-1)
    n = position.shape[-1]
    earlier = np.tril(np.ones((n, n), dtype=bool), k=-1)  # j < i
    first = ~(same & earlier[None]).any(axis=-1)
    return at_position, first
