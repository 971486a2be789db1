"""Evaluation: run models on many rows of factor values, block by block, on any executor.

The unit of work is a *block* of at most :data:`~kingmaker.analysis.sampling.BLOCK_SIZE`
rows. Rows are either random draws (generated inside the worker from the block's own streams,
see :mod:`.sampling`) or the rows of a *design* (a sensitivity analysis's plan), which the
worker builds for its block, so no process ever holds the whole design. A stochastic model gets, for
each block, a generator derived from (seed, stream, "model", model key, block index), so its
randomness too is independent of how blocks are grouped into chunks. Results are put back
together in row order, so every statistic computed from them is the same, bit for bit,
whichever executor ran the blocks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..models.base import run_model
from ..randomness import generator
from ..results import Draws
from ..scenario.compile import ScenarioArrays
from .executors import Executor, InProcess, split
from .plan import PlannedModel
from .sampling import BLOCK_SIZE, Factor, Layout, draw_block

Progress = Callable[[int, int], None]


class Design(Protocol):
    """A plan of rows of factor values, built block by block where the block runs."""

    @property
    def size(self) -> int: ...

    def rows(self, start: int, size: int) -> np.ndarray: ...


@dataclass(frozen=True, eq=False)
class GivenRows:
    """A design whose rows are all given (small designs, e.g. one-at-a-time)."""

    values: np.ndarray

    @property
    def size(self) -> int:
        return len(self.values)

    def rows(self, start: int, size: int) -> np.ndarray:
        return self.values[start : start + size]


@dataclass(frozen=True, eq=False)
class Job:
    """What every worker needs: picklable, the same for every block of a run.

    ``design`` gives the rows; without one, rows are random draws. ``stream`` names the
    purpose of the rows ("draw" for Monte Carlo draws, "sobol", "tornado"); it keys the
    models' random streams so that different analyses do not share them, while two
    simulations with the same seed (a paired comparison) do.
    """

    arrays: ScenarioArrays
    factors: tuple[Factor, ...]
    models: tuple[PlannedModel, ...]
    seed: np.random.SeedSequence
    stream: str = "draw"
    keep_inputs: bool = True
    design: Design | None = None
    #: threads each block's models may use; :func:`evaluate` sets it from the executor
    threads: int = 1
    _layout: list = field(default_factory=list, repr=False, compare=False)

    @property
    def layout(self) -> Layout:
        if not self._layout:  # built lazily, once per process
            self._layout.append(Layout(self.arrays, self.factors))
        return self._layout[0]

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_layout"] = []
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


@dataclass(frozen=True)
class Block:
    """Rows ``start .. start + size`` of a run."""

    index: int
    start: int
    size: int


def evaluate_block(job: Job, block: Block) -> Draws:
    """Run every model of a job on one block of rows."""
    if job.design is None:
        values = draw_block(job.factors, job.seed, block.index, block.size)
    else:
        values = job.design.rows(block.start, block.size)
    batch = job.layout.batch(values)
    forecast, converged, rounds = {}, {}, {}
    for m in job.models:
        rng = (
            generator(job.seed, job.stream, "model", m.key, block.index)
            if m.spec.is_stochastic(m.params)
            else None
        )
        result = run_model(m.spec, batch, m.params, rng, keep_trajectory=False, threads=job.threads)
        forecast[m.key] = np.asarray(result.forecast, dtype=np.float64)
        converged[m.key] = np.asarray(result.converged, dtype=bool)
        rounds[m.key] = np.asarray(result.rounds, dtype=np.int64)
    return Draws(values if job.keep_inputs else None, forecast, converged, rounds)


def evaluate_blocks(job: Job, blocks: Sequence[Block]) -> list[Draws]:
    """A chunk: consecutive blocks, evaluated one by one (the function workers run)."""
    return [evaluate_block(job, b) for b in blocks]


def concatenate(parts: Sequence[Draws]) -> Draws:
    """Join block results, in the order given."""

    def join(name: str) -> dict[str, np.ndarray]:
        keys = getattr(parts[0], name).keys()
        return {k: np.concatenate([getattr(p, name)[k] for p in parts]) for k in keys}

    inputs = None if parts[0].inputs is None else np.concatenate([p.inputs for p in parts])
    return Draws(inputs, join("forecast"), join("converged"), join("rounds"))


def blocks_for(rows: int) -> list[Block]:
    """Cut ``rows`` rows into blocks of BLOCK_SIZE."""
    return [
        Block(b, start, min(BLOCK_SIZE, rows - start))
        for b, start in enumerate(range(0, rows, BLOCK_SIZE))
    ]


def evaluate(
    job: Job,
    rows: int | None = None,
    executor: Executor | None = None,
    *,
    chunk_blocks: int | None = None,
    progress: Progress | None = None,
) -> Draws:
    """Evaluate ``rows`` random draws, or every row of the job's design, on an executor.

    ``chunk_blocks`` fixes how many blocks go into one chunk (by default the executor
    decides); it changes where and in which groups blocks run, never the results.
    """
    rows = job.design.size if job.design is not None else rows
    if rows is None or rows < 1:
        raise ValueError("nothing to evaluate: rows must be >= 1")
    executor = executor or InProcess()
    job = dataclasses.replace(job, threads=executor.threads)
    blocks = blocks_for(rows)
    n_chunks = (
        executor.chunk_count(len(blocks))
        if chunk_blocks is None
        else -(-len(blocks) // max(1, chunk_blocks))
    )
    chunks = [[blocks[k] for k in r] for r in split(len(blocks), n_chunks)]
    done = [0]

    def on_done(k: int) -> None:
        done[0] += sum(b.size for b in chunks[k])
        if progress is not None:
            progress(done[0], rows)

    results = executor.map(evaluate_blocks, job, chunks, on_done)
    return concatenate([part for chunk in results for part in chunk])
