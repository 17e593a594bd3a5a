"""The real python-telegram-bot and aiogram stacks against the fake Bot API server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.bootstrap import App, build
from bot.channels.telegram_common import CHANNEL
from bot.channels.telegram_runner import serve
from bot.invites import invite
from bot.settings import Settings
from nlp import default_classifier
from storage import repositories as repo
from storage.models import Ticket
from tests.fake_telegram import FakeTelegram, SentMessage


@dataclass
class Telegram:
    """A running bot on one framework and the fake server it talks to."""

    fake: FakeTelegram
    app: App
    users: dict[int, str] = field(default_factory=dict)

    def say(self, user: int, text: str) -> int:
        if text.startswith("/"):
            command, _, rest = text.partition(" ")
            return self.fake.inject_command(user, command, rest)
        return self.fake.inject_text(user, text)

    def keyboard_message(self, user: int, label: str) -> tuple[SentMessage, str]:
        """The latest message to ``user`` with a button containing ``label``, and its data."""
        for message in reversed(self.fake.sent_messages(user)):
            markup = message.reply_markup or {}
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return message, button["callback_data"]
        raise AssertionError(f"no button {label!r} for {user}: {self.texts(user)[-3:]}")

    def press(self, user: int, label: str) -> int:
        message, data = self.keyboard_message(user, label)
        return self.fake.inject_callback(user, data, message_id=message.message_id)

    def texts(self, user: int) -> list[str]:
        return [m.text or "" for m in self.fake.sent_messages(user)]

    async def said(self, user: int, fragment: str, timeout: float = 10.0) -> str:
        """Wait until ``user`` was sent a message containing ``fragment``."""
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            for text in self.texts(user):
                if fragment in text:
                    return text
            await asyncio.sleep(0.05)
        raise AssertionError(f"{user} never got {fragment!r}; got {self.texts(user)[-4:]}")

    async def answered(self, fragment: str, timeout: float = 10.0) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while asyncio.get_running_loop().time() < deadline:
            if any(fragment in (a.text or "") for a in self.fake.callback_answers):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no callback answer {fragment!r}: {self.fake.callback_answers[-3:]}")

    def bind_staff(self, name: str, user: int) -> None:
        with self.app.uow_factory() as uow:
            member = repo.staff_by_name(uow.session, name=name)[0]
            code = invite(uow.session, member, now=self.app.services.clock()).code
            uow.commit()
        self.say(user, f"/join {code}")

    def tickets(self) -> list[Ticket]:
        from sqlmodel import select

        with self.app.uow_factory() as uow:
            rows = list(uow.session.exec(select(Ticket).order_by(Ticket.id)))
            uow.session.expunge_all()
            return rows

    async def onboard(
        self, user: int, residence: str = "本地户籍", address: str = "后街12号"
    ) -> None:
        self.say(user, "/start")
        await self.said(user, "同意后开始使用")
        self.press(user, "同意")
        await self.said(user, "请问您在这里是")
        self.press(user, residence)
        await self.said(user, "您住在哪里")
        self.say(user, address)
        await self.said(user, "好了！")


CLASSIFIER: Any = None


@pytest.fixture(params=["ptb", "aiogram"])
async def telegram(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Telegram]:
    global CLASSIFIER
    CLASSIFIER = CLASSIFIER or default_classifier()
    fake = FakeTelegram()
    root = await fake.start()
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        telegram_bot_token=SecretStr(fake.token),
        telegram_api_url=root,
        telegram_chat_interval=0.02,
    )
    app = build(settings, channel=CHANNEL, classifier=CLASSIFIER)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, request.param, stop, poll_timeout=1))
    try:
        yield Telegram(fake, app)
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=20)
        app.database.dispose()
        await fake.stop()
