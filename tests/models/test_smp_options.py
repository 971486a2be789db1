"""SMP options and behaviour beyond KTAB's default runs.

Every KTAB option the reference runs do not exercise is checked against an independent
plain-loop restatement of KTAB (tests/models/smp_oracle.py), bit for bit: positions of every
turn, fractional changes, position probabilities and the forecast. Then the scenario-level
rules: batches, dimensions, actors who sit out, accommodation, seeds, errors.
"""

from __future__ import annotations

import numpy as np
import pytest

import kingmaker
from kingmaker.errors import ModelSettingsError
from kingmaker.models import registry
from kingmaker.models.smp.dynamics import simulate
from kingmaker.models.smp.params import Params
from kingmaker.scenario.compile import compile_scenario
from tests.models import smp_oracle as oracle

OPTIONS = {
    "victory_probability": ["square", "quartic", "octic", "binary"],
    "pce": ["markov_incentive", "markov_uniform"],
    "voting_rule": ["binary", "prop_bin", "prop_cubic", "cubic", "asym_prospect"],
    "big_r_adjust": ["none", "half", "two_thirds", "full"],
    "big_r_range": ["min", "max"],
    "third_party_commit": ["none", "full"],
    "bargain_interpolation": ["s1p1", "s2pmax"],
    "bargain_model": ["init_rcvr", "pw_compromise"],
}


def random_scenario(seed: int, n: int, d: int):
    """KTAB-like data on KTAB's internal scale: 2-decimal percentages, saliences <= 100 %."""
    g = np.random.default_rng(seed)
    cap = np.round(g.uniform(10, 200, n), 3)
    sal = np.round(g.uniform(5, 100, (n, d)), 2)
    sal = np.round(sal / sal.sum(1, keepdims=True) * g.uniform(60, 99, (n, 1)), 2) / 100
    pos = np.round(g.uniform(0, 100, (n, d)), 2) / 100
    return cap, sal, pos


def assert_same_as_oracle(
    settings: dict, seed: int, n: int, d: int, accommodation=None, draws: int | None = None
):
    cap, sal, pos = random_scenario(seed, n, d)
    opts = oracle.Options(**settings)
    states, ratios, challenges = oracle.run(
        cap.tolist(),
        sal.tolist(),
        pos.tolist(),
        opts,
        None if accommodation is None else accommodation.tolist(),
        None if draws is None else np.random.default_rng(draws),
    )
    rng = None if draws is None else np.random.default_rng(draws)
    run = simulate(cap[None], sal[None], pos[None], accommodation, Params(**settings), rng)
    assert run.turns[0] == len(states) - 1
    np.testing.assert_array_equal(run.positions[0], np.array([s.pos for s in states]))
    np.testing.assert_array_equal(run.fractional_change[0], ratios)
    np.testing.assert_array_equal(
        run.position_probability[0], [s.position_probabilities() for s in states]
    )
    np.testing.assert_array_equal(run.expected[0], states[-1].expected_position())
    for t, chosen in enumerate(challenges):
        targets = [chosen[i][0] if i in chosen else -1 for i in range(n)]
        np.testing.assert_array_equal(run.target[0, t], targets)
    return run


@pytest.mark.parametrize(
    ("key", "value"), [(k, v) for k, vs in OPTIONS.items() for v in vs], ids=lambda x: str(x)
)
def test_each_option_matches_the_loop_restatement(key, value):
    for seed, n, d in ((1, 6, 2), (2, 5, 1)):
        assert_same_as_oracle({key: value, "rounds": 10}, seed, n, d)


@pytest.mark.parametrize("trial", range(8))
def test_random_option_combinations_match(trial):
    """Mixed options, ideal accommodation (every 2nd) and stochastic transitions (every 4th)."""
    g = np.random.default_rng(1000 + trial)
    settings = {k: str(g.choice(["default", *v])) for k, v in OPTIONS.items()}
    settings = {k: v for k, v in settings.items() if v != "default"}
    settings["rounds"] = 8
    n, d = int(g.integers(2, 8)), int(g.integers(1, 4))
    accommodation = None
    if trial % 2 == 0:
        accommodation = np.diag(np.round(g.uniform(0.3, 0.9, n), 2))
        for i in range(n):
            j = int(g.integers(n))
            if j != i:
                accommodation[i, j] = round(float(g.uniform(0, 1 - accommodation[i, i])), 2)
    draws = None
    if trial % 4 == 1:
        settings["state_transition"] = "stochastic"
        draws = trial
    assert_same_as_oracle(settings, 2000 + trial, n, d, accommodation, draws)


def test_identity_accommodation_equals_none():
    cap, sal, pos = random_scenario(5, 6, 2)
    a = simulate(cap[None], sal[None], pos[None], None, Params())
    b = simulate(cap[None], sal[None], pos[None], np.eye(6), Params())
    np.testing.assert_array_equal(a.positions, b.positions)


def test_rows_of_a_batch_are_independent():
    """Three draws at once equal three single runs, although they stop at different turns."""
    rows = [random_scenario(s, 6, 2) for s in (11, 12, 13)]
    cap, sal, pos = (np.stack(x) for x in zip(*rows, strict=True))
    batch = simulate(cap, sal, pos, None, Params())
    assert len(set(batch.turns.tolist())) > 1
    for r in range(3):
        one = simulate(cap[r : r + 1], sal[r : r + 1], pos[r : r + 1], None, Params())
        t = one.turns[0]
        assert batch.turns[r] == t
        np.testing.assert_array_equal(batch.positions[r, : t + 1], one.positions[0])
        np.testing.assert_array_equal(
            batch.positions[r, t + 1 :],
            np.broadcast_to(one.positions[0, -1], batch.positions[r, t + 1 :].shape),
        )
        np.testing.assert_array_equal(batch.expected[r], one.expected[0])


def test_a_lone_actor_and_identical_actors_stay_put():
    """Nobody to challenge, or nothing to gain: the first turn moves nothing, and the run
    stops at turn 2 (KTAB's minimum) with risk attitudes 0 where KTAB would divide 0 by 0."""
    for n in (1, 3):
        cap = np.full((1, n), 50.0)
        sal = np.full((1, n, 1), 0.5)
        pos = np.full((1, n, 1), 0.3)
        run = simulate(cap, sal, pos, None, Params())
        assert run.turns[0] == 2
        assert np.all(run.positions == 0.3)
        assert np.all(run.risk == 0.0)
        assert np.all(run.target == -1)
        np.testing.assert_allclose(run.position_probability[0, -1], 1.0)


# ---------------------------------------------------------------- scenario level


def scenario_doc(actors, issues=("a", "b"), settings=None):
    """actors: {id: (capability, {issue: (position, salience)})}."""
    doc = {
        "scenario": {"id": "t", "title": "t"},
        "issues": [{"id": i, "question": i} for i in issues],
        "actors": [
            {
                "id": a,
                "name": a,
                "capability": c,
                "issues": {i: {"position": p, "salience": s} for i, (p, s) in st.items()},
            }
            for a, (c, st) in actors.items()
        ],
    }
    if settings:
        doc["models"] = {"settings": {"smp": settings}}
    return kingmaker.build_scenario(doc)


FOUR = {  # settles in 7 turns jointly; separately in 3 and 5
    "w": (90, {"a": (80, 0.3), "b": (30, 0.5)}),
    "x": (110, {"a": (0, 0.1), "b": (0, 0.2)}),
    "y": (100, {"a": (90, 0.2), "b": (50, 0.2)}),
    "z": (60, {"a": (30, 0.2), "b": (90, 0.3)}),
}


def test_auto_dimensions_is_joint_under_ktab_conditions_else_separate():
    joint = kingmaker.forecast(scenario_doc(FOUR), ["smp"]).run("smp")
    assert joint.extras["dimensions"] == "joint"
    over = dict(FOUR, y=(100, {"a": (90, 0.8), "b": (50, 0.6)}))
    sep = kingmaker.forecast(scenario_doc(over), ["smp"]).run("smp")
    assert sep.extras["dimensions"] == "separate"
    with pytest.raises(ModelSettingsError, match=r"saliences add up to 1\.4"):
        kingmaker.forecast(scenario_doc(over, settings={"dimensions": "joint"}), ["smp"])


def test_separate_issues_equal_one_issue_scenarios():
    both = kingmaker.forecast(scenario_doc(FOUR, settings={"dimensions": "separate"}), ["smp"]).run(
        "smp"
    )
    for issue in ("a", "b"):
        alone = {k: (c, {issue: st[issue]}) for k, (c, st) in FOUR.items()}
        one = kingmaker.forecast(scenario_doc(alone, issues=(issue,)), ["smp"]).run("smp")
        f, g = both.issue(issue), one.issue(issue)
        assert f.rounds == g.rounds
        np.testing.assert_array_equal(f.trajectory, g.trajectory)
        assert f.forecast == g.forecast
    assert both.issue("a").rounds != both.issue("b").rounds  # each issue keeps its own count


def test_actors_without_weight_or_absent_sit_out():
    """A zero-capability actor keeps its position, gets no probability, and the others run as
    if it were not there; an absent actor has no trajectory on the issue (null in JSON)."""
    extra = dict(FOUR, v=(0, {"a": (55, 0.5), "b": (5, 0.5)}))
    with_v = kingmaker.forecast(scenario_doc(extra), ["smp"]).run("smp")
    without = kingmaker.forecast(scenario_doc(FOUR), ["smp"]).run("smp")
    for issue in ("a", "b"):
        f, g = with_v.issue(issue), without.issue(issue)
        np.testing.assert_array_equal(f.trajectory[:, :4], g.trajectory)
        assert np.all(f.trajectory[:, 4] == f.trajectory[0, 4])
        assert f.forecast == g.forecast
    assert np.isnan(with_v.extras["position_probability"][:, 4]).all()

    absent = dict(FOUR, v=(50, {"a": (55, 0.5)}))
    run = kingmaker.forecast(scenario_doc(absent), ["smp"]).run("smp")
    assert run.extras["dimensions"] == "separate"
    assert np.isnan(run.issue("b").trajectory[:, 4]).all()
    assert not np.isnan(run.issue("a").trajectory[:, 4]).any()
    with pytest.raises(ModelSettingsError, match="'v' is absent from issue 'b'"):
        kingmaker.forecast(scenario_doc(absent, settings={"dimensions": "joint"}), ["smp"])


def test_scale_maps_to_ktab_unit_interval():
    """Positions on 1000..2000 run exactly like the same positions on 0..100."""

    def doc(lo, hi):
        d = {
            "scenario": {"id": "s", "title": "s"},
            "issues": [{"id": "i", "question": "i", "scale": {"min": lo, "max": hi}}],
            "actors": [
                {
                    "id": a,
                    "name": a,
                    "capability": c,
                    "issues": {"i": {"position": lo + (hi - lo) * p / 4, "salience": s}},
                }
                for a, c, p, s in (
                    ("a", 10, 0, 0.9),
                    ("b", 20, 1, 0.5),
                    ("c", 15, 2, 0.7),
                    ("d", 30, 4, 0.3),
                )
            ],
        }
        return kingmaker.forecast(kingmaker.build_scenario(d), ["smp"]).run("smp").issues[0]

    unit, wide = doc(0.0, 100.0), doc(1000.0, 2000.0)
    assert unit.rounds == wide.rounds
    np.testing.assert_allclose((wide.trajectory - 1000.0) / 10.0, unit.trajectory, atol=1e-9)


def test_ideal_adjustment_settings():
    pairs = [
        {"actor": "w", "toward": "w", "rate": 0.5},
        {"actor": "w", "toward": "x", "rate": 0.25},
    ]
    lagging = kingmaker.forecast(
        scenario_doc(FOUR, settings={"ideal_adjustment": pairs}), ["smp"]
    ).run("smp")
    plain = kingmaker.forecast(scenario_doc(FOUR), ["smp"]).run("smp")
    assert not np.array_equal(lagging.issue("a").trajectory[:3], plain.issue("a").trajectory[:3])
    with pytest.raises(ModelSettingsError, match="unknown actor"):
        kingmaker.forecast(
            scenario_doc(FOUR),
            ["smp"],
            settings={
                "smp": {"ideal_adjustment": [{"actor": "w", "toward": "nobody", "rate": 0.1}]}
            },
        )
    with pytest.raises(ModelSettingsError, match="add up to more than 1"):
        kingmaker.forecast(
            scenario_doc(FOUR),
            ["smp"],
            settings={"smp": {"ideal_adjustment": [{"actor": "w", "toward": "x", "rate": 0.5}]}},
        )


def test_stochastic_runs_follow_the_seed():
    sc = scenario_doc(FOUR)
    stochastic = {"smp": {"state_transition": "stochastic"}}

    def traj(**kw):
        run = kingmaker.forecast(sc, ["smp"], settings=stochastic, **kw).run("smp")
        return np.concatenate([i.trajectory.ravel() for i in run.issues])

    assert np.array_equal(traj(seed=3), traj(seed=3))
    assert any(not np.array_equal(traj(seed=3), traj(seed=s)) for s in (4, 5, 6))
    fixed = {"smp": {"state_transition": "stochastic", "seed": 99}}
    a = kingmaker.forecast(sc, ["smp"], settings=fixed, seed=1).run("smp")
    b = kingmaker.forecast(sc, ["smp"], settings=fixed, seed=2).run("smp")
    assert np.array_equal(a.issue("a").trajectory, b.issue("a").trajectory)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"voting_rule": "majority"}, "voting_rule"),
        ({"pce": "markov"}, "pce"),
        ({"rounds": 0}, "rounds"),
        ({"turns": 5}, "unknown setting"),
        ({"ideal_adjustment": [{"actor": "w", "toward": "x", "rate": 1.5}]}, "rate"),
        (
            {
                "ideal_adjustment": [
                    {"actor": "w", "toward": "x", "rate": 0.1},
                    {"actor": "w", "toward": "x", "rate": 0.2},
                ]
            },
            "twice",
        ),
    ],
    ids=["rule", "pce", "turns", "unknown", "rate", "twice"],
)
def test_bad_settings_are_clear_errors(settings, message):
    with pytest.raises(ModelSettingsError, match=message):
        registry.make_params(registry.get("smp"), settings)


def test_one_dimensional_samples_run_through_the_same_code(anchors):
    """BDM 1994 in Kingmaker's own format runs like KTAB's conversion of it for three turns
    (its capabilities are KTAB's powers / 100, which KTAB's tiny constants notice later)."""
    own = (
        kingmaker.forecast(kingmaker.load_scenario(anchors / "bdm1994/ExampleActors.csv"), ["smp"])
        .run("smp")
        .issues[0]
    )
    ktab = (
        kingmaker.forecast(kingmaker.load_scenario(anchors / "ktab/bdm94-emissions.csv"), ["smp"])
        .run("smp")
        .issues[0]
    )
    np.testing.assert_allclose((own.trajectory[:4] - 4) / 6 * 100, ktab.trajectory[:4], atol=1e-9)
    arrays = compile_scenario(kingmaker.load_scenario(anchors / "decide/sample_data.txt"))
    run = kingmaker.forecast(
        kingmaker.load_scenario(anchors / "decide/sample_data.txt"), ["smp"]
    ).run("smp")
    assert run.extras["dimensions"] == "separate"
    for k, issue in enumerate(run.issues):
        lo, hi = arrays.scale_min[k], arrays.scale_max[k]
        assert lo <= issue.forecast <= hi
        assert issue.trajectory.shape == (issue.rounds + 1, len(arrays.actor_ids))


def test_draws_of_a_batch_through_the_kernel_and_in_chunks(monkeypatch):
    """Draws of a Monte Carlo batch run like single forecasts, also when the kernel splits the
    rows into chunks to bound memory."""
    from kingmaker.models import base
    from kingmaker.models.smp import dynamics

    arrays = compile_scenario(scenario_doc(FOUR))
    pos = np.array(arrays.batch(3).position)
    pos[1] = np.clip(pos[1] + 7.0, 0, 100)
    pos[2, 0] = 55.0
    batch = arrays.batch(3).replace(position=pos)
    spec, params = registry.get("smp"), Params()
    whole = base.run_model(spec, batch, params)
    monkeypatch.setattr(dynamics, "ROW_BUDGET", 1)  # one row per chunk
    chunked = base.run_model(spec, batch, params)
    monkeypatch.undo()
    np.testing.assert_array_equal(whole.trajectory, chunked.trajectory)
    np.testing.assert_array_equal(whole.forecast, chunked.forecast)
    for b in range(3):
        single = base.run_model(spec, arrays.batch(1).replace(position=pos[b : b + 1]), params)
        t = int(single.rounds.max())
        np.testing.assert_array_equal(whole.trajectory[b, : t + 1], single.trajectory[0])
        np.testing.assert_array_equal(whole.forecast[b], single.forecast[0])
        np.testing.assert_array_equal(whole.rounds[b], single.rounds[0])


@pytest.mark.parametrize(("seed", "n", "d"), [(31, 14, 1), (32, 11, 3)], ids=["14x1", "11x3"])
def test_larger_scenarios_match_bit_for_bit(seed, n, d):
    """More than 8 actors: sums long enough for numpy's pairwise summation to differ."""
    assert_same_as_oracle({"rounds": 6}, seed, n, d)
