"""The real program, killed with SIGKILL in the middle of a stream, loses and doubles nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import func, select

from bot.settings import Settings
from bot.startup import ensure_community, prepare_database
from storage.enums import ResidenceType
from storage.models import Grid, Resident, Ticket
from tests.fake_telegram import FakeTelegram, FakeTelegramThread

RESIDENTS = 200
FIRST_CHAT = 20_000
COMPLAINTS = [
    "楼下垃圾桶满了好几天没人清理，臭死了", "路灯坏了，晚上黑乎乎的", "小吃街摊贩占道经营，路都走不了",
    "楼上半夜装修电钻声吵得睡不着", "我的电动车电瓶昨晚被偷了", "房东不退押金还骂人",
    "居住证到期了怎么续签", "想问一下低保怎么申请", "孩子天天打游戏不上学", "楼道里有人飞线充电",
]  # fmt: skip


def prepare(url: str) -> None:
    """Migrate, load the sample community and onboard the residents (as if done earlier)."""
    settings = Settings(database_url=url)
    engine = prepare_database(settings)
    ensure_community(engine, settings, now=datetime.now(UTC))
    from storage.unit_of_work import uow_factory

    with uow_factory(engine)() as uow:
        grid = uow.session.exec(select(Grid).where(Grid.code == "G04")).one()
        for n in range(RESIDENTS):
            uow.session.add(Resident(chat_id=FIRST_CHAT + n, residence_type=ResidenceType.MERCHANT,
                                     grid_id=grid.id, consent_at=datetime.now(UTC)))  # fmt: skip
        uow.commit()
    engine.dispose()


def start_bot(fake: FakeTelegram, url: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GRIDVOICE_", "TELEGRAM_"))}
    env |= {
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.root,
        "GRIDVOICE_DATABASE_URL": url, "GRIDVOICE_TELEGRAM_CHAT_INTERVAL": "0.01",
        "GRIDVOICE_OUTBOX_LEASE_SECONDS": "2", "GRIDVOICE_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    log = (cwd / "bot.log").open("ab")
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    finally:
        log.close()


def press_confirmations(fake: FakeTelegram, pressed: set[int]) -> None:
    """Confirm the suggested category for every resident who has been asked."""
    for message in fake.sent_messages():
        chat = message.chat_id
        if chat in pressed or not (FIRST_CHAT <= chat < FIRST_CHAT + RESIDENTS):
            continue
        for row in (message.reply_markup or {}).get("inline_keyboard", []):
            for button in row:
                if button["callback_data"] == "k:yes":
                    fake.inject_callback(chat, "k:yes", message_id=message.message_id)
                    pressed.add(chat)


def count_tickets(url: str) -> tuple[int, int]:
    from storage.db import make_engine

    engine = make_engine(url)
    with engine.connect() as connection:
        total = connection.execute(select(func.count()).select_from(Ticket)).scalar_one()
        reporters = connection.execute(
            select(func.count(func.distinct(Ticket.reporter_id)))
        ).scalar_one()
    engine.dispose()
    return int(total), int(reporters)


def test_sigkill_during_a_stream_of_200_complaints_loses_and_doubles_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    prepare(url)
    with FakeTelegramThread() as fake:
        bot = start_bot(fake, url, tmp_path)
        fake.wait_for_sync(lambda call: call.method == "getUpdates", timeout=30)
        for n in range(RESIDENTS):
            fake.inject_text(FIRST_CHAT + n, COMPLAINTS[n % len(COMPLAINTS)] + f"（{n}号）")
        pressed: set[int] = set()
        fake.wait_for_sent_sync(count=60, timeout=60)
        press_confirmations(fake, pressed)
        time.sleep(0.3)
        bot.send_signal(signal.SIGKILL)
        bot.wait(timeout=10)
        bot = start_bot(fake, url, tmp_path)
        deadline = time.monotonic() + 120
        try:
            while time.monotonic() < deadline and len(pressed) < RESIDENTS:
                press_confirmations(fake, pressed)
                time.sleep(0.2)
            while time.monotonic() < deadline and count_tickets(url)[0] < RESIDENTS:
                time.sleep(0.2)
            acknowledged = {
                m.chat_id for m in fake.sent_messages() if "已登记，编号" in (m.text or "")
            }
            while time.monotonic() < deadline and len(acknowledged) < RESIDENTS:
                time.sleep(0.2)
                acknowledged = {
                    m.chat_id for m in fake.sent_messages() if "已登记，编号" in (m.text or "")
                }
        finally:
            bot.send_signal(signal.SIGTERM)
            assert bot.wait(timeout=30) == 0, (tmp_path / "bot.log").read_text()[-2000:]
    assert count_tickets(url) == (RESIDENTS, RESIDENTS)
    assert len(acknowledged) == RESIDENTS
