"""Long analyses started from the dashboard: run in a background worker, watched by polling,
cancellable, each kept in the run store exactly as the command line keeps it.

A job runs :func:`kingmaker.analysis.replay.replay` (the same call ``kingmaker runs rerun``
makes) in a worker thread; the analysis itself may fan out to a process pool or a Dask
cluster through the executor it is given. Cancelling sets a flag that the job's progress
callback checks between chunks; the run is then kept as ``failed`` with ``cancelled``.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..results.record import jsonable
from ..scenario.schema import Scenario
from ..store import Store
from ..store.ids import new_id
from ..store.store import ran_on

COMMANDS = ("forecast", "simulate", "sensitivity", "advise")


class Cancelled(Exception):
    """Raised inside a job's progress callback once the job is cancelled."""


@dataclass
class Job:
    id: str
    command: str
    scenario: str
    status: str = "queued"  # queued, running, complete, failed, cancelled
    done: int = 0
    total: int = 0
    stage: str = ""
    run_id: str | None = None
    error: str | None = None
    started: float = field(default_factory=time.time)
    cancel: threading.Event = field(default_factory=threading.Event)

    def to_dict(self) -> dict[str, Any]:
        fraction = self.done / self.total if self.total else (1.0 if self.finished else 0.0)
        return {
            "id": self.id,
            "command": self.command,
            "scenario": self.scenario,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "fraction": min(1.0, fraction),
            "stage": self.stage,
            "run_id": self.run_id,
            "error": self.error,
        }

    @property
    def finished(self) -> bool:
        return self.status in ("complete", "failed", "cancelled")


class Jobs:
    """The server's job queue (one worker: analyses already use every core)."""

    def __init__(self, store: Store, executor: Any = None, workers: int = 1):
        self.store = store
        self.executor = executor
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kingmaker-job")
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def submit(
        self, command: str, scenario: Scenario, scenario_ref: str, settings: dict[str, Any]
    ) -> Job:
        job = Job(new_id(), command, scenario_ref)
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, scenario, settings)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        job = self.get(job_id)
        if job is not None and not job.finished:
            job.cancel.set()
            if job.status == "queued":
                job.status = "cancelled"
        return job

    def close(self) -> None:
        for job in list(self._jobs.values()):
            job.cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, scenario: Scenario, settings: dict[str, Any]) -> None:
        from ..analysis.replay import replay

        if job.cancel.is_set():
            job.status = "cancelled"
            return
        job.status = "running"
        try:
            job.run_id = self.store.start(
                job.command,
                settings=jsonable(settings),
                execution={"via": "dashboard"},
                **ran_on(scenario),
            )
        except Exception as exc:  # the store refused: say so on the page
            job.status, job.error = "failed", str(exc)
            return
        start = time.perf_counter()

        def progress(*args: Any) -> None:
            if job.cancel.is_set():
                raise Cancelled()
            if len(args) == 3:  # advise: (stage, done, total)
                job.stage = str(args[0])
            job.done, job.total = int(args[-2]), int(args[-1])

        try:
            record = replay(
                job.command,
                scenario,
                settings,
                executor=self.executor,
                progress=progress if job.command != "forecast" else None,
            )
        except Cancelled:
            self.store.fail(job.run_id, "cancelled", wall_time=time.perf_counter() - start)
            job.status = "cancelled"
            return
        except Exception as exc:  # an analysis error: shown on the page, kept as failed
            message = str(exc) or type(exc).__name__
            self.store.fail(job.run_id, message, wall_time=time.perf_counter() - start)
            job.status, job.error = "failed", message
            return
        self.store.finish(
            job.run_id, record, wall_time=time.perf_counter() - start, settings=jsonable(settings)
        )
        job.done = job.total = max(job.total, 1)
        job.status = "complete"
