"""The fake Bot API server speaks the protocol as python-telegram-bot 22 and aiogram 3 use it."""

import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import telegram
from aiogram import Bot as AiogramBot
from aiogram import Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.types import BufferedInputFile
from aiogram.types import Message as AiogramMessage
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from telegram.ext import Application, CommandHandler, ContextTypes

from tests.fake_telegram import FakeTelegram, FakeTelegramThread

RESIDENT = 4201
KEYBOARD = telegram.InlineKeyboardMarkup(
    [[telegram.InlineKeyboardButton("确认", callback_data="confirm:1")]]
)


@pytest.fixture
async def ptb(fake: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[telegram.Bot]:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # else durations warn (an error here) in PTB 22
    bot = telegram.Bot(
        fake.token, base_url=f"{fake.root}/bot", base_file_url=f"{fake.root}/file/bot"
    )
    async with bot:
        yield bot


@pytest.fixture
async def aio(fake: FakeTelegram) -> AsyncIterator[AiogramBot]:
    bot = AiogramBot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.root)))
    try:
        yield bot
    finally:
        await bot.session.close()


class Receiver:
    """A webhook endpoint: records what Telegram posts, answers with the queued statuses."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.posts: list[tuple[dict[str, Any], str | None]] = []
        self.statuses = statuses or []
        self.runner: web.AppRunner | None = None

    async def start(self) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        host, port = self.runner.addresses[0][:2]
        return f"http://{host}:{port}/hook"

    async def handle(self, request: web.Request) -> web.Response:
        self.posts.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    if endpoint.runner is not None:
        await endpoint.runner.cleanup()


# python-telegram-bot


async def test_ptb_get_me_returns_the_bot(ptb: telegram.Bot) -> None:
    me = await ptb.get_me()
    assert (me.id, me.is_bot, me.username) == (123456, True, "gridvoice_test_bot")


async def test_ptb_sends_a_message_with_an_inline_keyboard(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    first = await ptb.send_message(RESIDENT, "请确认地址", reply_markup=KEYBOARD)
    second = await ptb.send_message(RESIDENT, "谢谢")
    assert second.message_id > first.message_id
    assert first.chat.id == RESIDENT and first.chat.type == "private"
    assert first.from_user is not None and first.from_user.id == 123456
    assert first.reply_markup == KEYBOARD
    [sent, _] = fake.sent_messages(RESIDENT)
    assert sent.text == "请确认地址"
    assert sent.reply_markup == {
        "inline_keyboard": [[{"text": "确认", "callback_data": "confirm:1"}]]
    }


async def test_ptb_quotes_the_resident_in_a_reply(ptb: telegram.Bot, fake: FakeTelegram) -> None:
    fake.inject_text(RESIDENT, "楼道灯坏了")
    [update] = await ptb.get_updates()
    assert update.message is not None
    reply = await update.message.reply_text("收到", do_quote=True)
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "楼道灯坏了"


async def test_ptb_edits_a_message_and_telegram_refuses_an_edit_that_changes_nothing(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    sent = await ptb.send_message(RESIDENT, "处理中", reply_markup=KEYBOARD)
    edited = await ptb.edit_message_text("已完成", chat_id=RESIDENT, message_id=sent.message_id)
    assert isinstance(edited, telegram.Message) and edited.text == "已完成"
    assert edited.reply_markup is None  # a keyboard left out of an edit is removed
    assert [(e.message_id, e.text) for e in fake.edits] == [(sent.message_id, "已完成")]
    # PTB drops "Bad Request: " from the description and capitalizes the rest (lowercasing it)
    with pytest.raises(telegram.error.BadRequest, match="Message is not modified"):
        await ptb.edit_message_text("已完成", chat_id=RESIDENT, message_id=sent.message_id)
    with pytest.raises(telegram.error.BadRequest, match="Message to edit not found"):
        await ptb.edit_message_text("x", chat_id=RESIDENT, message_id=999)


async def test_ptb_answers_an_injected_button_press(ptb: telegram.Bot, fake: FakeTelegram) -> None:
    sent = await ptb.send_message(RESIDENT, "请确认地址", reply_markup=KEYBOARD)
    fake.inject_callback(RESIDENT, "confirm:1")
    [update] = await ptb.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "confirm:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await query.answer("好的")
    assert [(a.callback_query_id, a.text) for a in fake.callback_answers] == [(query.id, "好的")]
    with pytest.raises(telegram.error.BadRequest, match="Query is too old"):
        await ptb.answer_callback_query("no-such-query")


async def test_ptb_sets_commands_and_telegram_refuses_chinese_command_names(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    assert await ptb.set_my_commands([telegram.BotCommand("start", "开始"), ("my", "我的问题")])
    assert fake.commands == [
        {"command": "start", "description": "开始"},
        {"command": "my", "description": "我的问题"},
    ]
    assert [c.command for c in await ptb.get_my_commands()] == ["start", "my"]
    with pytest.raises(telegram.error.BadRequest, match="Bot_command_invalid"):
        await ptb.set_my_commands([("投诉", "投诉")])
    assert await ptb.delete_my_commands()
    assert fake.commands == []


async def test_ptb_uploads_a_document_and_downloads_it_again(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    content = "工单,地址\nF-000001,钟楼巷3号\n".encode()
    message = await ptb.send_document(RESIDENT, content, filename="tickets.csv", caption="本周工单")
    assert message.document is not None and message.document.file_name == "tickets.csv"
    assert message.caption == "本周工单"
    assert fake.files[message.document.file_id].content == content
    file = await ptb.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == content
    assert fake.sent_messages(RESIDENT)[0].caption == "本周工单"


async def test_ptb_parses_every_kind_of_injected_update(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    fake.inject_text(RESIDENT, "楼道灯坏了")
    fake.inject_edited_message(RESIDENT, "楼道灯又坏了")  # edits the user's latest message
    fake.inject_command(RESIDENT, "/start", "grid-7")
    fake.inject_photo(RESIDENT, caption="垃圾堆")
    fake.inject_location(RESIDENT, 31.23, 121.47)
    fake.inject_contact(RESIDENT, "+8613800000000")
    fake.inject_sticker(RESIDENT)
    fake.inject_voice(RESIDENT)
    fake.inject_group_message(-100, RESIDENT, "/tasks")
    fake.inject_channel_post(-1001234567890, "停水通知")
    fake.inject_my_chat_member(RESIDENT, "kicked")
    updates = await ptb.get_updates(timeout=0)
    text, edited, command, photo, place, contact, sticker, voice, group, post, member = updates
    assert text.message and text.message.text == "楼道灯坏了"
    assert text.message.from_user and text.message.from_user.language_code == "zh-hans"
    assert (
        command.message and command.message.parse_entities(["bot_command"]).popitem()[1] == "/start"
    )
    assert photo.message and photo.message.caption == "垃圾堆"
    assert [p.width for p in photo.message.photo] == [90, 320, 800]
    assert photo.message.photo[-1].file_id in fake.files
    assert place.message and place.message.location and place.message.location.latitude == 31.23
    assert contact.message and contact.message.contact
    assert contact.message.contact.phone_number == "+8613800000000"
    assert contact.message.contact.user_id == RESIDENT
    assert (
        sticker.message and sticker.message.sticker and sticker.message.sticker.is_animated is False
    )
    assert (
        voice.message
        and voice.message.voice
        and voice.message.voice.duration == timedelta(seconds=3)
    )
    assert edited.edited_message and edited.edited_message.text == "楼道灯又坏了"
    assert edited.edited_message.message_id == text.message.message_id
    assert group.message and group.message.chat.type == "group" and group.message.text == "/tasks"
    assert post.channel_post and post.channel_post.chat.type == "channel"
    assert member.my_chat_member and member.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(telegram.error.Forbidden):  # the user blocked the bot
        await ptb.send_message(RESIDENT, "还在吗")


async def test_an_offset_confirms_earlier_updates_and_a_limit_caps_the_batch(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    ids = [fake.inject_text(RESIDENT, f"第{n}条") for n in range(5)]
    assert [u.update_id for u in await ptb.get_updates(limit=2)] == ids[:2]
    assert [u.update_id for u in await ptb.get_updates(limit=2)] == ids[:2]  # not confirmed yet
    assert [u.update_id for u in await ptb.get_updates(offset=ids[2])] == ids[2:]
    assert [u.update_id for u in await ptb.get_updates(offset=ids[-1] + 1)] == []
    assert fake.pending_updates() == []


async def test_a_redelivered_update_comes_again_with_the_same_id(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    update_id = fake.inject_text(RESIDENT, "楼道灯坏了")
    [first] = await ptb.get_updates()
    assert await ptb.get_updates(offset=update_id + 1) == ()
    fake.redeliver(update_id)
    [again] = await ptb.get_updates(offset=update_id + 1)
    assert (
        again.update_id == first.update_id and again.message and again.message.text == "楼道灯坏了"
    )
    assert await ptb.get_updates(offset=update_id + 1) == ()


async def test_a_long_poll_returns_as_soon_as_an_update_is_injected(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(ptb.get_updates(timeout=5))
    await poll_until(lambda: fake.calls_to("getUpdates"))
    await asyncio.sleep(0.05)
    assert not poll.done()
    fake.inject_text(RESIDENT, "有人吗")
    [update] = await asyncio.wait_for(poll, 2)
    assert update.message and update.message.text == "有人吗"
    assert time.monotonic() - started < 1


async def test_a_long_poll_without_updates_ends_at_its_timeout(ptb: telegram.Bot) -> None:
    started = time.monotonic()
    assert await ptb.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_a_429_surfaces_in_ptb_as_retry_after_with_its_seconds(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await ptb.send_message(RESIDENT, "你好")
    assert caught.value.retry_after == timedelta(seconds=7)
    assert (await ptb.send_message(RESIDENT, "你好")).text == "你好"  # consumed
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 200]


async def test_a_403_surfaces_in_ptb_as_forbidden_and_a_blocked_chat_stays_blocked(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", status=403, description="Forbidden: bot was blocked by the user")
    with pytest.raises(telegram.error.Forbidden, match="blocked by the user"):
        await ptb.send_message(RESIDENT, "你好")
    fake.block_chat(RESIDENT)
    for _ in range(2):
        with pytest.raises(telegram.error.Forbidden):
            await ptb.send_message(RESIDENT, "你好")
    assert await ptb.send_message(RESIDENT + 1, "你好")  # other chats are fine
    fake.unblock_chat(RESIDENT)
    assert await ptb.send_message(RESIDENT, "你好")


async def test_faults_are_consumed_in_order_across_methods(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    mark = fake.mark()
    fake.fail_next(None, status=502, times=2)  # a burst of 5xx on whatever comes
    fake.drop_next("sendMessage")
    with pytest.raises(telegram.error.NetworkError, match="Bad Gateway"):
        await ptb.get_me()
    with pytest.raises(telegram.error.NetworkError, match="Bad Gateway"):
        await ptb.send_message(RESIDENT, "一")
    with pytest.raises(telegram.error.NetworkError):  # the connection closed without an answer
        await ptb.send_message(RESIDENT, "二")
    assert (await ptb.send_message(RESIDENT, "三")).text == "三"
    assert [c.status for c in fake.calls[mark:]] == [502, 502, 0, 200]
    assert [m.text for m in fake.sent_messages()] == ["三"]


async def test_a_delay_holds_the_answer(ptb: telegram.Bot, fake: FakeTelegram) -> None:
    fake.delay("sendChatAction", 0.3)
    started = time.monotonic()
    assert await ptb.send_chat_action(RESIDENT, telegram.constants.ChatAction.TYPING)
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert await ptb.send_chat_action(RESIDENT, telegram.constants.ChatAction.TYPING)
    assert time.monotonic() - started < 0.3


async def test_flood_limits_refuse_a_second_message_to_a_chat_within_a_second(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    fake.enforce_limits = True
    await ptb.send_message(RESIDENT, "一")
    await ptb.send_message(RESIDENT + 1, "别的聊天不受影响")
    with pytest.raises(telegram.error.RetryAfter) as caught:
        await ptb.send_message(RESIDENT, "二")
    assert caught.value.retry_after == timedelta(seconds=1)
    [violation] = fake.violations
    assert (violation.chat_id, violation.scope, violation.retry_after) == (RESIDENT, "chat", 1)


async def test_the_bot_wide_flood_limit_is_thirty_messages_a_second(
    ptb: telegram.Bot, fake: FakeTelegram
) -> None:
    fake.enforce_limits = True
    await asyncio.gather(*(ptb.send_message(chat, "通知") for chat in range(1, 31)))
    with pytest.raises(telegram.error.RetryAfter):
        await ptb.send_message(31, "通知")
    assert [(v.chat_id, v.scope) for v in fake.violations] == [(31, "bot")]


async def test_webhook_mode_posts_updates_with_the_secret_and_blocks_get_updates(
    ptb: telegram.Bot, fake: FakeTelegram, receiver: Receiver
) -> None:
    url = await receiver.start()
    assert await ptb.set_webhook(url, secret_token="s3cret", allowed_updates=["message"])
    assert fake.webhook is not None and fake.webhook.secret_token == "s3cret"
    assert (await ptb.get_webhook_info()).url == url
    update_id = fake.inject_text(RESIDENT, "楼道灯坏了")
    await poll_until(lambda: receiver.posts)
    [(body, secret)] = receiver.posts
    assert secret == "s3cret"
    assert body["update_id"] == update_id and body["message"]["text"] == "楼道灯坏了"
    assert telegram.Update.de_json(body, ptb).message.text == "楼道灯坏了"  # type: ignore[union-attr]
    with pytest.raises(telegram.error.Conflict, match="webhook is active"):
        await ptb.get_updates()
    assert await ptb.delete_webhook()
    assert fake.webhook is None and await ptb.get_updates() == ()


async def test_a_failed_webhook_delivery_is_retried(
    ptb: telegram.Bot, fake: FakeTelegram, receiver: Receiver
) -> None:
    receiver.statuses = [500]
    await ptb.set_webhook(await receiver.start())
    update_id = fake.inject_text(RESIDENT, "楼道灯坏了")
    await poll_until(lambda: len(receiver.posts) == 2)
    assert [d.status for d in fake.webhook_deliveries] == [500, 200]
    assert {body["update_id"] for body, _ in receiver.posts} == {update_id}
    assert "500" in (await ptb.get_webhook_info()).last_error_message  # type: ignore[operator]


async def test_a_ptb_application_answers_start_over_long_polling(fake: FakeTelegram) -> None:
    async def start(update: telegram.Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("您好，请说说遇到的问题")

    app = (
        Application.builder()
        .token(fake.token)
        .base_url(f"{fake.root}/bot")
        .base_file_url(f"{fake.root}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=1)
        fake.inject_command(RESIDENT, "/start")
        [reply] = await fake.wait_for_sent(RESIDENT)
        await app.updater.stop()
        await app.stop()
    assert reply.text == "您好，请说说遇到的问题"
    assert fake.pending_updates() == []  # PTB confirmed the update on the way out


# aiogram


async def test_aiogram_gets_me_sends_and_gets_updates(aio: AiogramBot, fake: FakeTelegram) -> None:
    me = await aio.get_me()
    assert (me.id, me.username) == (123456, "gridvoice_test_bot")
    sent = await aio.send_message(RESIDENT, "您好", reply_markup=KEYBOARD.to_dict())  # type: ignore[arg-type]
    assert sent.text == "您好" and sent.chat.id == RESIDENT
    assert sent.reply_markup is not None and sent.reply_markup.inline_keyboard[0][0].text == "确认"
    assert fake.sent_messages(RESIDENT)[0].reply_markup == KEYBOARD.to_dict()
    update_id = fake.inject_text(RESIDENT, "楼道灯坏了")
    fake.inject_callback(RESIDENT, "confirm:1")
    text, press = await aio.get_updates(offset=update_id, timeout=1)
    assert text.message is not None and text.message.text == "楼道灯坏了"
    assert press.callback_query is not None and press.callback_query.data == "confirm:1"
    assert await aio.answer_callback_query(press.callback_query.id)


async def test_a_429_surfaces_in_aiogram_as_telegram_retry_after(
    aio: AiogramBot, fake: FakeTelegram
) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=5)
    with pytest.raises(TelegramRetryAfter) as caught:
        await aio.send_message(RESIDENT, "你好")
    assert caught.value.retry_after == 5
    fake.block_chat(RESIDENT)
    with pytest.raises(TelegramForbiddenError):
        await aio.send_message(RESIDENT, "你好")


async def test_aiogram_uploads_a_photo_as_an_attachment(
    aio: AiogramBot, fake: FakeTelegram
) -> None:
    photo = BufferedInputFile(b"\xff\xd8\xff" + bytes(4000), filename="lamp.jpg")
    sent = await aio.send_photo(RESIDENT, photo, caption="坏的路灯")
    assert sent.photo is not None and sent.caption == "坏的路灯"
    largest = sent.photo[-1]
    assert largest.file_size == 4003
    file = await aio.get_file(largest.file_id)
    assert file.file_path is not None
    downloaded = await aio.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"\xff\xd8\xff" + bytes(4000)


async def test_an_aiogram_dispatcher_answers_start_over_long_polling(fake: FakeTelegram) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart())
    async def start(message: AiogramMessage) -> None:
        await message.answer("您好，请说说遇到的问题")

    bot = AiogramBot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.root)))
    polling = asyncio.create_task(
        dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
    )
    fake.inject_command(RESIDENT, "/start")
    [reply] = await fake.wait_for_sent(RESIDENT)
    await dispatcher.stop_polling()
    await polling  # closes the bot's session
    assert reply.text == "您好，请说说遇到的问题"
    assert fake.calls_to("getUpdates")[0].params["allowed_updates"] == ["message"]


async def test_an_aiogram_webhook_handler_can_answer_in_its_response(fake: FakeTelegram) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: AiogramMessage) -> Any:
        return message.answer("收到")  # not awaited: aiogram puts the call in the webhook reply

    bot = AiogramBot(fake.token, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.root)))
    app = web.Application()
    handler = SimpleRequestHandler(
        dispatcher, bot, handle_in_background=False, secret_token="s3cret"
    )
    handler.register(app, path="/hook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        host, port = runner.addresses[0][:2]
        await bot.set_webhook(f"http://{host}:{port}/hook", secret_token="s3cret")
        fake.inject_text(RESIDENT, "楼道灯坏了")
        [reply] = await fake.wait_for_sent(RESIDENT)
    finally:
        await runner.cleanup()
        await bot.session.close()
    assert reply.text == "收到"
    assert [d.status for d in fake.webhook_deliveries] == [200]


# The wire and the thread


async def test_json_urlencoded_and_query_string_bodies_are_all_understood(
    fake: FakeTelegram,
) -> None:
    url = f"{fake.root}/bot{fake.token}"
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{url}/sendMessage", json={"chat_id": 1, "text": "json", "reply_markup": markup}
        ) as r:
            assert (await r.json())["result"]["reply_markup"] == markup
        form = {"chat_id": "2", "text": "form", "reply_markup": json.dumps(markup)}
        async with session.post(f"{url}/sendmessage", data=form) as r:  # names are case-insensitive
            assert (await r.json())["result"]["chat"]["id"] == 2
        async with session.get(f"{url}/sendMessage", params={"chat_id": "3", "text": "get"}) as r:
            assert (await r.json())["ok"] is True
        async with session.post(f"{url}/noSuchMethod") as r:
            assert r.status == 404
            assert await r.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        async with session.post(f"{fake.root}/bot999:WRONG/getMe") as r:
            assert r.status == 401 and (await r.json())["description"] == "Unauthorized"
    assert [(m.chat_id, m.text, m.reply_markup) for m in fake.sent_messages()] == [
        (1, "json", markup),
        (2, "form", markup),
        (3, "get", None),
    ]


async def test_a_second_long_poll_ends_the_first_with_a_conflict(fake: FakeTelegram) -> None:
    url = f"{fake.root}/bot{fake.token}/getUpdates"
    async with aiohttp.ClientSession() as session:
        first = asyncio.create_task(session.post(url, data={"timeout": "5"}))
        await asyncio.sleep(0.1)
        async with session.post(url, data={"timeout": "0"}) as second:
            assert second.status == 200
        async with await first as response:
            assert response.status == 409
            assert (
                "terminated by other getUpdates request" in (await response.json())["description"]
            )


def test_the_threaded_server_serves_sync_code_and_subprocesses() -> None:
    with FakeTelegramThread() as fake:
        get_me = f"{fake.root}/bot{fake.token}/getMe"
        child = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import urllib.request; print(urllib.request.urlopen({get_me!r}).read().decode())",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert json.loads(child.stdout)["result"]["is_bot"] is True
        update_id = fake.inject_text(RESIDENT, "你好")  # from this thread: the server's loop wakes
        body = json.dumps({"offset": update_id, "timeout": 2}).encode()
        request = urllib.request.Request(
            f"{fake.root}/bot{fake.token}/getUpdates", body, {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            [update] = json.load(response)["result"]
        assert update["message"]["text"] == "你好"
        call = fake.wait_for_sync(lambda c: c.method == "getUpdates", timeout=1)
        assert call.params["offset"] == update_id


async def poll_until(condition: Any, timeout: float = 3.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
