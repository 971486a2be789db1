"""Stores to test on: a SQLite file, and a real PostgreSQL server.

The PostgreSQL server is the one ``KINGMAKER_TEST_POSTGRES`` names (a SQLAlchemy URL of a
database the tests may fill), or else a throw-away cluster these fixtures start themselves
from the PostgreSQL binaries (Debian's ``postgresql`` package), as a non-root user, on a free
port of 127.0.0.1, and remove afterwards. Without either, the PostgreSQL cases are skipped
with the reason shown, unless ``KINGMAKER_REQUIRE_POSTGRES=1`` (set by .ci/run), which makes
that a failure.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_server(reason: str):
    if os.environ.get("KINGMAKER_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here (KINGMAKER_REQUIRE_POSTGRES=1): {reason}")
    pytest.skip(f"no PostgreSQL server for the store tests: {reason}")


@pytest.fixture(scope="session")
def postgres_server():
    """(admin URL, URL template with {db}) of a PostgreSQL server."""
    given = os.environ.get("KINGMAKER_TEST_POSTGRES")
    if given:
        yield given, None
        return
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = found[-1] if found else shutil.which("initdb")
    if not initdb:
        _no_server("no initdb (install Debian's postgresql package)")
    bindir = Path(initdb).parent
    base = Path(tempfile.mkdtemp(prefix="kingmaker-pg-"))
    data, log = base / "data", base / "server.log"
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            _no_server("running as root and there is no 'postgres' user to run the server")
        os.chown(base, user.pw_uid, user.pw_gid)
        os.chmod(base, 0o700)
        as_user = ["runuser", "-u", "postgres", "--"]
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C"}

    def pg(*cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*as_user, *cmd], capture_output=True, text=True, env=env, timeout=120, check=False
        )

    done = pg(initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
    if done.returncode:
        shutil.rmtree(base, ignore_errors=True)
        _no_server(f"initdb failed: {done.stderr.strip()[-300:]}")
    options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off"
    done = pg(str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start")
    if done.returncode:
        text = log.read_text() if log.exists() else done.stderr
        shutil.rmtree(base, ignore_errors=True)
        _no_server(f"the server did not start: {text.strip()[-300:]}")
    try:
        yield (
            f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres",
            (f"postgresql+psycopg://postgres@127.0.0.1:{port}/{{db}}"),
        )
    finally:
        pg(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server):
    """A new, empty database on the PostgreSQL server, dropped after the test."""
    import sqlalchemy as sa

    admin, template = postgres_server
    if template is None:  # a given server: use its database, emptied first and after
        _empty(admin)
        yield admin
        _empty(admin)
        return
    name = f"kingmaker_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield template.format(db=name)
    finally:
        with engine.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        engine.dispose()


def _empty(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for table in ("run_blobs", "runs", "alembic_version"):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {table} CASCADE")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    """The URL of an empty store: a SQLite file, then a PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'runs.sqlite'}"
    return request.getfixturevalue("postgres_url")
