"""Which source sentences could back a number that only an analyst's judgement supports.

For each number of an actor's stance whose evidence is a judgement alone, the sentences of
the sources that name the actor are ranked with BM25 (bm25s) against a query made of the
issue's name and description and the judgement's own words; the best few are suggested so
the analyst can cite instead of guess. Nothing is changed in the scenario.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Suggestion", "rank_sentences", "suggest_evidence"]


@dataclass(frozen=True)
class Suggestion:
    """A number to justify and the sentences most likely to justify it, best first."""

    location: str
    actor: str
    issue: str
    judgement: str
    sentences: tuple[tuple[str, str, float], ...]  # (source, sentence, score)

    def to_dict(self) -> dict:
        return {
            "location": self.location,
            "actor": self.actor,
            "issue": self.issue,
            "judgement": self.judgement,
            "sentences": [{"source": s, "sentence": t, "score": round(x, 3)}
                          for s, t, x in self.sentences],
        }  # fmt: skip


def _tok(texts: list[str]) -> list[list[str]]:
    import bm25s

    stop = set(bm25s.stopwords.STOPWORDS_EN) if hasattr(bm25s, "stopwords") else set()
    return [[w for w in re.findall(r"\w+", t.lower()) if w not in stop] for t in texts]


class SentenceRanker:
    """BM25 over the sentences of a set of sources, with the actors each sentence names."""

    def __init__(self, scenario, texts: dict[str, str]):
        import bm25s

        from .mentions import MentionIndex, actor_names
        from .textutil import sentences

        self.index = MentionIndex(actor_names(scenario))
        self.rows: list[tuple[str, str, set[str]]] = []
        for source, text in texts.items():
            for s in sentences(text):
                actors = {a for a, _ in self.index.match(s.text)}
                self.rows.append((source, s.text, actors))
        self.bm25 = bm25s.BM25()
        corpus = _tok([r[1] for r in self.rows]) or [[""]]
        self.bm25.index(corpus, show_progress=False)

    def rank(self, query: str, actor: str | None, k: int = 3) -> list[tuple[str, str, float]]:
        scores = self.bm25.get_scores(_tok([query])[0]) if self.rows else []
        order = sorted(range(len(self.rows)), key=lambda i: -scores[i])
        out = []
        for i in order:
            source, sentence, actors = self.rows[i]
            if actor is not None and actor not in actors:
                continue
            if scores[i] <= 0:
                break
            out.append((source, sentence, float(scores[i])))
            if len(out) == k:
                break
        return out


def rank_sentences(scenario, texts, actor: str, issue: str, extra: str = "", k: int = 3):
    """The sentences naming ``actor`` that best match the issue's terms (and ``extra``)."""
    ranker = SentenceRanker(scenario, texts)
    iss = next(i for i in scenario.issues if i.id == issue)
    query = " ".join(filter(None, [iss.question, iss.description or "", extra]))
    return ranker.rank(query, actor, k)


def suggest_evidence(
    scenario, texts: dict[str, str], *, actor: str | None = None, issue: str | None = None,
    k: int = 3,
) -> list[Suggestion]:  # fmt: skip
    """Suggestions for every judgement-only number of the actors' stances (module docstring)."""
    from ..errors import unknown_name
    from . import SourceError

    actors = {a.id for a in scenario.actors}
    issues = {i.id: i for i in scenario.issues}
    if actor is not None and actor not in actors:
        raise SourceError(unknown_name("actor", actor, actors))
    if issue is not None and issue not in issues:
        raise SourceError(unknown_name("issue", issue, issues))
    ranker = SentenceRanker(scenario, texts)
    out = []
    for a_i, a in enumerate(scenario.actors):
        if actor is not None and a.id != actor:
            continue
        for iss_id, stance in a.issues.items():
            if issue is not None and iss_id != issue:
                continue
            iss = issues[iss_id]
            for field in ("position", "salience", "capability"):
                q = getattr(stance, field)
                if q is None or q.evidence or not q.judgement:
                    continue
                query = " ".join(filter(None, [iss.question, iss.description, q.judgement]))
                found = ranker.rank(query, a.id, k)
                out.append(
                    Suggestion(
                        f"actors[{a_i}].issues.{iss_id}.{field}",
                        a.id,
                        iss_id,
                        q.judgement,
                        tuple(found),
                    )
                )
    return out
