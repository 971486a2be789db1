"""Backtest measures on small cases worked out by hand, and properties of the bootstrap."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kingmaker.analysis.backtest.metrics import (
    central_interval,
    conformal_halfwidth,
    coverage,
    paired_bootstrap,
    paired_bootstrap_test,
    scores,
)
from kingmaker.errors import KingmakerError


def test_scores_by_hand():
    # errors -1, 0, -2, 4: |e| 1, 0, 2, 4
    s = scores(np.array([1.0, 2, 3, 4]), np.array([2.0, 2, 5, 0]))
    assert s.n == 4
    assert s.mae == pytest.approx(7 / 4)
    assert s.rmse == pytest.approx(math.sqrt(21 / 4))
    assert s.medae == pytest.approx(1.5)
    assert s.bias == pytest.approx(1 / 4)


def test_scores_skip_missing_forecasts():
    s = scores(np.array([10.0, np.nan, 30]), np.array([0.0, 5, 40]))
    assert (s.n, s.mae, s.medae) == (2, 10.0, 10.0)
    empty = scores(np.array([np.nan]), np.array([1.0]))
    assert empty.n == 0 and math.isnan(empty.mae)


def test_bootstrap_of_identical_errors_is_zero():
    a = np.array([3.0, 1, 4, 1, 5])
    d = paired_bootstrap(a, a.copy(), resamples=500, seed=1)
    assert (d.estimate, d.low, d.high) == (0.0, 0.0, 0.0)


def test_bootstrap_shifts_with_the_errors():
    rng = np.random.default_rng(7)
    a, b = rng.uniform(0, 50, 60), rng.uniform(0, 50, 60)
    groups = np.repeat(np.arange(20), 3).astype(str)
    d1 = paired_bootstrap(a, b, groups, resamples=400, seed=3)
    d2 = paired_bootstrap(a + 2.5, b, groups, resamples=400, seed=3)
    assert d2.estimate == pytest.approx(d1.estimate + 2.5)
    assert (d2.low, d2.high) == pytest.approx((d1.low + 2.5, d1.high + 2.5))
    assert d1.low <= d1.estimate <= d1.high
    assert d1.clusters == 20 and d1.n == 60


def test_bootstrap_is_seeded():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=40), rng.normal(size=40)
    same = [paired_bootstrap(a, b, resamples=300, seed=11) for _ in range(2)]
    assert same[0] == same[1]
    other = paired_bootstrap(a, b, resamples=300, seed=12)
    assert (other.low, other.high) != (same[0].low, same[0].high)


def test_bootstrap_without_groups_equals_singleton_groups():
    rng = np.random.default_rng(5)
    a, b = rng.normal(size=25), rng.normal(size=25)
    labels = np.array([f"g{k:02d}" for k in range(25)])
    assert paired_bootstrap(a, b, resamples=300, seed=2) == paired_bootstrap(
        a, b, labels, resamples=300, seed=2
    )


def test_cluster_bootstrap_weights_cases_not_clusters():
    # cluster A: 3 cases with difference 0; cluster B: 1 case with difference 1.
    # A resample of 2 clusters is AA (0), BB (1) or AB/BA (1 / 4 cases = 0.25): never 0.5,
    # which averaging cluster means would give.
    a = np.array([0.0, 0, 0, 1])
    b = np.zeros(4)
    d = paired_bootstrap(a, b, ["A", "A", "A", "B"], resamples=4000, seed=0)
    assert d.estimate == pytest.approx(0.25) and d.clusters == 2
    assert (d.low, d.high) == (0.0, 1.0)


def test_bootstrap_drops_unpaired_cases_and_needs_two_groups():
    a = np.array([1.0, np.nan, 3.0])
    b = np.array([0.0, 5.0, 1.0])
    d = paired_bootstrap(a, b, resamples=100, seed=0)
    assert d.n == 2 and d.estimate == pytest.approx(1.5)
    one = paired_bootstrap(np.array([2.0]), np.array([1.0]), resamples=100, seed=0)
    assert one.estimate == 1.0 and math.isnan(one.low) and math.isnan(one.high)
    with pytest.raises(KingmakerError):
        paired_bootstrap(a, b, level=1.5)


def test_the_one_sided_p_value_comes_from_the_same_resamples():
    # two clusters, A (difference 0, 3 cases) and B (difference 1): a resample's statistic is
    # 0 (AA), 0.25 (AB/BA) or 1 (BB), always >= 0, so p = (1 + R) / (R + 1) = 1; and with the
    # signs reversed only AA (about a quarter of the resamples) gives a statistic >= 0
    a, b, groups = np.array([0.0, 0, 0, 1]), np.zeros(4), ["A", "A", "A", "B"]
    diff, p = paired_bootstrap_test(a, b, groups, resamples=4000, seed=0)
    assert diff == paired_bootstrap(a, b, groups, resamples=4000, seed=0) and p == 1.0
    _, p_rev = paired_bootstrap_test(b, a, groups, resamples=4000, seed=0)
    assert p_rev == pytest.approx(0.25, abs=0.03)
    _, none = paired_bootstrap_test(np.array([2.0]), np.array([1.0]), resamples=100, seed=0)
    assert math.isnan(none)


def test_coverage_by_hand():
    c = coverage(np.zeros(3), np.ones(3), np.array([0.5, 2.0, 1.0]), 0.8)
    assert (c.n, c.hits) == (3, 2) and c.rate == pytest.approx(2 / 3)  # bounds count as inside
    # Wilson 95% interval for 2 of 3
    assert (c.low, c.high) == pytest.approx((0.2077, 0.9385), abs=1e-4)
    assert c.mean_width == 1.0


def test_conformal_halfwidth_by_hand():
    r = np.arange(1.0, 10.0)  # 1..9
    assert conformal_halfwidth(r, 0.8) == 8.0  # ceil(10 x 0.8) = 8th smallest
    assert conformal_halfwidth(r, 0.5) == 5.0
    assert conformal_halfwidth(r, 0.95) == math.inf  # ceil(9.5) = 10 > 9 residuals


def test_central_interval():
    draws = np.arange(101.0)[:, None] * np.array([1.0, 2.0])
    lo, hi = central_interval(draws, 0.8, axis=0)
    assert lo == pytest.approx([10.0, 20.0]) and hi == pytest.approx([90.0, 180.0])
