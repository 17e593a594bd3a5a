"""One problem, one ticket: the offer to follow, followers' updates and ratings, merge/unmerge."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from sqlmodel import select

from bot.service.duplicates import DuplicatePolicy
from bot.service.reminders import sweep
from bot.settings import Settings
from storage import repositories as repo
from storage.enums import TicketStatus
from storage.models import TicketEvent, TicketFollower

if TYPE_CHECKING:
    from tests.integration.conftest import Chat, World

FIRST = "5号楼门口的垃圾桶满了好几天没人清，臭死了，张阿姨家门口全是苍蝇"
SAME = "五号楼楼下垃圾箱都满出来了，垃圾撒了一地，好几天没人清"


def report(world: World, chat: Chat, complaint: str) -> None:
    """An onboarded resident of 后街12号 sends ``complaint`` (no button pressed yet)."""
    world.onboard(chat)
    chat.say(complaint)


def alice_then_bob(world: World, press: str = "") -> tuple[Chat, Chat]:
    """Alice reports FIRST and confirms; Bob, a neighbour, reports SAME and presses ``press``."""
    alice, bob = world.chat(1001), world.chat(1002)
    world.submit(alice, FIRST)
    report(world, bob, SAME)
    if press:
        bob.press(press)
    return alice, bob


def events(world: World, ticket_id: int) -> list[TicketEvent]:
    with world.app.uow_factory() as uow:
        rows = repo.events_of_ticket(uow.session, ticket_id=ticket_id)
        uow.session.expunge_all()
        return rows


def followers(world: World) -> list[tuple[int, int]]:
    with world.app.uow_factory() as uow:
        rows = uow.session.exec(select(TicketFollower.ticket_id, TicketFollower.resident_id))
        return [(t, r) for t, r in rows]


def test_the_same_problem_is_offered_and_following_makes_no_ticket(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    alice, bob = alice_then_bob(world)
    seen_by_alice = len(alice.inbox)
    assert "已经有人反映" in bob.last and "F-000001（环境卫生，已派单）" in bob.last
    bob.press("关注 F-000001")
    world.deliver_all()
    assert "已关注 F-000001" in bob.last
    assert len(world.tickets()) == 1 and len(followers(world)) == 1
    assert "共1位关注" in assignee.last
    assert len(alice.inbox) == seen_by_alice  # the reporter learns nothing about the follower
    said_to_bob = " ".join(m.text for m in bob.inbox)
    assert "张阿姨" not in said_to_bob and "苍蝇" not in said_to_bob and "商户" not in said_to_bob


def test_reporting_separately_and_other_problems_make_their_own_tickets(world: World) -> None:
    alice_then_bob(world, "对，提交")
    carol = world.chat(1003)
    report(world, carol, "5号楼后面有人养鸽子，鸽子屎落得满窗台都是")
    assert "已经有人反映" not in carol.last
    carol.say("8号楼楼下垃圾桶满了好几天没人收")
    assert "已经有人反映" not in carol.last  # another building is another problem
    assert len(world.tickets()) == 2 and followers(world) == []


def test_a_resident_repeating_their_own_report_is_reminded_of_it(world: World) -> None:
    alice = world.chat(1001)
    world.submit(alice, FIRST)
    alice.say(SAME)
    assert "您已经反映过这个问题：F-000001" in alice.last
    assert all("关注" not in b["text"] for row in alice.inbox[-1].buttons or [] for b in row)


def test_followers_hear_every_change_and_rate_without_changing_the_rating(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    alice, bob = alice_then_bob(world, "关注")
    assignee.press("签收")
    world.deliver_all()
    assert "您关注的问题 F-000001 状态更新：处理中" in bob.last
    assignee.press("办结")
    assignee.say("已清运")
    world.deliver_all()
    assert "已办结：已清运" in bob.last
    bob.press("2")
    bob.press_data(bob.button("2"))
    assert bob.answers[-1] == "已处理"  # one rating per follower
    alice.press("解决了")
    alice.press("5")
    world.deliver_all()
    assert "已关闭" in bob.last
    ticket = world.tickets()[0]
    assert ticket.rating == 5 and ticket.status == TicketStatus.CLOSED
    rated = [e for e in events(world, ticket.id or 0) if e.kind == "follower_rated"]
    assert [e.details["rating"] for e in rated] == [2]
    alice.press_data(bob.button("2"))
    assert alice.answers[-1] == "不能操作"  # follower buttons are only for followers


def test_urgent_reports_are_registered_at_once_and_linked_for_staff(world: World) -> None:
    assignee = world.staff("刘志强", 5003)  # grid leader of 后街东: fire safety falls back to him
    alice, bob = world.chat(1001), world.chat(1002)
    report(world, alice, "楼道里电动车充电着火了，快来人")
    report(world, bob, "楼道着火了！电动车烧起来了")
    world.deliver_all()
    tickets = world.tickets()
    assert len(tickets) == 2 and all(t.urgent for t in tickets)
    assert "F-000002" in bob.last and "已经有人反映" not in " ".join(m.text for m in bob.inbox)
    linked = [e for e in events(world, tickets[1].id or 0) if e.kind == "possible_duplicate"]
    assert linked and linked[0].details["of"] == tickets[0].id
    assert any("/merge F-000002 F-000001" in m.text for m in assignee.inbox)


def test_staff_of_the_grid_merge_and_unmerge_keeping_every_event(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)
    _, bob = alice_then_bob(world, "对，提交")
    assignee.say("/merge f-2 F-000001")
    world.deliver_all()
    assert "已把 F-000002 合并到 F-000001" in assignee.inbox[-2].text + assignee.last
    merged = world.tickets()[1]
    assert merged.status == TicketStatus.CLOSED and merged.duplicate_of_id == world.tickets()[0].id
    assert "和 F-000001 是同一个问题" in bob.last
    assert [t for t, _ in followers(world)] == [world.tickets()[0].id]
    assignee.say("/unmerge F-000002")
    world.deliver_all()
    restored = world.tickets()[1]
    assert restored.status == TicketStatus.ASSIGNED and restored.duplicate_of_id is None
    assert followers(world) == [] and "恢复单独处理" in bob.last
    kinds = [e.kind for e in events(world, restored.id or 0)]
    assert kinds[-2:] == ["merged", "unmerged"]


def test_merging_is_refused_to_other_grids_residents_and_closed_tickets(world: World) -> None:
    outsider = world.staff("韩磊", 5002)  # grid leader of another grid
    chair = world.staff("田淑芬", 5009)
    _, bob = alice_then_bob(world, "对，提交")
    outsider.say("/merge F-000002 F-000001")
    assert outsider.last == "不能操作"
    bob.say("/merge F-000002 F-000001")
    assert "只对网格工作人员开放" in bob.last
    chair.say("/merge F-000002 F-000002")
    assert "不能把问题合并到它自己" in chair.last
    chair.say("/merge F-000002 F-999999")
    assert "没有这个问题编号" in chair.last
    chair.say("/merge F-000002 F-000001")
    chair.say("/merge F-000001 F-000002")
    assert "已经合并过" in chair.last
    assert [t.status for t in world.tickets()] == [TicketStatus.ASSIGNED, TicketStatus.CLOSED]


def test_after_another_category_is_picked_the_offer_is_its_own_question(world: World) -> None:
    _, bob = alice_then_bob(world)
    bob.press("不对")
    bob.press("环境卫生")
    assert "单独提交" in bob.last and "F-000001" in bob.last
    bob.press("单独提交")
    assert len(world.tickets()) == 2


def test_the_window_and_threshold_come_from_the_settings(world: World) -> None:
    settings = Settings(duplicate_window_hours=0, duplicate_threshold=0.5)
    policy = DuplicatePolicy.from_settings(settings)
    assert policy.window == timedelta(0) and policy.threshold == 0.5
    world.app.services.duplicates = policy
    _, bob = alice_then_bob(world)
    assert "已经有人反映" not in bob.last


def test_followers_hear_when_an_overdue_ticket_goes_to_the_leader_or_chair(world: World) -> None:
    world.staff("刘志强", 5002)  # the grid leader and the chair read Telegram
    world.staff("田淑芬", 5003)
    _, bob = alice_then_bob(world, "关注")
    ticket = world.tickets()[0]
    assert ticket.signoff_due_at is not None
    later = ticket.signoff_due_at + timedelta(days=1)  # every step of the ladder has passed
    with world.app.uow_factory() as uow:
        sweep(uow.session, world.app.services, now=later)
        uow.commit()
    world.deliver_all(later)
    assert "您关注的问题 F-000001 已超时" in bob.last
