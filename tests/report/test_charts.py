"""Chart builders: each figure's data are the records' numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kingmaker.errors import KingmakerError
from kingmaker.report import charts


def _trace(fig, name):
    found = [t for t in fig.data if t.name == name]
    assert len(found) == 1, [t.name for t in fig.data]
    return found[0]


def test_forecast_chart_shows_each_model_interval_actors_and_marks(flagship):
    f, sim, sc = flagship.forecast, flagship.simulation, flagship.scenario
    fig = charts.forecast_chart(f, sim, sc, "troops")
    for run in f.runs:
        assert _trace(fig, run.key).x == (run.issue("troops").forecast,)
    lo80 = _trace(fig, "80% interval")
    for k, key in enumerate(sim.model_keys):
        d = sim.summary(key, "troops").distribution
        assert lo80.x[3 * k : 3 * k + 2] == d.interval80
        assert lo80.y[3 * k] == key
    d95 = sim.summary("median", "troops").distribution.interval95
    assert tuple(_trace(fig, "95% interval").x[3:5]) == d95
    actors = _trace(fig, "actors")
    start = f.runs[0].issue("troops").trajectory[0]
    assert list(actors.x) == [float(x) for x in start if np.isfinite(x)]
    us = sc.actor("us")
    weight = us.capability_on("troops").value * us.issues["troops"].salience.value
    assert actors.customdata[list(f.actors).index("us")] == pytest.approx(weight)
    assert _trace(fig, "observed").x == (45.0, 45.0)
    assert _trace(fig, "status quo").x == (80.0, 80.0)
    anchors = sorted(a.value for a in sc.issue("troops").scale.anchors)
    assert list(fig.layout.xaxis.tickvals) == anchors
    assert "reduced force stays" in " ".join(fig.layout.xaxis.ticktext).replace("<br>", " ")
    assert fig.layout.title.text == sc.issue("troops").question


def test_forecast_chart_without_scenario_or_simulation(flagship):
    fig = charts.forecast_chart(flagship.forecast)
    names = [t.name for t in fig.data]
    band = "80% calibrated (DEU III)"  # drawn when the package ships a calibration
    assert [n for n in names if n != band] == [
        "actors",
        "compromise",
        "median",
        "exchange",
        "observed",
    ]
    assert (band in names) == (flagship.forecast.calibration is not None)
    with pytest.raises(KingmakerError, match="no issue 'nope'"):
        charts.forecast_chart(flagship.forecast, issue="nope")


def test_trajectory_chart_is_each_actors_path(flagship):
    f, sc = flagship.forecast, flagship.scenario
    fig = charts.trajectory_chart(f, "exchange", "pmf", sc)
    traj = f.run("exchange").issue("pmf").trajectory
    n = list(f.actors).index("iran")
    path = _trace(fig, sc.actor("iran").name)
    assert list(path.y) == traj[:, n].tolist()
    assert list(path.x) == list(range(traj.shape[0]))
    assert _trace(fig, "forecast").y == (f.value("exchange", "pmf"),) * 2
    assert charts.dynamic_runs(f) == ["exchange"]


def test_distribution_chart_bins_the_draws(flagship):
    sim, sc = flagship.simulation, flagship.scenario
    fig = charts.distribution_chart(sim, "pmf", sc)
    for key in sim.model_keys:
        bars = _trace(fig, key)
        values = sim.values(key, "pmf")
        counts, edges = np.histogram(values, bins=charts.BINS, range=(0, 100))
        assert list(bars.y) == (counts / values.size).tolist()
        assert list(bars.x) == ((edges[:-1] + edges[1:]) / 2).tolist()
        assert sum(bars.y) == pytest.approx(1.0)


def test_bands_cover_the_draws_by_nearest_label(flagship):
    sim, sc = flagship.simulation, flagship.scenario
    bands = charts.bands(sim, "compromise", "troops", sc)
    assert [b.value for b in bands] == sorted(a.value for a in sc.issue("troops").scale.anchors)
    assert sum(b.probability for b in bands) == pytest.approx(1.0)
    values = sim.values("compromise", "troops")
    nearest = [min(bands, key=lambda b: (abs(b.value - v), b.value)).value for v in values]
    for b in bands:
        assert b.probability == pytest.approx(nearest.count(b.value) / values.size)
    assert charts.bands(sim, "compromise", "troops", None) == []


def test_tornado_chart_bars_run_from_the_point_to_each_end(flagship):
    se, sc = flagship.sensitivity, flagship.scenario
    fig = charts.tornado_chart(se, "median", "troops", sc, top=5)
    res = se.result("median", "troops")
    top = [e for e in res.effects if e.swing][:5]
    low, high = _trace(fig, "number at its low end"), _trace(fig, "number at its high end")
    assert len(low.y) == len(top)
    biggest = top[0]
    assert low.y[-1] == charts.factor_label(biggest.factor, charts.Labels.of(sc), "troops")
    assert low.x[-1] == pytest.approx(biggest.at_low - res.point)
    assert high.x[-1] == pytest.approx(biggest.at_high - res.point)
    assert set(low.base) == {res.point}


@pytest.mark.parametrize("what", ["levers", "presets", "who_matters"])
def test_levers_chart_gains(flagship, what):
    adv = flagship.advice
    fig = charts.levers_chart(adv, top=6, what=what)
    shown = [o for o in getattr(adv, what) if math.isfinite(o.mean_gain)][:6]
    bars = _trace(fig, "gain")
    assert list(bars.x) == [o.mean_gain for o in reversed(shown)]
    assert list(bars.y) == [charts.wrap(o.name, 55) for o in reversed(shown)]
    paired = [o for o in reversed(shown) if o.paired is not None]
    if paired:
        dots = _trace(fig, "gain on paired draws (80%)")
        g = list(paired[0].paired.gain.values())
        assert dots.x[0] == pytest.approx(np.mean([x.median for x in g]))


def test_exchange_rows_are_the_realised_exchanges(flagship):
    f, sc = flagship.forecast, flagship.scenario
    rows = charts.exchange_rows(f, scenario=sc)
    rounds = f.run("exchange").extras["rounds"]
    rounds = rounds[0] if rounds and isinstance(rounds[0], list) else rounds
    legs = [leg for r in rounds for ex in r["exchanges"] for leg in ex["legs"]]
    assert len(rows) == len(legs) > 0
    assert [(r["actor"], r["issue"], r["from"], r["to"]) for r in rows] == [
        (leg["actor"], leg["issue"], leg["from"], leg["to"]) for leg in legs
    ]
    table = charts.exchanges_table(f, scenario=sc).data[0]
    assert list(table.cells.values[2]) == [charts.plain(r["actor_name"]) for r in rows]
    assert charts.exchange_rows(flagship.simulation and f, "no-such-model") == []


def test_labels_are_shown_as_text():
    assert charts.plain("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert charts.wrap("<b>x</b> " * 3, 10).count("<br>") >= 1
