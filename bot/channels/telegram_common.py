"""What both Telegram channels share: the command menu and running one update through the engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from bot.channels.delivery import OutboxSender
from bot.dialogue.engine import Engine
from bot.dialogue.events import Action, Answer, Edit, Incoming, Kind
from bot.texts import text

CHANNEL = "telegram"
RESIDENT_COMMANDS = ("start", "my", "help", "cancel", "lang", "forget")
STAFF_COMMANDS = ("tasks", "my", "join", "stats", "help", "cancel")


def command_menu(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(command, description)`` pairs for the Telegram command menu."""
    return [(name, text(f"cmd_{name}")) for name in names]


def translate_message(message: Any, update_id: int | None) -> Incoming | None:
    """The engine event for a message (None outside private chats). Both frameworks mirror the
    Bot API's field names, so one translation serves python-telegram-bot and aiogram."""
    user = message.from_user
    if message.chat.type != "private" or user is None:
        return None
    base: dict[str, Any] = {
        "chat_id": message.chat.id,
        "user_id": user.id,
        "update_id": update_id,
        "display_name": user.full_name,
    }
    if message.text is not None:
        kind = Kind.COMMAND if message.text.startswith("/") else Kind.TEXT
        return Incoming(kind, text=message.text, **base)
    if message.photo:
        return Incoming(
            Kind.PHOTO, text=message.caption or "", photo_file_id=message.photo[-1].file_id, **base
        )
    if message.location is not None:
        loc = message.location
        return Incoming(Kind.LOCATION, latitude=loc.latitude, longitude=loc.longitude, **base)
    if message.contact is not None and message.contact.user_id == user.id:
        return Incoming(Kind.CONTACT, phone=message.contact.phone_number, **base)
    return Incoming(Kind.OTHER, **base)


def translate_query(query: Any, update_id: int | None) -> Incoming:
    """The engine event for a pressed button (its data is only a claim; the core checks it)."""
    message = query.message
    chat_id = message.chat.id if message is not None else query.from_user.id
    ref = str(message.message_id) if message is not None else None
    return Incoming(
        Kind.BUTTON,
        chat_id,
        query.from_user.id,
        data=query.data or "",
        message_ref=ref,
        update_id=update_id,
    )


async def run_event(
    engine: Engine,
    sender: OutboxSender,
    event: Incoming,
    *,
    answer: Callable[[str], Awaitable[None]] | None,
    edit: Callable[[Edit], Awaitable[None]],
) -> list[Action]:
    """Let the engine handle ``event``, answer a pressed button at once, edit the pressed
    message, and wake the outbox sender.

    On embedded SQLite, texts and button presses (a few milliseconds each) run on the event loop
    itself: handing them to a worker thread cost more CPU, in switching the GIL, than the turn
    (python-telegram-bot: 107 → 144 updates/s). On PostgreSQL a turn waits for network round
    trips, so it runs in a worker thread and the loop keeps sending meanwhile (p99 at 50
    updates/s 200 → 30 ms). Commands, which may draw a chart or build a file, always run in a
    worker thread. A turn on the loop never waits for SQLite's write lock: while another writer
    (a sweep, a command, another process) holds it, the turn goes to a worker thread instead, so
    the loop keeps sending, and reading 429s, meanwhile."""
    actions = None
    if engine.turns_on_loop and event.kind != Kind.COMMAND:
        actions = engine.handle_without_waiting(event)
    if actions is None:
        actions = await asyncio.to_thread(engine.handle, event)
    answers = [a.text for a in actions if isinstance(a, Answer)]
    if answer is not None:
        await answer(answers[0] if answers else "")
    for action in actions:
        if isinstance(action, Edit):
            await edit(action)
    sender.wakeup.set()
    return actions
