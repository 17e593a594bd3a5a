"""The real program under faults: a prepared database, ``gridvoice run`` as a subprocess, counts.

Residents are seeded straight into the database (consented, typed, in a grid) and every staff
member is bound to a chat, so a test spends its time on complaints, not on onboarding. The
community is the shipped sample with test clocks: wall-clock deadlines of minutes, no quiet hours,
so reminders fall due while a test runs (the bot's clock is the real one; ``gridvoice run`` has no
clock override).
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlmodel import Session, col, select

from bot.bootstrap import build
from bot.community import sample_path
from bot.service.reminders import schedule
from bot.service.tickets import set_deadlines
from bot.settings import Settings
from bot.startup import ensure_community, prepare_database
from storage import make_engine, upgrade
from storage.enums import ResidenceType, TicketStatus
from storage.models import Grid, OutboxMessage, Resident, StaffMember, Ticket, TicketEvent
from tests.fake_telegram import FakeTelegram, SentMessage

FULL = os.environ.get("GRIDVOICE_FAULTS_FULL") == "1"
"""Full sizes (the issue's figures); by default sizes are scaled to keep the suite short."""
FIRST_CHAT = 30_000
STAFF_CHAT = 90_000
ACK = re.compile(r"已登记，编号 ([A-Z]+-\d+)")
TASK = re.compile(r"新任务 ([A-Z]+-\d+)")
REMINDER_MARKS = {
    "before": "⏰ 提醒：{code}",
    "overdue": "⚠️ {code}",
    "leader": "【催办】",
    "chair": "【督办】",
}


def scaled(small: int, full: int) -> int:
    """``full`` with GRIDVOICE_FAULTS_FULL=1, else ``small``."""
    return full if FULL else small


def fault_community(folder: Path, *, sign_off: str = "1m", lead: str = "1m") -> Path:
    """The sample community with every clock on the wall clock (``sign_off``, resolution a day),
    reminders ``lead`` before a deadline, and no quiet hours."""
    data = yaml.safe_load(sample_path().read_text(encoding="utf-8"))
    clock = {"working_time": False, "sign_off": sign_off, "resolution": "1d"}
    data["time_limits"] = {"urgent": clock, "normal": clock, "enquiry": clock}
    data["quiet_hours"] = "00:00-00:00"
    data["reminders"] = {"lead_time": lead, "before_escalation": 2}
    path = folder / "community.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def prepare(url: str, community: Path, residents: int, *, first_chat: int = FIRST_CHAT) -> None:
    """Schema at head, the community loaded, ``residents`` onboarded over every grid and each
    staff member bound to chat ``STAFF_CHAT + id``."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    settings = Settings(database_url=url, community=community)
    engine = prepare_database(settings)
    now = datetime.now(UTC)
    ensure_community(engine, settings, now=now)
    with Session(engine) as session:
        grids = [grid.id for grid in session.exec(select(Grid).order_by(col(Grid.id)))]
        for n in range(residents):
            session.add(
                Resident(
                    chat_id=first_chat + n,
                    display_name=f"居民{first_chat + n}",
                    residence_type=ResidenceType.REGISTERED,
                    grid_id=grids[n % len(grids)],
                    consent_at=now,
                )
            )
        for member in session.exec(select(StaffMember)):
            member.chat_id = STAFF_CHAT + (member.id or 0)
        session.commit()
    engine.dispose()


def seed_tickets(url: str, community: Path | None, made: list[datetime], *, seed: int = 0) -> None:
    """Open, assigned tickets made at ``made`` (one in ten urgent), each reported by a seeded
    resident if there are any, with deadlines and reminders set as the bot sets them."""
    app = build(Settings(database_url=url, community=community), channel="test")
    rng = random.Random(seed)
    try:
        with Session(app.database) as session:
            staff = list(
                session.exec(select(StaffMember).where(col(StaffMember.grid_id).is_not(None)))
            )
            residents = [r.id for r in session.exec(select(Resident))] or [None]
            for n, moment in enumerate(made):
                member = rng.choice(staff)
                ticket = Ticket(
                    code=f"F-{n + 1:06d}",
                    reporter_id=residents[n % len(residents)],
                    grid_id=member.grid_id,
                    category="environment",
                    urgent=n % 10 == 0,
                    status=TicketStatus.ASSIGNED,
                    text=f"测试工单 {n}",
                    assignee_id=member.id,
                    created_at=moment,
                    updated_at=moment,
                )
                set_deadlines(ticket, app.services, moment)
                schedule(ticket, app.services)
                session.add(ticket)
            session.commit()
    finally:
        app.database.dispose()


def bot_env(fake: FakeTelegram, url: str, community: Path, **extra: str) -> dict[str, str]:
    """The environment of ``gridvoice run``: the fake server, the database, fast test pacing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDVOICE_", "TELEGRAM_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.root,
        "GRIDVOICE_DATABASE_URL": url,
        "GRIDVOICE_COMMUNITY": str(community),
        "GRIDVOICE_TELEGRAM_CHAT_INTERVAL": "0.01",
        "GRIDVOICE_TELEGRAM_MESSAGES_PER_SECOND": "1000",
        "GRIDVOICE_OUTBOX_LEASE_SECONDS": "2",
        "GRIDVOICE_SWEEP_INTERVAL_SECONDS": "1",
        "GRIDVOICE_LOG_LEVEL": "WARNING",
    }
    return env | {f"GRIDVOICE_{key.upper()}": value for key, value in extra.items()}


@dataclass
class BotProcess:
    """``python -m bot run`` as a subprocess, its log in ``folder/bot.log``."""

    env: dict[str, str]
    folder: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with (self.folder / "bot.log").open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.folder,
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )

    def start_polling(self, fake: FakeTelegram, timeout: float = 60) -> None:
        """Start, and return once the bot asks the fake server for updates."""
        mark = fake.mark()
        self.start()
        fake.wait_for_sync(lambda call: call.method == "getUpdates", timeout=timeout, since=mark)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM: the graceful shutdown; returns the exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def log_tail(self, chars: int = 3000) -> str:
        return (self.folder / "bot.log").read_text(errors="replace")[-chars:]


def texts_to(fake: FakeTelegram, chat_id: int) -> list[str]:
    return [m.text or "" for m in fake.sent_messages(chat_id)]


def codes_in(messages: list[SentMessage], pattern: re.Pattern[str]) -> dict[int, Counter[str]]:
    """Per chat, how often each ticket code matched by ``pattern`` was delivered."""
    found: dict[int, Counter[str]] = {}
    for message in messages:
        for code in pattern.findall(message.text or ""):
            found.setdefault(message.chat_id, Counter())[code] += 1
    return found


@dataclass(frozen=True)
class TicketRow:
    code: str
    text: str
    reporter_chat: int
    assignee_chat: int | None
    next_reminder_at: datetime | None


def ticket_rows(url: str) -> list[TicketRow]:
    """Every ticket with its reporter's and assignee's chats."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            chats = {r.id: r.chat_id for r in session.exec(select(Resident))}
            staff = {s.id: s.chat_id for s in session.exec(select(StaffMember))}
            return [
                TicketRow(
                    t.code or "",
                    t.text,
                    chats.get(t.reporter_id, 0),
                    staff.get(t.assignee_id),
                    _aware(t.next_reminder_at),
                )
                for t in session.exec(select(Ticket).order_by(col(Ticket.id)))
            ]
    finally:
        engine.dispose()


def reminder_events(url: str) -> list[tuple[str, str]]:
    """``(ticket code, step)`` of every reminder the sweeps recorded."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            statement = (
                select(Ticket.code, TicketEvent.details)
                .join(Ticket, col(Ticket.id) == col(TicketEvent.ticket_id))
                .where(TicketEvent.kind == "reminded")
            )
            return [(code or "", details["step"]) for code, details in session.exec(statement)]
    finally:
        engine.dispose()


def outbox_rows(url: str) -> list[tuple[int, str, str]]:
    """``(chat, text, status)`` of every outbox row."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.exec(select(OutboxMessage))
            return [(row.chat_id, row.text, str(row.status)) for row in rows]
    finally:
        engine.dispose()


def outbox_counts(url: str) -> Counter[str]:
    """Outbox rows by status."""
    return Counter(status for _, _, status in outbox_rows(url))


def wait_for_outbox(url: str, timeout: float) -> bool:
    """Wait until the outbox holds nothing pending (the bot's shutdown does not deliver it)."""
    deadline = time.monotonic() + timeout
    while outbox_counts(url)["pending"]:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.3)
    return True


def _aware(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def reminder_delivered(fake_texts: list[str], code: str, step: str) -> bool:
    """Whether a reminder of ``step`` for ``code`` is among the texts a chat was sent."""
    mark = REMINDER_MARKS[step].format(code=code)
    return any(mark in text and code in text for text in fake_texts)


def describe(values: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value}" for key, value in values.items())
