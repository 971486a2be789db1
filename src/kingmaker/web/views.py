"""Plain data for pages and the API, read from scenarios and stored runs (no computation)."""

from __future__ import annotations

from typing import Any

from ..scenario.schema import Quantity, Scenario


def quantity(q: Quantity | None) -> dict[str, Any] | None:
    if q is None:
        return None
    return {
        "value": q.value,
        "low": None if q.range is None else q.range.low,
        "high": None if q.range is None else q.range.high,
        "evidence": [
            {"source": e.source, "quote": e.quote, "note": e.note, "locator": e.locator}
            for e in q.evidence
        ],
        "judgement": q.judgement,
        "judgement_only": not q.evidence,
    }


def scenario_view(scenario: Scenario) -> dict[str, Any]:
    """The actors x issues table, the issues' labelled scales, sources and presets."""
    meta = scenario.scenario
    issues = []
    for issue in scenario.issues:
        scale = issue.scale
        issues.append(
            {
                "id": issue.id,
                "question": issue.question,
                "min": scale.min,
                "max": scale.max,
                "anchors": [{"value": a.value, "label": a.label} for a in (scale.anchors or ())],
                "status_quo": None if issue.status_quo is None else issue.status_quo.value,
                "observed": None if issue.outcome is None else issue.outcome.value,
            }
        )
    actors = []
    for actor in scenario.actors:
        stances = {}
        for issue_id, stance in actor.issues.items():
            stances[issue_id] = {
                "position": quantity(stance.position),
                "salience": quantity(stance.salience),
            }
        actors.append(
            {
                "id": actor.id,
                "name": actor.name,
                "capability": quantity(actor.capability),
                "issues": stances,
            }
        )
    sources = [
        {
            "id": s.id,
            "title": getattr(s, "title", None),
            "date": str(getattr(s, "date", "") or ""),
            "url": getattr(s, "url", None),
        }
        for s in (meta.sources or ())
    ]
    presets = [
        {"id": iv.id, "name": iv.name, "actor": iv.actor, "description": iv.description}
        for iv in scenario.interventions
    ]
    return {
        "id": scenario.id,
        "title": meta.title,
        "description": meta.description,
        "as_of": str(meta.as_of) if getattr(meta, "as_of", None) else None,
        "issues": issues,
        "actors": actors,
        "sources": sources,
        "presets": presets,
    }
