"""Forecast: run the chosen models on a scenario's point values.

Which models run: those the caller names, else the scenario's ``models.default``, else the
registry's defaults. Settings are layered: the scenario's ``models.settings.<model>``, then a
model reference's variant (``eum:corrected``), then the call's ``variant``/``rounds``, then
explicit per-model ``settings``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..__about__ import __version__
from ..errors import ModelSettingsError
from ..models import registry
from ..models.base import BatchResult, ModelParams, ModelSpec, run_model
from ..randomness import SeedLike, generator, normalize_seed, seed_value
from ..results import Forecast, IssueForecast, ModelRun
from ..scenario.compile import ScenarioArrays, compile_scenario
from ..scenario.schema import Scenario
from .executors import available_cores


def resolve_models(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[tuple[str, ModelSpec, ModelParams]]:
    """Validated (key, spec, params) for each model to run, in order."""
    refs = list(models or scenario.models.default or registry.DEFAULT_MODELS)
    parsed = [registry.parse_model_ref(r) for r in refs]
    specs = [registry.get(name) for name, _ in parsed]
    if variant is not None and not any(variant in s.variants for s in specs):
        known = sorted({v for s in specs for v in s.variants})
        raise ModelSettingsError(
            f"no selected model has a variant {variant!r}"
            + (f"; variants: {', '.join(known)}" if known else " (they have no variants)")
        )
    if rounds is not None and not any("rounds" in s.params.model_fields for s in specs):
        raise ModelSettingsError(
            "--rounds applies to models that run in rounds; none of "
            f"{', '.join(s.name for s in specs)} does"
        )
    names = [name for name, _ in parsed]
    out: list[tuple[str, ModelSpec, ModelParams]] = []
    seen: set[str] = set()
    for (name, ref_variant), spec, ref in zip(parsed, specs, refs, strict=True):
        key = name if names.count(name) == 1 else ref
        if key in seen:
            raise ModelSettingsError(f"model {ref!r} is listed twice")
        seen.add(key)
        call: dict[str, Any] = {}
        chosen = ref_variant or (variant if variant in spec.variants else None)
        if ref_variant is not None and ref_variant not in spec.variants:
            raise ModelSettingsError(
                f"model {name!r} has no variant {ref_variant!r}"
                + (f"; variants: {', '.join(spec.variants)}" if spec.variants else "")
            )
        if chosen is not None:
            call["variant"] = chosen
        if rounds is not None and "rounds" in spec.params.model_fields:
            call["rounds"] = rounds
        params = registry.make_params(
            spec, scenario.models.settings.get(name), call, (settings or {}).get(name)
        )
        out.append((key, spec, params))
    return out


def forecast(
    scenario: Scenario,
    models: Sequence[str] | None = None,
    *,
    variant: str | None = None,
    rounds: int | None = None,
    seed: SeedLike = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    threads: int | None = None,
) -> Forecast:
    """Forecast every issue of a scenario with each model; see the module docstring.

    ``threads``: how many threads a model may use (default: every core this process may use).
    """
    threads = threads or available_cores()
    plan = resolve_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    arrays = compile_scenario(scenario)
    seq = normalize_seed(seed)
    batch = arrays.batch(1)
    runs = []
    for key, spec, params in plan:
        rng = generator(seq, "forecast", key) if spec.is_stochastic(params) else None
        result = run_model(spec, batch, params, rng, threads=threads)
        runs.append(_model_run(key, spec, params, result, arrays))
    return Forecast(
        scenario=scenario.id,
        title=scenario.scenario.title,
        scenario_hash=arrays.scenario_hash,
        kingmaker_version=__version__,
        actors=arrays.actor_ids,
        issues=arrays.issue_ids,
        observed={i.id: (i.outcome.value if i.outcome else None) for i in scenario.issues},
        scales={i.id: (i.scale.min, i.scale.max) for i in scenario.issues},
        runs=tuple(runs),
        seed=seed_value(seq) if any(s.is_stochastic(p) for _, s, p in plan) else None,
    )


def _model_run(
    key: str, spec: ModelSpec, params: ModelParams, result: BatchResult, arrays: ScenarioArrays
) -> ModelRun:
    issues = []
    by_issue = result.extras.get("by_issue") if spec.scope == "issue" else None
    for i, issue_id in enumerate(arrays.issue_ids):
        rounds = int(result.rounds[0, i])
        traj = result.trajectory[0, : rounds + 1, :, i].copy()
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
        if spec.scope == "issue"
        else {
            k: (v[0] if isinstance(v, (np.ndarray, list, tuple)) and len(v) else v)
            for k, v in result.extras.items()
        }
    )
    return ModelRun(
        model=spec.name,
        title=spec.title,
        variant=getattr(params, "variant", None),
        params=params.model_dump(mode="json"),
        issues=tuple(issues),
        extras=run_extras,
    )
