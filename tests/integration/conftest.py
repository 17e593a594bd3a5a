"""Fixtures for storage integration tests on real SQLite and PostgreSQL databases."""

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import make_engine, upgrade
from storage.enums import TicketStatus
from storage.models import Ticket
from storage.unit_of_work import UnitOfWork
from storage.unit_of_work import uow_factory as make_uow_factory

POSTGRES_URL_ENV = "GRIDVOICE_TEST_DATABASE_URL"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

MakeTicket = Callable[..., Ticket]


def reset_postgres(url: str) -> None:
    """Drop every table (alembic_version included) of the test database."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file in a not yet existing directory of tmp_path."""
    return f"sqlite:///{tmp_path / 'data' / 'gridvoice.db'}"


@pytest.fixture
def postgres_url() -> str:
    """The emptied PostgreSQL test database, or a skip saying how to enable it."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_ENV} "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each dialect."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    """Fresh units of work on the migrated database."""
    return make_uow_factory(engine)


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware clock reading."""
    return NOW


def _make_ticket(session: Session, **overrides: Any) -> Ticket:
    values: dict[str, Any] = {
        "category": "environment",
        "text": "楼道里堆满了杂物，很久没人清理",
        "status": TicketStatus.ASSIGNED,
        "confidence": 0.9,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    ticket = Ticket(**values)
    session.add(ticket)
    session.flush()
    return ticket


@pytest.fixture
def make_ticket() -> MakeTicket:
    """`make_ticket(session, **overrides)`: a flushed ticket with plausible defaults."""
    return _make_ticket
