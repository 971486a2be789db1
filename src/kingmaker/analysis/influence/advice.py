"""`advise`: what an actor's levers do to the forecasts, which levers it has, and what it
would take to reach a target.

1. **Presets**: the scenario's named interventions (by default those of the actor), each
   applied with proxy propagation; its effect on every issue per model, at the point values
   and, with ``draws`` > 0, on paired draws (the same draws with and without it: common random
   numbers, :func:`~kingmaker.analysis.uncertainty.compare`).
2. **Lever search**: every candidate of :func:`~.levers.candidate_levers`, evaluated in
   batches, ranked by the actor's gain (:mod:`~.objective`) averaged over the models; the
   best ``check`` levers are also run on paired draws. Keeping each other actor away from the
   table is reported apart (``who_matters``): it measures who pulls the outcome toward or
   away from the actor, and is not assumed to be in its power.
3. **Targets**: the smallest single changes that bring a forecast to a target (:mod:`~.target`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ...errors import AnalysisError
from ...randomness import SeedLike, normalize_seed, seed_entropy
from ...results import Distribution, Provenance, Simulation
from ...results.advice import (
    Advice,
    InterventionRef,
    Outcome,
    Paired,
    Steps,
    Target,
    TargetResult,
    Wants,
)
from ...scenario.compile import PARAMETERS, compile_scenario
from ...scenario.interventions import InterventionError, apply_with_moves
from ...scenario.schema import Intervention, Scenario
from ..executors import Executor, available_cores
from ..inputs import parse_target
from ..paired import compare
from ..plan import plan_models
from ..uncertainty import simulate
from .levers import Lever, apply_single, candidate_levers, intervention_cost, proxy_links
from .objective import Objective
from .target import smallest_changes
from .variants import forecast_scenarios, forecast_values

Progress = Callable[[str, int, int], None]


def _outcome(
    iv: Intervention,
    kind: str,
    cost: float,
    after: np.ndarray,
    base: np.ndarray,
    objective: Objective,
    lever: Lever | None = None,
) -> Outcome:
    return Outcome(
        InterventionRef.of(iv),
        kind,
        cost,
        after,
        after - base,
        objective.gain(base, after),
        lever.ref() if lever is not None else None,
    )


def _single_numbers(arrays, links, lever: Lever, propagate: bool) -> dict[str, np.ndarray]:
    """:func:`~.levers.apply_single` for a lever that changes one number on one issue."""
    if lever.issue is None or lever.parameter is None or lever.op is None:
        raise AnalysisError(f"lever {lever.id} does not change one number on one issue")
    return apply_single(
        arrays,
        links,
        lever.target,
        lever.issue,
        lever.parameter,
        lever.op,
        np.array([lever.amount]),
        propagate,
    )


def _failed(iv: Intervention, kind: str, error: str, shape) -> Outcome:
    nan = np.full(shape, np.nan)
    return Outcome(
        InterventionRef.of(iv), kind, math.nan, nan, nan, np.full(shape[0], np.nan), error=error
    )


def advise(
    scenario: Scenario,
    actor: str,
    models: Sequence[str] | None = None,
    *,
    issues: Sequence[str] | None = None,
    targets: Sequence[str | Target] = (),
    presets: str = "own",
    draws: int = 100,
    check: int = 3,
    seed: SeedLike = None,
    steps: Steps | None = None,
    propagate: bool = True,
    spread: float | None = None,
    variant: str | None = None,
    rounds: int | None = None,
    settings: Mapping[str, Mapping[str, Any]] | None = None,
    tolerance: float = 2e-3,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Advice:
    """Influence analysis for ``actor`` (module docstring). ``presets``: "own" (the actor's
    interventions), "all" or "none"; ``draws`` = 0 skips the paired draws; ``check``: how
    many of the best levers also run on paired draws."""
    if presets not in ("own", "all", "none"):
        raise AnalysisError(f"must be own, all or none, got {presets!r}", parameter="presets")
    for name, value in (("draws", draws), ("check", check)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise AnalysisError(f"must be an integer >= 0, got {value!r}", parameter=name)
    steps = steps or Steps()
    seq = normalize_seed(seed)
    plan = plan_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    arrays = compile_scenario(scenario)
    objective = Objective.of(arrays, actor, issues)
    parsed = [parse_target(scenario, t) for t in targets]
    tick = progress or (lambda stage, done, total: None)
    shape = (len(plan), len(arrays.issue_ids))
    threads = executor.threads if executor is not None else available_cores()
    base = forecast_values(arrays, {}, plan, seq, threads)[0]

    # presets
    chosen = [
        iv
        for iv in scenario.interventions
        if presets == "all" or (presets == "own" and iv.actor == actor)
    ]
    applied: dict[int, tuple[Scenario, float]] = {}  # preset index -> changed scenario, cost
    errors: dict[int, str] = {}
    for k, iv in enumerate(chosen):
        try:
            changed, moves = apply_with_moves(scenario, iv, propagate=propagate)
        except InterventionError as exc:
            errors[k] = str(exc)
            continue
        applied[k] = (changed, intervention_cost(scenario, iv, moves))
    preset_after = (
        dict(
            zip(
                applied,
                forecast_scenarios(
                    [c for c, _ in applied.values()], plan, seq, arrays.issue_ids, threads
                ),
                strict=True,
            )
        )
        if applied
        else {}
    )
    preset_out = [
        _failed(iv, "preset", errors[k], shape)
        if k in errors
        else _outcome(iv, "preset", applied[k][1], preset_after[k], base, objective)
        for k, iv in enumerate(chosen)
    ]
    preset_changed = {k: changed for k, (changed, _) in applied.items()}
    tick("levers", 0, 1)

    # lever search
    levers = candidate_levers(scenario, arrays, objective, steps)
    links = proxy_links(scenario) if propagate else {}
    single = [lv for lv in levers if lv.parameter is not None]
    removal = [lv for lv in levers if lv.parameter is None]
    outcomes: list[Outcome] = []
    if single:
        parts = [_single_numbers(arrays, links, lv, propagate) for lv in single]
        values = {p: np.concatenate([x[p] for x in parts]) for p in PARAMETERS}
        after = forecast_values(arrays, values, plan, seq, threads)
        outcomes += [
            _outcome(lv.intervention, lv.kind, lv.cost, a, base, objective, lv)
            for lv, a in zip(single, after, strict=True)
        ]
    gone = []
    for lv in removal:
        try:
            gone.append((lv, apply_with_moves(scenario, lv.intervention, propagate=propagate)[0]))
        except InterventionError:
            continue  # e.g. an issue would be left without actors
    if gone:
        after = forecast_scenarios([s for _, s in gone], plan, seq, arrays.issue_ids, threads)
        outcomes += [
            _outcome(lv.intervention, lv.kind, lv.cost, a, base, objective, lv)
            for (lv, _), a in zip(gone, after, strict=True)
        ]
    # keeping another actor away measures who matters; it is not ranked among the levers
    away = sorted(
        (o for o in outcomes if o.kind == "exclude"),
        key=lambda o: (
            -abs(o.mean_gain) if np.isfinite(o.mean_gain) else math.inf,
            o.intervention.id,
        ),
    )
    outcomes = sorted(
        (o for o in outcomes if o.kind != "exclude"),
        key=lambda o: (
            -o.mean_gain if np.isfinite(o.mean_gain) else math.inf,
            o.cost,
            o.intervention.id,
        ),
    )
    tick("levers", 1, 1)

    # paired draws for the presets and the best levers
    if draws:
        best = [k for k, o in enumerate(outcomes[:check]) if o.mean_gain > 0]
        todo = [("preset", k) for k, o in enumerate(preset_out) if o.error is None] + [
            ("lever", k) for k in best
        ]
        if todo:

            def paired_draws(changed: Scenario) -> Simulation:
                return simulate(
                    changed,
                    models,
                    draws=draws,
                    seed=seq,
                    spread=spread,
                    variant=variant,
                    rounds=rounds,
                    settings=settings,
                    executor=executor,
                )

            base_sim = paired_draws(scenario)
            for n, (where, k) in enumerate(todo):
                tick("paired draws", n, len(todo))
                store = preset_out if where == "preset" else outcomes
                o = store[k]
                changed = (
                    preset_changed[k]  # todo holds the presets that applied
                    if where == "preset"
                    else apply_with_moves(scenario, o.intervention, propagate=propagate)[0]
                )
                sim = paired_draws(changed)
                store[k] = replace(o, paired=_paired(base_sim, sim, objective, arrays.issue_ids))
            tick("paired draws", len(todo), len(todo))

    # targets
    target_out: list[TargetResult] = []
    for n, t in enumerate(parsed):
        tick("targets", n, len(parsed))
        target_out += smallest_changes(
            scenario,
            arrays,
            plan,
            seq,
            t,
            base,
            propagate=propagate,
            tolerance=tolerance,
            threads=threads,
        )
    if parsed:
        tick("targets", len(parsed), len(parsed))

    names = {a.id: a.name for a in scenario.actors}
    provenance = Provenance(
        kind=Advice.kind,
        scenario=scenario.id,
        scenario_hash=arrays.scenario_hash,
        models=tuple(m.info() for m in plan),
        seed=seed_entropy(seq),
        draws=int(draws),
    )
    return Advice(
        provenance=provenance,
        title=scenario.scenario.title,
        actor=actor,
        actor_name=names[actor],
        objective=Wants(objective.issues, objective.ideal, objective.weight),
        issues=arrays.issue_ids,
        base=base,
        presets=tuple(preset_out),
        levers=tuple(outcomes),
        who_matters=tuple(away),
        targets=tuple(target_out),
        propagate=propagate,
        steps=steps,
        names=names,
    )


def _paired(
    base: Simulation, other: Simulation, objective: Objective, issue_ids: Sequence[str]
) -> Paired:
    cmp = compare(base, other, labels=("base", "changed"))
    diffs, gains = {}, {}
    for key in base.model_keys:
        diffs[key] = {i: cmp.summary(key, i) for i in cmp.issues}
        before = np.stack([base.values(key, i) for i in issue_ids], axis=-1)
        after = np.stack(
            [
                other.values(key, i) if i in other.issues else np.full(base.draws, np.nan)
                for i in issue_ids
            ],
            axis=-1,
        )
        gains[key] = Distribution.of(objective.gain(before, after))
    return Paired(diffs, gains)
