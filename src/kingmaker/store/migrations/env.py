"""Alembic environment of the run store: migrations run on the connection the store opened
(``config.attributes["connection"]``), inside its transaction; never from a config file."""

from __future__ import annotations

from alembic import context

from kingmaker.store.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
