"""Where the register lives and how a session on it is opened.

SQLite by default: one file, ``register.sqlite``, in the data folder (``COMPLIANCE_DATA_DIR``,
else ``$XDG_DATA_HOME/compliance``, else ``~/.local/share/compliance``), nothing to install.
PostgreSQL when ``COMPLIANCE_DB`` holds its URL (``postgresql://user@host/db``). Either way
the tables are brought to the newest Alembic migration when the register is first opened.

Writers take turns: on SQLite every transaction begins ``IMMEDIATE`` (the write lock is taken
at its start, not at its first write, so two issuers never both read the same last number);
on PostgreSQL the audit head row is locked ``FOR UPDATE`` (see ``audit.lock_head``).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session

from compliance.errors import UserError

DATABASE_VARIABLE = "COMPLIANCE_DB"
DATA_DIR_VARIABLE = "COMPLIANCE_DATA_DIR"
MIGRATIONS = Path(__file__).parent / "migrations"
WAIT_SECONDS = 60
"""How long a writer waits for another to finish before giving up."""


def data_folder() -> Path:
    """The folder the SQLite register (and the web page's uploads) are kept in."""
    if os.environ.get(DATA_DIR_VARIABLE):
        return Path(os.environ[DATA_DIR_VARIABLE])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "compliance"


def database_url() -> str:
    """``COMPLIANCE_DB`` (a ``postgresql://`` URL is driven by psycopg 3), else the SQLite
    file in the data folder."""
    configured = os.environ.get(DATABASE_VARIABLE, "").strip()
    if not configured:
        return f"sqlite:///{data_folder() / 'register.sqlite'}"
    if configured.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + configured.split("://", 1)[1]
    return configured


def exists() -> bool:
    """Whether there is a register to read: a database is configured, or the SQLite file has
    been made (reading never makes one)."""
    url = make_url(database_url())
    return url.get_backend_name() != "sqlite" or Path(url.database).is_file()


def where() -> str:
    """The register's location as a user may be shown it: the file, or the server without
    its password."""
    url = make_url(database_url())
    return url.database if url.get_backend_name() == "sqlite" else url.render_as_string(hide_password=True)


@cache
def engine_for(url: str) -> Engine:
    """One engine per URL and process, its tables migrated to the newest revision."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise UserError("数据库地址无法识别", field=DATABASE_VARIABLE,
                        valid="postgresql://用户@主机/库名，或不设置（使用 SQLite 文件）") from None
    if parsed.get_backend_name() == "sqlite":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": WAIT_SECONDS})
        _begin_immediately(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    _migrate(engine)
    return engine


def _begin_immediately(engine: Engine) -> None:
    """SQLite transactions that take the write lock when they begin (SQLAlchemy's documented
    recipe: the driver's own transaction handling turned off, ``BEGIN IMMEDIATE`` emitted)."""
    @event.listens_for(engine, "connect")
    def _connect(connection, _record) -> None:
        connection.isolation_level = None
        connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _migrate(engine: Engine) -> None:
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except OperationalError as error:
        raise UserError(f"无法打开登记簿数据库：{error.orig}", file=where(),
                        field=DATABASE_VARIABLE) from None


@contextmanager
def session() -> Iterator[Session]:
    """A session whose transaction commits when the block ends and rolls back on any error; a
    database that cannot be reached or stays locked is reported, not a traceback."""
    try:
        with Session(engine_for(database_url()), expire_on_commit=False) as opened:
            with opened.begin():
                yield opened
    except OperationalError as error:
        raise UserError(f"登记簿数据库无法完成此操作（未作任何改动）：{error.orig}", file=where(),
                        field=DATABASE_VARIABLE) from None
