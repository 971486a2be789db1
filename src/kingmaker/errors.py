"""Domain errors, all in one place.

Every user mistake raises a subclass of :class:`KingmakerError` (itself a ``ValueError``), so
the CLI can print it without a traceback and exit with code 2, and library users can catch one
type. Scenario problems carry *where* they are: the file, the place in the document
(``actors[3].issues.troops.salience``) and, when known, the line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


class KingmakerError(ValueError):
    """Base class of every error caused by user input or user choices.

    ``parameter`` names the argument of the library call that was wrong (``rounds``,
    ``thresholds``, ``spread``...) and the message is then a predicate about it: the error
    reads ``"spread must be a number in (0, 1]..."``. The command line puts its own option in
    the parameter's place (``--spread must be ...``) when it prints the error: library
    messages never name command-line flags.
    """

    def __init__(
        self,
        message: str = "",
        *,
        parameter: str | None = None,
        remedy: tuple[str, str] | None = None,
    ):
        self.parameter = parameter
        self.message = message
        #: (a boolean parameter, what setting it does): ``("overwrite", "replace it")``; the
        #: message then ends ``; pass overwrite=True to replace it``, and the command line
        #: names its own option instead (``; use --force to replace it``).
        self.remedy = remedy
        text = f"{parameter} {message}" if parameter else message
        super().__init__(text + (f"; pass {remedy[0]}=True to {remedy[1]}" if remedy else ""))


#: Similarity (rapidfuzz WRatio, 0-100) from which an unknown name is "probably a typo of".
SUGGEST_CUTOFF = 60
#: Known names listed after an unknown one when no suggestion fits and there are this few.
LIST_AT_MOST = 12


def unknown_name(
    kind: str,
    value: str,
    known: Iterable[str],
    *,
    lead: str | None = None,
    listing: str = "known",
    always_list: bool = False,
    keep_order: bool = False,
) -> str:
    """The one "did you mean" message: ``unknown actor 'irn' (did you mean 'iran'?)``.

    ``lead`` replaces the start (``unknown {kind} {value!r}``); the known names follow
    (``; {listing}: a, b, c``) when no suggestion fits and they are few, or always with
    ``always_list``; sorted unless ``keep_order``.
    """
    from rapidfuzz import process

    names = list(dict.fromkeys(known)) if keep_order else sorted(set(known))
    msg = lead or f"unknown {kind} {value!r}"
    match = process.extractOne(str(value), names, score_cutoff=SUGGEST_CUTOFF) if names else None
    if match:
        msg += f" (did you mean {match[0]!r}?)"
    if names and (always_list or (not match and len(names) <= LIST_AT_MOST)):
        msg += f"; {listing}: {', '.join(names)}"
    return msg


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    message: str
    location: str = ""
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        parts = [p for p in (where, self.location) if p]
        return (": ".join(parts) + ": " if parts else "") + self.message


class ScenarioError(KingmakerError):
    """A scenario (or a file that should become one) is invalid; lists every problem found."""

    def __init__(
        self,
        problems: list[Problem] | Problem | str,
        file: str | Path | None = None,
        *,
        parameter: str | None = None,
    ):
        if isinstance(problems, str):
            problems = [Problem(problems, file=str(file) if file else None)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.file = str(file) if file else (self.problems[0].file if self.problems else None)
        super().__init__(self.render())
        #: the call's argument that would resolve the problem (e.g. ``format``), if any
        self.parameter = parameter

    def render(self, limit: int | None = None) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [str(p) for p in shown]
        if limit is not None and len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problem(s)")
        return "\n".join(lines)


class UnknownModelError(KingmakerError):
    """A model name (or variant) that the registry does not know."""


class ModelSettingsError(KingmakerError):
    """Model settings that do not validate (wrong name, wrong type, out of range)."""


class UnknownScenarioError(KingmakerError):
    """A scenario argument that is neither a readable file nor an embedded scenario."""


class StoreError(KingmakerError):
    """A run store that cannot be used as asked: unreachable, corrupt, read-only, made by a
    newer Kingmaker, or a run id that names no run (or several)."""


class ExecutorError(KingmakerError):
    """An executor cannot be used: Dask not installed, a scheduler that cannot be reached."""


class AnalysisError(KingmakerError):
    """Options of an analysis that do not fit the scenario (a threshold on an unknown issue,
    an impossible number of samples, two simulations that were not run on the same draws)."""


class CalibrationError(KingmakerError):
    """A calibration file (the DEU III conformal half-widths) that cannot be read or does not
    follow its format; the message names the file."""
