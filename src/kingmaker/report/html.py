"""The HTML report: one self-contained page (styles, plotly.js and every chart inlined; no
request to any host) rendered through Jinja2 templates with autoescaping.

Every text of the scenario reaches the page through the template's autoescaping, or inside
the charts' JSON, which is written with ``<``, ``>`` and ``&`` as JSON escapes so that no
text can end the script element that holds it. A source's URL becomes a link only when it is
an ``http(s)`` URL; any other (``javascript:...``) is shown as text.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..__about__ import __version__
from ..results import Advice, Forecast, Sensitivity, Simulation
from . import charts
from .headline import issue_headlines
from .numbers import decimals_for, fmt, percent, signed

if TYPE_CHECKING:
    from ..scenario.schema import Scenario

#: The artifact names a report is kept under, beside its forecast run (CLI and dashboard).
HTML_ARTIFACT = "report.html"
RUNS_ARTIFACT = "report-runs.json"


PARAMETERS = ("capability", "position", "salience")
#: Exchanges listed in the page (the rest are counted).
EXCHANGES_SHOWN = 60


@dataclass(frozen=True)
class ReportInputs:
    """What a report is made of: the scenario and the records of its analyses, and the ids
    of the runs that hold them in the store (empty when not saved)."""

    scenario: Scenario
    forecast: Forecast
    simulation: Simulation | None = None
    sensitivity: Sensitivity | None = None
    advice: Advice | None = None
    runs: Mapping[str, str] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)


def figure_json(fig) -> str:
    """A figure as JSON that is safe inside a ``<script>`` element."""
    from plotly.utils import PlotlyJSONEncoder

    text = json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def safe_url(url: str | None) -> str | None:
    """The URL if it may be a link (http or https), else None (shown as text)."""
    if not url:
        return None
    u = url.strip().lower()
    return url.strip() if u.startswith(("http://", "https://")) else None


def evidence_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """Every number of the scenario with its evidence (quote, source, date, locator, note),
    or flagged as resting on the analyst's judgement alone, or as unsourced."""
    sources = {s.id: s for s in scenario.scenario.sources}
    rows: list[dict[str, Any]] = []

    def add(where: str, q: Any) -> None:
        if q is None:
            return
        base = {"where": where, "value": q.value, "low": q.low, "high": q.high}
        if q.evidence:
            for e in q.evidence:
                src = sources.get(e.source)
                rows.append(
                    {
                        **base,
                        "kind": "evidence",
                        "quote": e.quote,
                        "source": src.title if src else e.source,
                        "url": src.url if src else None,
                        "link": safe_url(src.url if src else None),
                        "date": str(src.date) if src and src.date else None,
                        "locator": e.locator,
                        "note": e.note,
                        "judgement": q.judgement,
                    }
                )
        elif q.judgement is not None:
            rows.append({**base, "kind": "judgement", "judgement": q.judgement})
        else:
            rows.append({**base, "kind": "unsourced"})

    for issue in scenario.issues:
        add(f"{issue.id}: status quo", issue.status_quo)
    for actor in scenario.actors:
        add(f"{actor.name}: capability", actor.capability)
        for issue_id, stance in actor.issues.items():
            add(f"{actor.name}: position on {issue_id}", stance.position)
            add(f"{actor.name}: salience of {issue_id}", stance.salience)
            add(f"{actor.name}: capability on {issue_id}", stance.capability)
    return rows


def stakeholder_rows(scenario: Scenario) -> list[dict[str, Any]]:
    rows = []
    for actor in scenario.actors:
        cells: dict[str, dict[str, Any] | None] = {}
        for issue in scenario.issues:
            st = actor.issues.get(issue.id)
            if st is None:
                cells[issue.id] = None
                continue
            cap = actor.capability_on(issue.id)
            cells[issue.id] = {
                "position": st.position.value,
                "salience": st.salience.value,
                "capability": cap.value if cap is not None else None,
                "judgement": not st.position.evidence and st.position.judgement is not None,
            }
        rows.append({"id": actor.id, "name": actor.name, "issues": cells})
    return rows


def _provenance(inputs: ReportInputs) -> dict[str, Any]:
    f = inputs.forecast.provenance
    sim = inputs.simulation.provenance if inputs.simulation else None
    models = [
        {"key": m.key, "label": m.label, "params": json.dumps(dict(m.params), sort_keys=True)}
        for m in f.models
    ]
    return {
        "version": f.kingmaker_version,
        "report_version": __version__,
        "scenario": f.scenario,
        "hash": f.scenario_hash,
        "models": models,
        "mc_models": list(sim.model_keys) if sim else [],
        "seed": sim.seed if sim else f.seed,
        "draws": sim.draws if sim else 0,
        "created": f.created,
        "runs": dict(inputs.runs),
        "settings": json.dumps(dict(inputs.settings), sort_keys=True, default=str),
    }


def build_context(inputs: ReportInputs) -> dict[str, Any]:
    """Everything the template shows, as plain data and figures' JSON."""
    sc, fc, sim, sens, adv = (
        inputs.scenario,
        inputs.forecast,
        inputs.simulation,
        inputs.sensitivity,
        inputs.advice,
    )
    labels = charts.Labels.of(sc)
    heads = {h.issue: h for h in issue_headlines(fc, sim, labels, adv)}
    figures: list[tuple[str, str]] = []

    def fig(name: str, figure) -> str:
        figures.append((name, figure_json(figure)))
        return name

    dyn = charts.dynamic_runs(fc)
    cal = fc.calibration
    calibrated = cal is not None and any(f.calibrated for r in fc.runs for f in r.issues)
    cal_level = (0.8 if 0.8 in cal.levels else max(cal.levels)) if cal and calibrated else None
    issues = []
    for issue in sc.issues:
        i = issue.id
        scale = fc.scales[i]
        d = decimals_for(*scale)
        summary = []
        for run in fc.runs:
            row = {"key": run.key, "forecast": fmt(run.issue(i).forecast, d)}
            if sim is not None and run.key in sim.model_keys:
                dist = sim.summary(run.key, i).distribution
                row["median"] = fmt(dist.median, d)
                row["i80"] = f"{fmt(dist.interval80[0], d)}\u2013{fmt(dist.interval80[1], d)}"
                row["i95"] = f"{fmt(dist.interval95[0], d)}\u2013{fmt(dist.interval95[1], d)}"
            civ = run.issue(i).calibrated.get(cal_level) if cal_level is not None else None
            if civ is not None:
                row["c"] = f"{fmt(civ[0], d)}\u2013{fmt(civ[1], d)}"
            summary.append(row)
        entry: dict[str, Any] = {
            "id": i,
            "question": issue.question,
            "headline": heads[i].text,
            "summary": summary,
            "forecast_chart": fig(f"forecast-{i}", charts.forecast_chart(fc, sim, labels, i)),
            "trajectories": [
                fig(f"trajectory-{i}-{k}", charts.trajectory_chart(fc, k, i, labels)) for k in dyn
            ],
        }
        if sim is not None:
            entry["distribution_chart"] = fig(
                f"distribution-{i}", charts.distribution_chart(sim, i, labels)
            )
            entry["bands"] = [
                {
                    "model": k,
                    "bands": [
                        {"value": b.value, "label": b.label, "p": percent(b.probability)}
                        for b in charts.bands(sim, k, i, labels)
                    ],
                }
                for k in sim.model_keys
            ]
        if sens is not None:
            entry["tornado"] = [
                fig(f"tornado-{i}-{k}", charts.tornado_chart(sens, k, i, labels))
                for k in sens.models
                if any(e.swing for e in sens.result(k, i).effects)
            ]
        issues.append(entry)

    influence = None
    if adv is not None:
        influence = {
            "actor": adv.actor_name,
            "levers": fig("levers", charts.levers_chart(adv, 12, "levers")),
            "who_matters": fig("who-matters", charts.levers_chart(adv, 12, "who_matters")),
            "presets": fig("presets", charts.levers_chart(adv, 12, "presets"))
            if adv.presets
            else None,
            "preset_rows": [
                {
                    "name": o.name,
                    "error": o.error,
                    "gain": signed(o.mean_gain, 2),
                    "effects": {
                        i: signed(float(_mean(o.delta[:, n])), 1) for n, i in enumerate(adv.issues)
                    },
                }
                for o in adv.presets
            ],
            "issues": list(adv.issues),
            "models": list(adv.models),
            "draws": adv.draws,
            "targets": [
                {
                    "target": str(t.target),
                    "model": t.model,
                    "forecast": fmt(t.forecast, 1),
                    "already": t.already,
                    "best": (
                        {
                            "change": t.reaches[0].intervention.name,
                            "cost": f"{t.reaches[0].cost:.2f}",
                            "forecast": fmt(t.reaches[0].forecast, 1),
                        }
                        if t.reaches
                        else None
                    ),
                }
                for t in adv.targets
            ],
        }
    exchanges = charts.exchange_rows(fc, scenario=labels)
    return {
        "title": sc.scenario.title,
        "scenario_id": sc.id,
        "description": sc.scenario.description,
        "as_of": sc.scenario.as_of,
        "issues": issues,
        "influence": influence,
        "exchanges": exchanges[:EXCHANGES_SHOWN],
        "exchanges_total": len(exchanges),
        "has_exchange": any(r.key == "exchange" for r in fc.runs),
        "stakeholders": stakeholder_rows(sc),
        "issue_ids": list(sc.issue_ids),
        "evidence": evidence_rows(sc),
        "sources": [
            {
                "id": s.id,
                "title": s.title,
                "author": s.author,
                "publisher": s.publisher,
                "date": s.date,
                "url": s.url,
                "link": safe_url(s.url),
            }
            for s in sc.scenario.sources
        ],
        "provenance": _provenance(inputs),
        "figures": figures,
        "simulated": sim is not None,
        "calibrated": (
            {
                "label": f"{cal_level * 100:g}% calibrated (DEU III)",
                "n_cases": cal.n_cases,
                "method": cal.method,
                "fingerprint": cal.fingerprint,
            }
            if cal is not None and cal_level is not None
            else None
        ),
        "draws": sim.draws if sim else 0,
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _mean(values) -> float:
    import numpy as np

    v = values[np.isfinite(values)]
    return float(v.mean()) if v.size else math.nan


def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("kingmaker.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda x, d=1: fmt(x, d)
    return env


def plotly_js() -> str:
    """plotly.js from the plotly package (no CDN), safe to inline in a script element."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().replace("</script", "<\\/script")


def render_html(inputs: ReportInputs) -> str:
    """The report as one HTML document (see the module docstring)."""
    context = build_context(inputs)
    return _environment().get_template("report.html.j2").render(**context, plotly_js=plotly_js())
