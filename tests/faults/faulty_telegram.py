"""The fake Bot API server with the fault knobs these tests need, added by subclassing.

- counts how often each update was handed out by getUpdates (redelivery, updates in hand);
- drops a share of connections without an answer: sendMessage by a stable key (the chat, the
  text with its digits masked, the attempt number), so which message suffers which drops does not
  depend on timing; every other method by a seeded random draw;
- adds latency to every call, and a long delay to a share of sends (spikes; never dropped, as
  the client may have given up on them already).
"""

from __future__ import annotations

import hashlib
import random
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fake_telegram import FakeTelegram, FakeTelegramThread
from tests.fake_telegram.state import Call

JSON = dict[str, Any]
DIGITS = re.compile(r"\d")


@dataclass
class Trouble:
    """How bad the network is."""

    drop: float = 0.0
    latency: float = 0.0
    spike: float = 0.0
    spike_seconds: float = 0.0
    seed: int = 0

    def draw(self, chat_id: int, masked_text: str, attempt: int) -> float:
        """The drop draw of one attempt to send a text (digits masked) to a chat, in [0, 1)."""
        key = f"{self.seed}|{chat_id}|{masked_text}|{attempt}".encode()
        return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64


class FaultyTelegram(FakeTelegram):
    """A FakeTelegram with probabilistic faults and delivery counts."""

    def __init__(self, trouble: Trouble | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.trouble = trouble or Trouble()
        self.handed_out: Counter[int] = Counter()
        self.attempts: Counter[tuple[int, str]] = Counter()
        self.dropped: list[Call] = []
        self._random = random.Random(self.trouble.seed)
        self._guard = threading.Lock()

    def in_hand(self) -> int:
        """Updates handed out by getUpdates and not yet confirmed by a later offset."""
        with self.state.lock:
            return sum(1 for u in self.state.pending if self.handed_out[u["update_id"]])

    def _draw(self, call: Call) -> tuple[float, float]:
        """(a stable draw for dropping, a draw for a latency spike) for this call."""
        with self._guard:
            spike = self._random.random()
            if call.method != "sendMessage":
                return self._random.random(), spike
            key = (
                int(call.params.get("chat_id") or 0),
                DIGITS.sub("#", call.params.get("text", "")),
            )
            attempt = self.attempts[key]
            self.attempts[key] += 1
        return self.trouble.draw(key[0], key[1], attempt), spike

    async def _respond(self, call: Call) -> web.Response | None:
        trouble = self.trouble
        drop, spike = self._draw(call)
        spiked = call.method == "sendMessage" and spike < trouble.spike
        await self._pause(self._stopping, trouble.spike_seconds if spiked else trouble.latency)
        if drop < trouble.drop and not spiked:  # a client that gave up has no connection to drop
            with self._guard:
                self.dropped.append(call)
            return None
        return await super()._respond(call)

    async def _get_updates(self, params: JSON) -> list[JSON]:
        updates = await super()._get_updates(params)
        with self._guard:
            self.handed_out.update(u["update_id"] for u in updates)
        return updates


class FaultyTelegramThread(FakeTelegramThread):
    """``with FaultyTelegramThread(trouble) as fake:`` — a FaultyTelegram in its own thread."""

    def __init__(self, trouble: Trouble | None = None, **options: Any) -> None:
        super().__init__()
        self.fake = FaultyTelegram(trouble, **options)

    def __enter__(self) -> FaultyTelegram:
        fake = super().__enter__()
        assert isinstance(fake, FaultyTelegram)
        return fake
