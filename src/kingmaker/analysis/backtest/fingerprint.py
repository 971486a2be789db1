"""What docs/backtest.md is computed from, hashed so a test can tell in a second if it is stale.

The page records :func:`inputs_fingerprint`; regenerating it takes minutes, checking it does not.
"""

from __future__ import annotations

#: What docs/backtest.md is computed from, besides the package version: the data, the models
#: and the code that loads, runs and scores them (paths relative to the kingmaker package).
PAGE_INPUTS = (
    "data/deu3",
    "datasets",
    "models",
    "analysis/backtest",
    "results/backtest.py",
    "analysis/sampling.py",
    "scenario/compile.py",
    "scenario/schema.py",
    "scenario/document.py",
    "scenario/checks.py",
    "randomness.py",
    "data/scenarios/us-iraq-2020",
    "results/deu3.py",
    "report/backtest.py",
)
#: Files the page's run writes beside it: outputs, not inputs.
PAGE_OUTPUTS = ("data/deu3/calibration.json",)


def inputs_fingerprint() -> str:
    """SHA-256 over what the DEU III page is computed from (see PAGE_INPUTS).

    The page records it, so a test can tell in a second whether the checked-in page may be
    stale, without the minutes it takes to regenerate it. Python files count by their syntax
    tree without docstrings and function annotations (:func:`_canonical`), so reformatting,
    comments, docs and type-only fixes do not stale the page.
    """
    import hashlib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for rel in PAGE_INPUTS:
        path = root / rel
        files = sorted(path.rglob("*")) if path.is_dir() else [path] if path.exists() else []
        for f in files:
            skip = f.relative_to(root).as_posix() in PAGE_OUTPUTS
            if f.is_file() and f.suffix != ".pyc" and "__pycache__" not in f.parts and not skip:
                digest.update(f.relative_to(root).as_posix().encode() + b"\0")
                digest.update(_canonical(f) + b"\0")
    return digest.hexdigest()


def _canonical(path) -> bytes:
    """A file's bytes, or for Python its syntax tree without docstrings and without the
    annotations of function arguments and return values.

    Those annotations are type-only in the page inputs: nothing there reads a function's
    annotations at run time (no typer, pydantic ``validate_call``, ``inspect.signature`` or
    ``get_type_hints``), so a type-only fix does not stale the page. Annotations of class
    fields (``AnnAssign``) are kept: dataclasses and pydantic models are made from them.
    """
    if path.suffix != ".py":
        return path.read_bytes().replace(b"\r\n", b"\n")
    import ast
    from typing import Any, cast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            cast(Any, node).body = body[1:] or [ast.Pass()]  # any node with a body list
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.returns = None
        elif isinstance(node, ast.arg):
            node.annotation = None
    return ast.dump(tree, include_attributes=False).encode()
