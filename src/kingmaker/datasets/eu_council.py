"""The Council of the EU's voting weights by treaty period, and who was a member when.

The tables live in ``kingmaker/data/deu3/council_weights.yaml`` with the legal act each comes
from. A decision's treaty period is the one whose dates contain the decision date:

* ``pre-nice``: weighted votes of the EU-15 (to 30 April 2004);
* ``accession-2004``: the transitional weights of the EU-25 (1 May to 31 October 2004);
* ``nice``: Nice weighted votes (1 November 2004 to 31 October 2014);
* ``lisbon``: double majority, weights = shares of the Union's population (from 1 November
  2014; the option, until 31 March 2017, to ask for a Nice-rule vote is not modelled).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import yaml


@dataclass(frozen=True)
class TreatyPeriod:
    id: str
    title: str
    start: dt.date
    end: dt.date
    measure: str
    source: str
    weights: Mapping[str, float]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class CouncilTables:
    periods: tuple[TreatyPeriod, ...]
    sources: Mapping[str, Mapping[str, str]]
    eu15_from: dt.date
    accessions: Mapping[str, dt.date]

    def period(self, day: dt.date) -> TreatyPeriod | None:
        """The treaty period in force on a day, or None outside every table."""
        for p in self.periods:
            if p.contains(day):
                return p
        return None

    def members(self, day: dt.date) -> tuple[str, ...]:
        """The member states on a day (in the order of the period's weight table)."""
        period = self.period(day)
        if period is None:
            return ()
        return tuple(m for m in period.weights if day >= self.accessions.get(m, self.eu15_from))

    def weight(self, member: str, day: dt.date) -> float:
        """A member's weight on a day, scaled so that the average member state has 1.

        Raises KeyError when ``member`` was not a member state that day.
        """
        period = self.period(day)
        members = self.members(day)
        if period is None or member not in members:
            raise KeyError(member)
        total = sum(period.weights[m] for m in members)
        return period.weights[member] * len(members) / total


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(str(text))


@lru_cache(maxsize=1)
def council_tables() -> CouncilTables:
    path = resources.files("kingmaker") / "data" / "deu3" / "council_weights.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    periods = tuple(
        TreatyPeriod(
            id=p["id"],
            title=p["title"],
            start=_date(p["from"]),
            end=_date(p["to"]),
            measure=p["measure"],
            source=p["source"],
            weights=MappingProxyType({k: float(v) for k, v in p["weights"].items()}),
        )
        for p in doc["periods"]
    )
    accessions = {m: _date(day) for day, ms in doc["membership"]["accessions"].items() for m in ms}
    sources = {s["id"]: MappingProxyType(dict(s)) for s in doc["sources"]}
    return CouncilTables(
        periods,
        MappingProxyType(sources),
        _date(doc["membership"]["eu15_from"]),
        MappingProxyType(accessions),
    )
