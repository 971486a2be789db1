"""Run store: what keeping every run costs, next to what computing it costs.

Every analysis command writes its run (``running`` first, then the result in one
transaction). The figures that matter are ratios: the time to store a result against the
time to compute it, and the time to list runs as the store grows. Measured on SQLite (the
default) in a temporary folder, through the same Store API the CLI uses.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import kingmaker
from kingmaker.scenario.compile import scenario_hash
from kingmaker.store import open_store

from .timing import best_time, table

TITLE = "Run store: the cost of keeping every run"
SCENARIO = "us-iraq-2020"


def section(quick: bool = False) -> str:
    sc = kingmaker.load_scenario(SCENARIO)
    about = dict(
        scenario_id=sc.id,
        scenario_title=sc.scenario.title,
        scenario_hash=scenario_hash(sc),
        scenario_document=sc.to_document(),
    )
    parts = [_opening(), _per_run(sc, about, quick), _listing(sc, about, quick)]
    return "\n\n".join(parts)


def _opening() -> str:
    """Importing the store, creating a store (schema by Alembic), opening it again."""
    code = (
        "import time; t=time.perf_counter(); import kingmaker.store; print(time.perf_counter()-t)"
    )
    imports = min(
        float(
            subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    )
    with tempfile.TemporaryDirectory() as tmp:
        made = []
        for k in range(3):
            start = time.perf_counter()
            open_store(Path(tmp) / f"new{k}.sqlite").close()
            made.append(time.perf_counter() - start)
        reopen = best_time(lambda: open_store(Path(tmp) / "new0.sqlite").close(), repeat=5)
    rows = [
        ("import kingmaker.store (fresh interpreter)", f"{imports * 1e3:.0f} ms"),
        ("create a new store (tables by the shipped migrations)", f"{min(made) * 1e3:.0f} ms"),
        ("open an existing store (schema revision checked)", f"{reopen * 1e3:.1f} ms"),
    ]
    return "### Opening\n\n" + table(("Step", "Time"), rows, ("l", "r"))


def _per_run(sc, about, quick: bool) -> str:
    """Storing a result against computing it: a forecast, and a simulation with its draws."""
    draws = 10_000 if quick else 100_000
    cases = [
        ("forecast, default models", lambda: kingmaker.forecast(sc, seed=0), "forecast"),
        (
            f"simulate, {draws:,} draws, eum",
            lambda: kingmaker.simulate(sc, ["eum"], draws=draws, seed=0),
            "simulate",
        ),
        (
            f"simulate, {draws:,} draws, compromise + median (the cheapest models)",
            lambda: kingmaker.simulate(sc, ["compromise", "median"], draws=draws, seed=0),
            "simulate",
        ),
    ]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "runs.sqlite") as st:
        for label, compute, command in cases:
            start = time.perf_counter()
            record = compute()
            computed = time.perf_counter() - start
            writes = []
            for _ in range(3 if quick else 5):
                start = time.perf_counter()
                run_id = st.start(command, settings={}, **about)
                st.finish(run_id, record, wall_time=computed)
                writes.append(time.perf_counter() - start)
            stored = min(writes)
            start = time.perf_counter()
            st.get(run_id)
            read = time.perf_counter() - start
            rows.append(
                (
                    label,
                    f"{computed:.2f} s",
                    f"{stored * 1e3:.0f} ms",
                    f"{stored / computed:.1%}",
                    f"{read * 1e3:.0f} ms",
                )
            )
    note = (
        "Store = writing the `running` row, then the result, its arrays and the scenario "
        "document in one transaction; read = the record back with its draws. A simulation's "
        "arrays are its draws: every sampled input (the flagship has 122 uncertain numbers) "
        "and each model's forecasts, 8 bytes each, so 100,000 draws are about 100 MB; sampled "
        "floats do not compress (deflate saved 10% and took longer than the cheap models' "
        "compute), so they are kept as they are and only flags and counts are deflated. The "
        "default models take minutes for 100,000 draws, against which storing is negligible."
    )
    return (
        "### Per run\n\n"
        + table(
            ("Run", "Compute", "Store", "Store / compute", "Read back"),
            rows,
            ("l", "r", "r", "r", "r"),
        )
        + "\n\n"
        + note
    )


def _listing(sc, about, quick: bool) -> str:
    """`runs list` as the store grows: the newest 20, and every run as a table."""
    sizes = (100, 1_000) if quick else (100, 1_000, 10_000)
    record = kingmaker.forecast(sc, ["compromise", "median"], seed=0)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, open_store(Path(tmp) / "runs.sqlite") as st:
        have = 0
        per_write = []
        for size in sizes:
            while have < size:
                start = time.perf_counter()
                run_id = st.start(
                    "forecast", settings={"models": ["compromise", "median"]}, **about
                )
                st.finish(run_id, record, wall_time=0.01)
                per_write.append(time.perf_counter() - start)
                have += 1
            newest = best_time(lambda: st.summaries(limit=20))
            filtered = best_time(lambda: st.summaries(command="simulate", limit=20))
            every = best_time(lambda: st.runs(), repeat=1 if size > 1_000 else 3)
            rows.append(
                (
                    f"{size:,}",
                    f"{newest * 1e3:.1f} ms",
                    f"{filtered * 1e3:.1f} ms",
                    f"{every * 1e3:.0f} ms",
                )
            )
    note = (
        f"Filling the store: {statistics.median(per_write) * 1e3:.1f} ms per run (median "
        "start + finish of a two-model forecast of the flagship, scenario document included). "
        "Newest 20 = `kingmaker runs list`; filtered = `--command simulate` when no run "
        "matches (the whole index is searched); every run = `runs list --format csv` over the "
        "whole store (a pandas DataFrame with a column per model and issue)."
    )
    return (
        "### Listing\n\n"
        + table(
            ("Runs in the store", "Newest 20", "Filtered, none match", "Every run as a table"),
            rows,
            ("r", "r", "r", "r"),
        )
        + "\n\n"
        + note
    )
