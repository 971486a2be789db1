"""The what-if loop: a scenario, the analyst's edits, and every issue's forecast by the fast
models (the baselines and eum), before and after.

Edits are plain data (what the browser sends): numbers set to a value, intervention presets
applied, actors kept away. Typed numbers are written into the scenario document and checked
by the same validation as a file; presets and absent actors are applied by
:func:`kingmaker.scenario.interventions.apply_intervention`, exactly as ``kingmaker advise``
and the Python API apply them.
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
    """The edited scenario (a new one; ``scenario`` is untouched).

    Typed numbers are written into the scenario document (evidence, presets and the rest
    kept; a range that no longer holds the value is widened to it), then presets and absent
    actors are applied as interventions (the result is then a what-if state without presets,
    as :mod:`kingmaker.scenario.interventions` defines).
    """
    if edits.empty:
        return scenario
    from ..scenario.interventions import InterventionError

    for s in edits.set:
        _check_number(scenario, s)
    if edits.set:
        scenario = _with_numbers(scenario, edits.set)
    presets = {iv.id: iv for iv in scenario.interventions}
    chosen = []
    for name in edits.presets:
        if name not in presets:
            raise InterventionError(f"no intervention preset {name!r} in {scenario.id}")
        chosen.append(presets[name])
    if chosen:
        scenario = apply_intervention(scenario, chosen, propagate=True)
    if edits.away:
        known = {a.id for a in scenario.actors}
        for actor in edits.away:
            if actor not in known:
                raise InterventionError(f"no actor {actor!r} in {scenario.id}")
        away = Intervention.model_validate(
            {
                "id": "away",
                "name": "kept away",
                "changes": [{"op": "remove_actor", "actor": a} for a in edits.away],
            }
        )
        scenario = apply_intervention(scenario, away, propagate=False)
    return scenario


def _with_numbers(scenario: Scenario, numbers: list[SetNumber]) -> Scenario:
    import copy

    from ..analysis.inputs import build_scenario
    from ..scenario.interventions import InterventionError

    doc = copy.deepcopy(scenario.to_document())
    actors = {a["id"]: a for a in doc.get("actors", [])}
    for n in numbers:
        actor = actors.get(n.actor)
        if actor is None:
            raise InterventionError(f"no actor {n.actor!r} in {scenario.id}")
        if n.parameter == "capability":
            actor["capability"] = _set(actor.get("capability"), n.value)
            continue
        stance = actor.get("issues", {}).get(n.issue)
        if stance is None:
            raise InterventionError(f"{n.actor} has no stance on {n.issue!r}")
        stance[n.parameter] = _set(stance.get(n.parameter), n.value)
    return build_scenario(doc, file=f"{scenario.id} (edited)")


def _set(quantity: Any, value: float) -> Any:
    """A document quantity with a new value; its range widened to hold it if need be."""
    if not isinstance(quantity, dict):
        return value
    out = dict(quantity, value=value)
    rng = out.get("range")
    if isinstance(rng, dict):
        out["range"] = dict(rng, low=min(rng["low"], value), high=max(rng["high"], value))
    return out


def _check_number(scenario: Scenario, edit: SetNumber) -> None:
    """A typed number outside its bounds is a mistake to point out, not a value to clip."""
    from ..scenario.interventions import InterventionError

    where = f"{edit.actor} {edit.issue + ' ' if edit.issue else ''}{edit.parameter}"
    if edit.parameter == "salience" and not 0 <= edit.value <= 1:
        raise InterventionError(f"{where} must be between 0 and 1, got {edit.value:g}")
    if edit.parameter == "capability" and edit.value < 0:
        raise InterventionError(f"{where} must be 0 or more, got {edit.value:g}")
    if edit.parameter == "position":
        issue = next((i for i in scenario.issues if i.id == edit.issue), None)
        if issue is None:
            raise InterventionError(f"no issue {edit.issue!r} in {scenario.id}")
        low, high = issue.scale.min, issue.scale.max
        if not low <= edit.value <= high:
            raise InterventionError(
                f"{where} must be on the issue's scale {low:g}..{high:g}, got {edit.value:g}"
            )


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
        quantity = getattr(stance, "capability", None) or actor.capability
        assert quantity is not None, "a valid scenario gives every stance a capability"
        capability = quantity.value
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
