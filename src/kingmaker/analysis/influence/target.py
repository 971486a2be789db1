"""The smallest change that brings a forecast to a target (e.g. US presence below 30).

For every actor on the target issue and every single change of one of its numbers there
(position up or down, salience up or down, capability up or down, leaving the table), the
search finds the smallest size of the change at which the model's forecast reaches the target,
within the number's bounds: positions within the scale, saliences within 0-1, capabilities
between 0 and :data:`MAX_CAPABILITY_FACTOR` times their value. Sizes are scanned on a grid of
:data:`GRID` steps up to the bound, and the first step that reaches the target is refined by
bisection to ``tolerance`` x the bound. For a forecast that responds monotonically to the
number (the weighted mean and median do) this is the smallest change; for others it is the
smallest found on the grid. Changes are ranked by the cost proxy of
:mod:`~kingmaker.analysis.influence.levers`; a model that no single change brings to the target
says so ("not reachable within bounds").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ...results.advice import InterventionRef, Reach, Target, TargetResult
from ...scenario.compile import PARAMETERS, ScenarioArrays
from ...scenario.interventions import InterventionError, apply_intervention
from ...scenario.schema import Intervention, RemoveActor, ScaleParameter, Scenario, ShiftParameter
from ..plan import PlannedModel
from .levers import apply_single, bounds, proxy_links
from .variants import forecast_scenarios, forecast_values

GRID = 8
MAX_CAPABILITY_FACTOR = 3.0


@dataclass(frozen=True)
class Family:
    """One way to change one number: who, which number, which way, and how far it can go."""

    actor: str
    parameter: str | None  # None: the actor leaves the table
    direction: int  # +1 up, -1 down
    limit: float  # largest size within bounds

    def amount(self, size: float) -> float:
        """The signed shift (position, salience) or factor (capability) of a change of size."""
        if self.parameter == "capability":
            return 1.0 + self.direction * size
        return self.direction * size

    @property
    def number(self) -> str:
        """The parameter the family changes (families that change a number)."""
        if self.parameter is None:
            raise ValueError(f"{self.actor} leaving the table changes no number")
        return self.parameter

    @property
    def op(self) -> str:
        return "scale" if self.parameter == "capability" else "shift"

    def cost(self, size: float, width: float) -> float:
        return (
            size / width
            if self.parameter == "position"
            else (1.0 if self.parameter is None else size)
        )

    def describe(self, names: dict[str, str], issue: str, size: float) -> str:
        who = names.get(self.actor, self.actor)
        if self.parameter is None:
            return f"{who} leaves the table"
        if self.parameter == "capability":
            return f"{who}'s capability on {issue} x {self.amount(size):.3g}"
        verb = "raises" if self.direction > 0 else "lowers"
        return f"{who} {verb} its {self.parameter} on {issue} by {size:.3g}"

    def reach(
        self, issue: str, size: float, cost: float, forecast: float, names: dict[str, str]
    ) -> Reach:
        """The record of a change of ``size`` that brings the forecast to ``forecast``."""
        return Reach(
            actor=self.actor,
            parameter=self.parameter,
            direction=self.direction,
            size=size,
            amount=None if self.parameter is None else self.amount(size),
            cost=cost,
            forecast=forecast,
            intervention=InterventionRef.of(self.intervention(issue, size, names)),
        )

    def intervention(self, issue: str, size: float, names: dict[str, str]) -> Intervention:
        name = self.describe(names, issue, size)
        if self.parameter is None:
            return Intervention(
                id=f"leave.{self.actor}",
                name=name,
                changes=(RemoveActor(op="remove_actor", actor=self.actor),),
            )
        iv_id = f"{self.parameter}.{self.actor}.{issue}.{'up' if self.direction > 0 else 'down'}"
        change = (
            ScaleParameter(
                op="scale",
                actor=self.actor,
                issue=issue,
                parameter="capability",
                factor=self.amount(size),
            )
            if self.parameter == "capability"
            else ShiftParameter(
                op="shift",
                actor=self.actor,
                issue=issue,
                parameter=_shifted(self.parameter),
                by=self.amount(size),
            )
        )
        return Intervention(id=iv_id, name=name, changes=(change,))


def _shifted(parameter: str) -> Literal["position", "salience"]:
    """``parameter`` as the name of a number that changes by a shift."""
    for name in ("position", "salience"):
        if parameter == name:
            return name
    raise ValueError(f"only positions and saliences shift, not {parameter!r}")


def families(arrays: ScenarioArrays, issue: str) -> list[Family]:
    """Every single change of one number on ``issue`` the search tries."""
    j = arrays.issue_ids.index(issue)
    out = []
    for b, actor in enumerate(arrays.actor_ids):
        if not arrays.present[b, j]:
            continue
        for parameter in PARAMETERS:
            x = float(arrays.value[parameter][b, j])
            lo, hi = bounds(arrays, parameter, j)
            if parameter == "capability":
                limits = {
                    +1: MAX_CAPABILITY_FACTOR - 1.0 if x > 0 else 0.0,
                    -1: 1.0 if x > 0 else 0.0,
                }
            else:
                limits = {+1: hi - x, -1: x - lo}
            for direction, limit in limits.items():
                if limit > 0:
                    out.append(Family(actor, parameter, direction, float(limit)))
        out.append(Family(actor, None, -1, 1.0))
    return out


def smallest_changes(
    scenario: Scenario,
    arrays: ScenarioArrays,
    plan: Sequence[PlannedModel],
    seed: np.random.SeedSequence,
    target: Target,
    base: np.ndarray,
    *,
    propagate: bool = True,
    tolerance: float = 2e-3,
    keep: int = 10,
    threads: int = 1,
) -> list[TargetResult]:
    """For each model, the cheapest single changes (at most ``keep``) that reach ``target``.

    ``base`` holds the models' forecasts (models, issues) of the unchanged scenario.
    """
    j = arrays.issue_ids.index(target.issue)
    width = float(arrays.scale_max[j] - arrays.scale_min[j])
    links = proxy_links(scenario) if propagate else {}
    fams = families(arrays, target.issue)
    numeric = [f for f in fams if f.parameter is not None]
    leaving = [f for f in fams if f.parameter is None]
    names = {a.id: a.name for a in scenario.actors}

    def numbers(pairs: Sequence[tuple[Family, float]]) -> dict[str, np.ndarray]:
        parts = [
            apply_single(
                arrays,
                links,
                f.actor,
                target.issue,
                f.number,
                f.op,
                np.array([f.amount(t)]),
                propagate,
            )
            for f, t in pairs
        ]
        return {p: np.concatenate([x[p] for x in parts]) for p in PARAMETERS}

    def way(k: int) -> str:
        return target.direction or ("below" if base[k, j] > target.value else "above")

    def reached(value: np.ndarray, k: int) -> np.ndarray:
        return value <= target.value if way(k) == "below" else value >= target.value

    # grid: (families, GRID, models)
    grid_sizes = [(f, f.limit * g / GRID) for f in numeric for g in range(1, GRID + 1)]
    grid = (
        forecast_values(arrays, numbers(grid_sizes), plan, seed, threads)[:, :, j].reshape(
            len(numeric), GRID, len(plan)
        )
        if numeric
        else np.empty((0, GRID, len(plan)))
    )
    gone: list[Scenario | None] = []
    for f in leaving:
        try:
            gone.append(
                apply_intervention(
                    scenario, f.intervention(target.issue, 1.0, names), propagate=propagate
                )
            )
        except InterventionError:
            gone.append(None)
    ok = [k for k, s in enumerate(gone) if s is not None]
    left = np.full((len(leaving), len(plan)), np.nan)
    if ok:
        kept = [s for s in gone if s is not None]  # those of ok, in order
        got = forecast_scenarios(kept, plan, seed, arrays.issue_ids, threads)
        left[ok] = got[:, :, j]

    results = []
    for k, m in enumerate(plan):
        sub = [m]
        direction = way(k)
        if not np.isfinite(base[k, j]):
            results.append(TargetResult(target, m.key, float(base[k, j]), direction))
            continue
        if reached(np.array(base[k, j]), k):
            results.append(TargetResult(target, m.key, float(base[k, j]), direction, already=True))
            continue
        hit = reached(grid[:, :, k], k) & np.isfinite(grid[:, :, k])
        first = np.where(hit.any(axis=1), hit.argmax(axis=1), -1)
        lo = np.array(
            [0.0 if g <= 0 else f.limit * g / GRID for f, g in zip(numeric, first, strict=True)]
        )
        hi = np.array([f.limit * (g + 1) / GRID for f, g in zip(numeric, first, strict=True)])
        value = np.array([grid[i, g, k] if g >= 0 else np.nan for i, g in enumerate(first)])
        todo = np.flatnonzero(first >= 0)
        while (
            todo.size
            and np.max((hi - lo)[todo] / np.array([numeric[i].limit for i in todo])) > tolerance
        ):
            mid = (lo[todo] + hi[todo]) / 2
            got = forecast_values(
                arrays,
                numbers([(numeric[i], t) for i, t in zip(todo, mid, strict=True)]),
                sub,
                seed,
                threads,
            )[:, 0, j]
            yes = reached(got, k) & np.isfinite(got)
            hi[todo[yes]], value[todo[yes]] = mid[yes], got[yes]
            lo[todo[~yes]] = mid[~yes]
        reaches = [
            numeric[i].reach(
                target.issue,
                float(hi[i]),
                numeric[i].cost(float(hi[i]), width),
                float(value[i]),
                names,
            )
            for i in np.flatnonzero(first >= 0)
        ]
        for f, v in zip(leaving, left[:, k], strict=True):
            if np.isfinite(v) and reached(np.array(v), k):
                reaches.append(f.reach(target.issue, 1.0, 1.0, float(v), names))
        reaches.sort(key=lambda r: (r.cost, r.actor))
        results.append(
            TargetResult(
                target, m.key, float(base[k, j]), direction, tuple(reaches[:keep]), len(fams)
            )
        )
    return results
