"""Sums and products in a fixed order, so that results match KTAB to the last bit.

Floating-point addition is not associative: KTAB adds term after term in loops, while
numpy's ``sum`` and ``ufunc.reduce`` use pairwise summation whenever the summed elements lie
next to each other in memory (which also happens when every other axis has length 1). A
different order changes the last bits, and a last bit can decide a tie (which challenger is
best, which bargain wins). ``ufunc.accumulate`` is sequential in every memory layout; these
helpers take its last element.
"""

from __future__ import annotations

import numpy as np


def _last(ufunc: np.ufunc, x: np.ndarray, axis: int) -> np.ndarray:
    return np.take(ufunc.accumulate(x, axis=axis), -1, axis=axis)


def accumulate(start, terms) -> np.ndarray:
    """``((start + terms[0]) + terms[1]) + ...``, elementwise; ``terms`` has a leading axis."""
    terms = np.asarray(terms, dtype=np.float64)
    shape = np.broadcast_shapes(np.shape(start), terms.shape[1:])
    stacked = np.empty((terms.shape[0] + 1, *shape))
    stacked[0] = start
    stacked[1:] = terms
    return _last(np.add, stacked, 0)


def sum_first(x, initial: float = 0.0) -> np.ndarray:
    """``((initial + x[0]) + x[1]) + ...`` over the leading axis."""
    return accumulate(initial, x)


def sum_last(x) -> np.ndarray:
    """Sum over the last axis, first element first (KTAB's ``sum`` of a vector)."""
    return sum_axis(x, -1)


def sum_axis(x, axis: int) -> np.ndarray:
    """Sum over ``axis`` in index order."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[axis] == 0:
        return np.zeros(np.delete(np.array(x.shape), axis))
    return _last(np.add, x, axis)


def prod_last(x) -> np.ndarray:
    """Product over the last axis, first element first."""
    x = np.asarray(x, dtype=np.float64)
    if x.shape[-1] == 0:
        return np.ones(x.shape[:-1])
    return _last(np.multiply, x, -1)
