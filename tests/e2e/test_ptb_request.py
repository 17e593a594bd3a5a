"""python-telegram-bot over aiohttp: what PTB relies on from its transport, against the fake
Bot API server (the scenario suite covers the rest: buttons, 429 storms, 403s, uploads)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.channels.ptb_channel import application
from bot.channels.ptb_request import AiohttpRequest
from tests.fake_telegram import FakeTelegram

CHAT = 4242


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Any]:
    app = application(fake.token, fake.root)
    await app.initialize()
    yield app.bot
    await app.shutdown()


async def test_a_message_goes_out_and_its_answer_comes_back(bot: Any, fake: FakeTelegram) -> None:
    sent = await bot.send_message(CHAT, "您好 <b>&</b> 🙂", reply_markup=None)
    [message] = fake.sent_messages(CHAT)
    assert (message.text, sent.message_id, sent.chat.id) == (
        "您好 <b>&</b> 🙂",
        message.message_id,
        CHAT,
    )


async def test_a_dropped_connection_is_a_network_error(bot: Any, fake: FakeTelegram) -> None:
    fake.drop_next("sendMessage")
    with pytest.raises(NetworkError) as caught:
        await bot.send_message(CHAT, "一")
    assert not isinstance(caught.value, TimedOut)
    await bot.send_message(CHAT, "二")  # the pool recovers
    assert [m.text for m in fake.sent_messages(CHAT)] == ["二"]


async def test_an_answer_slower_than_the_timeout_is_timed_out(fake: FakeTelegram) -> None:
    request = AiohttpRequest(timeout=0.3)
    await request.initialize()
    fake.delay("getMe", 1.5)
    try:
        with pytest.raises(TimedOut):
            await request.post(f"{fake.root}/bot{fake.token}/getMe")
    finally:
        await request.shutdown()


async def test_429_becomes_retry_after_with_its_seconds(bot: Any, fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", 429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "一")
    assert caught.value.retry_after.total_seconds() == 7  # type: ignore[union-attr]


async def test_a_long_poll_outlasts_the_request_timeout(fake: FakeTelegram) -> None:
    """getUpdates waits ``timeout`` seconds on top of the request's own read timeout."""
    bot = Bot(
        fake.token,
        base_url=f"{fake.root}/bot",
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(pool_size=1, timeout=0.5),
    )
    await bot.initialize()
    try:
        polling = asyncio.ensure_future(bot.get_updates(timeout=3))
        await asyncio.sleep(1.2)  # longer than the 0.5 s read timeout alone
        fake.inject_text(CHAT, "楼道灯坏了")
        [update] = await polling
        assert update.message is not None and update.message.text == "楼道灯坏了"
    finally:
        await bot.shutdown()
