"""Calibrated intervals as records keep them: numbers, a label and where they came from.

A calibrated interval says how far a model's forecasts have been from the observed outcomes
in a backtest (DEU III's 353 EU decisions): the forecast plus or minus the conformal
half-width at each level, rescaled to the issue's scale and clipped to it. Unlike the Monte
Carlo intervals, which spread only the uncertainty of the inputs, it includes the model's
own error. The loader and the arithmetic are in :mod:`kingmaker.analysis.calibrated`; the
records store only the result (:class:`CalibrationInfo` and, per model and issue, a mapping
level -> (low, high)).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: How every interface labels calibrated intervals.
LABEL = "calibrated on DEU III"

#: A model's calibrated intervals on one issue: level (0.8) -> (low, high).
Intervals = Mapping[float, tuple[float, float]]


def level_key(level: float) -> str:
    """A level as JSON keys spell it: ``0.8`` -> ``"0.8"``."""
    return f"{level:g}"


def level_percent(level: float) -> str:
    """``0.8`` -> ``"80%"``, ``0.95`` -> ``"95%"``."""
    return f"{level * 100:g}%"


def intervals_to_json(intervals: Intervals) -> dict[str, list[float]]:
    return {level_key(k): [float(lo), float(hi)] for k, (lo, hi) in sorted(intervals.items())}


def intervals_from_json(doc: Mapping[str, Any] | None) -> dict[float, tuple[float, float]]:
    return {float(k): (float(v[0]), float(v[1])) for k, v in (doc or {}).items()}


def calibrated_columns(
    calibration: CalibrationInfo | None, intervals: Intervals
) -> dict[str, float | None]:
    """Table columns ``calibrated80_low`` / ``calibrated80_high`` per level of the calibration
    (None where the model has no interval); no columns without a calibration."""
    if calibration is None:
        return {}
    cols: dict[str, float | None] = {}
    for level in calibration.levels:
        iv = intervals.get(level)
        name = f"calibrated{level * 100:g}"
        cols[f"{name}_low"] = iv[0] if iv else None
        cols[f"{name}_high"] = iv[1] if iv else None
    return cols


@dataclass(frozen=True)
class CalibrationInfo:
    """Which calibration produced a record's calibrated intervals."""

    label: str
    fingerprint: str
    method: str
    levels: tuple[float, ...]
    n_cases: int
    kingmaker_version: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "fingerprint": self.fingerprint,
            "method": self.method,
            "levels": list(self.levels),
            "n_cases": self.n_cases,
            "kingmaker_version": self.kingmaker_version,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any] | None) -> CalibrationInfo | None:
        if not doc:
            return None
        return cls(
            label=str(doc.get("label", LABEL)),
            fingerprint=str(doc.get("fingerprint", "")),
            method=str(doc.get("method", "")),
            levels=tuple(float(x) for x in doc.get("levels", ())),
            n_cases=int(doc.get("n_cases", 0)),
            kingmaker_version=str(doc.get("kingmaker_version", "")),
        )
