"""The python-telegram-bot channel: translate updates to engine events, nothing more."""

from __future__ import annotations

import os

# Opt in to PTB's coming time representation (timedelta), which also silences its warnings.
os.environ.setdefault("PTB_TIMEDELTA", "true")

import asyncio
import logging
import warnings
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
)
from telegram import Update as PtbUpdate
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.error import RetryAfter as PtbRetryAfter
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.delivery import OutboxSender, RetryAfter, TransientError, Unreachable
from bot.channels.ptb_request import AiohttpRequest
from bot.channels.telegram_common import (
    RESIDENT_COMMANDS,
    STAFF_COMMANDS,
    command_menu,
    run_event,
    translate_message,
    translate_query,
)
from bot.dialogue.engine import Engine
from bot.dialogue.events import Edit, Incoming
from bot.service.context import Buttons
from storage.enums import OutboxKind

log = logging.getLogger(__name__)


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    """Our button rows as an inline keyboard."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b["text"], callback_data=b["data"]) for b in row] for row in buttons]
    )


def retry_seconds(error: PtbRetryAfter) -> float:
    """The wait a 429 asks for, whatever PTB's time representation."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


@dataclass
class PtbTransport:
    """Puts outbox messages on the wire with PTB's bot."""

    bot: Any

    async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
        await self._call(self.bot.send_message(chat_id, text, reply_markup=keyboard(buttons)))

    async def send_file(
        self, chat_id: int, caption: str, data: bytes, name: str, kind: OutboxKind
    ) -> None:
        """Upload a photo or a document (multipart, with its file name)."""
        upload = InputFile(data, filename=name)
        if kind == OutboxKind.PHOTO:
            call = self.bot.send_photo(chat_id, upload, caption=caption or None)
        else:
            call = self.bot.send_document(chat_id, upload, caption=caption or None)
        await self._call(call)

    @staticmethod
    async def _call(request: Awaitable[Any]) -> None:
        """Make the request; PTB's errors become the sender's."""
        try:
            await request
        except PtbRetryAfter as exc:
            raise RetryAfter(retry_seconds(exc)) from exc
        except Forbidden as exc:
            raise Unreachable(str(exc)) from exc
        except BadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Unreachable(str(exc)) from exc
            raise
        except TelegramError as exc:
            raise TransientError(str(exc)) from exc


def translate(update: PtbUpdate) -> Incoming | None:
    """The engine event for an update, or None for what is ignored by rule (edits, groups,
    channels, membership changes)."""
    if update.callback_query is not None:
        return translate_query(update.callback_query, update.update_id)
    if update.message is None:
        return None
    return translate_message(update.message, update.update_id)


def builder(token: str, api_root: str) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
    """A PTB application builder for the Bot API at ``api_root`` whose calls go over aiohttp
    (:mod:`bot.channels.ptb_request`)."""
    root = api_root.rstrip("/")
    return (
        Application.builder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .request(AiohttpRequest())
        .get_updates_request(AiohttpRequest(pool_size=1))
    )


def application(token: str, api_root: str) -> Application[Any, Any, Any, Any, Any, Any]:
    """The application :class:`PtbChannel` runs (no updater: the channel polls itself)."""
    return builder(token, api_root).updater(None).build()


class PtbChannel:
    """A running python-telegram-bot application wired to the engine."""

    def __init__(self, token: str, api_root: str, engine: Engine, sender_factory: Any) -> None:
        self.application = application(token, api_root)
        self.engine = engine
        self.sender: OutboxSender = sender_factory(PtbTransport(self.application.bot))
        self.application.add_handler(TypeHandler(PtbUpdate, self.on_update))
        self.application.add_error_handler(self.on_error)
        self._stopping = asyncio.Event()
        self._polling: asyncio.Task[None] | None = None

    async def on_update(self, update: PtbUpdate, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Translate, let the engine decide, answer the button, edit the pressed message."""
        event = translate(update)
        query = update.callback_query
        if event is None:
            return
        answer = None if query is None else self._answerer(query)
        await run_event(self.engine, self.sender, event, answer=answer, edit=self.edit)

    @staticmethod
    def _answerer(query: Any) -> Any:
        async def answer(text: str) -> None:
            try:
                await query.answer(text or None)
            except TelegramError as exc:  # too old or already answered: nothing to do
                log.info("callback answer failed: %s", exc)

        return answer

    async def edit(self, action: Edit) -> None:
        try:
            await self.application.bot.edit_message_text(
                action.text,
                chat_id=action.chat_id,
                message_id=int(action.message_ref),
                reply_markup=keyboard(action.buttons),
            )
        except TelegramError as exc:
            log.info("edit failed (message gone or unchanged): %s", exc)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("update failed", exc_info=context.error)

    async def set_commands(self, staff_chats: list[int]) -> None:
        bot = self.application.bot
        await bot.set_my_commands([BotCommand(c, d) for c, d in command_menu(RESIDENT_COMMANDS)])
        staff_menu = [BotCommand(c, d) for c, d in command_menu(STAFF_COMMANDS)]
        for chat_id in staff_chats:
            try:
                await bot.set_my_commands(staff_menu, scope=BotCommandScopeChat(chat_id))
            except TelegramError as exc:
                log.info("staff command menu for %s failed: %s", chat_id, exc)

    async def start(self, staff_chats: list[int], *, poll_timeout: int = 10) -> None:
        await self.application.initialize()
        await self.set_commands(staff_chats)
        await self.application.start()
        await self.application.bot.delete_webhook()
        self._stopping = asyncio.Event()
        self._polling = asyncio.create_task(self._poll(poll_timeout))

    async def _poll(self, timeout: int) -> None:
        """Long polling that confirms an update (by the next offset) only after handling it, so
        a crash never drops an update that was fetched but not yet handled. (PTB's own Updater
        confirms a batch when it fetches the next one, while the batch may still be queued.)"""
        offset: int | None = None
        bot = self.application.bot
        while not self._stopping.is_set():
            fetch = asyncio.ensure_future(
                bot.get_updates(offset=offset, timeout=timeout, allowed_updates=PtbUpdate.ALL_TYPES)
            )
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not fetch.done():
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
                return
            try:
                updates = fetch.result()
            except PtbRetryAfter as exc:
                await asyncio.sleep(retry_seconds(exc))
                continue
            except TelegramError as exc:
                log.warning("getUpdates failed: %s", exc)
                await asyncio.sleep(1.0)
                continue
            for update in updates:
                await self.application.process_update(update)
                offset = update.update_id + 1

    async def start_webhook(self, staff_chats: list[int], url: str, secret: str) -> None:
        """Tell Telegram where to post updates; :meth:`feed` processes each one."""
        await self.application.initialize()
        await self.set_commands(staff_chats)
        await self.application.start()
        await self.application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=PtbUpdate.ALL_TYPES
        )

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one update received by the webhook server."""
        update = PtbUpdate.de_json(data, self.application.bot)
        if update is not None:
            await self.application.process_update(update)

    async def stop_updates(self) -> None:
        """Stop taking updates and finish those in hand (sending still works)."""
        if self._polling is not None:
            self._stopping.set()
            await asyncio.gather(self._polling, return_exceptions=True)

    async def close(self) -> None:
        """Close the connections (after the outbox was flushed)."""
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()
