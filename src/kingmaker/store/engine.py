"""Opening a store's database: the engine, SQLite's settings for many writers, the schema
check and the migrations.

SQLite runs in WAL mode with a busy timeout, and every write transaction starts with
``BEGIN IMMEDIATE`` so that concurrent writers queue instead of failing with ``database is
locked``. A store at an older schema revision is upgraded by the Alembic migrations shipped
in ``migrations/`` (under a lock, once, whoever opens it first); one from a newer Kingmaker,
a corrupt file or a database that is not a store is refused and left as it is.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from ..errors import StoreError
from .location import redact, sqlite_path

#: The schema revisions this Kingmaker knows, oldest first; the last is the newest.
REVISIONS = ("0001", "0002")
HEAD = REVISIONS[-1]
BUSY_TIMEOUT_S = 60.0
MIGRATIONS = Path(__file__).parent / "migrations"
_WRITE = "kingmaker_write"
_PG_LOCK = 0x4B494E47  # advisory lock key of migrations on PostgreSQL ("KING")


def json_text(value: Any) -> str:
    """JSON columns' text. orjson writes a forecast's 300 kB of floats eight times faster than
    the standard library (the same shortest round-trip numbers); integers beyond 64 bits (a
    seed's entropy) fall back to the standard library. Reading uses the standard library,
    which keeps such integers exact."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)


def create(url: str) -> tuple[Engine, bool]:
    """(engine, writable) for a store URL; a SQLite file that cannot be written is opened
    read-only so that listing and showing still work."""
    path = sqlite_path(url)
    if path is None:
        return _engine(url), True
    if path.exists() and not path.is_file():
        raise StoreError(f"{path} is not a file; give a store file (or a database URL)")
    if not path.parent.is_dir():
        raise StoreError(f"{path}: the folder {path.parent} does not exist")
    writable = os.access(path.parent, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if not writable:
        if not path.exists():
            raise StoreError(f"{path}: cannot create the store (the folder is read-only)")
        ro = f"sqlite:///file:{path}?mode=ro&uri=true"
        return _engine(ro, sqlite=True, readonly=True), False
    return _engine(url, sqlite=True), True


def _engine(url: str, *, sqlite: bool = False, readonly: bool = False) -> Engine:
    try:
        if not sqlite:
            return sa.create_engine(url, pool_pre_ping=True, json_serializer=json_text)
        engine = sa.create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_S},
            poolclass=sa.pool.NullPool,
            json_serializer=json_text,
        )
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use the store URL {redact(url)!r}: {exc}") from None

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if not readonly:
            cursor.execute("PRAGMA synchronous = NORMAL")  # per connection; the file is untouched
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def write_options(conn: Connection) -> Connection:
    """Mark a connection's next transaction as a write (``BEGIN IMMEDIATE`` on SQLite)."""
    return conn.execution_options(**{_WRITE: True})


def revision(conn: Connection, where: str = "the store") -> str | None:
    """The store's schema revision; None for an empty database."""
    inspector = sa.inspect(conn)
    if not inspector.has_table("alembic_version"):
        tables = sorted(inspector.get_table_names())
        if tables:  # someone else's database: adding our tables to it would be a rewrite
            shown = ", ".join(tables[:5]) + (", ..." if len(tables) > 5 else "")
            raise StoreError(
                f"{where} holds tables ({shown}) but no Kingmaker schema revision: it is not "
                "a Kingmaker store (it was not changed); give a new file or an empty database"
            )
        return None
    rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
    return rows[0][0] if rows else None


def ensure_schema(engine: Engine, url: str, writable: bool) -> None:
    """Bring the store to the newest schema (creating it when empty), or refuse it."""
    where = redact(url)
    try:
        with engine.connect() as conn:
            current = revision(conn, where)
            conn.rollback()
        if current == HEAD:
            _wal(engine, writable)
            return
        _check_known(current, where)
        if not writable:
            raise StoreError(
                f"{where} needs its schema upgraded (revision {current} -> {HEAD}) but is read-only"
            )
        with engine.connect() as conn:
            write_options(conn)
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK})
                current = revision(conn, where)  # another process may have done it meanwhile
                _check_known(current, where)
                if current != HEAD:
                    _upgrade(conn)
        _wal(engine, writable)
    except sa.exc.DBAPIError as exc:
        raise StoreError(f"{where}: cannot be opened as a run store ({reason(exc)})") from None


def _wal(engine: Engine, writable: bool) -> None:
    """Switch a SQLite store to WAL (kept in the file), once it is known to be a store of
    ours: the switch rewrites the file's header, which a refused file must keep."""
    if engine.dialect.name != "sqlite" or not writable:
        return
    raw = engine.raw_connection()  # outside a transaction, as the switch requires
    try:
        cursor = raw.cursor()
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()
    finally:
        raw.close()


def _check_known(current: str | None, where: str) -> None:
    if current is not None and current not in REVISIONS:
        raise StoreError(
            f"{where} was made by a newer Kingmaker (schema revision {current}; this version "
            f"knows up to {HEAD}); upgrade Kingmaker to use it. The store was not changed."
        )


def _upgrade(conn: Connection, target: str = HEAD) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, target)


def reason(exc: sa.exc.DBAPIError) -> str:
    """The database's own words, without SQLAlchemy's statement dump."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
