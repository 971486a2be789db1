"""The report's headline: one paragraph per issue, in plain words, from the results.

For each issue: the most likely outcome in the words of the issue's labelled scale, how far
the models agree, the 80% range over the Monte Carlo draws, the reach of the models' 80%
intervals calibrated on DEU III (their own error, which the draws leave out), the observed
outcome where one is recorded, and, with an advice record, what the actor can change on the
issue and at what cost. :func:`issue_headlines` gives the parts as data (the tests and the
templates read them); :attr:`IssueHeadline.text` joins them into the paragraph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..results import Advice, Forecast, Simulation
from ..store.headline import headline as forecasts_by_model
from .charts import Band, Labels, bands
from .numbers import decimals_for, fmt, percent, signed

if TYPE_CHECKING:
    from ..scenario.schema import Scenario


@dataclass(frozen=True)
class Lever:
    """The actor's best lever for an issue: what it is, its cost and the change it makes."""

    name: str
    cost: float
    change: float  # mean over the models of the change in the issue's forecast
    gain: float  # the actor's gain (over all its issues)


@dataclass(frozen=True)
class IssueHeadline:
    issue: str
    question: str
    likely: float  # the value the headline speaks of (the labelled point, or the median)
    likely_label: str | None  # the nearest labelled point's words
    likely_share: float | None  # share of the draws nearest that point
    forecasts: dict[str, float]  # model label -> point forecast
    interval80: tuple[float, float] | None  # over every simulated model's draws together
    observed: float | None
    observed_label: str | None  # the nearest labelled point's words
    observed_near: float | None
    actor: str | None = None
    lever: Lever | None = None
    decimals: int = 1
    #: From the lowest to the highest bound of the models' calibrated intervals at ``level``.
    calibrated: tuple[float, float] | None = None
    calibrated_level: float = 0.8
    calibrated_cases: int = 0

    @property
    def spread(self) -> float:
        v = [x for x in self.forecasts.values() if math.isfinite(x)]
        return max(v) - min(v) if v else math.nan

    @property
    def agreement(self) -> str:
        """``agree`` (all at the same labelled point or within 5% of the scale), ``differ``
        (within 15%), or ``disagree``."""
        return self._agreement

    _agreement: str = "agree"

    @property
    def text(self) -> str:
        d = self.decimals
        parts = []
        if self.likely_label is not None:
            share = (
                f", where {percent(self.likely_share)} of the draws land"
                if self.likely_share is not None
                else ""
            )
            parts.append(
                f"Most likely: {self.likely_label} (about {self.likely:g} on the scale{share})."
            )
        else:
            parts.append(f"Most likely: about {fmt(self.likely, d)} on the scale.")
        v = {k: x for k, x in self.forecasts.items() if math.isfinite(x)}
        if v:
            lo_k, hi_k = min(v, key=v.__getitem__), max(v, key=v.__getitem__)
            words = {
                "agree": "The models agree",
                "differ": "The models differ somewhat",
                "disagree": "The models disagree",
            }[self.agreement]
            if len(v) == 1:
                parts.append(f"The {lo_k} forecast is {fmt(v[lo_k], d)}.")
            elif fmt(v[lo_k], d) == fmt(v[hi_k], d):
                parts.append(f"The models agree: every forecast is {fmt(v[lo_k], d)}.")
            else:
                parts.append(
                    f"{words}: their forecasts run from {fmt(v[lo_k], d)} ({lo_k}) to "
                    f"{fmt(v[hi_k], d)} ({hi_k})."
                )
        if self.interval80 is not None:
            a, b = self.interval80
            parts.append(f"80% of the simulated outcomes fall between {fmt(a, d)} and {fmt(b, d)}.")
        if self.calibrated is not None:
            a, b = self.calibrated
            parts.append(
                f"With the models' own error on {self.calibrated_cases} past EU decisions "
                f"(DEU III), their {percent(self.calibrated_level)} calibrated intervals reach "
                f"from {fmt(a, d)} to {fmt(b, d)}."
            )
        if self.observed is not None:
            said = ""
            if self.observed_label is not None:
                near = self.observed_near
                said = (
                    f": {self.observed_label}"
                    if near == self.observed
                    else f" (nearest labelled point, {near:g}: {self.observed_label})"
                )
            parts.append(f"Observed outcome: {fmt(self.observed, d)}{said}.")
        if self.actor is not None:
            if self.lever is None:
                parts.append(f"No lever of {self.actor} found moves this issue.")
            else:
                lv = self.lever
                parts.append(
                    f"What {self.actor} can change: its best lever here is \u201c{lv.name}\u201d, "
                    f"which moves the forecast by {signed(lv.change, d)} at a cost of "
                    f"{lv.cost:.2f} (its overall gain: {signed(lv.gain, 2)})."
                )
        return " ".join(parts)


def _agreement(values: list[float], scale: tuple[float, float], labels: Labels, issue: str):
    lo, hi = scale
    span = (max(values) - min(values)) / (hi - lo) if values and hi > lo else 0.0
    anchors = labels.anchors.get(issue, ())
    if anchors:
        nearest = {min(anchors, key=lambda a: (abs(a[0] - x), a[0]))[0] for x in values}
        if len(nearest) == 1:
            return "agree"
    if span <= 0.05:
        return "agree"
    return "differ" if span <= 0.15 else "disagree"


def _nearest(labels: Labels, issue: str, x: float | None) -> tuple[float, str] | None:
    anchors = labels.anchors.get(issue, ())
    if not anchors or x is None or not math.isfinite(x):
        return None
    return min(anchors, key=lambda a: (abs(a[0] - x), a[0]))


def best_lever(advice: Advice, issue: str) -> Lever | None:
    """The lever that moves the issue's forecast toward the actor's position most for its
    cost, among the levers that gain the actor anything (the issue's own levers first)."""
    if issue not in advice.issues:
        return None
    j = advice.issues.index(issue)
    wants = dict(zip(advice.objective.issues, advice.objective.ideal.tolist(), strict=True))
    base = float(np.nanmean(advice.base[:, j]))
    toward = np.sign(wants[issue] - base) if issue in wants else 0.0
    best = None
    for o in advice.levers:
        if o.error or not math.isfinite(o.mean_gain) or o.mean_gain <= 0:
            continue
        change = float(np.nanmean(o.delta[:, j]))
        if (toward and np.sign(change) != toward) or abs(change) < 1e-9:
            continue
        score = (o.lever is not None and o.lever.issue == issue, o.gain_per_cost)
        if best is None or score > best[0]:
            best = (score, Lever(o.name, o.cost, change, o.mean_gain))
    return best[1] if best else None


def _calibrated(forecast: Forecast, issue: str, level: float) -> tuple[float, float] | None:
    """The lowest low and highest high of the models' calibrated intervals at ``level``."""
    found = (r.issue(issue).calibrated.get(level) for r in forecast.runs)
    ivs = [iv for iv in found if iv is not None]
    if not ivs:
        return None
    return min(iv[0] for iv in ivs), max(iv[1] for iv in ivs)


def _number(x: float | None) -> float:
    return math.nan if x is None else float(x)


def issue_headlines(
    forecast: Forecast,
    simulation: Simulation | None = None,
    scenario: Scenario | Labels | None = None,
    advice: Advice | None = None,
) -> list[IssueHeadline]:
    """One :class:`IssueHeadline` per issue of the forecast (see the module docstring)."""
    labels = scenario if isinstance(scenario, Labels) else Labels.of(scenario)
    by_model = forecasts_by_model(forecast) or {}
    cal = forecast.calibration
    level = (0.8 if 0.8 in cal.levels else max(cal.levels)) if cal and cal.levels else 0.8
    out = []
    for issue in forecast.issues:
        scale = forecast.scales[issue]
        d = decimals_for(*scale)
        values = {m: _number(v[issue]) for m, v in by_model.items()}
        finite = [x for x in values.values() if math.isfinite(x)]
        interval = share = None
        if simulation is not None and issue in simulation.issues:
            draws = np.concatenate([simulation.values(k, issue) for k in simulation.model_keys])
            draws = draws[np.isfinite(draws)]
            if draws.size:
                interval = (float(np.quantile(draws, 0.1)), float(np.quantile(draws, 0.9)))
            pooled = _pooled_bands(simulation, issue, labels)
            if pooled:
                top = max(pooled, key=lambda b: b.probability)
                likely, label, share = top.value, top.label, top.probability
            else:
                likely, label = float(np.median(draws)) if draws.size else math.nan, None
        else:
            likely = float(np.median(finite)) if finite else math.nan
            near = _nearest(labels, issue, likely)
            label = near[1] if near else None
            likely = near[0] if near else likely
        obs = forecast.observed.get(issue)
        obs_near = _nearest(labels, issue, obs)
        out.append(
            IssueHeadline(
                issue=issue,
                question=labels.questions.get(issue, issue),
                likely=likely,
                likely_label=label,
                likely_share=share,
                forecasts=values,
                interval80=interval,
                observed=obs,
                observed_label=obs_near[1] if obs_near else None,
                observed_near=obs_near[0] if obs_near else None,
                actor=advice.actor_name if advice is not None else None,
                lever=best_lever(advice, issue) if advice is not None else None,
                decimals=d,
                _agreement=_agreement(finite, scale, labels, issue),
                calibrated=_calibrated(forecast, issue, level) if cal else None,
                calibrated_level=level,
                calibrated_cases=cal.n_cases if cal else 0,
            )
        )
    return out


def _pooled_bands(simulation: Simulation, issue: str, labels: Labels) -> list[Band]:
    """The labelled bands with each probability averaged over the simulated models."""
    per_model = [bands(simulation, k, issue, labels) for k in simulation.model_keys]
    if not per_model or not per_model[0]:
        return []
    return [
        Band(b.value, b.label, b.low, b.high, float(np.mean([m[n].probability for m in per_model])))
        for n, b in enumerate(per_model[0])
    ]
