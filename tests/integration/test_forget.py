"""/forget: a resident asks, the chair confirms or declines; nobody else can decide."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.service.privacy import ANONYMISED, purge
from storage.enums import TicketStatus
from storage.models import Resident
from storage.repositories.privacy import audit_entries
from tests.hostile.snapshot import snapshot

if TYPE_CHECKING:
    from tests.integration.conftest import Chat, World


def two_reports(world: World) -> tuple[Chat, Chat, Chat]:
    """Resident 1001 has a closed ticket and an open one; returns resident, assignee, chair."""
    staff = world.staff("胡淑珍", 5001)
    chair = world.staff("田淑芬", 5009)
    resident = world.chat(1001)
    world.submit(resident, "后街12号门口垃圾桶满了没人清理")
    staff.press("签收")
    staff.press("办结")
    staff.say("已清理")
    world.deliver_all()
    resident.press("解决了")
    resident.say("楼下烧烤店油烟太大，窗户都不敢开")
    resident.press("对，提交")
    world.deliver_all()
    return resident, staff, chair


def ask_to_be_forgotten(world: World, resident: Chat) -> None:
    resident.say("/forget")
    assert "需要居委会主任确认" in resident.last
    resident.press("确定删除")
    assert "已提交删除申请" in resident.last
    world.deliver_all()


def test_the_chair_confirms_and_the_resident_is_forgotten(world: World) -> None:
    resident, staff, chair = two_reports(world)
    ask_to_be_forgotten(world, resident)
    assert "申请删除个人信息" in chair.last and "其中 1 个未关闭" in chair.last
    chair.press("同意删除")
    world.deliver_all()
    assert "已经删除" in resident.last and "已删除居民" in chair.last
    closed, still_open = world.tickets()
    assert closed.text == ANONYMISED and closed.status == TicketStatus.CLOSED
    assert still_open.status == TicketStatus.ASSIGNED and "油烟" in still_open.text
    assert still_open.reporter_id is None and still_open.anonymous
    with world.app.uow_factory() as uow:
        actions = [e.action for e in audit_entries(uow.session, action_prefix="privacy.")]
    assert actions == ["privacy.forget_requested", "privacy.forget"]
    staff.press("签收")  # the open problem is still handled, anonymously
    assert world.tickets()[1].status == TicketStatus.ACCEPTED


def test_an_open_ticket_of_a_forgotten_resident_is_erased_once_closed(world: World) -> None:
    resident, staff, chair = two_reports(world)
    ask_to_be_forgotten(world, resident)
    chair.press("同意删除")
    staff.press("签收")
    staff.press("办结")
    staff.say("已约谈店主")
    with world.app.uow_factory() as uow:  # nobody can rate it: it closes unrated
        ticket = world.tickets()[1]
        uow.session.get_one(type(ticket), ticket.id).status = TicketStatus.CLOSED
        uow.commit()
    with world.app.uow_factory() as uow:
        report = purge(uow.session, now=world.now, older_than=timedelta(days=365))
        uow.commit()
    assert report.tickets == 1 and world.tickets()[1].text == ANONYMISED


def test_only_the_chair_decides_and_only_once(world: World) -> None:
    resident, staff, chair = two_reports(world)
    leader = world.staff("刘志强", 5010)
    ask_to_be_forgotten(world, resident)
    confirm = chair.button("同意删除")
    stranger = world.chat(1002)
    stranger.say("/help")  # known before the snapshot: a first contact adds a resident row
    before = snapshot(world.app.uow_factory)
    for someone in (resident, staff, leader, stranger):
        someone.press_data(confirm)
        assert someone.answers[-1] == "不能操作"
    chair.press_data(confirm.replace(":ok:", ":ok:9") + "9")
    chair.press_data("fg:ok:")
    chair.press_data("fg:maybe:1")
    assert chair.answers[-3:] == ["不能操作"] * 3
    assert snapshot(world.app.uow_factory) == before
    chair.press_data(confirm)
    after = snapshot(world.app.uow_factory)
    chair.press_data(confirm)
    chair.press_data(confirm.replace(":ok:", ":no:"))
    assert chair.answers[-2:] == ["已处理", "已处理"]
    assert snapshot(world.app.uow_factory) == after


def test_the_chair_may_decline_and_the_resident_is_told(world: World) -> None:
    resident, _, chair = two_reports(world)
    ask_to_be_forgotten(world, resident)
    chair.press("不同意")
    world.deliver_all()
    assert "暂时不能删除" in resident.last
    requested = world.one(Resident, Resident.chat_id == 1001)
    assert requested.forget_requested_at is None and requested.anonymised_at is None  # type: ignore[attr-defined]
    assert "油烟" in world.tickets()[1].text
    chair.press_data(chair.button("同意删除"))
    assert chair.answers[-1] == "已处理"
    resident.say("/forget")
    assert "需要居委会主任确认" in resident.last  # they may ask again


def test_a_resident_may_change_their_mind_and_asks_only_once(world: World) -> None:
    resident = world.chat(1001)
    world.submit(resident)
    resident.say("/forget")
    resident.say("什么意思？")
    assert "请点按钮" in resident.last
    resident.press("不删除")
    assert resident.last == "已取消。"
    resident.press_data("fg:me:yes")  # the old button, after the answer
    assert resident.answers[-1] == "已处理"
    assert world.one(Resident, Resident.chat_id == 1001).forget_requested_at is None  # type: ignore[attr-defined]
    ask_to_be_forgotten(world, resident)
    resident.say("/forget")
    assert "已经申请过了" in resident.last


def test_staff_are_told_to_ask_the_chair(world: World) -> None:
    staff = world.staff("胡淑珍", 5001)
    staff.say("/forget")
    assert "请联系居委会主任" in staff.last
