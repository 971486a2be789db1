"""Reading and writing scenario files in every supported format.

``load_scenario`` accepts a path to a YAML/JSON scenario or to any importable file (BDM/Scholz
CSV, KTAB CSV/XML, decide CSV), detected from the content unless ``format`` is given, or the
name of an embedded scenario. ``save_scenario`` writes YAML (or JSON by extension) and never
overwrites a file unless asked to.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import Problem, ScenarioError
from .document import Check, build_scenario
from .importers import IMPORTERS
from .schema import Scenario
from .text import read_text
from .yamlio import dump_json, dump_yaml, parse_json, parse_yaml

#: The file a scenario folder holds (beside its sources/), as the embedded scenarios do.
SCENARIO_FILE = "scenario.yaml"
NATIVE_FORMATS = {"yaml": "Kingmaker scenario (YAML)", "json": "Kingmaker scenario (JSON)"}
FORMATS: dict[str, str] = {
    **NATIVE_FORMATS,
    **{name: mod.DESCRIPTION for name, mod in IMPORTERS.items()},
}


def detect_format(text: str, path: Path | None = None) -> str | None:
    """Name of the format of a file, from its extension and content, or None."""
    suffix = path.suffix.lower() if path else ""
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".json":
        return "json"
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("{"):
        return "json"
    for name, importer in IMPORTERS.items():
        if importer.detect(text, str(path) if path else None):
            return name
    if any(line.startswith(("scenario:", "kingmaker:")) for line in stripped.splitlines()):
        return "yaml"
    return None


def parse_scenario_text(
    text: str,
    file: str | None = None,
    format: str | None = None,
    origin: Path | None = None,
    checks: Sequence[Check] = (),
) -> Scenario:
    """Build a Scenario from the text of a file in any supported format."""
    path = Path(file) if file else None
    fmt = format or detect_format(text, path)
    if fmt is None:
        raise ScenarioError(
            Problem(
                "cannot tell the format of this file; say which it is "
                f"(format: one of {', '.join(FORMATS)})",
                file=file,
            ),
            parameter="format",
        )
    if fmt not in FORMATS:
        raise ScenarioError(
            Problem(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}", file=file)
        )
    if not text.strip():
        raise ScenarioError(Problem("the file is empty", file=file))
    if fmt == "yaml":
        doc, locate = parse_yaml(text, file)
    elif fmt == "json":
        doc, locate = parse_json(text, file)
    else:
        doc, locate = IMPORTERS[fmt].read(text, file)
    return build_scenario(doc, file=file, locate=locate, origin=origin, checks=checks)


def load_scenario(
    source: str | os.PathLike, format: str | None = None, checks: Sequence[Check] = ()
) -> Scenario:
    """Load a scenario from a file path or by the name of an embedded scenario.

    ``checks``: extra whole-scenario checks (see :func:`.document.build_scenario`); the
    package's :func:`kingmaker.load_scenario` adds the model-settings checks.
    """
    from .embedded import embedded_path

    path = Path(source)
    try:
        path.stat()
    except FileNotFoundError:
        path = embedded_path(str(source))  # raises, with a suggestion, when there is none
    except OSError:
        pass  # e.g. a name too long for the system: read_text says what is wrong
    else:
        if path.is_dir() and (path / SCENARIO_FILE).is_file():
            path = source = path / SCENARIO_FILE  # a scenario folder, as the embedded ones are
    text = read_text(path)
    return parse_scenario_text(text, str(source), format, origin=path.resolve(), checks=checks)


def scenario_text(scenario: Scenario, format: str = "yaml") -> str:
    doc = scenario.to_document()
    return dump_json(doc) if format == "json" else dump_yaml(doc)


def save_scenario(
    scenario: Scenario,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    format: str | None = None,
) -> Path:
    """Write a scenario as YAML (or JSON for a .json path), atomically.

    An existing file is only replaced with ``overwrite=True``; the new content is written to
    a temporary file first, so an interrupted save never leaves half a file behind.
    """
    path = Path(path)
    suffixes = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
    fmt = format or suffixes.get(path.suffix.lower())
    if fmt is None:
        raise ScenarioError(
            Problem(
                "scenarios are written as yaml or json: name the file .yaml, .yml or .json",
                file=str(path),
            )
        )
    if fmt not in NATIVE_FORMATS:
        raise ScenarioError(
            Problem(f"scenarios are written as yaml or json, not {fmt!r}", file=str(path))
        )
    if path.exists() and not overwrite:
        raise ScenarioError(Problem("exists; pass overwrite=True to replace it", file=str(path)))
    if not path.parent.exists():
        raise ScenarioError(Problem("the folder does not exist", file=str(path.parent)))
    text = scenario_text(scenario, fmt)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
