"""Dates in source texts: absolute ones in their many written forms, relative ones resolved
against the document's date.

Rules, not a language model: ``11 June 2020``, ``June 11, 2020``, ``June 11th``, ``11/06/2020``
(day first unless the first number is above 12 is... not guessed: only ISO ``2020-06-11`` and
unambiguous ``dd/mm/yyyy`` with a day above 12 are read), ``June 2020``, ``mid-June``, ``in
2008``; and, when the document's date is known, ``today``, ``yesterday``, ``on Wednesday``
(the last Wednesday on or before the document's day), ``last week``, ``last month``, ``this
month``, ``last year``.

A date written without a year (``on 11 June``, ``June 11th``, ``in January``) is not relative:
it takes the document's year (the previous one if that would put it after the document), or,
for a document without a date, the year of the nearest absolute date written before it in the
same document (else the first one after it); its ``year`` is then ``"inferred"``. With
neither, its ``year`` is ``"unknown"`` and its ISO form has no year (``--06-11``, ``--01``, as
ISO 8601 writes a date without a year). Every other date's ``year`` is ``"written"``.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["DateMention", "find_dates", "parse_date"]

Precision = Literal["day", "month", "year"]
YearSource = Literal["written", "inferred", "unknown"]
#: the placeholder year of a date whose year is unknown (a leap year, so 29 February exists)
UNKNOWN_YEAR = 4
_MONTH_NAMES = [
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
]  # fmt: skip
MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
MONTHS.update({m[:3]: i + 1 for i, m in enumerate(_MONTH_NAMES)})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
)}  # fmt: skip
_MONTH_ALT = "|".join([m.title() for m in _MONTH_NAMES] + ["Jan", "Feb", "Mar", "Apr", "Jun"])
_MONTH_ALT += "|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_M = rf"(?P<month>{_MONTH_ALT})\.?"
_M2 = _M.replace("?P<month>", "?P<month2>")
_D = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_D2 = _D.replace("?P<day>", "?P<day2>")
_Y = r"(?P<year>(?:1[89]|20)\d\d)"
_PATTERNS = [
    ("iso", r"\b(?P<iy>(?:1[89]|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b"),
    ("dmy_num", r"\b(?P<nd>[0-3]?\d)/(?P<nm>[01]?\d)/(?P<ny>(?:1[89]|20)\d\d)\b"),
    ("dmy", rf"\b{_D}\s+(?:of\s+)?{_M},?\s+{_Y}\b"),
    ("mdy", rf"\b{_M2}\s+{_D2},?\s+(?P<year2>(?:1[89]|20)\d\d)\b"),
    ("my", rf"\b(?:(?P<part>early|mid|late|end of|beginning of)[-\s]+)?{_M}\s+(?:of\s+)?{_Y}\b"),
    ("dm", rf"\b{_D}\s+(?:of\s+)?{_M}\b(?!\s*,?\s*\d)"),
    ("md", rf"\b(?:on\s+)?{_M2}\s+{_D2}\b(?!\s*,?\s*\d)"),
    ("m", rf"\b(?P<mprep>in|since|until|by|during|from|early|mid|late)[-\s]+{_M}\b(?!\s*,?\s*\d)"),
    ("y", r"\b(?P<yprep>in|since|until|by|during|from|of|early|mid|late)"
          r"[-\s]+(?P<yy>(?:1[89]|20)\d\d)\b"
          r"(?!\s*[-/]\d)"),
    ("rel_day", r"\b(?P<rd>today|yesterday|tomorrow)\b"),
    ("weekday", r"\b(?P<wprep>on|last|this|next)\s+"
                r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"),
    ("rel", r"\b(?P<rp>last|this|next|earlier this|later this|previous)\s+"
            r"(?P<ru>week|month|year)\b"),
]  # fmt: skip
_REGEXES = [(k, re.compile(p, re.IGNORECASE)) for k, p in _PATTERNS]


@dataclass(frozen=True)
class DateMention:
    """A date found in a text: the day it starts, its precision and the words that say it."""

    date: _dt.date
    precision: Precision
    text: str
    start: int
    relative: bool = False
    year: YearSource = "written"  # "inferred": from the document; "unknown": not known at all

    @property
    def iso(self) -> str:
        if self.year == "unknown":
            md = f"--{self.date.month:02d}"
            return md + f"-{self.date.day:02d}" if self.precision == "day" else md
        if self.precision == "year":
            return f"{self.date.year:04d}"
        if self.precision == "month":
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


def _anchor(ref: str | _dt.date | None) -> tuple[_dt.date | None, Precision | None]:
    if ref is None or isinstance(ref, _dt.date):
        return ref, ("day" if ref else None)
    parts = [int(p) for p in str(ref).split("-")]
    if len(parts) == 3:
        return _dt.date(*parts), "day"
    if len(parts) == 2:
        return _dt.date(parts[0], parts[1], 1), "month"
    return _dt.date(parts[0], 1, 1), "year"


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _safe(y: int, m: int, d: int) -> _dt.date | None:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        return None


def _shift_month(d: _dt.date, k: int) -> _dt.date:
    n = d.year * 12 + d.month - 1 + k
    return _dt.date(n // 12, n % 12 + 1, 1)


def _resolve(
    kind: str,
    m: re.Match,
    ref: _dt.date | None,
    ref_prec: Precision | None,
    year_hint: int | None = None,
) -> DateMention | None:
    g = m.groupdict()
    text, start = m.group(0), m.start()

    def mk(date, prec: Precision, rel=False):  # a relative date's year is the document's
        return (
            DateMention(date, prec, text, start, rel, "inferred" if rel else "written")
            if date
            else None
        )

    def mk_no_year(month: int, day: int | None, prec: Precision) -> DateMention | None:
        date = no_year(month, day)
        if date is not None:
            return DateMention(date, prec, text, start, False, "inferred")
        if ref is None and year_hint is not None:
            date = _safe(year_hint, month, day or 1)
            return DateMention(date, prec, text, start, False, "inferred") if date else None
        date = _safe(UNKNOWN_YEAR, month, day or 1)
        return DateMention(date, prec, text, start, False, "unknown") if date else None

    def no_year(month: int, day: int | None) -> _dt.date | None:
        if ref is None:
            return None
        year = ref.year
        candidate = _safe(year, month, day or 1)
        if candidate and ref_prec == "day" and candidate > ref + _dt.timedelta(days=1):
            candidate = _safe(year - 1, month, day or 1)
        elif candidate and ref_prec == "month" and (month > ref.month):
            candidate = _safe(year - 1, month, day or 1)
        return candidate

    if kind == "iso":
        return mk(_safe(int(g["iy"]), int(g["im"]), int(g["id"])), "day")
    if kind == "dmy_num":
        return mk(_safe(int(g["ny"]), int(g["nm"]), int(g["nd"])), "day")
    if kind == "dmy":
        return mk(_safe(int(g["year"]), _month(g["month"]), int(g["day"])), "day")
    if kind == "mdy":
        return mk(_safe(int(g["year2"]), _month(g["month2"]), int(g["day2"])), "day")
    if kind == "my":
        return mk(_safe(int(g["year"]), _month(g["month"]), 1), "month")
    if kind == "dm":
        return mk_no_year(_month(g["month"]), int(g["day"]), "day")
    if kind == "md":
        if g["month2"].lower() == "may" and not text.lower().startswith("on"):
            return None  # "may 3" is too often a verb and a number
        return mk_no_year(_month(g["month2"]), int(g["day2"]), "day")
    if kind == "m":
        if g["month"].lower() == "may" and g["mprep"].lower() not in ("in", "since", "until"):
            return None
        return mk_no_year(_month(g["month"]), None, "month")
    if kind == "y":
        return mk(_dt.date(int(g["yy"]), 1, 1), "year")
    if ref is None:
        return None
    if kind == "rel_day":
        if ref_prec != "day":
            return None
        delta = {"today": 0, "yesterday": -1, "tomorrow": 1}[g["rd"].lower()]
        return mk(ref + _dt.timedelta(days=delta), "day", True)
    if kind == "weekday":
        if ref_prec != "day":
            return None
        wd, prep = WEEKDAYS[g["wd"].lower()], g["wprep"].lower()
        back = (ref.weekday() - wd) % 7
        if prep == "next":
            return mk(ref + _dt.timedelta(days=(wd - ref.weekday()) % 7 or 7), "day", True)
        if prep == "last" and back == 0:
            back = 7
        return mk(ref - _dt.timedelta(days=back), "day", True)
    unit, prep = g["ru"].lower(), g["rp"].lower()
    step = -1 if prep in ("last", "previous") else 1 if prep == "next" else 0
    if unit == "year":
        return mk(_dt.date(ref.year + step, 1, 1), "year", True)
    if unit == "month" and ref_prec in ("day", "month"):
        return mk(_shift_month(ref, step), "month", True)
    if unit == "week" and ref_prec == "day":
        monday = ref - _dt.timedelta(days=ref.weekday()) + _dt.timedelta(weeks=step)
        return mk(monday, "day", True)
    return None


def find_dates(
    text: str, reference: str | _dt.date | None = None, *, year_hint: int | None = None
) -> list[DateMention]:
    """Every date in ``text``, relative ones resolved against ``reference`` (the document's
    date, ISO, possibly partial) when it is precise enough, else left out. A date without a
    year takes the reference's year, else ``year_hint`` (the year of another date of the same
    document), else is kept with ``year="unknown"`` (module docstring)."""
    ref, prec = _anchor(reference)
    taken: list[tuple[int, int]] = []
    out = []
    for kind, regex in _REGEXES:  # the most specific forms first; a span is read once
        for m in regex.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            found = _resolve(kind, m, ref, prec, year_hint)
            if found is not None:
                out.append(found)
                taken.append((m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


def parse_date(text: str, reference: str | _dt.date | None = None) -> DateMention | None:
    """The first date written in ``text``, or None."""
    found = find_dates(text, reference)
    return found[0] if found else None


@dataclass(frozen=True)
class Event:
    """A dated sentence of a source, with the actors it names."""

    date: str  # ISO, as precise as the text
    sentence: str
    source: str
    actors: tuple[str, ...]
    words: str  # the date as written
    relative: bool
    after_as_of: bool
    year: YearSource = "written"  # "inferred" from the document, or "unknown" (``--MM-DD``)

    def to_dict(self) -> dict:
        return {
            "date": self.date,
            "source": self.source,
            "actors": list(self.actors),
            "words": self.words,
            "relative": self.relative,
            "after_as_of": self.after_as_of,
            "sentence": self.sentence,
            "year": self.year,
        }


def build_timeline(
    texts: dict[str, str],
    dates: dict[str, str | None],
    *,
    index=None,
    as_of: _dt.date | None = None,
) -> list[Event]:
    """The dated events of the sources, sorted by date; an event after ``as_of`` is flagged
    (evidence the forecaster could not have had). ``index`` (a MentionIndex) names actors."""
    from .textutil import sentences

    events = []
    for source, text in texts.items():
        anchors = [] if dates.get(source) else _year_anchors(text)
        for sent in sentences(text):
            before = [y for at, y in anchors if at <= sent.start]
            hint = before[-1] if before else anchors[0][1] if anchors else None
            found = find_dates(sent.text, dates.get(source), year_hint=hint)
            if not found:
                continue
            actors = tuple(dict.fromkeys(a for a, _ in index.match(sent.text))) if index else ()
            for d in found:
                events.append(
                    Event(
                        d.iso,
                        sent.text,
                        source,
                        actors,
                        d.text,
                        d.relative,
                        as_of is not None and d.year != "unknown" and d.date > as_of,
                        d.year,
                    )
                )
    events.sort(key=lambda e: (e.date, e.source))
    return events


def _year_anchors(text: str) -> list[tuple[int, int]]:
    """(offset, year) of the absolute dates of a document to the day or month: the years a
    date written without one can take when the document itself is undated."""
    return [
        (d.start, d.date.year)
        for d in find_dates(text)
        if d.year == "written" and not d.relative and d.precision in ("day", "month")
    ]
