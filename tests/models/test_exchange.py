"""The exchange model: hand-computed cases, the reference package's numbers, an independent
first-round oracle, batching, randomness and the result records."""

from __future__ import annotations

import csv
import json
import random
from functools import lru_cache

import numpy as np
import pytest

import kingmaker
from kingmaker.errors import ModelSettingsError
from kingmaker.models import registry
from kingmaker.models.exchange import Params, kernel, possible_exchanges
from kingmaker.scenario.compile import compile_scenario
from tests.conftest import ANCHORS, without_created
from tests.models.exchange_oracle import first_round

DECIDE = ANCHORS / "decide"


def decide_csv(rows: list[tuple[str, str, float, float, float]]) -> str:
    """A decide-exchange-model file from (actor, issue, position, salience, power) rows."""
    actors = list(dict.fromkeys(r[0] for r in rows))
    issues = list(dict.fromkeys(r[1] for r in rows))
    lines = [f"#A\t{a}\t{a}" for a in actors]
    for i in issues:
        lines += [f"#P\t{i}\t{i}", f"#M\t{i}\t0", f"#M\t{i}\t100"]
    lines += [f"#D\t{a}\t{i}\t{x}\t{s}\t{c}" for a, i, x, s, c in rows]
    return "\n".join(lines) + "\n"


@lru_cache(maxsize=8)
def arrays(name: str):
    return compile_scenario(kingmaker.load_scenario(DECIDE / name))


def on_100(arr, values: np.ndarray) -> np.ndarray:
    """Values on each issue's scale -> the 0-100 scale the reference reports."""
    return (values - arr.scale_min) * 100.0 / (arr.scale_max - arr.scale_min)


def reference_runs(name: str) -> np.ndarray:
    """The package's per-seed outcomes (seeds, rounds + 1, issues), issues in file order."""
    with open(DECIDE / name, newline="") as f:
        rows = list(csv.DictReader(f))
    issues = list(dict.fromkeys(r["issue"] for r in rows))
    seeds = sorted({int(r["seed"]) for r in rows})
    rounds = max(int(r["round"]) for r in rows)
    out = np.full((len(seeds), rounds + 1, len(issues)), np.nan)
    for r in rows:
        out[seeds.index(int(r["seed"])), int(r["round"]), issues.index(r["issue"])] = float(
            r["outcome"]
        )
    return out


class PythonRandom:
    """numpy's ``Generator.random(size)`` on Python's Mersenne Twister: the stream the
    reference package draws its tie-breaking coins from (``random.seed(seed)``)."""

    def __init__(self, seed: int):
        self._r = random.Random(seed)

    def random(self, size):
        return np.array([self._r.random() for _ in range(int(np.prod(size)))]).reshape(size)


def run(arr, batch_size=1, rng=None, **settings):
    params = registry.make_params(registry.get("exchange"), settings)
    return kernel(arr.batch(batch_size), params, rng)


# -- hand-computed cases --------------------------------------------------------------------


def test_two_actors_trade_fully_by_hand(write):
    """Two actors, each caring 0.8 about one issue and 0.2 about the other.

    Outcomes P = 0.2 x 100 = 20, Q = 0.8 x 100 = 80. Actor one demands P and moves on Q,
    two the reverse; the equal-gain rate is (0.8 + 0.2) / (0.2 + 0.8) = 1. Two moving all the
    way on P shifts it by 100 x 0.2 / 1 = 20, so one shifts Q by 20: a move of 20 / 0.2 = 100,
    all the way. Gain 20 x 0.8 - 20 x 0.2 = 12 each. Voting positions put both outcomes at the
    end points; next start positions move (1 - 0.2) 0.4 + 0.1 = 0.42 of the way: 42 and 58.
    Round 2 from there: shifts 58 x 0.2 = 11.6, gain 11.6 x 0.6 = 6.96.
    """
    path = write(
        "two.csv",
        decide_csv(
            [
                ("one", "P", 0, 0.8, 1),
                ("one", "Q", 0, 0.2, 1),
                ("two", "P", 100, 0.2, 1),
                ("two", "Q", 100, 0.8, 1),
            ]
        ),
    )
    arr = compile_scenario(kingmaker.load_scenario(path))
    out = run(arr, rounds=2)
    np.testing.assert_allclose(
        out.extras["outcomes"][0], [[20, 80], [0, 100], [0, 100]], atol=1e-12
    )
    np.testing.assert_allclose(out.trajectory[0, 1], [[0, 100], [0, 100]], atol=1e-12)
    rounds = out.extras["rounds"][0]
    (first,), (second,) = rounds[1]["exchanges"], rounds[2]["exchanges"]
    assert first["gain"] == pytest.approx(12.0, abs=1e-12)
    assert second["gain"] == pytest.approx(6.96, abs=1e-12)
    leg_one, leg_two = second["legs"]
    assert (leg_one["actor"], leg_one["issue"], leg_one["partner"]) == ("one", "q", "two")
    assert leg_one["from"] == pytest.approx(42.0) and leg_one["to"] == pytest.approx(100.0)
    assert (leg_two["actor"], leg_two["issue"]) == ("two", "p")
    assert leg_two["from"] == pytest.approx(58.0) and leg_two["to"] == pytest.approx(0.0)
    assert out.rounds[0] == 2 and not out.converged[0]


@pytest.fixture
def three(write):
    """Three actors where one exchange is capped so the outcome stops at a position.

    P: A 40 (s .8), B 100 (s .5), C 0 (s .5); Q: A 0 (s .5), B 100 (s .8), C 50 (s .5); all
    power 1. Outcomes P = 82 / 1.8 = 45.56, Q = 105 / 1.8 = 58.33. B (right of both) can trade
    with A and with C (left of both).
    """
    path = write(
        "three.csv",
        decide_csv(
            [
                ("A", "P", 40, 0.8, 1),
                ("A", "Q", 0, 0.5, 1),
                ("B", "P", 100, 0.5, 1),
                ("B", "Q", 100, 0.8, 1),
                ("C", "P", 0, 0.5, 1),
                ("C", "Q", 50, 0.5, 1),
            ]
        ),
    )
    return compile_scenario(kingmaker.load_scenario(path))


def test_capped_exchange_by_hand(three):
    """B with A: rate 1.3 / 1.3 = 1. B moving all the way to 40 would take P from 45.56 to
    28.89, past A's 40: B moves only to 80 (outcome 72 / 1.8 = 40), a shift of 5.56; A
    shifts Q as much, a move of 5.56 x 1.8 / 0.5 = 20. Gain 5.56 x (0.8 - 0.5) = 5/3.

    B with C: rate 1 / 1.3. C moving all the way on Q (50 -> 100) shifts it by 13.89; B then
    shifts P by 13.89 x 1.3 = 18.06, a move of 65 (100 -> 35). Gain 18.06 x 0.5 - 13.89 x 0.5
    = 2.0833.
    """
    pe = possible_exchanges(three.batch(1))
    got = {
        (three.actor_ids[pe.actor_a[0, k]], three.actor_ids[pe.actor_b[0, k]]): (
            pe.gain[0, k],
            pe.from_a[0, k],
            pe.to_a[0, k],
            pe.from_b[0, k],
            pe.to_b[0, k],
            pe.valid[0, k],
        )
        for k in np.flatnonzero(pe.exists[0])
    }
    assert set(got) == {("a", "b"), ("c", "b")}
    np.testing.assert_allclose(got[("a", "b")][:5], [5 / 3, 0, 20, 100, 80], atol=1e-12)
    np.testing.assert_allclose(got[("c", "b")][:5], [25 / 12, 50, 100, 100, 35], atol=1e-12)
    assert got[("a", "b")][5] and got[("c", "b")][5]


def test_realised_exchange_invalidates_one_that_turns_back(three):
    """B-C (gain 2.08) goes first. B's P position is then 35, left of A's 40: B's leg in B-A
    would now move up after moving down, which the model forbids, so B-A is gone.
    After round 1: P = (32 + 17.5) / 1.8 = 27.5, Q = (80 + 50) / 1.8 = 72.22; next starts
    (weight (1 - .5) .4 + .1 = .3): C on Q 65, B on P 80.5."""
    out = run(three, rounds=1)
    (only,) = out.extras["rounds"][0][1]["exchanges"]
    assert [leg["actor"] for leg in only["legs"]] == ["c", "b"]
    np.testing.assert_allclose(out.forecast[0], [27.5, 130 / 1.8], atol=1e-12)
    two = run(three, rounds=2).extras["rounds"][0][2]["exchanges"]
    starts = {(leg["actor"], leg["issue"]): leg["from"] for e in two for leg in e["legs"]}
    assert starts.get(("c", "q"), 65.0) == pytest.approx(65.0)
    assert starts.get(("b", "p"), 80.5) == pytest.approx(80.5)


def test_no_exchange_when_everyone_agrees_on_one_issue(write):
    """Everyone at 30 on Q is at (so left of) its outcome: no pair stands on opposite sides
    of both outcomes, so nothing can be traded; the run stops at once with the compromise."""
    path = write(
        "same.csv",
        decide_csv(
            [
                ("x", "P", 10, 0.5, 1),
                ("x", "Q", 30, 0.5, 1),
                ("y", "P", 20, 0.9, 1),
                ("y", "Q", 30, 0.1, 1),
                ("z", "P", 90, 0.5, 1),
                ("z", "Q", 30, 0.5, 1),
            ]
        ),
    )
    arr = compile_scenario(kingmaker.load_scenario(path))
    out = run(arr)
    assert out.rounds[0] == 0 and out.converged[0] and out.stop_reason[0] == "no_exchange"
    compromise = kingmaker.forecast(kingmaker.load_scenario(path), ["compromise"])
    np.testing.assert_allclose(
        out.forecast[0], [compromise.value("compromise", i) for i in arr.issue_ids], rtol=1e-12
    )


# -- the reference package's numbers ----------------------------------------------------------


def test_initial_outcomes_sample_data():
    """decide-exchange-model's published initial outcomes (0-100) for sample_data."""
    arr = arrays("sample_data.txt")
    out = run(arr, rounds=0)
    np.testing.assert_allclose(
        on_100(arr, out.forecast[0]),
        [49.3532, 27.2460, 50.5789, 52.4855, 49.4883, 56.6008],
        atol=1e-4,
    )
    # reported on the issue's own scale: tol-hoogte runs from 0.5 to 7
    assert out.forecast[0, 1] == pytest.approx(0.5 + 0.272460 * 6.5, abs=1e-5)


@pytest.mark.parametrize("name", ["sample_data", "cop21"])
def test_initial_outcomes_match_reference_runs(name):
    ref = reference_runs(f"{name}.reference-runs.csv")
    assert np.ptp(ref[:, 0], axis=0).max() == 0.0  # round 0 does not depend on the seed
    arr = arrays(f"{name}.csv" if name == "cop21" else f"{name}.txt")
    np.testing.assert_allclose(on_100(arr, run(arr, rounds=0).forecast[0]), ref[0, 0], rtol=1e-12)


def test_initial_outcomes_copenhagen():
    """Computed by decide-exchange-model 2022.1.28 (Russia is absent from two issues)."""
    arr = arrays("copenhagen.csv")
    expected = [
        61.57627118644068,
        58.144654088050316,
        30.707395498392284,
        52.235915492957744,
        51.949891067538125,
        57.62144821264894,
        64.62068965517241,
    ]
    np.testing.assert_allclose(on_100(arr, run(arr, rounds=0).forecast[0]), expected, rtol=1e-12)


def _kernel_list(arr):
    pe = possible_exchanges(arr.batch(1))
    k = np.flatnonzero(pe.exists[0])
    return [
        (
            int(pe.actor_a[0, j]),
            int(pe.actor_b[0, j]),
            int(pe.issue_b[0, j]),
            int(pe.issue_a[0, j]),
            float(pe.gain[0, j]),
            bool(pe.valid[0, j]),
            float(pe.to_a[0, j]),
            float(pe.to_b[0, j]),
        )
        for j in k
    ], pe


def _oracle_list(arr):
    lo, span = arr.scale_min, arr.scale_max - arr.scale_min
    x = np.where(arr.present, (arr.value["position"] - lo) * (100.0 / span), 0.0)
    s = np.nan_to_num(arr.value["salience"])
    c = np.nan_to_num(arr.value["capability"])
    found = first_round(x.tolist(), s.tolist(), c.tolist(), arr.present.tolist())
    return [
        (
            e.a,
            e.b,
            e.p,
            e.q,
            e.gain,
            e.valid,
            lo[e.q] + e.y_a * span[e.q] / 100,
            lo[e.p] + e.y_b * span[e.p] / 100,
        )
        for e in found
    ]


@pytest.mark.parametrize("name", ["sample_data.txt", "cop21.csv", "copenhagen.csv"])
def test_first_round_list_matches_oracle(name):
    """Every possible exchange of round 1, in listing order, with its gain, validity and
    voting positions, as the loop-by-loop oracle computes them."""
    arr = arrays(name)
    mine, _ = _kernel_list(arr)
    oracle = _oracle_list(arr)
    assert [e[:4] for e in mine] == [e[:4] for e in oracle]
    assert [e[5] for e in mine] == [e[5] for e in oracle]
    np.testing.assert_allclose([e[4] for e in mine], [e[4] for e in oracle], rtol=1e-9, atol=1e-12)
    valid = [k for k, e in enumerate(oracle) if e[5]]
    np.testing.assert_allclose(
        [mine[k][6:] for k in valid], [oracle[k][6:] for k in valid], atol=1e-9
    )


def test_first_round_sample_data_published_numbers():
    """240 possible exchanges; the best gains 1.973684 and 1.792636 (the package's tests)."""
    arr = arrays("sample_data.txt")
    mine, _ = _kernel_list(arr)
    assert len(mine) == 240
    gains = sorted((e[4] for e in mine), reverse=True)
    assert gains[0] == pytest.approx(1.973684210526315789, abs=1e-12)
    assert gains[1] == pytest.approx(1.792636308765341023, abs=1e-12)
    # the first two realised: the second one's gain is unchanged by the first
    realised = run(arr, rounds=1).extras["rounds"][0][1]["exchanges"]
    assert [e["gain"] for e in realised[:2]] == pytest.approx(gains[:2], abs=1e-12)
    willems, wcentr = realised[0]["legs"]
    assert (willems["actor"], willems["issue"], willems["from"], willems["to"]) == (
        "willems",
        "extra-investering",
        25.0,
        100.0,
    )
    assert (wcentr["actor"], wcentr["issue"], wcentr["from"]) == (
        "wcentr",
        "tolheffing-binnenstad",
        0.0,
    )
    assert wcentr["to"] == pytest.approx(61.05117364047237, abs=1e-9)


def test_round_one_matches_reference_seed_by_seed():
    """With the package's own coin stream (Python's random, seeded as in the reference runs),
    round 1 of sample_data equals the published outcome seed by seed (its one tie goes either
    way: both outcomes occur among the first 50 seeds)."""
    arr = arrays("sample_data.txt")
    ref = reference_runs("sample_data.reference-runs.csv")
    assert len({tuple(np.round(ref[s, 1], 6)) for s in range(50)}) == 2
    for seed in range(50):
        out = run(arr, rng=PythonRandom(seed), rounds=1, ties="random", record_exchanges=False)
        np.testing.assert_allclose(
            on_100(arr, out.forecast[0]), ref[seed, 1], atol=1e-9, err_msg=f"seed {seed}"
        )


# -- batching, randomness, variants -----------------------------------------------------------


def test_each_draw_of_a_batch_runs_as_on_its_own():
    """A batch of perturbed draws gives, draw by draw, what a batch of one gives."""
    arr = arrays("sample_data.txt")
    gen = np.random.default_rng(7)
    base = arr.batch(4)
    batch = base.replace(
        salience=np.clip(base.salience * gen.uniform(0.9, 1.1, base.salience.shape), 0, 1),
        position=np.clip(
            base.position + gen.normal(0, 3, base.position.shape), arr.scale_min, arr.scale_max
        ),
    )
    params = Params(rounds=4)
    together = kernel(batch, params, None)
    for b in range(4):
        alone = kernel(
            batch.replace(
                **{k: getattr(batch, k)[b : b + 1] for k in ("capability", "position", "salience")}
            ),
            params,
            None,
        )
        np.testing.assert_allclose(
            together.extras["outcomes"][b], alone.extras["outcomes"][0], rtol=1e-12, atol=1e-12
        )
        assert together.extras["rounds"][b] == alone.extras["rounds"][0]
    assert len({together.forecast[b].tobytes() for b in range(4)}) == 4


def test_random_ties_are_seeded():
    sc = kingmaker.load_scenario(DECIDE / "sample_data.txt")
    settings = {"exchange": {"ties": "random", "rounds": 3}}
    a = kingmaker.forecast(sc, ["exchange"], seed=11, settings=settings).to_dict()
    b = kingmaker.forecast(sc, ["exchange"], seed=11, settings=settings).to_dict()
    # every byte but the creation time, which may cross a second between the two runs
    assert without_created(json.dumps(a)) == without_created(json.dumps(b)) and a["seed"] == 11
    # round 1 has one tie: two outcomes, each about half the time over seeds
    firsts = {
        round(
            kingmaker.forecast(
                sc, ["exchange"], seed=s, settings={"exchange": {"ties": "random", "rounds": 1}}
            ).value("exchange", "wanneer-tol"),
            9,
        )
        for s in range(12)
    }
    assert len(firsts) == 2


def test_default_is_deterministic_and_needs_no_seed():
    sc = kingmaker.load_scenario(DECIDE / "sample_data.txt")
    f = kingmaker.forecast(sc, ["exchange"])
    assert f.seed is None and f.run("exchange").params["ties"] == "first"
    g = kingmaker.forecast(sc, ["exchange"], seed=5)
    assert f.to_dict()["issues"] == g.to_dict()["issues"]


def test_random_rate_draws_rates_between_break_even_points():
    """Each realised exchange leaves both actors better off, and unequally so."""
    arr = arrays("sample_data.txt")
    out = run(arr, rng=np.random.default_rng(3), variant="random_rate", rounds=3)
    exchanges = [e for r in out.extras["rounds"][0] for e in r["exchanges"]]
    assert len(exchanges) > 20
    for e in exchanges:
        g = [leg["gain"] for leg in e["legs"]]
        assert min(g) > 0 and e["gain"] == pytest.approx(min(g), rel=1e-12)
    assert any(abs(e["legs"][0]["gain"] - e["legs"][1]["gain"]) > 1e-3 for e in exchanges)
    equal = run(arr, rounds=3)
    assert not np.allclose(out.forecast, equal.forecast)


def test_randomised_equal_gain():
    arr = arrays("sample_data.txt")
    plain = run(arr, rounds=3)
    assert np.array_equal(
        run(arr, rng=np.random.default_rng(1), rounds=3, p=0.0).forecast, plain.forecast
    )
    one = run(arr, rng=np.random.default_rng(1), rounds=3, p=0.8)
    again = run(arr, rng=np.random.default_rng(1), rounds=3, p=0.8)
    assert np.array_equal(one.forecast, again.forecast)
    assert not np.allclose(one.forecast, plain.forecast)
    lo, hi = arr.scale_min, arr.scale_max
    traj = one.trajectory[0]
    assert ((traj >= lo - 1e-9) & (traj <= hi + 1e-9)).all()
    unequal = [
        e
        for r in one.extras["rounds"][0]
        for e in r["exchanges"]
        if abs(e["legs"][0]["gain"] - e["legs"][1]["gain"]) > 1e-6
    ]
    assert unequal


@pytest.mark.parametrize(
    "settings, words",
    [
        ({"variant": "random_rate", "p": 0.5}, "equal_gain variant only"),
        ({"p": 1.5}, "less than or equal to 1"),
        ({"ties": "coin"}, "'first' or 'random'"),
        ({"rounds": -1}, "greater than or equal to 0"),
        ({"round": 3}, "unknown setting"),
    ],
    ids=["p-with-random-rate", "p-too-large", "bad-tie-rule", "negative-rounds", "typo"],
)
def test_bad_settings_are_reported(settings, words):
    with pytest.raises(ModelSettingsError, match=words):
        registry.make_params(registry.get("exchange"), settings)


def test_absent_actors_never_trade_on_their_missing_issues():
    """cop21 has 14 missing (actor, issue) rows: they appear in no exchange and their
    trajectory entries are empty."""
    sc = kingmaker.load_scenario(DECIDE / "cop21.csv")
    arr = compile_scenario(sc)
    absent = {
        (arr.actor_ids[a], arr.issue_ids[i]) for a, i in zip(*np.nonzero(~arr.present), strict=True)
    }
    assert len(absent) == 14
    f = kingmaker.forecast(sc, ["exchange"], rounds=3)
    legs = [
        (leg["actor"], leg["issue"])
        for r in f.run("exchange").extras["rounds"]
        for e in r["exchanges"]
        for leg in e["legs"]
    ]
    assert len(legs) > 100 and not absent & set(legs)
    for actor, issue in absent:
        traj = f.run("exchange").issue(issue).trajectory
        assert np.isnan(traj[:, arr.actor_ids.index(actor)]).all()


def test_records_agree_with_trajectory():
    """Each leg starts where its actor stood at the start of the round (or where its previous
    exchange that round left it) and the last leg per actor and issue is its voting position."""
    arr = arrays("sample_data.txt")
    out = run(arr, rounds=2)
    traj = out.trajectory[0]
    step = (1 - arr.value["salience"]) * 0.4 + 0.1
    start = traj[0].copy()
    for t in (1, 2):
        where = start.copy()
        for e in out.extras["rounds"][0][t]["exchanges"]:
            for leg in e["legs"]:
                a, i = arr.actor_ids.index(leg["actor"]), arr.issue_ids.index(leg["issue"])
                assert leg["from"] == pytest.approx(where[a, i], abs=1e-9)
                where[a, i] = leg["to"]
        np.testing.assert_allclose(traj[t], where, atol=1e-9)
        start = start + step * (traj[t] - start)
    assert out.extras["exchange_counts"][0].tolist() == [
        len(out.extras["rounds"][0][t]["exchanges"]) for t in (1, 2)
    ]
