"""`kingmaker backtest` end to end: DEU III, a scenario with an outcome, the docs page, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.test_cli import run
from tests.conftest import without_created

REPO = Path(__file__).resolve().parents[2]


def test_deu3_json(capsys):
    code, out, _ = run(
        capsys,
        "backtest",
        "deu3",
        "-m",
        "compromise",
        "-m",
        "median",
        "--format",
        "json",
        "--resamples",
        "200",
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["target"] == "deu3" and doc["n_cases"] == 353
    rows = {r["key"]: r for r in doc["leaderboard"]}
    assert rows["compromise"]["mae"] == pytest.approx(23.680777, abs=1e-6)
    assert rows["compromise"]["n"] == 353 and rows["compromise"]["vs_baseline"] is None
    assert rows["status-quo"]["n"] == 253 and rows["status-quo"]["kind"] == "reference"
    diff = rows["median"]["vs_baseline"]
    assert diff["low"] <= diff["estimate"] <= diff["high"] and diff["clusters"] == 137
    assert {s["name"] for s in doc["strata"]} == {"rule", "procedure", "period"}
    first = doc["cases"][0]
    assert first["issue"] == "d00032i1" and first["observed"] == 100
    assert set(first["forecasts"]) == set(rows)


def test_deu3_table_with_council_weights(capsys):
    code, out, _ = run(
        capsys,
        "backtest",
        "deu3",
        "-m",
        "compromise",
        "--capability",
        "council",
        "--resamples",
        "100",
    )
    assert code == 0
    assert "capability 'council'" in out and "23.59" in out and "unanimity" in out


def test_scenario_backtest_table_and_json(capsys):
    code, out, _ = run(capsys, "backtest", "bdm1994-emissions", "-m", "compromise")
    assert code == 0
    for text in ("lag", "7.390", "8.830", "-1.440", "Forecasts and outcomes"):
        assert text in out
    code, out, _ = run(capsys, "backtest", "bdm1994-emissions", "--format", "json")
    doc = json.loads(out)
    case = doc["cases"][0]
    assert case["observed"] == 8.83
    assert case["forecasts"]["compromise"] == pytest.approx(7.389956, abs=1e-6)
    assert case["forecasts"]["median"] == 7.0


def test_write_docs_for_deu3(capsys, tmp_path):
    page = tmp_path / "docs" / "backtest.md"
    page.parent.mkdir()  # outputs go into folders that exist
    code, _, err = run(
        capsys,
        "backtest",
        "deu3",
        "-m",
        "compromise",
        "-m",
        "median",
        "--write-docs",
        str(page),
        "--draws",
        "4",
        "--resamples",
        "100",
    )
    assert code == 0 and f"wrote {page}" in err
    text = page.read_text(encoding="utf-8")
    for heading in (
        "# Backtest: DEU III",
        "### Reference figures",
        "## Capability options",
        "## Calibration",
        "## Out of sample",
        "## Data notes",
    ):
        assert heading in text
    assert "| salience-weighted mean, equal capabilities | 23.68 (n=353) | 23.68" in text
    assert "capability-option" in text and "split.csv" in text


def test_write_docs_for_a_scenario(capsys, tmp_path):
    page = tmp_path / "bdm.md"
    code, _, _ = run(capsys, "backtest", "bdm1994-emissions", "--write-docs", str(page))
    assert code == 0
    assert "| lag | compromise | 7.390 | 8.830 | -1.440 |" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["backtest", "deu3", "-m", "nope"], "unknown model 'nope'"),
        (["backtest", "bdm1994-emissions", "--capability", "gdp"], "apply to the DEU III"),
        (
            ["backtest", str(REPO / "tests/data/anchors/bdm1994/ExampleActors.csv")],
            "no observed outcome",
        ),
        (["backtest", "no-such-thing"], "no file or embedded scenario"),
        (["backtest", "deu3", "--set", "compromise.weight=2"], "unknown setting"),
    ],
    ids=["unknown-model", "capability-on-scenario", "no-outcome", "missing", "bad-setting"],
)
def test_backtest_errors(capsys, argv, message):
    code, _, err = run(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err


def test_checked_in_leaderboard_inputs_are_current():
    """docs/backtest.md records a fingerprint of what it is computed from (the DEU data, the
    models, the backtest code). Regenerating it takes minutes, so the suite checks the
    fingerprint; when this fails, run `kingmaker backtest deu3 --write-docs docs/backtest.md`."""
    from kingmaker.analysis.backtest.fingerprint import inputs_fingerprint
    from kingmaker.report.backtest import recorded_fingerprint

    page = (REPO / "docs/backtest.md").read_text(encoding="utf-8")
    assert recorded_fingerprint(page) == inputs_fingerprint(), (
        "docs/backtest.md is stale: run `kingmaker backtest deu3 --write-docs docs/backtest.md`"
    )


def test_checked_in_calibration_comes_from_the_same_inputs():
    """The calibration `forecast` applies is written by the page's run: same fingerprint, and
    its half-widths are the conformal quantiles of the page's own per-issue errors."""
    import json

    from kingmaker.analysis.backtest.fingerprint import inputs_fingerprint

    data = json.loads((REPO / "src/kingmaker/data/deu3/calibration.json").read_text("utf-8"))
    assert data["fingerprint"] == inputs_fingerprint()
    assert data["n_cases"] == 353 and data["levels"] == [0.5, 0.8, 0.95]
    h = data["models"]["compromise"]["halfwidth"]
    assert h["0.5"] < h["0.8"] < h["0.95"] <= 100
    for entry in data["models"].values():
        for level, c in entry["cross_conformal"].items():
            assert abs(c["coverage"] - float(level)) < 0.1


def test_deu3_json_reports_the_nested_cv_and_calibration(capsys):
    """The outside-check keys of issue 19, from a run of the baseline alone (the accuracy round
    computes its candidates itself)."""
    import json

    code, out, _ = run(
        capsys,
        "backtest",
        "deu3",
        "-m",
        "compromise",
        "--format",
        "json",
        "--resamples",
        "200",
        "--no-save",
    )
    assert code == 0
    d = json.loads(out)
    nested = d["nested_cv"]
    assert set(nested["candidates"]) == {"snap", "choice", "nash", "pivot"}
    assert nested["n"] == 353 and nested["repetitions"] == 10 and nested["folds"] == 5
    low, high = nested["ci"]
    assert low <= nested["mae_diff"] <= high
    best = min(nested["candidates"].items(), key=lambda kv: kv[1]["mae_diff"])
    assert nested["best"] == best[0] and nested["mae_diff"] == best[1]["mae_diff"]
    # pivot's grid starts at lambda = 0 (compromise): its difference cannot be positive by more
    # than tuning noise; nash has no setting, so its held-out MAE is its plain MAE
    assert d["candidates"]["pivot"]["nested_cv"]["mae_diff"] <= 0.5
    cal = d["calibration"]["cross_conformal"]
    assert set(cal) == {"0.5", "0.8", "0.95"}
    for c in cal.values():
        assert 0 <= c["coverage"] <= 1 and c["width"] > 0
        assert c["low"] <= c["coverage"] <= c["high"]
    assert cal["0.5"]["width"] < cal["0.8"]["width"] < cal["0.95"]["width"]
    assert "sets" in d["calibration"]["candidates"]["choice"]


def test_checked_in_leaderboard_rows_are_reproduced(capsys):
    """The cheap rows of the checked-in leaderboard, recomputed now, are what the page says."""
    code, out, _ = run(
        capsys,
        "backtest",
        "deu3",
        "-m",
        "compromise",
        "-m",
        "median",
        "-m",
        "condorcet",
        "--format",
        "json",
        "--resamples",
        "10",
    )
    assert code == 0
    page = (REPO / "docs/backtest.md").read_text(encoding="utf-8")
    board = page.split("## Leaderboard (equal capabilities, all issues)")[1].split("\n## ")[0]
    for row in json.loads(out)["leaderboard"]:
        cells = f"| {row['n']} | {row['mae']:.2f} | {row['rmse']:.2f} | {row['medae']:.2f} |"
        assert cells in board, f"{row['key']}: {cells} not in the checked-in leaderboard"


@pytest.mark.parametrize(
    "options",
    [
        ["--workers", "2"],
        pytest.param(["--workers", "2", "--dask"], marks=pytest.mark.slow),
    ],
    ids=lambda o: " ".join(o),
)
def test_json_does_not_depend_on_the_executor(capsys, options):
    """DEU III's scenarios run in several chunks: on worker processes (or Dask) the leaderboard
    and every case's forecast are the same bytes as in-process."""
    argv = [
        "backtest",
        "deu3",
        "-m",
        "compromise",
        "-m",
        "condorcet",
        "--format",
        "json",
        "--resamples",
        "50",
    ]
    code, reference, _ = run(capsys, *argv)
    assert code == 0
    code, out, err = run(capsys, *argv, *options)
    assert code == 0, err
    assert without_created(out) == without_created(reference)


def test_write_docs_never_replaces_a_file_unasked(capsys, tmp_path):
    page = tmp_path / "mine.md"
    page.write_text("my notes\n", encoding="utf-8")
    argv = ["backtest", "bdm1994-emissions", "-m", "compromise", "--write-docs", str(page)]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "exists; use --force" in err
    assert page.read_text(encoding="utf-8") == "my notes\n"
    code, _, err = run(capsys, *argv, "--force")
    assert code == 0 and "| lag | compromise |" in page.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["mine.md"]  # no temporary file left
