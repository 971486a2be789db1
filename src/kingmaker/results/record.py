"""The contract every result record follows, and the provenance block they all carry.

A record is a frozen dataclass that says what was computed and how: its :class:`Provenance`
(kind, scenario id and hash, models with their full parameters, seed, draws, Kingmaker
version, time of creation) is defined once, here. Every record kind has

* ``to_dict()``: plain JSON data (what ``--format json`` prints and the run store keeps);
* ``arrays()``: its large numeric arrays by name (Monte Carlo draws), kept beside the JSON
  as binary data rather than as text; empty for records whose numbers fit in the JSON;
* ``from_dict(doc, arrays)``: the same record back, so that a record read from the store
  renders exactly as it did when it was made.

Records import nothing from the rest of Kingmaker: every layer above may read them.
"""

from __future__ import annotations

import abc
import datetime as _dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, TypeVar

import numpy as np

from ..__about__ import __version__

R = TypeVar("R", bound="Record")

#: The only provenance field that differs between two runs of the same inputs and seed.
VOLATILE = ("created",)


def jsonable(value: Any) -> Any:
    """Plain JSON data from records' contents: arrays to lists, NaN/inf to None."""
    kind = type(value)  # the common plain types first: a forecast holds thousands of them
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if kind is list:
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _array_json(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return v if math.isfinite(v) else None
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "model_dump"):
        return jsonable(value.model_dump(mode="json"))
    return value


def _array_json(value: np.ndarray) -> Any:
    """An array as nested lists, without visiting each element in Python (the fast path of
    :func:`jsonable`: trajectories and per-round extras are most of a forecast's JSON)."""
    kind = value.dtype.kind
    if kind in "biu":
        return value.tolist()
    if kind == "f":
        finite = np.isfinite(value)
        if finite.all():
            return value.tolist()
        return np.where(finite, value, None).tolist()  # type: ignore[call-overload]  # None: JSON null
    return jsonable(value.tolist())


def floats(value: Any, dtype: Any = np.float64) -> np.ndarray:
    """The inverse of :func:`jsonable` for numeric arrays: lists (None for NaN) to an array."""
    if value is None:
        return np.array(np.nan)
    arr = np.array(
        _none_to_nan(value) if np.dtype(dtype).kind == "f" else value, dtype=dtype, ndmin=0
    )
    arr.setflags(write=False)
    return arr


def _none_to_nan(value: Any) -> Any:
    if value is None:
        return math.nan
    if isinstance(value, list):
        return [_none_to_nan(v) for v in value]
    return value


def number(value: Any) -> float:
    """A JSON number back to a float (None, which :func:`jsonable` wrote for NaN, to NaN)."""
    return math.nan if value is None else float(value)


def optional(value: Any) -> float | None:
    return None if value is None else float(value)


def now() -> str:
    """The current time, UTC, as ISO 8601 with a ``Z`` (seconds precision)."""
    stamp = _dt.datetime.now(_dt.UTC).replace(microsecond=0)
    return stamp.isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class ModelInfo:
    """A model as it was run: the key its results are reported under, its registry name,
    variant and every validated parameter (defaults included)."""

    key: str
    model: str
    variant: str | None
    params: Mapping[str, Any]
    title: str = ""
    dynamic: bool = False
    stochastic: bool = False

    @property
    def label(self) -> str:
        """``eum:corrected``, or the name alone for a model without variants."""
        return self.model + (f":{self.variant}" if self.variant else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "model": self.model,
            "variant": self.variant,
            "title": self.title,
            "params": jsonable(self.params),
            "dynamic": self.dynamic,
            "stochastic": self.stochastic,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> ModelInfo:
        return cls(
            key=doc["key"],
            model=doc["model"],
            variant=doc.get("variant"),
            params=dict(doc.get("params") or {}),
            title=doc.get("title", ""),
            dynamic=bool(doc.get("dynamic", False)),
            stochastic=bool(doc.get("stochastic", False)),
        )


Seed = int | tuple[int, ...] | None


@dataclass(frozen=True)
class Provenance:
    """How a record was made. ``seed`` is the entropy that reproduces the run's random
    numbers (an integer, or a tuple of integers for a seed derived from a generator; None when
    nothing random was drawn); ``draws`` 0 for point forecasts. For a backtest, ``scenario``
    names the target (e.g. ``deu3``) and ``scenario_hash`` is the fingerprint of its
    scenarios."""

    kind: str
    scenario: str
    scenario_hash: str
    models: tuple[ModelInfo, ...]
    seed: Seed = None
    draws: int = 0
    kingmaker_version: str = __version__
    created: str = field(default_factory=now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "models": [m.to_dict() for m in self.models],
            "seed": list(self.seed) if isinstance(self.seed, tuple) else self.seed,
            "draws": self.draws,
            "kingmaker_version": self.kingmaker_version,
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Provenance:
        seed = doc.get("seed")
        return cls(
            kind=doc["kind"],
            scenario=doc["scenario"],
            scenario_hash=doc["scenario_hash"],
            models=tuple(ModelInfo.from_dict(m) for m in doc.get("models", ())),
            seed=tuple(seed) if isinstance(seed, list) else seed,
            draws=int(doc.get("draws", 0)),
            kingmaker_version=doc["kingmaker_version"],
            created=doc["created"],
        )

    def model(self, key: str) -> ModelInfo:
        for m in self.models:
            if m.key == key:
                return m
        raise KeyError(key)

    @property
    def model_keys(self) -> tuple[str, ...]:
        return tuple(m.key for m in self.models)


class Record(abc.ABC):
    """Base of the frozen result records (see the module docstring)."""

    kind: ClassVar[str]
    provenance: Provenance

    @abc.abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """The record's JSON document, starting with :func:`head`."""

    def arrays(self) -> dict[str, np.ndarray]:
        """Large arrays kept beside the JSON document (none by default)."""
        return {}

    @classmethod
    @abc.abstractmethod
    def from_dict(
        cls: type[R], doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None
    ) -> R:
        """The record a document (and its arrays) describe."""

    def restamped(self: R, created: str) -> R:
        """The same record with another creation time (e.g. when a run is re-made)."""
        return replace(self, provenance=replace(self.provenance, created=created))  # type: ignore[type-var]


def head(record: Record) -> dict[str, Any]:
    """The keys every record's document starts with: its kind and its provenance."""
    return {"kind": record.kind, "provenance": record.provenance.to_dict()}


def stable(doc: Any) -> Any:
    """A record's document without its volatile fields (the creation time): what must be
    byte-identical between two runs of the same inputs and seed."""
    if isinstance(doc, Mapping):
        out = {}
        for k, v in doc.items():
            if k == "provenance" and isinstance(v, Mapping):
                v = {pk: pv for pk, pv in v.items() if pk not in VOLATILE}
            out[k] = stable(v)
        return out
    if isinstance(doc, list):
        return [stable(v) for v in doc]
    return doc


def check_kind(doc: Mapping[str, Any], kind: str) -> None:
    got = doc.get("kind")
    if got != kind:
        raise ValueError(f"expected a {kind!r} record, got kind {got!r}")


def need_arrays(arrays: Mapping[str, Any] | None, names: Sequence[str], kind: str) -> None:
    missing = [n for n in names if arrays is None or n not in arrays]
    if missing:
        raise ValueError(f"a {kind} record needs its arrays; missing: {', '.join(missing)}")
