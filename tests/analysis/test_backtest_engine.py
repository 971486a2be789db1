"""The backtest engine: reference figures on DEU III, chunking, failures, draws, scenarios."""

from __future__ import annotations

import numpy as np
import pytest

import kingmaker
from kingmaker.analysis.backtest import backtest, deu3_target, scenario_target, summarize
from kingmaker.analysis.backtest.draws import draw_batch
from kingmaker.analysis.backtest.engine import (
    evaluate_chunk,
    merge_batches,
    run_backtest,
)
from kingmaker.analysis.plan import PlannedModel
from kingmaker.datasets import deu3
from kingmaker.errors import KingmakerError
from kingmaker.models.base import ModelParams, ModelSpec, run_model, static_output
from kingmaker.models.compromise import weighted_mean
from kingmaker.models.registry import get
from kingmaker.randomness import normalize_seed
from kingmaker.scenario.compile import compile_scenario

BASELINES = ["compromise", "median", "condorcet"]


@pytest.fixture(scope="module")
def equal_run():
    return run_backtest(deu3_target.backtest_target(), BASELINES)


def test_compromise_mae_on_all_of_deu3(equal_run):
    """The issue's acceptance figure: salience-weighted mean, equal capabilities, 353 issues."""
    mae = np.mean(np.abs(equal_run.forecasts["compromise"] - equal_run.observed))
    assert len(equal_run.cases) == 353
    assert round(mae, 2) == 23.68
    assert mae == pytest.approx(23.680777437, abs=1e-8)


def test_first_issue_by_hand(equal_run):
    # line 3 (d00032i1), salience x position over the 17 actors with a position:
    # 50+50+16+8+80+80+8+0+8+8+0+8+20+8+0+80+60 = 484 over saliences summing to 8.0
    case = equal_run.cases[0]
    assert (case.issue, case.group, case.observed) == ("d00032i1", "d00032", 100)
    assert dict(case.strata) == {"rule": "QMV", "procedure": "COD", "period": "pre-nice"}
    assert equal_run.forecasts["compromise"][0] == pytest.approx(484 / 8)
    assert (
        equal_run.references["median-actor"][0] == 40
    )  # 10 of the 17 positions are <= 40, 7 are 100


def test_published_reference_figures(equal_run):
    obs = equal_run.observed
    median_actor = equal_run.references["median-actor"]
    assert np.mean(np.abs(median_actor - obs)) == pytest.approx(28.5907, abs=1e-4)
    sq = equal_run.references["status-quo"]
    ok = np.isfinite(sq)
    assert ok.sum() == 253 and np.mean(np.abs(sq - obs)[ok]) == pytest.approx(51.1107, abs=1e-4)
    gdp = run_backtest(deu3_target.backtest_target(capability="gdp"), ["compromise"])
    assert np.mean(np.abs(gdp.forecasts["compromise"] - obs)) == pytest.approx(23.2237, abs=1e-4)


def test_forecasts_do_not_depend_on_unit_or_chunking(equal_run):
    by_issue = run_backtest(deu3_target.backtest_target(unit="issue"), BASELINES, chunk_size=1000)
    chunked = run_backtest(deu3_target.backtest_target(), BASELINES, chunk_size=7)
    for key in BASELINES:
        np.testing.assert_allclose(
            by_issue.forecasts[key], equal_run.forecasts[key], rtol=0, atol=1e-12
        )
        np.testing.assert_allclose(
            chunked.forecasts[key], equal_run.forecasts[key], rtol=0, atol=1e-12
        )
    assert [c.issue for c in by_issue.cases] == [c.issue for c in equal_run.cases]


def test_leaderboard_on_deu3(equal_run):
    board = summarize(equal_run, resamples=300, seed=0)
    assert board.rows[0].key == "compromise" and board.rows[0].vs_baseline is None
    median = board.row("median")
    assert median.vs_baseline.estimate == pytest.approx(median.scores.mae - 23.680777437)
    assert median.vs_baseline.clusters == 137  # proposals with a scored issue
    rule = {s.value: s for s in board.strata if s.name == "rule"}
    assert rule["QMV"].n + rule["unanimity"].n == 353
    mask = np.array([c.strata["rule"] == "unanimity" for c in equal_run.cases])
    assert rule["unanimity"].mae["compromise"] == pytest.approx(
        np.mean(np.abs(equal_run.forecasts["compromise"] - equal_run.observed)[mask])
    )
    procedures = {s.value for s in board.strata if s.name == "procedure"}
    assert procedures == {"COD", "CNS"}
    doc = board.to_dict()
    assert doc["leaderboard"][0]["key"] == "compromise" and len(doc["cases"]) == 353


# ----------------------------------------------------------------- small scenarios


def _scenario(sid, actors, outcome=None):
    """actors: (id, capability, position, salience) on one issue 'x' (scale 0-100)."""
    issue = {"id": "x", "question": "How much?"}
    if outcome is not None:
        issue["outcome"] = {"value": outcome}
    return kingmaker.build_scenario(
        {
            "scenario": {"id": sid, "title": sid},
            "issues": [issue],
            "actors": [
                {
                    "id": a,
                    "name": a,
                    "capability": c,
                    "issues": {"x": {"position": p, "salience": s}},
                }
                for a, c, p, s in actors
            ],
        }
    )


A = _scenario("a", [("p", 1, 0, 1), ("q", 3, 100, 1)], outcome=60)
B = _scenario("b", [("p", 1, 20, 0.5), ("q", 1, 40, 0.5), ("r", 2, 80, 1)], outcome=50)


def test_scenario_backtest_by_hand():
    # a: (1*0 + 3*100) / 4 = 75, error +15; b: (10 + 20 + 160) / (0.5 + 0.5 + 2) = 63.33
    target = scenario_target(A)
    run = run_backtest(target, ["compromise"])
    assert run.forecasts["compromise"].tolist() == [75.0] and run.observed.tolist() == [60]
    board = backtest(B, ["compromise", "median"], resamples=50)
    assert board.row("compromise").scores.mae == pytest.approx(190 / 3 - 50)
    assert board.row("median").scores.mae == pytest.approx(30)  # weighted median is r at 80
    assert board.row("mean-actor").scores.mae == pytest.approx(abs(140 / 3 - 50))


def test_embedded_scenario_backtest():
    board = backtest("bdm1994-emissions", ["compromise"], resamples=50)
    case = board.run.cases[0]
    assert (case.issue, case.observed) == ("lag", 8.83)
    assert board.forecast("compromise")[0] - 8.83 == pytest.approx(7.389956 - 8.83, abs=1e-6)


def test_a_scenario_without_outcomes_is_refused():
    with pytest.raises(KingmakerError, match="no observed outcome"):
        scenario_target(_scenario("none", [("p", 1, 0, 1)]))


class _Params(ModelParams):
    pass


def _plan(kernel, stochastic=False):
    spec = ModelSpec("fake", "Fake", "test model", "issue", _Params, kernel, stochastic=stochastic)
    return (PlannedModel("fake", spec, _Params()),)


def test_a_failing_model_is_reported_not_dropped():
    def kernel(cap, pos, sal, lo, hi, params, rng, threads):
        if pos.shape[1] == 3:
            raise ValueError("three is a crowd")
        return static_output(weighted_mean(cap, pos, sal), pos)

    result = evaluate_chunk([A, B], _plan(kernel), normalize_seed(0))
    assert result.forecasts["fake"][0] == 75.0 and np.isnan(result.forecasts["fake"][1])
    assert result.failures["fake"] == ("b: ValueError: three is a crowd",)


def test_stochastic_models_get_a_stream_per_scenario():
    def kernel(cap, pos, sal, lo, hi, params, rng, threads):
        return static_output(weighted_mean(cap, pos, sal) + rng.normal(size=pos.shape[0]), pos)

    plan = _plan(kernel, stochastic=True)
    together = evaluate_chunk([A, B], plan, normalize_seed(5))
    apart = [evaluate_chunk([s], plan, normalize_seed(5)) for s in (A, B)]
    assert together.forecasts["fake"].tolist() == [r.forecasts["fake"][0] for r in apart]
    other = evaluate_chunk([A, B], plan, normalize_seed(6))
    assert other.forecasts["fake"].tolist() != together.forecasts["fake"].tolist()


def test_merged_batches_give_the_same_forecasts():
    arrays = [compile_scenario(s) for s in (A, B)]
    merged = merge_batches([a.batch(1) for a in arrays])
    assert merged.actor_ids == ("p", "q", "r") and merged.present.sum() == 5
    for name in BASELINES:
        spec = get(name)
        together = run_model(spec, merged, spec.params(), keep_trajectory=False).forecast[0]
        apart = [run_model(spec, a.batch(1), spec.params()).forecast[0, 0] for a in arrays]
        assert together.tolist() == apart


def test_draws_stay_in_their_ranges_and_follow_pert():
    s = {x.issues[0].id: x for x in deu3.load_deu3(uncertainty=deu3.Uncertainty())}["d00032i1"]
    arrays = compile_scenario(s)
    batch = draw_batch(arrays, 20000, np.random.default_rng(0))
    k = arrays.actor_ids.index("de")  # position 0 (range 0..10, mode 0), salience 0.8
    pos = batch.position[:, k, 0]
    assert pos.min() >= 0 and pos.max() <= 10
    assert pos.mean() == pytest.approx((0 + 4 * 0 + 10) / 6, abs=0.05)  # PERT mean
    sal = batch.salience[:, k, 0]
    assert sal.min() >= 0.7 and sal.max() <= 0.9 and sal.mean() == pytest.approx(0.8, abs=0.005)
    assert np.all(batch.capability == 1)
    again = draw_batch(arrays, 20000, np.random.default_rng(0))
    assert np.array_equal(again.position, batch.position)


def test_calibration_intervals_from_draws():
    target = deu3_target.backtest_target(uncertainty=deu3.Uncertainty())
    small = type(target)(
        target.name,
        target.title,
        target.scenarios[:6],
        tuple(c for c in target.cases if c.scenario in {s.id for s in target.scenarios[:6]}),
    )
    run = run_backtest(small, ["compromise"], draws=40, seed=3)
    lo80, hi80 = run.intervals["compromise"][0.8]
    lo95, hi95 = run.intervals["compromise"][0.95]
    assert np.all(lo95 <= lo80) and np.all(hi80 <= hi95) and np.all(lo80 < hi80)
    assert np.all((lo95 >= 0) & (hi95 <= 100))
    again = run_backtest(small, ["compromise"], draws=40, seed=3, chunk_size=2)
    assert np.array_equal(again.intervals["compromise"][0.8][0], lo80)
    board = summarize(run, resamples=50)
    cov = board.row("compromise").coverage[0.8]
    inside = (lo80 <= run.observed) & (run.observed <= hi80)
    assert cov.n == len(small.cases) and cov.hits == int(inside.sum())


def test_a_process_pool_executor_gives_the_same_results(equal_run):
    """The executor seam: chunks are picklable and results come back in chunk order."""
    from concurrent.futures import ProcessPoolExecutor

    target = deu3_target.backtest_target()
    with ProcessPoolExecutor(max_workers=2) as pool:
        pooled = run_backtest(
            target, BASELINES, chunk_size=32, executor=lambda fn, chunks: pool.map(fn, chunks)
        )
    for key in BASELINES:
        assert np.array_equal(pooled.forecasts[key], equal_run.forecasts[key])
    assert pooled.fingerprint == equal_run.fingerprint


def test_scenario_scope_models_run_scenario_by_scenario():
    from kingmaker.models.base import ScenarioOutput

    def kernel(
        batch, params, rng, threads
    ):  # the unweighted mean of the present positions, per issue
        pos = np.where(batch.present, batch.position, 0.0)
        mean = pos.sum(axis=1) / batch.present.sum(axis=0)
        size = batch.size
        return ScenarioOutput(
            mean, batch.position[:, None], np.zeros(size, dtype=int), np.ones(size, dtype=bool)
        )

    spec = ModelSpec("wide", "Wide", "test model", "scenario", _Params, kernel)
    result = evaluate_chunk([A, B], (PlannedModel("wide", spec, _Params()),), normalize_seed(0))
    assert result.forecasts["wide"].tolist() == pytest.approx([50.0, 140 / 3])
    assert not result.failures
