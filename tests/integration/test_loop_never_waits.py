"""On embedded SQLite, work on the event loop never waits for the write lock: while another
writer holds it, the work goes to a worker thread and the loop keeps running (sending, reading
429s) meanwhile."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import text
from sqlmodel import select

from bot.bootstrap import App, build
from bot.channels.delivery import OutboxSender
from bot.channels.telegram_common import run_event
from bot.dialogue.events import Incoming, Kind
from bot.settings import Settings
from storage import make_engine, upgrade
from storage.models import Grid, ProcessedUpdate
from storage.unit_of_work import LockTaken, attempt_without_waiting, run_in_transaction, uow_factory
from tests.integration.conftest import CLASSIFIER, FRIDAY_10AM
from tests.integration.test_delivery import FakeTransport

T = TypeVar("T")


class LockHolder:
    """Another writer (a second process, say): holds SQLite's write lock until released."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.held = threading.Event()
        self.release = threading.Event()
        self.released_at = 0.0
        self._thread = threading.Thread(target=self._hold, daemon=True)

    def _hold(self) -> None:
        connection = sqlite3.connect(self.path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        self.held.set()
        self.release.wait(timeout=30)
        self.released_at = time.monotonic()
        connection.execute("ROLLBACK")
        connection.close()

    def __enter__(self) -> LockHolder:
        self._thread.start()
        assert self.held.wait(timeout=10)
        return self

    def __exit__(self, *_: object) -> None:
        self.release.set()
        self._thread.join(timeout=10)


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def test_work_that_must_not_wait_gives_way_at_once_and_patience_comes_back(
    sqlite_url: str,
) -> None:
    engine = make_engine(sqlite_url, busy_timeout_ms=60_000)
    upgrade(engine)
    try:
        make_uow = uow_factory(engine)
        run_in_transaction(make_uow, lambda uow: uow.session.add(Grid(code="G01", name="一")))
        with LockHolder(sqlite_path(sqlite_url)) as holder:
            # Waiting would last until the holder lets go (then succeed): it must give way now.
            threading.Timer(5.0, holder.release.set).start()
            with pytest.raises(LockTaken):
                attempt_without_waiting(
                    make_uow, lambda uow: uow.session.add(Grid(code="G02", name="二"))
                )
            assert not holder.release.is_set()
        # Nothing of the failed attempt was written, and ordinary work waits patiently again.
        with make_uow() as uow:
            assert [g.code for g in uow.session.exec(select(Grid))] == ["G01"]
            assert uow.session.exec(text("PRAGMA busy_timeout")).one()[0] == 60_000  # type: ignore[call-overload]
        assert (
            attempt_without_waiting(make_uow, lambda uow: len(list(uow.session.exec(select(Grid)))))
            == 1
        )
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_app(sqlite_url: str) -> Iterator[App]:
    app = build(Settings(database_url=sqlite_url), channel="telegram", clock=lambda: FRIDAY_10AM,
                classifier=CLASSIFIER)  # fmt: skip
    assert app.engine.turns_on_loop
    yield app
    app.database.dispose()


def test_a_turn_waiting_for_the_lock_leaves_the_event_loop_running(
    sqlite_app: App, sqlite_url: str
) -> None:
    sender = OutboxSender(
        sqlite_app.uow_factory, FakeTransport(), sqlite_app.services, on_loop=True
    )
    event = Incoming(Kind.TEXT, chat_id=1001, user_id=1001, text="你好", update_id=77)
    turn = run_event(sqlite_app.engine, sender, event, answer=None, edit=_no_edit)
    actions, ticks_while_held = while_another_writer_holds_the_lock(sqlite_url, turn)
    assert ticks_while_held >= 10, "the loop stood still while the turn waited for the lock"
    assert actions, "the turn was handled once the lock came free"
    with sqlite_app.uow_factory() as uow:
        assert [u.update_id for u in uow.session.exec(select(ProcessedUpdate))] == [77]


def test_the_outbox_waiting_for_the_lock_leaves_the_event_loop_running(
    sqlite_app: App, sqlite_url: str
) -> None:
    from storage import repositories as repo

    with sqlite_app.uow_factory() as uow:
        repo.enqueue_message(uow.session, chat_id=1001, text="通知", now=FRIDAY_10AM)
        uow.commit()
    transport = FakeTransport()
    sender = OutboxSender(sqlite_app.uow_factory, transport, sqlite_app.services, on_loop=True)
    delivered, ticks_while_held = while_another_writer_holds_the_lock(sqlite_url, sender.flush())
    assert ticks_while_held >= 10, "the loop stood still while the outbox waited for the lock"
    assert delivered == 1 and transport.sent == [(1001, "通知")]


def while_another_writer_holds_the_lock(url: str, work: Coroutine[Any, Any, T]) -> tuple[T, int]:
    """Run ``work`` on an event loop while another writer holds the lock for half a second;
    returns its result and how often a 5-ms ticker on the same loop ran while the lock was held."""
    ticks: list[float] = []

    async def tick() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.005)

    async def scenario(holder: LockHolder) -> T:
        ticking = asyncio.create_task(tick())
        await asyncio.sleep(0.02)
        threading.Timer(0.5, holder.release.set).start()  # not the loop: it may be blocked
        result = await work
        ticking.cancel()
        return result

    with LockHolder(sqlite_path(url)) as holder:
        started = time.monotonic()
        result = asyncio.run(scenario(holder))
    return result, len([t for t in ticks if started + 0.05 < t < holder.released_at])


async def _no_edit(_: object) -> None:
    raise AssertionError("a text turn edits nothing")
