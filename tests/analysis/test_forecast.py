"""The forecast analysis: model selection and settings, the JSON contract, result records."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import kingmaker
from kingmaker.analysis.plan import resolve_models
from kingmaker.errors import ModelSettingsError, UnknownModelError
from tests.conftest import ANCHORS


@pytest.fixture(scope="module")
def copenhagen():
    return kingmaker.load_scenario(ANCHORS / "decide/copenhagen.csv")


def test_json_contract(copenhagen):
    doc = json.loads(json.dumps(kingmaker.forecast(copenhagen).to_dict(), allow_nan=False))
    assert doc["scenario"] == "copenhagen"
    assert doc["actors"] == list(copenhagen.actor_ids)
    assert [i["id"] for i in doc["issues"]] == list(copenhagen.issue_ids)
    russia = doc["actors"].index("russia")
    for issue in doc["issues"]:
        assert set(issue["models"]) == {"compromise", "median", "condorcet", "eum"}
        for name, m in issue["models"].items():
            assert isinstance(m["forecast"], float)
            # a static model has one row, the input positions; eum one more per round
            assert len(m["trajectory"]) == (11 if name == "eum" else 1)
            first = m["trajectory"][0]
            assert len(first) == len(doc["actors"])
            assert (first[russia] is None) == (issue["id"] in ("commitments", "extra"))
    usa = doc["actors"].index("usa")
    assert doc["issues"][0]["models"]["median"]["trajectory"][0][usa] == 10.0


def test_forecast_values_by_hand(copenhagen):
    """Commitments (Russia absent): weights are power x salience of the other ten actors."""
    f = kingmaker.forecast(copenhagen, ["compromise"])
    sc = copenhagen
    num = den = 0.0
    for a in sc.actors:
        st = a.issues.get("commitments")
        if st:
            w = a.capability_on("commitments").value * st.salience.value
            num += w * st.position.value
            den += w
    assert f.value("compromise", "commitments") == pytest.approx(num / den, rel=1e-12)


def test_records_are_frozen_and_tabular(copenhagen):
    f = kingmaker.forecast(copenhagen, ["median", "compromise"])
    with pytest.raises(AttributeError):
        f.scenario = "x"
    traj = f.run("median").issue("newtreaty").trajectory
    with pytest.raises(ValueError):
        traj[0, 0] = 1.0
    frame = f.to_frame()
    assert list(frame["model"].unique()) == ["median", "compromise"]
    assert len(frame) == 2 * len(copenhagen.issues)
    tf = f.trajectory_frame()
    # 11 actors x 7 issues minus Russia's 2 missing stances, per model
    assert len(tf) == 2 * (11 * 7 - 2)
    assert f.scenario_hash == kingmaker.compile_scenario(copenhagen).scenario_hash
    assert f.seed is None  # no stochastic model ran


def test_observed_outcome_is_reported():
    f = kingmaker.forecast(kingmaker.load_scenario("bdm1994-emissions"))
    assert f.observed == {"lag": 8.83}
    frame = f.to_frame()
    assert frame["error"].tolist() == pytest.approx(
        [7.389955686853766 - 8.83, 7 - 8.83, 7 - 8.83, 7 - 8.83]
    )


def test_model_selection_errors(copenhagen):
    with pytest.raises(UnknownModelError, match="did you mean 'median'"):
        resolve_models(copenhagen, ["medain"])
    with pytest.raises(ModelSettingsError, match="no selected model has a variant"):
        resolve_models(copenhagen, ["median"], variant="corrected")
    with pytest.raises(ModelSettingsError, match="rounds"):
        resolve_models(copenhagen, ["median"], rounds=3)
    with pytest.raises(ModelSettingsError, match="listed twice"):
        resolve_models(copenhagen, ["median", "median"])
    with pytest.raises(ModelSettingsError, match="has no variant"):
        resolve_models(copenhagen, ["median:fast"])
    with pytest.raises(ModelSettingsError, match="unknown setting"):
        resolve_models(copenhagen, ["median"], settings={"median": {"speed": 1}})


def test_scenario_default_models_are_used(write):
    text = (
        (ANCHORS.parent.parent.parent / "src/kingmaker/data/scenarios/bdm1994-emissions.yaml")
        .read_text()
        .replace("default: [compromise, median, condorcet, eum]", "default: [median]")
    )
    sc = kingmaker.load_scenario(write("s.yaml", text))
    assert [r.key for r in kingmaker.forecast(sc).runs] == ["median"]


def test_numbers_are_full_precision(copenhagen):
    f = kingmaker.forecast(copenhagen, ["compromise"])
    doc = json.loads(json.dumps(f.to_dict()))
    for issue in doc["issues"]:
        v = issue["models"]["compromise"]["forecast"]
        assert v == f.value("compromise", issue["id"])  # no rounding on the way
        assert math.isfinite(v)


def test_batch_of_many_draws_equals_single_runs(copenhagen):
    """The engine folds draws x issues; every draw must equal its own single run."""
    from kingmaker.models import get, run_model

    arrays = kingmaker.compile_scenario(copenhagen)
    rng = np.random.default_rng(3)
    base = arrays.batch(1)
    B = 5
    pos = np.where(arrays.present, rng.uniform(0, 100, (B, *arrays.present.shape)), np.nan)
    batch = arrays.batch(B).replace(position=pos)
    for name in ("compromise", "median", "condorcet"):
        spec = get(name)
        params = spec.params()
        many = run_model(spec, batch, params)
        for b in range(B):
            one = run_model(
                spec,
                base.replace(
                    position=pos[b : b + 1],
                    capability=np.asarray(base.capability),
                    salience=np.asarray(base.salience),
                ),
                params,
            )
            np.testing.assert_array_equal(many.forecast[b], one.forecast[0])
            np.testing.assert_array_equal(many.trajectory[b], one.trajectory[0])
