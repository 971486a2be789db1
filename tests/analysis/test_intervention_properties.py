"""Interventions' invariants on the flagship (hypothesis): any single change, any amount.

The lever search applies changes to compiled arrays (``apply_single``) instead of rebuilding
the scenario: it must give exactly the numbers that applying the intervention and compiling
give, clipping and proxy propagation included. Applying never touches the original; results
stay within the parameters' bounds; a shift that is not clipped is undone by the opposite
shift; applying two interventions together is applying one after the other.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import kingmaker
from kingmaker.analysis.influence.levers import apply_single, proxy_links
from kingmaker.scenario.interventions import apply_intervention
from kingmaker.scenario.schema import Intervention

PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def flagship():
    return kingmaker.load_scenario("us-iraq-2020")


@pytest.fixture(scope="module")
def compiled(flagship):
    return kingmaker.compile_scenario(flagship)


@st.composite
def changes(draw, scenario):
    """One parameter change on a stance the actor has: (actor, issue, parameter, op, amount)."""
    actor = draw(st.sampled_from([a.id for a in scenario.actors]))
    stances = next(a for a in scenario.actors if a.id == actor).issues
    issue = draw(st.sampled_from(sorted(stances)))
    parameter = draw(st.sampled_from(["position", "salience", "capability"]))
    op = draw(st.sampled_from(["shift", "scale", "set"]))
    if op == "scale":
        amount = draw(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, 10.0]))
    elif parameter == "salience":
        amount = draw(st.integers(-12, 12)) / 8
    else:
        amount = float(draw(st.integers(-150, 150)))
    if op == "set" and parameter != "position":
        amount = abs(amount)
    return actor, issue, parameter, op, amount


def intervention(actor, issue, parameter, op, amount, name="lever") -> Intervention:
    key = {"shift": "by", "scale": "factor", "set": "to"}[op]
    change = {"op": op, "actor": actor, "issue": issue, "parameter": parameter, key: amount}
    return Intervention.model_validate({"id": name, "name": name, "changes": [change]})


def as_single(scenario, compiled, change) -> dict:
    """What the lever search computes for a change; capability goes to every issue's cell
    only through the scenario, so capability changes are compared on the actor's issue."""
    actor, issue, parameter, op, amount = change
    return apply_single(
        compiled, proxy_links(scenario), actor, issue, parameter, op, np.array([amount])
    )


@PROPERTY
@given(data=st.data())
def test_array_lever_equals_the_applied_intervention(flagship, compiled, data):
    change = data.draw(changes(flagship))
    actor, issue, parameter, op, amount = change
    stance = next(a for a in flagship.actors if a.id == actor).issues[issue]
    # a capability change on one issue overrides that issue only: the arrays lever and the
    # scenario agree on that cell (the search never changes shared capability per issue)
    fast = as_single(flagship, compiled, change)
    slow = kingmaker.compile_scenario(
        apply_intervention(flagship, intervention(actor, issue, parameter, op, amount))
    )
    for p in ("position", "salience", "capability"):
        if p == "capability" and parameter == "capability" and stance.capability is None:
            j = compiled.issue_ids.index(issue)
            a = compiled.actor_ids.index(actor)
            assert fast[p][0, a, j] == slow.value[p][a, j]
            continue
        np.testing.assert_array_equal(fast[p][0], slow.value[p], err_msg=f"{change} {p}")


@PROPERTY
@given(data=st.data())
def test_applying_keeps_the_original_and_the_bounds(flagship, compiled, data):
    before = flagship.to_document()
    change = data.draw(changes(flagship))
    changed = kingmaker.compile_scenario(apply_intervention(flagship, intervention(*change)))
    assert flagship.to_document() == before
    present = compiled.present
    pos, sal, cap = (changed.value[p] for p in ("position", "salience", "capability"))
    assert ((pos >= compiled.scale_min) & (pos <= compiled.scale_max))[present].all()
    assert ((sal >= 0) & (sal <= 1))[present].all()
    assert (cap >= 0)[present].all()


@st.composite
def unclipped_shifts(draw, scenario, compiled):
    """A non-zero shift of a position or salience that keeps the value and its range inside
    the bounds: drawn inside the room there is, so no example is thrown away."""
    actor = draw(st.sampled_from([a.id for a in scenario.actors]))
    stances = next(a for a in scenario.actors if a.id == actor).issues
    issue = draw(st.sampled_from(sorted(stances)))
    parameter = draw(st.sampled_from(["position", "salience"]))
    a, j = compiled.actor_ids.index(actor), compiled.issue_ids.index(issue)
    lo, hi = (compiled.scale_min[j], compiled.scale_max[j]) if parameter == "position" else (0, 1)
    value = float(compiled.value[parameter][a, j])
    q = getattr(stances[issue], parameter)
    low, high = (value, value) if q.range is None else (q.range.low, q.range.high)
    down, up = lo - min(value, low), hi - max(value, high)  # down <= 0 <= up
    assume(up - down > 1e-6)
    amount = draw(st.floats(down, up, allow_nan=False).filter(lambda x: abs(x) > 1e-6))
    return actor, issue, parameter, amount


@PROPERTY
@given(data=st.data())
def test_an_unclipped_shift_is_undone_by_the_opposite_shift(flagship, compiled, data):
    actor, issue, parameter, amount = data.draw(unclipped_shifts(flagship, compiled))
    there = apply_intervention(
        flagship, intervention(actor, issue, parameter, "shift", amount), propagate=False
    )
    back = apply_intervention(
        there, intervention(actor, issue, parameter, "shift", -amount), propagate=False
    )
    a, j = compiled.actor_ids.index(actor), compiled.issue_ids.index(issue)
    value = compiled.value[parameter][a, j]
    q = getattr(next(x for x in flagship.actors if x.id == actor).issues[issue], parameter)
    again = kingmaker.compile_scenario(back)
    assert math.isclose(again.value[parameter][a, j], value, rel_tol=0, abs_tol=1e-9)
    kept = getattr(next(x for x in back.actors if x.id == actor).issues[issue], parameter)
    if q.range is not None:
        assert kept.range.low == pytest.approx(q.range.low, abs=1e-9)
        assert kept.range.high == pytest.approx(q.range.high, abs=1e-9)


@PROPERTY
@given(data=st.data())
def test_two_interventions_together_are_one_after_the_other(flagship, data):
    first = intervention(*data.draw(changes(flagship)), name="first")
    second = intervention(*data.draw(changes(flagship)), name="second")
    together = kingmaker.compile_scenario(apply_intervention(flagship, [first, second]))
    stepwise = kingmaker.compile_scenario(
        apply_intervention(apply_intervention(flagship, first), second)
    )
    for p in ("position", "salience", "capability"):
        np.testing.assert_allclose(together.value[p], stepwise.value[p], rtol=0, atol=1e-12)
