"""Scenario versions: scenarios an analyst uploaded or edited (in the dashboard), each with
its parent, so the original is never modified and every edit can be traced.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scenario_versions",
        sa.Column("id", sa.String(26), primary_key=True),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("scenario_hash", sa.String(64), nullable=False),
        sa.Column("parent", sa.String(200)),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("changes", sa.JSON),
        sa.Column("document", sa.JSON, nullable=False),
    )
    op.create_index("ix_scenario_versions_scenario_id", "scenario_versions", ["scenario_id"])


def downgrade() -> None:
    op.drop_index("ix_scenario_versions_scenario_id", table_name="scenario_versions")
    op.drop_table("scenario_versions")
