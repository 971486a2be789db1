"""Monte Carlo throughput: draws per second for every registered model.

Measured through the public ``simulate`` (sampling every range, running the model, keeping
the per-draw forecasts), so the figures are what a user gets from ``kingmaker simulate``.
Models registered later (eum, smp, exchange) are included automatically.
"""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

import kingmaker
from kingmaker.analysis.plan import plan_models
from kingmaker.analysis.sampling import Layout, uncertain_factors
from kingmaker.analysis.uncertainty import simulate
from kingmaker.models import registry
from kingmaker.models.base import run_model
from kingmaker.randomness import generator, normalize_seed

from .timing import best_time, per_second, rate, table

TITLE = "Monte Carlo: draws per second"

ROOT = Path(__file__).resolve().parent.parent
ANCHORS = ROOT / "tests" / "data" / "anchors"
CASES = (
    "bdm1994/ExampleActors.csv",
    "bdm1994/Sultan.csv",
    "decide/sample_data.txt",
    "decide/copenhagen.csv",
    "decide/cop21.csv",
    "ktab/bdm94-emissions.csv",
    "ktab/dummyData_3Dim.csv",
    "ktab/SOE-Pol-Comp.csv",
    "ktab/SOE-Policy.csv",
    "ktab/SOE-Competitive.csv",
    "ktab/dummyData_6Dim.csv",
    "ktab/dummyData-a040.csv",
    "ktab/dummyData-a080.csv",
    "ktab/dummyData-a160.csv",
)
QUICK_CASES = (
    "bdm1994/ExampleActors.csv",
    "decide/sample_data.txt",
    "decide/cop21.csv",
    "ktab/dummyData-a040.csv",
)
SPREAD = 0.1  # for scenarios without ranges (the anchors have none)

#: One run of each anchor implementation on this machine (tests/data/anchors/README.md):
#: (implementation, case, seconds per run, our model, its settings).
ANCHOR_RUNS = (
    ("bdm-scholz port (Python)", "bdm1994/ExampleActors.csv", 4.4, "eum", {"rounds": 10}),
    ("decide-exchange-model", "decide/sample_data.txt", 2.0, "exchange", {"rounds": 10}),
    ("decide-exchange-model", "decide/cop21.csv", 24.0, "exchange", {"rounds": 10}),
    ("KTAB smpc (C++)", "ktab/dummyData_3Dim.csv", 0.19, "smp", {}),
    ("KTAB smpc (C++)", "ktab/SOE-Pol-Comp.csv", 1.4, "smp", {}),
    ("KTAB smpc (C++)", "ktab/SOE-Policy.csv", 5.7, "smp", {}),
    ("KTAB smpc (C++)", "ktab/dummyData_6Dim.csv", 11.0, "smp", {}),
    ("KTAB smpc (C++)", "ktab/dummyData-a040.csv", 14.0, "smp", {}),
    ("KTAB smpc (C++)", "ktab/dummyData-a080.csv", 152.0, "smp", {}),
)
DECIDE_SCRIPT = Path(__file__).resolve().parent / "anchors" / "decide_timing.py"


def load(case: str) -> kingmaker.Scenario:
    return kingmaker.load_scenario(ANCHORS / case if "/" in case else case)


def spread_for(sc: kingmaker.Scenario) -> float | None:
    arrays = kingmaker.compile_scenario(sc)
    return None if arrays.ranged() else SPREAD


def settings_for(model: str, wanted: dict) -> dict:
    """Only the settings the model accepts (e.g. rounds for models that run in rounds)."""
    fields = registry.get(model).params.model_fields
    return {model: {k: v for k, v in wanted.items() if k in fields}}


def throughput(sc, model: str, quick: bool, settings: dict | None = None) -> tuple[int, float]:
    spread = spread_for(sc)
    return rate(
        lambda n: simulate(
            sc, [model], draws=n, seed=0, spread=spread, settings=settings, keep_inputs=False
        ),
        min_time=0.05 if quick else 0.2,
        max_time=2.0 if quick else 6.0,
    )


def _cell(sc, model: str, quick: bool, settings: dict | None = None) -> str:
    try:
        n, t = throughput(sc, model, quick, settings)
    except kingmaker.KingmakerError as exc:
        return f"n/a ({str(exc).splitlines()[0][:40]})"
    return per_second(n, t)


def _shape(sc) -> str:
    return f"{len(sc.actors)} x {len(sc.issues)}"


# --------------------------------------------------------------------------- parts


def per_model(quick: bool) -> str:
    models = registry.available()
    names = kingmaker.embedded_names() + list(QUICK_CASES if quick else CASES)
    rows = []
    for name in names:
        sc = load(name)
        spread = spread_for(sc)
        rows.append(
            [
                f"`{Path(name).name}`",
                _shape(sc),
                "own ranges" if spread is None else f"spread {spread:g}",
                *(_cell(sc, m, quick) for m in models),
            ]
        )
    return (
        "Draws per second in-process (one core), each model with its default settings, on "
        "the embedded scenarios and the anchors' samples. A run samples every uncertain "
        "number, runs the model on the draws in blocks of 1,000 and keeps every draw's "
        "forecast; the number of draws grows up to 10,000 (fewer for slow models, so that a "
        "run stays within seconds) and the best of three runs counts. Scenarios "
        f"without ranges get `--spread {SPREAD}`.\n\n"
        + table(
            ["Scenario", "Actors x issues", "Uncertainty", *models], rows, "lll" + "r" * len(models)
        )
    )


def eum_target(quick: bool) -> str:
    if "eum" not in registry.available():
        return (
            "**Target: 10,000 draws of the 10-actor BDM 1994 case with EUM in under 0.5 s "
            "in-process.** The `eum` model is not registered on this branch; this line "
            "reports its time when it is."
        )
    sc = load("bdm1994/ExampleActors.csv")
    settings = settings_for("eum", {"rounds": 10})
    full = best_time(
        lambda: simulate(
            sc, ["eum"], draws=10_000, seed=0, spread=SPREAD, settings=settings, keep_inputs=False
        ),
        3,
    )
    (plan,) = plan_models(sc, ["eum"], settings=settings)
    arrays = kingmaker.compile_scenario(sc)
    factors = uncertain_factors(sc, arrays, SPREAD)
    layout = Layout(arrays, factors)
    values = np.tile(layout.base_values(), (10_000, 1))
    batch = layout.batch(values)
    rng = generator(normalize_seed(0), "bench") if plan.spec.stochastic else None
    kernel = best_time(
        lambda: run_model(plan.spec, batch, plan.params, rng, keep_trajectory=False), 3
    )
    verdict = "met" if full < 0.5 else "not met"
    return (
        f"**Target: 10,000 draws of the 10-actor BDM 1994 case with EUM (10 rounds) in under "
        f"0.5 s in-process: {verdict}.** Full `simulate` (sampling, blocks, summaries): "
        f"{full:.3f} s; the model alone on one batch of 10,000: {kernel:.3f} s."
    )


#: issue 13's targets: draws per second of --workers 2 (and of Dask with 2 local workers)
#: over --workers 1, on a 100,000-draw flagship simulate of the fast models
WORKER_TARGETS = {"--workers 2": 1.7, "--dask --workers 2": 1.6}


def workers(quick: bool) -> str:
    """Draws per second by executor, as the CLI's flags build them (make_executor)."""
    from kingmaker.analysis.executors import make_executor

    sc = kingmaker.load_scenario("us-iraq-2020")
    models = ["compromise", "median", "condorcet", "eum"]
    draws = 10_000 if quick else 100_000

    def timed(make):
        start = time.perf_counter()
        executor = make()
        started = time.perf_counter() - start
        try:
            simulate(sc, models, draws=1_000, seed=1, executor=executor)  # workers warm (imports)
            start = time.perf_counter()
            simulate(sc, models, draws=draws, seed=0, keep_inputs=False, executor=executor)
            return started, time.perf_counter() - start
        finally:
            executor.close()

    candidates = [
        ("--workers 1", lambda: make_executor(workers=1)),
        ("--workers 2", lambda: make_executor(workers=2)),
    ]
    try:
        import distributed  # noqa: F401

        candidates.append(("--dask --workers 2", lambda: make_executor(dask=True, workers=2)))
    except ImportError:
        pass
    load = os.getloadavg()[0]
    rows, base = [], None
    for label, make in candidates:
        started, t = timed(make)
        base = base or t
        target = WORKER_TARGETS.get(label)
        verdict = (
            "" if target is None else f"{target}x: {'met' if base / t >= target else 'not met'}"
        )
        rows.append(
            [
                label,
                f"{started:.2f} s",
                f"{t:.1f} s",
                per_second(draws, t),
                f"{base / t:.2f}x",
                verdict,
            ]
        )
    return (
        f"{draws:,} draws of the fast models ({', '.join(models)}) on the flagship, by the "
        "executor the command-line flags build (`--workers 1` runs in-process on one thread, "
        "`--workers 2` a pool of two processes of one thread each). Start-up is paid once per "
        "command; results are byte-identical on every executor (tested). Load average when "
        f"measured: {load:.1f} on {os.cpu_count()} cores.\n\n"
        + table(["Flags", "Start-up", "Run", "Draws/s", "Speed-up", "Target"], rows)
    )


def synthetic(n: int) -> kingmaker.Scenario:
    """One issue, n actors with ranges on every number (seeded, reproducible)."""
    rng = generator(normalize_seed(n), "benchmark", "actors")
    actors = []
    for k in range(n):
        x, s, c = rng.uniform(5, 95), rng.uniform(0.2, 0.9), rng.uniform(1, 100)
        actors.append(
            {
                "id": f"a{k}",
                "name": f"Actor {k}",
                "capability": {"value": c, "range": {"low": 0.8 * c, "high": 1.2 * c}},
                "issues": {
                    "x": {
                        "position": {"value": x, "range": {"low": x - 5, "high": x + 5}},
                        "salience": {"value": s, "range": {"low": s - 0.1, "high": s + 0.1}},
                    }
                },
            }
        )
    return kingmaker.build_scenario(
        {
            "kingmaker": 1,
            "scenario": {"id": f"synthetic-{n}", "title": f"{n} actors"},
            "issues": [{"id": "x", "question": "Where?"}],
            "actors": actors,
        }
    )


def actors(quick: bool) -> str:
    sizes = (10, 20, 40, 80) if quick else (10, 20, 40, 80, 160)
    models = registry.available()
    seconds: dict[str, list[float]] = {m: [] for m in models}
    rows = []
    for n in sizes:
        sc = synthetic(n)
        cells = []
        for m in models:
            try:
                draws, t = throughput(sc, m, quick)
            except kingmaker.KingmakerError:
                seconds[m].append(math.nan)
                cells.append("n/a")
                continue
            seconds[m].append(t / draws)
            cells.append(per_second(draws, t))
        rows.append([str(n), *cells])
    slopes = []
    for m in models:
        y = np.log(seconds[m])
        ok = np.isfinite(y)
        slope = np.polyfit(np.log(np.array(sizes)[ok]), y[ok], 1)[0] if ok.sum() > 1 else math.nan
        slopes.append(f"n^{slope:.2f}")
    rows.append(["time per draw grows as", *slopes])
    return (
        "Draws per second in-process on synthetic one-issue scenarios with n actors (every "
        "number ranged), and the fitted growth of the time per draw with n (which "
        "includes fixed costs per block, so it understates the model's own exponent at "
        "small n).\n\n" + table(["Actors", *models], rows)
    )


def _decide_live(case: str) -> str | None:
    """CPU seconds of one 10-round run of decide-exchange-model, if a Python with it is set."""
    python = os.environ.get("KINGMAKER_DECIDE_PYTHON")
    if not python:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run(
            [python, str(DECIDE_SCRIPT), str(ANCHORS / case), "10", "1"],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=600,
        )
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1][:60]}"
    return f"{float(done.stdout.strip()):.2f} s"


def anchors(quick: bool) -> str:
    available = registry.available()
    rows = []
    for impl, case, seconds, model, wanted in ANCHOR_RUNS:
        live = _decide_live(case) if impl.startswith("decide") else None
        anchor = f"{seconds:g} s" + (f" (now: {live})" if live else "")
        if model not in available:
            rows.append([impl, f"`{Path(case).name}`", anchor, model, "not registered", "-"])
            continue
        sc = load(case)
        n, t = throughput(sc, model, quick, settings_for(model, wanted))
        rows.append(
            [
                impl,
                f"`{Path(case).name}`",
                anchor,
                model,
                per_second(n, t),
                f"{seconds * n / t:,.0f}",
            ]
        )
    return (
        "One run of each anchor implementation (recorded on this machine, "
        "tests/data/anchors/README.md) beside Kingmaker's Monte Carlo throughput for the "
        "same case and model: the last column is how many of our draws (each a full run "
        "on perturbed numbers, spread 0.1) fit in the time of one anchor run. Set "
        "`KINGMAKER_DECIDE_PYTHON` to a Python with decide-exchange-model installed (see "
        "benchmarks/README.md) to time that package now as well.\n\n"
        + table(
            ["Anchor", "Case", "Anchor, one run", "Model", "Kingmaker", "Draws per anchor run"],
            rows,
            "llrlrr",
        )
    )


def section(quick: bool = False) -> str:
    parts = [
        eum_target(quick),
        "### Per model and scenario\n\n" + per_model(quick),
        "### Against the anchor implementations\n\n" + anchors(quick),
        "### Scaling with workers\n\n" + workers(quick),
        "### Scaling with actors\n\n" + actors(quick),
    ]
    return "\n\n".join(parts) + "\n"
