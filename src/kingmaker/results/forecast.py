"""The forecast record: every requested model's forecast of every issue, with its path.

``to_dict`` gives the JSON contract ``kingmaker forecast --format json`` prints
(docs/reference/json-output.md); ``to_frame`` and ``trajectory_frame`` give pandas tables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from .calibration import (
    CalibrationInfo,
    Intervals,
    calibrated_columns,
    intervals_from_json,
    intervals_to_json,
)
from .record import Provenance, Record, check_kind, floats, head, jsonable, number, optional


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
    #: Intervals calibrated on a backtest (level -> (low, high)); empty without calibration.
    calibrated: Intervals = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ModelRun:
    """One model (and variant) run on a scenario."""

    model: str
    title: str
    variant: str | None
    params: Mapping[str, Any]
    issues: tuple[IssueForecast, ...]
    extras: Mapping[str, Any] = field(default_factory=dict)
    key: str = ""

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.model)

    @property
    def label(self) -> str:
        """A model's column label: its name, and its variant when it has one."""
        return self.model + (f":{self.variant}" if self.variant else "")

    def issue(self, issue_id: str) -> IssueForecast:
        for f in self.issues:
            if f.issue == issue_id:
                return f
        raise KeyError(issue_id)


@dataclass(frozen=True, eq=False)
class Forecast(Record):
    """Every requested model's forecast of every issue of a scenario."""

    kind: ClassVar[str] = "forecast"

    provenance: Provenance
    title: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    observed: Mapping[str, float | None]
    scales: Mapping[str, tuple[float, float]]
    runs: tuple[ModelRun, ...]
    #: The calibration the issues' ``calibrated`` intervals come from (None: none shown).
    calibration: CalibrationInfo | None = None

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
                    **({"calibrated": intervals_to_json(f.calibrated)} if f.calibrated else {}),
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
            **head(self),
            "scenario": self.scenario,
            "title": self.title,
            "actors": list(self.actors),
            "issues": issues,
            "runs": {
                r.key: {
                    "model": r.model,
                    "title": r.title,
                    "variant": r.variant,
                    "params": jsonable(r.params),
                    **({"extras": jsonable(r.extras)} if r.extras else {}),
                }
                for r in self.runs
            },
            "seed": jsonable(self.seed),
            "scenario_hash": self.scenario_hash,
            "kingmaker_version": self.kingmaker_version,
            **({"calibration": self.calibration.to_dict()} if self.calibration else {}),
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None) -> Forecast:
        check_kind(doc, cls.kind)
        runs = []
        for key, info in doc["runs"].items():
            per_issue = []
            for issue in doc["issues"]:
                f = issue["models"][key]
                per_issue.append(
                    IssueForecast(
                        issue=issue["id"],
                        forecast=number(f["forecast"]),
                        trajectory=floats(f["trajectory"]),
                        rounds=int(f["rounds"]),
                        converged=bool(f["converged"]),
                        stop_reason=f["stop_reason"],
                        extras=f.get("extras", {}),
                        calibrated=intervals_from_json(f.get("calibrated")),
                    )
                )
            runs.append(
                ModelRun(
                    model=info["model"],
                    title=info.get("title", ""),
                    variant=info.get("variant"),
                    params=info.get("params", {}),
                    issues=tuple(per_issue),
                    extras=info.get("extras", {}),
                    key=key,
                )
            )
        return cls(
            provenance=Provenance.from_dict(doc["provenance"]),
            title=doc["title"],
            actors=tuple(doc["actors"]),
            issues=tuple(i["id"] for i in doc["issues"]),
            observed={i["id"]: optional(i.get("observed")) for i in doc["issues"]},
            scales={i["id"]: (float(i["scale"][0]), float(i["scale"][1])) for i in doc["issues"]},
            runs=tuple(runs),
            calibration=CalibrationInfo.from_dict(doc.get("calibration")),
        )

    def to_frame(self):
        """One row per (model, issue): forecast, observed outcome, error, rounds, convergence;
        with a calibration, ``calibrated80_low`` / ``calibrated80_high`` per level."""
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
                        **calibrated_columns(self.calibration, f.calibrated),
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
