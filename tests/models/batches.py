"""Model input for property tests: small Batches, and the transformations the models must
respect (permuting actors, dropping one, rescaling).

Two kinds of strategies:

* :func:`grid_batches`: numbers from hypothesis on coarse grids (positions in steps of 1/400 of
  the scale, saliences in hundredths, small integer capabilities): ties, zeros, duplicate
  positions and one-actor issues come up often. (Multiplying positions, scales or
  capabilities by a power of two is exact in binary, so it must change nothing else, bit
  for bit, on any batch.)
* :func:`generic_batches`: hypothesis chooses the shape and a seed, numpy the numbers (no two
  equal): for properties that hold except at exact ties (which the models break by input
  order), such as relabelling the actors.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from kingmaker.scenario.compile import Batch

SCALES = [(0.0, 100.0), (0.0, 10.0), (-50.0, 50.0), (0.5, 7.0), (1.0, 5.0)]


def make_batch(cap, pos, sal, present=None, scales=None) -> Batch:
    """A batch of (B, n, m) or (n, m) numbers; absent entries become NaN."""
    cap, pos, sal = (np.array(a, dtype=np.float64) for a in (cap, pos, sal))
    if pos.ndim == 2:
        cap, pos, sal = cap[None], pos[None], sal[None]
    _, n, m = pos.shape
    present = np.ones((n, m), dtype=bool) if present is None else np.array(present, dtype=bool)
    scales = [(0.0, 100.0)] * m if scales is None else scales
    blank = np.where(present, 1.0, np.nan)
    return Batch(
        actor_ids=tuple(f"a{k}" for k in range(n)),
        issue_ids=tuple(f"i{k}" for k in range(m)),
        capability=cap * blank,
        position=pos * blank,
        salience=sal * blank,
        present=present,
        scale_min=np.array([s[0] for s in scales], dtype=np.float64),
        scale_max=np.array([s[1] for s in scales], dtype=np.float64),
        status_quo=np.full(m, np.nan),
    )


def permuted(batch: Batch, perm) -> Batch:
    """The same batch with its actors listed in the order ``perm``."""
    perm = np.asarray(perm)
    return Batch(
        actor_ids=tuple(batch.actor_ids[k] for k in perm),
        issue_ids=batch.issue_ids,
        capability=batch.capability[:, perm],
        position=batch.position[:, perm],
        salience=batch.salience[:, perm],
        present=batch.present[perm],
        scale_min=batch.scale_min,
        scale_max=batch.scale_max,
        status_quo=batch.status_quo,
    )


def without(batch: Batch, actor: int) -> Batch:
    """The batch without one actor."""
    keep = [k for k in range(batch.n_actors) if k != actor]
    return permuted(batch, keep)


def rescaled(batch: Batch, factor: float = 1.0, offset: float = 0.0) -> Batch:
    """Every issue's scale and positions mapped by x -> offset + factor x."""
    return Batch(
        actor_ids=batch.actor_ids,
        issue_ids=batch.issue_ids,
        capability=batch.capability,
        position=offset + factor * batch.position,
        salience=batch.salience,
        present=batch.present,
        scale_min=offset + factor * batch.scale_min,
        scale_max=offset + factor * batch.scale_max,
        status_quo=batch.status_quo,
    )


def draw_rows(batch: Batch, rows) -> Batch:
    """Only some draws of a batch."""
    rows = list(rows)
    return batch.replace(
        capability=batch.capability[rows],
        position=batch.position[rows],
        salience=batch.salience[rows],
    )


@st.composite
def grid_batches(
    draw,
    max_actors: int = 5,
    max_issues: int = 3,
    min_actors: int = 1,
    min_issues: int = 1,
    absent: bool = True,
    draws: int = 1,
):
    """Small batches with numbers on grids (see the module docstring)."""
    n = draw(st.integers(min_actors, max_actors))
    m = draw(st.integers(min_issues, max_issues))
    scales = [draw(st.sampled_from(SCALES)) for _ in range(m)]
    if absent:
        present = np.array(
            draw(st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=n, max_size=n))
        )
        present[0] = True  # everyone may be absent from an issue but the first actor
    else:
        present = np.ones((n, m), dtype=bool)
    per_actor_capability = draw(st.booleans())

    def grid(size, values):
        return np.array(draw(st.lists(values, min_size=size, max_size=size)), dtype=np.float64)

    cap, pos, sal = (np.empty((draws, n, m)) for _ in range(3))
    for b in range(draws):
        if per_actor_capability:
            cap[b] = grid(n, st.integers(0, 8))[:, None]
        else:
            cap[b] = grid(n * m, st.integers(0, 8)).reshape(n, m)
        steps = grid(n * m, st.integers(0, 400)).reshape(n, m) / 400
        lo = np.array([s[0] for s in scales])
        hi = np.array([s[1] for s in scales])
        pos[b] = lo + steps * (hi - lo)
        sal[b] = grid(n * m, st.integers(0, 100)).reshape(n, m) / 100
    return make_batch(cap, pos, sal, present, scales)


@st.composite
def generic_batches(
    draw,
    max_actors: int = 6,
    max_issues: int = 3,
    min_actors: int = 2,
    min_issues: int = 1,
    absent: bool = False,
    joint: bool | None = None,
    draws: int = 1,
):
    """Small batches of distinct random numbers (see the module docstring).

    ``joint``: one capability per actor and saliences adding up to at most 1 (KTAB's one
    space); None lets hypothesis choose.
    """
    n = draw(st.integers(min_actors, max_actors))
    m = draw(st.integers(min_issues, max_issues))
    gen = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    joint = draw(st.booleans()) if joint is None else joint
    scales = [SCALES[k] for k in gen.integers(0, len(SCALES), m)]
    present = gen.random((n, m)) >= 0.2 if absent else np.ones((n, m), dtype=bool)
    present[0] = True
    lo = np.array([s[0] for s in scales])
    hi = np.array([s[1] for s in scales])
    if joint:
        cap = np.broadcast_to(gen.uniform(0.1, 10, (draws, n, 1)), (draws, n, m))
        sal = gen.uniform(0.05, 1, (draws, n, m))
        sal = sal / sal.sum(axis=2, keepdims=True) * gen.uniform(0.3, 1, (draws, n, 1))
    else:
        cap = gen.uniform(0.1, 10, (draws, n, m))
        sal = gen.uniform(0.05, 1, (draws, n, m))
    pos = lo + gen.random((draws, n, m)) * (hi - lo)
    return make_batch(cap, pos, sal, present, scales)


def weighted_mean(batch: Batch, position: np.ndarray | None = None) -> np.ndarray:
    """(B, m) capability x salience weighted mean of the positions (the plain mean where no
    actor carries weight): the compromise, and the exchange model's outcome rule."""
    x = batch.position if position is None else position
    w = np.where(batch.present, batch.capability * batch.salience, 0.0)
    x = np.where(batch.present, x, 0.0)
    total = w.sum(axis=1)
    plain = x.sum(axis=1) / batch.present.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * x).sum(axis=1) / np.where(total > 0, total, 1), plain)
