"""Applying interventions: parameter changes, ranges, clipping, actors, relations, proxies."""

from __future__ import annotations

import textwrap

import pytest

import kingmaker
from kingmaker.scenario.interventions import (
    InterventionError,
    apply_intervention,
    apply_with_moves,
    patrons_of,
)
from kingmaker.scenario.schema import Intervention

DOC = textwrap.dedent("""\
    scenario: {id: t, title: T}
    issues:
      - {id: troops, question: "Troops?"}
      - {id: econ, question: "Economy?", scale: {min: 0, max: 10}}
    actors:
      - id: iran
        name: Iran
        capability: 50
        issues:
          troops: {position: 30, salience: {value: 0.8, range: {low: 0.6, high: 0.9}}}
          econ: {position: 8, salience: 0.5}
      - id: kh
        name: Kataib Hezbollah
        capability: 5
        issues:
          troops: {position: 20, salience: 0.7}
          econ: {position: 9, salience: 0.2}
      - id: aah
        name: Asa'ib Ahl al-Haq
        capability: 4
        issues:
          troops: {position: 25, salience: 0.6, capability: 6}
          econ: {position: 7, salience: 0.3}
      - id: us
        name: United States
        capability: 80
        issues:
          troops: {position: 90, salience: 0.9}
    relations:
      - {from: iran, to: kh, kind: patron, strength: 0.9}
      - {from: aah, to: iran, kind: proxy, strength: 0.6, issues: [troops]}
    """)


@pytest.fixture
def scenario():
    return kingmaker.build_scenario(__import__("yaml").safe_load(DOC))


def iv(*changes, id="lever"):
    return Intervention.model_validate({"id": id, "name": id, "changes": list(changes)})


def pos(sc, actor, issue):
    return sc.actor(actor).issues[issue].position.value


def test_patron_links(scenario):
    assert patrons_of(scenario) == {"iran": [("kh", 0.9, ()), ("aah", 0.6, ("troops",))]}


def test_shift_propagates_to_proxies(scenario):
    new, moves = apply_with_moves(
        scenario,
        iv({"op": "shift", "actor": "iran", "issue": "troops", "parameter": "position", "by": -10}),
    )
    assert pos(new, "iran", "troops") == 20
    assert pos(new, "kh", "troops") == pytest.approx(20 - 0.9 * 10)
    assert pos(new, "aah", "troops") == pytest.approx(25 - 0.6 * 10)
    assert pos(new, "us", "troops") == 90
    assert [(m.actor, m.via) for m in moves] == [("iran", None), ("kh", "iran"), ("aah", "iran")]
    assert pos(scenario, "iran", "troops") == 30  # the original is untouched


def test_propagation_can_be_switched_off(scenario):
    new = apply_intervention(
        scenario,
        iv({"op": "shift", "actor": "iran", "issue": "troops", "parameter": "position", "by": -10}),
        propagate=False,
    )
    assert (pos(new, "kh", "troops"), pos(new, "aah", "troops")) == (20, 25)


def test_relation_issue_limits_and_clipping(scenario):
    # econ: aah's link covers troops only; kh's position would pass the top of the 0-10 scale
    new = apply_intervention(
        scenario,
        iv({"op": "shift", "actor": "iran", "issue": "econ", "parameter": "position", "by": 2}),
    )
    assert pos(new, "iran", "econ") == 10
    assert pos(new, "kh", "econ") == 10  # 9 + 0.9 * 2 = 10.8, clipped to the scale
    assert pos(new, "aah", "econ") == 7


def test_propagated_delta_is_the_move_actually_made(scenario):
    # iran 8 -> set 10 on a 0-10 scale: shift of +5 becomes +2 after clipping
    new = apply_intervention(
        scenario,
        iv({"op": "shift", "actor": "iran", "issue": "econ", "parameter": "position", "by": 5}),
    )
    assert pos(new, "iran", "econ") == 10
    assert pos(new, "kh", "econ") == 10  # 9 + 0.9 * 2 -> clipped


def test_explicit_change_to_a_proxy_wins(scenario):
    new = apply_intervention(
        scenario,
        iv(
            {"op": "shift", "actor": "iran", "issue": "troops", "parameter": "position", "by": -10},
            {"op": "set", "actor": "kh", "issue": "troops", "parameter": "position", "to": 50},
        ),
    )
    assert pos(new, "kh", "troops") == 50
    assert pos(new, "aah", "troops") == pytest.approx(19)


def test_ranges_follow_their_value(scenario):
    shifted = apply_intervention(
        scenario,
        iv(
            {"op": "shift", "actor": "iran", "issue": "troops", "parameter": "salience", "by": 0.15}
        ),
        propagate=False,
    )
    sal = shifted.actor("iran").issues["troops"].salience
    assert (sal.range.low, sal.value, sal.range.high) == pytest.approx((0.75, 0.95, 1.0))
    assert "changed by intervention 'lever'" in sal.judgement
    fixed = apply_intervention(
        scenario,
        iv({"op": "set", "actor": "iran", "issue": "troops", "parameter": "salience", "to": 0.4}),
    )
    sal = fixed.actor("iran").issues["troops"].salience
    assert sal.value == 0.4 and sal.range is None
    # kh follows the realised salience move 0.8 -> 0.4
    assert fixed.actor("kh").issues["troops"].salience.value == pytest.approx(0.7 - 0.9 * 0.4)


def test_scale_capability_everywhere(scenario):
    new, moves = apply_with_moves(
        scenario, iv({"op": "scale", "actor": "aah", "parameter": "capability", "factor": 0.5})
    )
    aah = new.actor("aah")
    assert aah.capability.value == 2
    assert aah.capability_on("troops").value == 3  # the per-issue override is scaled too
    assert aah.capability_on("econ").value == 2
    assert len(moves) == 2
    one_issue = apply_intervention(
        scenario,
        iv(
            {
                "op": "scale",
                "actor": "iran",
                "issue": "econ",
                "parameter": "capability",
                "factor": 2,
            }
        ),
    )
    assert one_issue.actor("iran").capability_on("econ").value == 100
    assert one_issue.actor("iran").capability_on("troops").value == 50
    # capability changes do not propagate to proxies
    assert one_issue.actor("kh").capability_on("econ").value == 5


def test_actors_and_relations(scenario):
    new = apply_intervention(
        scenario,
        iv(
            {
                "op": "add_actor",
                "actor": {
                    "id": "pmc",
                    "name": "PMC representative",
                    "capability": 3,
                    "issues": {"troops": {"position": 5, "salience": 1}},
                },
            },
            {"op": "relation", "from": "iran", "to": "pmc", "kind": "patron", "strength": 0.5},
            {"op": "shift", "actor": "pmc", "issue": "troops", "parameter": "position", "by": 5},
            {"op": "relation", "from": "iran", "to": "kh", "kind": "patron", "strength": 0},
            {"op": "remove_actor", "actor": "aah"},
            {"op": "shift", "actor": "iran", "issue": "troops", "parameter": "position", "by": 10},
        ),
    )
    assert new.actor_ids == ("iran", "kh", "us", "pmc")
    # pmc was moved explicitly by this intervention, so iran's move does not carry it along
    assert pos(new, "pmc", "troops") == 10
    assert pos(new, "kh", "troops") == 20  # its link was removed
    assert [(r.from_, r.to) for r in new.relations] == [("iran", "pmc")]


def test_errors(scenario):
    with pytest.raises(InterventionError, match="has no stance on issue 'econ'"):
        apply_intervention(
            scenario,
            iv({"op": "shift", "actor": "us", "issue": "econ", "parameter": "position", "by": 1}),
        )
    with pytest.raises(InterventionError, match="already in the scenario"):
        apply_intervention(
            scenario, iv({"op": "add_actor", "actor": {"id": "us", "name": "US", "capability": 1}})
        )


def test_compromise_effect_is_closed_form(scenario):
    """Without propagation, shifting actor i by d moves the weighted mean by w_i / sum(w) x d."""
    base = kingmaker.forecast(scenario, ["compromise"]).value("compromise", "troops")
    new = apply_intervention(
        scenario,
        iv({"op": "shift", "actor": "us", "issue": "troops", "parameter": "position", "by": -7}),
        propagate=False,
    )
    after = kingmaker.forecast(new, ["compromise"]).value("compromise", "troops")
    w = {"iran": 50 * 0.8, "kh": 5 * 0.7, "aah": 6 * 0.6, "us": 80 * 0.9}
    assert after - base == pytest.approx(w["us"] / sum(w.values()) * -7, rel=1e-12)


def test_every_flagship_preset_applies_alone_and_together():
    sc = kingmaker.load_scenario("us-iraq-2020")
    assert sc.interventions
    for preset in sc.interventions:
        new, moves = apply_with_moves(sc, preset)
        assert new.interventions == ()
        assert moves or any(
            c.op in ("add_actor", "remove_actor", "relation") for c in preset.changes
        )
        assert new != sc
    together = apply_intervention(
        sc, [sc.intervention("katyusha-messages"), sc.intervention("escalation-ministries")]
    )
    assert together != apply_intervention(sc, sc.intervention("katyusha-messages"))
