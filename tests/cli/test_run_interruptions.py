"""A run cut short never passes for a result: Ctrl-C keeps it as failed and exits 130 at once
(workers included), a killed process leaves a `running` row that `runs list` shows as gone."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

from kingmaker.store import open_store

# long enough (about a minute here) that the signal always lands mid-computation
LONG = ["simulate", "us-iraq-2020", "-n", "200000", "--model", "eum", "--format", "json"]


def _as_at_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it. A test run started in the background of a script
    inherits SIGINT ignored (POSIX shells do that to background jobs), and so would the
    command, which then rightly ignores it too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(url: str, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "KINGMAKER_STORE": url}
    return subprocess.Popen(
        [sys.executable, "-m", "kingmaker", *LONG, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_as_at_a_terminal,
    )


def wait_running(path: Path, proc: subprocess.Popen, timeout: float = 120) -> str:
    """The id of the run once its `running` row is in the store (then the work has begun).

    The store file is read with sqlite3 in read-only mode, so polling can neither create nor
    migrate it under the writer's feet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()[1]
        rows = []
        if path.exists():
            try:
                with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                    rows = db.execute("SELECT id, status FROM runs").fetchall()
            except sqlite3.Error:  # tables not made yet
                rows = []
        if rows:
            ((run_id, status),) = rows
            assert status == "running"
            time.sleep(0.5)  # into the simulation proper
            return run_id
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the run never appeared in the store")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_keeps_the_run_as_failed_and_exits_130(tmp_path, workers):
    db = tmp_path / "runs.db"
    url = f"sqlite:///{db}"
    proc = start(url, "--workers", workers)
    run_id = wait_running(db, proc)
    proc.send_signal(signal.SIGINT)
    sent = time.monotonic()
    out, errors = proc.communicate(timeout=120)
    waited = time.monotonic() - sent
    assert proc.returncode == 130, errors
    assert out == ""  # no half result on stdout
    assert "interrupted" in errors and run_id in errors
    # the workers are stopped, not waited for (a 200,000-draw chunk takes far longer)
    assert waited < 20, waited
    with open_store(url) as store:
        run = store.run(run_id)
        assert (run.status, run.state) == ("failed", "failed")
        assert run.error == "interrupted (Ctrl-C)"
        assert run.result is None
        with pytest.raises(Exception, match="failed"):
            store.get(run_id)


def test_a_killed_run_stays_running_and_is_shown_as_gone(tmp_path):
    db = tmp_path / "runs.db"
    url = f"sqlite:///{db}"
    proc = start(url, "--workers", "1")
    run_id = wait_running(db, proc)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    with open_store(url) as store:
        run = store.run(run_id)
        assert run.status == "running" and run.result is None
        assert run.state == "running (process gone)"
    listed = subprocess.run(
        [sys.executable, "-m", "kingmaker", "runs", "list", "--store", url, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    (row,) = json.loads(listed.stdout)
    assert row["id"] == run_id and row["status"] == "running (process gone)"
