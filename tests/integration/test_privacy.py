"""Retention: `privacy purge` anonymises quiet residents and old closed tickets, keeps statistics."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from sqlmodel import select

from bot.cli import main
from bot.dialogue.events import Incoming, Kind
from bot.service.privacy import ANONYMISED, purge
from storage.enums import TicketStatus
from storage.models import AuditEntry, OutboxMessage, Resident, Ticket, TicketEvent
from storage.repositories.privacy import audit_entries
from tests.hostile.snapshot import ALL_TABLES, snapshot

if TYPE_CHECKING:
    from tests.integration.conftest import MakeTicket, World

PHONE, NAME, NOTE = "13812345678", "王秀英", "已约谈王秀英，后街12号门口清理完毕"
COMPLAINT = "我叫王秀英，电话13812345678，后街12号门口垃圾桶满了好几天没人清理"
YEAR_LATER = datetime(2027, 12, 31, tzinfo=UTC)


def closed_loop(world: World) -> None:
    """A resident with a name, phone, location and photo reports; staff resolve; 5 stars."""
    staff = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    resident._handle(Incoming(Kind.COMMAND, 1001, 1001, text="/start", display_name=NAME))
    resident.press("同意")
    resident.press("商户")
    resident.say("后街12号")
    resident.share_contact(PHONE)
    resident._handle(Incoming(Kind.LOCATION, 1001, 1001, latitude=39.94123, longitude=116.39456))
    resident.send_photo("AgACAgIAAxkBAAIBphoto", COMPLAINT)
    resident.press("对，提交")
    world.deliver_all()
    staff.press("签收")
    staff.press("办结")
    staff.say(NOTE)
    world.deliver_all()
    resident.press("解决了")
    resident.press("5")


def purge_at(world: World, now: datetime, days: int = 365) -> dict[str, int]:
    with world.app.uow_factory() as uow:
        report = purge(uow.session, now=now, older_than=timedelta(days=days))
        uow.commit()
    return report.as_dict()


def personal(picture: dict[str, Any]) -> list[str]:
    """Personal strings anywhere in a snapshot."""
    dumped = json.dumps(picture, ensure_ascii=False, default=str)
    needles = [PHONE, NAME, "后街12号", "39.94123", "AgACAgIAAxkBAAIBphoto", "垃圾桶满了"]
    return [needle for needle in needles if needle in dumped]


def test_a_purge_erases_the_person_and_keeps_the_statistics(world: World) -> None:
    closed_loop(world)
    before = world.tickets()[0]
    assert personal(snapshot(world.app.uow_factory, ALL_TABLES))  # the test data is really there
    report = purge_at(world, YEAR_LATER)
    # two residents: the reporter, and the row the staff chat had before it sent /join
    assert report["residents"] == 2 and report["tickets"] == 1 and report["events"] == 1
    ticket = world.tickets()[0]
    assert (ticket.text, ticket.photo_file_ids, ticket.latitude) == (ANONYMISED, [], None)
    assert ticket.resolution_note == ANONYMISED and ticket.anonymised_at is not None
    kept = ("category", "grid_id", "status", "rating", "solved", "created_at", "closed_at")
    assert [getattr(ticket, k) for k in kept] == [getattr(before, k) for k in kept]
    resident = world.one(Resident, Resident.id == ticket.reporter_id)
    assert resident.residence_type == "merchant" and resident.grid_id is not None  # type: ignore[attr-defined]
    assert resident.chat_id < 0  # type: ignore[attr-defined]
    assert personal(snapshot(world.app.uow_factory, ALL_TABLES)) == []
    assigned = world.one(TicketEvent, TicketEvent.kind == "assigned")
    assert assigned.details["reason"]  # type: ignore[attr-defined]  # rules are not personal


def test_a_purge_runs_once_a_dry_run_never(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    closed_loop(world)
    first = purge_at(world, YEAR_LATER)
    picture = snapshot(world.app.uow_factory)
    again = purge_at(world, YEAR_LATER + timedelta(days=1))
    assert snapshot(world.app.uow_factory) == picture
    assert set(again.values()) == {0} and set(first.values()) != {0}
    with world.app.uow_factory() as uow:
        entries = audit_entries(uow.session, action_prefix="privacy.purge")
        assert [e.details["tickets"] for e in entries] == [1, 0]
        assert all(e.actor == "cli" and "cutoff" in e.details for e in entries)


def test_recent_and_open_tickets_and_their_reporters_are_kept(world: World) -> None:
    closed_loop(world)
    other = world.chat(1002)
    world.submit(other, "路灯坏了一个月了，晚上很黑")
    report = purge_at(world, world.now + timedelta(days=300), days=365)
    assert report["tickets"] == 0 and report["residents"] == 0
    report = purge_at(world, YEAR_LATER, days=365)
    assert report == {**report, "tickets": 1, "residents": 2}
    open_ticket = world.tickets()[1]
    assert open_ticket.status == TicketStatus.ASSIGNED and "路灯" in open_ticket.text
    assert world.one(Resident, Resident.chat_id == 1002) is not None


def test_a_forgotten_person_writing_again_starts_afresh(world: World) -> None:
    closed_loop(world)
    purge_at(world, YEAR_LATER)
    again = world.chat(1001)
    again.say("/my")
    assert "还没有反映过问题" in again.last  # the old tickets are no longer theirs
    again.say("楼道灯又坏了")
    assert "同意后开始使用" in again.last  # a new resident: consent first
    new = world.one(Resident, Resident.chat_id == 1001)
    assert new.anonymised_at is None and new.id != world.tickets()[0].reporter_id  # type: ignore[attr-defined]


def test_the_command_line_purge_uses_the_retention_of_the_community_file(
    world: World, make_ticket: MakeTicket, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    long_ago = datetime.now(UTC) - timedelta(days=366)
    with world.app.uow_factory() as uow:
        for days in (0, 300):  # closed 366 and 66 days ago: only the first is past 365 days
            at = long_ago + timedelta(days=days)
            make_ticket(uow.session, status=TicketStatus.CLOSED, closed_at=at, text=COMPLAINT)
        uow.commit()
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", world.app.settings.database_url)
    assert main(["privacy", "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "older than 365 days" in out and "tickets: 1" in out and "nothing was changed" in out
    assert [t.text for t in world.tickets()] == [COMPLAINT, COMPLAINT]
    assert main(["privacy", "purge", "--older-than", "30"]) == 0
    assert "tickets: 2" in capsys.readouterr().out
    assert {t.text for t in world.tickets()} == {ANONYMISED}
    assert main(["privacy", "purge", "--older-than", "0"]) == 2
    with world.app.uow_factory() as uow:
        assert len(list(uow.session.exec(select(AuditEntry)))) == 1


def test_messages_still_to_be_sent_are_not_erased(world: World) -> None:
    closed_loop(world)
    with world.app.uow_factory() as uow:
        pending = uow.session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending"))
        waiting = [m.text for m in pending]
    purge_at(world, YEAR_LATER)
    with world.app.uow_factory() as uow:
        pending = uow.session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending"))
        assert [m.text for m in pending] == waiting


def test_every_ticket_counted_by_the_purge_is_marked(world: World) -> None:
    closed_loop(world)
    purge_at(world, YEAR_LATER)
    with world.app.uow_factory() as uow:
        rows = list(uow.session.exec(select(Ticket).where(Ticket.anonymised_at.is_not(None))))  # type: ignore[union-attr]
    assert len(rows) == 1
