"""Dialect-specific SQL shared by the repositories."""

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session


def table_of(model: Any) -> sa.Table:
    """The table behind a model: statements on it skip the ORM's per-statement work (for hot
    single-row inserts whose rows the session need not hold)."""
    table = model.__table__
    assert isinstance(table, sa.Table)
    return table


def dialect_of(session: Session) -> str:
    """The name of the session's database dialect ("sqlite", "postgresql")."""
    return session.get_bind().dialect.name


def upsert(session: Session, model: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports ON CONFLICT on the session's dialect."""
    return insert_for(dialect_of(session), model)


def insert_for(name: str, model: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports ON CONFLICT on the dialect called ``name``."""
    if name == "postgresql":
        return postgresql.insert(model)
    if name == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"ON CONFLICT is not supported on {name}")
