"""The exchange model's random-tie mode against decide-exchange-model's runs over many seeds.

Later rounds depend on the package's random tie-breaking, so runs are compared as
distributions: for every round and issue, the mean outcome over our draws against the mean over
the package's seeds, in units of their combined standard error,
z = (mean_ours - mean_ref) / sqrt(var_ours / n_ours + var_ref / n_ref).
With all cells tested at once, a cell fails when |z| exceeds the Bonferroni bound for a
family-wise error rate of 1e-3 (about 4.6 for 190 cells). Our draws come from fixed numpy
seeds, so the test is deterministic; n_ours is several times n_ref so the reference's own
sampling error dominates.

Two sets of package runs (tests/data/anchors/decide/, see the README there):
* ``*.reference-runs.csv``: the package as published. It computes in 28-digit decimals, and
  decides one case (an outcome sitting exactly on a demander's position) by the sign of a
  rounding residue; the rounds in which that has changed no seed's run are those where these
  runs equal the next set seed by seed.
* ``*.exact-check-runs.csv``: the same seeds with that one check in exact arithmetic
  (benchmarks/decide_package.py --exact-check), which is what Kingmaker computes;
  ``sample_data.p08-exact-check-runs.csv`` likewise for the randomised equal gain, p = 0.8.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pytest

from tests.models.test_exchange import arrays, on_100, reference_runs, run

FAMILY_ALPHA = 1e-3
CASES = {"sample_data": ("sample_data.txt", 400), "cop21": ("cop21.csv", 120)}


def z_scores(ours: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """(rounds, issues) z of the difference in means; cells without spread must agree."""
    diff = ours.mean(axis=0) - ref.mean(axis=0)
    se = np.sqrt(ours.var(axis=0, ddof=1) / len(ours) + ref.var(axis=0, ddof=1) / len(ref))
    return diff / np.maximum(se, 1e-6)


def bound(cells: int) -> float:
    return NormalDist().inv_cdf(1 - FAMILY_ALPHA / (2 * cells))


def check(ours: np.ndarray, ref: np.ndarray, rounds: slice) -> None:
    z = z_scores(ours[:, rounds], ref[:, rounds])
    limit = bound(z.size)
    worst = np.unravel_index(np.argmax(np.abs(z)), z.shape)
    assert np.abs(z).max() <= limit, (
        f"round {rounds.start + worst[0]}, issue {worst[1]}: z = {z[worst]:.2f} > {limit:.2f}"
    )


@pytest.fixture(scope="module", params=list(CASES))
def case(request):
    name = request.param
    file, draws = CASES[name]
    arr = arrays(file)
    out = run(
        arr,
        batch_size=draws,
        rng=np.random.default_rng(20240611),
        ties="random",
        record_exchanges=False,
    )
    ours = on_100(arr, out.extras["outcomes"])
    return name, ours


@pytest.mark.slow
def test_matches_the_exact_check_runs_in_every_round(case):
    name, ours = case
    ref = reference_runs(f"{name}.exact-check-runs.csv")
    assert ours.shape[1:] == ref.shape[1:]
    check(ours, ref, slice(1, ref.shape[1]))


@pytest.mark.slow
def test_randomised_equal_gain_matches_the_package():
    """p = 0.8 against the package's runs with the same p (200 seeds, exact check)."""
    arr = arrays("sample_data.txt")
    out = run(
        arr,
        batch_size=300,
        rng=np.random.default_rng(8),
        ties="random",
        p=0.8,
        record_exchanges=False,
    )
    ref = reference_runs("sample_data.p08-exact-check-runs.csv")
    ours = on_100(arr, out.extras["outcomes"])
    assert ours.shape[1:] == ref.shape[1:]
    check(ours, ref, slice(1, ref.shape[1]))  # asserts the distributions agree round by round


@pytest.mark.slow
def test_matches_the_published_runs_until_rounding_decides(case):
    name, ours = case
    published = reference_runs(f"{name}.reference-runs.csv")
    exact = reference_runs(f"{name}.exact-check-runs.csv")
    same = (np.abs(published - exact).max(axis=2) < 1e-9).all(axis=0)
    clean = int(np.argmin(same)) if not same.all() else len(same)
    assert clean >= 2, "the package's two runs should agree at least in round 1"
    check(ours, published, slice(1, clean))
