"""Repeated nested cross-validation and cross-conformal calibration (second accuracy round).

The protocol's checks: a held-out fold's outcomes never reach the settings tuned for it (a
planted sentinel outcome changes nothing tuned for its fold), the statistic is the mean
difference of held-out errors, and cross-conformal coverage on data with a known error
distribution is within sampling error of the nominal level.
"""

from __future__ import annotations

import numpy as np
import pytest

from kingmaker.analysis.backtest.nested import Candidates, nested_cv, set_scores
from kingmaker.analysis.backtest.split import grouped_folds
from kingmaker.analysis.backtest.tuning import Family
from kingmaker.randomness import normalize_seed, substream


def synthetic(n=240, seed=1):
    rng = np.random.default_rng(seed)
    groups = [f"g{k // 2:03d}" for k in range(n)]  # two cases per group
    truth = rng.uniform(20, 80, n)
    observed = truth + rng.normal(0, 10, n)
    # grid: forecasts biased by -10 .. +10; the unbiased one (index 2) is best
    grid = np.stack([truth + b for b in (-10.0, -5.0, 0.0, 5.0, 10.0)])
    family = Family("shift", "truth + bias", ("-10", "-5", "0", "+5", "+10"), grid)
    return family, observed, groups, truth


SCALE = (np.full(240, -1e9), np.full(240, 1e9))


def test_a_planted_outcome_changes_nothing_tuned_for_its_own_fold():
    family, observed, groups, _ = synthetic()
    base = nested_cv(family, family.forecasts[0], observed, groups, SCALE, repetitions=2)
    # the first repetition's outer folds, as nested_cv draws them
    fold = grouped_folds(groups, 5, substream(normalize_seed(0), "accuracy-cv", 0))
    k = fold[groups[0]]
    planted = observed.copy()
    planted[[i for i, g in enumerate(groups) if fold[g] == k]] += 1000.0
    again = nested_cv(family, family.forecasts[0], planted, groups, SCALE, repetitions=2)
    assert again.choices[0][k] == base.choices[0][k]
    in_k = np.array([fold[g] == k for g in groups])
    np.testing.assert_array_equal(again.held[0, in_k], base.held[0, in_k])
    # ... while a fold that trains on the planted outcomes does see them (the test can fail)
    assert again.choices[0] != base.choices[0] or not np.array_equal(
        again.held[0, ~in_k], base.held[0, ~in_k]
    )


def test_the_statistic_is_the_mean_difference_of_held_out_errors():
    family, observed, groups, truth = synthetic()
    baseline = truth - 10.0
    res = nested_cv(family, baseline, observed, groups, SCALE, repetitions=3)
    assert all(label == "0" for rep in res.choices for label in rep)  # clear winner
    expected = np.mean(np.abs(truth - observed)) - np.mean(np.abs(baseline - observed))
    assert res.difference.estimate == pytest.approx(expected)
    assert res.difference.high < 0
    assert res.mae == pytest.approx(np.mean(np.abs(truth - observed)))


def test_cross_conformal_coverage_is_nominal_on_known_errors():
    n = 600
    rng = np.random.default_rng(7)
    observed = rng.laplace(0, 5, n)
    groups = [f"g{k:04d}" for k in range(n)]
    family = Family("zero", "0", ("0",), np.zeros((1, n)))
    scale = (np.full(n, -1e9), np.full(n, 1e9))
    res = nested_cv(family, np.zeros(n), observed, groups, scale, repetitions=3)
    for cal in res.intervals:
        # binomial sampling error of a rate over 600 cases: sd <= 0.02; conformal is >= level
        assert cal.level - 0.03 <= cal.coverage <= cal.level + 0.05, cal
        # the half-width is the level's quantile of |Laplace(5)|: -5 ln(1 - level)
        assert cal.width / 2 == pytest.approx(-5 * np.log(1 - cal.level), rel=0.2)


def test_set_scores_and_sets():
    values = np.array([[0.0, 50.0, 100.0], [0.0, 100.0, np.nan]])
    probs = np.array([[[0.5, 0.3, 0.2], [0.6, 0.4, 0.0]]])
    cands = Candidates(values, probs)
    g = np.zeros(2, dtype=int)
    # case 0 observed 50: candidates at least as probable as 50 are 0 and 50: 0.8
    # case 1 observed 30: no candidate: +inf
    np.testing.assert_allclose(set_scores(cands, g, np.array([50.0, 30.0])), [0.8, np.inf])


def test_deu3_council_quota_follows_the_rule_and_the_treaty_period():
    """Unanimity: every member (quota 1); QMV: the period's qualified majority of Council
    weights (62/87 before Nice, 65% of the population under Lisbon); the Commission and the
    Parliament do not vote."""
    from kingmaker.analysis.backtest.accuracy import council_quota
    from kingmaker.analysis.backtest.deu3_target import backtest_target
    from kingmaker.analysis.backtest.engine import case_batch

    target = backtest_target(capability="council")
    batch = case_batch(target)
    quota, voting = council_quota(target, batch)
    for k, case in enumerate(target.cases):
        rule, period = case.strata["rule"], case.strata["period"]
        if rule != "QMV":
            assert quota[k] == 1.0
        elif period == "pre-nice":
            assert quota[k] == pytest.approx(62 / 87)
        elif period == "lisbon":
            assert quota[k] == pytest.approx(0.65)
        elif period == "nice":
            assert any(quota[k] == pytest.approx(v) for v in (232 / 321, 255 / 345, 260 / 352))
    rules = {c.strata["rule"] for c in target.cases}
    assert rules == {"QMV", "unanimity"}
    for inst in ("com", "ep"):
        assert not voting[batch.actor_ids.index(inst)].any()
