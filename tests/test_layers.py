"""Layers run one way: results <- scenario <- models <- analysis <- store/report <- cli/web.

Every import in the package is read from the source (including imports inside functions,
which would hide a cycle from the interpreter) and checked against the layer order of
../shared/DESIGN.md and docs/explanation/architecture.md.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

import kingmaker

PACKAGE = Path(kingmaker.__file__).parent

#: The layer of each part of the package (its first component under kingmaker/); a part may
#: import parts of its own layer or below. Same-layer imports are allowed only where listed
#: in SAME_LAYER (and never both ways).
LAYER = {
    "__about__": 0,
    "data": 0,  # package data (embedded scenarios, datasets)
    "errors": 0,
    "files": 0,
    "randomness": 0,
    "results": 1,
    "scenario": 2,
    "datasets": 3,
    "sources": 3,
    "models": 4,
    "analysis": 5,
    "store": 6,
    "report": 6,
    "cli": 7,
    "web": 7,
    "__init__": 8,  # the public API re-exports everything
    "__main__": 8,  # ``python -m kingmaker`` runs the CLI
}
#: Entry points: the only modules outside cli/ and web/ that may import them.
ENTRY_POINTS = {"__main__"}
#: What store/ and report/ may read besides the base modules: records, and scenario types.
READERS = {"store", "report"}
READER_MAY_IMPORT = {"results", "scenario", "report", "store"}


def _part(module: str) -> str:
    """``kingmaker.analysis.forecast`` -> ``analysis``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every kingmaker module a file imports, anywhere in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "kingmaker"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "kingmaker":
                found.add(target)
                found |= {f"{target}.{a.name}" for a in node.names if target == "kingmaker"}
    return found


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        src = _part(_module_name(path)) if path != PACKAGE / "__init__.py" else "__init__"
        for target in _imports(path):
            dst = _part(target)
            if dst != src:
                edges[src].add(dst)
    return edges


def test_every_part_has_a_layer():
    parts = {_part(_module_name(p)) for p in PACKAGE.rglob("*.py")}
    parts.discard("__init__")
    assert parts <= set(LAYER), f"parts without a layer: {sorted(parts - set(LAYER))}"


@pytest.mark.parametrize("src", sorted(k for k in LAYER if k != "__init__"))
def test_imports_run_one_way(src):
    graph = _graph()
    upward = sorted(d for d in graph.get(src, ()) if LAYER.get(d, 99) > LAYER[src])
    assert not upward, f"{src} imports from layers above it: {upward}"
    sideways = sorted(
        d for d in graph.get(src, ()) if LAYER.get(d) == LAYER[src] and src in graph.get(d, ())
    )
    assert not sideways, f"{src} and {sideways} import each other"
    if src in READERS:
        extra = sorted(d for d in graph.get(src, ()) if LAYER[d] > 0 and d not in READER_MAY_IMPORT)
        assert not extra, f"{src} may read only records and scenario types, imports {extra}"


def test_no_module_imports_cli_or_web():
    for path in PACKAGE.rglob("*.py"):
        src = _part(_module_name(path))
        if src in ("cli", "web") or src in ENTRY_POINTS:
            continue
        bad = {t for t in _imports(path) if _part(t) in ("cli", "web")}
        assert not bad, f"{path.relative_to(PACKAGE)} imports {sorted(bad)}"


def test_the_checker_sees_imports_inside_functions():
    """The cycles this test exists for were hidden in function bodies."""
    source = "def f():\n    from ..models import registry\n    import kingmaker.cli\n"
    found = _imports_in(source, "kingmaker.scenario")
    assert {"kingmaker.models", "kingmaker.cli"} <= found
