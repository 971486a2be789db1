"""The second accuracy round's models (snap, choice, nash, pivot) against hand-computed cases.

Each expected number is worked out in the comment beside it from the model's rule in
docs/reference/models.md, not from running the code.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import brentq

from kingmaker.models import registry
from kingmaker.models.base import run_model
from kingmaker.models.choice import predictive_median, probabilities
from kingmaker.models.snap import snapped
from tests.models.batches import make_batch


def row(*values):
    return np.array([values], dtype=float)


def forecast(name: str, batch, **settings) -> np.ndarray:
    spec = registry.get(name)
    return run_model(spec, batch, registry.make_params(spec, settings)).forecast


# ------------------------------------------------------------------------------ snap

ONES = row(1, 1, 1)


@pytest.mark.parametrize(
    ("distance", "share", "expected"),
    [
        (10, 0, 40.0),  # m = 140/3 = 46.67; nearest position 40 is 6.67 away: snapped
        (5, 0, 140 / 3),  # 6.67 > 5: stays at m
        (10, 0.5, 140 / 3),  # 40 holds a third of the weight, less than 0.5
        (0, 0, 140 / 3),  # d = 0 is the compromise model
    ],
)
def test_snap_moves_onto_a_near_enough_position(distance, share, expected):
    lo, hi = np.array([0.0]), np.array([100.0])
    got = snapped(ONES, row(0, 40, 100), ONES, lo, hi, distance, share)
    assert got[0] == pytest.approx(expected)


def test_snap_distance_is_in_points_of_a_0_100_scale():
    # scale 0-10, positions 0, 4, 10: m = 4.667, 0.667 from 4; d = 10 reaches 1.0, d = 5 0.5
    lo, hi = np.array([0.0]), np.array([10.0])
    assert snapped(ONES, row(0, 4, 10), ONES, lo, hi, 10, 0)[0] == pytest.approx(4.0)
    assert snapped(ONES, row(0, 4, 10), ONES, lo, hi, 5, 0)[0] == pytest.approx(14 / 3)


def test_snap_ties_go_to_more_weight_then_the_lower_position():
    lo, hi = np.array([0.0]), np.array([100.0])
    # 40 and 60, equal weight: m = 50 is 10 from both; equal shares: the lower, 40
    assert snapped(row(1, 1), row(40, 60), row(1, 1), lo, hi, 20, 0)[0] == 40.0
    cap = row(2, 1, 1)  # 40 with 2, 70 and 70 with 1 + 1: m = (80 + 140) / 4 = 55, both 15 away
    got = snapped(cap, row(40, 70, 70), row(1, 1, 1), lo, hi, 20, 0)[0]
    assert got == 40.0  # shares equal (1/2 each): the lower
    cap = row(2, 1, 2)  # 40 with 2, 70 with 1 + 2 = 3: m = (80 + 70 + 140)/5 = 58; 70 nearer
    got = snapped(cap, row(40, 70, 70), row(1, 1, 1), lo, hi, 20, 0)[0]
    assert got == 70.0


# ------------------------------------------------------------------------------ choice


def test_choice_probabilities_by_hand():
    # positions 0 (capability 3) and 100 (1): m = 25, shares 0.75 and 0.25; beta 4, gamma 1:
    # u(0) = -4 * 0.25 + ln 0.75, u(100) = -4 * 0.75 + ln 0.25
    lo, hi = np.array([0.0]), np.array([100.0])
    p = probabilities(row(3, 1), row(0, 100), row(1, 1), lo, hi, 4.0, 1.0)
    u0, u1 = -1 + math.log(0.75), -3 + math.log(0.25)
    expected = 1 / (1 + math.exp(u1 - u0))
    assert p[0, 0] == pytest.approx(expected)  # 0.95684
    assert p[0].sum() == pytest.approx(1.0)


def test_choice_counts_each_position_once_and_forecasts_the_predictive_median():
    lo, hi = np.array([0.0]), np.array([100.0])
    ones = row(1, 1, 1)
    # beta = gamma = 0: the two distinct positions 0 and 100 are equally likely (not 2:1)
    p = probabilities(ones, row(0, 0, 100), ones, lo, hi, 0.0, 0.0)
    assert p[0].tolist() == pytest.approx([0.5, 0.0, 0.5])
    # cumulative probability reaches 1/2 at 0 exactly: the lowest such candidate
    assert predictive_median(row(0, 0, 100), p)[0] == 0.0
    # gamma = 1: shares 2/3 and 1/3 -> 0 is the median
    p = probabilities(ones, row(0, 0, 100), ones, lo, hi, 0.0, 1.0)
    assert p[0].tolist() == pytest.approx([2 / 3, 0.0, 1 / 3])
    # three distinct positions, uniform: cumulative 1/3, 2/3 -> 50
    p = probabilities(ones, row(0, 50, 100), ones, lo, hi, 0.0, 0.0)
    assert predictive_median(row(0, 50, 100), p)[0] == 50.0


def test_choice_keeps_every_candidates_probability():
    batch = make_batch([[3], [1], [1]], [[0], [100], [0]], [[1], [1], [1]])
    spec = registry.get("choice")
    out = run_model(spec, batch, registry.make_params(spec, {"beta": 4, "gamma": 1}))
    extras = out.extras["by_issue"][0]
    assert extras["candidates"][0].tolist() == [0.0, 100.0]
    # shares 0.8 at 0, 0.2 at 100; m = 20: u(0) = -0.8 + ln 0.8, u(100) = -3.2 + ln 0.2
    u0, u1 = -0.8 + math.log(0.8), -3.2 + math.log(0.2)
    assert extras["probabilities"][0][0] == pytest.approx(1 / (1 + math.exp(u1 - u0)))
    assert out.forecast[0, 0] == 0.0


# ------------------------------------------------------------------------------ nash


def with_reference(batch, *values):
    return replace(batch, status_quo=np.array(values, dtype=float))


def test_nash_maximises_the_product_of_gains_over_the_reference_point():
    # r = 0, positions 40 and 80, equal weights: maximise log(x (80 - x)) + log(x (160 - x));
    # first-order condition 2/x = 1/(80 - x) + 1/(160 - x), solved independently
    root = brentq(lambda x: 2 / x - 1 / (80 - x) - 1 / (160 - x), 1, 79)
    batch = with_reference(make_batch([[1], [1]], [[40], [80]], [[1], [1]]), 0.0)
    got = forecast("nash", batch)[0, 0]
    assert abs(got - root) <= 0.25  # a grid of 201 points: half a point
    assert got != pytest.approx(60.0)  # not the weighted mean


def test_nash_falls_back_to_the_weighted_mean():
    base = make_batch([[1], [1], [2]], [[20], [80], [50]], [[1], [1], [1]])
    # no reference point
    assert forecast("nash", base)[0, 0] == pytest.approx(50.0)
    # actors on both sides of r = 50... r = 60: 20 and 50 want less, 80 more: no point is
    # better than r for all, so the weighted mean
    assert forecast("nash", with_reference(base, 60.0))[0, 0] == pytest.approx(50.0)


def test_nash_leaves_out_an_actor_sitting_at_the_reference_point():
    # r = 0 and an actor at 0 (it gains from nothing): the others alone, 40 and 80 as above
    root = brentq(lambda x: 2 / x - 1 / (80 - x) - 1 / (160 - x), 1, 79)
    batch = with_reference(make_batch([[1], [1], [5]], [[40], [80], [0]], [[1], [1], [1]]), 0.0)
    assert abs(forecast("nash", batch)[0, 0] - root) <= 0.25


# ------------------------------------------------------------------------------ pivot

FIVE = make_batch([[1]] * 5, [[10], [30], [50], [70], [90]], [[1]] * 5)


@pytest.mark.parametrize(
    ("quota", "expected"),
    [
        (0.6, 50.0),  # counted from 90 down: 90, 70, 50 hold 3/5 at 50
        (0.5, 50.0),  # 2/5 at 70 < 1/2, 3/5 at 50
        (0.4, 70.0),  # 2/5 at 70
        (1.0, 10.0),  # unanimity: the member nearest r
    ],
)
def test_pivot_is_the_member_a_quota_needs(quota, expected):
    batch = with_reference(FIVE, 0.0)
    assert forecast("pivot", batch, weight=1.0, quota=quota)[0, 0] == pytest.approx(expected)


def test_pivot_blends_with_the_weighted_mean_and_is_compromise_at_zero():
    batch = with_reference(FIVE, 0.0)  # m = 50
    assert forecast("pivot", batch, weight=0.5, quota=1.0)[0, 0] == pytest.approx(30.0)
    assert forecast("pivot", batch, weight=0.0, quota=1.0)[0, 0] == pytest.approx(50.0)
    assert forecast("pivot", FIVE, weight=1.0, quota=1.0)[0, 0] == pytest.approx(50.0)  # no r


def test_pivot_counts_members_only_and_stops_at_the_reference_point():
    batch = with_reference(FIVE, 0.0)
    # members a2, a3, a4 only (50, 70, 90): unanimity -> 50
    got = forecast("pivot", batch, weight=1.0, quota=1.0, members=["a2", "a3", "a4"])
    assert got[0, 0] == pytest.approx(50.0)
    # r = 40 with a member at 10 and at 30 below it: m = 50 > r, unanimity needs them: q = r
    assert forecast("pivot", with_reference(FIVE, 40.0), weight=1.0, quota=1.0)[
        0, 0
    ] == pytest.approx(40.0)
    # capability counts as votes: a4 (90) with 3 of 7 votes and a3 (70) with 1: 4/7 >= 0.5 at 70
    cap = make_batch([[1], [1], [1], [1], [3]], [[10], [30], [50], [70], [90]], [[1]] * 5)
    got = forecast("pivot", with_reference(cap, 0.0), weight=1.0, quota=0.5)
    assert got[0, 0] == pytest.approx(70.0)
