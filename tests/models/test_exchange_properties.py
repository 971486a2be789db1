"""The exchange model's invariants on random scenarios (hypothesis), through ``run_model``.

What must hold whatever the numbers: outcomes are weighted means of the voting positions and
stay on the scale; every realised exchange moves both actors toward their partners and
benefits both; one issue or one actor leaves nothing to trade; results do not depend on the
capability unit, the scale's unit, the actors' order, the number of rounds asked for beyond
those run, or the other draws of a batch. docs/reference/models.md states the rules.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kingmaker.models import registry
from kingmaker.models.base import run_model
from tests.models.batches import (
    draw_rows,
    generic_batches,
    grid_batches,
    permuted,
    rescaled,
    weighted_mean,
)

EXCHANGE = registry.get("exchange")
STEP_SALIENCE, STEP_FIXED = 0.4, 0.1  # x' = x + ((1 - s) 0.4 + 0.1) (y - x)

SETTINGS = st.sampled_from(
    [
        {},
        {"ties": "random"},
        {"variant": "random_rate"},
        {"variant": "random_rate", "ties": "random"},
        {"p": 0.5},
        {"p": 1.0, "ties": "random"},
    ]
)
#: settings under which a move never passes the partner's position (p > 0 has the
#: reference's quirk of a winner that may move away: docs/reference/models.md)
TOWARD_PARTNER = st.sampled_from(
    [
        {},
        {"ties": "random"},
        {"variant": "random_rate"},
        {"variant": "random_rate", "ties": "random"},
    ]
)

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(batch, rounds=10, seed=0, **options):
    params = registry.make_params(EXCHANGE, {"rounds": rounds, **options})
    return run_model(EXCHANGE, batch, params, np.random.default_rng(seed))


def tolerance(batch):
    return 1e-9 * (batch.scale_max - batch.scale_min)


def exchanges(out, draw=0):
    """(round, exchange) pairs of a draw, in the order realised."""
    return [(r["round"], e) for r in out.extras["rounds"][draw] for e in r["exchanges"]]


@PROPERTY
@given(grid_batches(max_actors=5, max_issues=3), SETTINGS, st.integers(0, 6), st.integers(0, 99))
def test_outcomes_are_weighted_means_on_the_scale(batch, options, rounds, seed):
    out = run(batch, rounds, seed, **options)
    lo, hi, tol = batch.scale_min, batch.scale_max, tolerance(batch)
    traj = out.trajectory[0]  # (T+1, n, m)
    assert traj.shape == (rounds + 1, batch.n_actors, batch.n_issues)
    assert np.isnan(traj[:, ~batch.present]).all()
    on = traj[:, batch.present]
    assert (on >= np.broadcast_to(lo, traj.shape)[:, batch.present] - tol.max()).all()
    assert (on <= np.broadcast_to(hi, traj.shape)[:, batch.present] + tol.max()).all()
    # the kernel works on the unit scale, so the start comes back up to rounding
    np.testing.assert_allclose(
        traj[0][batch.present], batch.position[0][batch.present], rtol=1e-12, atol=tol.max()
    )
    # the start is the compromise; each round's outcome is the weighted mean of its votes
    outcomes = out.extras["outcomes"][0]
    np.testing.assert_allclose(outcomes[0], weighted_mean(batch)[0], rtol=1e-12, atol=1e-12)
    for t in range(rounds + 1):
        expected = weighted_mean(batch, traj[t][None])[0]
        np.testing.assert_allclose(outcomes[t], expected, rtol=1e-9, atol=tol.max())
    np.testing.assert_array_equal(out.forecast[0], outcomes[-1])
    assert ((out.forecast[0] >= lo - tol) & (out.forecast[0] <= hi + tol)).all()
    # rounds run, exchange counts, convergence and the records agree
    done = int(out.rounds[0, 0])
    counts = out.extras["exchange_counts"][0]
    assert (out.rounds == done).all() and 0 <= done <= rounds
    assert (counts[:done] > 0).all() and (counts[done:] == 0).all()
    assert bool(out.converged[0, 0]) == (done < rounds)
    assert out.stop_reason[0, 0] == ("no_exchange" if done < rounds else "rounds")
    records = out.extras["rounds"][0]
    assert [r["round"] for r in records] == list(range(done + 1))
    assert [len(r["exchanges"]) for r in records[1:]] == list(counts[:done])
    # after the last round that traded, nothing moves
    assert np.array_equal(traj[done:], np.broadcast_to(traj[done], traj[done:].shape), True)
    ids = {a: k for k, a in enumerate(batch.actor_ids)}
    issues = {i: k for k, i in enumerate(batch.issue_ids)}
    equal_gain = options.get("variant", "equal_gain") == "equal_gain" and not options.get("p")
    for _, e in exchanges(out):
        leg_a, leg_b = e["legs"]
        assert leg_a["partner"] == leg_b["actor"] and leg_b["partner"] == leg_a["actor"]
        assert leg_a["actor"] != leg_b["actor"] and leg_a["issue"] != leg_b["issue"]
        for leg in e["legs"]:
            a, i = ids[leg["actor"]], issues[leg["issue"]]
            assert batch.present[a, i] and batch.present[ids[leg["partner"]], i]
            assert lo[i] - tol[i] <= leg["to"] <= hi[i] + tol[i]
            assert leg["to"] != leg["from"]
        if equal_gain:
            assert e["gain"] >= 1e-10
            assert leg_a["gain"] == pytest.approx(leg_b["gain"], rel=1e-9, abs=1e-12)
        elif options.get("variant") == "random_rate":  # both gain; ordered by the smaller
            assert min(leg_a["gain"], leg_b["gain"]) > 0
            assert e["gain"] == pytest.approx(min(leg_a["gain"], leg_b["gain"]), rel=1e-12)
    # the same seed gives the same run
    again = run(batch, rounds, seed, **options)
    np.testing.assert_array_equal(again.forecast, out.forecast)
    assert again.extras["rounds"] == out.extras["rounds"]


@PROPERTY
@given(grid_batches(max_actors=5, max_issues=3), TOWARD_PARTNER, st.integers(0, 99))
def test_every_move_goes_toward_the_partner_and_never_past(batch, options, seed):
    """A leg moves its actor from where it stands toward the partner's round-start position
    on that issue, at most up to it; within a round an actor never turns back on an issue.
    Round-start positions follow x' = x + ((1 - s) 0.4 + 0.1) (y - x)."""
    out = run(batch, 5, seed, **options)
    traj = out.trajectory[0]
    ids = {a: k for k, a in enumerate(batch.actor_ids)}
    issues = {i: k for k, i in enumerate(batch.issue_ids)}
    tol = tolerance(batch)
    step = (1.0 - batch.salience[0]) * STEP_SALIENCE + STEP_FIXED
    start = batch.position[0].copy()
    for record in out.extras["rounds"][0][1:]:
        where = start.copy()  # each actor's voting position as the round goes
        direction = {}
        for e in record["exchanges"]:
            for leg in e["legs"]:
                a, i, partner = ids[leg["actor"]], issues[leg["issue"]], ids[leg["partner"]]
                assert leg["from"] == pytest.approx(where[a, i], abs=tol[i])
                target = start[partner, i]
                move = leg["to"] - leg["from"]
                assert np.sign(move) == np.sign(target - leg["from"]), leg
                assert abs(move) <= abs(target - leg["from"]) + tol[i], leg
                assert direction.setdefault((a, i), np.sign(move)) == np.sign(move), leg
                where[a, i] = leg["to"]
        t = record["round"]
        np.testing.assert_allclose(traj[t][batch.present], where[batch.present], atol=tol.max())
        start = start + step * (traj[t] - start)


@PROPERTY
@given(
    st.one_of(
        grid_batches(max_actors=1, max_issues=4),  # one actor
        grid_batches(max_actors=6, max_issues=1),  # one issue
    ),
    SETTINGS,
    st.integers(1, 5),
)
def test_nothing_to_trade_with_one_actor_or_one_issue(batch, options, rounds):
    """An exchange needs two actors and two issues: otherwise the run stops at once and the
    forecast is the compromise model's."""
    out = run(batch, rounds, **options)
    assert (out.rounds == 0).all() and out.converged.all()
    assert (out.stop_reason == "no_exchange").all()
    assert exchanges(out) == [] and not out.extras["exchange_counts"].any()
    compromise = registry.get("compromise")
    expected = run_model(compromise, batch, registry.make_params(compromise, {})).forecast
    np.testing.assert_allclose(out.forecast, expected, rtol=1e-12, atol=1e-12)
    if batch.n_actors == 1:
        # the lone actor's position, up to the round trip through the unit scale
        np.testing.assert_allclose(out.forecast, batch.position[:, 0], rtol=1e-12, atol=1e-12)


@PROPERTY
@given(
    grid_batches(max_actors=5, max_issues=3),
    st.integers(-3, 3),
    st.integers(-3, 3),
    st.sampled_from([{}, {"variant": "random_rate"}, {"ties": "random"}]),
)
def test_units_of_capability_and_scale_do_not_matter(batch, cap_exp, scale_exp, options):
    """Multiplying every capability by 2^j and every scale (with its positions) by 2^k is
    exact in binary: the run must be the same, bit for bit, with positions times 2^k."""
    out = run(batch, 6, 3, **options)
    k = 2.0**scale_exp
    other = rescaled(batch.replace(capability=batch.capability * 2.0**cap_exp), factor=k)
    again = run(other, 6, 3, **options)
    np.testing.assert_array_equal(again.forecast, k * out.forecast)
    np.testing.assert_array_equal(again.trajectory, k * out.trajectory)
    np.testing.assert_array_equal(again.extras["exchange_counts"], out.extras["exchange_counts"])
    for (_, e), (_, f) in zip(exchanges(out), exchanges(again), strict=True):
        assert f["gain"] == e["gain"]
        for leg, leg2 in zip(e["legs"], f["legs"], strict=True):
            assert (leg2["actor"], leg2["issue"], leg2["gain"]) == (
                leg["actor"],
                leg["issue"],
                leg["gain"],
            )
            assert (leg2["from"], leg2["to"]) == (k * leg["from"], k * leg["to"])


@PROPERTY
@given(grid_batches(max_actors=5, max_issues=3), st.integers(0, 4), st.integers(1, 4))
def test_more_rounds_extend_fewer(batch, rounds, more):
    """Rounds do not look ahead: a run of r rounds is the beginning of a run of r + k."""
    short, long = run(batch, rounds), run(batch, rounds + more)
    np.testing.assert_array_equal(short.trajectory, long.trajectory[:, : rounds + 1])
    np.testing.assert_array_equal(
        short.extras["outcomes"], long.extras["outcomes"][:, : rounds + 1]
    )
    np.testing.assert_array_equal(
        short.extras["exchange_counts"], long.extras["exchange_counts"][:, :rounds]
    )
    done = int(short.rounds[0, 0])
    assert short.extras["rounds"][0] == long.extras["rounds"][0][: done + 1]
    if short.converged[0, 0]:  # stopped for want of exchanges: more rounds change nothing
        np.testing.assert_array_equal(long.forecast, short.forecast)
        assert (long.rounds == short.rounds).all()


@PROPERTY
@given(generic_batches(max_actors=6, max_issues=3, absent=True), st.randoms(use_true_random=False))
def test_the_order_of_the_actors_does_not_matter(batch, random):
    """Relabelling the actors relabels the result (ties aside, which follow input order;
    distinct random numbers have none)."""
    perm = list(range(batch.n_actors))
    random.shuffle(perm)
    assume(perm != sorted(perm))
    out, other = run(batch), run(permuted(batch, perm))
    tol = tolerance(batch)
    np.testing.assert_allclose(other.forecast[0], out.forecast[0], rtol=0, atol=tol.max())
    np.testing.assert_allclose(
        other.trajectory[0], out.trajectory[0][:, perm], rtol=0, atol=tol.max()
    )
    assert (other.rounds == out.rounds).all()
    np.testing.assert_array_equal(other.extras["exchange_counts"], out.extras["exchange_counts"])
    pairs = {
        (t, *sorted((leg["actor"], leg["issue"]) for leg in e["legs"])) for t, e in exchanges(out)
    }
    pairs_other = {
        (t, *sorted((leg["actor"], leg["issue"]) for leg in e["legs"])) for t, e in exchanges(other)
    }
    assert pairs == pairs_other


@PROPERTY
@given(generic_batches(max_actors=6, max_issues=3, absent=True), st.floats(-100, 100))
def test_moving_the_scale_moves_the_result(batch, offset):
    """The model works on 0-100: giving every issue another origin shifts the forecast."""
    out, other = run(batch), run(rescaled(batch, offset=offset))
    tol = 1e-9 * np.maximum(batch.scale_max - batch.scale_min, abs(offset))
    np.testing.assert_allclose(other.forecast[0], out.forecast[0] + offset, rtol=0, atol=tol.max())
    assert (other.rounds == out.rounds).all()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid_batches(max_actors=4, max_issues=3, draws=3), st.sampled_from([{}, {"ties": "random"}]))
def test_each_draw_of_a_batch_runs_as_on_its_own(batch, options):
    """Draws advance in lockstep but never see each other (deterministic settings), so a
    batch's draws are the draws run one by one, bit for bit."""
    if options:  # a random rule draws from one stream for the batch: only the shape holds
        out = run(batch, 4, 1, **options)
        assert out.forecast.shape == (3, batch.n_issues)
        return
    together = run(batch, 4)
    for b in range(batch.size):
        alone = run(draw_rows(batch, [b]), 4)
        np.testing.assert_array_equal(together.forecast[b], alone.forecast[0])
        np.testing.assert_array_equal(together.trajectory[b], alone.trajectory[0])
        assert together.extras["rounds"][b] == alone.extras["rounds"][0]
