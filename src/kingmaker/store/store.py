"""The run store: every analysis run kept with what it was asked, what it ran on and what it
found, so that it can be listed, compared and made again.

A run is written ``running`` when it starts (:meth:`Store.start`), then finished in one
transaction, result and arrays together (:meth:`Store.finish`), or marked failed
(:meth:`Store.fail`). A process killed in between leaves a ``running`` row, never a result
presented as complete.
"""

from __future__ import annotations

import datetime as _dt
import os
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..__about__ import __version__
from ..errors import StoreError
from . import blobs, engine, schema
from .headline import headline_json
from .ids import LENGTH, is_prefix, new_id, normalize_prefix
from .location import redact, resolve_url, sqlite_path

if TYPE_CHECKING:
    import pandas as pd

    from ..results import Record
    from ..scenario import Scenario

RUNS, BLOBS, VERSIONS = schema.runs, schema.run_blobs, schema.scenario_versions
#: Columns a listing reads (never the result or scenario documents).
SUMMARY = (
    "id",
    "created",
    "finished",
    "status",
    "error",
    "command",
    "settings",
    "kingmaker_version",
    "scenario_id",
    "scenario_title",
    "scenario_hash",
    "headline",
    "wall_time",
    "host",
    "pid",
)


def ran_on(scenario: Scenario | None = None, *, target: str | None = None) -> dict[str, Any]:
    """The columns that say what a run ran on, for :meth:`Store.start`: a scenario, kept
    whole so the run can be shown and made again, or a dataset target such as ``deu3``."""
    if scenario is None:
        return dict(
            scenario_id=str(target),
            scenario_title=str(target),
            scenario_hash="",
            scenario_document=None,
        )
    from ..scenario.compile import scenario_hash

    return dict(
        scenario_id=scenario.id,
        scenario_title=scenario.scenario.title,
        scenario_hash=scenario_hash(scenario),
        scenario_document=scenario.to_document(),
    )


def _now() -> str:
    """UTC time with microseconds, ISO 8601 with ``Z``: sorts as text."""
    stamp = _dt.datetime.now(_dt.UTC).isoformat(timespec="microseconds")
    return stamp.replace("+00:00", "Z")


@dataclass(frozen=True)
class StoredRun:
    """One row of the store. ``result`` is the record's JSON document (None until complete);
    :meth:`record` and :meth:`scenario` give back the objects."""

    id: str
    created: str
    finished: str | None
    status: str
    error: str | None
    command: str
    settings: Mapping[str, Any]
    execution: Mapping[str, Any]
    kingmaker_version: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    scenario_document: Mapping[str, Any] | None
    result: Mapping[str, Any] | None
    headline: Mapping[str, Mapping[str, float | None]] | None
    wall_time: float | None
    host: str | None
    pid: int | None
    arrays: Mapping[str, Any] | None = None

    @property
    def state(self) -> str:
        """The status, and for a ``running`` row whose process has ended on this machine,
        says so (it was killed, or the machine stopped)."""
        if self.status == schema.RUNNING and self.host == socket.gethostname() and self.pid:
            if not _alive(self.pid):
                return "running (process gone)"
        return self.status

    def summary(self) -> dict[str, Any]:
        """What a listing shows of the run (JSON-ready; no scenario document, no result):
        the one summary `kingmaker runs` and the dashboard both print."""
        return {
            "id": self.id,
            "created": self.created,
            "finished": self.finished,
            "status": self.state,
            "error": self.error,
            "command": self.command,
            "scenario": self.scenario_id,
            "scenario_title": self.scenario_title,
            "scenario_hash": self.scenario_hash,
            "settings": self.settings,
            "kingmaker_version": self.kingmaker_version,
            "wall_time": self.wall_time,
            "headline": self.headline,
        }

    def scenario(self) -> Scenario:
        """The scenario the run ran on, as it was then (whatever became of its file)."""
        from ..scenario.document import build_scenario

        if self.scenario_document is None:
            raise StoreError(f"run {self.id} ran on {self.scenario_id}, not on a scenario")
        return build_scenario(dict(self.scenario_document), file=f"run {self.id}")

    def record(self) -> Record:
        """The result record, as the analysis returned it."""
        from ..results import from_dict

        if self.result is None:
            raise StoreError(f"run {self.id} is {self.state}: it has no result")
        return from_dict(self.result, self.arrays)


@dataclass(frozen=True)
class ScenarioVersion:
    """A scenario kept in the store: uploaded, read from a path, or edited from ``parent``."""

    id: str
    created: str
    scenario_id: str
    title: str
    scenario_hash: str
    parent: str | None
    origin: str
    note: str | None
    changes: Sequence[Mapping[str, Any]] | None
    document: Mapping[str, Any] | None

    def scenario(self) -> Scenario:
        from ..scenario.document import build_scenario

        if self.document is None:
            raise StoreError(f"scenario version {self.id} was listed without its document")
        return build_scenario(dict(self.document), file=f"scenario version {self.id}")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Store:
    """A run store at a SQLAlchemy URL (see :func:`open_store`)."""

    def __init__(self, url: str | os.PathLike | None = None, *, create: bool = True):
        self.url = resolve_url(url)
        path = sqlite_path(self.url)
        if path is not None and not path.exists():
            if not create:
                raise StoreError(f"{path}: no run store there")
            if url is None and "KINGMAKER_STORE" not in os.environ:
                path.parent.mkdir(parents=True, exist_ok=True)  # the default location only
        self.engine, self.writable = engine.create(self.url)
        engine.ensure_schema(self.engine, self.url, self.writable)

    def __repr__(self) -> str:
        return f"Store({redact(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- writing
    def _write(self):
        if not self.writable:
            raise StoreError(
                f"{redact(self.url)} is read-only: runs cannot be saved there "
                "(save elsewhere, or do not save)"
            )
        return _Write(self.engine, self.url)

    def start(
        self,
        command: str,
        *,
        settings: Mapping[str, Any],
        scenario_id: str,
        scenario_title: str,
        scenario_hash: str,
        scenario_document: Mapping[str, Any] | None,
        execution: Mapping[str, Any] | None = None,
    ) -> str:
        """Record a run as ``running``; returns its id."""
        run_id = new_id()
        row = dict(
            id=run_id,
            created=_now(),
            status=schema.RUNNING,
            command=command,
            settings=dict(settings),
            execution=dict(execution or {}),
            kingmaker_version=__version__,
            scenario_id=scenario_id,
            scenario_title=scenario_title,
            scenario_hash=scenario_hash,
            scenario_document=scenario_document,
            host=socket.gethostname(),
            pid=os.getpid(),
        )
        with self._write() as conn:
            conn.execute(RUNS.insert().values(**row))
        return run_id

    def finish(
        self,
        run_id: str,
        record: Record,
        *,
        wall_time: float,
        settings: Mapping[str, Any] | None = None,
    ) -> None:
        """Store the run's result and arrays and mark it complete, in one transaction.
        ``settings`` replaces the recorded ones; a seed left to chance (None) is replaced by
        the seed the analysis drew, so that the run can be made again."""
        doc = record.to_dict()
        arrays = record.arrays()
        values: dict[str, Any] = dict(
            status=schema.COMPLETE,
            finished=_now(),
            result=doc,
            headline=headline_json(record),
            wall_time=float(wall_time),
            scenario_hash=record.provenance.scenario_hash,
        )
        if settings is not None:
            values["settings"] = dict(settings)
            if settings.get("seed") is None and record.provenance.seed is not None:
                from ..results.record import jsonable

                values["settings"]["seed"] = jsonable(record.provenance.seed)
        packed = blobs.pack(arrays) if arrays else None
        with self._write() as conn:
            self._update_running(conn, run_id, values)
            if packed is not None:
                conn.execute(
                    BLOBS.insert().values(
                        run_id=run_id,
                        name=blobs.NAME,
                        media_type=blobs.MEDIA_TYPE,
                        size=packed[1],
                        data=packed[0],
                    )
                )

    def fail(self, run_id: str, error: str, *, wall_time: float | None = None) -> None:
        """Mark a running run failed with its error message."""
        values = dict(status=schema.FAILED, finished=_now(), error=error, wall_time=wall_time)
        with self._write() as conn:
            self._update_running(conn, run_id, values)

    @staticmethod
    def _update_running(conn, run_id: str, values: Mapping[str, Any]) -> None:
        done = conn.execute(
            RUNS.update()
            .where(RUNS.c.id == run_id, RUNS.c.status == schema.RUNNING)
            .values(**values)
        )
        if done.rowcount != 1:
            raise StoreError(f"run {run_id} is not running (it was finished or deleted)")

    def attach(self, run_id: str, name: str, data: bytes, media_type: str) -> None:
        """Keep a file made from a run (a report) with it, replacing one of the same name."""
        run_id = self.resolve(run_id)
        with self._write() as conn:
            conn.execute(BLOBS.delete().where(BLOBS.c.run_id == run_id, BLOBS.c.name == name))
            conn.execute(
                BLOBS.insert().values(
                    run_id=run_id, name=name, media_type=media_type, size=len(data), data=data
                )
            )

    def artifact(self, run_id: str, name: str) -> bytes | None:
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(BLOBS.c.data).where(BLOBS.c.run_id == run_id, BLOBS.c.name == name)
            ).scalar()

    def delete(self, ids: Iterable[str]) -> list[str]:
        """Delete runs (by id or unique prefix) and their blobs; returns the full ids."""
        full = [self.resolve(i) for i in ids]
        with self._write() as conn:
            conn.execute(BLOBS.delete().where(BLOBS.c.run_id.in_(full)))
            conn.execute(RUNS.delete().where(RUNS.c.id.in_(full)))
        return full

    def gc(self, keep: int) -> list[str]:
        """Delete all but the newest ``keep`` runs (running ones are kept); returns the ids."""
        if keep < 0:
            raise StoreError(f"must be zero or more, got {keep}", parameter="keep")
        with self._write() as conn:
            ids = (
                conn.execute(
                    sa.select(RUNS.c.id)
                    .where(RUNS.c.status != schema.RUNNING)
                    .order_by(RUNS.c.id.desc())
                    .offset(keep)
                )
                .scalars()
                .all()
            )
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(BLOBS.delete().where(BLOBS.c.run_id.in_(chunk)))
                conn.execute(RUNS.delete().where(RUNS.c.id.in_(chunk)))
        return list(ids)

    # ---- reading
    def resolve(self, prefix: str) -> str:
        """The full id of the one run whose id starts with ``prefix``."""
        text = normalize_prefix(prefix)
        if not is_prefix(text):
            raise StoreError(
                f"{prefix!r} is not a run id (up to {LENGTH} characters of 0-9 and A-Z)"
            )
        with self.engine.connect() as conn:
            found = (
                conn.execute(
                    sa.select(RUNS.c.id).where(RUNS.c.id.startswith(text, autoescape=True)).limit(6)
                )
                .scalars()
                .all()
            )
        if not found:
            raise StoreError(f"no run with id {prefix!r} in {redact(self.url)}")
        if len(found) > 1:
            shown = ", ".join(found[:5]) + (", ..." if len(found) > 5 else "")
            raise StoreError(f"run id {prefix!r} is ambiguous: it starts {shown}")
        return found[0]

    def run(self, run_id: str, *, arrays: bool = True) -> StoredRun:
        """Everything stored about one run (``run_id`` may be a unique prefix)."""
        full = self.resolve(run_id)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(RUNS).where(RUNS.c.id == full)).mappings().one()
            packed = None
            if arrays:
                packed = conn.execute(
                    sa.select(BLOBS.c.data).where(
                        BLOBS.c.run_id == full, BLOBS.c.name == blobs.NAME
                    )
                ).scalar()
        return StoredRun(**row, arrays=blobs.unpack(packed) if packed else None)

    def get(self, run_id: str) -> Record:
        """The result record of a complete run, equal to what the analysis returned."""
        return self.run(run_id).record()

    def summaries(
        self,
        *,
        scenario: str | None = None,
        command: str | None = None,
        since: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[StoredRun]:
        """Runs newest first, without their documents (see :data:`SUMMARY`)."""
        query = sa.select(*(RUNS.c[c] for c in SUMMARY)).order_by(RUNS.c.id.desc())
        if scenario:
            query = query.where(RUNS.c.scenario_id == scenario)
        if command:
            query = query.where(RUNS.c.command == command)
        if status:
            query = query.where(RUNS.c.status == status)
        if since:
            query = query.where(RUNS.c.created >= normalize_since(since))
        if limit is not None:
            if limit < 1:
                raise StoreError(f"must be a positive integer, got {limit}", parameter="limit")
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        empty: dict[str, Any] = dict(execution={}, scenario_document=None, result=None)
        return [StoredRun(**row, **empty) for row in rows]

    def runs(self, **filters: Any) -> pd.DataFrame:
        """One row per run, newest first: id, created, status, command, scenario, models,
        seed, draws, wall time and a column per model and issue of headline forecasts
        (``forecast/MODEL/ISSUE``). Filters as :meth:`summaries`."""
        import pandas as pd

        rows = []
        for r in self.summaries(**filters):
            row: dict[str, Any] = {
                "id": r.id,
                "created": r.created,
                "status": r.state,
                "command": r.command,
                "scenario": r.scenario_id,
                "models": ", ".join(r.settings.get("models") or ()) or None,
                "seed": _seed_text(r.settings.get("seed")),
                "draws": r.settings.get("draws"),
                "wall_time": r.wall_time,
                "kingmaker_version": r.kingmaker_version,
            }
            for model, issues in (r.headline or {}).items():
                for issue, value in issues.items():
                    row[f"forecast/{model}/{issue}"] = value
            rows.append(row)
        columns = [
            "id",
            "created",
            "status",
            "command",
            "scenario",
            "models",
            "seed",
            "draws",
            "wall_time",
            "kingmaker_version",
        ]
        frame = pd.DataFrame(rows, columns=list(dict.fromkeys(columns + _keys(rows))))
        frame["created"] = pd.to_datetime(frame["created"], utc=True, format="ISO8601")
        return frame

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(RUNS)).scalar_one())

    # ---- scenario versions (uploaded or edited scenarios; the originals are never changed)
    def save_version(
        self,
        document: Mapping[str, Any],
        *,
        scenario_id: str,
        title: str,
        scenario_hash: str,
        origin: str,
        parent: str | None = None,
        note: str | None = None,
        changes: Sequence[Mapping[str, Any]] | None = None,
    ) -> str:
        """Keep a scenario version; returns its id (a run-like ULID)."""
        if origin not in schema.ORIGINS:
            raise StoreError(
                f"must be one of {', '.join(schema.ORIGINS)}, got {origin!r}", parameter="origin"
            )
        version_id = new_id()
        row = dict(
            id=version_id,
            created=_now(),
            scenario_id=scenario_id,
            title=title,
            scenario_hash=scenario_hash,
            parent=parent,
            origin=origin,
            note=note,
            changes=None if changes is None else [dict(c) for c in changes],
            document=dict(document),
        )
        with self._write() as conn:
            conn.execute(VERSIONS.insert().values(**row))
        return version_id

    def version(self, version_id: str) -> ScenarioVersion:
        """One kept scenario version, by its full id."""
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(VERSIONS).where(VERSIONS.c.id == version_id)).mappings()
            found = row.first()
        if found is None:
            raise StoreError(f"no scenario version {version_id!r} in {redact(self.url)}")
        return ScenarioVersion(**found)

    def versions(self, *, limit: int | None = None) -> list[ScenarioVersion]:
        """Kept scenario versions, newest first (without their documents)."""
        columns = [c for c in VERSIONS.c if c.name != "document"]
        query = sa.select(*columns).order_by(VERSIONS.c.id.desc())
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [ScenarioVersion(**row, document=None) for row in rows]


def _keys(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    return [k for row in rows for k in row if k.startswith("forecast/")]


def _seed_text(seed: Any) -> str | None:
    if seed is None:
        return None
    if isinstance(seed, (list, tuple)):
        return "(" + ", ".join(str(s) for s in seed) + ")"
    return str(seed)


def normalize_since(text: str) -> str:
    """``2026-12-01`` or an ISO time -> the UTC ISO text runs are stamped with."""
    try:
        stamp = _dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise StoreError(
            f"must be a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM), got {text!r}",
            parameter="since",
        ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_dt.UTC)
    return stamp.astimezone(_dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class _Write:
    """A write transaction (``BEGIN IMMEDIATE`` on SQLite), committed on success."""

    def __init__(self, eng: sa.Engine, url: str):
        self._engine = eng
        self._url = url

    def __enter__(self):
        self._conn = engine.write_options(self._engine.connect())
        self._tx = self._conn.begin()
        return self._conn

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self._tx.commit()
            else:
                self._tx.rollback()
        except sa.exc.DBAPIError as failed:
            exc = failed
        finally:
            self._conn.close()
        if isinstance(exc, sa.exc.DBAPIError):  # e.g. a read-only file, a full disk
            reason = engine.reason(exc)
            where = redact(self._url)
            raise StoreError(f"{where}: the run could not be saved ({reason})") from None
