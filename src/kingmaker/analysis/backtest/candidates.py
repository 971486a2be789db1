"""Candidate one-setting models that might beat the weighted mean out of sample.

Each is built from the registered kernels (compromise, median) run on modified inputs, or a
blend of their forecasts with another forecast; the first grid value always reproduces the
compromise model, so "no improvement" is a possible answer. docs/backtest.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from ...models import registry
from ...models.base import run_model
from ...scenario.compile import Batch
from .tuning import Family

BLEND_WEIGHTS = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.0)
EXPONENTS = (1.0, 0.0, 0.25, 0.5, 0.75, 1.25, 1.5, 2.0, 3.0, 4.0)
ACTOR_FACTORS = (1.0, 0.0, 0.25, 0.5, 2.0, 4.0, 8.0)


def _run(name: str, batch: Batch) -> np.ndarray:
    spec = registry.get(name)
    return run_model(spec, batch, spec.params(), keep_trajectory=False).forecast[0]


def _blend(name: str, description: str, mean: np.ndarray, other: np.ndarray) -> Family:
    other = np.where(np.isfinite(other), other, mean)
    rows = np.stack([a * mean + (1 - a) * other for a in BLEND_WEIGHTS])
    return Family(name, description, tuple(f"weight {a:g}" for a in BLEND_WEIGHTS), rows)


def salience_exponent(batch: Batch) -> Family:
    rows = np.stack(
        [_run("compromise", batch.replace(salience=batch.salience**g)) for g in EXPONENTS]
    )
    return Family(
        "salience-exponent",
        "weighted mean with weights capability x salience^g (g = 0: salience "
        "ignored, every present actor counts)",
        tuple(f"g = {g:g}" for g in EXPONENTS),
        rows,
    )


def generic_families(batch: Batch) -> list[Family]:
    """Families that need only the cases' inputs (any target)."""
    mean = _run("compromise", batch)
    return [
        salience_exponent(batch),
        _blend(
            "blend-status-quo",
            "weight x weighted mean + (1 - weight) x reference point (weighted mean where "
            "there is no reference point)",
            mean,
            np.asarray(batch.status_quo, dtype=float),
        ),
        _blend(
            "blend-median",
            "weight x weighted mean + (1 - weight) x weighted median",
            mean,
            _run("median", batch),
        ),
        _blend(
            "blend-midpoint",
            "weight x weighted mean + (1 - weight) x the scale's midpoint "
            "(shrinkage to the centre)",
            mean,
            (batch.scale_min + batch.scale_max) / 2,
        ),
    ]


def scaled_actors(batch: Batch, actors: Sequence[str], name: str, description: str) -> Family:
    """Weighted mean with some actors' capabilities multiplied by a factor."""
    rows_idx = [batch.actor_ids.index(a) for a in actors if a in batch.actor_ids]
    rows = []
    for factor in ACTOR_FACTORS:
        cap = np.array(batch.capability, copy=True)
        cap[:, rows_idx, :] *= factor
        rows.append(_run("compromise", batch.replace(capability=cap)))
    return Family(name, description, tuple(f"x {f:g}" for f in ACTOR_FACTORS), np.stack(rows))


def option_family(
    name: str, description: str, options: Sequence[str], batch_of: Callable[[str], Batch]
) -> Family:
    """Weighted mean under each of several ways of building the inputs (first = baseline)."""
    rows = np.stack([_run("compromise", batch_of(o)) for o in options])
    return Family(name, description, tuple(options), rows)
