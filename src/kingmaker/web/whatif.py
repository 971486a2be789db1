"""The what-if loop: a scenario, the analyst's edits, and every issue's forecast by the fast
models (the baselines and eum), before and after.

Edits are plain data (what the browser sends): numbers set to a value, intervention presets
applied, actors kept away. They become one :class:`Intervention` applied by
:func:`kingmaker.scenario.interventions.apply_intervention`, so the dashboard changes a
scenario exactly as ``kingmaker advise`` and the Python API do. A set number is certain (its
range is dropped), as the intervention rules say; presets keep their own propagation rule.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..analysis.forecast import forecast
from ..scenario.interventions import apply_intervention
from ..scenario.schema import Intervention, Scenario

#: What the what-if loop runs: quick enough to answer within a second on the flagship.
FAST_MODELS = ("compromise", "median", "condorcet", "eum")


class SetNumber(BaseModel):
    model_config = ConfigDict(extra="forbid")

    actor: str = Field(max_length=200)
    issue: str | None = Field(default=None, max_length=200)
    parameter: Literal["position", "salience", "capability"]
    value: float = Field(allow_inf_nan=False)


class Edits(BaseModel):
    """What the analyst changed in the browser."""

    model_config = ConfigDict(extra="forbid")

    set: list[SetNumber] = Field(default_factory=list, max_length=1000)
    presets: list[str] = Field(default_factory=list, max_length=100)
    away: list[str] = Field(default_factory=list, max_length=100)

    @property
    def empty(self) -> bool:
        return not (self.set or self.presets or self.away)


def apply_edits(scenario: Scenario, edits: Edits) -> Scenario:
    """The edited scenario (a new one; ``scenario`` is untouched)."""
    if edits.empty:
        return scenario
    from ..scenario.interventions import InterventionError

    presets = {iv.id: iv for iv in scenario.interventions}
    chosen = []
    for name in edits.presets:
        if name not in presets:
            raise InterventionError(f"no intervention preset {name!r} in {scenario.id}")
        chosen.append(presets[name])
    changes: list[dict[str, Any]] = [{"op": "remove_actor", "actor": a} for a in edits.away]
    for s in edits.set:
        change = {"op": "set", "actor": s.actor, "parameter": s.parameter, "to": s.value}
        if s.parameter != "capability":
            change["issue"] = s.issue
        changes.append(change)
    if changes:
        own = Intervention.model_validate({"id": "what-if", "name": "what if", "changes": changes})
        # the analyst's numbers are taken as typed: no proxy follows them
        scenario = apply_intervention(scenario, chosen, propagate=True) if chosen else scenario
        return apply_intervention(scenario, own, propagate=False)
    return apply_intervention(scenario, chosen, propagate=True)


def forecasts(scenario: Scenario, models=FAST_MODELS) -> dict[str, dict[str, float | None]]:
    """{issue: {model: forecast}} for the fast models."""
    import math

    result = forecast(scenario, list(models), seed=0)
    out: dict[str, dict[str, float | None]] = {}
    for issue in result.issues:
        values = {run.key: float(result.value(run.key, issue)) for run in result.runs}
        out[issue] = {k: (v if math.isfinite(v) else None) for k, v in values.items()}
    return out


def what_if(scenario: Scenario, edits: Edits) -> dict[str, Any]:
    """The forecasts of the scenario as it is and as edited, with the edited positions."""
    edited = apply_edits(scenario, edits)
    before = forecasts(scenario)
    after = before if edited is scenario else forecasts(edited)
    return {
        "models": list(FAST_MODELS),
        "issues": [
            {
                "id": issue.id,
                "baseline": before[issue.id],
                "forecasts": after[issue.id],
                "positions": positions(edited, issue.id),
            }
            for issue in scenario.issues
        ],
        "away": list(edits.away),
    }


def positions(scenario: Scenario, issue_id: str) -> list[dict[str, Any]]:
    """Each actor's position on an issue with its weight (capability x salience)."""
    rows = []
    for actor in scenario.actors:
        stance = actor.issues.get(issue_id)
        if stance is None:
            continue
        capability = actor.capability.value
        override = getattr(stance, "capability", None)
        if override is not None:
            capability = override.value
        rows.append(
            {
                "actor": actor.id,
                "name": actor.name,
                "position": stance.position.value,
                "salience": stance.salience.value,
                "weight": capability * stance.salience.value,
            }
        )
    return rows
