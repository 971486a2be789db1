"""The report as Markdown (``kingmaker report --format md``): the headline and the tables, for
pasting into documents, with the charts as PNG files beside it (drawn with matplotlib, which
needs no browser) in ``NAME_files/``.

Scenario text is escaped for Markdown and HTML (``<``, ``>``, ``&``, ``|``, ``*``, ``_``,
``~``, brackets, backticks), so that a name is shown as written and never becomes markup or a link.
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import numpy as np

from ..files import check_output, write_atomic
from . import charts
from .headline import issue_headlines
from .html import ReportInputs
from .numbers import decimals_for, fmt, signed

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md(text: object) -> str:
    """Text shown as written in Markdown (and in the HTML a Markdown renderer makes)."""
    s = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = _SPECIAL.sub(r"\\\1", s)
    return " ".join(s.split())


def _table(head: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _calibrated_level(fc) -> float | None:
    """The level the calibrated column shows (80% when there); None without intervals."""
    cal = fc.calibration
    if cal is None or not any(f.calibrated for r in fc.runs for f in r.issues):
        return None
    return 0.8 if 0.8 in cal.levels else max(cal.levels)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _forecast_png(inputs: ReportInputs, labels: charts.Labels, issue: str, path: Path) -> None:
    plt = _pyplot()
    fc, sim = inputs.forecast, inputs.simulation
    lo, hi = fc.scales[issue]
    rows = [r.key for r in fc.runs]
    band = charts.calibrated_band(fc, issue)
    cal_level = _calibrated_level(fc) if band is not None else None
    fig, ax = plt.subplots(figsize=(8, 1.2 + 0.45 * (len(rows) + 1)), dpi=110)
    start = fc.runs[0].issue(issue).trajectory[0]
    weights = np.array(
        [labels.weights.get((a, issue), 1.0) for a, x in zip(fc.actors, start, strict=True)]
    )
    keep = np.isfinite(start)
    top = weights[keep].max() if keep.any() and weights[keep].max() > 0 else 1.0
    ax.scatter(
        start[keep], [len(rows)] * int(keep.sum()), s=30 + 300 * weights[keep] / top,
        color="0.6", alpha=0.5, edgecolor="0.3", label="actors",
    )  # fmt: skip
    for y, run in enumerate(reversed(fc.runs)):
        col = charts.colour(run.key)
        if sim is not None and run.key in sim.model_keys:
            d = sim.summary(run.key, issue).distribution
            ax.plot(d.interval95, [y, y], color=col, lw=1.5, alpha=0.5)
            ax.plot(d.interval80, [y, y], color=col, lw=6, alpha=0.5)
        civ = run.issue(issue).calibrated.get(cal_level) if cal_level is not None else None
        if civ is not None:
            ax.plot(civ, [y - 0.22, y - 0.22], color="tab:red", ls="--", lw=1.5, marker="|")
        ax.scatter([run.issue(issue).forecast], [y], marker="D", color=col, zorder=3)
    for name, value, style in (
        ("status quo", labels.status_quo.get(issue), ":"),
        ("observed", fc.observed.get(issue), "-"),
    ):
        if value is not None and math.isfinite(value):
            ax.axvline(value, color="k", ls=style, lw=1.5, label=name)
    ax.set_yticks(range(len(rows) + 1), [*reversed(rows), "actors"])
    anchors = labels.anchors.get(issue, ())
    if anchors:
        ax.set_xticks([v for v, _ in anchors], [f"{v:g}" for v, _ in anchors])
    ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
    ax.set_xlabel(issue)
    ax.grid(axis="x", color="0.9")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.35), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def _distribution_png(inputs: ReportInputs, issue: str, path: Path) -> None:
    plt = _pyplot()
    sim = inputs.simulation
    if sim is None:  # no Monte Carlo, no distribution
        return
    scale = sim.scales[issue]
    fig, ax = plt.subplots(figsize=(8, 3), dpi=110)
    for key in sim.model_keys:
        edges, share = charts.histogram(sim.values(key, issue), scale)
        ax.bar(
            (edges[:-1] + edges[1:]) / 2, share, width=edges[1] - edges[0],
            color=charts.colour(key), alpha=0.5, label=key,
        )  # fmt: skip
    obs = sim.observed.get(issue)
    if obs is not None and math.isfinite(obs):
        ax.axvline(obs, color="k", lw=1.5, label="observed")
    ax.set_xlabel(issue)
    ax.set_ylabel("share of draws")
    ax.legend(frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def render_markdown(inputs: ReportInputs, images: str | None) -> str:
    """The Markdown text; ``images`` the folder (relative) the PNGs are in, or None."""
    sc, fc, sim, sens, adv = (
        inputs.scenario,
        inputs.forecast,
        inputs.simulation,
        inputs.sensitivity,
        inputs.advice,
    )
    labels = charts.Labels.of(sc)
    out = [f"# {md(sc.scenario.title)}", "", f"Kingmaker report on scenario `{sc.id}`.", ""]
    out += ["## Headline", ""]
    for h in issue_headlines(fc, sim, labels, adv):
        out += [f"**{md(h.issue)}: {md(h.question)}** {md(h.text)}", ""]
    cal_level = _calibrated_level(fc)
    for issue in sc.issues:
        i = issue.id
        d = decimals_for(*fc.scales[i])
        out += [f"## {md(i)}: {md(issue.question)}", ""]
        if images:
            out += [f"![forecasts of {md(i)}]({images}/forecast-{i}.png)", ""]
        rows = []
        for run in fc.runs:
            row = [md(run.key), fmt(run.issue(i).forecast, d)]
            if sim is not None and run.key in sim.model_keys:
                dist = sim.summary(run.key, i).distribution
                row += [
                    fmt(dist.median, d),
                    f"{fmt(dist.interval80[0], d)}-{fmt(dist.interval80[1], d)}",
                ]
            elif sim is not None:
                row += ["-", "-"]
            if cal_level is not None:
                civ = run.issue(i).calibrated.get(cal_level)
                row.append(f"{fmt(civ[0], d)}-{fmt(civ[1], d)}" if civ else "-")
            rows.append(row)
        head = ["Model", "Forecast"] + (["Median of draws", "80% interval"] if sim else [])
        if cal_level is not None:
            head.append(f"{cal_level * 100:g}% calibrated (DEU III)")
        out += [_table(head, rows), ""]
        if sim is not None:
            out += ["Monte Carlo intervals: the uncertainty of the inputs only.", ""]
        if cal_level is not None and fc.calibration is not None:
            out += [
                f"Calibrated on DEU III: the forecast +- the model's own error on "
                f"{fc.calibration.n_cases} EU decisions (conformal), rescaled to the scale.",
                "",
            ]
        if sim is not None:
            if images:
                out += [f"![distribution of {md(i)}]({images}/distribution-{i}.png)", ""]
            bands = {k: charts.bands(sim, k, i, labels) for k in sim.model_keys}
            first = next(iter(bands.values()))
            if first:
                rows = [
                    [f"{b.value:g}: {md(b.label)}"]
                    + [f"{bands[k][n].probability:.0%}" for k in sim.model_keys]
                    for n, b in enumerate(first)
                ]
                out += [_table(["Labelled outcome", *map(md, sim.model_keys)], rows), ""]
        if sens is not None:
            for k in sens.models:
                res = sens.result(k, i)
                top = [e for e in res.effects if e.swing][:5]
                if top:
                    rows = [
                        [
                            md(charts.factor_label(e.factor, labels, i)),
                            fmt(e.at_low, d),
                            fmt(e.at_high, d),
                        ]
                        for e in top
                    ]
                    out += [f"What moves the {md(k)} forecast ({fmt(res.point, d)}) most:", ""]
                    out += [_table(["Number", "At its low end", "At its high end"], rows), ""]
    if adv is not None:
        out += [f"## Influence: what {md(adv.actor_name)} can change", ""]
        for title, what in (
            ("Best levers", "levers"),
            ("Who matters", "who_matters"),
            ("Presets", "presets"),
        ):
            shown = [o for o in getattr(adv, what) if math.isfinite(o.mean_gain)][:10]
            if shown:
                rows = [[md(o.name), f"{o.cost:.2f}", signed(o.mean_gain, 2)] for o in shown]
                out += [f"### {title}", "", _table(["Change", "Cost", "Gain"], rows), ""]
    p = fc.provenance
    out += [
        "## Provenance",
        "",
        f"Kingmaker {p.kingmaker_version}; scenario `{p.scenario}` (hash `{p.scenario_hash}`); "
        f"models {', '.join(m.label for m in p.models)}"
        + (f"; {sim.draws:,} draws, seed {sim.seed}" if sim else "")
        + (
            f"; runs {', '.join(f'{k} `{v}`' for k, v in inputs.runs.items())}"
            if inputs.runs
            else ""
        )
        + f"; computed {p.created}.",
        "",
    ]
    return "\n".join(out)


def write_markdown(inputs: ReportInputs, path: str | os.PathLike, *, overwrite: bool = False):
    """Write the Markdown report and its PNG charts (in ``STEM_files/`` beside it)."""
    path = check_output(path, overwrite=overwrite)
    folder = path.with_name(f"{path.stem}_files")
    folder.mkdir(exist_ok=True)
    labels = charts.Labels.of(inputs.scenario)
    for issue in inputs.forecast.issues:
        _forecast_png(inputs, labels, issue, folder / f"forecast-{issue}.png")
        if inputs.simulation is not None:
            _distribution_png(inputs, issue, folder / f"distribution-{issue}.png")
    return write_atomic(path, render_markdown(inputs, folder.name), overwrite=overwrite)
