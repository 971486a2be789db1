"""Helpers shared by the importers: ids from names, numbers with a precise complaint."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import Problem, ScenarioError


def slug(text: str, fallback: str = "x") -> str:
    """A scenario id from a free-text name: ``'EU (incl Norway)'`` -> ``'eu-incl-norway'``."""
    s = re.sub(r"[^A-Za-z0-9_.]+", "-", text.strip()).strip("-._").lower()
    return s or fallback


def unique_ids(names: list[str], fallback: str = "x") -> list[str]:
    """Slugs made unique by suffixes, in input order."""
    out: list[str] = []
    used: set[str] = set()
    for name in names:
        base = slug(name, fallback)
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base}-{k}", k + 1
        used.add(candidate)
        out.append(candidate)
    return out


@dataclass
class ProblemList:
    """Collects every problem of a file before failing, so the user sees them all at once."""

    file: str | None
    problems: list[Problem] = field(default_factory=list)

    def add(self, message: str, line: int | None = None, location: str = "") -> None:
        self.problems.append(Problem(message, location, self.file, line))

    def number(
        self,
        text: str,
        line: int,
        what: str,
        *,
        comma_decimal: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
    ) -> float | None:
        """Parse a number or record why it is not one; None when it is bad."""
        raw = text.strip()
        candidate = raw.replace(",", ".") if comma_decimal else raw
        try:
            value = float(candidate)
        except ValueError:
            self.add(
                f"{what}: expected a number, got {raw!r}"
                if raw
                else f"{what}: expected a number, the field is empty",
                line,
            )
            return None
        if value != value or value in (float("inf"), float("-inf")):
            self.add(f"{what}: expected a finite number, got {raw!r}", line)
            return None
        if minimum is not None and value < minimum:
            self.add(f"{what}: must be >= {minimum:g}, got {raw}", line)
            return None
        if maximum is not None and value > maximum:
            self.add(f"{what}: must be <= {maximum:g}, got {raw}", line)
            return None
        return value

    def raise_if_any(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems)


def stem(file: str | None, default: str = "imported") -> str:
    return Path(file).stem if file else default
