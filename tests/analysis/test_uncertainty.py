"""Monte Carlo simulation: known distributions, thresholds, convergence, reproducibility on
every executor, saved draws."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kingmaker
from kingmaker.analysis.executors import DaskExecutor, InProcess, ProcessPool
from kingmaker.analysis.inputs import parse_thresholds
from kingmaker.analysis.uncertainty import simulate
from kingmaker.errors import AnalysisError
from kingmaker.results import Threshold
from kingmaker.results.draws import save_draws
from tests.analysis.toy_models import GAPPY, JITTER, SHOCK
from tests.conftest import DATA, without_created

RANGED = DATA / "uncertainty" / "ranged.yaml"
MODELS = ["compromise", "median", JITTER, SHOCK]
THRESHOLDS = ["troops:50", "pmf:5", "troops:30"]
DRAWS = 2500  # three blocks, the last one partial


def one_issue(actors: list[dict], scale=(0, 100)) -> kingmaker.Scenario:
    """A one-issue scenario from (id, capability, position, salience) entries."""
    return kingmaker.build_scenario(
        {
            "kingmaker": 1,
            "scenario": {"id": "toy", "title": "Toy"},
            "issues": [
                {"id": "x", "question": "Where?", "scale": {"min": scale[0], "max": scale[1]}}
            ],
            "actors": [
                {
                    "id": a["id"],
                    "name": a["id"].upper(),
                    "capability": a["capability"],
                    "issues": {"x": {"position": a["position"], "salience": a["salience"]}},
                }
                for a in actors
            ],
        }
    )


def uniform(value, low, high):
    return {"value": value, "range": {"low": low, "high": high, "distribution": "uniform"}}


@pytest.fixture(scope="module")
def ranged():
    return kingmaker.load_scenario(RANGED)


@pytest.fixture(scope="module")
def reference(ranged):
    return simulate(ranged, MODELS, draws=DRAWS, seed=2024, thresholds=THRESHOLDS)


# --------------------------------------------------------------------------- known answers


def test_one_uniform_position_gives_its_own_distribution():
    """The compromise of a single actor is its position: uniform on 0..100."""
    sc = one_issue([{"id": "a", "capability": 1, "position": uniform(50, 0, 100), "salience": 1}])
    sim = simulate(sc, ["compromise"], draws=40_000, seed=1, thresholds=["x:25", "x:90"])
    s = sim.summary("compromise", "x")
    d = s.distribution
    assert d.median == pytest.approx(50, abs=1.0)
    assert d.mean == pytest.approx(50, abs=0.5)
    assert d.std == pytest.approx(100 / np.sqrt(12), rel=0.02)
    assert d.interval80 == pytest.approx((10, 90), abs=1.0)
    assert d.interval95 == pytest.approx((2.5, 97.5), abs=0.7)
    (t25, a25, b25), (t90, a90, b90) = s.thresholds
    assert (t25, t90) == (25, 90)
    assert a25 == pytest.approx(0.75, abs=0.01) and b25 == pytest.approx(0.25, abs=0.01)
    assert a90 == pytest.approx(0.10, abs=0.01) and b90 == pytest.approx(0.90, abs=0.01)
    assert s.point == 50 and s.converged == 1.0 and s.rounds_mean == 0.0


def test_compromise_mean_and_variance_follow_from_the_weights():
    """Only positions uncertain: the forecast is sum a_i x_i with a_i = w_i / sum w."""
    sc = one_issue(
        [
            {"id": "a", "capability": 1, "position": uniform(20, 10, 30), "salience": 1},
            {"id": "b", "capability": 2, "position": uniform(50, 30, 70), "salience": 0.5},
            {"id": "c", "capability": 3, "position": uniform(80, 75, 85), "salience": 1},
        ]
    )
    a = np.array([1, 1, 3]) / 5
    var = a**2 @ (np.array([20, 40, 10]) ** 2 / 12)
    sim = simulate(sc, ["compromise"], draws=30_000, seed=9)
    d = sim.summary("compromise", "x").distribution
    assert d.mean == pytest.approx(a @ [20, 50, 80], abs=4 * np.sqrt(var / 30_000))
    assert d.std**2 == pytest.approx(var, rel=0.03)
    # and each draw is exactly the weighted mean of that draw's inputs
    x = np.column_stack([sim.inputs(f"position/{k}/x") for k in "abc"])
    np.testing.assert_allclose(sim.values("compromise", "x"), x @ a, rtol=1e-12)


def test_shared_capability_is_drawn_once_for_all_its_issues(ranged):
    sim = simulate(ranged, ["compromise"], draws=300, seed=4)
    cap = sim.inputs("capability/us")
    assert cap.min() >= 8 and cap.max() <= 12 and np.ptp(cap) > 3
    # recompute pmf's compromise from the draw's inputs: us weight = cap x its salience draw
    w_us = cap * sim.inputs("salience/us/pmf")
    w_iraq = sim.inputs("capability/iraq/pmf") * 0.6
    w_iran = sim.inputs("capability/iran") * 0.9
    expected = (w_us * 9 + w_iraq * 5 + w_iran * 1) / (w_us + w_iraq + w_iran)
    np.testing.assert_allclose(sim.values("compromise", "pmf"), expected, rtol=1e-12)


def test_without_ranges_every_draw_is_the_point_forecast():
    sc = kingmaker.load_scenario("bdm1994-emissions")
    sim = simulate(sc, ["compromise", "median", JITTER], draws=1200, seed=5)
    assert sim.factors == ()
    for key in ("compromise", "median"):
        values = sim.values(key, "lag")
        assert np.all(values == sim.point[key][0])
        d = sim.summary(key, "lag").distribution
        assert d.interval95 == (values[0], values[0]) and d.std == pytest.approx(0, abs=1e-12)
    assert sim.point["compromise"][0] == pytest.approx(7.389956, abs=1e-6)
    assert sim.summary("jitter", "lag").distribution.std > 0.5  # the model's own noise


def test_draws_without_an_answer_are_left_out_and_counted(ranged):
    sim = simulate(
        ranged,
        [GAPPY, "compromise"],
        draws=2000,
        seed=3,
        thresholds=["troops:40"],
        settings={"gappy": {"above": 42}},
    )
    good = sim.values("compromise", "troops") <= 42
    s = sim.summary("gappy", "troops")
    assert 0 < s.distribution.draws == good.sum() < 2000
    assert s.distribution.median == np.median(sim.values("compromise", "troops")[good])
    ((_, above, below),) = s.thresholds  # shares of all draws: the failures count in neither
    assert above + below == pytest.approx(good.mean())
    doc = json.loads(sim.to_json())  # still valid JSON, no NaN
    assert doc["issues"][0]["models"]["gappy"]["draws"] == good.sum()


def test_convergence_rate_and_rounds(reference):
    s = reference.summary("jitter", "troops")
    assert s.converged == pytest.approx(0.7, abs=0.03)  # JitterParams.p_converge
    assert s.rounds_mean == pytest.approx(3.5, abs=0.1)  # uniform on 1..6
    assert reference.summary("compromise", "troops").converged == 1.0


def test_the_shock_is_common_to_both_issues(reference):
    """Scenario-scope model: one random shock per draw shifts every issue alike."""
    d_troops = reference.values("shock", "troops") - reference.values("compromise", "troops")
    d_pmf = reference.values("shock", "pmf") - reference.values("compromise", "pmf")
    inside = (reference.values("shock", "pmf") > 0.01) & (reference.values("shock", "pmf") < 9.99)
    np.testing.assert_allclose(d_troops[inside], d_pmf[inside], atol=1e-9)


def test_point_forecast_is_what_forecast_gives(ranged, reference):
    fc = kingmaker.forecast(ranged, ["compromise", "median"])
    for key in ("compromise", "median"):
        for i, issue in enumerate(ranged.issue_ids):
            assert reference.point[key][i] == fc.value(key, issue)


def test_json_summary_contents(reference):
    doc = json.loads(reference.to_json())
    assert doc["draws"] == DRAWS and doc["seed"] == 2024 and doc["block_size"] == 1000
    assert [u["parameter"] + "/" + u["actor"] for u in doc["uncertain"]][:2] == [
        "capability/us",
        "position/us",
    ]
    troops = doc["issues"][0]
    assert troops["id"] == "troops" and troops["scale"] == [0.0, 100.0]
    m = troops["models"]["compromise"]
    assert set(m) >= {
        "point",
        "mean",
        "median",
        "std",
        "interval80",
        "interval95",
        "thresholds",
        "converged",
        "rounds_mean",
        "draws",
    }
    assert [t["value"] for t in m["thresholds"]] == [50, 30]
    values = reference.values("compromise", "troops")
    assert m["thresholds"][0]["above"] == np.mean(values > 50)
    assert m["interval80"] == list(np.quantile(values, [0.1, 0.9]))
    assert doc["issues"][1]["models"]["median"]["thresholds"][0]["value"] == 5
    assert "executor" not in json.dumps(doc) and "elapsed" not in json.dumps(doc)


# --------------------------------------------------------------------------- reproducibility


def assert_same_run(a, b):
    assert without_created(a.to_json()) == without_created(b.to_json())
    np.testing.assert_array_equal(a.result.inputs, b.result.inputs)
    for key in a.model_keys:
        np.testing.assert_array_equal(a.result.forecast[key], b.result.forecast[key])
        np.testing.assert_array_equal(a.result.converged[key], b.result.converged[key])


@pytest.mark.parametrize("chunk_blocks", [1, 2, 3])
def test_same_bytes_whatever_the_chunking(ranged, reference, chunk_blocks):
    again = simulate(
        ranged,
        MODELS,
        draws=DRAWS,
        seed=2024,
        thresholds=THRESHOLDS,
        executor=InProcess(),
        chunk_blocks=chunk_blocks,
    )
    assert_same_run(reference, again)


@pytest.mark.parametrize("workers", [1, 2])
def test_same_bytes_on_a_process_pool(ranged, reference, workers):
    with ProcessPool(workers) as pool:
        again = simulate(
            ranged,
            MODELS,
            draws=DRAWS,
            seed=2024,
            thresholds=THRESHOLDS,
            executor=pool,
            chunk_blocks=1,
        )
    assert_same_run(reference, again)


@pytest.mark.slow
def test_same_bytes_on_dask(ranged, reference):
    """On a LocalCluster started for the run, and through a client of an existing cluster."""
    with DaskExecutor(workers=2) as local:
        assert local.address.startswith("tcp://127.0.0.1:") and local.workers == 2
        again = simulate(
            ranged, MODELS, draws=DRAWS, seed=2024, thresholds=THRESHOLDS, executor=local
        )
        assert_same_run(reference, again)
        with DaskExecutor(scheduler=local.address) as remote:
            assert remote.workers == 2
            again = simulate(
                ranged,
                MODELS,
                draws=DRAWS,
                seed=2024,
                thresholds=THRESHOLDS,
                executor=remote,
                chunk_blocks=1,
            )
    assert_same_run(reference, again)


def test_fewer_draws_are_a_prefix_of_more(ranged, reference):
    fewer = simulate(ranged, MODELS, draws=1000, seed=2024)
    np.testing.assert_array_equal(fewer.result.inputs, reference.result.inputs[:1000])
    for key in reference.model_keys:
        np.testing.assert_array_equal(
            fewer.result.forecast[key], reference.result.forecast[key][:1000]
        )


def test_another_seed_gives_other_draws(ranged, reference):
    other = simulate(ranged, MODELS, draws=DRAWS, seed=2025)
    assert not np.any(other.result.inputs == reference.result.inputs)
    assert not np.array_equal(other.values("jitter", "pmf"), reference.values("jitter", "pmf"))


def test_a_fresh_seed_is_recorded_and_reproduces_the_run(ranged):
    first = simulate(ranged, ["compromise", JITTER], draws=50)
    assert isinstance(first.seed, int)
    again = simulate(ranged, ["compromise", JITTER], draws=50, seed=first.seed)
    assert without_created(first.to_json()) == without_created(again.to_json())


def test_progress_reaches_the_total(ranged):
    seen = []
    simulate(
        ranged,
        ["compromise"],
        draws=DRAWS,
        seed=1,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == [(1000, DRAWS), (2000, DRAWS), (DRAWS, DRAWS)]


# --------------------------------------------------------------------------- user input


@pytest.mark.parametrize(
    "items,expected",
    [
        (["troops:50", "pmf:2.5"], (Threshold("troops", 50), Threshold("pmf", 2.5))),
        (
            ["troops:0", "troops:100", "troops:0"],
            (Threshold("troops", 0), Threshold("troops", 100)),
        ),
        ([Threshold("pmf", 7)], (Threshold("pmf", 7),)),
    ],
)
def test_thresholds(ranged, items, expected):
    assert parse_thresholds(ranged, items) == expected


@pytest.mark.parametrize(
    "item,words",
    [
        ("troop:50", ["unknown issue 'troop'", "did you mean 'troops'"]),
        ("troops:lots", ["'lots' is not a number"]),
        ("troops:nan", ["is not a number"]),
        ("pmf:11", ["outside the scale of 'pmf' (0..10)"]),
        ("50", ["ISSUE:VALUE"]),
        (":5", ["ISSUE:VALUE"]),
    ],
)
def test_bad_thresholds(ranged, item, words):
    with pytest.raises(AnalysisError) as exc:
        parse_thresholds(ranged, [item])
    for w in words:
        assert w in str(exc.value)


def test_a_bare_threshold_is_fine_with_one_issue():
    sc = kingmaker.load_scenario("bdm1994-emissions")
    assert parse_thresholds(sc, ["8"]) == (Threshold("lag", 8.0),)


@pytest.mark.parametrize("draws", [0, -5, 2.5, True])
def test_bad_number_of_draws(ranged, draws):
    with pytest.raises(AnalysisError, match="number of draws"):
        simulate(ranged, ["compromise"], draws=draws)


# --------------------------------------------------------------------------- draws on disk


def test_draws_saved_to_parquet(ranged, reference, tmp_path):
    import pyarrow.parquet as pq

    path = save_draws(reference, tmp_path / "draws.parquet")
    table = pq.read_table(path)
    frame = table.to_pandas()
    assert len(frame) == DRAWS
    assert list(frame.columns[:3]) == ["draw", "capability/us", "position/us/troops"]
    np.testing.assert_array_equal(
        frame["position/iran/troops"], reference.inputs("position/iran/troops")
    )
    np.testing.assert_array_equal(frame["forecast/jitter/pmf"], reference.values("jitter", "pmf"))
    assert frame["converged/jitter/troops"].dtype == bool
    meta = json.loads(table.schema.metadata[b"kingmaker"])
    assert meta["seed"] == 2024 and meta["scenario"] == "ranged" and meta["draws"] == DRAWS
    with pytest.raises(AnalysisError, match="exists; pass overwrite=True"):
        save_draws(reference, path)
    save_draws(reference, path, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["draws.parquet"]  # no temporary left


@pytest.mark.parametrize(
    "name,words",
    [
        ("draws.csv", "ending in .parquet"),
        ("missing/draws.parquet", "does not exist"),
    ],
)
def test_bad_draws_file(reference, tmp_path, name, words):
    with pytest.raises(AnalysisError, match=words):
        save_draws(reference, tmp_path / name)


def test_summary_frame(reference):
    frame = reference.summary_frame()
    assert len(frame) == 4 * 2
    row = frame[(frame.model == "median") & (frame.issue == "pmf")].iloc[0]
    s = reference.summary("median", "pmf")
    assert row["p90"] == s.distribution.interval80[1]
    assert row["P(>5)"] == s.thresholds[0][1]
    assert np.isnan(frame[(frame.issue == "troops")]["P(>5)"].astype(float)).all()
