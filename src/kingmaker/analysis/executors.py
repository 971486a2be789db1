"""Executors: where chunks of work run, never what they compute.

An executor maps a pure, module-level function ``fn(shared, item)`` over a list of items and
returns the results *in item order*, whichever finished first (``executor.map``). ``shared``
(the scenario's arrays, the models, the seed) is sent to each worker once where the executor
allows it. Called as ``executor(fn, items)``, it yields ``fn(item)`` in item order as results
arrive: the plain seam of analyses that chunk their own work (e.g. backtests).

* :class:`InProcess`: a plain loop in this process (the default);
* :class:`ProcessPool`: a pool of K local worker processes;
* :class:`DaskExecutor`: a Dask distributed cluster, an existing one (``tcp://HOST:PORT``) or
  a LocalCluster of K worker processes started for the run (needs ``kingmaker[distributed]``;
  the workers of a remote cluster need Kingmaker installed, in the same version).

Analyses split their work into fixed units (blocks of draws) whose random streams do not
depend on the executor, then group units into chunks for the executor; results are therefore
identical whichever executor ran them.
"""

from __future__ import annotations

import abc
import math
import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, wait
from concurrent.futures import ProcessPoolExecutor as _Pool
from typing import Any

from ..errors import ExecutorError

#: Chunks per worker when an analysis splits its work: enough to balance the load and
#: update a progress bar, few enough to keep the cost of sending work small.
CHUNKS_PER_WORKER = 4

Done = Callable[[int], None]


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):\d{1,5}$")


def _apply(fn: Callable[[Any], Any], item: Any) -> Any:
    return fn(item)


class Executor(abc.ABC):
    """Runs ``fn(shared, item)`` for each item; results come back in item order."""

    name = "executor"
    workers = 1
    #: Threads each work item may use (passed down to the model kernels): the executor
    #: decides parallelism, so K workers never start K x cores threads.
    threads = 1

    @abc.abstractmethod
    def completed(
        self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any]
    ) -> Iterator[tuple[int, Any]]:
        """(index, result) of each item, as each finishes (the one method executors differ in)."""

    def map(
        self,
        fn: Callable[[Any, Any], Any],
        shared: Any,
        items: Sequence[Any],
        on_done: Done | None = None,
    ) -> list[Any]:
        """Every ``fn(shared, item)``, in item order; ``on_done(index)`` as each finishes."""
        results: list[Any] = [None] * len(items)
        for k, result in self.completed(fn, shared, items):
            results[k] = result
            if on_done is not None:
                on_done(k)
        return results

    def __call__(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[Any]:
        """``fn(item)`` for each item, yielded in item order as soon as it and those before
        it are done: the plain "map a picklable function over chunks" seam."""
        ready: dict[int, Any] = {}
        nxt = 0
        for k, result in self.completed(_apply, fn, items):
            ready[k] = result
            while nxt in ready:
                yield ready.pop(nxt)
                nxt += 1

    def chunk_count(self, units: int) -> int:
        """How many chunks to make of ``units`` units of work."""
        if self.workers <= 1:
            return units
        return max(1, min(units, self.workers * CHUNKS_PER_WORKER))

    def describe(self) -> str:
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def close(self) -> None:  # noqa: B027 - a no-op by default, not abstract
        """Release workers (a no-op for executors that hold none)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcess(Executor):
    """Runs every item here, one after the other; models may use ``threads`` threads
    (default: every core this process may use)."""

    name = "in-process"

    def __init__(self, threads: int | None = None):
        if threads is not None and threads < 1:
            raise ExecutorError(f"threads must be at least 1, got {threads}")
        self.threads = threads or available_cores()

    def completed(self, fn, shared, items):
        for k, item in enumerate(items):
            yield k, fn(shared, item)


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers are forked from a clean server, not from a process with threads
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _ignore_interrupts() -> None:
    """Workers leave Ctrl-C to the parent, which stops them (a terminal sends SIGINT to the
    whole process group: without this every worker would print its own traceback)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


class ProcessPool(Executor):
    """K local worker processes (``--workers K``)."""

    name = "process pool"

    def __init__(self, workers: int):
        if workers < 1:
            raise ExecutorError(f"the number of workers must be at least 1, got {workers}")
        self.workers = workers
        self.threads = max(1, available_cores() // workers)
        self._pool = _Pool(
            max_workers=workers, mp_context=_context(), initializer=_ignore_interrupts
        )

    def completed(self, fn, shared, items):
        futures = {self._pool.submit(fn, shared, item): k for k, item in enumerate(items)}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in sorted(done, key=futures.get):
                    yield futures[fut], fut.result()
        except BaseException:  # Ctrl-C or a failed chunk: the other chunks' work is lost anyway
            self._abandon()
            raise

    def _abandon(self) -> None:
        """Stop at once rather than wait for the running chunks (which may take minutes)."""
        # A terminal's Ctrl-C reaches the workers too; a signal sent to this process alone
        # does not, so they are ended here. concurrent.futures has no public call for it
        # before Python 3.14 (terminate_workers).
        processes = list((getattr(self._pool, "_processes", None) or {}).values())
        self._pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.terminate()
        for proc in processes:
            proc.join(timeout=5)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """A Dask distributed cluster: an existing scheduler, or a LocalCluster of K workers."""

    name = "dask"

    def __init__(
        self, scheduler: str | None = None, workers: int | None = None, timeout: float = 10.0
    ):
        try:
            import distributed
        except ImportError:
            raise ExecutorError(
                "Dask is not installed; install it with: pip install 'kingmaker[distributed]'"
            ) from None
        self._cluster = None
        if scheduler is not None:
            if not _ADDRESS.match(scheduler):
                raise ExecutorError(
                    "expects the address of a Dask scheduler as "
                    f"tcp://HOST:PORT (or tls://HOST:PORT), got {scheduler!r}",
                    parameter="scheduler",
                )
            try:
                self._client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise ExecutorError(
                    f"cannot reach the Dask scheduler at {scheduler}: {exc or type(exc).__name__}"
                    " (expected the address of a running scheduler, e.g. tcp://10.0.0.5:8786)"
                ) from None
            self.workers = max(1, sum(self._client.nthreads().values()))
        else:
            import logging

            n = workers or 1
            if n < 1:
                raise ExecutorError(f"the number of workers must be at least 1, got {n}")
            self._cluster = distributed.LocalCluster(  # its HTTP server on a free port
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            self._client = distributed.Client(self._cluster, set_as_default=False)
            self.workers = n
        self.address = self._client.scheduler.address

    def completed(self, fn, shared, items):
        from distributed import as_completed

        data = self._client.scatter(shared, broadcast=True, hash=False)
        futures = [self._client.submit(fn, data, item, pure=False) for item in items]
        index = {f.key: k for k, f in enumerate(futures)}
        for fut in as_completed(futures, loop=self._client.loop):
            yield index[fut.key], fut.result()

    def describe(self) -> str:
        where = "LocalCluster" if self._cluster is not None else self.address
        return f"dask {where} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(
    workers: int | None = None,
    dask: bool = False,
    scheduler: str | None = None,
    timeout: float = 10.0,
) -> Executor:
    """The executor the command-line options ask for.

    ``scheduler`` -> an existing Dask cluster; ``dask`` -> a Dask LocalCluster of ``workers``
    processes; ``workers`` > 1 alone -> a local process pool; ``workers`` = 1 -> in-process on
    one thread; otherwise in-process on every core.
    """
    if workers is not None and workers < 1:
        raise ExecutorError(f"must be at least 1, got {workers}", parameter="workers")
    if scheduler is not None:
        if workers is not None:
            raise ExecutorError(
                "starts local workers, while a scheduler's cluster uses its own workers: "
                "give one or the other",
                parameter="workers",
            )
        return DaskExecutor(scheduler=scheduler, timeout=timeout)
    if dask:
        return DaskExecutor(workers=workers or os.cpu_count() or 1)
    if workers is not None and workers > 1:
        return ProcessPool(workers)
    return InProcess(threads=workers)


def split(units: int, chunks: int) -> list[range]:
    """``units`` consecutive units in ``chunks`` nearly equal, ordered ranges."""
    chunks = max(1, min(units, chunks))
    size = math.ceil(units / chunks) if units else 0
    return [range(s, min(units, s + size)) for s in range(0, units, size)] if units else []
