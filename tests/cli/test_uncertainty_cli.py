"""`kingmaker simulate` and `kingmaker sensitivity`: every anchor sample, byte-identical JSON
across executors, saved draws, the progress bar, and exit code 2 for every user mistake."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from kingmaker.cli.common import progress_bar
from kingmaker.scenario import embedded_names
from tests.cli.test_cli import run
from tests.conftest import ANCHORS, DATA, without_created

RANGED = str(DATA / "uncertainty" / "ranged.yaml")
SAMPLES = [
    ANCHORS / name
    for name in (
        "bdm1994/ExampleActors.csv",
        "bdm1994/Sultan.csv",
        "decide/cop21.csv",
        "decide/copenhagen.csv",
        "decide/sample_data.txt",
        "ktab/SOE-Competitive.csv",
        "ktab/SOE-Pol-Comp.csv",
        "ktab/SOE-Policy.csv",
        "ktab/bdm94-emissions.csv",
        "ktab/dummyData-a040.csv",
        "ktab/dummyData-a080.csv",
        "ktab/dummyData-a160.csv",
        "ktab/dummyData_3Dim.csv",
        "ktab/dummyData_6Dim.csv",
        "ktab/dummyData_3Dim.xml",
    )
]  # every valid scenario among the anchors (see test_every_anchor_sample_is_listed)
SOURCES = [str(p) for p in SAMPLES] + embedded_names()
SMALL = [
    str(ANCHORS / "bdm1994/ExampleActors.csv"),
    str(ANCHORS / "ktab/dummyData_3Dim.csv"),
    str(ANCHORS / "decide/sample_data.txt"),
]


def ids(source: str) -> str:
    return Path(source).name


def test_every_anchor_sample_is_listed():
    """SAMPLES holds every file among the anchors that is a valid scenario."""
    from kingmaker import KingmakerError, load_scenario

    def valid(path) -> bool:
        try:
            load_scenario(path)
        except KingmakerError:
            return False
        return True

    files = [p for p in ANCHORS.rglob("*") if p.suffix in (".csv", ".txt", ".xml")]
    assert {p for p in files if valid(p)} == set(SAMPLES)


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_simulate_every_sample(capsys, source):
    code, out, err = run(
        capsys, "simulate", source, "-n", "10", "--seed", "1", "--format", "json"
    )  # every default model: few draws
    assert code == 0, err
    doc = json.loads(out)
    if doc["uncertain"]:
        assert "note:" not in err
    else:  # the anchors have no ranges: said clearly, and the run still reports
        assert "has an uncertainty range" in err and "--spread" in err
    for issue in doc["issues"]:
        for m in issue["models"].values():
            assert m["draws"] == 10
            if not doc["uncertain"]:
                assert m["interval95"] == [m["point"], m["point"]]


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_simulate_every_sample_with_a_default_spread(capsys, source):
    code, out, err = run(
        capsys,
        "simulate",
        source,
        "-n",
        "30",
        "--seed",
        "2",
        "--spread",
        "0.1",
        "-m",
        "compromise",
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["spread"] == 0.1 and doc["uncertain"]
    assert all(u["distribution"] == "pert" or u["low"] != u["value"] for u in doc["uncertain"])
    assert any(i["models"]["compromise"]["std"] > 0 for i in doc["issues"])


@pytest.mark.parametrize("source", SOURCES, ids=ids)
def test_sensitivity_every_sample(capsys, source):
    code, out, err = run(capsys, "sensitivity", source, "--samples", "8", "-m", "compromise")
    assert code == 0, err
    if "0 uncertain numbers" in out:
        assert "nothing to rank" in err
    code, out, err = run(
        capsys,
        "sensitivity",
        source,
        "--spread",
        "0.1",
        "--method",
        "tornado",
        "-m",
        "compromise",
        "--seed",
        "1",
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["methods"] == ["tornado"]
    assert all(r["factors"][0]["swing"] > 0 for r in doc["results"])


@pytest.mark.parametrize("source", SMALL, ids=ids)
def test_sobol_on_small_samples(capsys, source):
    code, out, err = run(
        capsys,
        "sensitivity",
        source,
        "--spread",
        "0.1",
        "--samples",
        "16",
        "--seed",
        "3",
        "--top",
        "3",
    )
    assert code == 0, err
    assert "S1" in out and "ST" in out and "share of variance" in out


def test_simulate_table(capsys):
    code, out, _ = run(
        capsys,
        "simulate",
        RANGED,
        "-n",
        "200",
        "--seed",
        "7",
        "-t",
        "troops:50",
        "-t",
        "pmf:5",
        "-m",
        "compromise",
        "-m",
        "median",
    )
    assert code == 0
    for text in (
        "200 draws, seed 7, 9 uncertain numbers",
        "80%",  # the header "80% interval", on two lines when the terminal is narrow
        "interval",
        "compromise",
        "Probability that the outcome lands above / below",
        "troops",
    ):
        assert text in out


def test_simulate_csv(capsys):
    code, out, _ = run(
        capsys,
        "simulate",
        RANGED,
        "-n",
        "100",
        "--seed",
        "7",
        "-t",
        "troops:50",
        "--format",
        "csv",
        "-m",
        "median",
    )
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].startswith("scenario,model,issue,point,median,mean,std,p10,p90")
    assert lines[0].endswith("P(>50),P(<50)") and len(lines) == 3


def test_sensitivity_table_ranks_actors(capsys):
    code, out, _ = run(
        capsys, "sensitivity", RANGED, "--samples", "64", "--seed", "2", "-m", "compromise"
    )
    assert code == 0
    assert "troops - compromise" in out and "pmf - compromise" in out
    assert "Government of Iraq:" in out and "Iran: capability" in out
    assert "actors (share of variance" in out


@pytest.fixture(scope="module")
def reference_json():
    """The in-process JSON summary, computed once."""
    import contextlib

    from kingmaker.cli import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), pytest.raises(SystemExit) as exc:
        main(
            [
                "simulate",
                RANGED,
                "-n",
                "2100",
                "--seed",
                "99",
                "-t",
                "troops:40",
                "--format",
                "json",
            ]
        )
        raise SystemExit(0)
    assert not exc.value.code
    return buf.getvalue()


@pytest.mark.parametrize(
    "options",
    [
        ["--workers", "1"],
        ["--workers", "2"],
        pytest.param(["--workers", "2", "--dask"], marks=pytest.mark.slow),
    ],
    ids=lambda o: " ".join(o),
)
def test_json_bytes_do_not_depend_on_the_executor(capsys, reference_json, options):
    code, out, err = run(
        capsys,
        "simulate",
        RANGED,
        "-n",
        "2100",
        "--seed",
        "99",
        "-t",
        "troops:40",
        "--format",
        "json",
        *options,
    )
    assert code == 0, err
    assert without_created(out) == without_created(reference_json)


def test_save_draws(capsys, tmp_path):
    import pyarrow.parquet as pq

    target = tmp_path / "draws.parquet"
    code, out, err = run(
        capsys,
        "simulate",
        RANGED,
        "-n",
        "150",
        "--seed",
        "1",
        "--save-draws",
        str(target),
        "--format",
        "json",
    )
    assert code == 0 and "saved 150 draws" in err
    json.loads(out)  # stdout holds only the JSON document
    table = pq.read_table(target)
    assert table.num_rows == 150 and "position/iran/troops" in table.column_names
    code, _, err = run(capsys, "simulate", RANGED, "-n", "10", "--save-draws", str(target))
    assert code == 2 and "exists; use --force" in err
    code, _, _ = run(capsys, "simulate", RANGED, "-n", "10", "--save-draws", str(target), "--force")
    assert code == 0 and pq.read_table(target).num_rows == 10


@pytest.mark.parametrize(
    "argv,words",
    [
        (
            ["simulate", RANGED, "-t", "troop:50"],
            ["unknown issue 'troop'", "did you mean 'troops'"],
        ),
        (["simulate", RANGED, "-t", "pmf:50"], ["outside the scale of 'pmf' (0..10)"]),
        (["simulate", RANGED, "-t", "50"], ["ISSUE:VALUE"]),
        (["simulate", RANGED, "--spread", "2"], ["spread must be a number in (0, 1]"]),
        (["simulate", RANGED, "-m", "eum2"], ["unknown model 'eum2'"]),
        (["simulate", RANGED, "--save-draws", "draws.csv"], [".parquet"]),
        (["simulate", RANGED, "--save-draws", "no/such/dir/d.parquet"], ["does not exist"]),
        (
            ["simulate", RANGED, "--workers", "2", "--scheduler", "tcp://127.0.0.1:9"],
            ["one or the other"],
        ),
        (["simulate", RANGED, "--scheduler", "127.0.0.1"], ["tcp://HOST:PORT"]),
        (
            ["simulate", RANGED, "--scheduler", "tcp://127.0.0.1:9", "--scheduler-timeout", "0.5"],
            ["cannot reach the Dask scheduler at tcp://127.0.0.1:9"],
        ),
        (["sensitivity", RANGED, "--samples", "1000"], ["power of two"]),
        (["sensitivity", RANGED, "--method", "morris"], ["--method must be one of"]),
        (["sensitivity", RANGED, "--spread", "0"], ["spread"]),
        (["sensitivity", "no-such-scenario"], ["no file or embedded scenario"]),
    ],
    ids=lambda v: " ".join(a for a in v if a != RANGED) if isinstance(v, list) else None,
)
def test_user_errors_exit_2(capsys, monkeypatch, tmp_path, argv, words):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, *argv)
    assert code == 2, err
    assert "Traceback" not in err and out == ""
    for w in words:
        assert w in err
    assert list(tmp_path.iterdir()) == []


def test_dask_not_installed_exits_2(capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)
    code, _, err = run(capsys, "simulate", RANGED, "-n", "10", "--dask", "--workers", "2")
    assert code == 2 and "pip install 'kingmaker[distributed]'" in err


def test_progress_bar_only_on_a_terminal_and_after_the_delay():
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with progress_bar("simulating", terminal, delay=0) as progress:
        progress(500, 1000)
        progress(1000, 1000)
    assert "simulating" in screen.getvalue()

    piped = io.StringIO()
    with progress_bar("simulating", Console(file=piped, force_terminal=False), delay=0) as p:
        p(1000, 1000)
    assert piped.getvalue() == ""

    quick = io.StringIO()
    with progress_bar("simulating", Console(file=quick, force_terminal=True), delay=60) as p:
        p(1000, 1000)
    assert quick.getvalue() == ""


@pytest.mark.parametrize("columns", ["200", "80"])
def test_simulate_table_prints_every_interval_whole(capsys, monkeypatch, columns):
    """The flagship with its six default models: at 80 columns the table lays issues out as
    heading rows, so no interval is cut (it once printed "33.0-39…")."""
    monkeypatch.setenv("COLUMNS", columns)
    args = ("simulate", "--draws", "40", "--seed", "11", "--no-save")
    code, out, err = run(capsys, *args)
    assert code == 0, err
    table = out.split("80% and 95% interval")[0]
    assert "…" not in table
    code, doc, _ = run(capsys, *args, "--format", "json")
    issues = json.loads(doc)["issues"]
    for issue in issues:
        assert issue["id"] in table
        for model, s in issue["models"].items():
            for key in ("interval80", "interval95"):
                lo, hi = s[key]
                assert f"{lo:.1f}-{hi:.1f}" in table, (issue["id"], model, key)
