"""`kingmaker forecast ... --model exchange`: the table, and the exchanges in --format json."""

from __future__ import annotations

import json

import pytest

from tests.cli.test_cli import run
from tests.conftest import ANCHORS

COP21 = str(ANCHORS / "decide/cop21.csv")


def test_table(capsys):
    code, out, _ = run(capsys, "forecast", COP21, "--model", "exchange", "--rounds", "2")
    assert code == 0
    assert "exchange" in out and "equal_gain" in out and "differentiation" in out
    assert "Rounds run: exchange:equal_gain 2" in out


def test_json_lists_exchanges_per_round(capsys):
    code, out, _ = run(
        capsys,
        "forecast",
        COP21,
        "--model",
        "exchange",
        "--model",
        "compromise",
        "--rounds",
        "2",
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    # the contract keys are unchanged
    assert {"scenario", "actors", "issues"} <= set(doc)
    model = doc["issues"][0]["models"]["exchange"]
    assert len(model["trajectory"]) == 3 and len(model["trajectory"][0]) == len(doc["actors"])
    rounds = doc["runs"]["exchange"]["extras"]["rounds"]
    assert [r["round"] for r in rounds] == [0, 1, 2] and rounds[0]["exchanges"] == []
    first = rounds[1]["exchanges"][0]
    assert first["order"] == 1
    usa, china = first["legs"]
    assert (usa["actor"], usa["issue"], usa["from"], usa["to"], usa["partner"]) == (
        "usa",
        "eaa",
        100.0,
        0.0,
        "china",
    )
    assert (china["actor"], china["issue"]) == ("china", "finance_vol")
    assert first["gain"] == pytest.approx(usa["gain"]) == pytest.approx(china["gain"])
    assert doc["runs"]["exchange"]["extras"]["exchange_counts"] == [
        len(r["exchanges"]) for r in rounds[1:]
    ]


def test_random_ties_need_and_record_a_seed(capsys):
    code, out, _ = run(
        capsys,
        "forecast",
        COP21,
        "--model",
        "exchange",
        "--rounds",
        "1",
        "--set",
        "exchange.ties=random",
        "--seed",
        "4",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["seed"] == 4


def test_bad_setting_exits_2(capsys):
    code, _, err = run(capsys, "forecast", COP21, "--model", "exchange", "--set", "exchange.p=2")
    assert code == 2 and "p" in err and "Traceback" not in err
