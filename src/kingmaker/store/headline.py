"""The few numbers a listing shows for a run: each model's forecast of each issue."""

from __future__ import annotations

from typing import Any

from ..results import Forecast, Record, Simulation, jsonable


def headline(record: Record) -> dict[str, dict[str, float | None]] | None:
    """``{model label: {issue: forecast}}`` (a simulation's point forecasts), or None for
    records without one forecast per model and issue."""
    if isinstance(record, Forecast):
        return {run.label: {i: run.issue(i).forecast for i in record.issues} for run in record.runs}
    if isinstance(record, Simulation):
        labels = {m.key: m.label for m in record.models}
        return {
            labels[k]: {i: float(record.point[k][n]) for n, i in enumerate(record.issues)}
            for k in record.model_keys
        }
    return None


def headline_json(record: Record) -> Any:
    return jsonable(headline(record))
