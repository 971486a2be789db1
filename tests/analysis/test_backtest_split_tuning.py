"""Grouped splits and folds, and the tune-on-training / score-once-on-test protocol."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from kingmaker.analysis.backtest.split import grouped_folds, grouped_test_split
from kingmaker.analysis.backtest.tuning import Family, cross_validate, out_of_sample
from kingmaker.errors import KingmakerError

GROUPS = [f"p{k:02d}" for k in range(30) for _ in range(1 + k % 4)]  # 30 groups, 1-4 cases


def test_test_split_is_seeded_and_keeps_groups_whole():
    a = grouped_test_split(GROUPS, 0.3, seed=42)
    assert a == grouped_test_split(GROUPS, 0.3, seed=42)
    assert a != grouped_test_split(GROUPS, 0.3, seed=43)
    held = sum(1 for g in GROUPS if g in a)
    assert held >= 0.3 * len(GROUPS)
    # groups are added only until the target is reached: it overshoots by less than a group
    assert held - 0.3 * len(GROUPS) < max(Counter(GROUPS).values())
    # input order does not matter, only the groups and their sizes
    assert grouped_test_split(list(reversed(GROUPS)), 0.3, seed=42) == a


def test_folds_cover_every_group_once_and_are_balanced():
    folds = grouped_folds(GROUPS, 5, seed=1)
    assert set(folds) == set(GROUPS) and set(folds.values()) == set(range(5))
    load = Counter()
    for g in GROUPS:
        load[folds[g]] += 1
    assert max(load.values()) - min(load.values()) <= max(Counter(GROUPS).values())
    assert folds == grouped_folds(GROUPS, 5, seed=1)


def test_split_arguments_are_checked():
    with pytest.raises(KingmakerError):
        grouped_test_split(GROUPS, 1.0, seed=0)
    with pytest.raises(KingmakerError):
        grouped_folds(GROUPS, 1, seed=0)


def _setup(n=200, seed=0):
    rng = np.random.default_rng(seed)
    observed = rng.uniform(0, 100, n)
    fold = np.arange(n) % 5
    test = np.zeros(n, dtype=bool)
    test[150:] = True
    fold[test] = -1
    groups = np.array([f"g{k // 2}" for k in range(n)])
    return observed, fold, test, groups


def test_cross_validation_finds_the_true_setting():
    observed, fold, test, _ = _setup()
    noise = np.random.default_rng(1).normal(0, 10, observed.size)
    family = Family(
        "f",
        "test family",
        ("noisy", "exact", "shifted"),
        np.stack([observed + noise, observed, observed + 5]),
    )
    r = cross_validate(family, observed, ~test, fold)
    assert r.cv_mae == 0.0 and r.choice == "exact" and set(r.fold_choices) == {"exact"}


def test_cross_validation_charges_for_tuning():
    # settings that are pure noise: the tuned in-sample MAE flatters, the CV MAE does not
    observed, fold, test, _ = _setup()
    rng = np.random.default_rng(2)
    family = Family(
        "noise", "", tuple(map(str, range(20))), observed + rng.normal(0, 10, (20, observed.size))
    )
    r = cross_validate(family, observed, ~test, fold)
    assert r.cv_mae > r.train_mae


def test_out_of_sample_selects_only_what_beats_the_baseline_in_cv():
    observed, fold, test, groups = _setup()
    rng = np.random.default_rng(3)
    baseline = observed + rng.normal(0, 5, observed.size)
    worse = Family("worse", "", ("a", "b"), np.stack([baseline + 3, baseline - 3]))
    result = out_of_sample([worse], baseline, observed, test, fold, groups, resamples=200)
    assert result.selected is None and result.test_difference is None
    assert result.test_baseline.n == 50
    assert result.test_baseline.mae == pytest.approx(np.mean(np.abs(baseline - observed)[test]))

    better = Family(
        "better", "", ("same", "half-way"), np.stack([baseline, (baseline + observed) / 2])
    )
    result = out_of_sample([worse, better], baseline, observed, test, fold, groups, resamples=200)
    assert result.selected.name == "better" and result.selected.choice == "half-way"
    expected = np.mean(np.abs((baseline - observed) / 2)[test])
    assert result.test_selected.mae == pytest.approx(expected)
    assert result.test_difference.estimate == pytest.approx(expected - result.test_baseline.mae)
    assert result.test_difference.high < 0 and result.test_difference.clusters == 25


def test_out_of_sample_needs_both_parts():
    observed, fold, _, groups = _setup(20)
    with pytest.raises(KingmakerError):
        out_of_sample([], observed, observed, np.zeros(20, dtype=bool), fold, groups)
