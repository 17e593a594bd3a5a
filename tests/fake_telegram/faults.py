"""Faults the tests ask for: failed answers, dropped connections, delays, blocked chats, flood limits.

Failures and drops are queued and consumed in order, each by the first call it matches (a fault
for `method=None` matches any method). Delays are queued apart, so a call can be both delayed and
failed.
"""

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

SENDING = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVoice",
        "sendSticker",
        "sendLocation",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)
PHRASES = {
    400: "Bad Request",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": status, "description": ...}."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


@dataclass
class Fault:
    method: str | None
    kind: str  # "fail", "drop" or "delay"
    times: int | None  # None: every matching call until cleared
    error: ApiError | None = None
    seconds: float = 0.0

    def matches(self, method: str) -> bool:
        return self.method is None or self.method.lower() == method.lower()


@dataclass(frozen=True)
class Violation:
    """A send refused by the flood check: `scope` is "chat" (1/s per chat) or "bot" (30/s)."""

    method: str
    chat_id: int
    scope: str
    retry_after: int
    time: float


@dataclass
class Faults:
    enforce_limits: bool = False
    chat_interval: float = 1.0
    bot_per_second: int = 30
    lock: threading.Lock = field(default_factory=threading.Lock)
    queue: list[Fault] = field(default_factory=list)
    blocked: dict[int, str] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)
    last_send: dict[int, float] = field(default_factory=dict)
    recent_sends: deque[float] = field(default_factory=deque)

    def fail_next(
        self,
        method: str | None = None,
        status: int = 429,
        *,
        retry_after: int | None = 3,
        description: str | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next `times` matching calls with an error (429 carries retry_after)."""
        retry = retry_after if status == 429 else None
        text = description or PHRASES.get(status, f"Error {status}").format(retry_after=retry)
        self._queue(Fault(method, "fail", times, error=ApiError(status, text, retry)))

    def drop_next(self, method: str | None = None, n: int = 1) -> None:
        """Close the connection of the next `n` matching calls without answering."""
        self._queue(Fault(method, "drop", n))

    def delay(self, method: str | None, seconds: float, *, times: int | None = 1) -> None:
        """Hold the next `times` matching calls (None: all of them) for `seconds` first."""
        self._queue(Fault(method, "delay", times, seconds=seconds))

    def clear(self) -> None:
        with self.lock:
            self.queue.clear()

    def block_chat(self, chat_id: int, description: str | None = None) -> None:
        """Every call aimed at the chat answers 403 until it is unblocked."""
        default = PHRASES[403] if chat_id > 0 else "Forbidden: bot was kicked from the group chat"
        with self.lock:
            self.blocked[chat_id] = description or default

    def unblock_chat(self, chat_id: int) -> None:
        with self.lock:
            self.blocked.pop(chat_id, None)

    def next_delay(self, method: str) -> float:
        return sum(fault.seconds for fault in self._consume(method, ("delay",), first_only=True))

    def next_failure(self, method: str) -> Fault | None:
        taken = self._consume(method, ("fail", "drop"), first_only=True)
        return taken[0] if taken else None

    def refusal(self, method: str, chat_id: object) -> ApiError | None:
        """A blocked chat or a broken flood limit, checked for calls aimed at a chat."""
        if not isinstance(chat_id, int):
            return None
        with self.lock:
            if chat_id in self.blocked:
                return ApiError(403, self.blocked[chat_id])
            if self.enforce_limits and method in SENDING:
                return self._flood_check(method, chat_id, time.monotonic())
        return None

    def _flood_check(self, method: str, chat_id: int, now: float) -> ApiError | None:
        while self.recent_sends and now - self.recent_sends[0] >= 1.0:
            self.recent_sends.popleft()
        since_last = now - self.last_send.get(chat_id, -math.inf)
        if since_last < self.chat_interval:
            return self._violation(method, chat_id, "chat", self.chat_interval - since_last, now)
        if len(self.recent_sends) >= self.bot_per_second:
            return self._violation(method, chat_id, "bot", 1.0 - (now - self.recent_sends[0]), now)
        self.last_send[chat_id] = now
        self.recent_sends.append(now)
        return None

    def _violation(
        self, method: str, chat_id: int, scope: str, wait: float, now: float
    ) -> ApiError:
        retry_after = max(1, math.ceil(wait))
        self.violations.append(Violation(method, chat_id, scope, retry_after, now))
        return ApiError(429, PHRASES[429].format(retry_after=retry_after), retry_after)

    def _queue(self, fault: Fault) -> None:
        with self.lock:
            self.queue.append(fault)

    def _consume(
        self, method: str, kinds: tuple[str, ...], first_only: bool = False
    ) -> list[Fault]:
        taken: list[Fault] = []
        with self.lock:
            for fault in list(self.queue):
                if fault.kind not in kinds or not fault.matches(method):
                    continue
                taken.append(fault)
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.queue.remove(fault)
                if first_only:
                    break
        return taken
