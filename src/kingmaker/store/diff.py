"""What changed between two stored runs: the scenario's numbers, the settings, and each
model's forecast of each issue.

Scenario documents are compared leaf by leaf, lists of things with ids (actors, issues,
sources) matched by id rather than by position, so that inserting an actor does not show every
later actor as changed. Numbers come first; text changes (quotes, notes) after them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..results import jsonable
from .store import StoredRun

Path = tuple[str, ...]
_MISSING = object()


@dataclass(frozen=True)
class Change:
    """One leaf that differs. ``old``/``new`` are None where the leaf is absent."""

    path: Path
    old: Any
    new: Any

    @property
    def where(self) -> str:
        return ".".join(self.path)

    @property
    def numeric(self) -> bool:
        return _is_number(self.old) or _is_number(self.new)

    def to_dict(self) -> dict[str, Any]:
        return {"path": list(self.path), "old": jsonable(self.old), "new": jsonable(self.new)}


@dataclass(frozen=True)
class ForecastChange:
    model: str
    issue: str
    old: float | None
    new: float | None

    @property
    def change(self) -> float | None:
        if self.old is None or self.new is None:
            return None
        return self.new - self.old

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "model": self.model,
                "issue": self.issue,
                "old": self.old,
                "new": self.new,
                "change": self.change,
            }
        )


@dataclass(frozen=True)
class RunDiff:
    """Run ``a`` -> run ``b``."""

    a: str
    b: str
    commands: tuple[str, str]
    scenarios: tuple[str, str]
    same_scenario: bool
    scenario: tuple[Change, ...]
    settings: tuple[Change, ...]
    forecasts: tuple[ForecastChange, ...]

    @property
    def moved(self) -> tuple[ForecastChange, ...]:
        """The forecasts both runs made that changed (by more than rounding)."""
        return tuple(
            f
            for f in self.forecasts
            if f.change is not None and abs(f.change) > 1e-9 * max(1.0, abs(f.old or 0.0))
        )

    @property
    def only_in(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Models whose forecasts only run a, and only run b, made."""
        a = dict.fromkeys(f.model for f in self.forecasts if f.new is None and f.old is not None)
        b = dict.fromkeys(f.model for f in self.forecasts if f.old is None and f.new is not None)
        return tuple(a), tuple(b)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": "run-diff",
            "a": self.a,
            "b": self.b,
            "commands": list(self.commands),
            "scenarios": list(self.scenarios),
            "same_scenario": self.same_scenario,
            "scenario": [c.to_dict() for c in self.scenario],
            "settings": [c.to_dict() for c in self.settings],
            "forecasts": [f.to_dict() for f in self.forecasts],
        }


def diff_runs(a: StoredRun, b: StoredRun) -> RunDiff:
    found = changes(a.scenario_document or {}, b.scenario_document or {})
    scenario = tuple(sorted(found, key=lambda c: not c.numeric))  # stable: numbers first
    forecasts = []
    ha, hb = a.headline or {}, b.headline or {}
    for model in dict.fromkeys([*ha, *hb]):
        issues = dict.fromkeys([*ha.get(model, {}), *hb.get(model, {})])
        for issue in issues:
            old = ha.get(model, {}).get(issue)
            new = hb.get(model, {}).get(issue)
            forecasts.append(ForecastChange(model, issue, old, new))
    return RunDiff(
        a=a.id,
        b=b.id,
        commands=(a.command, b.command),
        scenarios=(a.scenario_id, b.scenario_id),
        same_scenario=a.scenario_hash == b.scenario_hash,
        scenario=tuple(scenario),
        settings=tuple(changes(a.settings, b.settings)),
        forecasts=tuple(forecasts),
    )


def changes(old: Any, new: Any) -> list[Change]:
    """Every leaf of two JSON documents that differs, in document order."""
    a, b = flatten(old), flatten(new)
    out = []
    for path in dict.fromkeys([*a, *b]):
        x, y = a.get(path, _MISSING), b.get(path, _MISSING)
        if not _same(x, y):
            out.append(Change(path, None if x is _MISSING else x, None if y is _MISSING else y))
    return out


def flatten(doc: Any, path: Path = ()) -> dict[Path, Any]:
    """Leaves of a JSON document by path; list items with an ``id`` are keyed by it."""
    if isinstance(doc, Mapping):
        if not doc:
            return {path: {}}
        out: dict[Path, Any] = {}
        for k, v in doc.items():
            out.update(flatten(v, (*path, str(k))))
        return out
    if isinstance(doc, list):
        if not doc:
            return {path: []}
        if all(isinstance(x, Mapping) and "id" in x for x in doc):
            out = {}
            for x in doc:
                out.update(flatten({k: v for k, v in x.items() if k != "id"}, (*path, x["id"])))
            return out
        if all(not isinstance(x, (Mapping, list)) for x in doc):
            return {path: doc}  # a list of plain values is one leaf (aliases, defaults)
        out = {}
        for n, x in enumerate(doc):
            out.update(flatten(x, (*path, f"[{n}]")))
        return out
    return {path: doc}


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _same(x: Any, y: Any) -> bool:
    if _is_number(x) and _is_number(y):
        return x == y or (math.isnan(x) and math.isnan(y))
    return x == y
