"""Reminders by the clock: the ladder, coalescing after downtime, quiet hours, two sweepers."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.service.reminders import Reminder, sweep
from storage.enums import TicketStatus
from storage.models import TicketEvent

if TYPE_CHECKING:
    from tests.integration.conftest import World

BEIJING = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=BEIJING)


def run_sweep(world: World, now: datetime) -> list[Reminder]:
    with world.app.uow_factory() as uow:
        taken = sweep(uow.session, world.app.services, now=now)
        uow.commit()
    return taken


def reminded(world: World) -> list[str]:
    with world.app.uow_factory() as uow:
        events = uow.session.exec(select(TicketEvent).where(TicketEvent.kind == "reminded"))
        return [e.details["step"] for e in events]


def test_the_ladder_reminds_then_escalates_and_never_twice(world: World) -> None:
    world.staff("胡淑珍", 5001)
    world.submit(world.chat(1001))  # Friday 10:00: sign-off due 15:30 (4 working hours, lunch)
    assert world.tickets()[0].signoff_due_at == at(27, 15, 30)
    assert run_sweep(world, at(27, 14, 0)) == []
    assert [r.step for r in run_sweep(world, at(27, 14, 31))] == ["before"]
    assert run_sweep(world, at(27, 14, 32)) == []
    assert [r.step for r in run_sweep(world, at(27, 15, 31))] == ["overdue"]
    leader = run_sweep(world, at(27, 16, 31))
    assert [(r.recipient, r.step) for r in leader] == [("刘志强", "leader")]
    assert reminded(world) == ["before", "overdue", "leader"]


def test_after_downtime_missed_steps_are_coalesced_into_one(world: World) -> None:
    world.submit(world.chat(1001))
    taken = run_sweep(world, at(27, 17, 45))  # every step of the ladder has passed
    assert [r.step for r in taken] == ["chair"]
    assert run_sweep(world, at(27, 17, 50)) == []


def test_quiet_hours_hold_normal_reminders_until_morning(world: World) -> None:
    world.submit(world.chat(1001))
    assert run_sweep(world, at(27, 23, 0)) == []
    held = world.tickets()[0].next_reminder_at
    assert held is not None and held.astimezone(BEIJING) == at(28, 7, 0)


def test_urgent_reminders_ignore_quiet_hours(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("楼道着火了！快来人")  # urgent: sign-off in 30 minutes on the wall clock
    due = world.tickets()[0].signoff_due_at
    assert due is not None
    assert [r.step for r in run_sweep(world, due + timedelta(minutes=1))] == ["overdue"]


def test_accepting_moves_the_reminders_to_the_resolution_clock(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    world.submit(world.chat(1001))
    assignee.press("签收")
    ticket = world.tickets()[0]
    assert ticket.reminder_clock == "resolution" and ticket.reminder_step == 0
    assert (
        ticket.resolve_due_at is not None
        and ticket.next_reminder_at == ticket.resolve_due_at - timedelta(hours=1)
    )


def test_resolved_tickets_nobody_rates_are_closed_after_three_days(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    world.submit(resident)
    assignee.press("签收")
    assignee.press("办结")
    assignee.say("已处理")
    resolved = world.tickets()[0].resolved_at
    assert resolved is not None
    assert run_sweep(world, resolved + timedelta(days=2)) == []
    assert [r.step for r in run_sweep(world, resolved + timedelta(days=3, minutes=1))] == ["close"]
    assert world.tickets()[0].status == TicketStatus.CLOSED


def test_two_concurrent_sweepers_send_each_step_once(world: World) -> None:
    for n in range(6):
        world.submit(world.chat(2000 + n))
    results: list[list[Reminder]] = [[], []]

    def sweeper(slot: int) -> None:
        for minute in range(31, 36):
            results[slot].extend(run_sweep(world, at(27, 14, minute)))

    threads = [threading.Thread(target=sweeper, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    steps = sorted((r.code, r.step) for r in results[0] + results[1])
    assert len(steps) == 6 and len(set(steps)) == 6
    assert sorted(reminded(world)) == ["before"] * 6


def test_the_command_line_sweeps_as_of_a_time_and_dry_runs_change_nothing(
    world: World, database_url: str, monkeypatch: object, capsys: object
) -> None:
    import pytest

    from bot.cli import main

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", database_url)
    world.submit(world.chat(1001))
    when = at(27, 14, 31).isoformat()
    assert main(["reminders", "sweep", "--now", when, "--dry-run"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "胡淑珍\tF-000001\tbefore" in out
    assert reminded(world) == []
    assert main(["reminders", "sweep", "--now", when]) == 0
    assert reminded(world) == ["before"]
    assert main(["reminders", "due", "--within", "24h"]) == 0
    assert "F-000001" in capsys.readouterr().out  # type: ignore[attr-defined]


def test_a_week_after_closing_only_the_chair_can_reopen(world: World) -> None:
    from bot.domain.lifecycle import Action
    from bot.domain.permissions import Actor, ActorRole
    from bot.service.actions import act
    from bot.service.context import Mailer
    from storage.models import Ticket

    world.submit(world.chat(1001))
    with world.app.uow_factory() as uow:
        ticket = uow.session.exec(select(Ticket)).one()
        ticket.status, ticket.closed_at = TicketStatus.CLOSED, world.now - timedelta(days=8)
        mailer = Mailer(uow.session, world.now)
        resident = Actor(ActorRole.RESIDENT, ticket.reporter_id)
        refused = act(
            mailer, world.app.services, actor=resident, ticket=ticket, action=Action.REOPEN
        )
        assert not refused.ok and refused.reason == "too_late"
        chair = Actor(ActorRole.CHAIR, None)
        assert act(mailer, world.app.services, actor=chair, ticket=ticket, action=Action.REOPEN).ok


def test_the_daily_digest_goes_once_to_the_chair_and_each_leader(world: World) -> None:
    from bot.service.digests import send_digest

    chair = world.staff("田淑芬", 5009)
    leader = world.staff("刘志强", 5003)
    world.submit(world.chat(1001))  # 后街东网格, sign-off due 15:30
    morning = at(30, 9, 0)  # Monday: the Friday ticket is overdue
    with world.app.uow_factory() as uow:
        assert send_digest(uow.session, world.app.services, now=morning, weekly=False) > 0
        assert send_digest(uow.session, world.app.services, now=morning, weekly=False) == 0
        uow.commit()
    world.deliver_all(now=morning)
    assert (
        "每日简报" in chair.last
        and "后街东网格：超时 1" in chair.last
        and "合计：超时 1" in chair.last
    )
    assert "后街东网格：超时 1" in leader.last


def test_asking_the_resident_pauses_the_clocks_until_they_answer(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    world.submit(resident)
    before = world.tickets()[0].signoff_due_at
    assignee.press("问居民")
    assignee.say("具体是几号楼门口？")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert ticket.paused_at is not None and ticket.next_reminder_at is None
    assert "具体是几号楼门口" in resident.last
    assert run_sweep(world, at(27, 16, 0)) == []  # past the sign-off time, but paused
    with world.app.uow_factory() as uow:  # the resident answers two hours later
        world.app.services.clock = lambda: world.now + timedelta(hours=2)
        uow.commit()
    resident.press("回复")
    resident.say("5号楼")
    world.deliver_all(now=world.now + timedelta(hours=2))
    ticket = world.tickets()[0]
    assert ticket.paused_at is None and before is not None
    assert ticket.signoff_due_at == before + timedelta(hours=2)
    assert "5号楼" in assignee.last and ticket.next_reminder_at is not None
    resident.press_data(f"t:provide_info:{ticket.id}")
    assert resident.answers[-1] == "已处理"


def test_a_sweep_that_dies_halfway_records_nothing_and_the_next_one_sends_everything_once(
    world: World, monkeypatch: object
) -> None:
    import pytest

    from bot.service import context

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    for n in range(4):
        world.submit(world.chat(2000 + n))
    real_send = context.Mailer.send
    calls = {"n": 0}

    def dying_send(self: context.Mailer, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("killed mid-sweep")
        real_send(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(context.Mailer, "send", dying_send)
    with pytest.raises(RuntimeError):
        run_sweep(world, at(27, 14, 31))
    assert reminded(world) == []
    monkeypatch.setattr(context.Mailer, "send", real_send)
    assert len(run_sweep(world, at(27, 14, 31))) == 4
    assert run_sweep(world, at(27, 14, 32)) == []
    assert reminded(world) == ["before"] * 4


def test_an_enquiry_gets_the_shorter_enquiry_clock(world: World) -> None:
    from storage.enums import TicketKind

    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("请问低保怎么申请？")
    resident.press("对，提交")
    ticket = world.tickets()[0]
    assert ticket.kind == TicketKind.ENQUIRY
    assert ticket.resolve_due_at is not None
    assert ticket.resolve_due_at.astimezone(BEIJING) == at(27, 10, 0) + timedelta(
        days=4
    )  # 2 working days: Tue
