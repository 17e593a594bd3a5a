"""What tests read back: calls, sent messages, edits, answers, commands, webhook; and waiting.

Mixed into FakeTelegram, which supplies `state` and `faults`. Every accessor returns a copy, so a
test can read while the server thread keeps recording. `since` takes a `mark()`: only calls made
after it count.
"""

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .faults import Faults, Violation
from .state import (
    Call,
    CallbackAnswer,
    Delivery,
    Edit,
    SentMessage,
    StoredFile,
    TelegramState,
    Webhook,
)

JSON = dict[str, Any]
T = TypeVar("T")


class Records:
    state: TelegramState
    faults: Faults

    def mark(self) -> int:
        """A point in the record: pass it as `since` to look only at later calls."""
        with self.state.lock:
            return len(self.state.calls)

    @property
    def calls(self) -> list[Call]:
        with self.state.lock:
            return list(self.state.calls)

    def calls_to(self, method: str, *, since: int = 0) -> list[Call]:
        return [call for call in self.calls[since:] if call.method == method]

    def sent_messages(self, chat_id: int | None = None, *, since: int = 0) -> list[SentMessage]:
        """Messages the bot sent (text, photo, document), oldest first."""
        with self.state.lock:
            sent = list(self.state.sent)
        return [m for m in sent if m.seq >= since and chat_id in (None, m.chat_id)]

    @property
    def edits(self) -> list[Edit]:
        with self.state.lock:
            return list(self.state.edits)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self.state.lock:
            return list(self.state.callback_answers)

    @property
    def commands(self) -> list[JSON]:
        """The commands set for the default scope and no language."""
        return self.commands_for()

    def commands_for(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        with self.state.lock:
            return list(self.state.commands.get(key, []))

    @property
    def webhook(self) -> Webhook | None:
        return self.state.webhook

    @property
    def webhook_deliveries(self) -> list[Delivery]:
        with self.state.lock:
            return list(self.state.deliveries)

    @property
    def files(self) -> dict[str, StoredFile]:
        """Every file Telegram knows, uploaded by the bot or injected, by file_id."""
        with self.state.lock:
            return dict(self.state.files)

    @property
    def violations(self) -> list[Violation]:
        with self.faults.lock:
            return list(self.faults.violations)

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        """A message as it is now (after edits), the bot's or a user's."""
        with self.state.lock:
            return self.state.messages.get((chat_id, message_id))

    def pending_updates(self) -> list[JSON]:
        """Updates not yet confirmed by an offset (or taken by the webhook)."""
        with self.state.lock:
            return list(self.state.pending)

    # Waiting for the bot to do something

    async def wait_for(
        self, predicate: Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        """The first answered call (since the mark) that satisfies the predicate."""
        return await poll_async(lambda: self._first(predicate, since), timeout, self._describe)

    def wait_for_sync(
        self, predicate: Callable[[Call], bool], timeout: float = 5.0, *, since: int = 0
    ) -> Call:
        return poll_sync(lambda: self._first(predicate, since), timeout, self._describe)

    async def wait_for_sent(
        self, chat_id: int | None = None, *, count: int = 1, timeout: float = 5.0, since: int = 0
    ) -> list[SentMessage]:
        """Wait until `count` messages were sent (to the chat, since the mark); return them all."""
        return await poll_async(lambda: self._sent(chat_id, count, since), timeout, self._describe)

    def wait_for_sent_sync(
        self, chat_id: int | None = None, *, count: int = 1, timeout: float = 5.0, since: int = 0
    ) -> list[SentMessage]:
        return poll_sync(lambda: self._sent(chat_id, count, since), timeout, self._describe)

    def _first(self, predicate: Callable[[Call], bool], since: int) -> Call | None:
        return next((c for c in self.calls[since:] if c.status is not None and predicate(c)), None)

    def _sent(self, chat_id: int | None, count: int, since: int) -> list[SentMessage] | None:
        sent = self.sent_messages(chat_id, since=since)
        return sent if len(sent) >= count else None

    def _describe(self) -> str:
        return ", ".join(f"{c.method}→{c.status}" for c in self.calls[-20:]) or "no calls"


async def poll_async(
    check: Callable[[], T | None], timeout: float, describe: Callable[[], str]
) -> T:
    deadline = time.monotonic() + timeout
    while (found := check()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing matched within {timeout}s; last calls: {describe()}")
        await asyncio.sleep(0.01)
    return found


def poll_sync(check: Callable[[], T | None], timeout: float, describe: Callable[[], str]) -> T:
    deadline = time.monotonic() + timeout
    while (found := check()) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing matched within {timeout}s; last calls: {describe()}")
        time.sleep(0.01)
    return found
