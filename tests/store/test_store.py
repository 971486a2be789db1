"""The run store on SQLite and PostgreSQL: what goes in comes back equal, runs are found by
prefix and filters, and stores that are not ours to change are refused and left alone."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

import kingmaker
from kingmaker.errors import StoreError
from kingmaker.scenario.compile import scenario_hash
from kingmaker.store import open_store
from kingmaker.store import schema as store_schema
from kingmaker.store.engine import HEAD, MIGRATIONS, REVISIONS
from kingmaker.store.ids import new_id, normalize_prefix
from kingmaker.store.store import ran_on

FAST = ["compromise", "median"]


@pytest.fixture(scope="module")
def flagship():
    return kingmaker.load_scenario("us-iraq-2020")


@pytest.fixture(scope="module")
def forecast(flagship):
    return kingmaker.forecast(flagship, FAST)


@pytest.fixture(scope="module")
def simulation(flagship):
    return kingmaker.simulate(flagship, FAST, draws=300, seed=7, keep_inputs=True)


def save(store, record, scenario, command="forecast", settings=None) -> str:
    run_id = store.start(command, settings=settings or {"models": FAST}, **ran_on(scenario))
    store.finish(run_id, record, wall_time=0.5)
    return run_id


def test_a_seed_left_to_chance_is_kept_as_drawn(store_url, flagship):
    """A run made without a seed records the seed the analysis drew: it can be made again."""
    record = kingmaker.simulate(flagship, FAST, draws=50, seed=None)
    assert record.provenance.seed is not None
    with open_store(store_url) as store:
        run_id = store.start("simulate", settings={"seed": None, "draws": 50}, **ran_on(flagship))
        store.finish(run_id, record, wall_time=0.1, settings={"seed": None, "draws": 50})
        kept = store.run(run_id)
    assert kept.settings == {"seed": record.provenance.seed, "draws": 50}
    assert kept.scenario_hash == scenario_hash(flagship) == record.provenance.scenario_hash
    again = kingmaker.simulate(flagship, FAST, draws=50, seed=kept.settings["seed"])
    assert again.to_dict()["issues"] == record.to_dict()["issues"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_forecast_round_trip(store_url, flagship, forecast):
    with open_store(store_url) as store:
        run_id = save(store, forecast, flagship)
        back = store.get(run_id[:12].lower())
        assert type(back) is type(forecast)
        assert back.to_dict() == forecast.to_dict()
        for issue in ("troops", "pmf"):
            assert back.value("compromise", issue) == forecast.value("compromise", issue)
        run = store.run(run_id)
        assert run.status == run.state == "complete"
        assert run.scenario_hash == forecast.provenance.scenario_hash
        # the stored scenario is the one the run was made on, whatever became of its file
        assert scenario_hash(run.scenario()) == scenario_hash(flagship)


def test_simulation_arrays_come_back_bit_equal(store_url, flagship, simulation):
    with open_store(store_url) as store:
        run_id = save(store, simulation, flagship, "simulate", {"models": FAST, "seed": 7})
        back = store.get(run_id)
        assert back.to_dict() == simulation.to_dict()
        before, after = simulation.arrays(), back.arrays()
        assert before.keys() == after.keys() and before
        for name, array in before.items():
            assert after[name].dtype == array.dtype, name
            assert after[name].tobytes() == array.tobytes(), name


def test_statuses_and_errors(store_url, flagship, forecast):
    with open_store(store_url) as store:
        run_id = store.start(
            "forecast",
            settings={},
            scenario_id="x",
            scenario_title="x",
            scenario_hash="",
            scenario_document=None,
        )
        assert store.run(run_id).state == "running"
        with pytest.raises(StoreError, match="running"):
            store.get(run_id)  # no result yet: not presented as complete
        store.fail(run_id, "model diverged", wall_time=1.0)
        run = store.run(run_id)
        assert (run.status, run.error) == ("failed", "model diverged")
        with pytest.raises(StoreError, match="not running"):
            store.finish(run_id, forecast, wall_time=1.0)  # a failed run stays failed
        assert store.run(run_id).result is None


def test_prefixes_unknown_ambiguous_invalid(store_url, flagship, forecast):
    with open_store(store_url) as store:
        a = save(store, forecast, flagship)
        b = save(store, forecast, flagship)
        common = next(n for n in range(26) if a[n] != b[n])
        assert store.resolve(a[: common + 1]) == a
        assert store.resolve(b.lower()) == b
        with pytest.raises(StoreError, match="ambiguous"):
            store.resolve(a[:common])
        with pytest.raises(StoreError, match="no run"):
            store.resolve("ZZZZZZZZ")
        with pytest.raises(StoreError, match="not a run id"):
            store.resolve("run-1!")
        with pytest.raises(StoreError, match="not a run id"):
            store.resolve("")


def test_ids_sort_by_time_and_read_look_alikes():
    assert new_id(1_000) < new_id(2_000) < new_id(2**47)
    assert len(new_id()) == 26
    assert new_id(0).startswith("0000000000")
    assert normalize_prefix(" 01jf3-".rstrip("-")) == "01JF3"
    assert normalize_prefix("iLo") == "110"


def test_runs_frame_filters_gc_and_delete(store_url, flagship, forecast, simulation):
    with open_store(store_url) as store:
        f = save(store, forecast, flagship)
        s = save(store, simulation, flagship, "simulate", {"models": FAST, "seed": 7})
        frame = store.runs()
        assert list(frame["id"]) == [s, f]  # newest first
        row = frame.set_index("id").loc[f]
        assert row["command"] == "forecast" and row["scenario"] == "us-iraq-2020"
        assert row["models"] == "compromise, median"
        assert row["forecast/compromise/troops"] == pytest.approx(
            forecast.value("compromise", "troops")
        )
        assert frame.set_index("id").loc[s, "seed"] == "7"
        assert isinstance(frame["created"].iloc[0], pd.Timestamp)
        assert [r.id for r in store.summaries(command="forecast")] == [f]
        assert store.summaries(scenario="no-such-scenario") == []
        assert store.summaries(since="2999-01-01") == []
        assert len(store.summaries(since="2020-01-01")) == 2
        assert [r.id for r in store.summaries(limit=1)] == [s]
        with pytest.raises(StoreError, match="date"):
            store.summaries(since="last tuesday")
        assert store.gc(keep=1) == [f]
        assert store.count() == 1
        assert store.delete([s[:14]]) == [s]
        assert store.count() == 0


def test_artifacts_are_kept_with_their_run(store_url, flagship, forecast):
    with open_store(store_url) as store:
        run_id = save(store, forecast, flagship)
        store.attach(run_id, "report.html", b"<html>one</html>", "text/html")
        store.attach(run_id, "report.html", b"<html>two</html>", "text/html")
        assert store.artifact(run_id, "report.html") == b"<html>two</html>"
        assert store.artifact(run_id, "other") is None
        assert store.get(run_id).to_dict() == forecast.to_dict()


def test_migrations_make_exactly_the_declared_schema(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with open_store(store_url) as store, store.engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), store_schema.metadata)
        assert differences == []
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
    script = ScriptDirectory(str(MIGRATIONS))
    assert script.get_current_head() == HEAD == REVISIONS[-1]
    assert [r.revision for r in script.walk_revisions()][::-1] == list(REVISIONS)


def test_reopening_an_existing_store_keeps_its_runs(store_url, flagship, forecast):
    with open_store(store_url) as store:
        run_id = save(store, forecast, flagship)
    with open_store(store_url) as store:
        assert store.get(run_id).to_dict() == forecast.to_dict()


# ---- stores that must be refused and left as they are (SQLite files)


def test_store_from_a_newer_kingmaker_is_refused_unchanged(tmp_path, flagship, forecast):
    path = tmp_path / "runs.sqlite"
    with open_store(path) as store:
        save(store, forecast, flagship)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = digest(path)
    with pytest.raises(StoreError, match="newer Kingmaker"):
        open_store(path)
    assert digest(path) == before


@pytest.mark.parametrize(
    "content",
    [b"this is not a database\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text", "damaged-header"],
)
def test_corrupt_store_is_refused_unchanged(tmp_path, content):
    path = tmp_path / "runs.sqlite"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="cannot be opened as a run store"):
        open_store(path)
    assert path.read_bytes() == content


@pytest.mark.parametrize("table", ["runs", "notes"])
def test_database_that_is_not_a_store_is_refused_unchanged(tmp_path, table):
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"CREATE TABLE {table} (name TEXT)")
        conn.execute(f"INSERT INTO {table} VALUES ('mine')")
    before = digest(path)
    with pytest.raises(StoreError, match="not a Kingmaker store"):
        open_store(path)
    assert digest(path) == before


def test_read_only_store_lists_but_refuses_to_save(tmp_path, flagship, forecast):
    path = tmp_path / "runs.sqlite"
    with open_store(path) as store:
        run_id = save(store, forecast, flagship)
    before = digest(path)
    with open_store(f"sqlite:///file:{path}?mode=ro&uri=true") as store:
        assert [r.id for r in store.summaries()] == [run_id]
        assert store.get(run_id).to_dict() == forecast.to_dict()
        with pytest.raises(StoreError, match="could not be saved"):
            save(store, forecast, flagship)
    assert digest(path) == before


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "no" / "such" / "runs.sqlite")


def test_bad_url_is_a_clear_error():
    with pytest.raises(StoreError, match="store URL"):
        open_store("nosuchdialect://somewhere/db")


def test_sqlite_runs_in_wal_mode(tmp_path):
    with open_store(tmp_path / "runs.sqlite") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000


def test_a_store_at_an_older_revision_is_upgraded_and_keeps_its_runs(store_url, flagship, forecast):
    """A store made by the first schema (runs only) gains the scenario versions table on open,
    with every run it held intact."""
    import sqlalchemy as sa

    from kingmaker.store import engine as store_engine

    eng, _ = store_engine.create(store_url)
    with eng.connect() as conn, conn.begin():
        store_engine._upgrade(conn, "0001")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0001"
        assert not sa.inspect(conn).has_table("scenario_versions")
        conn.rollback()
        # a run written by hand into the old schema, as an old Kingmaker would have
        with conn.begin():
            conn.execute(
                store_schema.runs.insert().values(
                    id=new_id(),
                    created="2026-12-05T10:00:00.000000Z",
                    status="failed",
                    error="old",
                    command="forecast",
                    settings={},
                    execution={},
                    kingmaker_version="0.0.9",
                    scenario_id=flagship.id,
                    scenario_title="t",
                    scenario_hash="h",
                )
            )
    eng.dispose()
    with open_store(store_url) as store:
        (old,) = store.summaries()
        assert (old.error, old.kingmaker_version) == ("old", "0.0.9")
        run_id = save(store, forecast, flagship)
        assert store.get(run_id).to_dict() == forecast.to_dict()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
        version = store.save_version(
            flagship.to_document(),
            scenario_id=flagship.id,
            title="edited",
            scenario_hash=scenario_hash(flagship),
            origin="edit",
            parent=flagship.id,
        )
        assert store.version(version).parent == flagship.id


def test_scenario_versions_keep_their_document_and_parent(store_url, flagship):
    doc = flagship.to_document()
    with open_store(store_url) as store:
        first = store.save_version(
            doc,
            scenario_id=flagship.id,
            title="mine",
            scenario_hash=scenario_hash(flagship),
            origin="upload",
        )
        changes = [{"actor": "iran", "issue": "troops", "parameter": "salience", "to": 0.2}]
        second = store.save_version(
            doc,
            scenario_id=flagship.id,
            title="mine, edited",
            scenario_hash=scenario_hash(flagship),
            origin="edit",
            parent=first,
            changes=changes,
            note="what if Iran cares less",
        )
        assert [v.id for v in store.versions()] == [second, first]
        assert store.versions()[0].document is None  # listed without documents
        kept = store.version(second)
        assert (kept.parent, kept.changes, kept.note) == (first, changes, "what if Iran cares less")
        assert scenario_hash(kept.scenario()) == scenario_hash(flagship)
        with pytest.raises(StoreError, match="no scenario version"):
            store.version("01ZZZZZZZZZZZZZZZZZZZZZZZZ")
        with pytest.raises(StoreError, match="must be one of"):
            store.save_version(doc, scenario_id="x", title="x", scenario_hash="", origin="magic")
