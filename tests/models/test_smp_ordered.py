"""The ordered sums behind the SMP's bit-exactness: KTAB's loop order in every memory layout.

numpy reduces contiguous elements pairwise, which changes last bits; the trap also springs when
all other axes have length 1 (one draw, one option). Each helper must equal a Python loop.
"""

from __future__ import annotations

import numpy as np
import pytest

from kingmaker.models.smp.ordered import accumulate, prod_last, sum_axis, sum_first, sum_last


def loop(values, start=0.0, op=lambda a, b: a + b):
    acc = start
    for v in values:
        acc = op(acc, v)
    return acc


@pytest.fixture
def values():
    g = np.random.default_rng(0)
    return g.standard_normal((200, 1)) * 10.0 ** g.integers(-8, 8, (200, 1))


def test_the_trap_is_real(values):
    """np.add.reduce over 200 contiguous numbers is not the loop's sum (else this file is moot)."""
    assert np.add.reduce(values, axis=0)[0] != loop(values[:, 0])


@pytest.mark.parametrize("shape", [(200, 1), (200, 3), (1, 200), (3, 200)], ids=str)
def test_helpers_equal_python_loops(values, shape):
    x = np.resize(values.ravel(), shape) * np.linspace(1, 2, shape[0] * shape[1]).reshape(shape)
    for c in range(shape[1]):
        assert sum_first(x, 1e-8)[c] == loop(x[:, c], 1e-8)
        assert accumulate(np.full(shape[1], 0.5), x)[c] == loop(x[:, c], 0.5)
        assert sum_axis(x, 0)[c] == loop(x[:, c])
    for r in range(shape[0]):
        assert sum_last(x)[r] == loop(x[r])
        y = 1 + x[r] * 1e-3
        assert prod_last(y[None])[0] == loop(y, 1.0, lambda a, b: a * b)
    view = np.asfortranarray(x)  # another memory layout, same numbers
    assert np.array_equal(sum_first(view), sum_first(x))
