"""The advice record: what an actor's levers do, which levers it has, what reaches a target.

Made by :func:`kingmaker.advise`. Interventions are kept as plain data
(:class:`InterventionRef`: id, name, the actor pulling it and its changes as written in a
scenario file), so the record does not depend on the scenario classes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .record import Provenance, Record, check_kind, floats, head, jsonable, number
from .summaries import DifferenceSummary, Distribution

_SIGN = {"below": "<", "above": ">", None: ":"}


@dataclass(frozen=True)
class InterventionRef:
    """An intervention as data: what :func:`kingmaker.scenario.interventions.apply_intervention`
    accepts besides the scenario's own intervention objects."""

    id: str
    name: str
    actor: str | None = None
    changes: tuple[Mapping[str, Any], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            **({"actor": self.actor} if self.actor else {}),
            "changes": [dict(c) for c in self.changes],
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> InterventionRef:
        return cls(doc["id"], doc["name"], doc.get("actor"), tuple(doc.get("changes", ())))

    @classmethod
    def of(cls, intervention: Any) -> InterventionRef:
        """From a scenario's intervention (anything with id, name, actor and changes)."""
        return cls(
            intervention.id,
            intervention.name,
            intervention.actor,
            tuple(
                c.model_dump(mode="json", by_alias=True, exclude_none=True)
                for c in intervention.changes
            ),
        )


@dataclass(frozen=True)
class LeverRef:
    """What the lever search reads from a single change: who is acted on, where, how much."""

    target: str
    issue: str | None
    parameter: str | None  # None: the actor leaves the table
    op: str | None
    amount: float


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

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Paired:
        return cls(
            {
                k: {i: DifferenceSummary.from_dict(d) for i, d in v.items()}
                for k, v in doc["difference"].items()
            },
            {k: Distribution.from_dict(g) for k, g in doc["gain"].items()},
        )


@dataclass(frozen=True, eq=False)
class Outcome:
    """What one intervention does: forecasts after it (models x issues), the change from the
    base, and the actor's gain per model."""

    intervention: InterventionRef
    kind: str
    cost: float
    after: np.ndarray
    delta: np.ndarray
    gain: np.ndarray
    lever: LeverRef | None = None
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
        out: dict[str, Any] = {
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
            return {**out, "error": self.error, "changes": list(self.intervention.changes)}
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
                "after": {
                    i: dict(zip(models, self.after[:, j].tolist(), strict=True))
                    for j, i in enumerate(issues)
                },
                "paired": self.paired.to_dict() if self.paired else None,
                "changes": list(self.intervention.changes),
            }
        )
        return out

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], models: Sequence[str], issues: Sequence[str]
    ) -> Outcome:
        ref = InterventionRef(doc["id"], doc["name"], doc.get("actor"), tuple(doc["changes"]))
        lever = None
        if "target" in doc:
            lever = LeverRef(
                doc["target"], doc["issue"], doc["parameter"], doc["op"], number(doc["amount"])
            )
        shape = (len(models), len(issues))
        if doc.get("error"):
            nan = np.full(shape, np.nan)
            return cls(
                ref,
                doc["kind"],
                number(doc["cost"]),
                nan,
                nan,
                np.full(len(models), np.nan),
                lever,
                None,
                doc["error"],
            )

        def table(key: str) -> np.ndarray:
            return floats([[doc[key][i][k] for i in issues] for k in models]).reshape(shape)

        return cls(
            ref,
            doc["kind"],
            number(doc["cost"]),
            table("after"),
            table("effects"),
            floats([doc["gain"][k] for k in models]),
            lever,
            Paired.from_dict(doc["paired"]) if doc.get("paired") else None,
        )


@dataclass(frozen=True)
class Target:
    """``ISSUE<VALUE`` (the forecast at or below), ``ISSUE>VALUE`` (at or above), or
    ``ISSUE:VALUE`` (to the value, from whichever side the forecast is on)."""

    issue: str
    value: float
    direction: str | None = None  # "below", "above", or None: toward the value

    def __str__(self) -> str:
        return f"{self.issue}{_SIGN[self.direction]}{self.value:g}"


@dataclass(frozen=True)
class Reach:
    """A single change that brings one model's forecast to the target."""

    actor: str
    parameter: str | None  # None: the actor leaves the table
    direction: int  # +1 up, -1 down
    size: float
    amount: float | None
    cost: float
    forecast: float
    intervention: InterventionRef

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "parameter": self.parameter,
            "direction": "up" if self.direction > 0 else "down",
            "size": self.size,
            "amount": self.amount,
            "cost": self.cost,
            "forecast": self.forecast,
            "change": self.intervention.name,
            "intervention": self.intervention.to_dict(),
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Reach:
        return cls(
            doc["actor"],
            doc["parameter"],
            1 if doc["direction"] == "up" else -1,
            number(doc["size"]),
            None if doc["amount"] is None else number(doc["amount"]),
            number(doc["cost"]),
            number(doc["forecast"]),
            InterventionRef.from_dict(doc["intervention"]),
        )


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
            "target_direction": self.target.direction,
            "model": self.model,
            "forecast": self.forecast,
            "direction": self.direction,
            "already_reached": self.already,
            "searched": self.searched,
            "reachable": bool(self.reaches),
            "changes": [r.to_dict() for r in self.reaches],
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> TargetResult:
        return cls(
            Target(doc["issue"], float(doc["value"]), doc.get("target_direction")),
            doc["model"],
            number(doc["forecast"]),
            doc["direction"],
            tuple(Reach.from_dict(r) for r in doc["changes"]),
            int(doc["searched"]),
            bool(doc["already_reached"]),
        )


@dataclass(frozen=True)
class Steps:
    """How large the searched levers are."""

    position: float = 0.1  # fraction of the issue's scale
    salience: float = 0.1
    capability: float = 0.8  # factor applied to a rival's capability (coercion)


@dataclass(frozen=True)
class Wants:
    """What the actor wants: its positions and normalised saliences on the issues it is
    judged on (from the scenario before any change)."""

    issues: tuple[str, ...]
    ideal: np.ndarray
    weight: np.ndarray


@dataclass(frozen=True, eq=False)
class Advice(Record):
    """Everything `kingmaker advise` reports, and how it was made."""

    kind: ClassVar[str] = "advice"

    provenance: Provenance
    title: str
    actor: str
    actor_name: str
    objective: Wants
    issues: tuple[str, ...]
    base: np.ndarray  # (models, issues)
    presets: tuple[Outcome, ...]
    levers: tuple[Outcome, ...]  # ranked, best first
    who_matters: tuple[Outcome, ...]  # each other actor kept away, largest |gain| first
    targets: tuple[TargetResult, ...]
    propagate: bool
    steps: Steps
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def scenario(self) -> str:
        return self.provenance.scenario

    @property
    def scenario_hash(self) -> str:
        return self.provenance.scenario_hash

    @property
    def kingmaker_version(self) -> str:
        return self.provenance.kingmaker_version

    @property
    def seed(self):
        return self.provenance.seed

    @property
    def draws(self) -> int:
        return self.provenance.draws

    @property
    def models(self) -> tuple[str, ...]:
        return self.provenance.model_keys

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
                **head(self),
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
                "names": dict(self.names),
                "presets": [o.to_dict(self.models, self.issues) for o in self.presets],
                "levers": [o.to_dict(self.models, self.issues) for o in self.levers],
                "who_matters": [o.to_dict(self.models, self.issues) for o in self.who_matters],
                "targets": [t.to_dict() for t in self.targets],
                "scenario_hash": self.scenario_hash,
                "kingmaker_version": self.kingmaker_version,
            }
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None) -> Advice:
        check_kind(doc, cls.kind)
        provenance = Provenance.from_dict(doc["provenance"])
        models, issues = tuple(doc["models"]), tuple(doc["issues"])
        wants = doc["wants"]

        def outcomes(key: str) -> tuple[Outcome, ...]:
            return tuple(Outcome.from_dict(o, models, issues) for o in doc[key])

        steps = doc["steps"]
        return cls(
            provenance=provenance,
            title=doc["title"],
            actor=doc["actor"],
            actor_name=doc["actor_name"],
            objective=Wants(
                tuple(w["issue"] for w in wants),
                floats([w["position"] for w in wants]),
                floats([w["weight"] for w in wants]),
            ),
            issues=issues,
            base=floats([[doc["base"][k][i] for i in issues] for k in models]).reshape(
                len(models), len(issues)
            ),
            presets=outcomes("presets"),
            levers=outcomes("levers"),
            who_matters=outcomes("who_matters"),
            targets=tuple(TargetResult.from_dict(t) for t in doc["targets"]),
            propagate=bool(doc["propagate"]),
            steps=Steps(steps["position"], steps["salience"], steps["capability"]),
            names=dict(doc.get("names", {})),
        )
