"""Presentation shared by every interface: numbers as text, forecasts in words, charts, pages.

The command line, the Markdown pages, the HTML report and the dashboard format the same
records the same way through this package. It reads result records (and scenario types)
only: it never runs a model.

Chart builders (Plotly figures from records; see :mod:`.charts`)::

    from kingmaker.report import forecast_chart
    forecast_chart(forecast, simulation, scenario, "troops")   # shows in Jupyter
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    name: "charts"
    for name in (
        "Labels",
        "bands",
        "distribution_chart",
        "exchange_rows",
        "exchanges_table",
        "forecast_chart",
        "influence_chart",
        "levers_chart",
        "tornado_chart",
        "trajectory_chart",
    )
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kingmaker.report' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{module}", __name__), name)


__all__ = sorted(_EXPORTS)
