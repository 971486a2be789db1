"""Paired comparisons: two variants (or two models) on common random numbers."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import kingmaker
from kingmaker.analysis.paired import compare, paired
from kingmaker.analysis.uncertainty import simulate
from kingmaker.errors import AnalysisError
from tests.analysis.toy_models import JITTER
from tests.conftest import DATA

SEED, DRAWS = 77, 1500


@pytest.fixture(scope="module")
def base():
    return kingmaker.load_scenario(DATA / "uncertainty" / "ranged.yaml")


def variant(scenario, edit) -> kingmaker.Scenario:
    doc = copy.deepcopy(scenario.to_document())
    edit(doc)
    return kingmaker.build_scenario(doc)


def actor(doc, actor_id):
    return next(a for a in doc["actors"] if a["id"] == actor_id)


def troops_weights(sim, actors=("us", "iraq", "iran", "kh")):
    """Each actor's capability x salience on troops, per draw, from the draws' inputs."""
    fixed_cap = {"iraq": 6.0, "kh": 2.0}
    fixed_sal = {"us": 0.9, "iraq": 0.8, "iran": 1.0}
    w = {}
    for a in actors:
        cap = fixed_cap[a] if a in fixed_cap else sim.inputs(f"capability/{a}")
        sal = fixed_sal[a] if a in fixed_sal else sim.inputs(f"salience/{a}/troops")
        w[a] = cap * sal
    return w


def test_an_intervention_is_measured_exactly(base):
    """Iran moves its troops position (and range) up by 5: on every draw the compromise moves
    by 5 x Iran's share of the weight in that draw, with no sampling noise."""

    def shift(doc):
        pos = actor(doc, "iran")["issues"]["troops"]["position"]
        pos["value"] += 5
        pos["range"] = {"low": pos["range"]["low"] + 5, "high": pos["range"]["high"] + 5}

    cmp = paired(
        base,
        variant(base, shift),
        ["compromise", JITTER],
        draws=DRAWS,
        seed=SEED,
        labels=("base", "iran+5"),
    )
    w = troops_weights(cmp.a)
    share = w["iran"] / sum(w.values())
    np.testing.assert_allclose(cmp.difference("compromise", "troops"), 5 * share, rtol=1e-9)
    np.testing.assert_allclose(cmp.difference("compromise", "pmf"), 0, atol=1e-12)
    # the model's own randomness is paired too: the noise cancels in the difference
    d_jitter = cmp.difference("jitter", "troops")
    inside = (cmp.a.values("jitter", "troops") > 0) & (cmp.b.values("jitter", "troops") > 0)
    np.testing.assert_allclose(d_jitter[inside], 5 * share[inside], rtol=1e-9)
    s = cmp.summary("jitter", "troops")
    assert s.p_positive == 1.0 and s.p_negative == 0.0
    assert s.se < s.se_independent / 10  # what pairing gains
    doc = cmp.to_dict()
    assert doc["a"]["label"] == "base" and doc["b"]["label"] == "iran+5"
    pair = doc["pairs"][0]
    assert (pair["a"], pair["b"]) == ("compromise", "compromise")
    assert pair["issues"][0]["difference"]["mean"] == pytest.approx(np.mean(5 * share))


def test_an_added_actor_perturbs_nobody_elses_draws(base):
    def add(doc):
        doc["actors"].insert(
            1,
            {
                "id": "pmc",
                "name": "PMC representative",
                "capability": 3,
                "issues": {
                    "troops": {
                        "position": {"value": 10, "range": {"low": 0, "high": 30}},
                        "salience": {"value": 0.9, "range": {"low": 0.7, "high": 1}},
                    }
                },
            },
        )

    a = simulate(base, ["compromise"], draws=DRAWS, seed=SEED, thresholds=["troops:40"])
    b = simulate(variant(base, add), ["compromise"], draws=DRAWS, seed=SEED)
    for f in a.factors:
        np.testing.assert_array_equal(a.inputs(f.key), b.inputs(f.key))
    w = troops_weights(a)
    x = {k: a.inputs(f"position/{k}/troops") for k in w}
    w_pmc = 3 * b.inputs("salience/pmc/troops")
    num = sum(w[k] * x[k] for k in w) + w_pmc * b.inputs("position/pmc/troops")
    expected = num / (sum(w.values()) + w_pmc)
    cmp = compare(a, b)
    np.testing.assert_allclose(cmp.b.values("compromise", "troops"), expected, rtol=1e-12)
    assert cmp.summary("compromise", "troops").p_negative > 0.95  # a dovish actor joins


def test_a_removed_actor_leaves_the_others_draws_alone(base):
    def remove(doc):
        doc["actors"] = [a for a in doc["actors"] if a["id"] != "kh"]

    cmp = paired(base, variant(base, remove), ["compromise"], draws=DRAWS, seed=SEED)
    w = troops_weights(cmp.a, ("us", "iraq", "iran"))
    x = {k: cmp.a.inputs(f"position/{k}/troops") for k in w}
    expected = sum(w[k] * x[k] for k in w) / sum(w.values())
    np.testing.assert_allclose(cmp.b.values("compromise", "troops"), expected, rtol=1e-12)
    assert cmp.summary("compromise", "troops").p_positive == 1.0  # kh sat at the dovish end


def test_two_models_on_the_same_draws(base):
    sim = simulate(base, ["compromise", "median"], draws=DRAWS, seed=SEED)
    cmp = compare(sim, sim, pairs=[("compromise", "median")])
    np.testing.assert_array_equal(
        cmp.difference(("compromise", "median"), "pmf"),
        sim.values("median", "pmf") - sim.values("compromise", "pmf"),
    )
    one_a = simulate(base, ["compromise"], draws=DRAWS, seed=SEED)
    one_b = simulate(base, ["median"], draws=DRAWS, seed=SEED)
    assert compare(one_a, one_b).pairs == (("compromise", "median"),)


@pytest.mark.parametrize(
    "change,words",
    [
        (dict(seed=SEED + 1), "not run on the same draws"),
        (dict(draws=DRAWS - 1), "not run on the same draws"),
        (dict(spread=0.1), "not run on the same draws"),
    ],
)
def test_unpaired_simulations_are_refused(base, change, words):
    a = simulate(base, ["compromise"], draws=DRAWS, seed=SEED)
    b = simulate(base, ["compromise"], **{"draws": DRAWS, "seed": SEED, **change})
    with pytest.raises(AnalysisError, match=words):
        compare(a, b)


def test_models_to_compare_must_exist(base):
    a = simulate(base, ["compromise", "median"], draws=10, seed=1)
    b = simulate(base, ["condorcet", JITTER], draws=10, seed=1)
    with pytest.raises(AnalysisError, match="share no model"):
        compare(a, b)
    with pytest.raises(AnalysisError, match="'median' was not run in b"):
        compare(a, b, pairs=[("compromise", "median")])
