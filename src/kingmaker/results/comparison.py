"""The comparison record: two simulations on the same draws and their difference, draw by draw.

Made by :func:`kingmaker.compare` / :func:`kingmaker.paired`. Its document holds both
simulations' documents, so it is read back whole; the draws of both are its arrays
(prefixed ``a/`` and ``b/``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from .record import Provenance, Record, check_kind, head
from .simulation import Simulation
from .summaries import DifferenceSummary, difference_summary


@dataclass(frozen=True, eq=False)
class Comparison(Record):
    """Two simulations on the same draws, and the difference (b - a) per model pair and issue."""

    kind: ClassVar[str] = "comparison"

    provenance: Provenance
    labels: tuple[str, str]
    a: Simulation
    b: Simulation
    pairs: tuple[tuple[str, str], ...]
    issues: tuple[str, ...]

    def difference(self, pair: str | tuple[str, str], issue: str) -> np.ndarray:
        """b - a on every draw, for a model key (same in both) or a (key in a, key in b)."""
        ka, kb = (pair, pair) if isinstance(pair, str) else pair
        return self.b.values(kb, issue) - self.a.values(ka, issue)

    def summary(self, pair: str | tuple[str, str], issue: str) -> DifferenceSummary:
        ka, kb = (pair, pair) if isinstance(pair, str) else pair
        return difference_summary(self.a.values(ka, issue), self.b.values(kb, issue))

    def to_dict(self) -> dict[str, Any]:
        out = []
        for ka, kb in self.pairs:
            issues = []
            for issue in self.issues:
                issues.append(
                    {
                        "id": issue,
                        "a": self.a.summary(ka, issue).to_dict(),
                        "b": self.b.summary(kb, issue).to_dict(),
                        "difference": self.summary((ka, kb), issue).to_dict(),
                    }
                )
            out.append({"a": ka, "b": kb, "issues": issues})
        sides = {}
        for side, label, sim in (("a", self.labels[0], self.a), ("b", self.labels[1], self.b)):
            sides[side] = {
                "label": label,
                "scenario": sim.scenario,
                "scenario_hash": sim.scenario_hash,
                "simulation": sim.to_dict(),
            }
        return {
            **head(self),
            **sides,
            "draws": self.a.draws,
            "seed": self.a.to_dict()["seed"],
            "spread": self.a.spread,
            "pairs": out,
            "issues": list(self.issues),
            "kingmaker_version": self.provenance.kingmaker_version,
        }

    def arrays(self) -> dict[str, np.ndarray]:
        return {**self.a.result.arrays("a/"), **self.b.result.arrays("b/")}

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None
    ) -> Comparison:
        check_kind(doc, cls.kind)
        arrays = arrays or {}
        sims = {}
        for side in ("a", "b"):
            prefix = f"{side}/"
            mine = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
            sims[side] = Simulation.from_dict(doc[side]["simulation"], mine)
        return cls(
            provenance=Provenance.from_dict(doc["provenance"]),
            labels=(doc["a"]["label"], doc["b"]["label"]),
            a=sims["a"],
            b=sims["b"],
            pairs=tuple((p["a"], p["b"]) for p in doc["pairs"]),
            issues=tuple(doc["issues"]),
        )
