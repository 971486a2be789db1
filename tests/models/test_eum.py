"""The expected-utility model: settings, agreement with the loop oracle, batching, degenerate
input, stopping rules, and its place in the engine, the API and the command line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kingmaker
from kingmaker.cli import main
from kingmaker.errors import ModelSettingsError
from kingmaker.models import eum, registry
from kingmaker.models.base import run_model
from kingmaker.models.median import weighted_median
from tests.conftest import ANCHORS
from tests.models import eum_oracle

EXAMPLE = ANCHORS / "bdm1994" / "ExampleActors.csv"


def params(**kw) -> eum.Params:
    return registry.make_params(registry.get("eum"), kw)


def run_rows(cap, pos, sal, lo=0.0, hi=100.0, threads=1, **kw):
    cap, pos, sal = (np.atleast_2d(np.asarray(a, float)) for a in (cap, pos, sal))
    R = pos.shape[0]
    return eum.simulate(cap, pos, sal, np.full(R, lo), np.full(R, hi), params(**kw), threads)


def oracle(cap, pos, sal, lo=0.0, hi=100.0, **kw):
    p = params(**kw)
    return eum_oracle.run(
        cap,
        pos,
        sal,
        lo,
        hi,
        rounds=p.rounds,
        q=p.q,
        capitulation=p.capitulation,
        least_change=p.least_change,
        pairwise=p.pairwise_probability,
        stopping=p.stopping,
        tolerance=p.tolerance,
    )


def assert_matches_oracle(out: eum.IssueOutput, row: int, o: eum_oracle.Run, atol=1e-9):
    """Row ``row`` of a kernel output equals an oracle run (moves exactly, numbers to atol)."""
    t = o.rounds
    assert out.rounds[row] == t
    assert out.stop_reason[row] == o.stop_reason
    assert out.converged[row] == o.converged
    assert out.extras["cycle_length"][row] == o.cycle_length
    np.testing.assert_allclose(out.trajectory[row, : t + 1], o.trajectory, rtol=0, atol=atol)
    np.testing.assert_allclose(out.extras["mean"][row, : t + 1], o.mean, rtol=0, atol=atol)
    np.testing.assert_allclose(out.extras["median"][row, : t + 1], o.median, rtol=0, atol=atol)
    np.testing.assert_allclose(
        out.extras["risk"][row, :t],
        np.reshape(o.risk, (t, out.trajectory.shape[2])),
        rtol=0,
        atol=atol,
    )
    for u, moves in enumerate(o.moves):
        kinds = out.extras["move_kind"][row, u]
        assert {i for i in np.nonzero(kinds)[0]} == {m[0] for m in moves}, f"round {u + 1}"
        for i, kind, j, a, b, _ in moves:
            assert eum.MOVE_KINDS[kinds[i]] == kind
            assert out.extras["move_partner"][row, u, i] == j
            np.testing.assert_allclose(out.extras["move_eu"][row, u, i], [a, b], rtol=0, atol=atol)
    assert out.forecast[row] == out.extras["median"][row, -1]
    assert not np.isnan(out.trajectory[row]).any()


# --- settings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_", "switches"),
    [
        ({}, (False, False, False)),
        ({"variant": "corrected"}, (True, True, True)),
        ({"variant": "scholz2011", "capitulation": True}, (True, False, False)),
        ({"least_change": True}, (False, True, False)),
        ({"pairwise_probability": True}, (False, False, True)),
        ({"variant": "corrected", "least_change": False}, (True, False, True)),
    ],
    ids=[
        "default",
        "corrected",
        "capitulation-alone",
        "least-change-alone",
        "pairwise-alone",
        "corrected-but-one",
    ],
)
def test_switches_follow_the_variant_unless_set(given_, switches):
    p = params(**given_)
    assert (p.capitulation, p.least_change, p.pairwise_probability) == switches
    assert p.variant == given_.get("variant", "scholz2011")
    assert p.model_dump()["capitulation"] is switches[0]  # recorded as a boolean, not null


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ({"variant": "bdm"}, "variant"),
        ({"q": 1.5}, "q"),
        ({"rounds": -1}, "rounds"),
        ({"stopping": "never"}, "stopping"),
        ({"tolerance": -1}, "tolerance"),
        ({"capitulate": True}, "unknown setting"),
    ],
    ids=["variant", "q", "rounds", "stopping", "tolerance", "typo"],
)
def test_bad_settings_are_named(bad, says):
    with pytest.raises(ModelSettingsError, match=says):
        params(**bad)


def test_registered_and_run_by_default():
    assert "eum" in registry.BUILTIN and "eum" in registry.DEFAULT_MODELS
    spec = registry.get("eum")
    assert spec.variants == ("scholz2011", "corrected") and spec.dynamic
    sc = kingmaker.load_scenario("bdm1994-emissions")
    assert "eum" in sc.models.default
    assert kingmaker.forecast(sc).value("eum", "lag") == 7.0


# --- the batched kernel equals the loop oracle -----------------------------------------------

positions = st.one_of(
    st.sampled_from([0.0, 25.0, 50.0, 50.0, 100.0]), st.floats(0, 100, allow_subnormal=False)
)
unit = st.one_of(st.sampled_from([0.0, 1.0]), st.floats(0, 1, allow_subnormal=False))


@st.composite
def scenarios(draw, max_actors=6, n=None):
    n = n or draw(st.integers(1, max_actors))
    pos = draw(st.lists(positions, min_size=n, max_size=n))
    cap = draw(st.lists(unit, min_size=n, max_size=n))
    sal = draw(st.lists(unit, min_size=n, max_size=n))
    return cap, pos, sal


settings_ = st.fixed_dictionaries(
    {
        "variant": st.sampled_from(["scholz2011", "corrected"]),
        "capitulation": st.none() | st.booleans(),
        "least_change": st.none() | st.booleans(),
        "pairwise_probability": st.none() | st.booleans(),
        "rounds": st.integers(0, 5),
        "stopping": st.sampled_from(["fixed", "converge"]),
        "q": st.sampled_from([1.0, 0.5]) | st.floats(0, 1),
    }
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(max_actors=7), settings_)
def test_kernel_equals_oracle(scenario, kw):
    cap, pos, sal = scenario
    assert_matches_oracle(run_rows(cap, pos, sal, **kw), 0, oracle(cap, pos, sal, **kw))


@settings(max_examples=25, deadline=None)
@given(st.lists(scenarios(n=5), min_size=2, max_size=6), settings_)
def test_a_batch_equals_its_rows_run_alone(batch, kw):
    cap, pos, sal = (np.array([s[k] for s in batch]) for k in range(3))
    together = run_rows(cap, pos, sal, **kw)
    for r in range(len(batch)):
        alone = run_rows(cap[r], pos[r], sal[r], **kw)
        t = alone.rounds[0]
        assert together.rounds[r] == t and together.stop_reason[r] == alone.stop_reason[0]
        assert np.array_equal(together.trajectory[r, : t + 1], alone.trajectory[0])
        assert np.array_equal(together.extras["move_kind"][r, :t], alone.extras["move_kind"][0])
        assert together.forecast[r] == alone.forecast[0]


def test_threads_do_not_change_results():
    rng = np.random.default_rng(7)
    cap, pos, sal = rng.random((600, 9)), 100 * rng.random((600, 9)), rng.random((600, 9))
    one = run_rows(cap, pos, sal, variant="corrected", stopping="converge", rounds=40, threads=1)
    three = run_rows(cap, pos, sal, variant="corrected", stopping="converge", rounds=40, threads=3)
    assert np.array_equal(one.trajectory, three.trajectory)
    assert np.array_equal(one.extras["move_eu"], three.extras["move_eu"], equal_nan=True)
    assert (one.stop_reason == "converged").any() and (one.stop_reason != "converged").any()


def test_capitulation_fires_only_when_switched_on():
    """The replication's capitulation test (b < |b|) never holds; the fixed one (b < |a|) does,
    and the oracle agrees on the BDM case's 17-actor companion, where it matters."""
    rng = np.random.default_rng(11)
    cap, pos, sal = rng.random((300, 6)), 100 * rng.random((300, 6)), rng.random((300, 6))
    assert not (run_rows(cap, pos, sal, rounds=5).extras["move_kind"] == 3).any()
    assert (run_rows(cap, pos, sal, rounds=5, capitulation=True).extras["move_kind"] == 3).any()
    arrays = kingmaker.compile_scenario(kingmaker.load_scenario(ANCHORS / "bdm1994/Sultan.csv"))
    c, x, s = (arrays.value[p][:, 0] for p in ("capability", "position", "salience"))
    out = run_rows(c, x, s, 12, 15, capitulation=True, rounds=4)
    assert (out.extras["move_kind"] == 3).sum() == 4
    assert_matches_oracle(out, 0, oracle(c, x, s, 12, 15, capitulation=True, rounds=4))


def test_median_is_the_weighted_median_model():
    """The per-round median (compiled) follows kingmaker.models.median's rule exactly."""
    rng = np.random.default_rng(3)
    cap = rng.choice([0.0, 0.5, 1.0], (300, 6))
    sal = rng.choice([0.0, 0.5, 1.0], (300, 6))
    pos = rng.choice([0.0, 10.0, 20.0, 35.0], (300, 6))
    out = run_rows(cap, pos, sal, rounds=0)
    assert np.array_equal(out.forecast, weighted_median(cap, pos, sal))


# --- degenerate input: defined, no NaN -------------------------------------------------------


def _finite(out):
    """No NaN anywhere a fixed-rounds run writes numbers."""
    for key in ("mean", "median", "risk"):
        assert np.isfinite(out.extras[key]).all()
    assert np.isfinite(out.trajectory).all() and np.isfinite(out.forecast).all()


def test_all_positions_equal():
    out = run_rows([0.2, 0.5, 0.1], [40, 40, 40], [0.3, 0.9, 0.5], rounds=5)
    _finite(out)
    assert (out.trajectory == 40).all() and out.forecast[0] == 40
    assert (out.extras["move_kind"] == 0).all() and (out.extras["risk"] == 1).all()
    stop = run_rows([0.2, 0.5, 0.1], [40, 40, 40], [0.3, 0.9, 0.5], stopping="converge")
    assert (stop.rounds[0], stop.stop_reason[0], stop.converged[0]) == (1, "converged", True)


@pytest.mark.parametrize("salience", [1.0, 0.5], ids=["s1", "s0.5"])
def test_equal_danger_levels(salience):
    """Two mirror-image actors: equal danger levels, where the replication divides by zero.

    By hand (R = 10, w = 1): the votes for 0 over 10 are 1 (actor 0) and 0, so P = 1 / (2 x 2)
    = 1/4 both ways; danger = s(2 P - 1) 2 + (1 - s) 2 = 2 - 3 s for both; so r = 1, and
    EU_i(i -> j) = EU_i(j -> i) = 2 - 3 s: no offer, nobody moves; mean and median 5.
    """
    out = run_rows([1, 1], [0, 10], [salience, salience], rounds=3)
    _finite(out)
    assert (out.extras["risk"] == 1).all() and (out.extras["move_kind"] == 0).all()
    assert out.forecast[0] == 5 and (out.extras["mean"] == 5).all()
    o = oracle([1, 1], [0, 10], [salience, salience], rounds=3)
    assert o.danger[0] == pytest.approx([2 - 3 * salience] * 2, abs=1e-15)


@pytest.mark.parametrize(
    ("cap", "sal"),
    [
        ([0, 0, 0, 0], [0.5, 0.8, 0.2, 1.0]),
        ([0.3, 0.1, 0.5, 0.4], [0, 0, 0, 0]),
        ([0, 0, 0, 0], [0, 0, 0, 0]),
    ],
    ids=["no-capability", "no-salience", "nothing"],
)
def test_zero_capability_or_salience_everywhere(cap, sal):
    """Every weight zero: everyone counts equally (the package's convention); no NaN."""
    pos = [10, 20, 60, 90]
    out = run_rows(cap, pos, sal, rounds=4)
    _finite(out)
    assert out.extras["mean"][0, 0] == 45
    assert_matches_oracle(out, 0, oracle(cap, pos, sal, rounds=4))


def test_an_actor_without_weight_gives_in():
    """A (0, no capability) against B (10), saliences 1/2, worked by hand (R = 10, d = 1).

    Nobody votes for A: P(A,B) = 0, P(B,A) = 1/2 (B's one vote over all votes, counted both
    ways). Danger (r = 1): A 2 (1 - s_A) = 1, B 2 - 4 s_B = 0, so r_A = 1/2, r_B = 2. Seen by
    A: U_s = 2, U_f = -2, U_sq = 2 - 2 sqrt 2, so EU_A(A -> B) = -1 + 1 - U_sq = 2 sqrt 2 - 2 and
    EU_A(B -> A) = 0 + 1 - U_sq = 2 sqrt 2 - 1: A loses a confrontation and moves to 10. Seen by
    B (U_sq = 1): EU_B(A -> B) = -1 + 1 - 1 < 0: B stays.
    """
    out = run_rows([0.0, 1.0], [0.0, 10.0], [0.5, 0.5], rounds=2)
    _finite(out)
    np.testing.assert_allclose(out.extras["risk"][0, 0], [0.5, 2.0], rtol=1e-15)
    assert list(out.extras["move_kind"][0, 0]) == [1, 0]
    np.testing.assert_allclose(
        out.extras["move_eu"][0, 0, 0], [2 * np.sqrt(2) - 2, 2 * np.sqrt(2) - 1], rtol=1e-14
    )
    assert list(out.trajectory[0, 1]) == [10.0, 10.0] and out.forecast[0] == 10.0
    assert (out.extras["move_kind"][0, 1] == 0).all()  # consensus: nothing left to offer


def test_one_actor():
    out = run_rows([0.7], [33.0], [0.4], rounds=3)
    _finite(out)
    assert (out.trajectory == 33).all() and out.forecast[0] == 33
    assert (out.extras["risk"] == 1).all() and out.rounds[0] == 3


def test_duplicate_positions_move_together():
    """Two identical actors stay identical (neither challenges the other: P = 0 between equal
    positions), and the run equals the oracle's."""
    cap, pos, sal = [0.3, 0.3, 0.5, 0.2], [20.0, 20.0, 70.0, 45.0], [0.6, 0.6, 0.4, 0.9]
    for variant in ("scholz2011", "corrected"):
        out = run_rows(cap, pos, sal, variant=variant, rounds=8)
        _finite(out)
        assert np.array_equal(out.trajectory[0, :, 0], out.trajectory[0, :, 1])
        assert not (out.extras["move_partner"][0, :, 0] == 1).any()
        assert_matches_oracle(out, 0, oracle(cap, pos, sal, variant=variant, rounds=8))


# --- stopping --------------------------------------------------------------------------------


def _example():
    arrays = kingmaker.compile_scenario(kingmaker.load_scenario(EXAMPLE))
    return [arrays.value[p][:, 0] for p in ("capability", "position", "salience")]


@pytest.mark.parametrize(
    ("kw", "reason"),
    [
        ({"variant": "corrected"}, "converged"),
        ({"least_change": True}, "cycle"),
        ({"pairwise_probability": True}, "converged"),
    ],
    ids=["corrected-converges", "least-change-cycles", "pairwise-converges"],
)
def test_stopping_on_the_bdm_case(kw, reason):
    cap, pos, sal = _example()
    out = run_rows(cap, pos, sal, 4, 10, stopping="converge", rounds=60, **kw)
    assert out.stop_reason[0] == reason and out.rounds[0] < 60
    assert_matches_oracle(
        out, 0, oracle(cap, pos, sal, 4, 10, stopping="converge", rounds=60, **kw)
    )
    t, c = out.rounds[0], out.extras["cycle_length"][0]
    if reason == "cycle":
        assert c >= 2 and np.abs(out.trajectory[0, t] - out.trajectory[0, t - c]).max() <= 6e-6
        assert not out.converged[0]


def test_fixed_rounds_report_whether_the_last_round_moved():
    cap, pos, sal = _example()
    fixed = run_rows(cap, pos, sal, 4, 10, variant="corrected", rounds=10)
    assert fixed.rounds[0] == 10 and fixed.stop_reason[0] == "rounds" and fixed.converged[0]
    moving = run_rows(cap, pos, sal, 4, 10, rounds=10)
    assert not moving.converged[0]


def test_rows_that_stop_early_hold_their_state():
    cap, pos, sal = _example()
    rows = (np.array([cap, cap]), np.array([pos, [4.0] * 10]), np.array([sal, sal]))
    out = run_rows(*rows, 4, 10, variant="corrected", stopping="converge", rounds=50)
    assert list(out.rounds) == [4, 1]
    assert out.trajectory.shape == (2, 5, 10)
    assert (out.trajectory[1] == 4).all() and (out.extras["median"][1] == 4).all()
    assert (out.extras["move_kind"][1] == 0).all() and np.isnan(out.extras["risk"][1, 1:]).all()


def test_zero_rounds():
    cap, pos, sal = _example()
    out = run_rows(cap, pos, sal, 4, 10, rounds=0)
    assert out.trajectory.shape == (1, 1, 10) and out.rounds[0] == 0
    assert out.forecast[0] == 7.0 and not out.converged[0]


def test_many_rounds_to_convergence_grow_the_arrays():
    """Runs longer than the first block of rounds (32) continue where they were."""
    cap, pos, sal = _example()
    out = run_rows(cap, pos, sal, 4, 10, stopping="converge", rounds=70, tolerance=0.0)
    ref = run_rows(cap, pos, sal, 4, 10, rounds=70)
    assert out.rounds[0] == 70 and out.stop_reason[0] == "rounds"
    assert np.array_equal(out.trajectory, ref.trajectory)
    assert np.array_equal(out.extras["median"], ref.extras["median"])


# --- engine, API, command line ---------------------------------------------------------------


def test_engine_with_absent_actors_and_many_draws():
    """Copenhagen (Russia absent on two issues): per-issue runs on the present actors only, the
    same for every draw of an unperturbed batch, equal to a direct kernel call."""
    sc = kingmaker.load_scenario(ANCHORS / "decide" / "copenhagen.csv")
    arrays = kingmaker.compile_scenario(sc)
    p = params(variant="corrected", rounds=5)
    result = run_model(registry.get("eum"), arrays.batch(3), p)
    i = sc.issue_ids.index("commitments")
    present = arrays.present[:, i]
    assert not present.all()
    assert np.isnan(result.trajectory[:, :, ~present, i]).all()
    assert np.isfinite(result.trajectory[:, :, present, i]).all()
    direct = eum.simulate(
        *(arrays.value[k][present, i][None] for k in ("capability", "position", "salience")),
        arrays.scale_min[i : i + 1],
        arrays.scale_max[i : i + 1],
        p,
    )
    assert (result.forecast[:, i] == direct.forecast[0]).all()
    assert np.array_equal(result.trajectory[0, :, present, i].T, direct.trajectory[0])


def test_cli_json(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(
            [
                "forecast",
                str(EXAMPLE),
                "--model",
                "eum",
                "--variant",
                "scholz2011",
                "--rounds",
                "10",
                "--format",
                "json",
            ]
        )
    assert exit_.value.code in (0, None)
    doc = json.loads(capsys.readouterr().out)
    m = doc["issues"][0]["models"]["eum"]
    assert m["forecast"] == 7.0 and len(m["trajectory"]) == 11
    assert m["trajectory"][10][doc["actors"].index("belgium")] == pytest.approx(
        4.291541224979646, abs=1e-9
    )
    assert m["rounds"] == 10 and m["stop_reason"] == "rounds"
    assert len(m["extras"]["median"]) == 11
    assert doc["runs"]["eum"]["params"]["capitulation"] is False


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--model", "eum", "--variant", "bdm"], "variant"),
        (["--model", "eum", "--set", "eum.q=2"], "q"),
        (["--model", "eum", "--set", "eum.stopping=sometimes"], "stopping"),
    ],
    ids=["variant", "q", "stopping"],
)
def test_cli_bad_settings_exit_2(capsys, args, says):
    with pytest.raises(SystemExit) as exit_:
        main(["forecast", str(EXAMPLE), *args])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
