"""Sums and products in a fixed order, so that results match KTAB to the last bit.

Floating-point addition is not associative: KTAB adds term after term in loops, while
numpy's ``sum`` over a contiguous axis uses pairwise summation. A different order changes the
last bits, and a last-bit change can flip a tie (which challenger is best, which bargain wins).
Reducing along the *leading* axis of a C-contiguous array adds row after row, which is KTAB's
order; these helpers put the summed axis first and reduce there.
"""

from __future__ import annotations

import numpy as np


def accumulate(start: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """``((start + terms[0]) + terms[1]) + ...``, elementwise; ``terms`` has a leading axis."""
    start = np.asarray(start, dtype=np.float64)
    shape = np.broadcast_shapes(start.shape, terms.shape[1:])
    stacked = np.empty((terms.shape[0] + 1, *shape))
    stacked[0] = start
    stacked[1:] = terms
    return np.add.reduce(stacked, axis=0)


def sum_first(x: np.ndarray, initial: float = 0.0) -> np.ndarray:
    """``((initial + x[0]) + x[1]) + ...`` over the leading axis, whatever x's memory layout."""
    return np.add.reduce(np.ascontiguousarray(x, dtype=np.float64), axis=0, initial=initial)


def sum_last(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis, first element first (KTAB's ``sum`` of a vector)."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0:
        return np.zeros(x.shape[:-1])
    return np.add.reduce(np.ascontiguousarray(np.moveaxis(x, -1, 0)), axis=0)


def prod_last(x: np.ndarray) -> np.ndarray:
    """Product over the last axis, first element first, starting from 1.0."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0:
        return np.ones(x.shape[:-1])
    return np.multiply.reduce(np.ascontiguousarray(np.moveaxis(x, -1, 0)), axis=0)


def sum_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """Sum over ``axis`` in index order."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[axis] == 0:
        return np.zeros(np.delete(np.array(x.shape), axis))
    return np.add.reduce(np.ascontiguousarray(np.moveaxis(x, axis, 0)), axis=0)


def blocks(n: int, per_item: int, budget: int = 2_000_000) -> list[slice]:
    """Slices of ``range(n)`` holding at most ``budget`` elements when each item has
    ``per_item`` elements (at least one item per slice)."""
    step = max(1, budget // max(1, per_item))
    return [slice(s, min(n, s + step)) for s in range(0, n, step)]
