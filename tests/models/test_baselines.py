"""Compromise, weighted median and Condorcet winner: hand-computed values and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import kingmaker
from kingmaker.models.compromise import weighted_mean
from kingmaker.models.condorcet import condorcet_winner
from kingmaker.models.median import weighted_median
from tests.conftest import ANCHORS


def row(*values):
    return np.array([values], dtype=float)


def test_bdm1994_published_values():
    """Bueno de Mesquita & Stokman (1994) Table 1: weighted mean 7.389956, median 7.0."""
    sc = kingmaker.load_scenario(ANCHORS / "bdm1994/ExampleActors.csv")
    f = kingmaker.forecast(sc)
    assert f.value("compromise", "issue") == pytest.approx(7.389956, abs=1e-6)
    assert f.value("median", "issue") == 7.0
    assert f.value("condorcet", "issue") == 7.0
    # sum(c s x) / sum(c s) by hand: 5.003 / 0.677
    assert f.value("compromise", "issue") == pytest.approx(5.003 / 0.677, rel=1e-12)


def test_embedded_default_matches_the_csv():
    a = kingmaker.forecast(kingmaker.load_scenario("bdm1994-emissions"))
    b = kingmaker.forecast(kingmaker.load_scenario(ANCHORS / "bdm1994/ExampleActors.csv"))
    for model in ("compromise", "median", "condorcet"):
        assert a.value(model, "lag") == b.value(model, "issue")


def test_even_split_rules():
    """Positions 0, 50, 100 with weights 1, 1, 2: every tie rule is exercised.

    Mean (0 + 50 + 200) / 4 = 62.5. Cumulative weight reaches exactly half at 50, so the
    median is the midpoint 75. 50 and 100 tie head to head, so there is no Condorcet winner;
    both have Copeland score 1 and weighted distance 150, so the lower one, 50, is chosen.
    """
    c, x, s = row(1, 1, 2), row(0, 50, 100), row(1, 1, 1)
    assert weighted_mean(c, x, s)[0] == 62.5
    assert weighted_median(c, x, s)[0] == 75.0
    winner, exists = condorcet_winner(c, x, s)
    assert (winner[0], exists[0]) == (50.0, False)


def test_copeland_fallback_prefers_smaller_distance():
    """Weights 2, 1, 1 at 0, 50, 100: 0 and 50 tie; 50 is nearer the actors (150 vs 100 + ...)."""
    c, x, s = row(2, 1, 1), row(0, 50, 100), row(1, 1, 1)
    # 0 vs 50: 0 gets 2, 50 gets 1 + 1 -> tie. 0 vs 100: 0 gets 2, 100 gets 1 -> 0 wins.
    # 50 vs 100: 50 gets 2 + 1 = 3 -> 50 wins. Copeland: 0 -> 1, 50 -> 1, 100 -> -2.
    # Distances: at 0: 50 + 100 = 150; at 50: 100 + 50 = 150 -> tie -> lowest, 0.
    winner, exists = condorcet_winner(c, x, s)
    assert (winner[0], exists[0]) == (0.0, False)
    c = row(2, 1, 1.5)  # 100 heavier: 0 vs 50 -> 2 vs 2.5, 50 wins outright
    winner, exists = condorcet_winner(c, x, s)
    assert (winner[0], exists[0]) == (50.0, True)


def test_zero_weights_fall_back_to_equal_weights():
    c, x, s = row(1, 2, 3), row(0, 10, 20), row(0, 0, 0)
    assert weighted_mean(c, x, s)[0] == 10
    assert weighted_median(c, x, s)[0] == 10
    assert condorcet_winner(c, x, s)[0][0] == 10


@pytest.mark.parametrize(
    ("cap", "pos", "median"),
    [
        ([1, 1e-20, 1], [0, 0, 25], 12.5),
        ([1, 1e-20, 1], [0, 8, 25], 12.5),
        ([1, 0.5, 0.5], [0, 0, 25], 0.0),
    ],
    ids=["negligible-at-same-position", "negligible-in-between", "first-actor-alone-half"],
)
def test_even_split_within_tolerance(cap, pos, median):
    """A weight of 1e-20 does not break an even split (1 + 1e-20 against 1 at 25): the median is
    the middle of the tied positions, wherever the negligible weight sits. Weight 1 + 0.5 at 0
    against 0.5 is not a split, although the first actor at 0 alone reaches half."""
    c, x = np.array([cap], float), np.array([pos], float)
    assert weighted_median(c, x, np.ones_like(c))[0] == median


def test_weightless_actor_does_not_pull_the_median():
    c, x, s = row(1, 0, 1), row(0, 100, 10), row(1, 1, 1)
    assert weighted_median(c, x, s)[0] == 5.0  # midpoint of the two weighted actors
    assert weighted_mean(c, x, s)[0] == 5.0


def test_single_actor():
    c, x, s = row(3), row(42), row(0.5)
    assert weighted_mean(c, x, s)[0] == weighted_median(c, x, s)[0] == 42
    assert condorcet_winner(c, x, s) == (np.array([42.0]), np.array([True]))


actors = st.integers(min_value=1, max_value=9)


@st.composite
def issue_rows(draw):
    n = draw(actors)
    x = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    w = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    return row(*w), row(*x), row(*([1] * n))


@given(issue_rows())
@settings(max_examples=300, deadline=None)
def test_median_is_the_condorcet_winner_without_an_even_split(data):
    c, x, s = data
    w = c * s
    assume(w.sum() > 0)  # all weights zero: every actor counts equally (tested elsewhere)
    winner, exists = condorcet_winner(c, x, s)
    order = np.argsort(x[0])
    cum = np.cumsum(w[0][order])
    even_split = np.any(2 * cum == cum[-1])
    if not even_split:
        assert exists[0]
        assert winner[0] == weighted_median(c, x, s)[0]
    else:
        assert weighted_median(c, x, s)[0] in set((x[0][:, None] + x[0][None, :]).ravel() / 2)


@given(issue_rows(), st.floats(-50, 50), st.integers(1, 7))
@example(  # 29 is as far from 0 as from 58: after the shift only up to rounding
    (row(*[0] * 8), row(0, 0, 0, 29, 58, 58, 58, 59), row(*[1] * 8)), 6.328040340510505, 1
)
@settings(max_examples=200, deadline=None)
def test_invariances(data, shift, scale):
    c, x, s = data
    for f in (weighted_mean, weighted_median, lambda *a: condorcet_winner(*a)[0]):
        base = f(c, x, s)[0]
        assert min(x[0]) <= base <= max(x[0])
        assert f(c, x + shift, s)[0] == pytest.approx(base + shift, abs=1e-9)
        assert f(c * scale, x, s)[0] == pytest.approx(base, abs=1e-9)
        perm = np.random.default_rng(0).permutation(x.shape[1])
        assert f(c[:, perm], x[:, perm], s[:, perm])[0] == pytest.approx(base, abs=1e-9)


def test_batched_rows_equal_single_rows():
    rng = np.random.default_rng(7)
    c, x, s = rng.uniform(0, 1, (50, 8)), rng.uniform(0, 100, (50, 8)), rng.uniform(0, 1, (50, 8))
    for f in (weighted_mean, weighted_median, lambda *a: condorcet_winner(*a)[0]):
        batched = f(c, x, s)
        single = np.array([f(c[i : i + 1], x[i : i + 1], s[i : i + 1])[0] for i in range(50)])
        np.testing.assert_array_equal(batched, single)
