"""Sampling: which numbers are uncertain, their distributions, and where draws go."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import kingmaker
from kingmaker.analysis.sampling import (
    BLOCK_SIZE,
    Factor,
    Layout,
    check_spread,
    default_range,
    draw_block,
    quantiles,
    uncertain_factors,
)
from kingmaker.errors import AnalysisError
from kingmaker.randomness import normalize_seed
from tests.conftest import DATA

RANGED = DATA / "uncertainty" / "ranged.yaml"


@pytest.fixture(scope="module")
def ranged():
    sc = kingmaker.load_scenario(RANGED)
    arrays = kingmaker.compile_scenario(sc)
    return sc, arrays, uncertain_factors(sc, arrays)


def factor(dist: str, low=2.0, mode=3.0, high=7.0, key="a") -> Factor:
    return Factor("position", key, "x", mode, low, mode, high, dist, ((0, 0),))


def test_factors_of_the_ranged_scenario(ranged):
    _, _, factors = ranged
    assert [f.name for f in factors] == [
        "capability/us",
        "position/us/troops",
        "salience/us/pmf",
        "position/iraq/troops",
        "capability/iraq/pmf",
        "capability/iran",
        "position/iran/troops",
        "position/kh/troops",
        "salience/kh/troops",
    ]
    by = {f.name: f for f in factors}
    # the actor-level capability is one number set on both of its issues
    assert by["capability/us"].cells == ((0, 0), (0, 1))
    assert by["capability/us"].key == ("capability", "us", "*")
    # the per-issue override is its own number; the actor's other issue is fixed (no range)
    assert by["capability/iraq/pmf"].cells == ((1, 1),)
    # an actor absent from an issue has no cell on it
    assert by["capability/iran"].cells == ((2, 0), (2, 1))
    t = by["salience/us/pmf"]
    assert (t.low, t.mode, t.high, t.distribution) == (0.3, 0.6, 0.7, "triangular")
    p = by["position/us/troops"]  # mode defaults to the value; distribution to PERT
    assert (p.low, p.mode, p.high, p.distribution) == (70, 80, 90, "pert")


def test_spread_gives_ranges_to_numbers_without_one(ranged):
    sc, arrays, _ = ranged
    factors = {f.name: f for f in uncertain_factors(sc, arrays, spread=0.1)}
    # ranged numbers keep their own range
    assert (factors["position/us/troops"].low, factors["position/us/troops"].high) == (70, 90)
    # position: +- 10% of the 0..10 scale, clipped to the scale
    assert (factors["position/us/pmf"].low, factors["position/us/pmf"].high) == pytest.approx(
        (8.0, 10.0)
    )
    assert (factors["position/iran/pmf"].low, factors["position/iran/pmf"].high) == pytest.approx(
        (0.0, 2.0)
    )
    # salience: +- 0.1 clipped to 0..1; capability: x (1 +- 0.1)
    assert (factors["salience/us/troops"].low, factors["salience/us/troops"].high) == pytest.approx(
        (0.8, 1.0)
    )
    assert (factors["capability/iraq"].low, factors["capability/iraq"].high) == pytest.approx(
        (5.4, 6.6)
    )
    assert factors["capability/iraq"].cells == ((1, 0),)  # its pmf capability is overridden
    assert all(
        f.distribution == "pert" and f.mode == f.value
        for n, f in factors.items()
        if n in ("position/us/pmf", "capability/kh")
    )
    # every number: 4 actor capabilities + iraq's override, 7 positions, 7 saliences
    assert len(factors) == 5 + 7 + 7


@pytest.mark.parametrize(
    "parameter,value,expected",
    [
        ("position", 95.0, (85.0, 100.0)),
        ("position", 3.0, (0.0, 13.0)),
        ("salience", 0.05, (0.0, 0.15)),
        ("capability", 0.0, (0.0, 0.0)),
        ("capability", 50.0, (45.0, 55.0)),
    ],
)
def test_default_range(parameter, value, expected):
    assert default_range(parameter, value, 0.1, (0.0, 100.0)) == pytest.approx(expected)


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, float("nan"), "0.1", True])
def test_bad_spread(bad):
    with pytest.raises(AnalysisError, match="spread"):
        check_spread(bad)


@pytest.mark.parametrize(
    "dist,mean,var",
    [
        # uniform: (l+h)/2, (h-l)^2/12
        ("uniform", 4.5, 25 / 12),
        # triangular: (l+m+h)/3, (l^2+m^2+h^2-lm-lh-mh)/18
        ("triangular", 4.0, (4 + 9 + 49 - 6 - 14 - 21) / 18),
        # PERT (lambda 4): (l+4m+h)/6, (mu-l)(h-mu)/7
        ("pert", 21 / 6, (21 / 6 - 2) * (7 - 21 / 6) / 7),
    ],
)
def test_distribution_moments(dist, mean, var):
    f = factor(dist)
    seq = normalize_seed(11)
    x = np.concatenate([draw_block((f,), seq, b, BLOCK_SIZE)[:, 0] for b in range(200)])
    assert x.min() >= 2 and x.max() <= 7
    se = np.sqrt(var / x.size)
    assert abs(x.mean() - mean) < 5 * se
    assert x.var() == pytest.approx(var, rel=0.03)


@pytest.mark.parametrize(
    "dist,reference",
    [
        ("uniform", stats.uniform(loc=2, scale=5)),
        ("triangular", stats.triang(c=0.2, loc=2, scale=5)),
        ("pert", stats.beta(1 + 4 * 0.2, 1 + 4 * 0.8, loc=2, scale=5)),
    ],
)
def test_inverse_cdf_matches_scipy(dist, reference):
    u = np.linspace(0, 1, 101)[:, None]
    np.testing.assert_allclose(
        quantiles((factor(dist),), u)[:, 0], reference.ppf(u[:, 0]), rtol=1e-10, atol=1e-12
    )


def test_draws_agree_with_the_inverse_cdf():
    """Random draws and the inverse CDF describe the same distribution (KS test)."""
    for dist in ("uniform", "triangular", "pert"):
        f = factor(dist)
        x = draw_block((f,), normalize_seed(5), 0, BLOCK_SIZE)[:, 0]
        u = np.linspace(0.0005, 0.9995, 1000)[:, None]
        assert stats.ks_2samp(x, quantiles((f,), u)[:, 0]).pvalue > 0.001


def test_a_factor_stream_depends_only_on_its_key_and_block():
    a, b, c = factor("pert", key="a"), factor("uniform", key="b"), factor("triangular", key="c")
    seq = normalize_seed(3)
    together = draw_block((a, b, c), seq, 4, 10)
    alone = draw_block((c, a), seq, 4, 10)
    np.testing.assert_array_equal(together[:, 0], alone[:, 1])
    np.testing.assert_array_equal(together[:, 2], alone[:, 0])
    assert not np.array_equal(draw_block((a,), seq, 5, 10), together[:, :1])  # other block
    # a shorter block is a prefix of a longer one
    np.testing.assert_array_equal(draw_block((a, b, c), seq, 4, 3), together[:3])


def test_layout_puts_each_value_in_its_cells(ranged):
    _, arrays, factors = ranged
    layout = Layout(arrays, factors)
    values = np.tile(layout.base_values(), (2, 1))
    values[1, 0] = 11.5  # capability/us, on both issues
    values[1, 4] = 4.5  # capability/iraq/pmf
    values[1, 8] = 0.85  # salience/kh/troops
    batch = layout.batch(values)
    assert batch.capability.shape == (2, 4, 2)
    np.testing.assert_array_equal(batch.capability[0], arrays.value["capability"])
    np.testing.assert_array_equal(batch.capability[1, 0], [11.5, 11.5])
    np.testing.assert_array_equal(batch.capability[1, 1], [6.0, 4.5])
    assert batch.salience[1, 3, 0] == 0.85 and np.isnan(batch.salience[1, 3, 1])
    np.testing.assert_array_equal(batch.position[1], arrays.value["position"])
