"""The command line: outputs, exit codes, and no traceback for any bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kingmaker.cli import main
from tests.conftest import ANCHORS
from tests.scenario.test_flagship import FLAGSHIP_MODELS


def run(capsys, *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(list(argv))
        raise SystemExit(0)
    captured = capsys.readouterr()
    return exc.value.code or 0, captured.out, captured.err


def test_issue_acceptance_compromise_json(capsys):
    code, out, _ = run(
        capsys,
        "forecast",
        str(ANCHORS / "bdm1994/ExampleActors.csv"),
        "--model",
        "compromise",
        "--format",
        "json",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["issues"][0]["models"]["compromise"]["forecast"] == pytest.approx(7.389956, abs=1e-6)


def test_bdm_forecast_table(capsys):
    code, out, _ = run(capsys, "forecast", "bdm1994-emissions")
    assert code == 0
    assert "bdm1994-emissions" in out
    for text in (
        "compromise",
        "median",
        "condorcet",
        "eum",
        "scholz2011",
        "7.390",
        "7.000",
        "8.830",
        "Observed",
    ):
        assert text in out
    # the words under the table: 7.0 is nearest the 7-year anchor, 8.83 the 10-year one
    meaning = out.split("What the forecasts mean")[1]
    assert "~7  a 7-year lag" in meaning and "median 7.000" in meaning
    assert "~10  the standards apply only after 10 years" in meaning
    assert "observed 8.830" in meaning.split("~10")[1]


def test_csv_output(capsys):
    code, out, _ = run(capsys, "forecast", "bdm1994-emissions", "--format", "csv", "-m", "median")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("scenario,model,variant,issue,forecast,observed")
    assert lines[1].startswith("bdm1994-emissions,median,,lag,7.0,8.83")


def test_default_is_the_flagship(capsys):
    """`kingmaker forecast` with no argument answers the brief: every issue, model, outcome."""
    code, out, _ = run(capsys, "forecast", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["scenario"] == "us-iraq-2020"
    assert [i["id"] for i in doc["issues"]] == ["troops", "pmf", "lifelines", "support"]
    observed = {i["id"]: i["observed"] for i in doc["issues"]}
    assert observed == {"troops": 45.0, "pmf": 5.0, "lifelines": 55.0, "support": 40.0}
    for issue in doc["issues"]:
        assert list(issue["models"]) == FLAGSHIP_MODELS
        for m in issue["models"].values():
            assert 0 <= m["forecast"] <= 100
            assert len(m["trajectory"][0]) == len(doc["actors"]) == 13


def test_default_table_says_what_the_forecasts_mean(capsys):
    code, out, _ = run(capsys, "forecast")
    assert code == 0
    assert "us-iraq-2020" in out and "observed" in out.lower()
    meaning = out.split("What the forecasts mean")[1]
    # the observed troops outcome (45) sits on the anchor that describes the advisory mission
    assert "~45  no US combat role after a fixed date" in meaning
    troops = meaning.split("pmf")[0]
    assert "observed 45.0" in troops.split("~45")[1]


def test_validate_broken_decide_file(capsys):
    code, _, err = run(capsys, "validate", str(ANCHORS / "decide/copenhagen_with_errors.csv"))
    assert code == 2
    assert "copenhagen_with_errors.csv:86" in err and "Russia" in err
    assert "copenhagen_with_errors.csv:87" in err and "power" in err
    assert "Traceback" not in err


def test_validate_good_file(capsys):
    code, out, _ = run(capsys, "validate", str(ANCHORS / "decide/cop21.csv"))
    assert code == 0
    assert "valid" in out and "15 actors, 13 issues" in out


@pytest.mark.parametrize(
    "argv,words",
    [
        (["forecast", "no-such-scenario"], ["no file or embedded scenario"]),
        (["forecast", "-m", "eum2"], ["unknown model 'eum2'"]),
        (["forecast", "-m", "median", "--rounds", "3"], ["--rounds applies"]),
        (["forecast", "--set", "median"], ["MODEL.SETTING=VALUE"]),
        (["forecast", "--set", "median.speed=3"], ["unknown setting"]),
        (["forecast", "-f", "xml", "bdm1994-emissions"], ["unknown format 'xml'"]),
        (["validate", str(ANCHORS / "ktab/smpExample.xml")], ["smpExample.xml:32", "empty"]),
        (["validate", str(ANCHORS / "README.md")], ["cannot tell the format"]),
        (["convert", "bdm1994-emissions", "/nonexistent/dir/x.yaml"], ["folder does not exist"]),
        (["convert", "bdm1994-emissions", "out.txt.csv"], ["yaml or json"]),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_user_errors_exit_2_without_traceback(capsys, monkeypatch, tmp_path, argv, words):
    monkeypatch.chdir(tmp_path)  # nothing may be written, but never into the checkout
    code, _, err = run(capsys, *argv)
    assert list(tmp_path.iterdir()) == []
    assert code == 2, err
    assert "Traceback" not in err
    for w in words:
        assert w in err


def test_usage_error_exits_2(capsys):
    code, _, err = run(capsys, "forecast", "--format", "xml")
    assert code == 2
    assert "Traceback" not in err


def test_convert_round_trip(capsys, tmp_path):
    target = tmp_path / "cop21.yaml"
    code, out, _ = run(capsys, "convert", str(ANCHORS / "decide/cop21.csv"), str(target))
    assert code == 0 and target.exists()
    before = target.read_text()
    code, _, err = run(capsys, "convert", str(ANCHORS / "decide/sample_data.txt"), str(target))
    assert code == 2 and "exists; use --force" in err
    assert target.read_text() == before  # nothing lost
    code, out, _ = run(capsys, "forecast", str(target), "--format", "json")
    assert code == 0 and json.loads(out)["scenario"] == "cop21"


def test_scenarios_and_models_lists(capsys):
    code, out, _ = run(capsys, "scenarios")
    assert code == 0 and "bdm1994-emissions" in out
    assert "us-iraq-2020 (default)" in out
    code, out, _ = run(capsys, "models")
    assert code == 0 and "condorcet" in out


def test_console_script_entry_point():
    """The installed `kingmaker` command (not just the function) behaves the same."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "kingmaker.cli",
            "validate",
            str(ANCHORS / "decide/copenhagen_with_errors.csv"),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert ":86" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "kingmaker.cli", "--version"], capture_output=True, text=True
    )
    assert proc.returncode == 0 and proc.stdout.startswith("kingmaker ")
