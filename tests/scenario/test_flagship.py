"""The flagship scenario us-iraq-2020: loads, every number sourced, quotes verbatim, presets sound.

These tests keep the reference case honest as it is edited: a quote that drifts from its
source, a number without a justification, an input that leans on a later document or a preset
that changes nothing all fail here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

import kingmaker
from kingmaker.scenario import DEFAULT_SCENARIO
from kingmaker.scenario.checks import evidence_items, first_day, last_day, numbers
from kingmaker.scenario.evidence import check_evidence, normalise
from kingmaker.scenario.schema import (
    AddActor,
    ScaleParameter,
    SetParameter,
    SetRelation,
    ShiftParameter,
)

#: every model the flagship forecasts by default (its models.default)
FLAGSHIP_MODELS = ["compromise", "median", "condorcet", "eum", "smp", "exchange"]

#: The seed documents the flagship was built from (the team's shared seeds, kept outside the
#: repository), by file name and SHA-256. The shipped raw captures must be exactly these bytes.
SEED_DOCUMENTS = {
    "epc-brief": (
        "000_6d91e5886c4d5d67.txt",
        "995db9185d9d2532d9aa3d8b608b3f16a4c54d1f4e955a2800323b3fa92c5c90",
    ),
    "carlin-2020": (
        "002_71625c077ce69a1e.txt",
        "bc7ebfff8406ab1b03e0b9955b24e0f203015f721a6a29482661ff1c95156398",
    ),
}


@pytest.fixture(scope="module")
def sc():
    return kingmaker.load_scenario("us-iraq-2020")


@pytest.fixture(scope="module")
def folder(sc) -> Path:
    return Path(sc.origin).parent


def test_is_the_default_and_loads_without_warnings(sc):
    assert DEFAULT_SCENARIO == "us-iraq-2020"
    assert sc.scenario.as_of == dt.date(2020, 6, 10)
    assert sc.issue_ids == ("troops", "pmf", "lifelines", "support")
    assert len(sc.actors) == 13
    assert kingmaker.scenario_warnings(sc) == []
    assert list(sc.models.default) == FLAGSHIP_MODELS


@pytest.mark.parametrize(
    "actor,aliases",
    [
        ("pmc", ["PMC", "PMU", "PMF", "al-Hashed al-Shaabi", "Popular Mobilization Committee"]),
        ("iran", ["Qassem Soleimani", "Qasem Soleimani", "Quds Force", "Tehran", "Khamenei"]),
        ("kh", ["Hezbollah Brigades", "Kataib Hezbollah"]),
        ("aah", ["Asa'ib Ahl al-Haq", "League of the Righteous"]),
        ("badr", ["Badr Organization"]),
        ("iraq_gov", ["Kadhimi", "al-Kadhimi", "Baghdad"]),
        ("us", ["Washington", "Mark Pompeo"]),
        ("najaf", ["the Najaf authority"]),
        ("fatah", ["Fatah"]),
        ("sadr", ["Muqtada al-Sadr"]),
        ("krg", ["KRG"]),
        ("sunni", ["Mohammed al-Halbousi"]),
        ("protest", ["protesters"]),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_actors_and_their_aliases(sc, actor, aliases):
    assert set(aliases) <= set(sc.actor(actor).aliases)


def test_aliases_name_actors_the_sources_mention(sc, folder):
    """Each actor is named in a source text under its name or one of its aliases."""
    texts = " ".join(
        normalise((folder / s.file).read_text(encoding="utf-8"))
        for s in sc.scenario.sources
        if s.file
    )
    unnamed = {
        a.id for a in sc.actors if not any(normalise(n) in texts for n in (a.name, *a.aliases))
    }
    # the two documents do not name these; they come from the analyst's knowledge
    assert unnamed == {"fatah", "sadr", "krg"}


def test_evidence_check_passes_completely(sc):
    report = check_evidence(sc)
    assert report.missing == ()
    assert report.unreadable_sources == ()
    assert report.unverifiable == ()  # quotes only from sources with a text file
    assert report.unsourced == ()
    assert report.uncited_sources == ()
    assert len(report.found) >= 70
    assert set(report.sources_with_text) == {"epc-brief", "carlin-2020"}


def test_every_number_is_sourced_and_ranged(sc):
    """Every input number has evidence or a judgement, and a range except the numeraire."""
    items = list(numbers(sc))
    assert len(items) > 130
    assert [where for where, q in items if not q.sourced] == []
    unranged = [where for where, q in items if q.range is None]
    assert unranged == ["actors[0].capability"]  # the US government, the numeraire
    assert sc.actors[0].id == "us" and sc.actors[0].capability.value == 100


def test_input_evidence_respects_as_of(sc):
    """Inputs cite only sources known by as_of, or facts dated (known_by) by then."""
    as_of = sc.scenario.as_of
    for where, ev, is_input in evidence_items(sc):
        src = sc.source(ev.source)
        if not is_input:
            assert src.role == "outcome", where
            continue
        assert src.role == "input", where
        # a partial date (the brief: 2020-06) counts from its first day, as in the validator;
        # the brief's note gives the evidence that it predates the first session
        if src.date is not None and first_day(src.date) > as_of:
            assert ev.known_by is not None and last_day(ev.known_by) <= as_of, where


def test_the_brief_predates_the_first_session(sc, folder):
    text = (folder / sc.source("epc-brief").file).read_text(encoding="utf-8")
    assert "the strategic dialogue to be held between Baghdad and Washington" in text
    assert (
        "the recent visit by the Quds Force commander Esmail Qaani to Baghdad on 3 June 2020"
        in text
    )


def test_outcomes_are_observed_later_on_the_same_scales(sc):
    as_of = sc.scenario.as_of
    for issue in sc.issues:
        out = issue.outcome
        assert out is not None and out.rationale, issue.id
        assert issue.scale.contains(out.value) and out.range is not None
        assert sc.source(out.source).role == "outcome"
        assert out.evidence, issue.id
        for obs in out.observations:
            assert last_day(obs.date) > as_of, (issue.id, obs.date)
        assert issue.status_quo is not None and issue.status_quo.sourced
        ends = {a.value for a in issue.scale.anchors}
        assert {0, 100} <= ends and len(ends) >= 5, issue.id


def test_observed_troop_steps(sc):
    """US presence: steps down from the first session to the end of the combat role."""
    obs = sc.issue("troops").outcome.observations
    values = [o.value for o in obs]
    assert values == sorted(values, reverse=True)
    assert [o.date for o in obs][:3] == ["2020-06-11", "2020-09-09", "2021-01-15"]
    assert sc.issue("troops").outcome.value == 45
    anchor = sc.issue("troops").scale.nearest_anchor(45)
    assert "no US combat role" in anchor.label


def test_sources_registered_with_clean_and_raw_texts(sc, folder):
    brief, article = sc.source("epc-brief"), sc.source("carlin-2020")
    assert article.author == "Maya Carlin" and article.date == "2020-06-24"
    clean = (folder / article.file).read_text(encoding="utf-8")
    raw = (folder / article.raw_file).read_text(encoding="utf-8")
    for boilerplate in (
        "reCAPTCHA",
        "Share On Facebook",
        "Related coverage",
        "Seven Notorious Fake Quotes",
        "Tammuz",
        "Join the Algemeiner",
        "The opinions presented by Algemeiner bloggers",
    ):
        assert boilerplate in raw and boilerplate not in clean, boilerplate
    # the clean text is the raw text's own words: every paragraph but the byline is in it
    paragraphs = [p for p in clean.split("\n\n") if p.strip() != "by Maya Carlin"]
    assert all(normalise(p) in normalise(raw) for p in paragraphs)
    assert "29th attack" in clean and "120-day waiver" in clean
    assert "Latest Briefs" not in (folder / brief.file).read_text(encoding="utf-8")
    assert normalise((folder / brief.file).read_text(encoding="utf-8")) in normalise(
        (folder / brief.raw_file).read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("source_id", sorted(SEED_DOCUMENTS))
def test_raw_files_are_the_seed_documents(sc, folder, source_id):
    """Byte for byte the seed document (by its recorded digest, so it runs anywhere)."""
    seed, digest = SEED_DOCUMENTS[source_id]
    shipped = (folder / sc.source(source_id).raw_file).read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == digest, f"{source_id} is not {seed}"


def test_brief_figures_are_quoted(sc):
    """The brief's hard numbers are used as evidence, verbatim."""
    quotes = " ".join(ev.quote or "" for _, ev, _ in evidence_items(sc))
    assert "between 100 and 135 million dollars per month" in quotes
    assert "29th attack against American troops or diplomats since October" in quotes
    assert "120-day waiver" in quotes


IRAN_LEVERS = [
    "pmc-in-delegation",
    "no-binding-without-timetable",
    "katyusha-messages",
    "loyalty-media-campaign",
    "escalation-ministries",
]


def test_presets_are_irans_levers_and_the_us_ones(sc):
    assert [iv.id for iv in sc.interventions if iv.actor == "iran"] == IRAN_LEVERS
    assert {iv.id for iv in sc.interventions if iv.actor == "us"} == {
        "link-support-to-presence",
        "end-energy-waivers",
    }
    for iv in sc.interventions:
        assert iv.evidence and all(ev.quote for ev in iv.evidence), iv.id
        assert iv.judgement, iv.id
        for change in iv.changes:
            assert change.rationale, (iv.id, change)


def _current(sc, change):
    actor = sc.actor(change.actor)
    stance = actor.issues[change.issue]
    if change.parameter == "capability":
        return actor.capability_on(change.issue).value
    return getattr(stance, change.parameter).value


@pytest.mark.parametrize(
    "preset",
    [
        "pmc-in-delegation",
        "no-binding-without-timetable",
        "katyusha-messages",
        "loyalty-media-campaign",
        "escalation-ministries",
        "link-support-to-presence",
        "end-energy-waivers",
    ],
)
def test_every_change_of_a_preset_changes_something(sc, preset):
    """A preset whose change is a no-op (set to the current value, shift by 0, factor 1,
    a relation set to its current strength) would mislead the influence analysis."""
    relations = {(r.from_, r.to, r.kind): r.strength for r in sc.relations}
    added: set[str] = set()
    for change in sc.intervention(preset).changes:
        if isinstance(change, AddActor):
            added.add(change.actor.id)
            assert change.actor.id not in sc.actor_ids
        elif isinstance(change, SetRelation):
            key = (change.from_, change.to, change.kind)
            assert relations.get(key) != change.strength
            assert change.from_ in sc.actor_ids and (
                change.to in sc.actor_ids or change.to in added
            )
        elif isinstance(change, SetParameter):
            if change.issue is not None:
                assert _current(sc, change) != change.to
        elif isinstance(change, ShiftParameter):
            assert change.by != 0
            if change.parameter == "salience" and change.issue is not None:
                assert _current(sc, change) < 1  # not already at the top of its scale
        elif isinstance(change, ScaleParameter):
            assert change.factor != 1


def test_relations_tie_iran_to_the_factions(sc):
    patrons = {(r.to, r.strength) for r in sc.relations if r.from_ == "iran" and r.kind == "patron"}
    assert {to for to, _ in patrons} == {"kh", "aah", "badr", "pmc"}
    strength = dict(patrons)
    assert strength["kh"] >= strength["aah"] >= strength["pmc"]
    for r in sc.relations:
        assert r.evidence or r.judgement


def test_forecast_runs_every_default_model(sc):
    result = kingmaker.forecast(sc)
    assert [r.key for r in result.runs] == FLAGSHIP_MODELS
    for issue in sc.issues:
        for run in result.runs:
            assert issue.scale.contains(run.issue(issue.id).forecast)
