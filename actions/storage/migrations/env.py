"""Alembic's entry point: migrations run on the connection `actions.storage.database`
hands over, never from alembic.ini (the URL comes from the environment)."""

from __future__ import annotations

from alembic import context

from actions.storage.schema import metadata

connection = context.config.attributes["connection"]
# Batch mode: SQLite alters a table by copying it.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
