"""Fixtures for storage integration tests on real SQLite and PostgreSQL databases."""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.bootstrap import App, build
from bot.dialogue.events import Answer, Incoming, Kind, Send
from bot.invites import invite
from bot.settings import Settings
from nlp import Classifier
from storage import make_engine, upgrade
from storage import repositories as repo
from storage.enums import TicketStatus
from storage.models import Ticket
from storage.unit_of_work import UnitOfWork
from storage.unit_of_work import uow_factory as make_uow_factory

POSTGRES_URL_ENV = "GRIDVOICE_TEST_DATABASE_URL"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

MakeTicket = Callable[..., Ticket]


def reset_postgres(url: str) -> None:
    """Drop every table (alembic_version included) of the test database."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite file in a not yet existing directory of tmp_path."""
    return f"sqlite:///{tmp_path / 'data' / 'gridvoice.db'}"


@pytest.fixture
def postgres_url() -> str:
    """The emptied PostgreSQL test database, or a skip saying how to enable it."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_URL_ENV} "
            "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)"
        )
    reset_postgres(url)
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database of each dialect."""
    return str(request.getfixturevalue(f"{request.param}_url"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database migrated to head."""
    engine = make_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def uow_factory(engine: Engine) -> Callable[[], UnitOfWork]:
    """Fresh units of work on the migrated database."""
    return make_uow_factory(engine)


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware clock reading."""
    return NOW


def _make_ticket(session: Session, **overrides: Any) -> Ticket:
    values: dict[str, Any] = {
        "category": "environment",
        "text": "楼道里堆满了杂物，很久没人清理",
        "status": TicketStatus.ASSIGNED,
        "confidence": 0.9,
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    ticket = Ticket(**values)
    session.add(ticket)
    session.flush()
    return ticket


@pytest.fixture
def make_ticket() -> MakeTicket:
    """`make_ticket(session, **overrides)`: a flushed ticket with plausible defaults."""
    return _make_ticket


# --- The dialogue world: the real engine on the migrated database, chats as test doubles. ---

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

    def send_photo(self, file_id: str, caption: str = "") -> None:
        self._handle(
            Incoming(Kind.PHOTO, self.chat_id, self.chat_id, text=caption, photo_file_id=file_id)
        )

    def share_contact(self, phone: str) -> None:
        self._handle(Incoming(Kind.CONTACT, self.chat_id, self.chat_id, phone=phone))

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
    restarted: list[App] = field(default_factory=list)

    def chat(self, chat_id: int) -> Chat:
        if chat_id not in self.chats:
            self.chats[chat_id] = Chat(self.app, chat_id)
        return self.chats[chat_id]

    def deliver_all(self, now: datetime = FRIDAY_10AM) -> None:
        """Copy outbox messages due at ``now`` to their chats (what a channel would send)."""
        with self.app.uow_factory() as uow:
            rows = repo.claim_pending_outbox(uow.session, now=now, limit=1000)
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

    now = FRIDAY_10AM

    def restarted_chat(self, chat_id: int) -> Chat:
        """The chat ``chat_id`` on a freshly built application over the same database."""
        app = build(
            self.app.settings, channel="test", clock=lambda: FRIDAY_10AM, classifier=CLASSIFIER
        )
        self.restarted.append(app)
        return Chat(app, chat_id, inbox=self.chat(chat_id).inbox)

    def onboard(self, chat: Chat, address: str = "后街12号") -> None:
        """Consent, merchant, an address."""
        _onboard(chat, address)

    def submit(self, chat: Chat, complaint: str = "垃圾桶满了没人清理") -> None:
        """Onboard, report ``complaint``, confirm, deliver."""
        _submit(self, chat, complaint)

    def tickets(self) -> list[Ticket]:
        with self.app.uow_factory() as uow:
            rows = list(uow.session.exec(select(Ticket).order_by(Ticket.id)))
            uow.session.expunge_all()
            return rows


@pytest.fixture
def world(engine: Engine, database_url: str) -> Iterator[World]:
    app = build(Settings(database_url=database_url), channel="test", clock=lambda: FRIDAY_10AM,
                classifier=CLASSIFIER)  # fmt: skip
    world = World(app)
    yield world
    for each in [app, *world.restarted]:
        each.database.dispose()


def _onboard(chat: Chat, address: str = "后街12号") -> None:
    chat.say("/start")
    chat.press("同意")
    chat.press("商户")
    chat.say(address)


def _submit(world: World, chat: Chat, complaint: str = "垃圾桶满了没人清理") -> None:
    """An onboarded resident reports ``complaint`` and confirms the suggested category."""
    _onboard(chat)
    chat.say(complaint)
    chat.press("对，提交")
    world.deliver_all()
