"""Suggestion ranking on the flagship: a known quote's sentence ranks first for its number."""

from __future__ import annotations

import pytest

from kingmaker.scenario import load_scenario
from kingmaker.scenario.evidence import normalise
from kingmaker.sources.store import scenario_texts
from kingmaker.sources.suggest import rank_sentences, suggest_evidence


@pytest.fixture(scope="module")
def flagship():
    sc = load_scenario("us-iraq-2020")
    return sc, scenario_texts(sc)


@pytest.mark.parametrize(
    ("actor", "issue", "field"),
    [("kh", "pmf", "position"), ("aah", "pmf", "salience"), ("badr", "lifelines", "position")],
)
def test_the_quoted_sentence_ranks_first(flagship, actor, issue, field):
    sc, texts = flagship
    stance = next(a for a in sc.actors if a.id == actor).issues[issue]
    q = getattr(stance, field)
    quote = next(ev.quote for ev in q.evidence if ev.quote and ev.source in texts)
    best = rank_sentences(sc, texts, actor, issue, q.judgement or "", k=1)
    assert best, "no sentence suggested"
    assert normalise(quote.split("...")[0])[:40] in normalise(best[0][1])


def test_suggestions_only_for_judgement_only_numbers(flagship):
    sc, texts = flagship
    suggestions = suggest_evidence(sc, texts)
    assert suggestions
    for s in suggestions:
        actor = next(a for a in sc.actors if a.id == s.actor)
        q = getattr(actor.issues[s.issue], s.location.rsplit(".", 1)[1])
        assert not q.evidence and q.judgement
    one = suggest_evidence(sc, texts, actor="iran")
    assert {s.actor for s in one} <= {"iran"}
