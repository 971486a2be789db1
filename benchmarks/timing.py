"""Small helpers shared by benchmark sections: timing and markdown tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """Shortest wall time of ``repeat`` calls (the least disturbed by other processes)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def rate(
    run: Callable[[int], object],
    min_time: float,
    max_time: float,
    start: int = 1,
    limit: int = 10_000,
    block: int = 1_000,
) -> tuple[int, float]:
    """(n, seconds) for a run of n draws long enough to measure throughput.

    n grows from ``start`` (tenfold, or by as much as ``max_time`` allows) until a run takes
    ``min_time`` with at least one full ``block`` (so that fixed costs per call are
    amortised), or reaches ``limit``, or cannot grow at least twofold within ``max_time``.
    Runs under a second are repeated (best of 3).
    """
    n = start
    while True:
        t = best_time(lambda: run(n), repeat=1)
        if n >= limit or (t >= min_time and n >= block):
            break
        factor = 10 if t * 10 <= max_time else int(max_time // max(t, 1e-9))
        if factor < 2:
            break
        n = min(limit, n * factor)
    return n, (best_time(lambda: run(n), repeat=3) if t < 1 else t)


def per_second(n: int, seconds: float) -> str:
    """A throughput, readable: 1.23M/s, 45.6k/s, 789/s, 0.12/s."""
    r = n / seconds
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if r >= scale:
            return f"{r / scale:.3g}{unit}/s"
    return f"{r:.3g}/s"


def table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], align: str | None = None
) -> str:
    """A markdown table; ``align`` is a string of l/r per column (default: l then r...)."""
    align = align or "l" + "r" * (len(headers) - 1)
    marks = {"l": "---", "r": "---:"}
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(marks[a] for a in align) + " |"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
