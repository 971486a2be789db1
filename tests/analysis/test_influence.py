"""Influence analysis: closed forms (the weighted mean), the batched levers against the
scenario-level interventions, monotonicity and mirror symmetry, targets, paired draws."""

from __future__ import annotations

import numpy as np
import pytest

import kingmaker
from kingmaker.analysis.influence import advise
from kingmaker.analysis.influence.levers import apply_single, candidate_levers, proxy_links
from kingmaker.analysis.influence.objective import Objective
from kingmaker.analysis.influence.target import smallest_changes
from kingmaker.analysis.influence.variants import forecast_scenarios, forecast_values
from kingmaker.analysis.inputs import parse_target
from kingmaker.analysis.plan import plan_models
from kingmaker.errors import AnalysisError
from kingmaker.randomness import normalize_seed
from kingmaker.results import stable
from kingmaker.results.advice import Steps
from kingmaker.scenario.interventions import apply_intervention

FLAGSHIP = "us-iraq-2020"


@pytest.fixture(scope="module")
def emissions():
    return kingmaker.load_scenario("bdm1994-emissions")


@pytest.fixture(scope="module")
def flagship():
    return kingmaker.load_scenario(FLAGSHIP)


def weights(arrays, j):
    w = arrays.value["capability"][:, j] * arrays.value["salience"][:, j]
    return np.where(arrays.present[:, j], w, 0.0)


def test_position_levers_move_the_weighted_mean_by_the_closed_form(emissions):
    """Compromise: moving actor i's position by d moves the forecast by w_i / sum(w) x d."""
    adv = advise(emissions, "de", ["compromise"], draws=0, presets="none")
    arrays = kingmaker.compile_scenario(emissions)
    w = weights(arrays, 0)
    checked = 0
    for o in adv.levers:
        if o.lever.parameter != "position":
            continue
        i = arrays.actor_ids.index(o.lever.target)
        assert o.delta[0, 0] == pytest.approx(w[i] / w.sum() * o.lever.amount, abs=1e-12)
        p = arrays.value["position"][arrays.actor_ids.index("de"), 0]
        f0 = adv.base[0, 0]
        width = arrays.scale_max[0] - arrays.scale_min[0]
        expected_gain = (abs(f0 - p) - abs(f0 + o.delta[0, 0] - p)) * 100 / width
        assert o.gain[0] == pytest.approx(expected_gain, abs=1e-9)
        checked += 1
    pos = arrays.value["position"][:, 0]
    p = pos[arrays.actor_ids.index("de")]
    own_ways = int(p > arrays.scale_min[0]) + int(p < arrays.scale_max[0])
    others = int(np.count_nonzero(pos != p))  # those already at its position need no persuading
    assert checked == own_ways + others


def test_smallest_position_change_recovers_the_closed_form(emissions):
    """To bring the weighted mean F to T, actor i must move by (T - F) x sum(w) / w_i; the
    search finds it for every actor whose scale leaves room, and no one else."""
    arrays = kingmaker.compile_scenario(emissions)
    plan = plan_models(emissions, ["compromise"])
    seq = normalize_seed(0)
    base = forecast_values(arrays, {}, plan, seq)[0]
    target = parse_target(emissions, "lag<6")
    (res,) = smallest_changes(emissions, arrays, plan, seq, target, base, tolerance=1e-7)
    w = weights(arrays, 0)
    need = (base[0, 0] - 6.0) * w.sum() / w
    room = arrays.value["position"][:, 0] - arrays.scale_min[0]
    found = {r.actor: r for r in res.reaches if r.parameter == "position"}
    for i, actor in enumerate(arrays.actor_ids):
        if need[i] <= room[i]:
            assert found[actor].size == pytest.approx(need[i], abs=1e-6 * room[i] + 1e-9)
            assert found[actor].forecast <= 6.0
        else:
            assert actor not in found
    assert res.direction == "below" and not res.already
    assert [r.cost for r in res.reaches] == sorted(r.cost for r in res.reaches)


def test_target_already_reached_and_directions(emissions):
    arrays = kingmaker.compile_scenario(emissions)
    plan = plan_models(emissions, ["compromise"])
    seq = normalize_seed(0)
    base = forecast_values(arrays, {}, plan, seq)[0]
    (res,) = smallest_changes(emissions, arrays, plan, seq, parse_target(emissions, "lag>5"), base)
    assert res.already and res.reaches == ()
    (res,) = smallest_changes(emissions, arrays, plan, seq, parse_target(emissions, "lag:8"), base)
    assert res.direction == "above" and res.reaches
    assert all(r.forecast >= 8.0 for r in res.reaches)


@pytest.mark.parametrize(
    "text,words",
    [
        ("lag", ["ISSUE<VALUE"]),
        ("lags<3", ["unknown issue 'lags'", "did you mean 'lag'"]),
        ("lag<x", ["not a number"]),
        ("lag<400", ["outside the scale"]),
    ],
)
def test_bad_targets(emissions, text, words):
    with pytest.raises(AnalysisError) as exc:
        parse_target(emissions, text)
    for w in words:
        assert w in str(exc.value)


def test_array_levers_equal_the_interventions(flagship):
    """Every single-number lever the search applies to the compiled arrays gives the numbers
    that applying its intervention (with proxy propagation) and compiling give."""
    arrays = kingmaker.compile_scenario(flagship)
    links = proxy_links(flagship)
    for actor in ("iran", "us"):
        objective = Objective.of(arrays, actor)
        levers = [
            lv for lv in candidate_levers(flagship, arrays, objective) if lv.parameter is not None
        ]
        assert len(levers) > 100
        for lv in levers[::3]:
            fast = apply_single(
                arrays, links, lv.target, lv.issue, lv.parameter, lv.op, np.array([lv.amount])
            )
            slow = kingmaker.compile_scenario(apply_intervention(flagship, lv.intervention))
            for p, values in fast.items():
                np.testing.assert_array_equal(values[0], slow.value[p], err_msg=lv.id)


def test_iran_moves_its_proxies(flagship):
    """Iran's own position move carries Kataib Hezbollah along by the relation's strength."""
    arrays = kingmaker.compile_scenario(flagship)
    links = proxy_links(flagship)
    j = arrays.issue_ids.index("pmf")
    a, kh = arrays.actor_ids.index("iran"), arrays.actor_ids.index("kh")
    moved = apply_single(arrays, links, "iran", "pmf", "position", "shift", np.array([4.0]))
    d_iran = moved["position"][0, a, j] - arrays.value["position"][a, j]
    d_kh = moved["position"][0, kh, j] - arrays.value["position"][kh, j]
    assert d_iran == 4.0 and d_kh == pytest.approx(0.9 * 4.0)
    alone = apply_single(arrays, {}, "iran", "pmf", "position", "shift", np.array([4.0]))
    assert alone["position"][0, kh, j] == arrays.value["position"][kh, j]


def test_batched_variants_equal_single_forecasts(flagship):
    """A stack of variants gives each variant the forecast `kingmaker.forecast` gives it."""
    arrays = kingmaker.compile_scenario(flagship)
    plan = plan_models(flagship, None)
    seq = normalize_seed(3)
    objective = Objective.of(arrays, "iran")
    levers = candidate_levers(flagship, arrays, objective)
    picked = [levers[k] for k in (0, 7, 40, 90, len(levers) - 1)]
    changed = [apply_intervention(flagship, lv.intervention) for lv in picked]
    got = forecast_scenarios(changed, plan, seq, arrays.issue_ids)
    for sc, row in zip(changed, got, strict=True):
        ref = kingmaker.forecast(sc, [m.key for m in plan], seed=seq)
        for k, m in enumerate(plan):
            for j, issue in enumerate(arrays.issue_ids):
                assert row[k, j] == pytest.approx(ref.value(m.key, issue), abs=1e-9), (m.key, issue)


def test_median_and_mean_are_monotone_in_positions(flagship):
    adv = advise(flagship, "us", ["compromise", "median"], draws=0, presets="none")
    for o in adv.levers:
        if o.lever.parameter == "position":
            j = adv.issues.index(o.lever.issue)
            assert np.all(np.sign(o.delta[:, j]) * np.sign(o.lever.amount) >= 0), o.id
            others = np.delete(o.delta, j, axis=1)
            assert np.all(others == 0), o.id  # issue-by-issue models: other issues untouched


def mirrored(scenario):
    """The scenario with every position reflected on its scale."""
    doc = scenario.to_document()
    scales = {
        i["id"]: (i.get("scale", {}).get("min", 0.0), i.get("scale", {}).get("max", 100.0))
        for i in doc["issues"]
    }
    for actor in doc["actors"]:
        for issue, stance in actor.get("issues", {}).items():
            lo, hi = scales[issue]
            q = stance["position"]
            q = {"value": q} if isinstance(q, (int, float)) else dict(q)
            q["value"] = lo + hi - q["value"]
            if "range" in q:
                r = dict(q["range"])
                r["low"], r["high"] = lo + hi - r["high"], lo + hi - r["low"]
                if "mode" in r:
                    r["mode"] = lo + hi - r["mode"]
                q["range"] = r
            stance["position"] = q
    for issue in doc["issues"]:
        issue.pop("status_quo", None)
        issue.pop("outcome", None)
        issue.get("scale", {}).pop("anchors", None)
    doc.pop("interventions", None)
    return kingmaker.build_scenario(doc)


@pytest.mark.parametrize("models", [["compromise", "median"]])
def test_mirror_symmetry(flagship, models):
    """Reflecting every position on its scale reflects every effect: a lever's gain is the
    same, its effects change sign. (Models that break ties toward one end of the scale - the
    Condorcet scan, eum's median, smp - need not be symmetric where a lever creates a tie.)"""
    a = advise(flagship, "iran", models, draws=0, presets="none")
    b = advise(mirrored(flagship), "iran", models, draws=0, presets="none")
    mirror = {
        (
            o.kind,
            o.lever.target,
            o.lever.issue,
            o.lever.parameter,
            -o.lever.amount if o.lever.parameter == "position" else o.lever.amount,
        ): o
        for o in b.levers
    }
    assert len(mirror) == len(a.levers)
    for o in a.levers:
        m = mirror[(o.kind, o.lever.target, o.lever.issue, o.lever.parameter, o.lever.amount)]
        np.testing.assert_allclose(m.gain, o.gain, atol=1e-7, err_msg=o.id)
        np.testing.assert_allclose(m.delta, -o.delta, atol=1e-7, err_msg=o.id)


def test_presets_effects_and_paired_draws(flagship):
    adv = advise(flagship, "iran", ["compromise", "median"], draws=200, seed=5, check=2)
    ids = [o.intervention.id for o in adv.presets]
    assert ids == [iv.id for iv in flagship.interventions if iv.actor == "iran"]
    arrays = kingmaker.compile_scenario(flagship)
    for o in adv.presets:
        changed = kingmaker.compile_scenario(apply_intervention(flagship, o.intervention))
        for j in range(len(adv.issues)):
            # the weighted mean, recomputed from the changed scenario's numbers
            w = np.where(
                changed.present[:, j],
                changed.value["capability"][:, j] * changed.value["salience"][:, j],
                0,
            )
            pos = np.nan_to_num(changed.value["position"][:, j])
            w0 = weights(arrays, j)
            before = (w0 * np.nan_to_num(arrays.value["position"][:, j])).sum() / w0.sum()
            assert o.delta[0, j] == pytest.approx((w * pos).sum() / w.sum() - before, abs=1e-9)
        assert o.paired is not None and o.cost > 0
        for key in adv.models:
            for d in o.paired.differences[key].values():
                assert d.distribution.draws == 200
                # pairing removes the common noise: never worse than independent draws
                assert d.se <= d.se_independent + 1e-12
    checked = [o for o in adv.levers if o.paired is not None]
    assert 1 <= len(checked) <= 2 and all(o.mean_gain > 0 for o in checked)
    assert [o.mean_gain for o in adv.levers[:5]] == sorted(
        (o.mean_gain for o in adv.levers[:5]), reverse=True
    )
    assert {o.lever.target for o in adv.who_matters} == {a.id for a in flagship.actors} - {"iran"}
    assert all(o.kind != "exclude" for o in adv.levers)
    gains = [abs(o.mean_gain) for o in adv.who_matters]
    assert gains == sorted(gains, reverse=True)
    doc = adv.to_dict()
    assert doc["kind"] == "advice" and doc["actor"] == "iran" and doc["seed"] == 5
    assert len(doc["levers"]) == len(adv.levers) and doc["presets"][0]["paired"]


def test_same_seed_same_advice(flagship):
    a = advise(
        flagship, "us", ["compromise", "exchange"], draws=20, seed=1, check=1, targets=["troops<30"]
    )
    b = advise(
        flagship, "us", ["compromise", "exchange"], draws=20, seed=1, check=1, targets=["troops<30"]
    )
    assert stable(a.to_dict()) == stable(b.to_dict())


def test_bad_options(flagship, emissions):
    with pytest.raises(AnalysisError, match="did you mean 'iran'"):
        advise(flagship, "irn", ["compromise"], draws=0)
    with pytest.raises(AnalysisError, match="presets"):
        advise(flagship, "iran", ["compromise"], draws=0, presets="mine")
    steps = Steps(position=0.05)
    adv = advise(emissions, "de", ["compromise"], draws=0, steps=steps, presets="none")
    width = emissions.issues[0].scale.max - emissions.issues[0].scale.min
    own = [abs(o.lever.amount) for o in adv.levers if o.kind == "own-position"]
    assert own and max(own) == pytest.approx(0.05 * width)
