"""Scenarios shipped inside the package (``kingmaker/data/scenarios``).

Each is a folder ``<id>/scenario.yaml`` (with its source texts beside it) or a single
``<id>.yaml``. They are package data, so they work offline and from an installed wheel.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import UnknownScenarioError, unknown_name

#: The scenario `kingmaker forecast` runs when given none.
DEFAULT_SCENARIO = "us-iraq-2020"


def _root() -> Path:
    return Path(str(resources.files("kingmaker") / "data" / "scenarios"))


def embedded_names() -> list[str]:
    root = _root()
    names = [p.stem for p in root.glob("*.yaml")]
    names += [p.name for p in root.iterdir() if (p / "scenario.yaml").is_file()]
    return sorted(names)


def is_embedded(name: str) -> bool:
    return name in embedded_names()


def inside_package(path: str | Path) -> bool:
    """Whether ``path`` is in the package's embedded scenarios (installed files, not the
    user's: nothing writes there)."""
    try:
        Path(path).resolve().relative_to(_root().resolve())
    except ValueError:
        return False
    return True


def embedded_path(name: str) -> Path:
    root = _root()
    for candidate in (root / name / "scenario.yaml", root / f"{name}.yaml"):
        if candidate.is_file():
            return candidate
    raise UnknownScenarioError(
        unknown_name(
            "scenario",
            name,
            embedded_names(),
            lead=f"no file or embedded scenario named {name!r}",
            listing="embedded",
        )
    )
