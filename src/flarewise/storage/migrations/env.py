"""Alembic environment: runs on the connection flarewise hands it (see storage/database.py)."""

from alembic import context

from flarewise.storage.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - flarewise always passes a connection
    raise RuntimeError("run migrations through `flarewise db upgrade`")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
