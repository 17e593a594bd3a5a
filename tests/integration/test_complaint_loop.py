"""The whole loop through the dialogue engine on a real database: report → route → act → rate."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from bot.dialogue.events import Incoming, Kind
from storage import repositories as repo
from storage.enums import TicketStatus
from storage.models import LabelledExample, Resident, StaffMember

if TYPE_CHECKING:
    from tests.integration.conftest import World


def test_onboarding_records_consent_residence_type_and_grid(world: World) -> None:
    chat = world.chat(1001)
    world.onboard(chat)
    assert "后街东网格" in chat.last
    resident = world.one(Resident, Resident.chat_id == 1001)
    assert resident.consent_at is not None and resident.residence_type == "merchant"  # type: ignore[attr-defined]
    assert resident.grid_id is not None  # type: ignore[attr-defined]


def test_an_unknown_address_offers_grid_buttons(world: World) -> None:
    chat = world.chat(1002)
    world.onboard(chat, address="火星路99号")
    assert "没找到" in chat.last
    chat.press("钟楼网格")
    assert "钟楼网格" in chat.last


def test_onboarding_resumes_after_a_restart(world: World) -> None:
    world.chat(1003).say("/start")
    world.chat(1003).press("同意")
    chat = world.restarted_chat(1003)
    chat.press("户口在这里")
    assert "住在哪里" in chat.last


def test_the_whole_loop_from_report_to_rating(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)  # committee member of 后街东网格 (G04): environment
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("楼下垃圾桶满了好几天没人清理，臭死了")
    assert "环境卫生" in resident.last
    resident.press("对，提交")
    assert "F-000001" in resident.last and "胡淑珍" in resident.last
    world.deliver_all()
    assert "新任务 F-000001" in assignee.last and "商户" in assignee.last
    assignee.press("签收")
    world.deliver_all()
    assert "处理中" in resident.last
    assignee.press("办结")
    assignee.say("已联系环卫清运")
    world.deliver_all()
    assert "已联系环卫清运" in resident.last
    resident.press("解决了")
    resident.press("5")
    ticket = world.tickets()[0]
    assert ticket.status == TicketStatus.CLOSED and ticket.rating == 5 and ticket.solved
    with world.app.uow_factory() as uow:
        kinds = [e.kind for e in repo.events_of_ticket(uow.session, ticket_id=ticket.id or 0)]
    assert kinds == ["created", "assigned", "accept", "resolve", "confirm", "rate"]


def test_not_solved_reopens_with_the_same_assignee(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    world.submit(resident)
    assignee.press("签收")
    assignee.press("办结")
    assignee.say("处理好了")
    world.deliver_all()
    resident.press("没解决")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert ticket.status == TicketStatus.ASSIGNED and ticket.reopen_count == 1
    assert ticket.assignee_id == world.one(StaffMember, StaffMember.name == "胡淑珍").id  # type: ignore[attr-defined]
    assert "未解决" in assignee.last


def test_a_button_pressed_twice_or_by_the_wrong_person_changes_nothing(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    outsider = world.staff("韩磊", 5002)
    resident = world.chat(1001)
    world.submit(resident)
    accept = assignee.button("签收")
    outsider.press_data(accept)
    assert outsider.answers[-1] == "不能操作"
    resident.press_data(accept)
    assert resident.answers[-1] == "不能操作"
    assignee.press_data(accept)
    assignee.press_data(accept)
    assert assignee.answers[-1] == "已处理"
    resident.press_data("t:accept:99999")
    resident.press_data("garbage\x00bytes")
    assert world.tickets()[0].status == TicketStatus.ACCEPTED


def test_a_redelivered_update_creates_no_second_ticket(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("楼道里有人打架还拿着刀", update_id=77)
    resident.say("楼道里有人打架还拿着刀", update_id=77)
    assert len(world.tickets()) == 1
    assert world.tickets()[0].urgent


def test_urgent_reports_get_emergency_numbers_and_a_ticket_at_once(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("楼道着火了！")
    texts = " ".join(m.text for m in resident.inbox[-2:])
    assert "119" in texts and "F-000001" in texts
    assert world.tickets()[0].signoff_due_at == world.now.replace(minute=30)


def test_unreachable_routing_falls_back_and_tells_the_chair(world: World) -> None:
    chair = world.staff("田淑芬", 5009)
    resident = world.chat(1001)
    world.submit(resident, "我的电动车电瓶昨晚被偷了")
    assert "没有能联系上的人员" in chair.inbox[-1].text or "没有能联系上的人员" in chair.last


def test_correcting_the_category_stores_a_labelled_example(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("垃圾桶满了没人清理")
    resident.press("不对")
    resident.press("市容秩序")
    assert world.tickets()[0].category == "street_order"
    example = world.one(LabelledExample)
    assert example.label == "street_order" and example.previous_label == "environment"  # type: ignore[attr-defined]


def test_two_returns_send_the_ticket_to_the_chair(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    leader = world.staff("刘志强", 5003)
    chair = world.staff("田淑芬", 5009)
    resident = world.chat(1001)
    world.submit(resident)
    assignee.press("退单")
    assignee.say("不归我管")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert ticket.status == TicketStatus.RETURNED and ticket.return_count == 1
    assert "不归我管" in leader.last
    leader.press("重新派单")
    world.deliver_all()
    assert world.tickets()[0].assignee_id != world.one(StaffMember, StaffMember.name == "胡淑珍").id  # type: ignore[attr-defined]
    leader.press("退单")
    leader.say("也不归我")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert ticket.return_count == 2 and ticket.status == TicketStatus.RETURNED
    assert ticket.assignee_id == world.one(StaffMember, StaffMember.name == "田淑芬").id  # type: ignore[attr-defined]
    assert "也不归我" in chair.last


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        (Incoming(Kind.TEXT, 1001, 1001, text=""), "没有收到文字"),
        (Incoming(Kind.TEXT, 1001, 1001, text="   \u200b "), "没有收到文字"),
        (Incoming(Kind.OTHER, 1001, 1001), "只能收文字"),
        (Incoming(Kind.COMMAND, 1001, 1001, text="/frobnicate"), "不认识这个命令"),
    ],
)
def test_bad_input_gets_a_short_clear_reply(world: World, event: Incoming, expected: str) -> None:
    chat = world.chat(1001)
    world.onboard(chat)
    chat._handle(event)
    assert expected in chat.last
    assert world.tickets() == []


def test_ten_thousand_characters_and_emoji_become_a_ticket_without_error(world: World) -> None:
    chat = world.chat(1001)
    world.onboard(chat)
    chat.say("路灯坏了🙏" + "啊" * 10_000)
    chat.press("对，提交")
    assert len(world.tickets()[0].text) == 10_000
    chat.say("😀😀😀")
    assert "选择问题的类型" in chat.last


def test_residents_see_only_their_own_tickets(world: World) -> None:
    alice, bob = world.chat(1001), world.chat(1002)
    world.onboard(alice)
    world.onboard(bob)
    alice.say("垃圾桶满了没人清理")
    alice.press("对，提交")
    bob.say("/my")
    assert "F-000001" not in bob.last
    alice.say("/my")
    assert "F-000001" in alice.last


def test_staff_tasks_list_urgent_first(world: World) -> None:
    police = world.staff("韩磊", 5002)
    resident = world.chat(1001)
    world.onboard(resident, address="钟楼巷3号")
    grid_code = world.one(Resident, Resident.chat_id == 1001)
    assert grid_code is not None
    police.say("/tasks")
    assert "待办" in police.last or "没有待办" in police.last
