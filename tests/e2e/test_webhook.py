"""Webhook mode on both frameworks: updates arrive by POST; bad requests are refused."""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from pydantic import SecretStr
from sqlmodel import select

from bot.bootstrap import App, build
from bot.channels.telegram_common import CHANNEL
from bot.channels.telegram_runner import serve
from bot.channels.webhook import SECRET_HEADER
from bot.settings import Settings
from nlp import default_classifier
from storage.models import ProcessedUpdate
from tests.fake_telegram import FakeTelegram

SECRET = "s3cret-for-tests"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["ptb", "aiogram"])
async def hooked(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[FakeTelegram, App, str]]:
    fake = FakeTelegram()
    root = await fake.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
        telegram_bot_token=SecretStr(fake.token),
        telegram_api_url=root,
        telegram_chat_interval=0.02,
        webhook_url=url,
        webhook_listen=f"127.0.0.1:{port}",
        webhook_secret=SecretStr(SECRET),
    )
    app = build(settings, channel=CHANNEL, classifier=default_classifier())
    stop = asyncio.Event()
    running = asyncio.create_task(serve(app, request.param, stop))
    await fake.wait_for(lambda call: call.method == "setWebhook", timeout=10)
    try:
        yield fake, app, url
    finally:
        stop.set()
        await asyncio.wait_for(running, timeout=20)
        app.database.dispose()
        await fake.stop()


def processed(app: App) -> int:
    with app.uow_factory() as uow:
        return len(list(uow.session.exec(select(ProcessedUpdate))))


async def test_updates_posted_with_the_secret_are_handled(
    hooked: tuple[FakeTelegram, App, str],
) -> None:
    fake, _, _ = hooked
    assert fake.webhook is not None and fake.webhook.secret_token == SECRET
    fake.inject_command(1001, "/start")
    sent = await fake.wait_for_sent(1001, timeout=10)
    assert "同意后开始使用" in (sent[0].text or "")


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({}, b'{"update_id": 1}', 403),
        ({SECRET_HEADER: "wrong"}, b'{"update_id": 1}', 403),
        ({SECRET_HEADER: SECRET, "Content-Type": "text/plain"}, b'{"update_id": 1}', 415),
        ({SECRET_HEADER: SECRET, "Content-Type": "application/json"}, b"{not json", 400),
        ({SECRET_HEADER: SECRET, "Content-Type": "application/json"}, b'{"x": 1}', 400),
        (
            {SECRET_HEADER: SECRET, "Content-Type": "application/json"},
            b'{"update_id": 1, "pad": "' + b"x" * 2_000_000 + b'"}',
            413,
        ),
    ],
)
async def test_bad_webhook_requests_are_refused_and_change_nothing(
    hooked: tuple[FakeTelegram, App, str], headers: dict[str, str], body: bytes, status: int
) -> None:
    _, app, url = hooked
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=io.BytesIO(body), headers=headers) as response,
    ):
        assert response.status == status
    assert processed(app) == 0
