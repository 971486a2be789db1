"""Calibrated intervals (DEU III) in `kingmaker forecast` and `kingmaker simulate` output."""

from __future__ import annotations

import json

import pytest

from kingmaker.analysis import calibrated
from tests.cli.test_cli import run
from tests.conftest import DATA

FIXTURE = DATA / "calibration" / "calibration.json"


@pytest.fixture(autouse=True)
def calibration_file(monkeypatch):
    monkeypatch.setattr(calibrated, "PATH", FIXTURE)
    calibrated.clear_cache()
    yield
    calibrated.clear_cache()


def test_forecast_table_shows_calibrated_intervals(capsys):
    code, out, err = run(capsys, "forecast", "-m", "compromise", "-m", "condorcet", "--no-save")
    assert code == 0, err
    assert "80% calibrated (DEU III)" in out
    assert "Calibrated on DEU III" in out and "input uncertainty only" in out
    # us-iraq-2020 troops: compromise 35.9, +-30 points (the fixture's 80% half-width)
    assert "5.9-65.9" in out


def test_simulate_table_shows_both_kinds_of_interval(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, err = run(capsys, "simulate", "-m", "compromise", "--draws", "50", "--no-save")
    assert code == 0, err
    assert "calibrated" in out and "(DEU III)" in out  # the column "80% calibrated (DEU III)"
    assert "uncertainty of the inputs only" in out
    assert "Calibrated on DEU III" in out
    assert "5.9-65.9" in out


def test_json_keys(capsys):
    code, out, _ = run(capsys, "forecast", "-m", "compromise", "--format", "json", "--no-save")
    assert code == 0
    doc = json.loads(out)
    assert doc["calibration"]["label"] == "calibrated on DEU III"
    assert doc["calibration"]["fingerprint"] == "0123abcd"
    troops = doc["issues"][0]["models"]["compromise"]
    assert set(troops["calibrated"]) == {"0.5", "0.8", "0.95"}
    lo, hi = troops["calibrated"]["0.8"]
    assert hi - lo == pytest.approx(60.0)
    code, out, _ = run(
        capsys, "simulate", "-m", "compromise", "--draws", "20", "--format", "json", "--no-save"
    )
    doc = json.loads(out)
    assert doc["calibration"]["label"] == "calibrated on DEU III"
    assert "calibrated" in doc["issues"][0]["models"]["compromise"]


def test_without_the_file_nothing_is_shown(capsys, monkeypatch, tmp_path):
    monkeypatch.setattr(calibrated, "PATH", tmp_path / "absent.json")
    code, out, err = run(capsys, "forecast", "-m", "compromise", "--no-save")
    assert code == 0, err
    assert "calibrated" not in out.lower()
    code, out, _ = run(capsys, "forecast", "-m", "compromise", "--format", "json", "--no-save")
    assert "calibrat" not in out


def test_a_malformed_file_is_a_clear_error(capsys, monkeypatch, tmp_path):
    path = tmp_path / "calibration.json"
    path.write_text('{"kind": "deu3-conformal-calibration"}')
    monkeypatch.setattr(calibrated, "PATH", path)
    code, _, err = run(capsys, "forecast", "-m", "compromise", "--no-save")
    assert code == 2
    assert str(path) in err.replace("\n", "") and "Traceback" not in err


def test_csv_columns(capsys):
    code, out, _ = run(capsys, "forecast", "-m", "compromise", "--format", "csv", "--no-save")
    assert code == 0
    head = out.splitlines()[0].split(",")
    assert {"calibrated80_low", "calibrated80_high", "calibrated95_low"} <= set(head)
    code, out, _ = run(
        capsys, "simulate", "-m", "compromise", "--draws", "20", "--format", "csv", "--no-save"
    )
    assert "calibrated80_low" in out.splitlines()[0]


@pytest.mark.parametrize("columns", ["200", "80", "50"])
def test_many_issues_every_interval_printed_whole(capsys, monkeypatch, columns):
    """cop21 has 13 issues: at any width the table takes a layout that prints each interval
    in full (an 80-column terminal once got "4.7-90…" cells)."""
    monkeypatch.setenv("COLUMNS", columns)
    cop21 = str(DATA / "anchors" / "decide" / "cop21.csv")
    args = ("forecast", cop21, "-m", "compromise", "-m", "median", "--no-save")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    assert "…" not in out.split("80% calibrated (DEU III)")[1].split("Calibrated on")[0]
    code, doc, _ = run(capsys, *args, "--format", "json")
    issues = json.loads(doc)["issues"]
    assert len(issues) == 13
    for issue in issues:
        for model in ("compromise", "median"):
            lo, hi = issue["models"][model]["calibrated"]["0.8"]
            assert f"{lo:.1f}-{hi:.1f}" in out, (issue["id"], model)
