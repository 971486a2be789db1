"""Executors: which one the options pick, results in item order, clear errors."""

from __future__ import annotations

import socket
import sys
import time

import pytest

from kingmaker.analysis.executors import (
    DaskExecutor,
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
    assert sorted(done) == [0, 1, 2, 3, 4]


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


def test_unreachable_scheduler_is_a_clear_error():
    address = f"tcp://127.0.0.1:{free_port()}"
    start = time.monotonic()
    with pytest.raises(ExecutorError, match=f"cannot reach the Dask scheduler at {address}"):
        DaskExecutor(scheduler=address, timeout=1)
    assert time.monotonic() - start < 30


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
