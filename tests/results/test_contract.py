"""The record contract: every record kind carries the same provenance block and comes back
whole from its JSON document and its arrays (what the run store keeps)."""

from __future__ import annotations

import json

import numpy as np
import pytest

import kingmaker
from kingmaker import results
from kingmaker.models import registry
from kingmaker.results.record import VOLATILE, stable
from tests.analysis.toy_models import JITTER
from tests.conftest import DATA

PROVENANCE = {
    "kind",
    "scenario",
    "scenario_hash",
    "models",
    "seed",
    "draws",
    "kingmaker_version",
    "created",
}


@pytest.fixture(scope="module")
def ranged():
    return kingmaker.load_scenario(DATA / "uncertainty/ranged.yaml")


def _forecast(_):
    sc = kingmaker.load_scenario("us-iraq-2020")
    return kingmaker.forecast(sc, ["compromise", "eum:corrected", "eum:scholz2011", "exchange"])


def _simulation(ranged):
    return kingmaker.simulate(
        ranged, ["compromise", JITTER], draws=300, seed=4, thresholds=["troops:40"]
    )


def _comparison(ranged):
    doc = ranged.to_document()
    doc["actors"] = doc["actors"][:-1]
    other = kingmaker.build_scenario(doc)
    return kingmaker.paired(ranged, other, ["compromise", "median"], draws=200, seed=2)


def _sensitivity(ranged):
    return kingmaker.sensitivity(ranged, ["compromise", "median"], samples=16, seed=3)


def _advice(_):
    sc = kingmaker.load_scenario("us-iraq-2020")
    return kingmaker.advise(
        sc, "iran", ["compromise", "median"], draws=20, check=1, seed=5, targets=["troops<30"]
    )


def _backtest(_):
    return kingmaker.backtest("bdm1994-emissions", ["compromise", "median"], draws=50, seed=1)


MAKERS = {
    "forecast": _forecast,
    "simulation": _simulation,
    "comparison": _comparison,
    "sensitivity": _sensitivity,
    "advice": _advice,
    "backtest": _backtest,
}


@pytest.fixture(scope="module", params=sorted(MAKERS))
def record(request, ranged):
    return MAKERS[request.param](ranged)


def test_every_kind_is_covered():
    assert set(MAKERS) == set(results.KINDS)


def test_provenance_block(record):
    doc = record.to_dict()
    assert doc["kind"] == record.kind == doc["provenance"]["kind"]
    prov = doc["provenance"]
    assert set(prov) == PROVENANCE
    assert prov["kingmaker_version"] == kingmaker.__version__
    assert len(prov["scenario_hash"]) == 64 and prov["created"].endswith("Z")
    assert prov["models"], "a record says which models made it"
    for m in prov["models"]:
        assert {"key", "model", "variant", "params"} <= set(m)
        if m["model"] in registry.available():  # every validated parameter, defaults included
            spec = registry.get(m["model"])
            assert m["params"] == registry.make_params(spec).model_dump(mode="json") | {
                k: v for k, v in m["params"].items() if k == "variant"
            } or set(m["params"]) == set(spec.params.model_fields)


def test_round_trip_through_json(record):
    doc = record.to_dict()
    text = json.dumps(doc, allow_nan=False)  # plain JSON: no NaN, no numpy types
    arrays = record.arrays()
    back = results.from_dict(json.loads(text), arrays)
    assert type(back) is type(record)
    assert back.to_dict() == doc
    assert json.dumps(back.to_dict(), allow_nan=False) == text
    assert back.arrays().keys() == arrays.keys()
    for name, arr in arrays.items():
        np.testing.assert_array_equal(back.arrays()[name], arr)
        assert back.arrays()[name].dtype == arr.dtype, name


def test_round_trip_keeps_what_interfaces_read(record):
    back = results.from_dict(record.to_dict(), record.arrays())
    if record.kind == "forecast":
        for run in record.runs:
            for f in run.issues:
                g = back.run(run.key).issue(f.issue)
                assert g.forecast == f.forecast and g.rounds == f.rounds
                np.testing.assert_array_equal(g.trajectory, f.trajectory)
    elif record.kind == "simulation":
        for key in record.model_keys:
            for issue in record.issues:
                assert back.summary(key, issue) == record.summary(key, issue)
    elif record.kind == "comparison":
        for pair in record.pairs:
            for issue in record.issues:
                assert back.summary(pair, issue) == record.summary(pair, issue)
    elif record.kind == "sensitivity":
        assert back.results == record.results and back.factors == record.factors
    elif record.kind == "advice":
        np.testing.assert_array_equal(back.base, record.base)
        for a, b in zip(back.levers, record.levers, strict=True):
            np.testing.assert_array_equal(a.gain, b.gain)
            np.testing.assert_array_equal(a.after, b.after)
            assert a.lever == b.lever and a.intervention == b.intervention
        assert back.targets == record.targets
    elif record.kind == "backtest":
        assert back.rows == record.rows and back.strata == record.strata
        for key in record.run.forecasts:
            np.testing.assert_array_equal(back.forecast(key), record.forecast(key))
        assert back.run.intervals.keys() == record.run.intervals.keys()


def _drop_created(doc):
    if isinstance(doc, dict):
        return {
            k: _drop_created(v)
            for k, v in doc.items()
            if not (k in VOLATILE and "scenario_hash" in doc and "kingmaker_version" in doc)
        }
    if isinstance(doc, list):
        return [_drop_created(v) for v in doc]
    return doc


def test_stable_drops_only_the_creation_time(record):
    doc = record.to_dict()
    again = stable(doc)
    assert set(doc["provenance"]) - set(again["provenance"]) == set(VOLATILE)
    assert again == _drop_created(doc)  # nested records' provenance too, nothing else


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown record kind"):
        results.from_dict({"kind": "horoscope"})
    with pytest.raises(ValueError, match="expected a 'forecast' record"):
        results.Forecast.from_dict({"kind": "simulation"})


def test_a_simulation_needs_its_draws(ranged):
    sim = _simulation(ranged)
    with pytest.raises(ValueError, match="needs its arrays"):
        results.Simulation.from_dict(sim.to_dict())
