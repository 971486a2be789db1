"""`kingmaker runs`: every analysis command keeps its run, and a kept run can be listed,
shown as it was, compared with another, re-made byte for byte, exported and deleted."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kingmaker import load_scenario, scenario_hash
from kingmaker.scenario.embedded import embedded_path
from kingmaker.store import open_store
from tests.cli.test_cli import run

FLAGSHIP = "us-iraq-2020"


@pytest.fixture
def store(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'runs.sqlite'}"


def ids(capsys, store: str, *filters: str) -> list[str]:
    code, out, _ = run(capsys, "runs", "list", "--store", store, "--format", "json", *filters)
    assert code == 0
    return [row["id"] for row in json.loads(out)]


def saved_id(err: str) -> str:
    (line,) = [x for x in err.splitlines() if x.startswith("saved as run ")]
    return line.removeprefix("saved as run ").strip()


def edited_flagship(tmp_path: Path, salience: str) -> Path:
    """A copy of the flagship's folder with the US salience on troops set to ``salience``."""
    folder = tmp_path / "flagship-copy"
    shutil.copytree(embedded_path(FLAGSHIP).parent, folder)
    path = folder / "scenario.yaml"
    text = path.read_text(encoding="utf-8")
    old = "        salience:\n          value: 0.6\n"  # the first actor (us), first issue (troops)
    assert text.index(old) < text.index("      pmf:\n")
    path.write_text(text.replace(old, f"        salience:\n          value: {salience}\n", 1))
    assert load_scenario(folder).actor("us").issues["troops"].salience.value == float(salience)
    return folder


def test_each_command_lists_its_run_newest_first_and_json_stdout_stays_clean(capsys, store):
    code, out, err = run(capsys, "forecast", FLAGSHIP, "--store", store, "--format", "json")
    assert code == 0
    first = saved_id(err)
    json.loads(out)  # stdout is the record alone; the run id went to stderr
    assert first not in out
    code, _, err = run(capsys, "forecast", FLAGSHIP, "--model", "eum", "--store", store)
    assert code == 0
    second = saved_id(err)
    assert ids(capsys, store) == [second, first]
    code, out, _ = run(capsys, "runs", "list", "--store", store, "--format", "json")
    rows = json.loads(out)
    assert [r["settings"]["models"] for r in rows] == [["eum"], None]
    assert {r["status"] for r in rows} == {"complete"} and {r["command"] for r in rows} == {
        "forecast"
    }
    # csv: one row per run, the headline forecast per model and issue as columns
    code, out, _ = run(capsys, "runs", "list", "--store", store, "--format", "csv")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["id"] for r in table] == [second, first]
    doc = json.loads(run(capsys, "runs", "show", first, "--store", store, "--format", "json")[1])
    comp = doc["issues"][0]["models"]["compromise"]["forecast"]
    issue = doc["issues"][0]["id"]
    assert float(table[1][f"forecast/compromise/{issue}"]) == pytest.approx(comp, rel=1e-12)
    assert table[0][f"forecast/compromise/{issue}"] == ""  # the eum run made no compromise
    # filters
    assert ids(capsys, store, "--command", "simulate") == []
    assert ids(capsys, store, "--scenario", FLAGSHIP, "--limit", "1") == [second]
    assert ids(capsys, store, "--since", "2000-01-01") == [second, first]


def test_no_save_keeps_nothing(capsys, store):
    code, _, err = run(capsys, "forecast", FLAGSHIP, "--store", store, "--no-save")
    assert code == 0 and "saved as run" not in err
    assert ids(capsys, store) == []


def test_show_renders_the_stored_run_as_the_command_did(capsys, store):
    code, original, err = run(capsys, "forecast", FLAGSHIP, "--store", store)
    assert code == 0
    code, shown, _ = run(capsys, "runs", "show", saved_id(err), "--store", store)
    assert code == 0
    assert shown == original
    code, as_json, err = run(capsys, "forecast", FLAGSHIP, "--store", store, "--format", "json")
    code, shown_json, _ = run(
        capsys, "runs", "show", saved_id(err), "--store", store, "--format", "json"
    )
    assert json.loads(shown_json) == json.loads(as_json)


def test_diff_names_the_changed_number_and_the_forecasts_it_moved(capsys, store, tmp_path):
    code, before, err = run(capsys, "forecast", FLAGSHIP, "--store", store, "--format", "json")
    a = saved_id(err)
    folder = edited_flagship(tmp_path, "0.45")
    code, after, err = run(capsys, "forecast", str(folder), "--store", store, "--format", "json")
    assert code == 0
    b = saved_id(err)
    code, out, _ = run(capsys, "runs", "diff", a, b, "--store", store, "--format", "json")
    assert code == 0
    d = json.loads(out)
    assert d["scenario"] == [
        {"path": ["actors", "us", "issues", "troops", "salience", "value"], "old": 0.6, "new": 0.45}
    ]
    assert d["settings"] == []
    # every forecast the diff reports as changed is the difference of the two records
    old, new = json.loads(before), json.loads(after)
    expected = {}
    for io_, in_ in zip(old["issues"], new["issues"], strict=True):
        for model, res in io_["models"].items():
            change = in_["models"][model]["forecast"] - res["forecast"]
            expected[(model, io_["id"])] = change
    # the diff names a model with its variant (eum:scholz2011), the record by its family
    reported = {(f["model"].split(":")[0], f["issue"]): f["change"] for f in d["forecasts"]}
    assert reported.keys() == expected.keys()
    for key, change in expected.items():
        assert reported[key] == pytest.approx(change, abs=1e-12), key
    # the compromise on troops moves: 0.6 -> 0.45 lowers the weight of the US (position 70)
    assert expected[("compromise", "troops")] < 0
    # and the issue the US salience on troops does not enter stays put for the static models
    assert expected[("compromise", "pmf")] == 0
    code, table, _ = run(capsys, "runs", "diff", a, b, "--store", store)
    assert "actors.us.issues.troops.salience.value" in table and "0.45" in table
    assert "Forecasts that moved" in table


def test_rerun_is_byte_identical_even_after_the_file_is_gone(capsys, store, tmp_path):
    folder = edited_flagship(tmp_path, "0.45")
    code, _, err = run(
        capsys,
        "simulate",
        str(folder),
        "-n",
        "200",
        "--seed",
        "7",
        "--model",
        "compromise",
        "--store",
        store,
    )
    assert code == 0
    run_id = saved_id(err)
    shutil.rmtree(folder)  # the run keeps its own copy of the scenario
    code, out, _ = run(capsys, "runs", "rerun", run_id, "--store", store)
    assert code == 0, out
    assert "byte-identical" in out


def test_export_json_and_scenario_yaml_round_trip(capsys, store, tmp_path):
    code, _, err = run(capsys, "forecast", FLAGSHIP, "--model", "compromise", "--store", store)
    run_id = saved_id(err)
    target = tmp_path / "run.json"
    assert run(capsys, "runs", "export", run_id, "-o", str(target), "--store", store)[0] == 0
    doc = json.loads(target.read_text())
    assert doc["id"] == run_id and doc["command"] == "forecast"
    with open_store(store) as st:
        kept = st.run(run_id)
    assert doc["result"] == kept.result
    yaml_path = tmp_path / "scenario.yaml"
    args = ("runs", "export", run_id, "-o", str(yaml_path), "--scenario-only", "--store", store)
    assert run(capsys, *args)[0] == 0
    assert scenario_hash(load_scenario(yaml_path)) == kept.scenario_hash == doc["scenario_hash"]
    # an existing file is kept unless --force
    before = yaml_path.read_bytes()
    code, _, err = run(capsys, *args)
    assert code == 2 and "--force" in err
    assert yaml_path.read_bytes() == before


def test_delete_and_gc(capsys, store):
    made = []
    for _ in range(3):
        code, _, err = run(capsys, "forecast", FLAGSHIP, "--model", "median", "--store", store)
        made.append(saved_id(err))
    code, _, err = run(capsys, "runs", "delete", made[0][:12], "--store", store)
    assert code == 0 and "deleted 1 run" in err
    assert ids(capsys, store) == made[:0:-1]
    code, _, err = run(capsys, "runs", "gc", "--keep", "1", "--store", store)
    assert code == 0 and "deleted 1 run" in err
    assert ids(capsys, store) == [made[2]]


@pytest.mark.parametrize(
    "argv, message",
    [
        (("runs", "show", "01ZZZZZZZZ"), "no run with id '01ZZZZZZZZ'"),
        (("runs", "diff", "01ZZZZZZZZ", "01ZZZZZZZY"), "no run with id"),
        (("runs", "rerun", "nope"), "no run with id 'nope'"),
        (("runs", "delete", "nope"), "no run with id 'nope'"),
    ],
    ids=["show", "diff", "rerun", "delete"],
)
def test_unknown_run_ids_exit_2(capsys, store, argv, message):
    run(capsys, "forecast", FLAGSHIP, "--model", "median", "--store", store)
    code, _, err = run(capsys, *argv, "--store", store)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_a_corrupt_store_is_refused_and_left_as_it_was(capsys, tmp_path):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    before = path.read_bytes()
    code, _, err = run(capsys, "forecast", FLAGSHIP, "--store", f"sqlite:///{path}")
    assert code == 2 and str(path) in err
    code, _, err = run(capsys, "runs", "list", "--store", f"sqlite:///{path}")
    assert code == 2
    assert path.read_bytes() == before


def test_a_foreign_sqlite_database_is_refused_and_left_as_it_was(capsys, tmp_path):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('keep me')")
    before = path.read_bytes()
    code, _, err = run(capsys, "runs", "list", "--store", f"sqlite:///{path}")
    assert code == 2 and "Traceback" not in err
    assert path.read_bytes() == before
