"""The first run store: runs and their blobs.

Revision ID: 0001
Revises:
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("finished", sa.String(32)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("command", sa.String(32), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("execution", sa.JSON, nullable=False),
        sa.Column("kingmaker_version", sa.String(32), nullable=False),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("scenario_title", sa.Text, nullable=False),
        sa.Column("scenario_hash", sa.String(64), nullable=False),
        sa.Column("scenario_document", sa.JSON),
        sa.Column("result", sa.JSON),
        sa.Column("headline", sa.JSON),
        sa.Column("wall_time", sa.Float),
        sa.Column("host", sa.String(255)),
        sa.Column("pid", sa.Integer),
    )
    for column in ("created", "status", "command", "scenario_id"):
        op.create_index(f"ix_runs_{column}", "runs", [column])
    op.create_table(
        "run_blobs",
        sa.Column("run_id", sa.String(26), sa.ForeignKey("runs.id"), primary_key=True),
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("run_blobs")
    op.drop_table("runs")
