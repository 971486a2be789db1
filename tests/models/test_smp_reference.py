"""SMP against KTAB's own runs: every position of every turn, the turn count, and the log lines
KTAB's regression script compares (fractional change per turn, position probabilities).

The references are KTAB's ``smpc --logmin --csv FILE`` (default settings) built from source;
tests/data/anchors/README.md says how they were made. The runs go through the whole pipeline:
KTAB CSV importer -> Scenario -> Batch -> kernel -> Forecast records.
"""

from __future__ import annotations

import numpy as np
import pytest

import kingmaker
from tests.conftest import ANCHORS

KTAB = ANCHORS / "ktab"

REFERENCE_RUNS = [
    "dummyData_3Dim",
    "SOE-Pol-Comp",
    "SOE-Policy",
    "SOE-Competitive",
    "dummyData_6Dim",
    "dummyData-a040",
    pytest.param("dummyData-a080", marks=pytest.mark.slow),
    "bdm94-emissions",
]


def _reference_positions(name: str) -> np.ndarray:
    """(turns + 1, actors, dimensions) from KTAB's VectorPosition table dump."""
    rows = np.loadtxt(KTAB / f"{name}.positions.csv", delimiter=",", skiprows=1)
    t, a, d = (rows[:, k].astype(int) for k in range(3))
    out = np.full((t.max() + 1, a.max() + 1, d.max() + 1), np.nan)
    out[t, a, d] = rows[:, 3]
    return out


def _reference_log(name: str) -> tuple[list[str], dict[str, str]]:
    lines = (KTAB / f"{name}.ref.txt").read_text().splitlines()
    fractional = [ln for ln in lines if ln.startswith("Fractional change")]
    probabilities = dict(ln.split(", prob :", 1) for ln in lines if ", prob :" in ln)
    return fractional, probabilities


@pytest.fixture(scope="module")
def runs():
    cache = {}

    def get(name):
        if name not in cache:
            scenario = kingmaker.load_scenario(KTAB / f"{name}.csv")
            cache[name] = (scenario, kingmaker.forecast(scenario, ["smp"]).run("smp"))
        return cache[name]

    return get


@pytest.mark.parametrize("name", REFERENCE_RUNS)
def test_positions_and_turns_match_ktab(name, runs):
    _, run = runs(name)
    ref = _reference_positions(name)
    assert len(run.issues) == ref.shape[2]
    for d, issue in enumerate(run.issues):
        assert issue.rounds == ref.shape[0] - 1
        assert issue.trajectory.shape == ref.shape[:2]
        np.testing.assert_allclose(issue.trajectory, ref[:, :, d], rtol=0, atol=1e-6)
        assert issue.stop_reason == "quiet" and issue.converged


@pytest.mark.parametrize("name", REFERENCE_RUNS)
def test_logged_lines_match_ktab(name, runs):
    """KTAB's regression lines, printed the way smpc prints them."""
    scenario, run = runs(name)
    fractional, probabilities = _reference_log(name)
    change = run.extras["fractional_change"][:, 0]
    ours = [
        f"Fractional change compared to first step: {r:.4f}  (target={0.02:.4f}) " for r in change
    ]
    assert ours == fractional
    prob = run.extras["position_probability"][:, :, 0]  # (turns + 1, actors)
    names = [a.name for a in scenario.actors]
    assert list(probabilities) == names
    for k, actor in enumerate(names):
        assert "".join(f" {p:.4f}" for p in prob[:, k]) + " " == probabilities[actor], actor


def test_forecast_is_the_expected_final_position(runs):
    """Forecast = sum over unique final positions of probability x position (by hand)."""
    _, run = runs("dummyData_3Dim")
    prob = run.extras["position_probability"][-1, :, 0]
    final = np.stack([i.trajectory[-1] for i in run.issues], axis=1)  # (actors, dims)
    # unique positions: the first actor of each group closer than 0.1 on the 0-100 scale
    unique = []
    for k in range(len(final)):
        if all(np.linalg.norm(final[k] - final[u]) >= 0.1 for u in unique):
            unique.append(k)
    assert np.isclose(prob[unique].sum(), 1.0)
    expected = (prob[unique, None] * final[unique]).sum(axis=0)
    np.testing.assert_allclose([i.forecast for i in run.issues], expected, rtol=1e-12)
    best = unique[int(np.argmax(prob[unique]))]
    np.testing.assert_allclose(run.extras["most_probable"], final[best], rtol=1e-12)


def test_ktab_xml_gives_the_same_run_as_its_csv():
    """dummyData_3Dim.xml (no IdealAdjustment: identity) and the CSV hold the same data."""
    xml = kingmaker.load_scenario(KTAB / "dummyData_3Dim.xml")
    assert xml.models.settings["smp"] == {"seed": 3707583219545544125}
    a = kingmaker.forecast(xml, ["smp"]).run("smp")
    b = kingmaker.forecast(kingmaker.load_scenario(KTAB / "dummyData_3Dim.csv"), ["smp"]).run("smp")
    for x, y in zip(a.issues, b.issues, strict=True):
        assert x.rounds == y.rounds == 10
        assert np.array_equal(x.trajectory, y.trajectory)
        assert x.forecast == y.forecast


def test_extras_tell_who_moved_where(runs):
    """Every actor that adopted a bargain stands, next turn, where that bargain put it; every
    bargain was proposed by a challenger to its target; the others did not move."""
    _, run = runs("dummyData_3Dim")
    x = run.extras
    traj = np.stack([i.trajectory for i in run.issues], axis=2)  # (T+1, n, d)
    turns, n = x["challenge_target"].shape[:2]
    moved = 0
    for t in range(turns):
        for k in range(n):
            init, rcvr = x["adopted_bargain"][t, k, :, 0]
            if init < 0:
                np.testing.assert_array_equal(traj[t + 1, k], traj[t, k])
                continue
            assert x["challenge_target"][t, init, 0] == rcvr and k in (init, rcvr)
            side = 0 if k == init else 1
            np.testing.assert_array_equal(traj[t + 1, k], x["bargain_positions"][t, init, 0, side])
            moved += 1
    assert moved > 0
    assert np.all(x["challenge_gain"][x["challenge_target"] >= 0] > 1e-5)


def test_json_contract_from_the_command_line(capsys):
    """``kingmaker forecast FILE --model smp --format json``: one issue per KTAB dimension in
    input order, one trajectory row per turn (row 0 = the input), KTAB's positions."""
    import json

    from kingmaker.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["forecast", str(KTAB / "SOE-Pol-Comp.csv"), "--model", "smp", "--format", "json"])
    assert (exc.value.code or 0) == 0
    doc = json.loads(capsys.readouterr().out)
    ref = _reference_positions("SOE-Pol-Comp")
    assert [i["id"] for i in doc["issues"]] == ["policy", "competitive"]
    assert len(doc["actors"]) == ref.shape[1]
    for d, issue in enumerate(doc["issues"]):
        smp = issue["models"]["smp"]
        assert smp["rounds"] == 27 and smp["stop_reason"] == "quiet"
        np.testing.assert_allclose(smp["trajectory"], ref[:, :, d], rtol=0, atol=1e-6)
        assert 0 <= smp["forecast"] <= 100
    extras = doc["runs"]["smp"]["extras"]
    assert extras["dimensions"] == "joint"
    assert len(extras["position_probability"]) == 28
