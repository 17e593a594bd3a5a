"""Engine and session set-up: SQLite (WAL, one writer at a time) or PostgreSQL by URL."""

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session

_WAIT_FOR_LOCK: ContextVar[bool] = ContextVar("wait_for_sqlite_lock", default=True)

DEFAULT_DATABASE_URL = "sqlite:///gridvoice.db"
DATABASE_URL_ENV = "GRIDVOICE_DATABASE_URL"


def default_database_url() -> str:
    """`GRIDVOICE_DATABASE_URL` if set, else the local SQLite file."""
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL


def make_engine(url: str, *, busy_timeout_ms: int = 10_000, echo: bool = False) -> Engine:
    """Create an engine for `url`; SQLite gets its pragmas and `BEGIN IMMEDIATE`."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return sa.create_engine(parsed, pool_pre_ping=True, echo=echo, hide_parameters=True)
    memory = parsed.database in (None, "", ":memory:")
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if memory:
        kwargs["poolclass"] = StaticPool  # one shared connection, or each would be empty
    else:
        Path(parsed.database or "").expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(parsed, echo=echo, hide_parameters=True, **kwargs)
    _configure_sqlite(engine, busy_timeout_ms=busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, *, busy_timeout_ms: int) -> None:
    """Apply the pragmas on connect and take the write lock at the start of each transaction."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (the documented pysqlite recipe).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # IMMEDIATE: take the write lock now, so two writers never deadlock on upgrade.
        if _WAIT_FOR_LOCK.get():
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        # Without waiting: "database is locked" at once if another writer holds the lock. Once
        # held, nothing else in a WAL transaction waits, so the patience is restored at once.
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA busy_timeout=0")
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        finally:
            driver.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")


@contextmanager
def without_waiting_for_lock() -> Iterator[None]:
    """Transactions begun inside fail at once with "database is locked" when another writer
    holds SQLite's write lock, instead of waiting for it (for work on an event loop, which must
    never block). No effect on PostgreSQL."""
    token = _WAIT_FOR_LOCK.set(False)
    try:
        yield
    finally:
        _WAIT_FOR_LOCK.reset(token)


def session_factory(engine: Engine) -> Callable[[], Session]:
    """A callable returning new sessions whose objects stay usable after commit."""

    def make_session() -> Session:
        return Session(engine, expire_on_commit=False)

    return make_session
