"""Calibrated intervals: how far each model has been from DEU III's observed outcomes.

The calibration is a package data file, ``kingmaker/data/deu3/calibration.json``, made from
the DEU III backtest (353 EU decisions, equal capabilities): per model key and level (0.5,
0.8, 0.95), the conformal half-width, the ``ceil((n + 1) level)``-th smallest absolute error,
in points of its 0-100 scale. For an issue on the scale [lo, hi] the calibrated interval is

    forecast +- halfwidth * (hi - lo) / 100,   clipped to [lo, hi].

A model the file does not cover gets no calibrated interval, nor does a model run with
settings other than those the file records it was calibrated with (its ``params``: the
defaults, in the DEU III backtest); without the file no record has any (and nothing
fails). A file that exists but does not follow the format is an error that names the file.
The file is read once per path (:func:`load_calibration` is cached).

Records keep only the resulting numbers with a label and the calibration's fingerprint and
method (:class:`~kingmaker.results.calibration.CalibrationInfo`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from ..errors import CalibrationError
from ..results.calibration import LABEL, CalibrationInfo
from ..scenario.checks import format_location

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
    #: The settings each model was calibrated with (absent in older files: not checked).
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def intervals(
        self,
        model: str,
        forecast: float,
        scale: tuple[float, float],
        variant: str | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[float, tuple[float, float]]:
        """The model's calibrated intervals (level -> (low, high)) around ``forecast`` on an
        issue with this scale; empty when the model is not calibrated, was run with
        ``params`` other than those it was calibrated with, or the forecast is NaN.

        The backtest names a model with its variant (``eum:scholz2011``) where a forecast's
        key may be the bare name of the default variant (``eum``): both are looked up."""
        key = model
        if key not in self.halfwidths and variant and ":" not in model:
            key = f"{model}:{variant}"
        widths = self.halfwidths.get(key)
        if not widths or not math.isfinite(forecast):
            return {}
        if params is not None and not self.same_settings(key, params):
            return {}
        unit = self.scale[1] - self.scale[0]
        return {
            level: interval(forecast, halfwidth, scale, unit)
            for level, halfwidth in sorted(widths.items())
        }

    def same_settings(self, key: str, params: Mapping[str, Any]) -> bool:
        """Whether ``params`` are the settings model ``key`` was calibrated with (True when
        the file does not record them)."""
        calibrated = self.params.get(key)
        return calibrated is None or _canonical(params) == _canonical(calibrated)


def _canonical(params: Mapping[str, Any]) -> str:
    """Settings as JSON text (keys sorted, tuples as lists), to compare them."""
    return json.dumps(dict(params), sort_keys=True, default=str)


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


#: A finite JSON number (not a boolean, not NaN or infinity).
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Width = Annotated[float, Field(strict=True, allow_inf_nan=False, ge=0)]
Level = Annotated[float, Field(strict=True, allow_inf_nan=False, gt=0, lt=1)]


def _level_key(key: str) -> str:
    try:
        float(key)
    except ValueError:
        raise ValueError(f"has a level {key!r}, not a number") from None
    return key


LevelKey = Annotated[str, AfterValidator(_level_key)]


class _Model(BaseModel):
    """One model's entry: half-widths per level, and optionally the cross-conformal check."""

    halfwidth: dict[LevelKey, Width]
    cross_conformal: dict[LevelKey, dict[str, Number]] = {}
    params: dict[str, Any] | None = None  # the settings it was calibrated with


class _Document(BaseModel):
    """The calibration file's format (keys it does not name are ignored)."""

    kind: Literal["deu3-conformal-calibration"]
    fingerprint: Annotated[str, Field(strict=True, min_length=1)]
    kingmaker_version: Any = ""
    scale: Annotated[list[Number], Field(min_length=2, max_length=2)]  # [low, high]
    n_cases: Annotated[int, Field(strict=True, ge=1)]
    levels: Annotated[list[Level], Field(min_length=1)]
    method: Annotated[str, Field(strict=True)] = ""
    models: dict[str, _Model]

    @field_validator("scale")
    @classmethod
    def _ordered(cls, scale: list[float]) -> list[float]:
        if not scale[1] > scale[0]:
            raise ValueError(f"must be [low, high] with low < high, got {scale!r}")
        return scale

    @model_validator(mode="after")
    def _known_levels(self) -> _Document:
        for key, entry in self.models.items():
            for level in entry.halfwidth:
                if float(level) not in self.levels:
                    raise ValueError(
                        f"models.{key}.halfwidth has level {level!r}, not one of levels "
                        f"{self.levels!r}"
                    )
        return self


def _problems(exc: ValidationError) -> str:
    """Pydantic's errors as "where: what (got ...)", where in the document's own terms."""
    out = []
    for err in exc.errors(include_url=False):
        path = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("["))]
        where = format_location(path) or "the document"
        what = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            what = "is required but missing"
        elif err["type"] in ("model_type", "dict_type"):
            what = "must be a JSON object"
        elif err["type"] != "value_error":
            what += f", got {err['input']!r}"
        out.append(f"{where}: {what}")
    return "; ".join(out)


def parse_calibration(doc: Any, path: Path | str = "<calibration>") -> Calibration:
    """Check a calibration document against :class:`_Document`; every problem is a
    :class:`CalibrationError` that names the file, the place and what was expected."""
    try:
        checked = _Document.model_validate(doc)
    except ValidationError as exc:
        raise CalibrationError(
            f"the calibration file {path} is malformed: {_problems(exc)}"
        ) from None
    info = CalibrationInfo(
        label=LABEL,
        fingerprint=checked.fingerprint,
        method=checked.method,
        levels=tuple(float(x) for x in checked.levels),
        n_cases=checked.n_cases,
        kingmaker_version=str(checked.kingmaker_version),
    )
    return Calibration(
        path=Path(path),
        info=info,
        scale=(float(checked.scale[0]), float(checked.scale[1])),
        halfwidths={
            key: {float(level): float(w) for level, w in entry.halfwidth.items()}
            for key, entry in checked.models.items()
        },
        cross_conformal={
            key: {
                float(level): {str(k): float(v) for k, v in stats.items()}
                for level, stats in entry.cross_conformal.items()
            }
            for key, entry in checked.models.items()
        },
        params={
            key: entry.params for key, entry in checked.models.items() if entry.params is not None
        },
    )
