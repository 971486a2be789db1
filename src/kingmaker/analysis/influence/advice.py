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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...__about__ import __version__
from ...errors import AnalysisError
from ...randomness import SeedLike, normalize_seed
from ...results import jsonable
from ...scenario.compile import PARAMETERS, compile_scenario
from ...scenario.interventions import InterventionError, apply_with_moves
from ...scenario.schema import Intervention, Scenario
from ..executors import Executor, available_cores
from ..uncertainty import (
    DifferenceSummary,
    Distribution,
    Simulation,
    compare,
    plan_models,
    simulate,
)
from .levers import Lever, Steps, apply_single, candidate_levers, intervention_cost, proxy_links
from .objective import Objective
from .target import Target, TargetResult, smallest_changes
from .variants import forecast_scenarios, forecast_values

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Paired:
    """A variant against the base on the same draws: per model, the difference per issue and
    the distribution of the actor's gain."""

    differences: Mapping[str, Mapping[str, DifferenceSummary]]
    gain: Mapping[str, Distribution]

    def to_dict(self) -> dict[str, Any]:
        return {
            "difference": {
                k: {i: d.to_dict() for i, d in v.items()} for k, v in self.differences.items()
            },
            "gain": {k: g.to_dict() for k, g in self.gain.items()},
        }


@dataclass(frozen=True, eq=False)
class Outcome:
    """What one intervention does: forecasts after it (models x issues), the change from the
    base, and the actor's gain per model."""

    intervention: Intervention
    kind: str
    cost: float
    after: np.ndarray
    delta: np.ndarray
    gain: np.ndarray
    lever: Lever | None = None
    paired: Paired | None = None
    error: str | None = None  # why it could not be applied

    @property
    def id(self) -> str:
        return self.intervention.id

    @property
    def name(self) -> str:
        return self.intervention.name

    @property
    def mean_gain(self) -> float:
        g = self.gain[np.isfinite(self.gain)]
        return float(g.mean()) if g.size else math.nan

    @property
    def agree(self) -> int:
        """Models in which the actor gains."""
        return int(np.count_nonzero(self.gain > 1e-9))

    @property
    def gain_per_cost(self) -> float:
        return self.mean_gain / self.cost if self.cost > 0 else math.nan

    def to_dict(self, models: Sequence[str], issues: Sequence[str]) -> dict[str, Any]:
        lv = self.lever
        out = {
            "id": self.intervention.id,
            "name": self.intervention.name,
            "kind": self.kind,
            "actor": self.intervention.actor,
            "cost": self.cost,
        }
        if lv is not None:
            out.update(
                {
                    "target": lv.target,
                    "issue": lv.issue,
                    "parameter": lv.parameter,
                    "op": lv.op,
                    "amount": lv.amount,
                }
            )
        if self.error:
            return {**out, "error": self.error}
        out.update(
            {
                "gain": dict(zip(models, self.gain.tolist(), strict=True)),
                "mean_gain": self.mean_gain,
                "gain_per_cost": self.gain_per_cost,
                "models_gaining": self.agree,
                "effects": {
                    i: dict(zip(models, self.delta[:, j].tolist(), strict=True))
                    for j, i in enumerate(issues)
                },
                "paired": self.paired.to_dict() if self.paired else None,
                "changes": [
                    c.model_dump(mode="json", by_alias=True, exclude_none=True)
                    for c in self.intervention.changes
                ],
            }
        )
        return out


@dataclass(frozen=True, eq=False)
class Advice:
    """Everything `kingmaker advise` reports, and how it was made."""

    scenario: str
    title: str
    scenario_hash: str
    actor: str
    actor_name: str
    objective: Objective
    models: tuple[str, ...]
    issues: tuple[str, ...]
    base: np.ndarray  # (models, issues)
    presets: tuple[Outcome, ...]
    levers: tuple[Outcome, ...]  # ranked, best first
    who_matters: tuple[Outcome, ...]  # each other actor kept away, largest |gain| first
    targets: tuple[TargetResult, ...]
    draws: int
    seed_sequence: np.random.SeedSequence
    propagate: bool
    steps: Steps
    names: Mapping[str, str] = field(default_factory=dict)
    kingmaker_version: str = __version__

    @property
    def seed(self) -> int | None:
        e = self.seed_sequence.entropy
        return int(e) if isinstance(e, int) else None

    def to_dict(self) -> dict[str, Any]:
        ob = self.objective
        wants = [
            {
                "issue": i,
                "position": float(p),
                "weight": float(w),
                "forecast": dict(
                    zip(self.models, self.base[:, self.issues.index(i)].tolist(), strict=True)
                ),
            }
            for i, p, w in zip(ob.issues, ob.ideal, ob.weight, strict=True)
        ]
        return jsonable(
            {
                "kind": "advice",
                "scenario": self.scenario,
                "title": self.title,
                "actor": self.actor,
                "actor_name": self.actor_name,
                "wants": wants,
                "models": list(self.models),
                "issues": list(self.issues),
                "base": {
                    k: dict(zip(self.issues, self.base[n].tolist(), strict=True))
                    for n, k in enumerate(self.models)
                },
                "draws": self.draws,
                "seed": self.seed,
                "propagate": self.propagate,
                "steps": {
                    "position": self.steps.position,
                    "salience": self.steps.salience,
                    "capability": self.steps.capability,
                },
                "presets": [o.to_dict(self.models, self.issues) for o in self.presets],
                "levers": [o.to_dict(self.models, self.issues) for o in self.levers],
                "who_matters": [o.to_dict(self.models, self.issues) for o in self.who_matters],
                "targets": [t.to_dict() for t in self.targets],
                "scenario_hash": self.scenario_hash,
                "kingmaker_version": self.kingmaker_version,
            }
        )


def _outcome(
    iv: Intervention,
    kind: str,
    cost: float,
    after: np.ndarray,
    base: np.ndarray,
    objective: Objective,
    lever: Lever | None = None,
) -> Outcome:
    return Outcome(iv, kind, cost, after, after - base, objective.gain(base, after), lever)


def _failed(iv: Intervention, kind: str, error: str, shape) -> Outcome:
    nan = np.full(shape, np.nan)
    return Outcome(iv, kind, math.nan, nan, nan, np.full(shape[0], np.nan), error=error)


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
        raise AnalysisError(f"presets must be own, all or none, got {presets!r}")
    if draws < 0 or check < 0:
        raise AnalysisError("draws and check must be >= 0")
    steps = steps or Steps()
    seq = normalize_seed(seed)
    plan = plan_models(scenario, models, variant=variant, rounds=rounds, settings=settings)
    keys = tuple(m.key for m in plan)
    arrays = compile_scenario(scenario)
    objective = Objective.of(arrays, actor, issues)
    parsed = [Target.parse(scenario, t) for t in targets]
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
    after = (
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
        else _outcome(iv, "preset", applied[k][1], after[k], base, objective)
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
        parts = [
            apply_single(
                arrays,
                links,
                lv.target,
                lv.issue,
                lv.parameter,
                lv.op,
                np.array([lv.amount]),
                propagate,
            )
            for lv in single
        ]
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
            options = dict(
                draws=draws,
                seed=seq,
                spread=spread,
                variant=variant,
                rounds=rounds,
                settings=settings,
                executor=executor,
            )
            base_sim = simulate(scenario, models, **options)
            for n, (where, k) in enumerate(todo):
                tick("paired draws", n, len(todo))
                store = preset_out if where == "preset" else outcomes
                o = store[k]
                changed = (
                    preset_changed.get(k)
                    if where == "preset"
                    else apply_with_moves(scenario, o.intervention, propagate=propagate)[0]
                )
                sim = simulate(changed, models, **options)
                store[k] = Outcome(
                    o.intervention,
                    o.kind,
                    o.cost,
                    o.after,
                    o.delta,
                    o.gain,
                    o.lever,
                    _paired(base_sim, sim, objective, arrays.issue_ids),
                )
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
    return Advice(
        scenario.id,
        scenario.scenario.title,
        arrays.scenario_hash,
        actor,
        names[actor],
        objective,
        keys,
        arrays.issue_ids,
        base,
        tuple(preset_out),
        tuple(outcomes),
        tuple(away),
        tuple(target_out),
        int(draws),
        seq,
        propagate,
        steps,
        names,
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
