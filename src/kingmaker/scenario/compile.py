"""Scenario -> arrays: the boundary between documents and numeric kernels.

Kernels never see a Scenario: they get a :class:`Batch` of capability, position and salience
arrays shaped (draws, actors, issues). A single forecast is a batch of one; Monte Carlo fills
the draw axis. :class:`ScenarioArrays` also carries every number's uncertainty range, so the
uncertainty analysis can sample without going back to the document.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

import numpy as np

from .schema import Quantity, Scenario

PARAMETERS = ("capability", "position", "salience")
#: Codes of :attr:`ScenarioArrays.distribution`; FIXED means the number has no range.
FIXED, UNIFORM, TRIANGULAR, PERT = -1, 0, 1, 2
DISTRIBUTIONS = {"uniform": UNIFORM, "triangular": TRIANGULAR, "pert": PERT}


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class Batch:
    """Model input: B draws of every actor's numbers on every issue.

    ``capability``, ``position`` and ``salience`` are float64 (B, n, m); entries of actors
    absent from an issue (``present`` False) are NaN and must be ignored by kernels.
    """

    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    capability: np.ndarray
    position: np.ndarray
    salience: np.ndarray
    present: np.ndarray
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray

    @property
    def size(self) -> int:
        return self.position.shape[0]

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    def replace(self, **values: np.ndarray) -> Batch:
        """The same structure with other values (e.g. draws); arrays must be (B, n, m)."""
        fields = {k: getattr(self, k) for k in self.__dataclass_fields__}
        for key, arr in values.items():
            if key not in PARAMETERS:
                raise KeyError(key)
            arr = np.asarray(arr, dtype=np.float64)
            if arr.ndim != 3 or arr.shape[1:] != self.present.shape:
                raise ValueError(
                    f"{key} must be (B, {self.n_actors}, {self.n_issues}), got {arr.shape}"
                )
            fields[key] = arr
        sizes = {fields[k].shape[0] for k in PARAMETERS}
        if len(sizes) != 1:
            raise ValueError(f"capability, position and salience disagree on B: {sizes}")
        return Batch(**fields)


@dataclass(frozen=True, eq=False)
class ScenarioArrays:
    """A scenario's numbers as (n actors, m issues) arrays, with their ranges.

    For each parameter p in capability/position/salience: ``value[p]``, ``low[p]``,
    ``mode[p]``, ``high[p]`` (NaN where the actor is absent) and ``distribution[p]`` (int8
    codes, FIXED where the number has no range).
    """

    scenario_id: str
    scenario_hash: str
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    present: np.ndarray
    value: dict[str, np.ndarray]
    low: dict[str, np.ndarray]
    mode: dict[str, np.ndarray]
    high: dict[str, np.ndarray]
    distribution: dict[str, np.ndarray]
    scale_min: np.ndarray
    scale_max: np.ndarray
    status_quo: np.ndarray
    outcome: np.ndarray

    def batch(self, size: int = 1) -> Batch:
        """The base values repeated ``size`` times along the draw axis (read-only views)."""

        def rep(a: np.ndarray) -> np.ndarray:
            return np.broadcast_to(a, (size, *a.shape))

        return Batch(
            actor_ids=self.actor_ids,
            issue_ids=self.issue_ids,
            capability=rep(self.value["capability"]),
            position=rep(self.value["position"]),
            salience=rep(self.value["salience"]),
            present=self.present,
            scale_min=self.scale_min,
            scale_max=self.scale_max,
            status_quo=self.status_quo,
        )

    def ranged(self) -> list[tuple[str, int, int]]:
        """Every (parameter, actor index, issue index) whose number has a range."""
        out = []
        for p in PARAMETERS:
            for a, i in zip(*np.nonzero(self.distribution[p] != FIXED), strict=True):
                out.append((p, int(a), int(i)))
        return out


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario's canonical JSON: identifies exactly what a result was run on."""
    canonical = json.dumps(scenario.to_document(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compile_scenario(scenario: Scenario) -> ScenarioArrays:
    """Turn a validated scenario into arrays (actors and issues in document order)."""
    actors, issues = scenario.actors, scenario.issues
    n, m = len(actors), len(issues)
    present = np.zeros((n, m), dtype=bool)
    value = {p: np.full((n, m), np.nan) for p in PARAMETERS}
    low = {p: np.full((n, m), np.nan) for p in PARAMETERS}
    mode = {p: np.full((n, m), np.nan) for p in PARAMETERS}
    high = {p: np.full((n, m), np.nan) for p in PARAMETERS}
    dist = {p: np.full((n, m), FIXED, dtype=np.int8) for p in PARAMETERS}

    def put(p: str, a: int, i: int, q: Quantity) -> None:
        value[p][a, i] = q.value
        low[p][a, i] = q.low
        mode[p][a, i] = q.mode
        high[p][a, i] = q.high
        if q.range is not None and q.range.low < q.range.high:
            dist[p][a, i] = DISTRIBUTIONS[q.range.distribution]

    for a, actor in enumerate(actors):
        for i, issue in enumerate(issues):
            stance = actor.issues.get(issue.id)
            if stance is None:
                continue
            present[a, i] = True
            capability = actor.capability_on(issue.id)
            assert capability is not None  # validation gives every stance a capability
            put("capability", a, i, capability)
            put("position", a, i, stance.position)
            put("salience", a, i, stance.salience)

    def per_issue(get) -> np.ndarray:
        return _readonly(np.array([get(issue) for issue in issues], dtype=np.float64))

    for d in (value, low, mode, high, dist):
        for arr in d.values():
            _readonly(arr)
    return ScenarioArrays(
        scenario_id=scenario.id,
        scenario_hash=scenario_hash(scenario),
        actor_ids=scenario.actor_ids,
        issue_ids=scenario.issue_ids,
        present=_readonly(present),
        value=value,
        low=low,
        mode=mode,
        high=high,
        distribution=dist,
        scale_min=per_issue(lambda s: s.scale.min),
        scale_max=per_issue(lambda s: s.scale.max),
        status_quo=per_issue(lambda s: s.status_quo.value if s.status_quo else np.nan),
        outcome=per_issue(lambda s: s.outcome.value if s.outcome else np.nan),
    )
