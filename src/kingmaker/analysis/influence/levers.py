"""Levers: single changes an actor can make or press for, written as interventions.

Every lever is an :class:`~kingmaker.scenario.schema.Intervention` (so it can be shown, saved
in a scenario and simulated like any preset) plus what the search needs: who is acted on, which
number, by how much, and a cost proxy.

**Cost proxy** (the size of the change, so that effect per unit of cost can be compared; not a
price): a position moved by d on a scale of width W costs |d| / W; a salience moved by d
costs |d| (saliences are 0-1); a capability scaled by f costs |1 - f|; an actor added or
removed costs 1; a relation's strength changed by d costs |d|. Moves of proxies that follow
their patron are free: that is what proxies are for. A preset costs the sum of its changes.

Single-parameter levers on one issue are also applied directly to the compiled numbers
(:func:`apply_single`), which lets the search evaluate hundreds of them in one batch; the
rules are those of :mod:`kingmaker.scenario.interventions` (clipping, proxy propagation), and
the tests check that both give the same numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ...results.advice import LeverRef, Steps
from ...scenario.compile import PARAMETERS, ScenarioArrays
from ...scenario.interventions import Move, patrons_of
from ...scenario.schema import (
    AddActor,
    Intervention,
    RemoveActor,
    ScaleParameter,
    Scenario,
    SetRelation,
    ShiftParameter,
)
from .objective import Objective

#: Kinds of lever, in the order they are generated.
KINDS = (
    "own-position",
    "own-salience",
    "persuade",
    "pressure-salience",
    "coerce",
    "leave",
    "exclude",
)


@dataclass(frozen=True, eq=False)
class Lever:
    """One candidate change: the intervention and what the search reads from it."""

    kind: str
    intervention: Intervention
    target: str  # the actor acted on
    issue: str | None
    parameter: str | None  # None: the actor leaves the table
    op: str | None
    amount: float
    cost: float

    @property
    def id(self) -> str:
        return self.intervention.id

    @property
    def name(self) -> str:
        return self.intervention.name

    def ref(self) -> LeverRef:
        """What records keep of the lever."""
        return LeverRef(self.target, self.issue, self.parameter, self.op, self.amount)


# --------------------------------------------------------------------------- array level


def proxy_links(scenario: Scenario) -> dict[str, list[tuple[str, float, tuple[str, ...]]]]:
    return patrons_of(scenario)


def bounds(arrays: ScenarioArrays, parameter: str, j: int) -> tuple[float, float]:
    if parameter == "position":
        return float(arrays.scale_min[j]), float(arrays.scale_max[j])
    if parameter == "salience":
        return 0.0, 1.0
    return 0.0, np.inf


def apply_single(
    arrays: ScenarioArrays,
    links,
    actor: str,
    issue: str,
    parameter: str,
    op: str,
    amounts: np.ndarray,
    propagate: bool = True,
) -> dict[str, np.ndarray]:
    """Numbers (K, n, m) of the scenario after ``op`` (shift / scale / set) by each of
    ``amounts`` on one actor's parameter on one issue: the same numbers as applying the
    equivalent intervention and compiling the result."""
    amounts = np.atleast_1d(np.asarray(amounts, dtype=np.float64))
    size = amounts.shape[0]
    a, j = arrays.actor_ids.index(actor), arrays.issue_ids.index(issue)
    vals = {p: np.repeat(arrays.value[p][None], size, axis=0) for p in PARAMETERS}
    lo, hi = bounds(arrays, parameter, j)
    before = vals[parameter][:, a, j].copy()
    if op == "shift":
        after = np.clip(before + amounts, lo, hi)
    elif op == "scale":
        after = np.clip(before * amounts, lo, hi)
    elif op == "set":
        after = np.clip(amounts, lo, hi)
    else:
        raise ValueError(op)
    vals[parameter][:, a, j] = after
    if propagate and parameter in ("position", "salience"):
        delta = after - before
        for proxy, strength, issues in links.get(actor, []):
            if (
                (issues and issue not in issues)
                or strength == 0
                or proxy == actor
                or proxy not in arrays.actor_ids
            ):
                continue
            q = arrays.actor_ids.index(proxy)
            if not arrays.present[q, j]:
                continue
            vals[parameter][:, q, j] = np.clip(vals[parameter][:, q, j] + strength * delta, lo, hi)
    return vals


# --------------------------------------------------------------------------- costs


def change_cost(parameter: str, before: float, after: float, width: float) -> float:
    if parameter == "position":
        return abs(after - before) / width
    if parameter == "salience":
        return abs(after - before)
    return abs(after / before - 1.0) if before > 0 else (0.0 if after == 0 else 1.0)


def intervention_cost(
    scenario: Scenario, intervention: Intervention, moves: Sequence[Move]
) -> float:
    """The cost proxy of an intervention, from the moves it made (module docstring)."""
    widths = {i.id: i.scale.max - i.scale.min for i in scenario.issues}
    cost = 0.0
    for mv in moves:
        if mv.via is None:
            cost += change_cost(
                mv.parameter, mv.before, mv.after, widths.get(mv.issue, 1.0) if mv.issue else 1.0
            )
    strengths = {(r.from_, r.to, r.kind): r.strength for r in scenario.relations}
    for change in intervention.changes:
        if isinstance(change, (AddActor, RemoveActor)):
            cost += 1.0
        elif isinstance(change, SetRelation):
            cost += abs(
                change.strength - strengths.get((change.from_, change.to, change.kind), 0.0)
            )
    return cost


# --------------------------------------------------------------------------- candidates


def _names(scenario: Scenario) -> dict[str, str]:
    return {a.id: a.name for a in scenario.actors}


def _fmt(x: float) -> str:
    return f"{x:+.3g}"


def candidate_levers(
    scenario: Scenario,
    arrays: ScenarioArrays,
    objective: Objective,
    steps: Steps | None = None,
) -> list[Lever]:
    """Every lever the search considers for ``objective.actor`` on its issues.

    Its own position and salience (each way); persuading each other actor to move its
    position toward the actor's (by up to one step, never past it); pressing each other
    actor's salience up or down; coercion that scales each other actor's capability on an
    issue; the actor leaving the table; each other actor excluded from it.
    """
    steps = steps or Steps()
    me = objective.actor
    names = _names(scenario)
    a = arrays.actor_ids.index(me)
    out: list[Lever] = []

    def lever(kind, target, issue, parameter, op, amount, cost, name, change) -> None:
        iv_id = (
            f"{kind}.{target}"
            + (f".{issue}" if issue else "")
            + (f".{'up' if amount > 0 else 'down'}" if op == "shift" else "")
        )
        out.append(
            Lever(
                kind,
                Intervention(id=iv_id, name=name, actor=me, changes=(change,)),
                target,
                issue,
                parameter,
                op,
                float(amount),
                float(cost),
            )
        )

    for issue, j in zip(objective.issues, objective.columns, strict=True):
        width = float(arrays.scale_max[j] - arrays.scale_min[j])
        lo, hi = float(arrays.scale_min[j]), float(arrays.scale_max[j])
        step = steps.position * width
        p = float(arrays.value["position"][a, j])
        s = float(arrays.value["salience"][a, j])
        for sign in (+1, -1):
            d = float(np.clip(p + sign * step, lo, hi) - p)
            if d:
                lever(
                    "own-position",
                    me,
                    issue,
                    "position",
                    "shift",
                    d,
                    abs(d) / width,
                    f"{names[me]} moves its position on {issue} by {_fmt(d)}",
                    ShiftParameter(op="shift", actor=me, issue=issue, parameter="position", by=d),
                )
            ds = float(np.clip(s + sign * steps.salience, 0, 1) - s)
            if ds:
                lever(
                    "own-salience",
                    me,
                    issue,
                    "salience",
                    "shift",
                    ds,
                    abs(ds),
                    f"{names[me]} {'raises' if ds > 0 else 'lowers'} the salience of "
                    f"{issue} to itself by {abs(ds):.2g}",
                    ShiftParameter(op="shift", actor=me, issue=issue, parameter="salience", by=ds),
                )
        for b, other in enumerate(arrays.actor_ids):
            if other == me or not arrays.present[b, j]:
                continue
            q = float(arrays.value["position"][b, j])
            d = float(np.clip(p - q, -step, step))
            if d:
                lever(
                    "persuade",
                    other,
                    issue,
                    "position",
                    "shift",
                    d,
                    abs(d) / width,
                    f"{names[other]} persuaded to move its position on {issue} by "
                    f"{_fmt(d)}, toward {names[me]}",
                    ShiftParameter(
                        op="shift", actor=other, issue=issue, parameter="position", by=d
                    ),
                )
            so = float(arrays.value["salience"][b, j])
            for sign in (+1, -1):
                ds = float(np.clip(so + sign * steps.salience, 0, 1) - so)
                if ds:
                    lever(
                        "pressure-salience",
                        other,
                        issue,
                        "salience",
                        "shift",
                        ds,
                        abs(ds),
                        f"{names[other]} pressed to {'raise' if ds > 0 else 'lower'} the "
                        f"salience of {issue} by {abs(ds):.2g}",
                        ShiftParameter(
                            op="shift", actor=other, issue=issue, parameter="salience", by=ds
                        ),
                    )
            if arrays.value["capability"][b, j] > 0 and steps.capability != 1:
                f = steps.capability
                lever(
                    "coerce",
                    other,
                    issue,
                    "capability",
                    "scale",
                    f,
                    abs(1 - f),
                    f"{names[other]}'s capability on {issue} cut to {f:.0%} (coercion)"
                    if f < 1
                    else f"{names[other]}'s capability on {issue} x {f:.2g}",
                    ScaleParameter(
                        op="scale", actor=other, issue=issue, parameter="capability", factor=f
                    ),
                )
    out.append(
        Lever(
            "leave",
            Intervention(
                id=f"leave.{me}",
                name=f"{names[me]} leaves the table",
                actor=me,
                changes=(RemoveActor(op="remove_actor", actor=me),),
            ),
            me,
            None,
            None,
            None,
            0.0,
            1.0,
        )
    )
    for other in arrays.actor_ids:
        if other != me:
            out.append(
                Lever(
                    "exclude",
                    Intervention(
                        id=f"exclude.{other}",
                        name=f"{names[other]} kept away from the table",
                        actor=me,
                        changes=(RemoveActor(op="remove_actor", actor=other),),
                    ),
                    other,
                    None,
                    None,
                    None,
                    0.0,
                    1.0,
                )
            )
    return out


__all__ = [
    "KINDS",
    "Lever",
    "Steps",
    "apply_single",
    "bounds",
    "candidate_levers",
    "change_cost",
    "intervention_cost",
    "proxy_links",
]
