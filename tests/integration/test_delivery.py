"""The outbox sender: delivers once, obeys 429 exactly, treats 403 as permanent, retries the rest."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from bot.channels.delivery import (
    OutboxSender,
    RateLimiter,
    RetryAfter,
    TransientError,
    Unreachable,
    split_text,
)  # fmt: skip
from bot.service.context import Buttons
from storage.enums import OutboxStatus
from storage.models import OutboxMessage, StaffMember

if TYPE_CHECKING:
    from tests.integration.conftest import World


@dataclass
class FakeTransport:
    """Records sends; fails for the chats and times it is told to."""

    sent: list[tuple[int, str]] = field(default_factory=list)
    failures: dict[int, list[Exception]] = field(default_factory=dict)

    async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, text))


def sender_for(world: World, transport: FakeTransport) -> OutboxSender:
    limiter = RateLimiter(per_chat_interval=0.0)
    return OutboxSender(world.app.uow_factory, transport, world.app.services, limiter=limiter)


def outbox(world: World) -> list[OutboxMessage]:
    with world.app.uow_factory() as uow:
        rows = list(uow.session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
        return rows


def test_every_queued_message_is_delivered_exactly_once(world: World) -> None:
    world.staff("胡淑珍", 5001)
    world.onboard(world.chat(1001))
    transport = FakeTransport()
    sender = sender_for(world, transport)
    delivered = asyncio.run(sender.flush())
    assert delivered == len(outbox(world)) == len(transport.sent)
    assert asyncio.run(sender.flush()) == 0
    assert all(row.status == OutboxStatus.SENT for row in outbox(world))


def test_a_429_reschedules_at_exactly_retry_after_without_counting_an_attempt(world: World) -> None:
    world.chat(1001).say("/start")
    transport = FakeTransport(failures={1001: [RetryAfter(7)]})
    sender = sender_for(world, transport)
    asyncio.run(sender.flush())
    row = outbox(world)[0]
    assert row.status == OutboxStatus.PENDING and row.attempts == 0
    assert row.next_attempt_at == world.now + timedelta(seconds=7)
    assert transport.sent == []


def test_a_403_from_an_assignee_marks_them_unreachable_and_moves_their_tickets(
    world: World,
) -> None:
    world.staff("胡淑珍", 5001)
    world.staff("刘志强", 5003)
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("垃圾桶满了没人清理")
    resident.press("对，提交")
    transport = FakeTransport(
        failures={5001: [Unreachable("Forbidden: bot was blocked by the user")]}
    )
    asyncio.run(sender_for(world, transport).flush())
    member = world.one(StaffMember, StaffMember.name == "胡淑珍")
    assert member.unreachable_since is not None  # type: ignore[attr-defined]
    leader = world.one(StaffMember, StaffMember.name == "刘志强")
    assert world.tickets()[0].assignee_id == leader.id  # type: ignore[attr-defined]
    asyncio.run(sender_for(world, transport).flush())
    assert any(chat == 5003 and "新任务" in text for chat, text in transport.sent)


def test_after_a_403_nothing_more_of_the_batch_goes_to_that_chat(world: World) -> None:
    from storage import repositories as repo

    with world.app.uow_factory() as uow:
        for number in range(3):
            repo.enqueue_message(uow.session, chat_id=1001, text=f"第{number}条", now=world.now)
        repo.enqueue_message(uow.session, chat_id=1002, text="别人的", now=world.now)
        uow.commit()
    attempts: list[int] = []

    class Blocked(FakeTransport):
        async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
            attempts.append(chat_id)
            if chat_id == 1001:
                raise Unreachable("Forbidden: bot was blocked by the user")
            self.sent.append((chat_id, text))

    transport = Blocked()
    asyncio.run(sender_for(world, transport).flush())
    assert attempts.count(1001) == 1 and transport.sent == [(1002, "别人的")]
    statuses = {row.text: row.status for row in outbox(world)}
    assert [statuses[f"第{n}条"] for n in range(3)] == [OutboxStatus.FAILED] * 3


def test_a_slow_chat_holds_up_no_other_and_each_chat_keeps_its_order(world: World) -> None:
    from storage import repositories as repo

    with world.app.uow_factory() as uow:
        for number in range(3):
            repo.enqueue_message(uow.session, chat_id=1001, text=f"慢{number}", now=world.now)
            repo.enqueue_message(uow.session, chat_id=1002, text=f"快{number}", now=world.now)
        uow.commit()

    class SlowForOne(FakeTransport):
        async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
            if chat_id == 1001:
                await asyncio.sleep(0.3)
            self.sent.append((chat_id, text))

    transport = SlowForOne()
    assert asyncio.run(sender_for(world, transport).flush()) == 6
    assert transport.sent[:3] == [(1002, "快0"), (1002, "快1"), (1002, "快2")]
    assert [text for chat, text in transport.sent if chat == 1001] == ["慢0", "慢1", "慢2"]


def test_sending_side_by_side_keeps_to_the_overall_rate(world: World) -> None:
    from storage import repositories as repo

    with world.app.uow_factory() as uow:
        for chat in range(2001, 2026):
            repo.enqueue_message(uow.session, chat_id=chat, text="通知", now=world.now)
        uow.commit()
    times: list[float] = []

    class Timed(FakeTransport):
        async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
            times.append(time.monotonic())
            await asyncio.sleep(0.05)

    limiter = RateLimiter(per_second=10, per_chat_interval=0.0)
    sender = OutboxSender(world.app.uow_factory, Timed(), world.app.services, limiter=limiter)
    assert asyncio.run(sender.flush()) == 25
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= 10


def test_a_message_queued_while_a_round_is_sending_goes_at_once(world: World) -> None:
    from storage import repositories as repo

    def queue(text: str) -> None:
        with world.app.uow_factory() as uow:
            repo.enqueue_message(uow.session, chat_id=1001, text=text, now=world.now)
            uow.commit()

    queue("第一条")
    arrived: dict[str, float] = {}

    class Slow(FakeTransport):
        async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
            if text == "第一条":  # a turn queues the next message while this one is on the wire
                queue("第二条")
                sender.wakeup.set()
                await asyncio.sleep(0.1)
            arrived[text] = time.monotonic()

    sender = sender_for(world, Slow())

    async def run() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(sender.run(stop, idle=30))
        while "第二条" not in arrived and time.monotonic() < started + 10:
            await asyncio.sleep(0.01)
        stop.set()
        await running

    started = time.monotonic()
    asyncio.run(run())
    assert arrived["第二条"] - arrived["第一条"] < 1.0  # not at the next idle round, 30 s on


def test_network_errors_are_retried_later_with_backoff(world: World) -> None:
    world.chat(1001).say("/start")
    transport = FakeTransport(failures={1001: [TransientError("connection reset")]})
    asyncio.run(sender_for(world, transport).flush())
    row = outbox(world)[0]
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at > world.now and "connection reset" in (row.last_error or "")


def test_long_texts_are_split_at_4096_characters() -> None:
    pieces = split_text("啊" * 5000 + "\n" + "好" * 100)
    assert all(len(piece) <= 4096 for piece in pieces)
    assert "".join(pieces).replace("\n", "") == "啊" * 5000 + "好" * 100


@pytest.mark.parametrize("count", [31, 60])
def test_the_limiter_keeps_to_30_per_second_and_one_per_chat(count: int) -> None:
    now = [0.0]
    limiter = RateLimiter(clock=lambda: now[0])
    sent_at = []
    for i in range(count):
        while (wait := limiter.delay_for(i)) > 0:
            now[0] += wait
        limiter.record(i)
        sent_at.append(now[0])
    assert all(sent_at[i + 30] - sent_at[i] >= 1.0 for i in range(count - 30))
    assert limiter.delay_for(0) > 0 or now[0] - sent_at[0] >= 1.0
