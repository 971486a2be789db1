"""Evidence check: does each source say what the scenario quotes, and is each number justified?

A quote earns trust only if the document says it. This audit reads every source's text file
(``sources[].file``, relative to the scenario file) and looks for every evidence quote in it.

Matching rule (docs/reference/evidence-check.md):

* both texts are normalised: Unicode NFKC (no-break spaces, ligatures, the ellipsis
  character), typographic quotes to ``'`` and ``"``, soft hyphens and zero-width characters
  dropped, every run of whitespace (line breaks included) to one space, and every dash or
  minus sign, with or without spaces around it (``—``, `` – ``, ``--``), to ``-``;
* **case matters**: a quote is verbatim, so "Iran" and "iran" differ;
* an ellipsis in a quote (``...``, ``…`` or ``[...]``) stands for omitted words: the parts
  must appear in the source in that order.

A quote that is not found is *missing* (the command fails) and is shown with the closest
passage of the source (rapidfuzz's best partial alignment). A quote whose source has no text
file is *unverifiable*: reported apart, not as missing. The audit also lists numbers with
neither evidence nor judgement and sources that nothing cites.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ..errors import ScenarioError
from .checks import evidence_items, format_location, numbers
from .schema import AddActor, Scenario, Source

_TYPOGRAPHIC = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4\u0060", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"),
        **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),
    }
)
_DASH = re.compile(r" ?-+ ?")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*\.\s*\.\s*\.\s*\]|\.\.\.)\s*")

QuoteStatus = Literal["found", "missing", "unverifiable"]


def normalise(text: str) -> str:
    """Text as the matching rule compares it (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPOGRAPHIC)
    return _DASH.sub("-", " ".join(text.split()))


def quote_parts(quote: str) -> list[str]:
    """The normalised pieces of a quote between its ellipses."""
    return [p for p in _ELLIPSIS.split(normalise(quote)) if p]


def first_missing_part(quote: str, normalised_text: str) -> str | None:
    """None when every part of the quote occurs, in order, in the text; else the first missing."""
    pos = 0
    for part in quote_parts(quote):
        found = normalised_text.find(part, pos)
        if found < 0:
            return part
        pos = found + len(part)
    return None


def closest_passage(part: str, normalised_text: str) -> tuple[str, float]:
    """The passage of the text most like ``part``, widened to whole words, and its similarity."""
    from rapidfuzz import fuzz

    if not normalised_text:
        return "", 0.0
    aligned = fuzz.partial_ratio_alignment(part, normalised_text)
    assert aligned is not None  # None only below a score_cutoff, and none is given
    start, end = aligned.dest_start, aligned.dest_end
    while start > 0 and not normalised_text[start - 1].isspace():
        start -= 1
    while end < len(normalised_text) and not normalised_text[end].isspace():
        end += 1
    return normalised_text[start:end], round(aligned.score, 1)


@dataclass(frozen=True)
class QuoteCheck:
    """One evidence quote and what the audit found."""

    location: str
    source: str
    quote: str
    status: QuoteStatus
    reason: str | None = None  # why a quote is unverifiable
    missing_part: str | None = None  # the (normalised) part of a missing quote not found
    closest: str | None = None  # the source's passage most like the missing part
    similarity: float | None = None  # 0-100

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "location": self.location,
            "source": self.source,
            "quote": self.quote,
            "status": self.status,
        }
        for key in ("reason", "missing_part", "closest", "similarity"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class UnreadableSource:
    """A source that declares a text file the audit cannot read."""

    source: str
    file: str
    message: str


@dataclass(frozen=True)
class EvidenceReport:
    """What ``kingmaker evidence check`` found in one scenario."""

    scenario: str
    quotes: tuple[QuoteCheck, ...]
    unsourced: tuple[str, ...]
    uncited_sources: tuple[str, ...]
    unreadable_sources: tuple[UnreadableSource, ...]
    n_numbers: int
    n_evidence: int
    sources_with_text: tuple[str, ...] = field(default=())

    def _with(self, status: str) -> tuple[QuoteCheck, ...]:
        return tuple(q for q in self.quotes if q.status == status)

    @property
    def found(self) -> tuple[QuoteCheck, ...]:
        return self._with("found")

    @property
    def missing(self) -> tuple[QuoteCheck, ...]:
        return self._with("missing")

    @property
    def unverifiable(self) -> tuple[QuoteCheck, ...]:
        return self._with("unverifiable")

    @property
    def passed(self) -> bool:
        """No quote is missing from its source and every declared text file could be read."""
        return not self.missing and not self.unreadable_sources

    def exit_code(self, strict: bool = False) -> int:
        """0 when the check passes; 1 on a missing quote (or, if strict, an unsourced number)."""
        return 0 if self.passed and not (strict and self.unsourced) else 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "passed": self.passed,
            "summary": {
                "numbers": self.n_numbers,
                "unsourced": len(self.unsourced),
                "evidence": self.n_evidence,
                "quotes": len(self.quotes),
                "found": len(self.found),
                "missing": len(self.missing),
                "unverifiable": len(self.unverifiable),
                "uncited_sources": len(self.uncited_sources),
            },
            "quotes": [q.to_dict() for q in self.quotes],
            "unsourced": list(self.unsourced),
            "uncited_sources": list(self.uncited_sources),
            "unreadable_sources": [
                {"source": u.source, "file": u.file, "message": u.message}
                for u in self.unreadable_sources
            ],
            "sources_with_text": list(self.sources_with_text),
        }


def _source_texts(
    scenario: Scenario, base_dir: Path | None
) -> tuple[dict[str, str], list[UnreadableSource]]:
    from .text import read_text

    if base_dir is None and scenario.origin is not None:
        base_dir = Path(scenario.origin).parent
    texts: dict[str, str] = {}
    unreadable: list[UnreadableSource] = []
    for src in scenario.scenario.sources:
        if src.file is None:
            continue
        path = Path(src.file)
        if not path.is_absolute():
            if base_dir is None:
                unreadable.append(
                    UnreadableSource(
                        src.id,
                        src.file,
                        "the scenario was not read from a file, so this relative path cannot be "
                        "resolved; give base_dir",
                    )
                )
                continue
            path = base_dir / path
        try:
            texts[src.id] = normalise(read_text(path))
        except ScenarioError as exc:
            unreadable.append(UnreadableSource(src.id, src.file, exc.problems[0].message))
    return texts, unreadable


def _unsourced(scenario: Scenario) -> list[str]:
    """Places whose numbers have neither evidence nor an analyst's judgement."""
    out = [where for where, q in numbers(scenario) if not q.sourced]
    for i, issue in enumerate(scenario.issues):
        o = issue.outcome
        if o is None:
            continue
        if not (o.evidence or o.source or o.rationale):
            out.append(format_location(("issues", i, "outcome")))
        for j, obs in enumerate(o.observations):
            if not (obs.evidence or obs.note):
                out.append(format_location(("issues", i, "outcome", "observations", j)))
    for r, rel in enumerate(scenario.relations):
        if not (rel.evidence or rel.judgement):
            out.append(format_location(("relations", r)) + f" ({rel.from_} -{rel.kind}-> {rel.to})")
    for v, iv in enumerate(scenario.interventions):
        if iv.evidence or iv.judgement or iv.rationale:
            continue
        for c, change in enumerate(iv.changes):
            if change.rationale is None and not isinstance(change, AddActor):
                out.append(format_location(("interventions", v, "changes", c)))
    return out


def check_evidence(scenario: Scenario, base_dir: str | Path | None = None) -> EvidenceReport:
    """Audit every evidence quote of a scenario against its source texts (module docstring).

    ``base_dir`` resolves relative source files; by default the folder of the scenario file.
    """
    texts, unreadable = _source_texts(scenario, Path(base_dir) if base_dir else None)
    unreadable_ids = {u.source: u for u in unreadable}
    sources: dict[str, Source] = {s.id: s for s in scenario.scenario.sources}
    cited: set[str] = set()
    quotes: list[QuoteCheck] = []
    n_evidence = 0
    for where, ev, _ in evidence_items(scenario):
        n_evidence += 1
        cited.add(ev.source)
        if ev.quote is None:
            continue
        if ev.source in texts:
            part = first_missing_part(ev.quote, texts[ev.source])
            if part is None:
                quotes.append(QuoteCheck(where, ev.source, ev.quote, "found"))
            else:
                closest, score = closest_passage(part, texts[ev.source])
                quotes.append(
                    QuoteCheck(
                        where,
                        ev.source,
                        ev.quote,
                        "missing",
                        missing_part=part,
                        closest=closest,
                        similarity=score,
                    )
                )
            continue
        if ev.source in unreadable_ids:
            reason = f"its text file {unreadable_ids[ev.source].file} cannot be read"
        elif ev.source in sources:
            reason = "the source has no text file"
        else:
            reason = "the source is not registered"
        quotes.append(QuoteCheck(where, ev.source, ev.quote, "unverifiable", reason=reason))
    for issue in scenario.issues:
        if issue.outcome is not None and issue.outcome.source is not None:
            cited.add(issue.outcome.source)
    return EvidenceReport(
        scenario=scenario.id,
        quotes=tuple(quotes),
        unsourced=tuple(_unsourced(scenario)),
        uncited_sources=tuple(s.id for s in scenario.scenario.sources if s.id not in cited),
        unreadable_sources=tuple(unreadable),
        n_numbers=sum(1 for _ in numbers(scenario)),
        n_evidence=n_evidence,
        sources_with_text=tuple(texts),
    )
