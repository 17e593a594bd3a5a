"""Several writers: SKIP LOCKED on PostgreSQL, one locked writer at a time on SQLite."""

import threading
import time
from collections.abc import Callable
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from storage import make_engine, run_in_transaction, uow_factory, upgrade
from storage import repositories as repo
from storage.models import Grid
from storage.unit_of_work import UnitOfWork

UowFactory = Callable[[], UnitOfWork]


def test_outbox_claim_on_postgres_never_returns_the_same_row_twice(
    postgres_url: str, now: datetime
) -> None:
    engine = make_engine(postgres_url)
    try:
        upgrade(engine)
        make_uow = uow_factory(engine)
        with make_uow() as uow:
            for n in range(6):
                repo.enqueue_message(uow.session, chat_id=n, text=f"消息{n}", now=now)
            uow.commit()

        with make_uow() as first, make_uow() as second:
            # Fail instead of hanging if the second claim ever waits for the first's locks.
            second.session.connection().exec_driver_sql("SET LOCAL lock_timeout = '2s'")
            mine = repo.claim_pending_outbox(first.session, now=now, limit=4)
            theirs = repo.claim_pending_outbox(second.session, now=now, limit=10)
            first.commit()
            second.commit()
    finally:
        engine.dispose()

    mine_ids = {m.id for m in mine}
    theirs_ids = {m.id for m in theirs}
    assert len(mine_ids) == 4 and len(theirs_ids) == 2
    assert mine_ids.isdisjoint(theirs_ids)


def test_sqlite_wal_mode_and_foreign_keys_are_on(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as connection:
            pragma = connection.exec_driver_sql
            assert pragma("PRAGMA journal_mode").scalar() == "wal"
            assert pragma("PRAGMA foreign_keys").scalar() == 1
            assert pragma("PRAGMA busy_timeout").scalar() == 10_000
            assert pragma("PRAGMA synchronous").scalar() == 1  # NORMAL
    finally:
        engine.dispose()


def test_sqlite_enforces_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            insert = "INSERT INTO ticket_event (ticket_id, at, actor_kind, kind, details) "
            values = "VALUES (999, '2025-01-01', 'system', 'note', '{}')"
            try:
                connection.exec_driver_sql(insert + values)
            except sa.exc.IntegrityError as error:
                assert "FOREIGN KEY" in str(error)
            else:
                raise AssertionError("a dangling foreign key was accepted")
    finally:
        engine.dispose()


def test_a_blocked_sqlite_write_is_retried_until_the_lock_is_released(sqlite_url: str) -> None:
    holder = make_engine(sqlite_url)
    waiter = make_engine(sqlite_url, busy_timeout_ms=50)
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock() -> None:
        with holder.begin() as connection:  # BEGIN IMMEDIATE
            connection.exec_driver_sql(
                "INSERT INTO grid (code, name, active, created_at) "
                "VALUES ('G01', '第一网格', 1, '2025-01-01')"
            )
            locked.set()
            release.wait(timeout=5)

    attempts: list[float] = []

    def add_grid(uow: UnitOfWork) -> None:
        attempts.append(time.monotonic())
        if len(attempts) == 2:
            release.set()  # the holder commits while we back off
        uow.session.add(Grid(code="G02", name="第二网格"))
        uow.session.flush()

    try:
        upgrade(holder)
        thread = threading.Thread(target=hold_the_write_lock)
        thread.start()
        assert locked.wait(timeout=5)
        started = time.monotonic()
        run_in_transaction(uow_factory(waiter), add_grid, attempts=8, base_delay=0.05)
        elapsed = time.monotonic() - started
        thread.join(timeout=5)

        with uow_factory(waiter)() as uow:
            codes = sorted(grid.code for grid in uow.session.exec(select(Grid)))
    finally:
        release.set()
        holder.dispose()
        waiter.dispose()

    assert codes == ["G01", "G02"]
    assert len(attempts) >= 2
    assert elapsed < 2
