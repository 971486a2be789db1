"""Chart builders: Plotly figures made from result records (and, for labels, the scenario).

Each function takes records and returns a :class:`plotly.graph_objects.Figure`; the figure
shows in Jupyter, becomes JSON for the dashboard (``fig.to_plotly_json()``) and is inlined in
the HTML report. The figures' data are the records' numbers, never recomputed model output:
the only arithmetic here is binning draws into a histogram and ranking.

Every text taken from a scenario (actor names, labels) goes into the figure as data; Plotly
renders trace names, tick labels and hover text as text. Labels are passed through
:func:`plain` anyway, so that Plotly's own small markup (``<b>``, ``<br>``) in an actor's name
is shown as written.
"""

from __future__ import annotations

import html
import itertools
import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..results import Advice, Forecast, Sensitivity, Simulation
from .numbers import decimals_for

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

#: One colour per model family (the dashboard uses the same).
MODEL_COLOURS = {
    "compromise": "#1f77b4",
    "median": "#2ca02c",
    "condorcet": "#9467bd",
    "eum": "#d62728",
    "smp": "#ff7f0e",
    "exchange": "#8c564b",
}
OTHER = "#555555"
ACTOR_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
)
#: Bins of a distribution chart (draws are binned here, so that 10,000 draws do not make
#: the page heavy).
BINS = 40
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


def colour(model: str) -> str:
    """A model key's colour (``eum:corrected`` has eum's)."""
    return MODEL_COLOURS.get(model.split(":")[0], OTHER)


def plain(text: Any) -> str:
    """Text as Plotly must get it to show it literally: its HTML-like markup escaped."""
    return html.escape(str(text), quote=False)


def wrap(text: str, width: int = 28) -> str:
    """A long label broken into lines for a tick label (escaped, joined with ``<br>``)."""
    return "<br>".join(plain(line) for line in textwrap.wrap(text, width) or [""])


def _figure():
    import plotly.graph_objects as go

    return go.Figure()


def _layout(fig, title: str, height: int, **extra: Any):
    fig.update_layout(
        title={
            "text": plain(title),
            "x": 0.01,
            "xanchor": "left",
            "y": 0.99,
            "yref": "container",
            "yanchor": "top",
            "font": {"size": 15},
        },
        height=height + 40,
        margin={"l": 10, "r": 20, "t": 95, "b": 40},
        font={"family": FONT, "size": 12},
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.01, "x": 0, "xanchor": "left"},
        **extra,
    )
    fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5", zeroline=False, automargin=True)
    fig.update_yaxes(showgrid=False, zeroline=False, automargin=True)
    return fig


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Labels:
    """What charts need from a scenario, looked up once: names of actors, issues' questions,
    scale anchors, capability x salience per actor and issue, status quo per issue.
    Without a scenario, ids stand for names and there are no anchors."""

    names: Mapping[str, str]
    questions: Mapping[str, str]
    anchors: Mapping[str, tuple[tuple[float, str], ...]]
    weights: Mapping[tuple[str, str], float]
    status_quo: Mapping[str, float | None]
    units: Mapping[str, str]

    @classmethod
    def of(cls, scenario: Scenario | None) -> Labels:
        if scenario is None:
            return cls({}, {}, {}, {}, {}, {})
        weights = {}
        for actor in scenario.actors:
            for issue_id, stance in actor.issues.items():
                cap = actor.capability_on(issue_id)
                if cap is None:
                    continue
                weights[(actor.id, issue_id)] = float(cap.value) * float(stance.salience.value)
        return cls(
            names={a.id: a.name for a in scenario.actors},
            questions={i.id: i.question for i in scenario.issues},
            anchors={
                i.id: tuple(sorted((float(a.value), a.label) for a in i.scale.anchors))
                for i in scenario.issues
            },
            weights=weights,
            status_quo={
                i.id: float(i.status_quo.value) if i.status_quo else None for i in scenario.issues
            },
            units={i.id: i.scale.unit or "" for i in scenario.issues},
        )

    def name(self, actor: str) -> str:
        return self.names.get(actor, actor)


def _labels(scenario: Scenario | Labels | None) -> Labels:
    return scenario if isinstance(scenario, Labels) else Labels.of(scenario)


def _scale_axis(fig, issue: str, scale: tuple[float, float], labels: Labels, **where: Any):
    """The issue's scale as the x axis, its labelled points as ticks (value and words)."""
    lo, hi = scale
    pad = 0.02 * (hi - lo)
    anchors = labels.anchors.get(issue, ())
    axis: dict[str, Any] = {"range": [lo - pad, hi + pad], "title": {"text": plain(issue)}}
    if anchors:  # the labels say what the axis is (and Plotly misplaces a title below some)
        axis["tickvals"] = [v for v, _ in anchors]
        axis["ticktext"] = [f"<b>{v:g}</b><br>{wrap(text, 22)}" for v, text in anchors]
        axis["tickfont"] = {"size": 10}
        axis["title"] = None
    fig.update_xaxes(**axis, **where)


# --------------------------------------------------------------------------- forecast


#: The calibrated band is drawn dashed in this colour, apart from the blue Monte Carlo ones.
CALIBRATED_COLOUR = "rgba(214,39,40,0.9)"


def calibrated_band(
    forecast: Forecast, issue: str
) -> tuple[str, list[tuple[str, tuple[float, float]]]] | None:
    """The calibrated interval the charts draw (80% when the calibration has it): its label
    and, per model that has one, (key, (low, high)); None without calibration."""
    cal = forecast.calibration
    if cal is None or not cal.levels:
        return None
    level = 0.8 if 0.8 in cal.levels else max(cal.levels)
    pairs = []
    for run in forecast.runs:
        iv = run.issue(issue).calibrated.get(level)
        if iv is not None:
            pairs.append((run.key, iv))
    if not pairs:
        return None
    return f"{level * 100:g}% calibrated (DEU III)", pairs


def _interval(dist, name: str) -> tuple[float, float]:
    return dist.interval80 if name.startswith("80") else dist.interval95


def _segments(pairs) -> tuple[list[float | None], list[str | None]]:
    """One horizontal segment per (model, (low, high)): Plotly lines broken by None."""
    xs: list[float | None] = []
    ys: list[str | None] = []
    for k, (a, b) in pairs:
        xs += [a, b, None]
        ys += [k, k, None]
    return xs, ys


def forecast_chart(
    forecast: Forecast,
    simulation: Simulation | None = None,
    scenario: Scenario | Labels | None = None,
    issue: str | None = None,
):
    """Every model's forecast of an issue on the issue's scale (with its word labels), with
    its Monte Carlo median and 80% / 95% intervals when ``simulation`` is given; the actors'
    starting positions as points sized by capability x salience; the status quo and the
    observed outcome marked. ``issue`` defaults to the first issue of the forecast.

    Traces, in order: ``actors``, one per model (``x`` its forecast), ``80% interval`` and
    ``95% interval`` (when simulated), ``80% calibrated (DEU III)`` (dashed, when the forecast
    carries calibrated intervals), ``status quo``, ``observed``.
    """
    issue = issue or forecast.issues[0]
    if issue not in forecast.issues:
        from ..errors import KingmakerError

        raise KingmakerError(
            f"no issue {issue!r} in the forecast; it has {', '.join(forecast.issues)}",
            parameter="issue",
        )
    labels = _labels(scenario)
    lo, hi = forecast.scales[issue]
    d = decimals_for(lo, hi)
    fig = _figure()
    import plotly.graph_objects as go

    keys = [r.key for r in forecast.runs]
    rows = ["actors", *keys]
    start = forecast.runs[0].issue(issue).trajectory[0]
    actors = [(a, float(x)) for a, x in zip(forecast.actors, start, strict=True) if np.isfinite(x)]
    weights = np.array([labels.weights.get((a, issue), 1.0) for a, _ in actors], dtype=float)
    top = float(weights.max()) if weights.size and weights.max() > 0 else 1.0
    fig.add_trace(
        go.Scatter(
            name="actors",
            x=[x for _, x in actors],
            y=["actors"] * len(actors),
            mode="markers",
            marker={
                "size": (8 + 26 * np.sqrt(weights / top)).tolist(),
                "color": "rgba(90,90,90,0.30)",
                "line": {"color": "#444", "width": 1},
            },
            text=[plain(labels.name(a)) for a, _ in actors],
            customdata=weights.tolist(),
            hovertemplate="%{text}: %{x:." + str(d) + "f}"
            "<br>capability x salience %{customdata:.3g}<extra></extra>",
        )
    )
    for run in forecast.runs:
        fig.add_trace(
            go.Scatter(
                name=plain(run.key),
                x=[run.issue(issue).forecast],
                y=[run.key],
                mode="markers",
                marker={"symbol": "diamond", "size": 13, "color": colour(run.key)},
                hovertemplate=plain(run.key) + " forecast: %{x:." + str(d) + "f}<extra></extra>",
            )
        )
    if simulation is not None:
        sim_keys = [k for k in keys if k in simulation.model_keys]
        for name, width, alpha in (("95% interval", 3, 0.35), ("80% interval", 9, 0.55)):
            xs, ys = _segments(
                (k, _interval(simulation.summary(k, issue).distribution, name)) for k in sim_keys
            )
            fig.add_trace(
                go.Scatter(
                    name=name,
                    x=xs,
                    y=ys,
                    mode="lines",
                    line={"width": width, "color": f"rgba(31,119,180,{alpha})"},
                    hoverinfo="skip",
                )
            )
        fig.add_trace(
            go.Scatter(
                name="median of draws",
                x=[simulation.summary(k, issue).distribution.median for k in sim_keys],
                y=sim_keys,
                mode="markers",
                marker={"symbol": "line-ns", "size": 14, "line": {"width": 2, "color": "#111"}},
                hovertemplate="%{y} median of the draws: %{x:." + str(d) + "f}<extra></extra>",
            )
        )
    cal = calibrated_band(forecast, issue)
    if cal is not None:
        name, pairs = cal
        xs, ys = _segments(pairs)
        fig.add_trace(
            go.Scatter(
                name=name,
                x=xs,
                y=ys,
                mode="lines+markers",
                line={"width": 2, "dash": "dash", "color": CALIBRATED_COLOUR},
                marker={"symbol": "line-ns", "size": 12, "line": {"width": 2}},
                hoverinfo="x+name",
            )
        )
    marks = (
        ("status quo", labels.status_quo.get(issue), "dot", "#777777"),
        ("observed", forecast.observed.get(issue), "solid", "#000000"),
    )
    for name, value, dash, col in marks:
        if value is None or not math.isfinite(value):
            continue
        fig.add_trace(
            go.Scatter(
                name=name,
                x=[value, value],
                y=[rows[0], rows[-1]],
                mode="lines",
                line={"dash": dash, "color": col, "width": 2},
                hovertemplate=name + ": %{x:." + str(d) + "f}<extra></extra>",
            )
        )
    title = labels.questions.get(issue, issue)
    _layout(fig, title, height=140 + 34 * len(rows) + (70 if labels.anchors.get(issue) else 0))
    fig.update_yaxes(
        categoryorder="array", categoryarray=list(reversed(rows)), type="category", range=None
    )
    _scale_axis(fig, issue, (lo, hi), labels)
    return fig


# --------------------------------------------------------------------------- trajectories


def dynamic_runs(forecast: Forecast) -> list[str]:
    """Keys of the runs whose trajectory has more than its starting round."""
    return [r.key for r in forecast.runs if r.issues and r.issues[0].trajectory.shape[0] > 1]


def trajectory_chart(
    forecast: Forecast,
    model: str | None = None,
    issue: str | None = None,
    scenario: Scenario | Labels | None = None,
):
    """Each actor's position round by round in a dynamic model (eum, smp, exchange), and the
    model's forecast as a dashed line. One trace per actor present (``y`` its trajectory
    column), then ``forecast``. ``model`` defaults to the first dynamic model."""
    import plotly.graph_objects as go

    dyn = dynamic_runs(forecast)
    model = model or (dyn[0] if dyn else forecast.runs[0].key)
    issue = issue or forecast.issues[0]
    labels = _labels(scenario)
    f = forecast.run(model).issue(issue)
    lo, hi = forecast.scales[issue]
    d = decimals_for(lo, hi)
    rounds = list(range(f.trajectory.shape[0]))
    fig = _figure()
    for n, actor in enumerate(forecast.actors):
        path = f.trajectory[:, n]
        if not np.isfinite(path).any():
            continue
        name = plain(labels.name(actor))
        fig.add_trace(
            go.Scatter(
                name=name,
                x=rounds,
                y=[float(v) if math.isfinite(v) else None for v in path],
                mode="lines+markers" if len(rounds) < 15 else "lines",
                line={"color": ACTOR_COLOURS[n % len(ACTOR_COLOURS)], "width": 1.6},
                marker={"size": 4},
                hovertemplate=name + ", round %{x}: %{y:." + str(d) + "f}<extra></extra>",
            )
        )
    fig.add_trace(
        go.Scatter(
            name="forecast",
            x=[rounds[0], rounds[-1]],
            y=[f.forecast, f.forecast],
            mode="lines",
            line={"dash": "dash", "color": "#000", "width": 2},
            hovertemplate="forecast: %{y:." + str(d) + "f}<extra></extra>",
        )
    )
    _layout(fig, f"{issue}: positions round by round ({model})", height=480)
    fig.update_layout(legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0})
    fig.update_layout(margin={"b": 140})
    fig.update_xaxes(title={"text": "round"}, dtick=1 if len(rounds) <= 20 else None)
    axis: dict[str, Any] = {"range": [lo, hi], "title": {"text": "position"}}
    anchors = labels.anchors.get(issue, ())
    if anchors:
        axis["tickvals"] = [v for v, _ in anchors]
        axis["ticktext"] = [f"{v:g}" for v, _ in anchors]
    fig.update_yaxes(**axis, showgrid=True, gridcolor="#eeeeee")
    return fig


# --------------------------------------------------------------------------- distributions


def histogram(values: np.ndarray, scale: tuple[float, float], bins: int = BINS):
    """(bin edges, share of the draws in each bin) over the issue's scale; NaN draws left
    out. Shares sum to 1 over the finite draws."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    lo, hi = scale
    span = (min(lo, v.min(initial=lo)), max(hi, v.max(initial=hi)))
    counts, edges = np.histogram(v, bins=bins, range=span)
    share = counts / v.size if v.size else counts.astype(float)
    return edges, share


@dataclass(frozen=True)
class Band:
    """A labelled outcome band: the values nearer one labelled point than to any other."""

    value: float
    label: str
    low: float
    high: float
    probability: float


def bands(
    simulation: Simulation, model: str, issue: str, scenario: Scenario | Labels | None
) -> list[Band]:
    """The probability, over the draws, that the model's forecast lands nearest each
    labelled point of the issue's scale (band edges halfway between neighbouring points)."""
    anchors = _labels(scenario).anchors.get(issue, ())
    if not anchors:
        return []
    lo, hi = simulation.scales[issue]
    values = simulation.values(model, issue)
    values = values[np.isfinite(values)]
    points = [v for v, _ in anchors]
    cuts = [(a + b) / 2 for a, b in itertools.pairwise(points)]
    edges = [lo, *cuts, hi]
    out = []
    for k, (v, text) in enumerate(anchors):
        a, b = edges[k], edges[k + 1]
        if k == 0:
            inside = values < b
        elif k == len(anchors) - 1:
            inside = values >= a
        else:
            inside = (values >= a) & (values < b)
        p = float(np.count_nonzero(inside)) / values.size if values.size else math.nan
        out.append(Band(v, text, a, b, p))
    return out


def distribution_chart(
    simulation: Simulation,
    issue: str | None = None,
    scenario: Scenario | Labels | None = None,
    models: Sequence[str] | None = None,
):
    """Each model's forecast of an issue over the Monte Carlo draws, as a histogram of shares
    of the draws (one bar trace per model, ``x`` the bin centres, ``y`` the shares from
    :func:`histogram`), with the scale's labelled points as ticks."""
    import plotly.graph_objects as go

    issue = issue or simulation.issues[0]
    labels = _labels(scenario)
    scale = simulation.scales[issue]
    d = decimals_for(*scale)
    fig = _figure()
    for key in models or simulation.model_keys:
        edges, share = histogram(simulation.values(key, issue), scale)
        centres = (edges[:-1] + edges[1:]) / 2
        fig.add_trace(
            go.Bar(
                name=plain(key),
                x=centres.tolist(),
                y=share.tolist(),
                width=float(edges[1] - edges[0]),
                marker={"color": colour(key), "opacity": 0.55},
                hovertemplate=plain(key)
                + ": %{y:.1%} of the draws near %{x:."
                + str(d)
                + "f}<extra></extra>",
            )
        )
    observed = simulation.observed.get(issue)
    if observed is not None and math.isfinite(observed):
        fig.add_vline(x=observed, line={"color": "#000", "width": 2}, annotation_text="observed")
    _layout(
        fig,
        f"{issue}: the forecasts over {simulation.draws:,} draws",
        height=330 + (60 if labels.anchors.get(issue) else 0),
        barmode="overlay",
    )
    fig.update_yaxes(title={"text": "share of draws"}, tickformat=".0%", showgrid=True)
    _scale_axis(fig, issue, scale, labels)
    return fig


# --------------------------------------------------------------------------- sensitivity


def factor_label(factor: Any, labels: Labels, issue: str | None = None) -> str:
    """``Iran: position`` (``on ISSUE`` when it is another issue's number)."""
    text = f"{labels.name(factor.actor)}: {factor.parameter}"
    if factor.issue and factor.issue != issue:
        text += f" on {factor.issue}"
    return text


def tornado_chart(
    sensitivity: Sensitivity,
    model: str | None = None,
    issue: str | None = None,
    scenario: Scenario | Labels | None = None,
    top: int = 10,
):
    """The numbers that move one model's forecast of an issue most: for each (largest swing
    on top), the forecast with the number at the low and at the high end of its range, as
    bars from the point forecast. Traces ``low end`` and ``high end``: ``base`` the point
    forecast, ``x`` the change (``at_low - point``, ``at_high - point``)."""
    import plotly.graph_objects as go

    issue = issue or sensitivity.issues[0]
    model = model or sensitivity.models[0]
    labels = _labels(scenario)
    res = sensitivity.result(model, issue)
    effects = [e for e in res.effects if e.swing][:top]
    effects.sort(key=lambda e: e.swing or 0.0)  # largest last: drawn on top
    names = [plain(factor_label(e.factor, labels, issue)) for e in effects]
    ranges = [f"{e.factor.low:.3g}..{e.factor.high:.3g}" for e in effects]
    point = res.point
    fig = _figure()
    for name, attr, col in (("low end", "at_low", "#4c78a8"), ("high end", "at_high", "#e45756")):
        x = [getattr(e, attr) - point for e in effects]
        fig.add_trace(
            go.Bar(
                name=f"number at its {name}",
                y=names,
                x=x,
                base=[point] * len(effects),
                orientation="h",
                marker={"color": col},
                customdata=[[getattr(e, attr), r] for e, r in zip(effects, ranges, strict=True)],
                hovertemplate="%{y} (range %{customdata[1]}) at its "
                + name
                + ": forecast %{customdata[0]:.1f}<extra></extra>",
            )
        )
    fig.add_vline(x=point, line={"color": "#000", "width": 1})
    _layout(
        fig,
        f"{issue} ({model}): what moves the forecast of {point:.1f}",
        height=120 + 26 * max(len(effects), 1),
        barmode="overlay",
    )
    fig.update_xaxes(title={"text": f"{issue} forecast"})
    return fig


# --------------------------------------------------------------------------- influence


def levers_chart(advice: Advice, top: int = 10, what: str = "levers"):
    """An actor's best levers (``what="levers"``), its presets (``"presets"``) or who matters
    to it (``"who_matters"``: each other actor kept away): mean gain over the models as bars
    (trace ``gain``, ``x`` each outcome's :attr:`~Outcome.mean_gain`), with the 80% interval
    of the gain on paired draws as error bars where the outcome was run on them (trace
    ``gain on paired draws``: ``x`` the median over the models' medians)."""
    import plotly.graph_objects as go

    outcomes = [o for o in getattr(advice, what) if math.isfinite(o.mean_gain)][:top]
    outcomes = list(reversed(outcomes))  # best on top
    names = [wrap(o.name, 55) for o in outcomes]
    fig = _figure()
    fig.add_trace(
        go.Bar(
            name="gain",
            y=names,
            x=[o.mean_gain for o in outcomes],
            orientation="h",
            marker={"color": ["#2ca02c" if o.mean_gain > 0 else "#d62728" for o in outcomes]},
            customdata=[[o.cost, o.agree] for o in outcomes],
            hovertemplate="%{y}: gain %{x:+.2f} (cost %{customdata[0]:.2f}, "
            + f"models gaining %{{customdata[1]}}/{len(advice.models)})<extra></extra>",
        )
    )
    paired = [(n, o) for n, o in zip(names, outcomes, strict=True) if o.paired is not None]
    if paired:
        mids, lows, highs = [], [], []
        for _, o in paired:
            g = list(o.paired.gain.values())
            mid = float(np.mean([x.median for x in g]))
            mids.append(mid)
            lows.append(mid - float(np.mean([x.interval80[0] for x in g])))
            highs.append(float(np.mean([x.interval80[1] for x in g])) - mid)
        fig.add_trace(
            go.Scatter(
                name="gain on paired draws (80%)",
                y=[n for n, _ in paired],
                x=mids,
                mode="markers",
                marker={"color": "#111", "size": 7},
                error_x={"type": "data", "symmetric": False, "array": highs, "arrayminus": lows},
                hovertemplate="%{y}: median gain on the draws %{x:+.2f}<extra></extra>",
            )
        )
    titles = {
        "levers": f"Best levers of {advice.actor_name}",
        "presets": f"{advice.actor_name}'s moves in the scenario (presets)",
        "who_matters": f"Who matters to {advice.actor_name}: each actor kept away",
    }
    lines = sum(n.count("<br>") + 1 for n in names)
    _layout(fig, titles.get(what, what), height=130 + 20 * max(lines, 2))
    fig.add_vline(x=0, line={"color": "#000", "width": 1})
    fig.update_xaxes(title={"text": "gain (points of a 0-100 scale)"})
    return fig


def influence_chart(advice: Advice, top: int = 10):
    """The actor's best levers (see :func:`levers_chart`)."""
    return levers_chart(advice, top, "levers")


# --------------------------------------------------------------------------- exchanges


def exchange_rows(
    forecast: Forecast, model: str = "exchange", scenario: Scenario | Labels | None = None
) -> list[dict[str, Any]]:
    """Every exchange the exchange model realised, one row per leg: round, order, who moved
    on which issue from where to where, for whom (its partner), and its gain."""
    try:
        run = forecast.run(model)
    except KeyError:
        return []
    labels = _labels(scenario)
    rounds = run.extras.get("rounds") or []
    if rounds and isinstance(rounds[0], list):  # per draw: a forecast is a batch of one
        rounds = rounds[0]
    rows = []
    for r in rounds:
        for ex in r.get("exchanges", ()):
            for leg in ex["legs"]:
                rows.append(
                    {
                        "round": int(r["round"]),
                        "order": int(ex["order"]),
                        "actor": leg["actor"],
                        "actor_name": labels.name(leg["actor"]),
                        "issue": leg["issue"],
                        "from": float(leg["from"]),
                        "to": float(leg["to"]),
                        "partner": leg["partner"],
                        "partner_name": labels.name(leg["partner"]),
                        "gain": float(leg["gain"]),
                    }
                )
    return rows


def exchanges_table(
    forecast: Forecast, model: str = "exchange", scenario: Scenario | Labels | None = None
):
    """The rows of :func:`exchange_rows` as a Plotly table: who gave ground on what, to whom."""
    import plotly.graph_objects as go

    rows = exchange_rows(forecast, model, scenario)
    head = ["Round", "#", "Actor", "Issue", "From", "To", "For", "Gain"]
    cols = [
        [r["round"] for r in rows],
        [r["order"] for r in rows],
        [plain(r["actor_name"]) for r in rows],
        [plain(r["issue"]) for r in rows],
        [round(r["from"], 1) for r in rows],
        [round(r["to"], 1) for r in rows],
        [plain(r["partner_name"]) for r in rows],
        [round(r["gain"], 3) for r in rows],
    ]
    fig = _figure()
    fig.add_trace(
        go.Table(
            header={"values": head, "fill": {"color": "#eeeeee"}, "align": "left"},
            cells={"values": cols, "align": "left"},
        )
    )
    _layout(fig, f"Exchanges realised by {model}", height=160 + 24 * min(len(rows), 20))
    return fig


__all__ = [
    "Band",
    "Labels",
    "bands",
    "colour",
    "distribution_chart",
    "dynamic_runs",
    "exchange_rows",
    "exchanges_table",
    "factor_label",
    "forecast_chart",
    "histogram",
    "influence_chart",
    "levers_chart",
    "plain",
    "tornado_chart",
    "trajectory_chart",
]
