"""The aiogram 3 channel: one router for private messages and button presses; translation only."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from bot.channels.delivery import OutboxSender, RetryAfter, TransientError, Unreachable
from bot.channels.telegram_common import (
    RESIDENT_COMMANDS,
    STAFF_COMMANDS,
    command_menu,
    run_event,
    translate_message,
    translate_query,
)
from bot.dialogue.engine import Engine
from bot.dialogue.events import Edit
from bot.service.context import Buttons
from storage.enums import OutboxKind

log = logging.getLogger(__name__)


def keyboard(buttons: Buttons | None) -> InlineKeyboardMarkup | None:
    """Our button rows as an inline keyboard."""
    if not buttons:
        return None
    rows = [
        [InlineKeyboardButton(text=b["text"], callback_data=b["data"]) for b in row]
        for row in buttons
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


@dataclass
class AiogramTransport:
    """Puts outbox messages on the wire with aiogram's bot."""

    bot: Bot

    async def send(self, chat_id: int, text: str, buttons: Buttons | None) -> None:
        await self._call(self.bot.send_message(chat_id, text, reply_markup=keyboard(buttons)))

    async def send_file(
        self, chat_id: int, caption: str, data: bytes, name: str, kind: OutboxKind
    ) -> None:
        """Upload a photo or a document (multipart, with its file name)."""
        upload = BufferedInputFile(data, filename=name)
        if kind == OutboxKind.PHOTO:
            await self._call(self.bot.send_photo(chat_id, upload, caption=caption or None))
        else:
            await self._call(self.bot.send_document(chat_id, upload, caption=caption or None))

    @staticmethod
    async def _call(request: Awaitable[Any]) -> None:
        """Make the request; aiogram's errors become the sender's."""
        try:
            await request
        except TelegramRetryAfter as exc:
            raise RetryAfter(float(exc.retry_after)) from exc
        except TelegramForbiddenError as exc:
            raise Unreachable(str(exc)) from exc
        except TelegramBadRequest as exc:
            if "chat not found" in str(exc).lower():
                raise Unreachable(str(exc)) from exc
            raise
        except TelegramAPIError as exc:
            raise TransientError(str(exc)) from exc


class AiogramChannel:
    """A running aiogram dispatcher wired to the engine."""

    def __init__(self, token: str, api_root: str, engine: Engine, sender_factory: Any) -> None:
        session = AiohttpSession(api=TelegramAPIServer.from_base(api_root.rstrip("/")))
        self.bot = Bot(token, session=session)
        self.engine = engine
        self.sender: OutboxSender = sender_factory(AiogramTransport(self.bot))
        self.dispatcher = Dispatcher()
        router = Router(name="gridvoice")
        router.message.register(self.on_message, F.chat.type == "private")
        router.callback_query.register(self.on_button)
        self.dispatcher.include_router(router)
        self._polling: asyncio.Task[None] | None = None

    async def on_message(self, message: Message, event_update: Any = None) -> None:
        event = translate_message(message, getattr(event_update, "update_id", None))
        if event is not None:
            await run_event(self.engine, self.sender, event, answer=None, edit=self.edit)

    async def on_button(self, query: CallbackQuery, event_update: Any = None) -> None:
        event = translate_query(query, getattr(event_update, "update_id", None))

        async def answer(text: str) -> None:
            try:
                await query.answer(text or None)
            except TelegramAPIError as exc:
                log.info("callback answer failed: %s", exc)

        await run_event(self.engine, self.sender, event, answer=answer, edit=self.edit)

    async def edit(self, action: Edit) -> None:
        try:
            await self.bot.edit_message_text(
                text=action.text,
                chat_id=action.chat_id,
                message_id=int(action.message_ref),
                reply_markup=keyboard(action.buttons),
            )
        except TelegramAPIError as exc:
            log.info("edit failed (message gone or unchanged): %s", exc)

    async def start(self, staff_chats: list[int], *, poll_timeout: int = 10) -> None:
        await self._set_commands(staff_chats)
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                polling_timeout=poll_timeout,
                handle_as_tasks=False,
                handle_signals=False,
                close_bot_session=False,
            )
        )

    async def _set_commands(self, staff_chats: list[int]) -> None:
        await self.bot.set_my_commands(
            [BotCommand(command=c, description=d) for c, d in command_menu(RESIDENT_COMMANDS)]
        )
        staff_menu = [BotCommand(command=c, description=d) for c, d in command_menu(STAFF_COMMANDS)]
        for chat_id in staff_chats:
            try:
                await self.bot.set_my_commands(
                    staff_menu, scope=BotCommandScopeChat(chat_id=chat_id)
                )
            except TelegramAPIError as exc:
                log.info("staff command menu for %s failed: %s", chat_id, exc)

    async def start_webhook(self, staff_chats: list[int], url: str, secret: str) -> None:
        """Tell Telegram where to post updates; :meth:`feed` processes each one."""
        await self._set_commands(staff_chats)
        allowed = self.dispatcher.resolve_used_update_types()
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed)

    async def feed(self, data: dict[str, Any]) -> None:
        """Process one update received by the webhook server."""
        await self.dispatcher.feed_raw_update(self.bot, data)

    async def stop_updates(self) -> None:
        """Stop taking updates and finish the one in hand (sending still works)."""
        if self._polling is not None:
            with contextlib.suppress(RuntimeError):  # polling had not started yet
                await self.dispatcher.stop_polling()
            await asyncio.gather(self._polling, return_exceptions=True)

    async def close(self) -> None:
        """Close the session (after the outbox was flushed)."""
        await self.bot.session.close()
