"""Speed of the expected-utility model (eum), side by side with the slow implementations.

    python benchmarks/bench_eum.py            # everything (a few minutes)
    python benchmarks/bench_eum.py --quick    # fewer repeats, no port timing beyond n = 10

Prints a Markdown report (docs/benchmarks.md keeps one). Measured:

1. 10,000 draws of ExampleActors (capability and salience x U(0.8, 1.2), position +- U(1)),
   10 rounds, through the engine (``run_model``), all cores and one thread;
2. single runs of random scenarios with n = 10 ... 400 actors, 10 rounds: seconds, runs/s and
   the scaling exponent (slope of log time on log n);
3. the same work by the loop oracle of the tests (tests/models/eum_oracle.py) and by the
   reference port's algorithm (benchmarks/eum_port_approach.py: O(n^6) per round), measured
   where it takes seconds and extrapolated beyond;
4. the one-off compilation (numba, cached on disk afterwards), in a fresh process.

Timings are the best of several repeats (wall clock), with CPU time alongside, because the
machine may be shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' oracle
sys.path.insert(0, str(ROOT / "benchmarks"))

import kingmaker  # noqa: E402
from kingmaker.models import eum, registry  # noqa: E402
from kingmaker.models.base import run_model  # noqa: E402
from kingmaker.randomness import generator, normalize_seed  # noqa: E402

EXAMPLE = ROOT / "tests/data/anchors/bdm1994/ExampleActors.csv"
PORT_SECONDS_10_ROUNDS = 4.4  # the anchor README's measurement of the port on ExampleActors
SEED = 20240611


def best_of(fn, repeats):
    """(best wall seconds, CPU seconds of that run, result)."""
    best = (math.inf, 0.0, None)
    for _ in range(repeats):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        if wall < best[0]:
            best = (wall, cpu, out)
    return best


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def example_draws(B: int):
    arrays = kingmaker.compile_scenario(kingmaker.load_scenario(EXAMPLE))
    rng = generator(normalize_seed(SEED), "bench", "draws")
    base = arrays.batch(B)
    shape = base.capability.shape
    return base.replace(
        capability=base.capability * rng.uniform(0.8, 1.2, shape),
        position=np.clip(base.position + rng.uniform(-1, 1, shape), 4, 10),
        salience=np.clip(base.salience * rng.uniform(0.8, 1.2, shape), 0, 1),
    )


def random_scenario(n: int):
    rng = generator(normalize_seed(SEED), "bench", "actors", n)
    return rng.uniform(0, 1, (1, n)), rng.uniform(0, 100, (1, n)), rng.uniform(0, 1, (1, n))


def kernel_run(cap, pos, sal, rounds=10):
    R = pos.shape[0]
    return eum.simulate(cap, pos, sal, np.zeros(R), np.full(R, 100.0), eum.Params(rounds=rounds))


def oracle_run(cap, pos, sal, rounds):
    from tests.models import eum_oracle

    return eum_oracle.run(cap[0], pos[0], sal[0], 0, 100, rounds=rounds)


def port_run(cap, pos, sal, rounds):
    from eum_port_approach import Model

    return Model(cap[0], pos[0], sal[0]).run(rounds)


def compile_seconds() -> float:
    """Import and first call in a fresh process with an empty numba cache."""
    code = (
        "import time, numpy as np; t = time.perf_counter(); "
        "from kingmaker.models import eum; "
        "eum.simulate(np.ones((1, 3)), np.array([[0., 1, 2]]), np.ones((1, 3)), "
        "np.zeros(1), np.full(1, 2.0), eum.Params(rounds=1)); "
        "print(time.perf_counter() - t)"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        out = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
    return float(out.stdout.strip())


def slope(ns, seconds):
    return float(np.polyfit(np.log(ns), np.log(seconds), 1)[0])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    repeats = 2 if args.quick else 5
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{len(os.sched_getaffinity(0))} cores; Python {platform.python_version()}, "
        f"numpy {np.__version__}; load average before: {load()}\n"
    )

    # warm up (compiled code is cached on disk; this only loads it)
    kernel_run(*random_scenario(5), rounds=1)

    print("## 10,000 draws of ExampleActors, 10 rounds (engine: run_model)\n")
    batch = example_draws(10_000)
    spec = registry.get("eum")
    params = eum.Params(rounds=10)
    threads = len(os.sched_getaffinity(0))
    wall, cpu, out = best_of(lambda: run_model(spec, batch, params, threads=threads), repeats)
    print("| implementation | seconds | draws/s | vs kingmaker |")
    print("|---|---:|---:|---:|")
    print(
        f"| kingmaker eum, {threads} threads | {wall:.3f} (CPU {cpu:.3f}) | "
        f"{10_000 / wall:,.0f} | 1 |"
    )
    wall1, _, _ = best_of(lambda: run_model(spec, batch, params, threads=1), repeats)
    print(f"| kingmaker eum, 1 thread | {wall1:.3f} | {10_000 / wall1:,.0f} | {wall1 / wall:.1f} |")
    cap, pos, sal = (
        np.asarray(a[:1, :, 0]) for a in (batch.capability, batch.position, batch.salience)
    )
    o_wall, _, _ = best_of(lambda: oracle_run(cap, pos, sal, 10), 1 if args.quick else 3)
    print(
        f"| loop oracle (tests), 1 draw x 10,000 | {o_wall * 1e4:,.0f} (extrapolated) | "
        f"{1 / o_wall:,.1f} | {o_wall * 1e4 / wall:,.0f} |"
    )
    p_wall, _, traj = best_of(lambda: port_run(cap, pos, sal, 10), 1)
    ref = kernel_run(cap, pos, sal)
    assert np.allclose(traj, ref.trajectory[0], atol=1e-9), "port approach disagrees"
    print(
        f"| port's algorithm (benchmarks/), 1 draw x 10,000 | {p_wall * 1e4:,.0f} "
        f"(extrapolated) | {1 / p_wall:,.2f} | {p_wall * 1e4 / wall:,.0f} |"
    )
    print(
        f"| reference port itself (anchor README: {PORT_SECONDS_10_ROUNDS} s a run) | "
        f"{PORT_SECONDS_10_ROUNDS * 1e4:,.0f} (extrapolated) | "
        f"{1 / PORT_SECONDS_10_ROUNDS:.2f} | {PORT_SECONDS_10_ROUNDS * 1e4 / wall:,.0f} |"
    )
    print(
        f"\nforecast over the draws: median {np.median(out.forecast):.3f}, "
        f"5-95% {np.percentile(out.forecast, 5):.3f}-{np.percentile(out.forecast, 95):.3f}\n"
    )

    print("## Single runs, random scenarios, 10 rounds\n")
    sizes = [10, 50, 100, 200, 400]
    print("| n actors | kingmaker s | runs/s | loop oracle s | port's algorithm s |")
    print("|---:|---:|---:|---:|---:|")
    k_times, o_meas, p_meas = [], {}, {}
    for n in sizes:
        c, x, s = random_scenario(n)
        w, _, _ = best_of(lambda c=c, x=x, s=s: kernel_run(c, x, s), repeats)
        k_times.append(w)
        if n <= (10 if args.quick else 50):
            o_meas[n] = best_of(lambda c=c, x=x, s=s: oracle_run(c, x, s, 1), 1)[0] * 10
        if n == 10:
            p_meas[n] = best_of(lambda c=c, x=x, s=s: port_run(c, x, s, 1), 1)[0] * 10
    if not args.quick:  # the port's growth, measured: one round of 15 actors
        c, x, s = random_scenario(15)
        p_meas[15] = best_of(lambda: port_run(c, x, s, 1), 1)[0] * 10
    o_exp = slope(list(o_meas), list(o_meas.values())) if len(o_meas) > 1 else 3.0
    for n, w in zip(sizes, k_times, strict=True):
        o = o_meas.get(n)
        top = max(o_meas)  # extrapolate from the largest measured size, as n^3 at least
        o_txt = (
            f"{o:,.2f}"
            if o is not None
            else f"~{o_meas[top] * (n / top) ** max(o_exp, 3):,.0f} (n^3 from n = {top})"
        )
        p = p_meas.get(n)
        p_txt = (
            f"{p:,.1f}"
            if p is not None
            else f"~{p_meas[10] * (n / 10) ** 6:,.3g} (n^6 from n = 10)"
        )
        print(f"| {n} | {w:.4f} | {1 / w:,.1f} | {o_txt} | {p_txt} |")
    print(
        f"\nscaling exponent (time ~ n^k), kingmaker n = 50-400: "
        f"k = {slope(sizes[1:], k_times[1:]):.2f}; loop oracle: k = {o_exp:.2f} "
        f"(measured n <= {max(o_meas)})"
    )
    if 15 in p_meas:
        k = slope([10, 15], [p_meas[10], p_meas[15]])
        print(
            f"port's algorithm, measured n = 10 -> 15: k = {k:.2f} (10 rounds of 15 actors: "
            f"{p_meas[15]:.0f} s; the anchor README's 4.4 s -> 229 s for 10 -> 20 actors "
            "gives k = 5.7)"
        )

    print(
        f"\none-off compilation in a fresh process (numba, then cached): {compile_seconds():.1f} s"
    )
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
