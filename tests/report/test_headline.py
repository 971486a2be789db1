"""The headline: values and words, on the flagship and on BDM 1994."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import kingmaker as km
from kingmaker.report.headline import best_lever, issue_headlines


def test_flagship_headline_speaks_the_scale(flagship):
    f, sim, sc, adv = flagship.forecast, flagship.simulation, flagship.scenario, flagship.advice
    heads = {h.issue: h for h in issue_headlines(f, sim, sc, adv)}
    assert list(heads) == ["troops", "pmf", "lifelines", "support"]
    troops = heads["troops"]
    assert troops.question == sc.issue("troops").question
    assert troops.forecasts == {r.label: r.issue("troops").forecast for r in f.runs}
    draws = np.concatenate([sim.values(k, "troops") for k in sim.model_keys])
    assert troops.interval80 == pytest.approx(tuple(np.quantile(draws, [0.1, 0.9])))
    assert troops.likely == 45.0 and "a reduced force stays" in troops.likely_label
    assert troops.observed == 45.0
    text = troops.text
    assert text.startswith("Most likely: no US combat role after a fixed date; a reduced force")
    lo, hi = min(troops.forecasts.values()), max(troops.forecasts.values())
    assert f"from {lo:.1f}" in text and f"to {hi:.1f}" in text
    a, b = troops.interval80
    assert f"80% of the simulated outcomes fall between {a:.1f} and {b:.1f}." in text
    assert "Observed outcome: 45.0: no US combat role" in text
    lever = best_lever(adv, "troops")
    assert lever is not None and lever.gain > 0
    assert f"its best lever here is \u201c{lever.name}\u201d" in text
    assert f"at a cost of {lever.cost:.2f}" in text
    pmf = heads["pmf"].text
    assert "Observed outcome: 5.0 (nearest labelled point, 0: autonomous as now" in pmf


def test_bdm1994_headline():
    sc = km.load_scenario("bdm1994-emissions")
    f = km.forecast(sc, ["compromise", "median"])
    sim = km.simulate(sc, ["compromise", "median"], draws=200, seed=1, spread=0.1)
    (h,) = issue_headlines(f, sim, sc)
    assert h.issue == "lag" and h.decimals == 3
    assert h.forecasts["median"] == 7.0
    assert h.forecasts["compromise"] == pytest.approx(7.389955686853766)
    assert h.agreement == "agree" and h.likely == 7.0 and h.likely_label == "a 7-year lag"
    assert h.text.startswith("Most likely: a 7-year lag (about 7 on the scale, where ")
    assert "The models agree: their forecasts run from 7.000 (median) to 7.390 (compromise)." in (
        h.text
    )
    assert "Observed outcome: 8.830 (nearest labelled point, 10:" in h.text
    assert "lever" not in h.text  # no actor asked for


def test_headline_without_simulation_or_scenario(flagship):
    (h, *_) = issue_headlines(flagship.forecast)
    assert h.likely_label is None and h.interval80 is None
    assert h.text.startswith(f"Most likely: about {np.median(list(h.forecasts.values())):.1f}")


def test_models_at_one_value_are_said_to_agree():
    sc = km.load_scenario(str(Path(__file__).parent / "hostile.yaml"))
    f = km.forecast(sc, ["compromise", "exchange"])
    (h,) = issue_headlines(f, None, sc)
    assert len(set(round(x, 1) for x in h.forecasts.values())) == 1
    assert f"The models agree: every forecast is {h.forecasts['compromise']:.1f}." in h.text


def test_headline_gives_the_reach_of_the_calibrated_intervals(flagship):
    """The headline says how far the models' own error (DEU III) takes the outcome, beside
    the Monte Carlo range; computed here from the record's intervals."""
    f = flagship.forecast
    assert f.calibration is not None  # the package ships the DEU III calibration
    heads = {h.issue: h for h in issue_headlines(f, flagship.simulation, flagship.scenario)}
    for issue, h in heads.items():
        ivs = [r.issue(issue).calibrated[0.8] for r in f.runs if r.issue(issue).calibrated]
        lo, hi = min(iv[0] for iv in ivs), max(iv[1] for iv in ivs)
        assert h.calibrated == (lo, hi)
        assert lo < h.interval80[0] and h.interval80[1] < hi  # wider than the draws' range
        assert (
            f"With the models' own error on {f.calibration.n_cases} past EU decisions (DEU III), "
            f"their 80% calibrated intervals reach from {lo:.1f} to {hi:.1f}."
        ) in h.text


def test_headline_without_calibration_says_nothing_of_it(flagship):
    import dataclasses

    f = dataclasses.replace(flagship.forecast, calibration=None)
    (h, *_) = issue_headlines(f, flagship.simulation, flagship.scenario)
    assert h.calibrated is None and "calibrated" not in h.text
