"""Executors: which one the options pick, results in item order, completion callbacks, clear
errors; no test measures time."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from kingmaker.analysis.executors import (
    InProcess,
    ProcessPool,
    make_executor,
    split,
)
from kingmaker.errors import ExecutorError


def slow_square(delay: float, x: int) -> int:
    """Later items finish first: the results must still come back in item order."""
    time.sleep(delay * (5 - x))
    return x * x


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    "options,kind,workers",
    [
        ({}, InProcess, 1),
        ({"workers": 1}, InProcess, 1),
        ({"workers": 2}, ProcessPool, 2),
    ],
    ids=["default", "one worker", "two workers"],
)
def test_the_options_pick_the_executor(options, kind, workers):
    with make_executor(**options) as ex:
        assert type(ex) is kind and ex.workers == workers


@pytest.mark.parametrize(
    "executor", [InProcess, lambda: ProcessPool(2)], ids=["in-process", "pool"]
)
def test_results_come_back_in_item_order(executor):
    done = []
    with executor() as ex:
        assert ex.map(slow_square, 0.05, list(range(5)), done.append) == [0, 1, 4, 9, 16]
    assert sorted(done) == [0, 1, 2, 3, 4]  # one completion callback per item


def test_in_process_reports_completions_in_item_order():
    done = []
    assert InProcess().map(slow_square, 0.0, list(range(4)), done.append) == [0, 1, 4, 9]
    assert done == [0, 1, 2, 3]


def test_an_empty_list_of_items_gives_no_results():
    with ProcessPool(2) as pool:
        assert pool.map(slow_square, 0.0, []) == [] and list(pool(cube, [])) == []


def cube(x: int) -> int:
    time.sleep(0.05 * (5 - x))
    return x**3


@pytest.mark.parametrize(
    "executor", [InProcess, lambda: ProcessPool(2)], ids=["in-process", "pool"]
)
def test_called_with_a_function_it_yields_in_item_order(executor):
    with executor() as ex:
        results = ex(cube, list(range(5)))
        assert not isinstance(results, list)  # streamed, not collected first
        assert list(results) == [0, 1, 8, 27, 64]


@pytest.mark.parametrize(
    "units,chunks,expected",
    [
        (10, 3, [range(0, 4), range(4, 8), range(8, 10)]),
        (3, 8, [range(0, 1), range(1, 2), range(2, 3)]),
        (5, 1, [range(0, 5)]),
        (0, 4, []),
    ],
)
def test_split(units, chunks, expected):
    assert split(units, chunks) == expected


def test_chunk_count():
    assert InProcess().chunk_count(7) == 7
    with ProcessPool(2) as pool:
        assert pool.chunk_count(100) == 8 and pool.chunk_count(3) == 3


@pytest.mark.parametrize("timeout", [0.5, 1.5])
def test_unreachable_scheduler_is_a_clear_error(monkeypatch, timeout):
    """The connection attempt is bounded by the timeout the caller gives (passed to Dask's
    own connect timeout, so it cannot hang), and failing to connect is an ExecutorError."""
    import distributed

    asked = []
    real = distributed.Client

    def client(address, **options):
        asked.append((address, options.get("timeout")))
        return real(address, **options)

    monkeypatch.setattr(distributed, "Client", client)
    address = f"tcp://127.0.0.1:{free_port()}"
    with pytest.raises(ExecutorError, match=f"cannot reach the Dask scheduler at {address}"):
        make_executor(scheduler=address, timeout=timeout)
    assert asked == [(address, timeout)]


def test_missing_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(ExecutorError, match=r"pip install 'kingmaker\[distributed\]'"):
        make_executor(workers=2, dask=True)


@pytest.mark.parametrize(
    "options,words",
    [
        ({"workers": 0}, "at least 1"),
        ({"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}, "one or the other"),
    ],
)
def test_bad_executor_options(options, words):
    with pytest.raises(ExecutorError, match=words):
        make_executor(**options)
