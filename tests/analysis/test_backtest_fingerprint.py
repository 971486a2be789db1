"""What the page fingerprint hashes of a Python file: its syntax tree without docstrings and
function annotations, but with everything that can change what the code computes."""

from __future__ import annotations

import textwrap

import pytest

from kingmaker.analysis.backtest.fingerprint import _canonical

BASE = '''
from dataclasses import dataclass


@dataclass
class Row:
    """A row."""

    width: float = 1.0


def scale(x: float, factor: float = 2.0, *rest: int, key: str | None = None, **kw: int) -> float:
    """Doc."""
    return x * factor


async def fetch(n: int) -> list[int]:
    return [n]
'''


def _hash(tmp_path, text: str) -> bytes:
    path = tmp_path / "module.py"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return _canonical(path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("x: float, factor", "x: int, factor", id="argument-annotation"),
        pytest.param("x: float, factor", "x, factor", id="argument-annotation-removed"),
        pytest.param("*rest: int", "*rest: str", id="star-args-annotation"),
        pytest.param("key: str | None", "key: object", id="keyword-only-annotation"),
        pytest.param("**kw: int", "**kw", id="star-kwargs-annotation"),
        pytest.param(") -> float:", "):", id="return-annotation"),
        pytest.param("-> list[int]", "-> list[object]", id="async-return-annotation"),
        pytest.param('"""Doc."""', '"""Another doc."""', id="docstring"),
    ],
)
def test_type_only_changes_keep_the_canonical_form(tmp_path, old, new):
    assert old in BASE
    assert _hash(tmp_path, BASE.replace(old, new)) == _hash(tmp_path, BASE)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param("factor: float = 2.0", "factor: float = 3.0", id="default-value"),
        pytest.param("key: str | None = None", "key: str | None = 'a'", id="keyword-default"),
        pytest.param("width: float = 1.0", "width: int = 1.0", id="field-annotation"),
        pytest.param("x * factor", "x + factor", id="body"),
        pytest.param("(x: float, factor", "(y: float, factor", id="argument-name"),
    ],
)
def test_changes_that_can_change_results_change_it(tmp_path, old, new):
    assert old in BASE
    assert _hash(tmp_path, BASE.replace(old, new)) != _hash(tmp_path, BASE)
