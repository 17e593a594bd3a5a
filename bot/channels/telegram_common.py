"""What both Telegram channels share: the command menu and running one update through the engine."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.channels.delivery import OutboxSender
from bot.dialogue.engine import Engine
from bot.dialogue.events import Action, Answer, Edit, Incoming
from bot.texts import text

CHANNEL = "telegram"
RESIDENT_COMMANDS = ("start", "my", "help", "cancel", "lang")
STAFF_COMMANDS = ("tasks", "my", "join", "help", "cancel")


def command_menu(names: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(command, description)`` pairs for the Telegram command menu."""
    return [(name, text(f"cmd_{name}")) for name in names]


async def run_event(
    engine: Engine,
    sender: OutboxSender,
    event: Incoming,
    *,
    answer: Callable[[str], Awaitable[None]] | None,
    edit: Callable[[Edit], Awaitable[None]],
) -> list[Action]:
    """Let the engine handle ``event`` (off the event loop: the database is synchronous), answer
    a pressed button at once, edit the pressed message, and wake the outbox sender."""
    actions = await asyncio.to_thread(engine.handle, event)
    answers = [a.text for a in actions if isinstance(a, Answer)]
    if answer is not None:
        await answer(answers[0] if answers else "")
    for action in actions:
        if isinstance(action, Edit):
            await edit(action)
    sender.wakeup.set()
    return actions
