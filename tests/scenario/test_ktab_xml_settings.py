"""KTAB XML: ModelParameters, prngSeed and IdealAdjustment become smp model settings."""

from __future__ import annotations

import numpy as np
import pytest

import kingmaker
from kingmaker.errors import ScenarioError
from kingmaker.scenario.io import scenario_text
from tests.conftest import ANCHORS


@pytest.fixture
def smp_example(write):
    """KTAB's smpExample.xml with its one empty coordinate filled in (50)."""
    text = (ANCHORS / "ktab/smpExample.xml").read_text(encoding="utf-8-sig")
    return write("smpExample.xml", text.replace("<dCoord></dCoord>", "<dCoord>50</dCoord>", 1))


def test_model_parameters_seed_and_ideal_adjustment(smp_example):
    sc = kingmaker.load_scenario(smp_example)
    assert sc.actor_ids == ("alice", "bob", "carol", "david", "ellie")
    assert sc.models.settings["smp"] == {
        "seed": 3507583219545544127,
        "victory_probability": "linear",
        "pce": "markov_incentive",
        "state_transition": "stochastic",
        "voting_rule": "prop_cubic",
        "big_r_adjust": "one_third",
        "big_r_range": "mid",
        "third_party_commit": "semi",
        "bargain_interpolation": "s2p2",
        "bargain_model": "init_only",
        "ideal_adjustment": [
            {"actor": "alice", "toward": "alice", "rate": 0.87},
            {"actor": "bob", "toward": "bob", "rate": 0.75},
            {"actor": "bob", "toward": "alice", "rate": 0.07},
            {"actor": "carol", "toward": "carol", "rate": 0.65},
            {"actor": "carol", "toward": "david", "rate": 0.13},
            {"actor": "david", "toward": "david", "rate": 0.57},
        ],
    }


def test_the_file_seed_makes_a_stochastic_run_reproducible(smp_example):
    sc = kingmaker.load_scenario(smp_example)
    a = kingmaker.forecast(sc, ["smp"], seed=1, rounds=8).run("smp")
    b = kingmaker.forecast(sc, ["smp"], seed=2, rounds=8).run("smp")
    assert a.params["state_transition"] == "stochastic"
    for x, y in zip(a.issues, b.issues, strict=True):
        assert np.array_equal(x.trajectory, y.trajectory)


def test_settings_survive_a_yaml_round_trip(smp_example, write):
    sc = kingmaker.load_scenario(smp_example)
    again = kingmaker.load_scenario(write("again.yaml", scenario_text(sc)))
    assert again.models.settings == sc.models.settings


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        (
            "<PCEModel>MarkovIncentive</PCEModel>",
            "<PCEModel>Markov</PCEModel>",
            9,
            "<PCEModel>: unknown value 'Markov'",
        ),
        (
            "<BigRRange>Mid</BigRRange>",
            "<BigRange>Mid</BigRange>",
            14,
            "unknown element <BigRange>",
        ),
        (
            "<referencePos>Alice</referencePos>",
            "<referencePos>Alicia</referencePos>",
            113,
            "'Alicia', which is not an actor",
        ),
        ("<adjust>0.07</adjust>", "<adjust>1.07</adjust>", 126, "<adjust>: must be <= 1"),
        (
            "<prngSeed>03507583219545544127</prngSeed>",
            "<prngSeed>-4</prngSeed>",
            5,
            "<prngSeed> must be a whole number",
        ),
    ],
    ids=["value", "element", "actor", "rate", "seed"],
)
def test_bad_settings_name_the_line(smp_example, write, old, new, line, message):
    text = smp_example.read_text(encoding="utf-8")
    assert old in text
    bad = write("bad.xml", text.replace(old, new, 1))
    with pytest.raises(ScenarioError) as exc:
        kingmaker.load_scenario(bad)
    (problem,) = exc.value.problems
    assert message in problem.message
    assert problem.line == line
