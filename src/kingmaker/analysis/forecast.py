"""Forecast: run the chosen models on a scenario's point values.

Which models run and with which settings: see :mod:`.plan`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..models.base import BatchResult, run_model
from ..randomness import SeedLike, generator, normalize_seed, seed_entropy
from ..results import Forecast, IssueForecast, ModelRun, Provenance
from ..scenario.compile import ScenarioArrays, compile_scenario
from ..scenario.schema import Scenario
from .calibrated import Calibration, load_calibration
from .executors import available_cores
from .plan import PlannedModel, resolve_models


def forecast(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    variant: str | None = None,
    rounds: int | None = None,
    seed: SeedLike = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    threads: int | None = None,
    calibrated: bool = True,
) -> Forecast:
    """Forecast every issue of a scenario with each model; see the module docstring.

    ``threads``: how many threads a model may use (default: every core this process may use).
    The seed is recorded only when a model drew random numbers. With ``calibrated`` (the
    default) each issue forecast carries its intervals calibrated on DEU III when the
    calibration covers the model (see :mod:`.calibrated`).
    """
    threads = threads or available_cores()
    plan = resolve_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    arrays = compile_scenario(scenario)
    seq = normalize_seed(seed)
    batch = arrays.batch(1)
    runs = []
    for m in plan:
        rng = generator(seq, "forecast", m.key) if m.stochastic else None
        result = run_model(m.spec, batch, m.params, rng, threads=threads)
        runs.append(_model_run(m, result, arrays))
    calibration = load_calibration() if calibrated else None
    scales = {i.id: (i.scale.min, i.scale.max) for i in scenario.issues}
    if calibration is not None:
        runs = [_calibrate(run, calibration, scales) for run in runs]
    provenance = Provenance(
        kind=Forecast.kind,
        scenario=scenario.id,
        scenario_hash=arrays.scenario_hash,
        models=tuple(m.info() for m in plan),
        seed=seed_entropy(seq) if any(m.stochastic for m in plan) else None,
    )
    return Forecast(
        provenance=provenance,
        title=scenario.scenario.title,
        actors=arrays.actor_ids,
        issues=arrays.issue_ids,
        observed={i.id: (i.outcome.value if i.outcome else None) for i in scenario.issues},
        scales=scales,
        runs=tuple(runs),
        calibration=calibration.info if calibration is not None else None,
    )


def _calibrate(
    run: ModelRun, calibration: Calibration, scales: Mapping[str, tuple[float, float]]
) -> ModelRun:
    issues = tuple(
        replace(
            f,
            calibrated=calibration.intervals(
                run.key, f.forecast, scales[f.issue], variant=run.variant, params=run.params
            ),
        )
        for f in run.issues
    )
    return replace(run, issues=issues)


def _model_run(m: PlannedModel, result: BatchResult, arrays: ScenarioArrays) -> ModelRun:
    issues = []
    trajectory = result.trajectory
    assert trajectory is not None  # run_model keeps the trajectories unless told not to
    by_issue = result.extras.get("by_issue") if m.spec.scope == "issue" else None
    for i, issue_id in enumerate(arrays.issue_ids):
        rounds = int(result.rounds[0, i])
        traj = trajectory[0, : rounds + 1, :, i].copy()
        traj.setflags(write=False)
        extras = {k: v[0] for k, v in by_issue[i].items()} if by_issue else {}
        issues.append(
            IssueForecast(
                issue=issue_id,
                forecast=float(result.forecast[0, i]),
                trajectory=traj,
                rounds=rounds,
                converged=bool(result.converged[0, i]),
                stop_reason=str(result.stop_reason[0, i]),
                extras=extras,
            )
        )
    run_extras = (
        {}
        if m.spec.scope == "issue"
        else {
            k: (v[0] if isinstance(v, (np.ndarray, list, tuple)) and len(v) else v)
            for k, v in result.extras.items()
        }
    )
    return ModelRun(
        model=m.spec.name,
        title=m.spec.title,
        variant=getattr(m.params, "variant", None),
        params=m.params.model_dump(mode="json"),
        issues=tuple(issues),
        extras=run_extras,
        key=m.key,
    )
