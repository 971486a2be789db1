"""Sensitivity: tornado and Sobol indices against their analytical values."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

import kingmaker
from kingmaker.analysis.executors import ProcessPool
from kingmaker.analysis.sampling import Factor
from kingmaker.analysis.sensitivity import SaltelliRows, sensitivity, sobol_design
from kingmaker.errors import AnalysisError
from kingmaker.results import stable
from tests.analysis.test_uncertainty import one_issue, uniform
from tests.analysis.toy_models import GAPPY, JITTER
from tests.conftest import DATA

# three actors whose positions follow the three distributions; weights w = c x s = 1, 1, 3
LOW_MODE_HIGH = {"a": (10, 20, 30), "b": (30, 40, 70), "c": (75, 84, 85)}


@pytest.fixture(scope="module")
def linear():
    a, b, c = LOW_MODE_HIGH.values()
    return one_issue(
        [
            {"id": "a", "capability": 1, "salience": 1, "position": uniform(a[1], a[0], a[2])},
            {
                "id": "b",
                "capability": 2,
                "salience": 0.5,
                "position": {
                    "value": b[1],
                    "range": {"low": b[0], "high": b[2], "distribution": "triangular"},
                },
            },
            {
                "id": "c",
                "capability": 3,
                "salience": 1,
                "position": {
                    "value": c[1],
                    "range": {"low": c[0], "high": c[2], "distribution": "pert"},
                },
            },
        ]
    )


def analytic_shares() -> dict[str, float]:
    """S_i = a_i^2 Var(x_i) / sum_j a_j^2 Var(x_j), a_i = w_i / sum w (compromise is linear)."""
    (la, _, ha), (lb, mb, hb), (lc, mc, hc) = LOW_MODE_HIGH.values()
    var_a = (ha - la) ** 2 / 12
    var_b = (lb**2 + mb**2 + hb**2 - lb * mb - lb * hb - mb * hb) / 18
    mu_c = (lc + 4 * mc + hc) / 6
    var_c = (mu_c - lc) * (hc - mu_c) / 7
    a = np.array([1, 1, 3]) / 5
    v = a**2 * np.array([var_a, var_b, var_c])
    return dict(zip("abc", v / v.sum(), strict=True))


def test_sobol_indices_of_the_compromise_model_are_the_analytical_shares(linear):
    result = sensitivity(linear, ["compromise"], samples=4096, seed=8).result("compromise", "x")
    expected = analytic_shares()
    for e in result.effects:
        share = expected[e.factor.actor]
        assert e.s1 == pytest.approx(share, abs=0.02), e.factor.name
        assert e.st == pytest.approx(share, abs=0.02), e.factor.name  # additive: ST = S1
        assert 0 < e.s1_conf < 0.1 and 0 < e.st_conf < 0.1
    assert [e.factor.actor for e in result.effects] == sorted(
        expected, key=expected.get, reverse=True
    )
    assert [a.actor for a in result.actors] == [e.factor.actor for e in result.effects]


def test_tornado_of_the_compromise_model_is_exact(linear):
    result = sensitivity(linear, ["compromise"], methods=["tornado"], seed=1).result(
        "compromise", "x"
    )
    a = dict(zip("abc", np.array([1, 1, 3]) / 5, strict=True))
    base = sum(a[k] * LOW_MODE_HIGH[k][1] for k in "abc")
    assert result.point == pytest.approx(base, rel=1e-12)
    for e in result.effects:
        lo, value, hi = LOW_MODE_HIGH[e.factor.actor]
        k = a[e.factor.actor]
        assert e.at_low == pytest.approx(base + k * (lo - value), rel=1e-12)
        assert e.at_high == pytest.approx(base + k * (hi - value), rel=1e-12)
        assert e.swing == pytest.approx(k * (hi - lo), rel=1e-12)
        assert e.s1 is None and e.st is None
    assert [e.factor.actor for e in result.effects] == ["b", "c", "a"]  # by swing: 8, 6, 4


def test_design_has_salib_layout():
    """Our vectorised design equals SALib's own sampler on the same Sobol' sequence."""
    from SALib.sample import sobol as salib_sobol

    factors = tuple(
        Factor("position", f"a{k}", "x", 0.5, 0.0, 0.5, 1.0, "uniform", ((k, 0),)) for k in range(3)
    )
    ours = sobol_design(factors, 16, np.random.default_rng(123))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = salib_sobol.sample(
            {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3},
            16,
            calc_second_order=False,
            seed=np.random.default_rng(123),
        )
    np.testing.assert_array_equal(ours, theirs)


def test_design_rows_built_block_by_block_are_the_whole_design():
    factors = tuple(
        Factor("position", f"a{k}", "x", 0.5, 0.0, 0.3, 1.0, "pert", ((k, 0),)) for k in range(5)
    )
    design = SaltelliRows.make(factors, 32, np.random.default_rng(5))
    whole = design.rows(0, design.size)
    assert whole.shape == (32 * 7, 5)
    pieces = [design.rows(s, min(45, design.size - s)) for s in range(0, design.size, 45)]
    np.testing.assert_array_equal(np.concatenate(pieces), whole)
    # row 7i is A_i, row 7i + 1 + k is A_i with column k from B_i, row 7i + 6 is B_i
    np.testing.assert_array_equal(whole[7 * 3 + 1 + 2, [0, 1, 3, 4]], design.a[3, [0, 1, 3, 4]])
    assert whole[7 * 3 + 1 + 2, 2] == design.b[3, 2]
    np.testing.assert_array_equal(whole[7 * 3 + 6], design.b[3])


@pytest.fixture(scope="module")
def ranged():
    return kingmaker.load_scenario(DATA / "uncertainty" / "ranged.yaml")


def test_numbers_of_another_issue_have_no_effect(ranged):
    result = sensitivity(ranged, ["compromise"], samples=64, seed=3)
    pmf = result.result("compromise", "pmf")
    effects = {e.factor.name: e for e in pmf.effects}
    for name in ("position/us/troops", "salience/kh/troops", "position/iraq/troops"):
        e = effects[name]
        assert (e.s1, e.st, e.swing) == (0.0, 0.0, 0.0) and not e.matters
    assert pmf.effects[0].factor.name == "salience/us/pmf"
    assert {e.factor.name for e in pmf.effects[1:3]} == {"capability/us", "capability/iran"}
    assert pmf.effects[0].st > 0.3
    us = next(a for a in pmf.actors if a.actor == "us")
    assert us.first_order_sum == pytest.approx(
        effects["capability/us"].s1
        + effects["salience/us/pmf"].s1
        + effects["position/us/troops"].s1
    )
    assert us.largest_swing == max(effects["capability/us"].swing, effects["salience/us/pmf"].swing)


def test_same_result_on_every_executor(ranged):
    options = dict(samples=32, seed=5)
    here = sensitivity(ranged, ["compromise", "median", JITTER], **options)
    with ProcessPool(2) as pool:
        there = sensitivity(ranged, ["compromise", "median", JITTER], executor=pool, **options)
    assert json.dumps(stable(here.to_dict())) == json.dumps(stable(there.to_dict()))


def test_nothing_uncertain_gives_nothing_to_rank():
    sc = kingmaker.load_scenario("bdm1994-emissions")
    result = sensitivity(sc, ["compromise"], samples=8, seed=1)
    assert result.factors == ()
    (r,) = result.results
    assert r.effects == () and r.actors == ()
    assert r.point == pytest.approx(7.389956, abs=1e-6)
    assert result.to_dict()["evaluations"] == 1


def test_a_constant_outcome_has_zero_indices():
    """The median does not move when one small actor's position moves inside a block."""
    sc = one_issue(
        [
            {"id": "a", "capability": 1, "salience": 1, "position": uniform(10, 5, 15)},
            {"id": "b", "capability": 5, "salience": 1, "position": 50},
        ]
    )
    (e,) = sensitivity(sc, ["median"], samples=16, seed=1).result("median", "x").effects
    assert (e.s1, e.st, e.swing) == (0.0, 0.0, 0.0)


def test_a_model_that_fails_on_some_runs_gets_no_indices(ranged):
    result = sensitivity(ranged, [GAPPY], samples=16, seed=1, settings={"gappy": {"above": 45}})
    troops = result.result("gappy", "troops")
    assert math.isnan(troops.variance)
    assert all(e.s1 is None and e.st is None for e in troops.effects)
    assert any(e.swing for e in troops.effects)  # the tornado's runs all succeeded
    assert result.to_dict()["results"][0]["variance"] is None
    pmf = result.result("gappy", "pmf")  # never above 45 on a 0..10 scale: indices as usual
    assert pmf.effects[0].st > 0.3


@pytest.mark.parametrize(
    "options,words",
    [
        (dict(samples=1000), "power of two"),
        (dict(samples=4), "power of two"),
        (dict(methods=["morris"]), "unknown sensitivity method morris"),
        (dict(methods=[]), "unknown sensitivity method"),
        (dict(resamples=1), "resamples"),
        (dict(conf_level=1.5), "confidence level"),
    ],
)
def test_bad_options(ranged, options, words):
    with pytest.raises(AnalysisError, match=words):
        sensitivity(ranged, ["compromise"], **options)
