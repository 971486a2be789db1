"""The charts of one result record, as the report draws them: what the dashboard's run page
shows for a stored run of any kind (forecast, simulate, sensitivity, advise)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..results import Advice, Forecast, Sensitivity, Simulation
from . import charts

if TYPE_CHECKING:
    from ..scenario.schema import Scenario


@dataclass(frozen=True)
class Chart:
    """One figure and where it belongs: ``key`` is unique within the record's charts."""

    key: str
    title: str
    figure: Any  # plotly.graph_objects.Figure


def record_charts(record: Any, scenario: Scenario | None = None) -> list[Chart]:
    """Every chart the report would draw from ``record`` alone, in the report's order.

    A forecast gives each issue's forecast chart and the trajectories of its dynamic models;
    a simulation, each issue's distribution; a sensitivity analysis, each issue's tornado per
    model; advice, the levers, the presets and who matters. Other records give none.
    """
    labels = charts.Labels.of(scenario)
    out: list[Chart] = []
    if isinstance(record, Forecast):
        dynamic = charts.dynamic_runs(record)
        for issue in record.issues:
            out.append(
                Chart(
                    f"forecast-{issue}",
                    f"{issue}: every model's forecast",
                    charts.forecast_chart(record, None, labels, issue),
                )
            )
            for key in dynamic:
                out.append(
                    Chart(
                        f"trajectory-{issue}-{key}",
                        f"{issue}: {key}, round by round",
                        charts.trajectory_chart(record, key, issue, labels),
                    )
                )
    elif isinstance(record, Simulation):
        for issue in record.issues:
            out.append(
                Chart(
                    f"distribution-{issue}",
                    f"{issue}: the forecasts over {record.draws:,} draws",
                    charts.distribution_chart(record, issue, labels),
                )
            )
    elif isinstance(record, Sensitivity):
        for key in record.models:
            for issue in record.issues:
                out.append(
                    Chart(
                        f"tornado-{issue}-{key}",
                        f"{issue}: the numbers that move {key} most",
                        charts.tornado_chart(record, key, issue, labels),
                    )
                )
    elif isinstance(record, Advice):
        for what, title in (
            ("levers", "the best levers"),
            ("presets", "the presets"),
            ("who_matters", "who matters (each actor kept away)"),
        ):
            figure = charts.levers_chart(record, what=what)
            if figure.data:
                out.append(Chart(f"advice-{what}", f"{record.actor}: {title}", figure))
    return out
