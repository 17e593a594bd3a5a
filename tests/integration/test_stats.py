"""Statistics on real databases: the rows they read, /stats in the chat, `gridvoice stats`."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest

from bot import cli
from storage import repositories as repo
from storage.enums import ResidenceType, TicketStatus
from storage.models import Ticket
from storage.repositories.stats import ticket_rows

if TYPE_CHECKING:
    from tests.integration.conftest import World

CHAIR, LEADER_G04, LEADER_G03, MEMBER_G04, RESIDENT = 7001, 7002, 7003, 7004, 1001


def add_tickets(world: World, *specs: dict[str, Any]) -> None:
    """Tickets in 后街东网格 (G04) reported by a migrant merchant, as ``specs`` say."""
    with world.app.uow_factory() as uow:
        grid = repo.grid_by_code(uow.session, code="G04")
        resident = repo.get_or_create_resident(uow.session, chat_id=4242, now=world.now)
        resident.residence_type = ResidenceType.MIGRANT_NO_PERMIT
        for spec in specs:
            values: dict[str, Any] = {
                "category": "noise",
                "text": "太吵了",
                "created_at": world.now,
            }
            values |= {"grid_id": grid.id if grid else None, "reporter_id": resident.id}
            uow.session.add(Ticket(**(values | spec)))
        uow.session.flush()
        uow.commit()


def test_rows_leave_out_merged_duplicates_and_hide_who_reported_anonymously(world: World) -> None:
    add_tickets(world, {}, {"anonymous": True}, {"created_at": world.now - timedelta(days=40)})
    first = world.tickets()[0]
    add_tickets(world, {"duplicate_of_id": first.id})
    with world.app.uow_factory() as uow:
        rows = ticket_rows(uow.session, since=world.now - timedelta(days=30))
        elsewhere = ticket_rows(uow.session, grid_code="G01")
        everything = ticket_rows(uow.session)
    assert [(r.grid_code, r.reporter_type) for r in rows] == [
        ("G04", "migrant_no_permit"),
        ("G04", None),
    ]
    assert len(everything) == 3 and elsewhere == []


def test_the_chair_sees_every_grid_and_who_reports(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    world.submit(world.chat(RESIDENT))  # a merchant in 后街东网格
    chair.say("/stats")
    assert "全社区" in chair.last and "共 1 件" in chair.last
    assert "后街东网格：1件" in chair.last and "鼓楼南网格：0件" in chair.last
    assert "商户/摊主：1件" in chair.last and "本地户籍居民：0件" in chair.last


def test_a_grid_leader_sees_only_their_own_grid(world: World) -> None:
    leader = world.staff("韩磊", LEADER_G03)  # 后街西网格
    world.submit(world.chat(RESIDENT))
    leader.say("/stats")
    assert "后街西网格" in leader.last and "共 0 件" in leader.last
    assert "后街东网格" not in leader.last
    own = world.staff("刘志强", LEADER_G04)
    own.say("/stats 30")
    assert "后街东网格" in own.last and "共 1 件" in own.last and "以来" in own.last


def test_residents_and_grid_members_are_refused_politely(world: World) -> None:
    member = world.staff("胡淑珍", MEMBER_G04)
    resident = world.chat(RESIDENT)
    world.submit(resident)
    for chat in (member, resident):
        chat.say("/stats")
        assert "只对居委会主任和网格长开放" in chat.last


def test_a_bad_period_gets_the_usage(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    chair.say("/stats last week")
    assert "/stats 30" in chair.last


def test_late_and_overdue_tickets_show_in_the_figures(world: World) -> None:
    chair = world.staff("田淑芬", CHAIR)
    earlier = world.now - timedelta(days=2)
    add_tickets(
        world,
        {"status": TicketStatus.ASSIGNED, "created_at": earlier, "signoff_due_at": earlier},
        {
            "status": TicketStatus.CLOSED,
            "created_at": earlier,
            "signoff_due_at": earlier + timedelta(hours=4),
            "accepted_at": earlier + timedelta(hours=1),
            "resolve_due_at": earlier + timedelta(days=1),
            "resolved_at": earlier + timedelta(hours=5),
            "rating": 4,
        },
    )
    chair.say("/stats")
    assert "超时 1" in chair.last and "按时签收 50%" in chair.last and "按时办结 100%" in chair.last
    assert (
        "外来人员（没有居住证）：2件 超时1 按时签收50% 按时办结100% 办结用时5.0小时 满意4.0分"
        in (chair.last)
    )


def test_the_command_line_prints_a_table_or_json(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    world.submit(world.chat(RESIDENT))
    monkeypatch.setenv("GRIDVOICE_DATABASE_URL", world.app.settings.database_url)
    assert cli.main(["stats", "--json", "--since", "2000-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["reports"] == 1 and len(data["by_grid"]) == 11
    merchant = next(g for g in data["by_reporter"] if g["key"] == "merchant")
    assert merchant["reports"] == 1
    assert cli.main(["stats", "--grid", "G04"]) == 0
    out = capsys.readouterr().out
    assert "后街东网格" in out and "鼓楼南网格" not in out and "商户/摊主" in out
    assert cli.main(["stats", "--grid", "G99"]) == 2
    assert "no grid 'G99'" in capsys.readouterr().err
