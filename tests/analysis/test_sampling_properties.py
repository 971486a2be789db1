"""Sampling's invariants on random factors (hypothesis).

Monte Carlo is byte-identical whatever the executor because a block's draws depend only on
the seed, the factor and the block, never on how many draws a chunk asks for; every draw
lies in its range; and the inverse CDFs that sensitivity analysis samples through are the
distributions' own (scipy's, computed independently) and increase with the probability.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from kingmaker.analysis.sampling import DISTRIBUTIONS, PERT_LAMBDA, Factor, draw_block, quantiles
from kingmaker.randomness import normalize_seed

PROPERTY = settings(max_examples=80, deadline=None)


@st.composite
def factors(draw, count: int | None = None):
    """Factors with random ranges (a mode anywhere in it, ends included) and distributions."""
    k = count or draw(st.integers(1, 4))
    out = []
    for f in range(k):
        low = draw(st.floats(-100, 100, allow_nan=False, allow_subnormal=False))
        width = draw(st.floats(1e-3, 200, allow_nan=False, allow_subnormal=False))
        where = draw(st.sampled_from([0.0, 1.0, None]))
        where = draw(st.floats(0, 1)) if where is None else where
        high = low + width
        mode = min(high, low + where * width)
        dist = draw(st.sampled_from(DISTRIBUTIONS))
        out.append(Factor("position", f"a{f}", "x", mode, low, mode, high, dist, ((f, 0),)))
    return tuple(out)


@PROPERTY
@given(factors(), st.integers(0, 2**32 - 1), st.integers(0, 50), st.integers(1, 300))
def test_draws_lie_in_their_ranges_and_a_shorter_chunk_is_a_prefix(fs, seed, block, size):
    seq = normalize_seed(seed)
    full = draw_block(fs, seq, block, size)
    assert full.shape == (size, len(fs))
    for f, factor in enumerate(fs):
        assert ((full[:, f] >= factor.low) & (full[:, f] <= factor.high)).all()
    part = draw_block(fs, seq, block, max(1, size // 3))
    np.testing.assert_array_equal(part, full[: part.shape[0]])
    # a factor's draws do not depend on which other factors are drawn beside it
    np.testing.assert_array_equal(draw_block(fs[-1:], seq, block, size)[:, 0], full[:, -1])
    # another block, or another seed, draws other numbers
    assert not np.array_equal(draw_block(fs, seq, block + 1, size), full) or size == 1
    assert not np.array_equal(draw_block(fs, normalize_seed(seed + 1), block, size), full)


def scipy_distribution(factor: Factor):
    lo, hi, mode = factor.low, factor.high, factor.mode
    if factor.distribution == "uniform":
        return stats.uniform(loc=lo, scale=hi - lo)
    if factor.distribution == "triangular":
        return stats.triang((mode - lo) / (hi - lo), loc=lo, scale=hi - lo)
    a = 1 + PERT_LAMBDA * (mode - lo) / (hi - lo)
    b = 1 + PERT_LAMBDA * (hi - mode) / (hi - lo)
    return stats.beta(a, b, loc=lo, scale=hi - lo)


@PROPERTY
@given(factors(), st.lists(st.floats(0, 1), min_size=1, max_size=40))
def test_quantiles_are_the_distributions_inverse_cdfs(fs, probabilities):
    u = np.repeat(np.asarray(probabilities)[:, None], len(fs), axis=1)
    values = quantiles(fs, u)
    for f, factor in enumerate(fs):
        expected = scipy_distribution(factor).ppf(u[:, f])
        width = factor.high - factor.low
        assert np.isfinite(values[:, f]).all()  # scipy's own ppf is NaN for p below ~1e-150
        known = np.isfinite(expected)
        np.testing.assert_allclose(
            values[known, f], expected[known], rtol=0, atol=1e-9 * width + 1e-12
        )
        assert ((values[:, f] >= factor.low - 1e-12) & (values[:, f] <= factor.high + 1e-12)).all()
        order = np.argsort(u[:, f], kind="stable")
        assert (np.diff(values[order, f]) >= -1e-12 * width).all()  # non-decreasing in p
    ends = quantiles(fs, np.array([[0.0] * len(fs), [1.0] * len(fs)]))
    np.testing.assert_allclose(ends[0], [f.low for f in fs], atol=1e-9)
    np.testing.assert_allclose(ends[1], [f.high for f in fs], atol=1e-9)


def test_beta_quantiles_of_tiny_probabilities_are_finite_and_near_the_end():
    """scipy's Beta inverse CDF gives NaN for p = 1e-163; sensitivity samples must not."""
    factor = Factor("position", "a", "x", 0.5, 0.0, 0.5, 1.0, "pert", ((0, 0),))
    values = quantiles((factor,), np.array([[1e-163], [1e-300], [0.5], [1 - 1e-16]]))[:, 0]
    assert np.isfinite(values).all()
    assert 0 <= values[1] <= values[0] < 1e-50 and values[2] == 0.5 and values[3] > 0.99


@PROPERTY
@given(factors(count=1), st.integers(0, 2**32 - 1))
def test_draws_follow_their_distribution(fs, seed):
    """4,000 draws against the distribution's CDF: a Kolmogorov-Smirnov test at a level that
    fails a wrong distribution (e.g. PERT drawn as triangular) and almost never a right one."""
    (factor,) = fs
    assume(factor.high - factor.low > 1e-2)
    sample = draw_block(fs, normalize_seed(seed), 0, 4000)[:, 0]
    assert stats.kstest(sample, scipy_distribution(factor).cdf).pvalue > 1e-6
