"""The ways in for users: scenarios checked against the models, and analysis options parsed.

:mod:`kingmaker.scenario` cannot know which models exist (it sits below them), so its loaders
take extra checks as a parameter. The functions here pass :data:`SCENARIO_CHECKS`, so that a
scenario's ``models`` block (unknown models, variants, settings) is reported with its file,
line and place like any other problem. They are what ``kingmaker.load_scenario`` and the
command line use.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..models.registry import check_model_settings
from ..scenario import document, io
from ..scenario.schema import Scenario

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
