"""The simulation record: every model's forecast of every issue on each Monte Carlo draw.

Its JSON document (``kingmaker simulate --format json``) holds the summaries; the draws
themselves (inputs and, per model, forecasts, convergence and rounds) are its
:meth:`~Simulation.arrays`, kept as binary data by the run store and written as Parquet by
:mod:`kingmaker.results.draws`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from ..errors import AnalysisError
from .calibration import (
    CalibrationInfo,
    Intervals,
    calibrated_columns,
    intervals_from_json,
    intervals_to_json,
)
from .numbers import UncertainNumber
from .record import (
    ModelInfo,
    Provenance,
    Record,
    check_kind,
    head,
    jsonable,
    need_arrays,
    number,
    optional,
)
from .summaries import OutcomeSummary, Threshold, summarize


@dataclass(frozen=True, eq=False)
class Draws:
    """Per-row results in row order: inputs (R, F) and, per model key, (R, m) arrays."""

    inputs: np.ndarray | None
    forecast: Mapping[str, np.ndarray]
    converged: Mapping[str, np.ndarray]
    rounds: Mapping[str, np.ndarray]

    @property
    def rows(self) -> int:
        return next(iter(self.forecast.values())).shape[0] if self.forecast else 0

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        if self.inputs is not None:
            out[f"{prefix}inputs"] = self.inputs
        for what in ("forecast", "converged", "rounds"):
            for key, arr in getattr(self, what).items():
                out[f"{prefix}{what}/{key}"] = arr
        return out

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, Any], keys: tuple[str, ...], prefix: str = ""
    ) -> Draws:
        names = [f"{prefix}{w}/{k}" for w in ("forecast", "converged", "rounds") for k in keys]
        need_arrays(arrays, names, "simulation")
        kinds = {"forecast": np.float64, "converged": bool, "rounds": np.int64}
        parts = {
            w: {k: np.asarray(arrays[f"{prefix}{w}/{k}"], dtype=t) for k in keys}
            for w, t in kinds.items()
        }
        inputs = arrays.get(f"{prefix}inputs")
        return cls(
            None if inputs is None else np.asarray(inputs, dtype=np.float64),
            parts["forecast"],
            parts["converged"],
            parts["rounds"],
        )


@dataclass(frozen=True, eq=False)
class Simulation(Record):
    """Every model's forecast of every issue on each draw, and how the draws were made."""

    kind: ClassVar[str] = "simulation"

    provenance: Provenance
    title: str
    actors: tuple[str, ...]
    issues: tuple[str, ...]
    scales: Mapping[str, tuple[float, float]]
    observed: Mapping[str, float | None]
    spread: float | None
    block_size: int
    factors: tuple[UncertainNumber, ...]
    point: Mapping[str, np.ndarray]  # model key -> (m,) forecasts at the point values
    thresholds: tuple[Threshold, ...]
    result: Draws
    #: The calibration the ``calibrated`` intervals come from (None: none shown).
    calibration: CalibrationInfo | None = None
    #: model key -> issue -> level -> (low, high): the point forecast plus or minus the
    #: calibrated half-width (models the calibration does not cover are absent).
    calibrated: Mapping[str, Mapping[str, Intervals]] = field(default_factory=dict)

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
    def models(self) -> tuple[ModelInfo, ...]:
        return self.provenance.models

    @property
    def model_keys(self) -> tuple[str, ...]:
        return self.provenance.model_keys

    def _column(self, model: str, issue: str) -> int:
        if model not in self.result.forecast:
            raise KeyError(model)
        return self.issues.index(issue)

    def values(self, model: str, issue: str) -> np.ndarray:
        """The model's forecast of the issue on every draw, in draw order."""
        return self.result.forecast[model][:, self._column(model, issue)]

    def inputs(self, factor: str | tuple[str, str, str]) -> np.ndarray:
        """One uncertain number's value on every draw (by name or key)."""
        if self.result.inputs is None:
            raise AnalysisError("the simulation was run without keeping its inputs")
        for f, factor_ in enumerate(self.factors):
            if factor in (factor_.name, factor_.key):
                return self.result.inputs[:, f]
        raise KeyError(factor)

    def calibrated_intervals(self, model: str, issue: str) -> Intervals:
        """The model's calibrated intervals on the issue (empty when it has none)."""
        return self.calibrated.get(model, {}).get(issue, {})

    def summary(self, model: str, issue: str) -> OutcomeSummary:
        i = self._column(model, issue)
        ts = [t.value for t in self.thresholds if t.issue == issue]
        return summarize(
            self.point[model][i],
            self.result.forecast[model][:, i],
            self.result.converged[model][:, i],
            self.result.rounds[model][:, i],
            ts,
        )

    def to_dict(self) -> dict[str, Any]:
        """The full summary (``kingmaker simulate --format json``); no timings, no executor."""
        issues = []
        for issue in self.issues:
            lo, hi = self.scales[issue]
            issues.append(
                {
                    "id": issue,
                    "scale": [lo, hi],
                    "observed": jsonable(self.observed[issue]),
                    "models": {k: self._model_dict(k, issue) for k in self.model_keys},
                }
            )
        return {
            **head(self),
            "scenario": self.scenario,
            "title": self.title,
            "draws": self.draws,
            "seed": jsonable(self.seed),
            "block_size": self.block_size,
            "spread": self.spread,
            "actors": list(self.actors),
            "uncertain": [jsonable(f.to_dict()) for f in self.factors],
            "thresholds": [{"issue": t.issue, "value": t.value} for t in self.thresholds],
            "runs": {
                m.key: {"model": m.model, "variant": m.variant, "params": jsonable(m.params)}
                for m in self.models
            },
            "issues": issues,
            "scenario_hash": self.scenario_hash,
            "kingmaker_version": self.kingmaker_version,
            **({"calibration": self.calibration.to_dict()} if self.calibration else {}),
        }

    def _model_dict(self, key: str, issue: str) -> dict[str, Any]:
        doc = self.summary(key, issue).to_dict()
        intervals = self.calibrated_intervals(key, issue)
        if intervals:
            doc["calibrated"] = intervals_to_json(intervals)
        return doc

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, allow_nan=False)

    def arrays(self) -> dict[str, np.ndarray]:
        return self.result.arrays()

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None
    ) -> Simulation:
        check_kind(doc, cls.kind)
        provenance = Provenance.from_dict(doc["provenance"])
        keys = provenance.model_keys
        ids = tuple(i["id"] for i in doc["issues"])
        point = {
            k: np.array([number(i["models"][k]["point"]) for i in doc["issues"]]) for k in keys
        }
        return cls(
            provenance=provenance,
            title=doc["title"],
            actors=tuple(doc["actors"]),
            issues=ids,
            scales={i["id"]: (float(i["scale"][0]), float(i["scale"][1])) for i in doc["issues"]},
            observed={i["id"]: optional(i.get("observed")) for i in doc["issues"]},
            spread=doc.get("spread"),
            block_size=int(doc["block_size"]),
            factors=tuple(UncertainNumber.from_dict(f) for f in doc["uncertain"]),
            point=point,
            thresholds=tuple(Threshold(t["issue"], float(t["value"])) for t in doc["thresholds"]),
            result=Draws.from_arrays(arrays or {}, keys),
            calibration=CalibrationInfo.from_dict(doc.get("calibration")),
            calibrated={
                k: {
                    i["id"]: intervals_from_json(i["models"][k]["calibrated"])
                    for i in doc["issues"]
                    if i["models"][k].get("calibrated")
                }
                for k in keys
                if any(i["models"][k].get("calibrated") for i in doc["issues"])
            },
        )

    def summary_frame(self):
        """One row per (model, issue) with the summary statistics; thresholds as columns
        ``P(>VALUE)`` and ``P(<VALUE)`` (empty for issues the threshold is not about)."""
        import pandas as pd

        rows = []
        for key in self.model_keys:
            for issue in self.issues:
                s = self.summary(key, issue)
                d = s.distribution
                row = {
                    "scenario": self.scenario,
                    "model": key,
                    "issue": issue,
                    "point": s.point,
                    "median": d.median,
                    "mean": d.mean,
                    "std": d.std,
                    "p10": d.interval80[0],
                    "p90": d.interval80[1],
                    "p2.5": d.interval95[0],
                    "p97.5": d.interval95[1],
                    "converged": s.converged,
                    "rounds_mean": s.rounds_mean,
                    "observed": self.observed[issue],
                    "draws": d.draws,
                    **calibrated_columns(self.calibration, self.calibrated_intervals(key, issue)),
                }
                for t in self.thresholds:
                    row.setdefault(f"P(>{t.value:g})", None)
                    row.setdefault(f"P(<{t.value:g})", None)
                for v, above, below in s.thresholds:
                    row[f"P(>{v:g})"], row[f"P(<{v:g})"] = above, below
                rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self):
        """One row per draw: ``draw``, the inputs (``position/iran/troops``) and per model and
        issue ``forecast/MODEL/ISSUE``, ``converged/MODEL/ISSUE``, ``rounds/MODEL/ISSUE``."""
        import pandas as pd

        cols: dict[str, np.ndarray] = {"draw": np.arange(self.draws, dtype=np.int64)}
        if self.result.inputs is not None:
            for f, factor in enumerate(self.factors):
                cols[factor.name] = self.result.inputs[:, f]
        for what in ("forecast", "converged", "rounds"):
            arrays = getattr(self.result, what)
            for key in self.model_keys:
                for i, issue in enumerate(self.issues):
                    cols[f"{what}/{key}/{issue}"] = arrays[key][:, i]
        return pd.DataFrame(cols)
