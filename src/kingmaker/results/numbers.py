"""An uncertain number of a scenario, as records describe it (what was sampled)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UncertainNumber:
    """One uncertain number: whose, which, its point value, its range and distribution.

    ``issue`` is None for an actor's capability given once for all its issues.
    """

    parameter: str
    actor: str
    issue: str | None
    value: float
    low: float
    mode: float
    high: float
    distribution: str

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the number across variants of a scenario (and its random stream)."""
        return (self.parameter, self.actor, self.issue or "*")

    @property
    def name(self) -> str:
        """``position/iran/troops``; ``capability/us`` for an actor-level capability."""
        return "/".join(k for k in (self.parameter, self.actor, self.issue) if k)

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.parameter,
            "actor": self.actor,
            "issue": self.issue,
            "value": self.value,
            "low": self.low,
            "mode": self.mode,
            "high": self.high,
            "distribution": self.distribution,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> UncertainNumber:
        return cls(
            parameter=doc["parameter"],
            actor=doc["actor"],
            issue=doc.get("issue"),
            value=float(doc["value"]),
            low=float(doc["low"]),
            mode=float(doc["mode"]),
            high=float(doc["high"]),
            distribution=doc["distribution"],
        )

    def describe(self) -> UncertainNumber:
        """The number alone (a subclass may carry where it sits in compiled arrays)."""
        return UncertainNumber(
            self.parameter,
            self.actor,
            self.issue,
            self.value,
            self.low,
            self.mode,
            self.high,
            self.distribution,
        )
