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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import AnalysisError
from ...scenario.compile import PARAMETERS, ScenarioArrays
from ...scenario.interventions import InterventionError, apply_intervention
from ...scenario.schema import Intervention, RemoveActor, ScaleParameter, Scenario, ShiftParameter
from ..evaluation import PlannedModel
from ..uncertainty import issue_value
from .levers import apply_single, bounds, proxy_links
from .variants import forecast_scenarios, forecast_values

GRID = 8
MAX_CAPABILITY_FACTOR = 3.0
_SIGN = {"below": "<", "above": ">", None: ":"}


@dataclass(frozen=True)
class Target:
    """``ISSUE<VALUE`` (the forecast at or below), ``ISSUE>VALUE`` (at or above), or
    ``ISSUE:VALUE`` (to the value, from whichever side the forecast is on)."""

    issue: str
    value: float
    direction: str | None = None  # "below", "above", or None: toward the value

    @classmethod
    def parse(cls, scenario: Scenario, text: str | Target) -> Target:
        if isinstance(text, Target):
            return text
        text = str(text)
        match = re.match(r"^\s*([^:<>]*?)\s*([:<>])\s*(.*?)\s*$", text)
        if match is None:
            raise AnalysisError(
                f"a target is ISSUE<VALUE, ISSUE>VALUE or ISSUE:VALUE "
                f"(e.g. {scenario.issues[0].id}<30), got {text!r}"
            )
        issue, sign, value = match.groups()
        direction = {s: d for d, s in _SIGN.items()}[sign]
        x = issue_value(scenario, issue, value, text, "target")
        return cls(issue, x, direction)

    def __str__(self) -> str:
        return f"{self.issue}{_SIGN[self.direction]}{self.value:g}"


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
                parameter=self.parameter,
                by=self.amount(size),
            )
        )
        return Intervention(id=iv_id, name=name, changes=(change,))


@dataclass(frozen=True)
class Reach:
    """A change that brings one model's forecast to the target."""

    family: Family
    size: float
    cost: float
    forecast: float
    intervention: Intervention

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.family.actor,
            "parameter": self.family.parameter,
            "direction": "up" if self.family.direction > 0 else "down",
            "size": self.size,
            "amount": None if self.family.parameter is None else self.family.amount(self.size),
            "cost": self.cost,
            "forecast": self.forecast,
            "change": self.intervention.name,
            "intervention": self.intervention.model_dump(
                mode="json", by_alias=True, exclude_none=True
            ),
        }


@dataclass(frozen=True)
class TargetResult:
    """Per model: where the forecast is, which way it must go, and the changes that get it there."""

    target: Target
    model: str
    forecast: float
    direction: str  # "below" (reach <= value) or "above" (reach >= value)
    reaches: tuple[Reach, ...] = field(default=())
    searched: int = 0
    already: bool = False  # the forecast is already there: nothing to search

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": str(self.target),
            "issue": self.target.issue,
            "value": self.target.value,
            "model": self.model,
            "forecast": self.forecast,
            "direction": self.direction,
            "already_reached": self.already,
            "searched": self.searched,
            "reachable": bool(self.reaches),
            "changes": [r.to_dict() for r in self.reaches],
        }


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
                f.parameter,
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
    gone = []
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
        got = forecast_scenarios([gone[k] for k in ok], plan, seed, arrays.issue_ids, threads)
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
            Reach(
                numeric[i],
                float(hi[i]),
                numeric[i].cost(float(hi[i]), width),
                float(value[i]),
                numeric[i].intervention(target.issue, float(hi[i]), names),
            )
            for i in np.flatnonzero(first >= 0)
        ]
        for f, v in zip(leaving, left[:, k], strict=True):
            if np.isfinite(v) and reached(np.array(v), k):
                reaches.append(
                    Reach(f, 1.0, 1.0, float(v), f.intervention(target.issue, 1.0, names))
                )
        reaches.sort(key=lambda r: (r.cost, r.family.actor))
        results.append(
            TargetResult(
                target, m.key, float(base[k, j]), direction, tuple(reaches[:keep]), len(fams)
            )
        )
    return results
