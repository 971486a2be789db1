"""Result records: frozen, self-describing, rendered by every interface the same way.

Every analysis returns one of these records; each carries the same :class:`Provenance` and
round-trips through ``to_dict()`` / ``arrays()`` / ``from_dict()`` (see :mod:`.record`).
:func:`from_dict` reads any record back by its ``kind``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .advice import Advice
from .backtest import BacktestRun, Case, Leaderboard
from .comparison import Comparison
from .forecast import Forecast, IssueForecast, ModelRun
from .numbers import UncertainNumber
from .record import ModelInfo, Provenance, Record, jsonable, stable
from .sensitivity import Sensitivity
from .simulation import Draws, Simulation
from .summaries import Distribution, OutcomeSummary, Threshold

#: Every record kind, by the ``kind`` its document carries.
KINDS: dict[str, type[Record]] = {
    cls.kind: cls for cls in (Forecast, Simulation, Comparison, Sensitivity, Advice, Leaderboard)
}


def from_dict(doc: Mapping[str, Any], arrays: Mapping[str, Any] | None = None) -> Record:
    """The record a document (and its arrays) describe, whatever its kind."""
    kind = doc.get("kind")
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}; known: {', '.join(KINDS)}")
    return KINDS[kind].from_dict(doc, arrays)


__all__ = [
    "KINDS",
    "Advice",
    "BacktestRun",
    "Case",
    "Comparison",
    "Distribution",
    "Draws",
    "Forecast",
    "IssueForecast",
    "Leaderboard",
    "ModelInfo",
    "ModelRun",
    "OutcomeSummary",
    "Provenance",
    "Record",
    "Sensitivity",
    "Simulation",
    "Threshold",
    "UncertainNumber",
    "from_dict",
    "jsonable",
    "stable",
]
