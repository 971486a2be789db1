"""Calibrated intervals (DEU III) in the HTML and Markdown reports and the forecast chart."""

from __future__ import annotations

import pytest

import kingmaker as km
from kingmaker.analysis import calibrated
from kingmaker.report import charts
from kingmaker.report.html import ReportInputs, render_html
from kingmaker.report.markdown import render_markdown
from tests.conftest import DATA

LABEL = "80% calibrated (DEU III)"


@pytest.fixture(scope="module")
def inputs():
    calibrated.PATH = DATA / "calibration" / "calibration.json"
    calibrated.clear_cache()
    try:
        sc = km.load_scenario("us-iraq-2020")
        fc = km.forecast(sc, ["compromise", "condorcet"])
        sim = km.simulate(sc, ["compromise"], draws=50, seed=1)
    finally:
        calibrated.PATH = None
        calibrated.clear_cache()
    return ReportInputs(sc, fc, sim)


def test_chart_draws_the_calibrated_band_apart(inputs):
    fig = charts.forecast_chart(inputs.forecast, inputs.simulation, inputs.scenario, "troops")
    (trace,) = [t for t in fig.data if t.name == LABEL]
    assert trace.line.dash == "dash" and trace.line.color == charts.CALIBRATED_COLOUR
    mc = next(t for t in fig.data if t.name == "80% interval")
    assert mc.line.color != trace.line.color
    assert list(trace.y) == ["compromise", "compromise", None]  # condorcet is not calibrated
    assert list(trace.x)[:2] == pytest.approx([5.894454, 65.894454], abs=1e-5)


def test_html_has_the_column_and_stays_offline(inputs):
    page = render_html(inputs)
    assert f"<th>{LABEL}</th>" in page
    assert "5.9\u201365.9" in page
    assert "calibrated on DEU III" in page and "uncertainty of the inputs only" in page
    assert '<script src="http' not in page  # plotly.js stays inlined


def test_markdown_has_the_column(inputs):
    text = render_markdown(inputs, None)
    assert LABEL in text and "5.9-65.9" in text
    assert "Calibrated on DEU III" in text


def test_no_calibration_no_column(inputs):
    plain = ReportInputs(
        inputs.scenario, km.forecast(inputs.scenario, ["compromise"], calibrated=False)
    )
    assert "calibrated" not in render_html(plain).lower().replace("uncalibrated", "")
    assert LABEL not in render_markdown(plain, None)
    fig = charts.forecast_chart(plain.forecast, None, plain.scenario, "troops")
    assert all(t.name != LABEL for t in fig.data)
