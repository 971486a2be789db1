"""Where the run store is: ``--store URL``, else ``KINGMAKER_STORE``, else a SQLite file in
the user's data directory (``platformdirs``).

A URL is any SQLAlchemy URL (``sqlite:///runs.db``, ``postgresql+psycopg://host/db``); a
plain path is taken as a SQLite file.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "KINGMAKER_STORE"
FILE_NAME = "runs.sqlite"


def default_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("kingmaker", appauthor=False) / FILE_NAME


def resolve_url(url: str | os.PathLike | None = None) -> str:
    """The SQLAlchemy URL of the store to open (see the module docstring)."""
    text = str(url) if url is not None else os.environ.get(ENV) or ""
    if not text.strip():
        return f"sqlite:///{default_path()}"
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and for in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    rest = url.split("://", 1)[1]
    path = rest[1:] if rest.startswith("/") else rest
    path = path.split("?", 1)[0]
    path = path.removeprefix("file:")  # sqlite:///file:PATH?mode=ro&uri=true
    return None if path in ("", ":memory:") else Path(path)


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return url
