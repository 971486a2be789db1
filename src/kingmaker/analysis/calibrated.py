"""Calibrated intervals: how far each model has been from DEU III's observed outcomes.

The calibration is a package data file, ``kingmaker/data/deu3/calibration.json``, made from
the DEU III backtest (353 EU decisions, equal capabilities): per model key and level (0.5,
0.8, 0.95), the conformal half-width, the ``ceil((n + 1) level)``-th smallest absolute error,
in points of its 0-100 scale. For an issue on the scale [lo, hi] the calibrated interval is

    forecast +- halfwidth * (hi - lo) / 100,   clipped to [lo, hi].

A model the file does not cover gets no calibrated interval; without the file no record has
any (and nothing fails). A file that exists but does not follow the format is an error that
names the file. The file is read once per path (:func:`load_calibration` is cached).

Records keep only the resulting numbers with a label and the calibration's fingerprint and
method (:class:`~kingmaker.results.calibration.CalibrationInfo`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import CalibrationError
from ..results.calibration import LABEL, CalibrationInfo

#: The file's ``kind``.
KIND = "deu3-conformal-calibration"


def default_path() -> Path:
    """Where the package keeps the DEU III calibration (it may be absent)."""
    return Path(str(resources.files("kingmaker") / "data" / "deu3" / "calibration.json"))


#: Tests (and anyone calibrating on another backtest) may point this elsewhere.
PATH: Path | None = None


@dataclass(frozen=True)
class Calibration:
    """A calibration file, checked: per model key and level, the half-width."""

    path: Path
    info: CalibrationInfo
    scale: tuple[float, float]
    halfwidths: Mapping[str, Mapping[float, float]]
    cross_conformal: Mapping[str, Mapping[float, Mapping[str, float]]]

    def intervals(
        self,
        model: str,
        forecast: float,
        scale: tuple[float, float],
        variant: str | None = None,
    ) -> dict[float, tuple[float, float]]:
        """The model's calibrated intervals (level -> (low, high)) around ``forecast`` on an
        issue with this scale; empty when the model is not calibrated or the forecast is NaN.

        The backtest names a model with its variant (``eum:scholz2011``) where a forecast's
        key may be the bare name of the default variant (``eum``): both are looked up."""
        widths = self.halfwidths.get(model)
        if widths is None and variant and ":" not in model:
            widths = self.halfwidths.get(f"{model}:{variant}")
        if not widths or not math.isfinite(forecast):
            return {}
        unit = self.scale[1] - self.scale[0]
        return {
            level: interval(forecast, halfwidth, scale, unit)
            for level, halfwidth in sorted(widths.items())
        }


def interval(
    forecast: float, halfwidth: float, scale: tuple[float, float], unit: float = 100.0
) -> tuple[float, float]:
    """``forecast +- halfwidth * (hi - lo) / unit``, clipped to the scale [lo, hi]."""
    lo, hi = scale
    h = halfwidth * (hi - lo) / unit
    return (max(lo, forecast - h), min(hi, forecast + h))


def load_calibration(path: Path | str | None = None) -> Calibration | None:
    """The calibration at ``path`` (default :data:`PATH`, else the package's DEU III file);
    None when the file does not exist. Raises :class:`CalibrationError` naming the file when
    it exists but cannot be read or does not follow the format."""
    where = Path(path) if path is not None else (PATH or default_path())
    return _load(str(where))


@functools.cache
def _load(where: str) -> Calibration | None:
    path = Path(where)
    if not path.is_file():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CalibrationError(f"the calibration file {path} cannot be read: {e}") from None
    return parse_calibration(doc, path)


def clear_cache() -> None:
    """Forget the files read (after one changed or :data:`PATH` moved)."""
    _load.cache_clear()


def _number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def parse_calibration(doc: Any, path: Path | str = "<calibration>") -> Calibration:
    """Check a calibration document; every problem is a :class:`CalibrationError` that names
    the file and the place."""

    def bad(where: str, what: str) -> CalibrationError:
        return CalibrationError(f"the calibration file {path} is malformed: {where} {what}")

    if not isinstance(doc, Mapping):
        raise bad("the document", "must be a JSON object")
    if doc.get("kind") != KIND:
        raise bad("kind", f"must be {KIND!r}, got {doc.get('kind')!r}")
    fingerprint = doc.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint:
        raise bad("fingerprint", "must be a non-empty string")
    scale = doc.get("scale")
    if (
        not isinstance(scale, list)
        or len(scale) != 2
        or not all(_number(x) for x in scale)
        or not scale[1] > scale[0]
    ):
        raise bad("scale", f"must be [low, high] with low < high, got {scale!r}")
    n_cases = doc.get("n_cases")
    if not isinstance(n_cases, int) or isinstance(n_cases, bool) or n_cases < 1:
        raise bad("n_cases", f"must be a positive integer, got {n_cases!r}")
    levels = doc.get("levels")
    if (
        not isinstance(levels, list)
        or not levels
        or not all(_number(x) and 0 < x < 1 for x in levels)
    ):
        raise bad("levels", f"must be a list of numbers in (0, 1), got {levels!r}")
    levels_ = tuple(float(x) for x in levels)
    method = doc.get("method", "")
    if not isinstance(method, str):
        raise bad("method", "must be a string")
    models = doc.get("models")
    if not isinstance(models, Mapping):
        raise bad("models", "must be an object: model key -> {halfwidth: {level: points}}")
    halfwidths: dict[str, dict[float, float]] = {}
    cross: dict[str, dict[float, dict[str, float]]] = {}
    for key, entry in models.items():
        where = f"models.{key}"
        if not isinstance(entry, Mapping) or not isinstance(entry.get("halfwidth"), Mapping):
            raise bad(where, "must have a 'halfwidth' object: level -> points")
        widths: dict[float, float] = {}
        for level, width in entry["halfwidth"].items():
            try:
                lv = float(level)
            except ValueError:
                raise bad(f"{where}.halfwidth", f"has a level {level!r}, not a number") from None
            if lv not in levels_:
                raise bad(f"{where}.halfwidth", f"has level {level!r}, not one of levels")
            if not _number(width) or width < 0:
                raise bad(f"{where}.halfwidth.{level}", f"must be a number >= 0, got {width!r}")
            widths[lv] = float(width)
        halfwidths[str(key)] = widths
        cc = entry.get("cross_conformal", {})
        if not isinstance(cc, Mapping):
            raise bad(f"{where}.cross_conformal", "must be an object")
        checked: dict[float, dict[str, float]] = {}
        for level, stats in cc.items():
            try:
                lv = float(level)
            except ValueError:
                raise bad(
                    f"{where}.cross_conformal", f"has a level {level!r}, not a number"
                ) from None
            if not isinstance(stats, Mapping) or not all(_number(v) for v in stats.values()):
                raise bad(f"{where}.cross_conformal.{level}", "must map names to numbers")
            checked[lv] = {str(k): float(v) for k, v in stats.items()}
        cross[str(key)] = checked
    info = CalibrationInfo(
        label=LABEL,
        fingerprint=fingerprint,
        method=method,
        levels=levels_,
        n_cases=n_cases,
        kingmaker_version=str(doc.get("kingmaker_version", "")),
    )
    return Calibration(
        path=Path(path),
        info=info,
        scale=(float(scale[0]), float(scale[1])),
        halfwidths=halfwidths,
        cross_conformal=cross,
    )
