"""Forecasts of many variants of one scenario at once.

A lever search asks the same models about hundreds of slightly changed scenarios. Variants
that keep the scenario's actors and issues differ only in their numbers, so they are stacked
along the draw axis and each model runs once on the stack (a batch of variants instead of a
batch of draws). Models that draw random numbers run each variant on the same named stream,
so that differences between variants are not noise (common random numbers): the stream
`kingmaker forecast --seed` uses, so a variant of no change gives the forecast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ...models.base import run_model
from ...randomness import generator
from ...scenario.compile import PARAMETERS, ScenarioArrays, compile_scenario
from ...scenario.schema import Scenario
from ..evaluation import PlannedModel

#: Variants per model call: bounds the memory of models with (B x n x n) work arrays.
CHUNK = 256


def forecast_values(
    arrays: ScenarioArrays,
    values: Mapping[str, np.ndarray],
    plan: Sequence[PlannedModel],
    seed: np.random.SeedSequence,
    threads: int = 1,
) -> np.ndarray:
    """Forecasts (K, models, issues) of K variants of ``arrays`` given by their numbers
    ``values[p]`` (K, n, m) for p in capability/position/salience (missing: the base)."""
    size = next((np.shape(v)[0] for v in values.values()), 1)
    full = {
        p: np.broadcast_to(values[p], (size, *arrays.present.shape))
        if p in values
        else np.broadcast_to(arrays.value[p], (size, *arrays.present.shape))
        for p in PARAMETERS
    }
    base = arrays.batch(1)
    out = np.full((size, len(plan), len(arrays.issue_ids)), np.nan)
    for k, m in enumerate(plan):
        if m.spec.is_stochastic(m.params):
            for row in range(size):  # the same stream for every variant
                batch = base.replace(**{p: full[p][row : row + 1] for p in PARAMETERS})
                rng = generator(seed, "forecast", m.key)
                out[row, k] = run_model(
                    m.spec, batch, m.params, rng, keep_trajectory=False, threads=threads
                ).forecast[0]
            continue
        for start in range(0, size, CHUNK):
            rows = slice(start, min(size, start + CHUNK))
            batch = base.replace(**{p: np.ascontiguousarray(full[p][rows]) for p in PARAMETERS})
            out[rows, k] = run_model(
                m.spec, batch, m.params, None, keep_trajectory=False, threads=threads
            ).forecast
    return out


def forecast_scenarios(
    scenarios: Sequence[Scenario],
    plan: Sequence[PlannedModel],
    seed: np.random.SeedSequence,
    issue_ids: Sequence[str],
    threads: int = 1,
) -> np.ndarray:
    """Forecasts (len(scenarios), models, issues in ``issue_ids`` order) of whole scenarios;
    those with the same actors, issues and presence run as one stack."""
    out = np.full((len(scenarios), len(plan), len(issue_ids)), np.nan)
    groups: dict[tuple, list[tuple[int, ScenarioArrays]]] = {}
    for k, sc in enumerate(scenarios):
        arr = compile_scenario(sc)
        key = (
            arr.actor_ids,
            arr.issue_ids,
            arr.present.tobytes(),
            arr.scale_min.tobytes(),
            arr.scale_max.tobytes(),
            np.nan_to_num(arr.status_quo, nan=-1e300).tobytes(),
        )
        groups.setdefault(key, []).append((k, arr))
    for members in groups.values():
        first = members[0][1]
        values = {p: np.stack([a.value[p] for _, a in members]) for p in PARAMETERS}
        got = forecast_values(first, values, plan, seed, threads)
        cols = [first.issue_ids.index(i) for i in issue_ids]
        out[[k for k, _ in members]] = got[:, :, cols]
    return out
