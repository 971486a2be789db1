"""Uncertainty: Monte Carlo over every range of a scenario.

:func:`simulate` samples every uncertain number of a scenario (see :mod:`.sampling`), runs the
models on the draws (see :mod:`.evaluation`, on any executor) and returns a
:class:`~kingmaker.results.Simulation`: per model and issue, the forecast on every draw, from
which it summarises the distribution (median, mean, 80% and 95% central intervals,
probabilities of landing above or below thresholds, how often the model converged). The same
scenario and seed give byte-identical results whatever the executor, the number of workers or
the chunking. Paired comparisons of two simulations are in :mod:`.paired`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import AnalysisError
from ..models.base import ModelSpec
from ..randomness import SeedLike, normalize_seed, seed_entropy
from ..results import Provenance, Simulation, Threshold
from ..scenario.compile import compile_scenario
from ..scenario.schema import Scenario
from .calibrated import load_calibration
from .evaluation import Job, Progress, evaluate
from .executors import Executor
from .inputs import parse_thresholds
from .plan import plan_models, point_forecasts
from .sampling import BLOCK_SIZE, check_spread, uncertain_factors


def check_draws(draws: Any) -> int:
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise AnalysisError(f"the number of draws must be a positive integer, got {draws!r}")
    return int(draws)


def simulate(
    scenario: Scenario,
    models: Sequence[str | ModelSpec] | None = None,
    *,
    draws: int = 1000,
    seed: SeedLike = None,
    thresholds: Iterable[str | Threshold] = (),
    spread: float | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    executor: Executor | None = None,
    chunk_blocks: int | None = None,
    keep_inputs: bool = True,
    progress: Progress | None = None,
    calibrated: bool = True,
) -> Simulation:
    """Monte Carlo over every uncertain number of a scenario, for each model.

    ``spread`` gives numbers without a range a default one (see
    :func:`~kingmaker.analysis.sampling.default_range`). Without any uncertain number the
    draws all equal the point values (only stochastic models then vary). With ``calibrated``
    (the default) each model the DEU III calibration covers gets calibrated intervals around
    its point forecast (see :mod:`.calibrated`).
    """
    draws = check_draws(draws)
    calibration = load_calibration() if calibrated else None  # a broken file fails first
    plan = plan_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    checked = parse_thresholds(scenario, thresholds)
    spread = check_spread(spread)
    seq = normalize_seed(seed)
    arrays = compile_scenario(scenario)
    factors = uncertain_factors(scenario, arrays, spread)
    job = Job(arrays, factors, plan, seq, "draw", keep_inputs)
    result = evaluate(job, draws, executor, chunk_blocks=chunk_blocks, progress=progress)
    provenance = Provenance(
        kind=Simulation.kind,
        scenario=scenario.id,
        scenario_hash=arrays.scenario_hash,
        models=tuple(m.info() for m in plan),
        seed=seed_entropy(seq),
        draws=draws,
    )
    point = point_forecasts(arrays, plan, seq)
    scales = {i.id: (i.scale.min, i.scale.max) for i in scenario.issues}
    intervals: dict[str, dict[str, dict[float, tuple[float, float]]]] = {}
    if calibration is not None:
        infos = {m.key: m for m in provenance.models}
        for key, values in point.items():
            run = infos.get(key)
            per_issue = {
                issue: calibration.intervals(
                    key,
                    float(values[i]),
                    scales[issue],
                    variant=run.variant if run else None,
                    params=run.params if run else None,
                )
                for i, issue in enumerate(arrays.issue_ids)
            }
            if any(per_issue.values()):
                intervals[key] = {k: v for k, v in per_issue.items() if v}
    return Simulation(
        provenance=provenance,
        title=scenario.scenario.title,
        actors=arrays.actor_ids,
        issues=arrays.issue_ids,
        scales=scales,
        observed={i.id: (i.outcome.value if i.outcome else None) for i in scenario.issues},
        spread=spread,
        block_size=BLOCK_SIZE,
        factors=tuple(f.describe() for f in factors),
        point=point,
        thresholds=checked,
        result=result,
        calibration=calibration.info if calibration is not None else None,
        calibrated=intervals,
    )
