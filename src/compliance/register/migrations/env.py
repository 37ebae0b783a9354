"""Alembic's environment for the register: run on the connection the register hands it
(``database.migrate``), never from an alembic.ini. On PostgreSQL an advisory lock keeps two
processes starting at once from creating the tables twice."""
from __future__ import annotations

from alembic import context
from sqlalchemy import text

from compliance.register.tables import Base

MIGRATION_LOCK = 7_340_012
"""The PostgreSQL advisory lock key held while migrating."""

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
if connection.dialect.name == "postgresql":
    connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
with context.begin_transaction():
    context.run_migrations()
