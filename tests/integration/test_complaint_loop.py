"""The whole loop through the dialogue engine on a real database: report → route → act → rate."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.bootstrap import App, build
from bot.dialogue.events import Answer, Incoming, Kind, Send
from bot.invites import invite
from bot.settings import Settings
from nlp import Classifier
from storage import repositories as repo
from storage.enums import TicketStatus
from storage.models import LabelledExample, Resident, StaffMember, Ticket

FRIDAY_10AM = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
CLASSIFIER = Classifier()


@dataclass
class Chat:
    """One person's chat with the bot: sends events, remembers the last buttons it got."""

    app: App
    chat_id: int
    inbox: list[Send] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    update_id: int = 0

    def _handle(self, event: Incoming) -> None:
        for action in self.app.engine.handle(event):
            if isinstance(action, Answer):
                self.answers.append(action.text)
            elif isinstance(action, Send) and action.chat_id == self.chat_id:
                self.inbox.append(action)

    def say(self, text: str, kind: Kind = Kind.TEXT, update_id: int | None = None) -> None:
        kind = Kind.COMMAND if text.startswith("/") and kind == Kind.TEXT else kind
        self._handle(Incoming(kind, self.chat_id, self.chat_id, text=text, update_id=update_id))

    def press(self, label: str) -> None:
        data = self.button(label)
        self._handle(Incoming(Kind.BUTTON, self.chat_id, self.chat_id, data=data, message_ref="1"))

    def press_data(self, data: str) -> None:
        self._handle(Incoming(Kind.BUTTON, self.chat_id, self.chat_id, data=data, message_ref="1"))

    def button(self, label: str) -> str:
        for message in reversed(self.inbox):
            for row in message.buttons or []:
                for b in row:
                    if label in b["text"]:
                        return b["data"]
        raise AssertionError(f"no button {label!r} in {[m.text for m in self.inbox[-3:]]}")

    @property
    def last(self) -> str:
        return self.inbox[-1].text if self.inbox else ""

    def sync_inbox(self, actions_from_others: list[Send]) -> None:
        self.inbox.extend(a for a in actions_from_others if a.chat_id == self.chat_id)


@dataclass
class World:
    """An app and every chat in it; messages to anyone are delivered to their Chat."""

    app: App
    chats: dict[int, Chat] = field(default_factory=dict)

    def chat(self, chat_id: int) -> Chat:
        if chat_id not in self.chats:
            self.chats[chat_id] = Chat(self.app, chat_id)
        return self.chats[chat_id]

    def deliver_all(self) -> None:
        """Copy outbox messages to the chats they are for (what a channel would send)."""
        with self.app.uow_factory() as uow:
            rows = repo.claim_pending_outbox(uow.session, now=FRIDAY_10AM, limit=1000)
            for row in rows:
                assert row.id is not None
                self.chat(row.chat_id).inbox.append(
                    Send(row.chat_id, row.text, row.buttons, row.id)
                )
                repo.mark_sent(uow.session, message_id=row.id, now=FRIDAY_10AM)
            uow.commit()

    def staff(self, name: str, chat_id: int) -> Chat:
        """Bind the staff member ``name`` to ``chat_id`` with a one-time invite code."""
        with self.app.uow_factory() as uow:
            member = repo.staff_by_name(uow.session, name=name)[0]
            code = invite(uow.session, member, now=FRIDAY_10AM).code.lower()
            uow.commit()
        chat = self.chat(chat_id)
        chat.say(f"/join {code}")
        assert "绑定成功" in chat.last
        return chat

    def one(self, model: type, *where: object) -> object:
        with self.app.uow_factory() as uow:
            row = uow.session.exec(select(model).where(*where)).one()  # type: ignore[call-overload]
            uow.session.expunge(row)
            return row

    def tickets(self) -> list[Ticket]:
        with self.app.uow_factory() as uow:
            rows = list(uow.session.exec(select(Ticket).order_by(Ticket.id)))
            uow.session.expunge_all()
            return rows


@pytest.fixture
def world(engine: Engine, database_url: str) -> Iterator[World]:
    app = build(Settings(database_url=database_url), channel="test", clock=lambda: FRIDAY_10AM,
                classifier=CLASSIFIER)  # fmt: skip
    yield World(app)
    app.database.dispose()


def onboard(chat: Chat, address: str = "后街12号") -> None:
    chat.say("/start")
    chat.press("同意")
    chat.press("商户")
    chat.say(address)


def submit(world: World, chat: Chat, complaint: str = "垃圾桶满了没人清理") -> None:
    """An onboarded resident reports ``complaint`` and confirms the suggested category."""
    onboard(chat)
    chat.say(complaint)
    chat.press("对，提交")
    world.deliver_all()


def test_onboarding_records_consent_residence_type_and_grid(world: World) -> None:
    chat = world.chat(1001)
    onboard(chat)
    assert "后街东网格" in chat.last
    resident = world.one(Resident, Resident.chat_id == 1001)
    assert resident.consent_at is not None and resident.residence_type == "merchant"  # type: ignore[attr-defined]
    assert resident.grid_id is not None  # type: ignore[attr-defined]


def test_an_unknown_address_offers_grid_buttons(world: World) -> None:
    chat = world.chat(1002)
    onboard(chat, address="火星路99号")
    assert "没找到" in chat.last
    chat.press("钟楼网格")
    assert "钟楼网格" in chat.last


def test_onboarding_resumes_after_a_restart(world: World, database_url: str) -> None:
    world.chat(1003).say("/start")
    world.chat(1003).press("同意")
    restarted = build(Settings(database_url=database_url), channel="test", clock=lambda: FRIDAY_10AM,
                      classifier=CLASSIFIER)  # fmt: skip
    chat = Chat(restarted, 1003, inbox=world.chat(1003).inbox)
    chat.press("户口在这里")
    assert "住在哪里" in chat.last
    restarted.database.dispose()


def test_the_whole_loop_from_report_to_rating(world: World) -> None:
    assignee = world.staff("胡淑珍", 5001)  # committee member of 后街东网格 (G04): environment
    resident = world.chat(1001)
    onboard(resident)
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
    submit(world, resident)
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
    submit(world, resident)
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
    onboard(resident)
    resident.say("楼道里有人打架还拿着刀", update_id=77)
    resident.say("楼道里有人打架还拿着刀", update_id=77)
    assert len(world.tickets()) == 1
    assert world.tickets()[0].urgent


def test_urgent_reports_get_emergency_numbers_and_a_ticket_at_once(world: World) -> None:
    resident = world.chat(1001)
    onboard(resident)
    resident.say("楼道着火了！")
    texts = " ".join(m.text for m in resident.inbox[-2:])
    assert "119" in texts and "F-000001" in texts
    assert world.tickets()[0].signoff_due_at == FRIDAY_10AM.replace(minute=30)


def test_unreachable_routing_falls_back_and_tells_the_chair(world: World) -> None:
    chair = world.staff("田淑芬", 5009)
    resident = world.chat(1001)
    submit(world, resident, "我的电动车电瓶昨晚被偷了")
    assert "没有能联系上的人员" in chair.inbox[-1].text or "没有能联系上的人员" in chair.last


def test_correcting_the_category_stores_a_labelled_example(world: World) -> None:
    resident = world.chat(1001)
    onboard(resident)
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
    submit(world, resident)
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
    onboard(chat)
    chat._handle(event)
    assert expected in chat.last
    assert world.tickets() == []


def test_ten_thousand_characters_and_emoji_become_a_ticket_without_error(world: World) -> None:
    chat = world.chat(1001)
    onboard(chat)
    chat.say("路灯坏了🙏" + "啊" * 10_000)
    chat.press("对，提交")
    assert len(world.tickets()[0].text) == 10_000
    chat.say("😀😀😀")
    assert "选择问题的类型" in chat.last


def test_residents_see_only_their_own_tickets(world: World) -> None:
    alice, bob = world.chat(1001), world.chat(1002)
    onboard(alice)
    onboard(bob)
    alice.say("垃圾桶满了没人清理")
    alice.press("对，提交")
    bob.say("/my")
    assert "F-000001" not in bob.last
    alice.say("/my")
    assert "F-000001" in alice.last


def test_staff_tasks_list_urgent_first(world: World) -> None:
    police = world.staff("韩磊", 5002)
    resident = world.chat(1001)
    onboard(resident, address="钟楼巷3号")
    grid_code = world.one(Resident, Resident.chat_id == 1001)
    assert grid_code is not None
    police.say("/tasks")
    assert "待办" in police.last or "没有待办" in police.last
