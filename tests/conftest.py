"""Shared fixtures: where the anchor data lives, and writing small files to load.

Hypothesis keeps nothing in the repository: the profile below has no example database
(``database=None``: every run explores afresh, and a failure prints the blob that replays it
with ``@reproduce_failure``), and its other files (e.g. a cache of Unicode tables) go to a
temporary directory removed after the session. Choose another registered profile with
``pytest --hypothesis-profile NAME``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import configuration, settings

DATA = Path(__file__).parent / "data"
ANCHORS = DATA / "anchors"

_HYPOTHESIS_HOME = Path(tempfile.mkdtemp(prefix="kingmaker-hypothesis-"))
configuration.set_hypothesis_home_dir(_HYPOTHESIS_HOME)
settings.register_profile("kingmaker", database=None, print_blob=True)
settings.load_profile("kingmaker")


#: Every command a test runs (in this process or a subprocess) saves its run here, never in
#: the user's own store; tests about the store give their own with --store or open_store().
_STORE_HOME = Path(tempfile.mkdtemp(prefix="kingmaker-store-"))
os.environ["KINGMAKER_STORE"] = str(_STORE_HOME / "runs.sqlite")


def pytest_unconfigure(config):
    shutil.rmtree(_HYPOTHESIS_HOME, ignore_errors=True)
    shutil.rmtree(_STORE_HOME, ignore_errors=True)


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


pytest_plugins = ["tests.browser"]
