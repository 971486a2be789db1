"""The sensitivity record: which uncertain numbers, and which actors, drive each forecast."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from .numbers import UncertainNumber
from .record import Provenance, Record, check_kind, head, jsonable, optional


@dataclass(frozen=True)
class FactorEffect:
    """How one uncertain number moves one model's forecast of one issue."""

    factor: UncertainNumber
    at_low: float | None = None
    at_high: float | None = None
    s1: float | None = None
    s1_conf: float | None = None
    st: float | None = None
    st_conf: float | None = None

    @property
    def swing(self) -> float | None:
        if self.at_low is None or self.at_high is None:
            return None
        return abs(self.at_high - self.at_low)

    @property
    def matters(self) -> bool:
        """False when neither method sees any effect at all (e.g. a number of another issue)."""
        return bool(self.swing) or bool(self.st) or bool(self.s1)

    def to_dict(self) -> dict[str, Any]:
        f = self.factor
        return jsonable(
            {
                "parameter": f.parameter,
                "actor": f.actor,
                "issue": f.issue,
                "name": f.name,
                "low": f.low,
                "value": f.value,
                "mode": f.mode,
                "high": f.high,
                "distribution": f.distribution,
                "at_low": self.at_low,
                "at_high": self.at_high,
                "swing": self.swing,
                "S1": self.s1,
                "S1_conf": self.s1_conf,
                "ST": self.st,
                "ST_conf": self.st_conf,
            }
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> FactorEffect:
        return cls(
            UncertainNumber.from_dict(doc),
            optional(doc.get("at_low")),
            optional(doc.get("at_high")),
            optional(doc.get("S1")),
            optional(doc.get("S1_conf")),
            optional(doc.get("ST")),
            optional(doc.get("ST_conf")),
        )


@dataclass(frozen=True)
class ActorEffect:
    """An actor's numbers taken together (bounds on its share of the variance)."""

    actor: str
    first_order_sum: float | None
    total_sum: float | None
    largest_swing: float | None

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "actor": self.actor,
                "first_order_sum": self.first_order_sum,
                "total_sum": self.total_sum,
                "largest_swing": self.largest_swing,
            }
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> ActorEffect:
        return cls(
            doc["actor"],
            optional(doc.get("first_order_sum")),
            optional(doc.get("total_sum")),
            optional(doc.get("largest_swing")),
        )


@dataclass(frozen=True)
class IssueSensitivity:
    """Ranked effects of every uncertain number on one model's forecast of one issue."""

    model: str
    issue: str
    point: float
    variance: float | None  # of the outcome over the Sobol design; None without Sobol
    effects: tuple[FactorEffect, ...]  # most influential first
    actors: tuple[ActorEffect, ...]  # most influential first

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "model": self.model,
                "issue": self.issue,
                "point": self.point,
                "variance": self.variance,
                "factors": [e.to_dict() for e in self.effects],
                "actors": [a.to_dict() for a in self.actors],
            }
        )

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> IssueSensitivity:
        return cls(
            doc["model"],
            doc["issue"],
            float(doc["point"]) if doc["point"] is not None else float("nan"),
            optional(doc.get("variance")),
            tuple(FactorEffect.from_dict(e) for e in doc["factors"]),
            tuple(ActorEffect.from_dict(a) for a in doc["actors"]),
        )


@dataclass(frozen=True, eq=False)
class Sensitivity(Record):
    """Sensitivity of every model's forecast of every issue to the uncertain numbers."""

    kind: ClassVar[str] = "sensitivity"

    provenance: Provenance
    title: str
    spread: float | None
    methods: tuple[str, ...]
    samples: int | None
    resamples: int | None
    conf_level: float | None
    factors: tuple[UncertainNumber, ...]
    issues: tuple[str, ...]
    results: tuple[IssueSensitivity, ...]

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
    def models(self) -> tuple[str, ...]:
        return self.provenance.model_keys

    @property
    def evaluations(self) -> int:
        """Model runs the analysis made (each model, each row of each design)."""
        F = len(self.factors)
        tornado = 1 + 2 * F if "tornado" in self.methods else 0
        sobol = self.samples * (F + 2) if "sobol" in self.methods and F and self.samples else 0
        return tornado + sobol

    def result(self, model: str, issue: str) -> IssueSensitivity:
        for r in self.results:
            if r.model == model and r.issue == issue:
                return r
        raise KeyError((model, issue))

    def to_dict(self) -> dict[str, Any]:
        return {
            **head(self),
            "scenario": self.scenario,
            "title": self.title,
            "seed": jsonable(self.seed),
            "spread": self.spread,
            "methods": list(self.methods),
            "samples": self.samples,
            "resamples": self.resamples,
            "conf_level": self.conf_level,
            "evaluations": self.evaluations,
            "uncertain": [jsonable(f.to_dict()) for f in self.factors],
            "models": list(self.models),
            "issues": list(self.issues),
            "results": [r.to_dict() for r in self.results],
            "scenario_hash": self.scenario_hash,
            "kingmaker_version": self.kingmaker_version,
        }

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None
    ) -> Sensitivity:
        check_kind(doc, cls.kind)
        return cls(
            provenance=Provenance.from_dict(doc["provenance"]),
            title=doc["title"],
            spread=doc.get("spread"),
            methods=tuple(doc["methods"]),
            samples=doc.get("samples"),
            resamples=doc.get("resamples"),
            conf_level=doc.get("conf_level"),
            factors=tuple(UncertainNumber.from_dict(f) for f in doc["uncertain"]),
            issues=tuple(doc["issues"]),
            results=tuple(IssueSensitivity.from_dict(r) for r in doc["results"]),
        )
