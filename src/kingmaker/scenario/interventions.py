"""Applying interventions: a scenario in, the changed scenario out.

An :class:`~kingmaker.scenario.schema.Intervention` is a named list of changes (set, shift or
scale a parameter; add or remove an actor; add, change or remove a relation). Applying it
returns a *new* validated Scenario; the original is untouched. Rules (also in
docs/reference/scenario-format.md):

* A change with no ``issue`` applies to every issue the actor has a stance on (for capability:
  the actor's own capability and every per-issue override).
* Ranges move with their value: a shift moves value, low, mode and high; a scale multiplies
  them; a set fixes the value and drops the range (a set value is certain). Results are clipped
  to the parameter's bounds: positions to the issue's scale, saliences to 0-1, capabilities >= 0.
* **Proxy propagation** (on by default, ``propagate=False`` turns it off): when a change moves a
  patron's position or salience on an issue by d (the change actually made, after clipping), each
  of its proxies on that issue moves by strength x d (clipped). Patron/proxy links are relations
  of kind ``patron`` (from = patron) or ``proxy`` (from = proxy), limited to the relation's
  issues when it lists any. Propagation is one level deep (a proxy's proxies do not follow) and
  never overrides a change the intervention makes to the proxy's same parameter on the same
  issue. Capability changes do not propagate.
* Changes apply in order; a later change sees the earlier ones (an actor added first can then
  be shifted).
* The changed scenario is a what-if state, not a menu of levers: it carries no interventions of
  its own (theirs could refer to actors that no longer exist). To combine levers, apply them
  together: ``apply_intervention(scenario, [a, b])``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Set
from dataclasses import dataclass
from typing import Any

from ..errors import KingmakerError
from ..results.advice import InterventionRef
from .document import build_scenario
from .schema import (
    AddActor,
    Intervention,
    RemoveActor,
    ScaleParameter,
    Scenario,
    SetParameter,
    SetRelation,
    ShiftParameter,
)


class InterventionError(KingmakerError):
    """An intervention that cannot be applied to this scenario."""


@dataclass(frozen=True)
class Move:
    """One parameter change actually made (after clipping), for reports and propagation."""

    actor: str
    issue: str | None
    parameter: str
    before: float
    after: float
    via: str | None = None  # the patron whose move this proxy follows, if propagated

    @property
    def delta(self) -> float:
        return self.after - self.before


def patrons_of(scenario: Scenario) -> dict[str, list[tuple[str, float, tuple[str, ...]]]]:
    """patron id -> [(proxy id, strength, issues the link covers or ())]."""
    return _links((r.from_, r.to, r.kind, r.strength, r.issues) for r in scenario.relations)


def _links(relations) -> dict[str, list[tuple[str, float, tuple[str, ...]]]]:
    links: dict[str, list[tuple[str, float, tuple[str, ...]]]] = {}
    for source, target, kind, strength, issues in relations:
        if kind == "patron":
            links.setdefault(source, []).append((target, strength, tuple(issues)))
        elif kind == "proxy":
            links.setdefault(target, []).append((source, strength, tuple(issues)))
    return links


AnyIntervention = Intervention | InterventionRef


def as_intervention(item: AnyIntervention) -> Intervention:
    """A scenario intervention, from itself or from a record's plain-data copy of one."""
    if isinstance(item, Intervention):
        return item
    return Intervention.model_validate(item.to_dict())


def apply_intervention(
    scenario: Scenario,
    intervention: AnyIntervention | Iterable[AnyIntervention],
    *,
    propagate: bool = True,
) -> Scenario:
    """The scenario after the intervention(s); see the module docstring for the rules.

    An intervention may also be given as a result record's copy of one
    (:class:`kingmaker.results.advice.InterventionRef`).
    """
    return apply_with_moves(scenario, intervention, propagate=propagate)[0]


def apply_with_moves(
    scenario: Scenario,
    intervention: AnyIntervention | Iterable[AnyIntervention],
    *,
    propagate: bool = True,
) -> tuple[Scenario, list[Move]]:
    """Like :func:`apply_intervention`, also returning every parameter move made."""
    given: Iterable[AnyIntervention]
    if isinstance(intervention, (Intervention, InterventionRef)):
        given = [intervention]
    else:
        given = intervention
    items = [as_intervention(i) for i in given]
    doc = copy.deepcopy(scenario.to_document())
    doc.pop("interventions", None)
    moves: list[Move] = []
    for iv in items:
        moves += _apply_one(doc, iv, propagate)
    try:
        result = build_scenario(doc, file=f"intervention {', '.join(i.id for i in items)}")
    except KingmakerError as exc:
        raise InterventionError(f"the intervention gives an invalid scenario:\n{exc}") from None
    if scenario.origin is not None:
        result._origin = scenario.origin
    return result, moves


# ------------------------------------------------------------------ document manipulation


def _actors(doc: dict) -> dict[str, dict]:
    return {a["id"]: a for a in doc["actors"]}


def _scale(doc: dict, issue_id: str) -> tuple[float, float]:
    for issue in doc["issues"]:
        if issue["id"] == issue_id:
            sc = issue.get("scale", {})
            return float(sc.get("min", 0.0)), float(sc.get("max", 100.0))
    raise InterventionError(f"unknown issue {issue_id!r}")


def _bounds(doc: dict, parameter: str, issue_id: str) -> tuple[float, float]:
    if parameter == "position":
        return _scale(doc, issue_id)
    if parameter == "salience":
        return 0.0, 1.0
    return 0.0, float("inf")


def _as_quantity(value: Any) -> dict:
    return {"value": value} if isinstance(value, (int, float)) else dict(value)


def _transform(
    quantity: Any, op: str, amount: float, lo: float, hi: float, note: str
) -> tuple[dict, float, float]:
    """New quantity document, old value, new value."""
    q = _as_quantity(quantity)
    old = float(q["value"])

    def clip(x: float) -> float:
        return min(max(x, lo), hi)

    if op == "set":
        q = {k: v for k, v in q.items() if k != "range"}
        q["value"] = clip(amount)
    else:
        fn = (lambda x: clip(x + amount)) if op == "shift" else (lambda x: clip(x * amount))
        q["value"] = fn(old)
        if "range" in q:
            rng = dict(q["range"])
            for key in ("low", "mode", "high"):
                if key in rng:
                    rng[key] = fn(float(rng[key]))
            q["range"] = rng
    q["judgement"] = f"{q['judgement']} [{note}]" if q.get("judgement") else note
    return q, old, float(q["value"])


def _change_parameter(
    doc: dict,
    actor_id: str,
    issue_id: str | None,
    parameter: str,
    op: str,
    amount: float,
    note: str,
    via: str | None = None,
) -> list[Move]:
    actor = _actors(doc).get(actor_id)
    if actor is None:
        raise InterventionError(f"actor {actor_id!r} is not in the scenario at this point")
    stances = actor.setdefault("issues", {})
    if issue_id is not None and issue_id not in stances:
        raise InterventionError(f"actor {actor_id!r} has no stance on issue {issue_id!r}")
    issues = [issue_id] if issue_id is not None else list(stances)
    moves: list[Move] = []
    if parameter == "capability":
        if issue_id is None and "capability" in actor:
            actor["capability"], old, new = _transform(
                actor["capability"], op, amount, 0.0, float("inf"), note
            )
            moves.append(Move(actor_id, None, "capability", old, new, via))
        for iss in issues:
            stance = stances[iss]
            if "capability" in stance:
                stance["capability"], old, new = _transform(
                    stance["capability"], op, amount, 0.0, float("inf"), note
                )
                moves.append(Move(actor_id, iss, "capability", old, new, via))
            elif issue_id is not None:  # give this issue its own capability
                base = actor.get("capability")
                if base is None:
                    raise InterventionError(f"actor {actor_id!r} has no capability to change")
                stance["capability"], old, new = _transform(
                    {"value": _as_quantity(base)["value"]}, op, amount, 0.0, float("inf"), note
                )
                moves.append(Move(actor_id, iss, "capability", old, new, via))
        return moves
    for iss in issues:
        lo, hi = _bounds(doc, parameter, iss)
        stance = stances[iss]
        stance[parameter], old, new = _transform(stance[parameter], op, amount, lo, hi, note)
        moves.append(Move(actor_id, iss, parameter, old, new, via))
    return moves


def _apply_one(doc: dict, iv: Intervention, propagate: bool) -> list[Move]:
    moves: list[Move] = []
    explicit = {
        (c.actor, c.issue, c.parameter)
        for c in iv.changes
        if isinstance(c, (SetParameter, ShiftParameter, ScaleParameter))
    }
    for change in iv.changes:
        note = f"changed by intervention {iv.id!r}"
        if isinstance(change, (SetParameter, ShiftParameter, ScaleParameter)):
            if isinstance(change, SetParameter):
                op, amount = "set", change.to
            elif isinstance(change, ShiftParameter):
                op, amount = "shift", change.by
            else:
                op, amount = "scale", change.factor
            made = _change_parameter(
                doc, change.actor, change.issue, change.parameter, op, amount, note
            )
            moves += made
            if propagate and change.parameter in ("position", "salience"):
                moves += _propagate(doc, iv, made, explicit)
        elif isinstance(change, AddActor):
            if change.actor.id in _actors(doc):
                raise InterventionError(f"actor {change.actor.id!r} is already in the scenario")
            doc["actors"].append(
                change.actor.model_dump(mode="json", by_alias=True, exclude_defaults=True)
            )
        elif isinstance(change, RemoveActor):
            if change.actor not in _actors(doc):
                raise InterventionError(f"actor {change.actor!r} is not in the scenario")
            doc["actors"] = [a for a in doc["actors"] if a["id"] != change.actor]
            doc["relations"] = [
                r for r in doc.get("relations", []) if change.actor not in (r["from"], r["to"])
            ]
        elif isinstance(change, SetRelation):
            rels = [
                r
                for r in doc.get("relations", [])
                if (r["from"], r["to"], r["kind"]) != (change.from_, change.to, change.kind)
            ]
            if change.strength > 0:
                rels.append(
                    {
                        "from": change.from_,
                        "to": change.to,
                        "kind": change.kind,
                        "strength": change.strength,
                        "judgement": note,
                    }
                )
            doc["relations"] = rels
    return moves


def _propagate(
    doc: dict,
    iv: Intervention,
    made: list[Move],
    explicit: Set[tuple[str, str | None, str]],
) -> list[Move]:
    links = _links(
        (r["from"], r["to"], r["kind"], r["strength"], r.get("issues", ()))
        for r in doc.get("relations", [])
    )
    moves: list[Move] = []
    for move in made:
        for proxy, strength, issues in links.get(move.actor, []):
            if issues and move.issue not in issues:
                continue
            if (proxy, move.issue, move.parameter) in explicit or (
                proxy,
                None,
                move.parameter,
            ) in explicit:
                continue
            stances = _actors(doc).get(proxy, {}).get("issues", {})
            if move.issue not in stances or move.delta == 0 or strength == 0:
                continue
            moves += _change_parameter(
                doc,
                proxy,
                move.issue,
                move.parameter,
                "shift",
                strength * move.delta,
                f"follows patron {move.actor!r} under intervention {iv.id!r}",
                via=move.actor,
            )
    return moves
