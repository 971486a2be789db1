"""Run every model on every scenario of a backtest target, in chunks.

The work is a pure function over chunks of scenarios (:func:`evaluate_chunk`), mapped by
:func:`map_chunks`. In-process is the default executor; any executor that maps a picklable
function over a list and yields the results in order (a process pool, Dask) can be passed,
and gives the same numbers: every random stream is named by stage, scenario and model, never
by chunk or worker.

Within a chunk, deterministic issue-scope models run once on all the chunk's issues merged
into one batch (the engine groups issues with the same actors present), which is what makes a
backtest over hundreds of scenarios fast. Stochastic and scenario-scope models run scenario by
scenario, each with its own stream.
"""

from __future__ import annotations

import functools
import hashlib
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np

from ...__about__ import __version__
from ...errors import KingmakerError
from ...models import registry
from ...models.base import run_model
from ...randomness import SeedLike, generator, normalize_seed, seed_value
from ...results.backtest import BacktestRun, Case
from ...scenario.compile import Batch, compile_scenario
from ...scenario.schema import Scenario
from ..executors import available_cores
from ..plan import PlannedModel, resolve_models
from .draws import draw_batch
from .metrics import central_interval

T = TypeVar("T")
R = TypeVar("R")
#: Maps a function over chunks and yields the results in the chunks' order.
Executor = Callable[[Callable[[T], R], Sequence[T]], Iterable[R]]

#: Forecasts computed from the inputs alone, scored beside the models.
REFERENCES = {
    "status-quo": "the reference point (what happens if nothing is agreed)",
    "median-actor": "the median of the present actors' positions, unweighted",
    "mean-actor": "the mean of the present actors' positions, unweighted",
}


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True, eq=False)
class Target:
    """What a backtest runs on: scenarios, and the issues of them that have an outcome."""

    name: str
    title: str
    scenarios: tuple[Scenario, ...]
    cases: tuple[Case, ...]
    description: str = ""


def scenario_target(scenario: Scenario) -> Target:
    """A scenario's issues with a recorded outcome, each its own group."""
    cases = tuple(
        Case(
            scenario.id,
            issue.id,
            issue.outcome.value,
            (issue.scale.min, issue.scale.max),
            group=issue.id,
        )
        for issue in scenario.issues
        if issue.outcome is not None
    )
    if not cases:
        raise KingmakerError(
            f"scenario {scenario.id!r} records no observed outcome, so there is nothing to "
            "backtest; give an issue an `outcome:` (value, date, source)"
        )
    return Target(scenario.id, scenario.scenario.title, (scenario,), cases)


# --------------------------------------------------------------------------- models


def every_model_ref() -> list[str]:
    """Every registered model, once per variant (``name:variant``) when it has variants."""
    refs = []
    for spec in registry.specs():
        refs += [f"{spec.name}:{v}" for v in spec.variants] or [spec.name]
    return refs


def plan_models(
    target: Target,
    models: Sequence[str] | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[PlannedModel, ...]:
    """Validated models to score: those named, else every model and variant at its defaults.

    A single-scenario target also applies the scenario's own ``models.settings``.
    """
    base = target.scenarios[0]
    return tuple(
        resolve_models(base, list(models) if models else every_model_ref(), settings=settings)
    )


# --------------------------------------------------------------------------- chunks


def merge_batches(batches: Sequence[Batch]) -> Batch:
    """Several scenarios' batches (same draw count) as one batch whose issues are all of
    theirs, over the union of their actors (absent where an actor is not in a scenario)."""
    index: dict[str, int] = {}
    for b in batches:
        for a in b.actor_ids:
            index.setdefault(a, len(index))
    size, n = batches[0].size, len(index)
    m = sum(b.n_issues for b in batches)
    arrays = {k: np.full((size, n, m), np.nan) for k in ("capability", "position", "salience")}
    present = np.zeros((n, m), dtype=bool)
    col = 0
    issue_ids: list[str] = []
    for b in batches:
        rows = [index[a] for a in b.actor_ids]
        cols = slice(col, col + b.n_issues)
        for k, arr in arrays.items():
            arr[:, rows, cols] = getattr(b, k)
        present[rows, cols] = b.present
        issue_ids += [f"{col + k}" for k in range(b.n_issues)]
        col += b.n_issues
    return Batch(
        tuple(index),
        tuple(issue_ids),
        arrays["capability"],
        arrays["position"],
        arrays["salience"],
        present,
        np.concatenate([b.scale_min for b in batches]),
        np.concatenate([b.scale_max for b in batches]),
        np.concatenate([b.status_quo for b in batches]),
    )


def case_batch(target: Target) -> Batch:
    """One batch (a single draw) whose issues are the target's cases, in case order."""
    arrays = [compile_scenario(s) for s in target.scenarios]
    merged = merge_batches([a.batch(1) for a in arrays])
    column = {
        key: k for k, key in enumerate((a.scenario_id, i) for a in arrays for i in a.issue_ids)
    }
    cols = [column[(c.scenario, c.issue)] for c in target.cases]
    return Batch(
        merged.actor_ids,
        tuple(f"{c.scenario}/{c.issue}" for c in target.cases),
        merged.capability[:, :, cols],
        merged.position[:, :, cols],
        merged.salience[:, :, cols],
        merged.present[:, cols],
        merged.scale_min[cols],
        merged.scale_max[cols],
        merged.status_quo[cols],
    )


@dataclass(frozen=True, eq=False)
class ChunkResult:
    """Forecasts of every issue of a chunk's scenarios, in scenario then issue order."""

    keys: tuple[tuple[str, str], ...]
    forecasts: Mapping[str, np.ndarray]
    references: Mapping[str, np.ndarray]
    intervals: Mapping[str, np.ndarray]  # key -> (issues, levels, 2) when draws were made
    failures: Mapping[str, tuple[str, ...]]
    hashes: tuple[str, ...] = ()  # of the chunk's scenarios


def _references(batch: Batch) -> dict[str, np.ndarray]:
    pos = np.where(batch.present, batch.position[0], np.nan)
    with warnings.catch_warnings():  # an issue without actors gives NaN, and says so
        warnings.simplefilter("ignore", RuntimeWarning)
        return {
            "status-quo": np.asarray(batch.status_quo, dtype=float),
            "median-actor": np.nanmedian(pos, axis=0),
            "mean-actor": np.nanmean(pos, axis=0),
        }


def _run_entry(
    entry: PlannedModel,
    ids: Sequence[str],
    batches: Sequence[Batch],
    seq: np.random.SeedSequence,
    stage: str,
    failures: list[str],
    threads: int = 1,
) -> np.ndarray:
    """(draws, issues) forecasts of one model on a chunk; NaN where the model failed."""
    spec, params = entry.spec, entry.params
    if spec.scope == "issue" and not spec.is_stochastic(params) and len(batches) > 1:
        try:
            merged = merge_batches(batches)
            return run_model(spec, merged, params, keep_trajectory=False, threads=threads).forecast
        except Exception:  # find which scenario is at fault, below
            pass
    parts = []
    for sid, batch in zip(ids, batches, strict=True):
        rng = generator(seq, stage, sid, entry.key) if spec.is_stochastic(params) else None
        try:
            result = run_model(spec, batch, params, rng, keep_trajectory=False, threads=threads)
            parts.append(result.forecast)
        except Exception as exc:  # reported with the results, never silently dropped
            failures.append(f"{sid}: {type(exc).__name__}: {exc}")
            parts.append(np.full((batch.size, batch.n_issues), np.nan))
    return np.concatenate(parts, axis=1)


def evaluate_chunk(
    scenarios: Sequence[Scenario],
    plan: Sequence[PlannedModel],
    seed: np.random.SeedSequence,
    draws: int = 0,
    levels: Sequence[float] = (0.8, 0.95),
    threads: int = 1,
) -> ChunkResult:
    """Point forecasts (and, with draws, Monte Carlo intervals) of every model on a chunk."""
    arrays = [compile_scenario(s) for s in scenarios]
    ids = [a.scenario_id for a in arrays]
    keys = tuple((a.scenario_id, i) for a in arrays for i in a.issue_ids)
    points = [a.batch(1) for a in arrays]
    failures: dict[str, list[str]] = {}
    forecasts = {
        e.key: _run_entry(
            e, ids, points, seed, "forecast", failures.setdefault(e.key, []), threads
        )[0]
        for e in plan
    }
    intervals: dict[str, np.ndarray] = {}
    if draws:
        sampled = [draw_batch(a, draws, generator(seed, "draws", a.scenario_id)) for a in arrays]
        for e in plan:
            sims = _run_entry(e, ids, sampled, seed, "draws", failures[e.key], threads)
            bounds = [np.stack(central_interval(sims, lv, axis=0), axis=-1) for lv in levels]
            intervals[e.key] = np.stack(bounds, axis=1)  # (issues, levels, 2)
    return ChunkResult(
        keys,
        forecasts,
        _references(merge_batches(points)),
        intervals,
        {k: tuple(v) for k, v in failures.items() if v},
        tuple(a.scenario_hash for a in arrays),
    )


def in_process(fn: Callable[[T], R], chunks: Sequence[T]) -> Iterable[R]:
    """The default executor: one chunk after another, in this process."""
    for chunk in chunks:
        yield fn(chunk)


def map_chunks(
    fn: Callable[[T], R],
    chunks: Sequence[T],
    executor: Executor | None = None,
    on_result: Callable[[int, R], None] | None = None,
) -> list[R]:
    """Results of ``fn`` on each chunk, in order; ``on_result(index, result)`` after each."""
    results = []
    for k, result in enumerate((executor or in_process)(fn, chunks)):
        results.append(result)
        if on_result is not None:
            on_result(k, result)
    return results


# --------------------------------------------------------------------------- runs


def fingerprint(hashes: Iterable[str]) -> str:
    """SHA-256 over the scenarios' hashes: identifies exactly what a backtest ran on."""
    h = hashlib.sha256()
    for value in hashes:
        h.update(value.encode())
    return h.hexdigest()


def run_backtest(
    target: Target,
    models: Sequence[str] | None = None,
    *,
    seed: SeedLike = 0,
    draws: int = 0,
    levels: Sequence[float] = (0.8, 0.95),
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    chunk_size: int = 32,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BacktestRun:
    """Score models on a target: every model and variant at its defaults unless named.

    ``draws`` > 0 also runs each model on that many Monte Carlo draws of the scenarios' ranges
    and keeps the central intervals at ``levels``. ``progress(done, total)`` counts scenarios.
    """
    if draws < 0:
        raise KingmakerError(f"draws must be >= 0, got {draws}")
    if chunk_size < 1:
        raise KingmakerError(f"chunk_size must be >= 1, got {chunk_size}")
    plan = plan_models(target, models, settings)
    seq = normalize_seed(seed)
    scenarios = target.scenarios
    chunks = [scenarios[k : k + chunk_size] for k in range(0, len(scenarios), chunk_size)]
    # an Executor says how many threads each chunk may use; a plain callable: one
    threads = getattr(executor, "threads", None) or (
        1 if executor is not None else available_cores()
    )
    fn = functools.partial(
        evaluate_chunk, plan=plan, seed=seq, draws=draws, levels=tuple(levels), threads=threads
    )
    done = [0]

    def tick(k: int, _result: ChunkResult) -> None:
        done[0] += len(chunks[k])
        if progress is not None:
            progress(done[0], len(scenarios))

    results = map_chunks(fn, chunks, executor, tick)
    where = {key: (r, j) for r, res in enumerate(results) for j, key in enumerate(res.keys)}
    try:
        pick = [where[(c.scenario, c.issue)] for c in target.cases]
    except KeyError as exc:
        raise KingmakerError(
            f"case {exc.args[0]} is not an issue of the target's scenarios"
        ) from None

    def gather(get) -> np.ndarray:
        return np.array([get(results[r])[j] for r, j in pick], dtype=float)

    forecasts = {e.key: gather(lambda res, k=e.key: res.forecasts[k]) for e in plan}
    references = {name: gather(lambda res, k=name: res.references[k]) for name in REFERENCES}
    intervals: dict[str, dict[float, tuple[np.ndarray, np.ndarray]]] = {}
    if draws:
        for e in plan:
            stacked = np.stack([results[r].intervals[e.key][j] for r, j in pick])
            intervals[e.key] = {
                float(lv): (stacked[:, i, 0], stacked[:, i, 1]) for i, lv in enumerate(levels)
            }
    failures = {
        e.key: tuple(m for res in results for m in res.failures.get(e.key, ())) for e in plan
    }
    infos = tuple(e.info() for e in plan)
    stochastic = any(e.stochastic for e in plan) or draws > 0
    return BacktestRun(
        target=target.name,
        title=target.title,
        cases=target.cases,
        models=infos,
        forecasts=forecasts,
        references=references,
        intervals=intervals,
        failures={k: v for k, v in failures.items() if v},
        draws=draws,
        seed=seed_value(seq) if stochastic else None,
        fingerprint=fingerprint(h for res in results for h in res.hashes),
        description=target.description,
        kingmaker_version=__version__,
        reference_titles=dict(REFERENCES),
    )
