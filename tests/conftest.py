"""Shared fixtures: where the anchor data lives, and writing small files to load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
ANCHORS = DATA / "anchors"


@pytest.fixture
def anchors() -> Path:
    return ANCHORS


@pytest.fixture
def write(tmp_path):
    """write("name.yaml", text) -> path of a file holding text."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


_CREATED = re.compile(r'"created": "[^"]*"')


def without_created(text: str) -> str:
    """JSON text of records with their creation time blanked: the one field that differs
    between two runs of the same inputs and seed (everything else must be the same bytes)."""
    return _CREATED.sub('"created": ""', text)
