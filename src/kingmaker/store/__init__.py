"""The run store: every analysis run kept in a database (SQLite by default, any SQLAlchemy
URL, PostgreSQL tested), listed, compared and made again.

>>> store = open_store()                    # doctest: +SKIP
>>> store.runs(scenario="iraq-2020").head() # doctest: +SKIP
"""

from __future__ import annotations

import os

from .diff import RunDiff, diff_runs
from .location import ENV, default_path, resolve_url
from .store import ScenarioVersion, Store, StoredRun


def open_store(url: str | os.PathLike | None = None) -> Store:
    """The run store at ``url`` (a SQLAlchemy URL or a SQLite file path); default: the
    ``KINGMAKER_STORE`` environment variable, else a SQLite file in the user's data folder.
    A store made by an older Kingmaker is upgraded; a newer, corrupt or foreign one refused."""
    return Store(url)


__all__ = [
    "ENV",
    "RunDiff",
    "ScenarioVersion",
    "Store",
    "StoredRun",
    "default_path",
    "diff_runs",
    "open_store",
    "resolve_url",
]
