"""Many processes writing one store at once: every run lands complete and readable.

Eight processes each compute a forecast of the flagship, then record it 25 times
(start, then finish), all against the same store. SQLite serialises writers with
BEGIN IMMEDIATE and a busy timeout; PostgreSQL with its own locking. Either way the store
must end with exactly 200 complete runs, none lost, none half-written."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kingmaker.store import open_store

WRITERS, RUNS_EACH = 8, 25

WRITER = textwrap.dedent(
    """
    import sys
    import kingmaker
    from kingmaker.scenario.compile import scenario_hash
    from kingmaker.store import open_store

    url, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    scenario = kingmaker.load_scenario("us-iraq-2020")
    record = kingmaker.forecast(scenario, ["compromise"])
    with open_store(url) as store:
        for k in range(n):
            run_id = store.start(
                "forecast",
                settings={"models": ["compromise"], "writer": tag, "k": k},
                scenario_id=scenario.id,
                scenario_title=scenario.scenario.title,
                scenario_hash=scenario_hash(scenario),
                scenario_document=scenario.to_document(),
            )
            store.finish(run_id, record, wall_time=0.01)
    """
)


def test_eight_writers_lose_nothing(store_url, tmp_path):
    with open_store(store_url):  # made (and migrated) once, as a user's first run would
        pass
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    procs = [
        subprocess.Popen(
            [sys.executable, str(script), store_url, str(RUNS_EACH), f"w{w}"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(WRITERS)
    ]
    failures = []
    for proc in procs:
        _, errors = proc.communicate(timeout=600)
        if proc.returncode != 0:
            failures.append(errors[-2000:])
    assert not failures, failures

    with open_store(store_url) as store:
        table = store.runs(limit=None)
        assert len(table) == WRITERS * RUNS_EACH
        assert set(table["status"]) == {"complete"}
        assert table["id"].is_unique
        written = {(r.settings["writer"], r.settings["k"]) for r in map(store.run, table["id"])}
        assert written == {(f"w{w}", k) for w in range(WRITERS) for k in range(RUNS_EACH)}
        # every result reads back whole
        values = {store.get(run_id).value("compromise", "troops") for run_id in table["id"]}
        assert len(values) == 1
