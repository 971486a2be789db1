"""The expected-utility model against the published replication.

* every move and every mean in the reference port's 10-round log of ExampleActors.csv
  (tests/data/anchors/bdm1994/reference-10-rounds.log), to 1e-9;
* Scholz, Calbert & Smith (2011), Table 2 (medians and means of rounds 1-8, one decimal), as far
  as the replication's code reproduces it.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import kingmaker
from kingmaker.models import eum
from tests.conftest import ANCHORS

BDM = ANCHORS / "bdm1994"
KIND = {
    "compromises with": "compromise",
    "loses confrontation to": "confrontation",
    "capitulates to": "capitulation",
}


def parse_log(text: str) -> dict:
    """Initial median and mean; per round the moves {actor: (kind, partner, a, b, position)}
    and the mean (which the port prints twice, once under the label "Median")."""
    lines = text.splitlines()
    out = {
        "median0": float(lines[0].split(": ")[1]),
        "mean0": float(lines[1].split(": ")[1]),
        "rounds": [],
    }
    move = re.compile(r"^(\S.*?) (compromises with|loses confrontation to|capitulates to) (.+)$")
    for k, line in enumerate(lines):
        if line.startswith("ROUND "):
            out["rounds"].append({"moves": {}, "means": []})
        elif m := move.match(line):
            a, b = (float(v) for v in lines[k + 1].strip().split(" vs "))
            position = float(lines[k + 2].split("= ")[1])
            out["rounds"][-1]["moves"][m[1]] = (KIND[m[2]], m[3], a, b, position)
        elif out["rounds"] and line.split(": ")[0] in ("Median position", "Mean position"):
            out["rounds"][-1]["means"].append(float(line.split(": ")[1]))
    return out


@pytest.fixture(scope="module")
def reference():
    return parse_log((BDM / "reference-10-rounds.log").read_text())


@pytest.fixture(scope="module")
def run():
    scenario = kingmaker.load_scenario(BDM / "ExampleActors.csv")
    result = kingmaker.forecast(scenario, ["eum"], variant="scholz2011", rounds=10)
    return scenario, result.run("eum").issue("issue")


def test_log_has_what_the_test_needs(reference):
    assert len(reference["rounds"]) == 10
    assert all(len(r["moves"]) == 3 and len(r["means"]) == 2 for r in reference["rounds"])


def test_initial_median_and_mean(run, reference):
    _, f = run
    assert f.extras["median"][0] == reference["median0"] == 7.0
    assert f.extras["mean"][0] == pytest.approx(reference["mean0"], abs=1e-12)


@pytest.mark.parametrize("round_", range(1, 11), ids=lambda r: f"round{r}")
def test_every_logged_move_and_mean(run, reference, round_):
    scenario, f = run
    names = [a.name for a in scenario.actors]
    logged = reference["rounds"][round_ - 1]
    kinds = f.extras["move_kind"][round_ - 1]
    movers = {names[i]: i for i in np.nonzero(kinds)[0]}
    assert set(movers) == set(logged["moves"])
    for name, (kind, partner, a, b, position) in logged["moves"].items():
        i = movers[name]
        assert eum.MOVE_KINDS[kinds[i]] == kind
        assert names[f.extras["move_partner"][round_ - 1, i]] == partner
        assert f.extras["move_eu"][round_ - 1, i] == pytest.approx([a, b], abs=1e-9)
        assert f.trajectory[round_, i] == pytest.approx(position, abs=1e-9)
    stayed = [i for i in range(len(names)) if names[i] not in logged["moves"]]
    assert np.array_equal(f.trajectory[round_, stayed], f.trajectory[round_ - 1, stayed])
    for mean in logged["means"]:
        assert f.extras["mean"][round_] == pytest.approx(mean, abs=1e-9)


def test_forecast_is_the_final_median(run):
    _, f = run
    assert f.rounds == 10 and f.stop_reason == "rounds" and not f.converged
    assert f.forecast == f.extras["median"][-1] == 7.0


# Scholz et al. (2011), Table 2, rounds 1-8, q = 1.
TABLE2_MEDIAN = [8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6]
TABLE2_MEAN = [7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6]


def test_table2_medians_truncated_except_round_2(run):
    """The table's medians are the replication's, cut (not rounded) to one decimal, in every
    round but the second: there the replication's code gives 9.61 where the paper prints 9.9
    (the port's log agrees with us, not with the paper)."""
    _, f = run
    medians = f.extras["median"][1:9]
    cut = [math.floor(10 * m) / 10 for m in medians]
    assert [c for k, c in enumerate(cut) if k != 1] == [
        t for k, t in enumerate(TABLE2_MEDIAN) if k != 1
    ]
    assert medians[1] == pytest.approx(9.610859134120188, abs=1e-9)
    assert abs(medians[1] - TABLE2_MEDIAN[1]) > 0.25


def test_table2_means_within_their_printed_precision(run):
    """The table's means match neither rounding nor cutting throughout (rounds 3 and 8 round,
    rounds 1, 4, 5 cut), but every one is within 0.07 of the replication's."""
    _, f = run
    means = f.extras["mean"][1:9]
    assert np.abs(means - TABLE2_MEAN).max() < 0.07


@pytest.mark.parametrize("variant", ["scholz2011", "corrected"])
def test_sultan_against_the_oracle(variant):
    """The port's second sample (17 actors): the batched kernel equals the loop oracle. (In the
    replication's variant nobody moves on this case: with 17 actors its probabilities, divided
    by every vote on every pair, are too small for any challenge to pay.)"""
    from tests.models import eum_oracle

    scenario = kingmaker.load_scenario(BDM / "Sultan.csv")
    f = kingmaker.forecast(scenario, ["eum"], variant=variant, rounds=6).run("eum").issue("issue")
    arrays = kingmaker.compile_scenario(scenario)
    cap, pos, sal = (arrays.value[p][:, 0] for p in ("capability", "position", "salience"))
    on = variant == "corrected"
    o = eum_oracle.run(
        cap,
        pos,
        sal,
        arrays.scale_min[0],
        arrays.scale_max[0],
        rounds=6,
        capitulation=on,
        least_change=on,
        pairwise=on,
    )
    assert np.allclose(f.trajectory, o.trajectory, atol=1e-9)
    assert np.allclose(f.extras["median"], o.median, atol=1e-9)
    assert [len(m) for m in o.moves] == list((f.extras["move_kind"] > 0).sum(axis=1))
    assert (sum(len(m) for m in o.moves) > 50) == on
