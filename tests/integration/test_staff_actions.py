"""Staff actions beyond the happy path, photos and contacts, invites and re-routing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.service.rerouting import reroute_open_tickets
from storage.enums import TicketStatus
from storage.models import Grid, LabelledExample, Resident, StaffMember, TicketEvent

if TYPE_CHECKING:
    from tests.integration.conftest import World


def staff_id(world: World, name: str) -> int:
    return world.one(StaffMember, StaffMember.name == name).id  # type: ignore[attr-defined,no-any-return]


def test_an_extension_is_asked_of_the_grid_leader_and_moves_the_deadline(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    leader = world.staff("刘志强", 5003)
    world.submit(world.chat(1001))
    before = world.tickets()[0].resolve_due_at
    assignee.press("延期")
    world.deliver_all()
    assert "申请 F-000001 延期" in leader.last
    assignee.press_data(leader.button("同意延期"))
    assert assignee.answers[-1] == "不能操作"  # only the leader may approve
    leader.press("同意延期")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert before is not None and ticket.resolve_due_at is not None
    assert ticket.resolve_due_at > before
    assert "延期已同意" in assignee.last


def test_escalation_goes_to_the_leader_and_tells_the_resident(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    leader = world.staff("刘志强", 5003)
    resident = world.chat(1001)
    world.submit(resident)
    assignee.press("上报")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert ticket.status == TicketStatus.ESCALATED and ticket.escalation_level == 1
    assert ticket.assignee_id == staff_id(world, "刘志强")
    assert "【上报】" in leader.last and "上报" in resident.last


def test_a_button_from_an_old_message_after_reassignment_is_refused(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    world.staff("刘志强", 5003)
    world.submit(world.chat(1001))
    old_accept = assignee.button("签收")
    assignee.press("上报")
    assignee.press_data(old_accept)
    assert assignee.answers[-1] == "不能操作"
    assert world.tickets()[0].status == TicketStatus.ESCALATED


def test_a_photo_without_caption_waits_for_the_words(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)
    resident.send_photo("photo-123")
    assert "照片已收到" in resident.last
    resident.say("路灯坏了好几天")
    resident.press("对，提交")
    assert world.tickets()[0].photo_file_ids == ["photo-123"]


def test_a_shared_phone_is_kept_and_shown_to_the_assignee(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    world.onboard(resident)
    resident.share_contact("13800138000")
    assert "电话已保存" in resident.last
    assert world.one(Resident, Resident.chat_id == 1001).phone == "13800138000"  # type: ignore[attr-defined]
    resident.say("垃圾桶满了没人清理")
    resident.press("对，提交")
    world.deliver_all()
    assert "13800138000" in assignee.last


def test_anonymous_reports_hide_the_reporter_from_staff(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("垃圾桶满了没人清理")
    resident.press("匿名提交")
    world.deliver_all()
    assert "反映人：匿名" in assignee.last and "后街12号" not in assignee.last


def test_the_chair_invites_a_member_from_the_chat(world: World) -> None:
    chair = world.staff("田淑芬", 5009)
    chair.say("/invite 唐建军")
    code = chair.last.split("：")[1].split("（")[0]
    newcomer = world.chat(7777)
    newcomer.say(f"/join {code}")
    assert "绑定成功：唐建军" in newcomer.last
    again = world.chat(7778)
    again.say(f"/join {code}")
    assert "邀请码无效" in again.last


def test_residents_cannot_invite(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)
    resident.say("/invite 唐建军")
    assert "只对网格工作人员开放" in resident.last


def test_open_tickets_of_a_member_who_left_are_rerouted(world: World) -> None:
    world.staff("胡淑珍", 5001)
    leader = world.staff("刘志强", 5003)
    world.submit(world.chat(1001))
    with world.app.uow_factory() as uow:
        member = uow.session.get(StaffMember, staff_id(world, "胡淑珍"))
        assert member is not None
        member.active = False
        uow.commit()
    summary = reroute_open_tickets(
        world.app.uow_factory(), [staff_id(world, "胡淑珍")], world.app.community, world.now
    )
    assert "F-000001" in summary
    world.deliver_all()
    assert world.tickets()[0].assignee_id == staff_id(world, "刘志强")
    assert "新任务 F-000001" in leader.last
    assert world.one(TicketEvent, TicketEvent.kind == "reassign") is not None


def test_staff_recategorise_reroutes_and_store_a_labelled_example(world: World) -> None:
    committee = world.staff("胡淑珍", 5001)
    police = world.staff("唐建军", 5004)
    resident = world.chat(1001)
    world.submit(resident)
    committee.press("改类别")
    committee.press("治安")
    world.deliver_all()
    ticket = world.tickets()[0]
    assert ticket.category == "public_security"
    assert ticket.assignee_id == staff_id(world, "唐建军")
    assert "新任务 F-000001" in police.last and "改为治安" in committee.last
    example = world.one(LabelledExample, LabelledExample.source == "staff")
    assert example.label == "public_security"  # type: ignore[attr-defined]
    resident_sees = [m.text for m in resident.inbox]
    assert any("已派单" in text for text in resident_sees)


def test_a_resident_cannot_recategorise(world: World) -> None:
    world.staff("胡淑珍", 5001)
    resident = world.chat(1001)
    world.submit(resident)
    ticket_id = world.tickets()[0].id
    resident.press_data(f"t:recategorise:{ticket_id}:noise")
    resident.press_data(f"t:recategorise:{ticket_id}")
    assert resident.answers[-2:] == ["不能操作", "不能操作"]
    assert world.tickets()[0].category == "environment"


def test_a_complaint_naming_a_place_of_another_grid_goes_there(world: World) -> None:
    resident = world.chat(1001)
    world.onboard(resident)  # lives in 后街东网格
    resident.say("钟楼巷3号门口的垃圾桶满了没人清理")
    resident.press("对，提交")
    ticket = world.tickets()[0]
    grid = world.one(Grid, Grid.id == ticket.grid_id)
    assert grid.name == "钟楼网格"  # type: ignore[attr-defined]
    assert ticket.place
