"""How much merging scenarios into one batch saves in a DEU III backtest.

    python benchmarks/backtest_deu3.py [--repeat 3]

Times, in this process, (a) `run_backtest` on the 141 DEU III proposal scenarios with the
baseline models (issues merged into one batch per chunk) and (b) the naive way, one
`kingmaker.forecast` call per scenario, and prints the ratio (best of --repeat runs each).
Ratios, not seconds, are the result: the machine is shared and timings are noisy.
"""

from __future__ import annotations

import argparse
import time

import kingmaker
from kingmaker.analysis.backtest.deu3_target import backtest_target
from kingmaker.analysis.backtest.engine import run_backtest

MODELS = ["compromise", "median", "condorcet"]


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    target = backtest_target()  # loaded once, outside the timings
    merged = best(lambda: run_backtest(target, MODELS), args.repeat)
    naive = best(lambda: [kingmaker.forecast(s, MODELS) for s in target.scenarios], args.repeat)
    print(
        f"{len(target.scenarios)} scenarios, {len(target.cases)} scored issues, "
        f"models {', '.join(MODELS)}"
    )
    print(f"merged batches (run_backtest): {merged:.3f} s")
    print(f"one forecast per scenario:     {naive:.3f} s")
    print(f"ratio naive / merged:          {naive / merged:.1f}x")


if __name__ == "__main__":
    main()
