"""The run store's tables (SQLAlchemy Core), at the newest schema revision.

``runs`` holds one row per command run: what was asked (command, settings, the scenario
document itself), how it went (status, times, error) and the result record's JSON. Large
arrays (Monte Carlo draws) and artifacts (an HTML report) live in ``run_blobs`` beside it,
compressed, never as JSON text. Changes to these tables are made by a new Alembic revision in
``migrations/versions`` (a test checks that the migrations build exactly these tables).
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

#: Run statuses: written ``running`` first, then ``complete`` or ``failed`` in one transaction.
RUNNING, COMPLETE, FAILED = "running", "complete", "failed"
STATUSES = (RUNNING, COMPLETE, FAILED)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(26), primary_key=True),
    sa.Column("created", sa.String(32), nullable=False, index=True),  # ISO 8601 UTC
    sa.Column("finished", sa.String(32)),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("error", sa.Text),
    sa.Column("command", sa.String(32), nullable=False, index=True),
    sa.Column("settings", sa.JSON, nullable=False),  # the analysis call, replayable
    sa.Column("execution", sa.JSON, nullable=False),  # workers, executor: not in the result
    sa.Column("kingmaker_version", sa.String(32), nullable=False),
    sa.Column("scenario_id", sa.String(200), nullable=False, index=True),
    sa.Column("scenario_title", sa.Text, nullable=False),
    sa.Column("scenario_hash", sa.String(64), nullable=False),
    sa.Column("scenario_document", sa.JSON),  # None for a dataset target (deu3)
    sa.Column("result", sa.JSON),  # the record's to_dict(), once complete
    sa.Column("headline", sa.JSON),  # {model: {issue: forecast}} for listings
    sa.Column("wall_time", sa.Float),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
)

run_blobs = sa.Table(
    "run_blobs",
    metadata,
    sa.Column("run_id", sa.String(26), sa.ForeignKey("runs.id"), primary_key=True),
    sa.Column("name", sa.String(100), primary_key=True),  # "arrays", "report.html", ...
    sa.Column("media_type", sa.String(100), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),  # bytes before compression
    sa.Column("data", sa.LargeBinary, nullable=False),
)


#: Where a scenario version came from.
ORIGINS = ("upload", "path", "edit")

scenario_versions = sa.Table(
    "scenario_versions",
    metadata,
    sa.Column("id", sa.String(26), primary_key=True),
    sa.Column("created", sa.String(32), nullable=False),
    sa.Column("scenario_id", sa.String(200), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("scenario_hash", sa.String(64), nullable=False),
    sa.Column("parent", sa.String(200)),  # a version id or an embedded scenario's name
    sa.Column("origin", sa.String(16), nullable=False),  # one of ORIGINS
    sa.Column("note", sa.Text),
    sa.Column("changes", sa.JSON),  # the edits that made it from its parent
    sa.Column("document", sa.JSON, nullable=False),
)
