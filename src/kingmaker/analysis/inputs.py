"""The ways in for users: scenarios checked against the models, and analysis options parsed
(thresholds, targets: text a user wrote, checked against the scenario's issues and scales).

:mod:`kingmaker.scenario` cannot know which models exist (it sits below them), so its loaders
take extra checks as a parameter. The functions here pass :data:`SCENARIO_CHECKS`, so that a
scenario's ``models`` block (unknown models, variants, settings) is reported with its file,
line and place like any other problem. They are what ``kingmaker.load_scenario`` and the
command line use.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import AnalysisError, unknown_name
from ..scenario import document, io
from ..scenario.schema import Scenario

if TYPE_CHECKING:  # the records are imported when a target or threshold is parsed, so that
    # loading and validating a scenario does not pay for every record type (start-up time)
    from ..results.advice import Target
    from ..results.summaries import Threshold


def check_model_settings(scenario: Scenario) -> list[tuple[tuple, str]]:
    """The scenario's ``models`` block checked against the registry, which (with numpy and
    the kernels' modules) is imported only when the scenario has such a block."""
    if not scenario.models.default and not scenario.models.settings:
        return []
    from ..models.registry import check_model_settings as check

    return check(scenario)


#: Whole-scenario checks that need model knowledge.
SCENARIO_CHECKS: tuple[document.Check, ...] = (check_model_settings,)


def load_scenario(source: str | os.PathLike, format: str | None = None) -> Scenario:
    """Load a scenario from a file (any supported format) or an embedded scenario's name,
    checking its model settings too."""
    return io.load_scenario(source, format, checks=SCENARIO_CHECKS)


def parse_scenario_text(
    text: str, file: str | None = None, format: str | None = None, origin: Path | None = None
) -> Scenario:
    """A scenario from the text of a file in any supported format, model settings checked."""
    return io.parse_scenario_text(text, file, format, origin, checks=SCENARIO_CHECKS)


def build_scenario(
    doc: Any,
    file: str | Path | None = None,
    locate: document.Locator | None = None,
    origin: Path | None = None,
) -> Scenario:
    """Validate a plain-data document (what a YAML file holds), model settings included."""
    return document.build_scenario(doc, file, locate, origin, checks=SCENARIO_CHECKS)


# --------------------------------------------------------------------------- analysis options


def issue_value(scenario: Scenario, issue_id: str, raw: str, text: str, parameter: str) -> float:
    """``raw`` as a number on the scale of issue ``issue_id``; ``text`` is the user's whole
    item (e.g. ``"troops<30"``) and ``parameter`` the argument it came in, for the message."""
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AnalysisError(f"{text!r}: {raw!r} is not a number", parameter=parameter)
    try:
        issue = scenario.issue(issue_id)
    except KeyError:
        raise AnalysisError(
            f"{text!r}: {unknown_name('issue', issue_id, scenario.issue_ids)}",
            parameter=parameter,
        ) from None
    lo, hi = issue.scale.min, issue.scale.max
    if not lo <= value <= hi:
        raise AnalysisError(
            f"{text!r}: {value:g} is outside the scale of {issue_id!r} ({lo:g}..{hi:g})",
            parameter=parameter,
        )
    return value


def parse_thresholds(scenario: Scenario, items: Iterable[str | Threshold]) -> tuple[Threshold, ...]:
    """Check thresholds against the scenario: ``"troops:50"`` (or ``"50"`` with one issue)."""
    from ..results.summaries import Threshold

    out = []
    for item in items:
        if isinstance(item, Threshold):
            issue_id, raw, text = item.issue, repr(item.value), f"{item.issue}:{item.value:g}"
        else:
            text = str(item)
            issue_id, sep, raw = text.rpartition(":")
            if not sep and len(scenario.issues) == 1:
                issue_id = scenario.issues[0].id
            elif not sep or not issue_id:
                raise AnalysisError(
                    f"must be ISSUE:VALUE (e.g. {scenario.issues[0].id}:50), got {text!r}",
                    parameter="thresholds",
                )
        out.append(Threshold(issue_id, issue_value(scenario, issue_id, raw, text, "thresholds")))
    return tuple(dict.fromkeys(out))


_TARGET = re.compile(r"^\s*([^:<>]*?)\s*([:<>])\s*(.*?)\s*$")
_DIRECTION = {"<": "below", ">": "above", ":": None}


def parse_target(scenario: Scenario, item: str | Target) -> Target:
    """``"troops<30"`` (at or below), ``"troops>60"`` (at or above), ``"troops:30"`` (to)."""
    from ..results.advice import Target

    if isinstance(item, Target):
        return item
    text = str(item)
    match = _TARGET.match(text)
    if match is None:
        raise AnalysisError(
            "must be ISSUE<VALUE, ISSUE>VALUE or ISSUE:VALUE "
            f"(e.g. {scenario.issues[0].id}<30), got {text!r}",
            parameter="targets",
        )
    issue, sign, value = match.groups()
    return Target(issue, issue_value(scenario, issue, value, text, "targets"), _DIRECTION[sign])
