"""Result records: frozen, self-describing, rendered by every interface the same way.

A :class:`Forecast` says what was run (models, variants, validated parameters, seed), on what
(scenario id and hash) and by which Kingmaker version. ``to_dict`` gives the JSON contract the
CLI prints with ``--format json``; ``to_frame`` and ``trajectory_frame`` give pandas tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def jsonable(value: Any) -> Any:
    """Plain JSON data from records' contents: arrays to lists, NaN/inf to None."""
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump(mode="json"))
    return value


@dataclass(frozen=True, eq=False)
class IssueForecast:
    """One model's forecast of one issue, with the path that led to it."""

    issue: str
    forecast: float
    trajectory: np.ndarray  # (rounds + 1, n actors); NaN for actors absent from the issue
    rounds: int
    converged: bool
    stop_reason: str
    extras: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ModelRun:
    """One model (and variant) run on a scenario."""

    model: str
    title: str
    variant: str | None
    params: Mapping[str, Any]
    issues: tuple[IssueForecast, ...]
    extras: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.model

    def issue(self, issue_id: str) -> IssueForecast:
        for f in self.issues:
            if f.issue == issue_id:
                return f
        raise KeyError(issue_id)


@dataclass(frozen=True, eq=False)
class Forecast:
    """Every requested model's forecast of every issue of a scenario."""

    scenario: str
    title: str
    scenario_hash: str
    kingmaker_version: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    observed: Mapping[str, float | None]
    scales: Mapping[str, tuple[float, float]]
    runs: tuple[ModelRun, ...]
    seed: int | None = None

    def run(self, model: str) -> ModelRun:
        for r in self.runs:
            if r.key == model:
                return r
        raise KeyError(model)

    def value(self, model: str, issue: str) -> float:
        return self.run(model).issue(issue).forecast

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract (docs/reference/json-output.md); extra keys may be added."""
        issues = []
        for issue_id in self.issues:
            models = {}
            for r in self.runs:
                f = r.issue(issue_id)
                models[r.key] = {
                    "forecast": jsonable(f.forecast),
                    "trajectory": jsonable(f.trajectory),
                    "rounds": f.rounds,
                    "converged": bool(f.converged),
                    "stop_reason": f.stop_reason,
                    **({"extras": jsonable(f.extras)} if f.extras else {}),
                }
            lo, hi = self.scales[issue_id]
            issues.append(
                {
                    "id": issue_id,
                    "scale": [lo, hi],
                    "observed": jsonable(self.observed.get(issue_id)),
                    "models": models,
                }
            )
        return {
            "scenario": self.scenario,
            "title": self.title,
            "actors": list(self.actors),
            "issues": issues,
            "runs": {
                r.key: {
                    "model": r.model,
                    "variant": r.variant,
                    "params": jsonable(r.params),
                    **({"extras": jsonable(r.extras)} if r.extras else {}),
                }
                for r in self.runs
            },
            "seed": self.seed,
            "scenario_hash": self.scenario_hash,
            "kingmaker_version": self.kingmaker_version,
        }

    def to_frame(self):
        """One row per (model, issue): forecast, observed outcome, error, rounds, convergence."""
        import pandas as pd

        rows = []
        for r in self.runs:
            for f in r.issues:
                obs = self.observed.get(f.issue)
                rows.append(
                    {
                        "scenario": self.scenario,
                        "model": r.key,
                        "variant": r.variant,
                        "issue": f.issue,
                        "forecast": f.forecast,
                        "observed": np.nan if obs is None else obs,
                        "error": np.nan if obs is None else f.forecast - obs,
                        "rounds": f.rounds,
                        "converged": f.converged,
                        "stop_reason": f.stop_reason,
                    }
                )
        return pd.DataFrame(rows)

    def trajectory_frame(self):
        """Long table of every actor's position per model, issue and round."""
        import pandas as pd

        rows = []
        for r in self.runs:
            for f in r.issues:
                for t, row in enumerate(f.trajectory):
                    for actor, x in zip(self.actors, row, strict=True):
                        if not np.isnan(x):
                            rows.append(
                                {
                                    "model": r.key,
                                    "issue": f.issue,
                                    "round": t,
                                    "actor": actor,
                                    "position": float(x),
                                }
                            )
        return pd.DataFrame(rows, columns=["model", "issue", "round", "actor", "position"])
