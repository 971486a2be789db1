"""DEU III (Arregui & Perarnaud 2021): 364 issues of EU legislation with known outcomes.

The dataset gives, per issue, the positions (0-100) and saliences (0-100) of the Commission,
the Parliament and the member states, the reference point and the outcome adopted. This module
reads the copy shipped in ``kingmaker/data/deu3`` and turns it into Scenarios, one per issue
(or one per proposal), through :func:`kingmaker.build_scenario` like any other input.

Rules (docs/reference/backtest.md says the same):

* **missing position**: the actor is absent from the issue;
* **missing salience** (position given): the actor is present with salience
  ``missing_salience`` (default 0: it keeps its place, e.g. for the median actor, but weighs
  nothing; this reproduces the published reference figures);
* **reference point** ``rp`` -> the issue's status quo; **outcome** ``out`` -> its outcome;
* **dates**: the spreadsheet history of the file left three formats (see :func:`read_date`);
  the treaty period is set by the date of the final act, or, when it is missing, estimated as
  the introduction date plus the median time to adoption of the proposals with both dates;
* **capability**: ``equal`` (every actor 1), ``council`` (member states by the Council voting
  weights of the treaty period in force, scaled so that the average member state has 1; under
  unanimity every member state has 1; the Commission and the Parliament have 1, the weight of
  an average member state) or ``gdp`` (the GDP figures of the file's second row).
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from ..errors import KingmakerError, Problem, ScenarioError
from ..scenario.document import build_scenario
from ..scenario.schema import Scenario
from .eu_council import CouncilTables, council_tables

CITATION = (
    "Arregui, J. & Perarnaud, C. (2021). A new dataset on legislative decision-making in "
    "the European Union: the DEU III dataset. Journal of European Public Policy. "
    "Data: doi:10.34810/data53, CC BY 4.0"
)

#: (column suffix in the file, actor id, name), in the file's order.
ACTORS: tuple[tuple[str, str, str], ...] = (
    ("com", "com", "European Commission"),
    ("ep", "ep", "European Parliament"),
    ("at", "at", "Austria"),
    ("be", "be", "Belgium"),
    ("bu", "bg", "Bulgaria"),
    ("cr", "hr", "Croatia"),
    ("cy", "cy", "Cyprus"),
    ("cz", "cz", "Czech Republic"),
    ("dk", "dk", "Denmark"),
    ("ee", "ee", "Estonia"),
    ("fi", "fi", "Finland"),
    ("fr", "fr", "France"),
    ("de", "de", "Germany"),
    ("el", "el", "Greece"),
    ("hu", "hu", "Hungary"),
    ("ie", "ie", "Ireland"),
    ("it", "it", "Italy"),
    ("lv", "lv", "Latvia"),
    ("lt", "lt", "Lithuania"),
    ("lu", "lu", "Luxembourg"),
    ("mt", "mt", "Malta"),
    ("nl", "nl", "Netherlands"),
    ("pl", "pl", "Poland"),
    ("pt", "pt", "Portugal"),
    ("ro", "ro", "Romania"),
    ("si", "si", "Slovenia"),
    ("sk", "sk", "Slovakia"),
    ("es", "es", "Spain"),
    ("se", "se", "Sweden"),
    ("uk", "uk", "United Kingdom"),
)
INSTITUTIONS = ("com", "ep")
Capability = Literal["equal", "council", "gdp"]
Unit = Literal["issue", "proposal"]
CAPABILITIES: tuple[Capability, ...] = ("equal", "council", "gdp")
UNITS: tuple[Unit, ...] = ("issue", "proposal")


def capability_option(value: str) -> Capability:
    """``value`` as a capability option, or a KingmakerError naming the options."""
    for option in CAPABILITIES:
        if value == option:
            return option
    raise KingmakerError(
        f"unknown capability option {value!r}; expected one of: {', '.join(CAPABILITIES)}"
    )


def unit_option(value: str) -> Unit:
    """``value`` as a unit (issue or proposal), or a KingmakerError."""
    for option in UNITS:
        if value == option:
            return option
    raise KingmakerError(f"unknown unit {value!r}; expected issue or proposal")


_META = (
    "prnrnmc",
    "isnrnmc",
    "prnr",
    "prname",
    "isnr",
    "type",
    "council",
    "proc",
    "counvte",
    "proccde",
    "issues",
    "intro",
    "finact",
)
_REQUIRED = _META + tuple(f"{k}{c}" for k in "ps" for c, _, _ in ACTORS) + ("rp", "out")
#: Dates outside this span cannot belong to DEU III (proposals 1995-2019).
DATA_SPAN = (dt.date(1995, 1, 1), dt.date(2020, 12, 31))
_DMY = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{2}|\d{4})")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def data_path() -> Path:
    return Path(str(resources.files("kingmaker") / "data" / "deu3" / "deu3.csv"))


# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class DeuDate:
    """A date cell as written, how it was read, and another reading it admits (if any)."""

    text: str
    value: dt.date | None
    how: str
    alternative: dt.date | None = None


def _year(two: int) -> int:
    return 2000 + two if two < 50 else 1900 + two


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _in_span(day: dt.date | None) -> bool:
    return day is not None and DATA_SPAN[0] <= day <= DATA_SPAN[1]


def read_date(text: str) -> DeuDate:
    """Read a DEU III date cell.

    * ``DD-MM-YY`` (the dataset's own format; years 00-49 are 20xx) and ``DD-MM-YYYY``;
    * ``YYYY-MM-DD`` with YYYY in 1930-1931 or 2001-2029: a ``DD-MM-YY`` cell that a spreadsheet
      read as ``YY-MM-DD`` (``1930-05-01`` was 30-05-01, i.e. 30 May 2001; years like 2029 or
      1930 cannot be DEU dates). The literal ISO reading is kept as ``alternative`` when it is
      a valid date inside DATA_SPAN;
    * other ``YYYY-MM-DD``: ISO; ``999`` or blank: no date; anything else: unreadable.
    """
    s = text.strip()
    if s in ("", "999"):
        return DeuDate(text, None, "missing")
    if m := _DMY.fullmatch(s):
        d, mo, y = (int(g) for g in m.groups())
        year = y if len(m.group(3)) == 4 else _year(y)
        day = _safe_date(year, mo, d)
        return DeuDate(text, day, "day-month-year" if day else "unreadable")
    if m := _YMD.fullmatch(s):
        y, mo, d = (int(g) for g in m.groups())
        iso = _safe_date(y, mo, d)
        if y in (1930, 1931) or 2001 <= y <= 2029:
            day = _safe_date(_year(d), mo, y % 100)
            if day is not None:
                return DeuDate(
                    text,
                    day,
                    "spreadsheet year-first",
                    iso if _in_span(iso) and iso != day else None,
                )
        return DeuDate(text, iso, "iso" if iso else "unreadable")
    return DeuDate(text, None, "unreadable")


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PeriodAssignment:
    """The treaty period in force at a decision, how it was found, and what else it could be."""

    period: str
    decision_date: dt.date
    basis: Literal["final act", "estimated"]
    alternatives: tuple[str, ...] = ()
    note: str = ""

    @property
    def ambiguous(self) -> bool:
        return bool(self.alternatives)


@dataclass(frozen=True)
class Deu3Issue:
    """One row of the file: an issue of a proposal, with every number the file gives."""

    line: int
    proposal: str
    proposal_name: str
    issue: str
    number: int
    of: int
    act: str
    council: str
    procedure: str
    rule: Literal["QMV", "unanimity"]
    rule_code: str
    introduced: DeuDate
    final_act: DeuDate
    period: PeriodAssignment
    positions: Mapping[str, float]
    saliences: Mapping[str, float | None]
    reference_point: float | None
    outcome: float | None


@dataclass(frozen=True)
class Deu3Data:
    file: str
    issues: tuple[Deu3Issue, ...]
    gdp: Mapping[str, float]
    median_days_to_adoption: int

    def issue(self, issue_id: str) -> Deu3Issue:
        for row in self.issues:
            if row.issue == issue_id:
                return row
        raise KeyError(issue_id)

    def proposals(self) -> dict[str, list[Deu3Issue]]:
        out: dict[str, list[Deu3Issue]] = {}
        for row in self.issues:
            out.setdefault(row.proposal, []).append(row)
        return out


def _rule(code: str) -> Literal["QMV", "unanimity"] | None:
    c = code.strip().lower()
    if c.startswith("qmv"):
        return "QMV"
    if c.startswith("unan"):
        return "unanimity"
    return None


@dataclass(frozen=True)
class _Durations:
    """Days from introduction to final act among unambiguous dates, per procedure."""

    median: int
    window: Mapping[str, tuple[int, int]]

    def plausible(self, procedure: str, days: int) -> bool:
        lo, hi = self.window.get(procedure, (0, 10**6))
        return lo <= days <= hi


def _assign_period(
    intro: DeuDate,
    final: DeuDate,
    procedure: str,
    members: set[str],
    durations: _Durations,
    tables: CouncilTables,
) -> PeriodAssignment | str:
    """The period of a decision, or a message saying why none can be found.

    Another reading of the final-act cell makes the assignment ambiguous only if it is
    plausible: on or after the introduction, a time to adoption inside the range seen for the
    procedure among unambiguous dates, and every member state with a position a member then.
    """
    basis: Literal["final act", "estimated"]
    if final.value is not None:
        day, basis, note = final.value, "final act", ""
    elif intro.value is not None:
        day = intro.value + dt.timedelta(days=durations.median)
        basis = "estimated"
        note = (
            f"no final-act date; decision assumed {durations.median} days (the median time "
            f"to adoption of DEU III proposals) after the introduction on "
            f"{intro.value.isoformat()}"
        )
    else:
        return "neither the final act nor the introduction has a readable date"
    period = tables.period(day)
    if period is None:
        return f"decision date {day.isoformat()} is outside every treaty period of the tables"
    others: set[str] = set()
    if basis == "estimated" and intro.value is not None:  # an estimate is from the introduction
        start = tables.period(intro.value)
        if start is not None and start.id != period.id:
            others.add(start.id)
            note += f"; introduced in the {start.id} period"
    elif (alt := final.alternative) is not None and intro.value is not None:
        p = tables.period(alt)
        if (
            p is not None
            and p.id != period.id
            and durations.plausible(procedure, (alt - intro.value).days)
            and members <= set(tables.members(alt))
        ):
            others.add(p.id)
            note = (
                f"final act {final.text!r} read as {day.isoformat()}; read literally "
                f"({alt.isoformat()}) it falls in the {p.id} period"
            )
    return PeriodAssignment(period.id, day, basis, tuple(sorted(others)), note)


class _Row(NamedTuple):
    line: int
    cells: list[str]
    proposal: str
    rule: Literal["QMV", "unanimity"] | None
    positions: dict[str, float]
    saliences: dict[str, float | None]
    reference_point: float | None
    outcome: float | None
    procedure: str
    introduced: DeuDate
    final_act: DeuDate


def _durations(rows: Sequence[_Row]) -> _Durations:
    """Days to adoption, one per proposal (its issues share the dates)."""
    every: dict[str, int] = {}
    spans: dict[str, list[int]] = {}
    for r in rows:
        intro, final = r.introduced.value, r.final_act.value
        if intro is None or final is None or final < intro or r.proposal in every:
            continue
        every[r.proposal] = (final - intro).days
        if r.final_act.how == "day-month-year" and r.introduced.how == "day-month-year":
            spans.setdefault(r.procedure, []).append(every[r.proposal])
    median = round(statistics.median(every.values())) if every else 0
    return _Durations(median, {p: (min(v), max(v)) for p, v in spans.items()})


def read_deu3(path: str | Path | None = None) -> Deu3Data:
    """Parse the DEU III file (default: the shipped copy), reporting every bad cell at once."""
    return _read_cached(str(path) if path is not None else str(data_path()))


@lru_cache(maxsize=4)
def _read_cached(path: str) -> Deu3Data:
    from ..scenario.importers.common import ProblemList

    problems = ProblemList(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter="\t", quotechar='"'))
    except OSError as exc:
        raise KingmakerError(f"cannot read the DEU III file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise KingmakerError(f"{path} is not UTF-8 text: is it the DEU III file?") from None
    if len(rows) < 3:
        raise ScenarioError("expected a header, a GDP row and issue rows", file=path)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise ScenarioError(
            Problem(f"missing DEU III columns: {', '.join(missing)}", file=path, line=1)
        )
    col = {name: k for k, name in enumerate(header)}

    def cell(row: list[str], name: str) -> str:
        k = col[name]
        return row[k].strip() if k < len(row) else ""

    gdp = {}
    for suffix, actor, _ in ACTORS:
        figure = problems.number(cell(rows[1], f"p{suffix}"), 2, f"GDP of {actor}", minimum=0)
        gdp[actor] = figure if figure is not None else 0.0

    def value(row, name, line, lo=0.0, hi=100.0) -> float | None:
        text = cell(row, name)
        return None if text == "" else problems.number(text, line, name, minimum=lo, maximum=hi)

    raw = []
    for k, row in enumerate(rows[2:], start=3):
        if not any(c.strip() for c in row):
            continue
        rule = _rule(cell(row, "counvte"))
        if rule is None:
            problems.add(f"counvte: expected QMV or Unan, got {cell(row, 'counvte')!r}", k)
        positions, saliences = {}, {}
        for suffix, actor, _ in ACTORS:
            pos = value(row, f"p{suffix}", k)
            sal = value(row, f"s{suffix}", k)
            if pos is not None:
                positions[actor] = pos
                saliences[actor] = None if sal is None else sal / 100.0
        raw.append(
            _Row(
                k,
                row,
                cell(row, "prnr"),
                rule,
                positions,
                saliences,
                value(row, "rp", k),
                value(row, "out", k),
                cell(row, "proc"),
                read_date(cell(row, "intro")),
                read_date(cell(row, "finact")),
            )
        )
    problems.raise_if_any()

    durations = _durations(raw)
    tables = council_tables()
    counts = Counter(r.proposal for r in raw)
    seen: Counter = Counter()
    issues = []
    for r in raw:
        seen[r.proposal] += 1
        states = {a for a in r.positions if a not in INSTITUTIONS}
        assert r.rule is not None  # a row without a rule stopped at raise_if_any above
        period = _assign_period(r.introduced, r.final_act, r.procedure, states, durations, tables)
        if isinstance(period, str):
            problems.add(f"treaty period: {period}", r.line)
            continue
        issues.append(
            Deu3Issue(
                line=r.line,
                proposal=r.proposal,
                proposal_name=cell(r.cells, "prname"),
                issue=cell(r.cells, "isnr"),
                number=seen[r.proposal],
                of=counts[r.proposal],
                act=cell(r.cells, "type"),
                council=cell(r.cells, "council"),
                procedure=r.procedure,
                rule=r.rule,
                rule_code=cell(r.cells, "counvte"),
                introduced=r.introduced,
                final_act=r.final_act,
                period=period,
                positions=MappingProxyType(r.positions),
                saliences=MappingProxyType(r.saliences),
                reference_point=r.reference_point,
                outcome=r.outcome,
            )
        )
    problems.raise_if_any()
    return Deu3Data(path, tuple(issues), MappingProxyType(gdp), durations.median)


# --------------------------------------------------------------------------- capabilities


def capability_of(
    row: Deu3Issue, actor: str, option: Capability, data: Deu3Data
) -> tuple[float, dict[str, Any]]:
    """An actor's capability on an issue and what justifies it (an evidence or judgement)."""
    if option == "equal":
        return 1.0, {"judgement": "capability option 'equal': every actor counts the same"}
    if option == "gdp":
        return data.gdp[actor], {
            "evidence": [
                {
                    "source": "deu3-gdp",
                    "locator": "second row of deu3.csv",
                    "note": "GDP figure added by the blksv/predictioneers_game author",
                }
            ]
        }
    if actor in INSTITUTIONS:
        return 1.0, {
            "judgement": "capability option 'council': the Commission and the "
            "Parliament each weigh as much as an average member state"
        }
    if row.rule == "unanimity":
        return 1.0, {
            "judgement": "capability option 'council' under unanimity: every member "
            "state has a veto, so all weigh the same"
        }
    tables = council_tables()
    day = row.period.decision_date
    try:
        weight = tables.weight(actor, day)
    except KeyError:
        raise ScenarioError(
            Problem(
                f"{actor} has a position but was not an EU member state on {day.isoformat()} "
                f"(the decision date used for the {row.period.period} period)",
                file=data.file,
                line=row.line,
            )
        ) from None
    period = tables.period(day)
    assert period is not None  # tables.weight raised KeyError outside every period
    return weight, {
        "evidence": [
            {
                "source": f"council-{period.id}",
                "note": f"{period.measure} {period.weights[actor]:g}, scaled so that the "
                f"average of the {len(tables.members(day))} member states on "
                f"{day.isoformat()} is 1",
            }
        ]
    }


# --------------------------------------------------------------------------- scenarios


@dataclass(frozen=True)
class Uncertainty:
    """A stated uncertainty for DEU III numbers, which the dataset does not give.

    Positions get a PERT range of +-``position`` points around the coded value and saliences
    +-``salience`` (on 0-1), both clipped to their scales. Used to measure the calibration of
    Monte Carlo intervals (docs/reference/backtest.md); the values are conventions, not
    estimates.
    """

    position: float = 10.0
    salience: float = 0.1

    def __post_init__(self) -> None:
        if not (self.position >= 0 and self.salience >= 0):
            raise KingmakerError("uncertainty spreads must be >= 0")


def _ranged(value: float, spread: float, lo: float, hi: float) -> float | dict[str, Any]:
    if spread <= 0:
        return value
    low, high = max(lo, value - spread), min(hi, value + spread)
    if low == high:
        return value
    return {
        "value": value,
        "range": {"low": low, "high": high, "mode": value, "distribution": "pert"},
    }


def _date_text(d: DeuDate) -> str:
    if d.value is None:
        return "not recorded"
    return d.value.isoformat() + (f" (cell {d.text!r})" if d.how != "iso" else "")


def _issue_doc(row: Deu3Issue, data: Deu3Data) -> dict[str, Any]:
    p = row.period
    doc: dict[str, Any] = {
        "id": row.issue,
        "question": f"Outcome of issue {row.number} of {row.of} of proposal {row.proposal} "
        f"({row.proposal_name}) on DEU III's 0-100 scale",
        "description": (
            f"{row.act} under {row.procedure}, Council rule {row.rule_code} ({row.council}). "
            f"Introduced {_date_text(row.introduced)}; final act {_date_text(row.final_act)}. "
            f"Treaty period {p.period} "
            f"({'from the final act' if p.basis == 'final act' else p.note})"
            + (f"; ambiguous: {p.note}" if p.ambiguous and p.basis == "final act" else "")
            + f". DEU III file line {row.line}."
        ),
    }
    if row.reference_point is not None:
        doc["status_quo"] = row.reference_point
    if row.outcome is not None:
        doc["outcome"] = {
            "value": row.outcome,
            "source": "deu3",
            "rationale": "the outcome adopted, as coded in DEU III (column out)",
        }
        if row.final_act.value is not None:
            doc["outcome"]["date"] = row.final_act.value.isoformat()
    return doc


def _sources(capability: Capability, rows: Sequence[Deu3Issue]) -> list[dict[str, Any]]:
    out = [
        {
            "id": "deu3",
            "title": "DEU III dataset (decision-making in the European Union)",
            "author": "Javier Arregui and Clement Perarnaud",
            "publisher": "CORA Repositori de Dades de Recerca, doi:10.34810/data53 (CC BY 4.0)",
            "date": "2021",
            "url": "https://doi.org/10.34810/data53",
            "note": "copy from blksv/predictioneers_game shipped in kingmaker/data/deu3",
        }
    ]
    if capability == "gdp":
        out.append(
            {
                "id": "deu3-gdp",
                "title": "GDP figures in the second row of deu3.csv",
                "publisher": "blksv/predictioneers_game (source and year not stated)",
            }
        )
    if capability == "council":
        tables = council_tables()
        for pid in sorted({r.period.period for r in rows}):
            period = next(p for p in tables.periods if p.id == pid)
            src = tables.sources[period.source]
            out.append(
                {
                    "id": f"council-{pid}",
                    "title": f"{period.title}: {src['title']}",
                    "publisher": src["publisher"],
                    "date": src["date"],
                }
            )
    return out


def _scenario_doc(
    sid: str,
    title: str,
    rows: Sequence[Deu3Issue],
    data: Deu3Data,
    capability: Capability,
    missing_salience: float,
    uncertainty: Uncertainty | None,
) -> dict[str, Any]:
    spread_p = uncertainty.position if uncertainty else 0.0
    spread_s = uncertainty.salience if uncertainty else 0.0
    actors = []
    for _, actor, name in ACTORS:
        present = [r for r in rows if actor in r.positions]
        if not present:
            continue
        caps = [capability_of(r, actor, capability, data) for r in present]
        same = all(c[0] == caps[0][0] for c in caps)
        stances = {}
        for r, (cap, why) in zip(present, caps, strict=True):
            sal = r.saliences[actor]
            stance: dict[str, Any] = {
                "position": _ranged(r.positions[actor], spread_p, 0.0, 100.0),
                "salience": _ranged(missing_salience if sal is None else sal, spread_s, 0.0, 1.0),
            }
            if sal is None:
                stance["note"] = (
                    f"salience missing in DEU III; set to {missing_salience:g} "
                    "(the loader's missing_salience)"
                )
            if not same:
                stance["capability"] = {"value": cap, **why}
            stances[r.issue] = stance
        entry: dict[str, Any] = {"id": actor, "name": name}
        if same:
            entry["capability"] = {"value": caps[0][0], **caps[0][1]}
        entry["issues"] = stances
        actors.append(entry)
    return {
        "scenario": {
            "id": sid,
            "title": title,
            "description": f"From DEU III ({CITATION}); capability option {capability!r}.",
            "sources": _sources(capability, rows),
        },
        "issues": [_issue_doc(r, data) for r in rows],
        "actors": actors,
    }


def _locator(rows: Sequence[Deu3Issue]):
    lines = {r.issue: r.line for r in rows}
    order = [r.issue for r in rows]

    def locate(path: tuple) -> tuple[int, None] | None:
        if (
            len(path) >= 2
            and path[0] == "issues"
            and isinstance(path[1], int)
            and path[1] < len(order)
        ):
            return lines[order[path[1]]], None
        if len(path) >= 4 and path[0] == "actors" and path[3] in lines:
            return lines[path[3]], None
        return None

    return locate


def load_deu3(
    *,
    capability: Capability = "equal",
    unit: Unit = "issue",
    missing_salience: float = 0.0,
    uncertainty: Uncertainty | None = None,
    path: str | Path | None = None,
) -> tuple[Scenario, ...]:
    """DEU III as Scenarios: one per issue (``unit="issue"``) or per proposal.

    Every scenario passes :func:`kingmaker.build_scenario`. Issue-scope models give the same
    forecasts whichever the unit; models that work across issues see a proposal's issues
    together with ``unit="proposal"``.
    """
    capability_option(capability)
    unit_option(unit)
    if not 0.0 <= missing_salience <= 1.0:
        raise KingmakerError(f"missing_salience is on the 0-1 scale, got {missing_salience!r}")
    key = (
        capability,
        unit,
        float(missing_salience),
        uncertainty,
        str(path) if path is not None else str(data_path()),
    )
    return _load_cached(*key)


@lru_cache(maxsize=16)
def _load_cached(capability, unit, missing_salience, uncertainty, path) -> tuple[Scenario, ...]:
    data = read_deu3(path)
    if unit == "issue":
        groups = [(f"deu3-{r.issue}", [r]) for r in data.issues]
    else:
        groups = [(f"deu3-{p}", rows) for p, rows in data.proposals().items()]
    out = []
    for sid, rows in groups:
        first = rows[0]
        title = (
            f"DEU III {first.proposal} ({first.proposal_name})"
            if unit == "proposal"
            else f"DEU III {first.issue}: {first.proposal_name}, issue {first.number} of {first.of}"
        )
        doc = _scenario_doc(sid, title, rows, data, capability, missing_salience, uncertainty)
        out.append(build_scenario(doc, file=data.file, locate=_locator(rows)))
    return tuple(out)
