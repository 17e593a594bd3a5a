"""Delivering the outbox: rate limits, retries, 429 ``retry_after`` and 403 as permanent.

Transport-agnostic: a channel gives a :class:`Transport`; the sender claims due outbox rows,
waits for the rate limiter, sends, and records the result. Claiming and recording happen in
short transactions; the network call happens outside them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Literal, Protocol, TypeVar, runtime_checkable

from bot import texts
from bot.service.context import Buttons, Services
from bot.service.delivery import mark_unreachable
from storage import repositories as repo
from storage.enums import OutboxKind
from storage.models import OutboxMessage
from storage.unit_of_work import (
    LockTaken,
    UnitOfWork,
    attempt_without_waiting,
    run_in_transaction,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_MESSAGE_CHARS = 4096
MAX_CAPTION_CHARS = 1024
FILE_KINDS = frozenset({OutboxKind.PHOTO, OutboxKind.DOCUMENT})


class RetryAfter(Exception):
    """The server asked us to wait ``seconds`` before sending again (HTTP 429)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Unreachable(Exception):
    """The chat refuses messages for good (HTTP 403: blocked, deactivated)."""


class TransientError(Exception):
    """A network error or a server error: try again later."""


class Transport(Protocol):
    """How a channel puts one message on the wire."""

    async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None: ...


@runtime_checkable
class FileTransport(Protocol):
    """A transport that can also upload a photo or a document (with a caption)."""

    async def send_file(
        self, chat_id: int, caption: str, data: bytes, name: str, kind: OutboxKind
    ) -> None: ...


def split_text(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Cut a long text into pieces of at most ``limit`` characters, at line ends when possible."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        cut = cut if cut > limit // 2 else limit
        pieces.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*pieces, text] if text or not pieces else pieces


@dataclass
class RateLimiter:
    """About 30 messages per second overall and one per second per chat (Telegram's limits)."""

    per_second: int = 30
    per_chat_interval: float = 1.0
    clock: Callable[[], float] = time.monotonic
    _recent: deque[float] = field(default_factory=deque)
    _last_by_chat: dict[int, float] = field(default_factory=dict)
    _paused_until: float = 0.0

    def pause(self, seconds: float) -> None:
        """Send nothing for ``seconds`` (after a 429)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    def delay_for(self, chat_id: int) -> float:
        """How long to wait before a message to ``chat_id`` may go (0 when it may go now)."""
        now = self.clock()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        waits = [self._paused_until - now]
        if len(self._recent) >= self.per_second:
            waits.append(1.0 - (now - self._recent[0]))
        last = self._last_by_chat.get(chat_id)
        if last is not None:
            waits.append(self.per_chat_interval - (now - last))
        return max(0.0, *waits)

    def record(self, chat_id: int) -> None:
        now = self.clock()
        self._recent.append(now)
        self._last_by_chat[chat_id] = now
        if len(self._last_by_chat) > 10_000:
            oldest = sorted(self._last_by_chat.items(), key=lambda item: item[1])[:5_000]
            for chat, _ in oldest:
                del self._last_by_chat[chat]


@dataclass
class OutboxSender:
    """Sends what the outbox holds, one claimed batch at a time."""

    uow_factory: Callable[[], UnitOfWork]
    transport: Transport
    services: Services
    limiter: RateLimiter = field(default_factory=RateLimiter)
    batch: int = 50
    concurrency: int = 16
    """Chats sent to side by side (each chat's own messages go one after another)."""
    lease: timedelta = timedelta(seconds=30)
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    on_loop: bool = False
    """Run the short claim and record transactions on the event loop (embedded SQLite: no
    network wait) rather than in a worker thread (see ``telegram_common.run_event``)."""

    def now(self) -> datetime:
        return self.services.clock()

    async def _database(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work`` in a transaction: on the loop if allowed and SQLite's write lock is free
        (never waiting for it), else in a worker thread, retrying while the lock is taken."""
        if self.on_loop:
            try:
                return attempt_without_waiting(self.uow_factory, work)
            except LockTaken:
                pass
        return await asyncio.to_thread(run_in_transaction, self.uow_factory, work)

    async def _claim(self) -> list[OutboxMessage]:
        def claim(uow: UnitOfWork) -> list[OutboxMessage]:
            rows = repo.claim_pending_outbox(
                uow.session, now=self.now(), limit=self.batch, lease=self.lease
            )
            uow.commit()
            return rows

        return await self._database(claim)

    async def _record(self, apply: Callable[[UnitOfWork], object]) -> None:
        def record(uow: UnitOfWork) -> None:
            apply(uow)
            uow.commit()

        await self._database(record)

    async def flush(self) -> int:
        """Send every message that is due now; returns how many were delivered."""
        delivered = 0
        while rows := await self._claim():
            by_chat: dict[int, list[OutboxMessage]] = {}
            for row in rows:
                by_chat.setdefault(row.chat_id, []).append(row)
            gate = asyncio.Semaphore(self.concurrency)
            batches = await asyncio.gather(*(self._deliver_chat(m, gate) for m in by_chat.values()))
            sent = [message_id for batch in batches for message_id in batch]
            if sent:  # one short transaction records the whole batch's deliveries
                await self._record(partial(_sent_many, message_ids=sent, now=self.now()))
            delivered += len(sent)
            if len(rows) < self.batch:
                break
        return delivered

    async def _deliver_chat(self, rows: list[OutboxMessage], gate: asyncio.Semaphore) -> list[int]:
        """One chat's messages in order; chats go side by side, at most :attr:`concurrency` at
        once, so one slow answer holds up no other chat. After a 403 nothing more goes to that
        chat. Returns the ids sent."""
        sent: list[int] = []
        async with gate:
            for row in rows:
                outcome = await self._deliver(row)
                if outcome == "refused":
                    break
                if outcome == "sent":
                    sent.append(row.id or 0)
        return sent

    async def _deliver(self, row: OutboxMessage) -> Literal["sent", "refused", "later"]:
        assert row.id is not None
        message_id, chat_id = row.id, row.chat_id
        record: Callable[[UnitOfWork], object]
        try:
            if row.attachment is not None and row.kind in FILE_KINDS:
                await self._send_file(row)
            else:
                await self._send_text(chat_id, row.text, row.buttons)
        except RetryAfter as exc:
            self.limiter.pause(exc.seconds)
            at, error = self.now() + timedelta(seconds=exc.seconds), str(exc)
            record = partial(_reschedule, message_id=message_id, at=at, error=error)
        except Unreachable as exc:
            log.warning("chat %s refuses messages: %s", chat_id, exc)
            await self._record(partial(self._unreachable, chat_id=chat_id, reason=str(exc)))
            return "refused"
        except Exception as exc:  # network trouble or a server error: retry with backoff
            log.warning("sending outbox message %s failed: %s", message_id, exc)
            error = f"{type(exc).__name__}: {exc}"
            record = partial(_failed, message_id=message_id, error=error, now=self.now())
        else:
            return "sent"  # recorded with the rest of the batch by flush()
        await self._record(record)
        return "later"

    async def _slot(self, chat_id: int) -> None:
        """Wait until the limits let a message go to ``chat_id``, then take that slot at once:
        no await between the check and the booking, so two chats cannot take the same one."""
        while (wait := self.limiter.delay_for(chat_id)) > 0:
            await asyncio.sleep(wait)
        self.limiter.record(chat_id)

    async def _send_text(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
        """Send ``text`` in pieces Telegram accepts; the buttons go with the last piece."""
        pieces = split_text(text)
        for number, piece in enumerate(pieces):
            last = number == len(pieces) - 1
            await self._slot(chat_id)
            await self.transport.send(chat_id, piece, buttons if last else None)

    async def _send_file(self, row: OutboxMessage) -> None:
        """Upload the attachment; a caption too long for one goes after it as a message."""
        assert row.attachment is not None
        name = row.attachment_name or "file"
        if not isinstance(self.transport, FileTransport):
            note = texts.text("file_unsupported", name=name)
            await self._send_text(row.chat_id, f"{row.text}\n{note}".strip(), None)
            return
        caption = row.text if len(row.text) <= MAX_CAPTION_CHARS else ""
        await self._slot(row.chat_id)
        await self.transport.send_file(row.chat_id, caption, row.attachment, name, row.kind)
        if row.text and not caption:
            await self._send_text(row.chat_id, row.text, None)

    def _unreachable(self, uow: UnitOfWork, *, chat_id: int, reason: str) -> None:
        moved = mark_unreachable(
            uow.session, self.services, chat_id=chat_id, now=self.now(), reason=reason
        )
        if moved:
            log.info("re-routed %s after chat %s became unreachable", ", ".join(moved), chat_id)

    async def run(self, stop: asyncio.Event, *, idle: float = 1.0) -> None:
        """Deliver until ``stop`` is set, waking on :attr:`wakeup` or every ``idle`` seconds;
        then deliver what is due one last time."""
        while not stop.is_set():
            self.wakeup.clear()  # before the round: a wake-up during the round is kept
            try:
                await self.flush()
            except Exception:
                log.exception("outbox delivery round failed")
            waiter = asyncio.ensure_future(self.wakeup.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({waiter, stopper}, timeout=idle, return_when=asyncio.FIRST_COMPLETED)
            for task in (waiter, stopper):
                task.cancel()
        await self.flush()


def _sent_many(uow: UnitOfWork, *, message_ids: list[int], now: datetime) -> None:
    repo.mark_sent_many(uow.session, message_ids=message_ids, now=now)


def _failed(uow: UnitOfWork, *, message_id: int, error: str, now: datetime) -> None:
    repo.mark_failed(uow.session, message_id=message_id, error=error, now=now)


def _reschedule(uow: UnitOfWork, *, message_id: int, at: datetime, error: str) -> None:
    repo.reschedule(uow.session, message_id=message_id, at=at, error=error)
