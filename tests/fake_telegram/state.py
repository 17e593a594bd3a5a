"""What the fake Telegram knows: the update queue, chats and messages, files, and the records.

Thread-safe: tests may inject and read from another thread than the server's event loop. Every
change that a waiting request could care about calls `changed()`, which the server wires to wake
its long polls and webhook delivery.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import updates as build

JSON = dict[str, Any]

# Telegram's default when allowed_updates was never set: all but these.
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class Call:
    """One request: `status` is the HTTP status answered, None while pending, 0 if dropped;
    `time` when it arrived and `answered` when the answer left (both ``time.monotonic()``)."""

    seq: int
    method: str
    params: JSON
    time: float
    status: int | None = None
    answered: float | None = None


@dataclass(frozen=True)
class Upload:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class SentMessage:
    seq: int
    method: str
    chat_id: int
    message_id: int
    text: str | None
    caption: str | None
    reply_markup: JSON | None
    parse_mode: str | None
    time: float
    message: JSON
    file_name: str | None = None
    """The name of an uploaded photo or document (as the multipart part gave it)."""
    file_size: int | None = None
    """The size in bytes of an uploaded photo or document."""


@dataclass(frozen=True)
class Edit:
    seq: int
    method: str
    chat_id: int
    message_id: int
    text: str | None
    reply_markup: JSON | None
    time: float


@dataclass(frozen=True)
class CallbackAnswer:
    seq: int
    callback_query_id: str
    text: str | None
    show_alert: bool
    time: float


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int


@dataclass(frozen=True)
class Delivery:
    """One webhook POST: `status` is the receiver's HTTP status, None if it could not be reached."""

    update_id: int
    status: int | None
    error: str | None
    time: float


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_name: str | None = None
    mime_type: str | None = None


@dataclass
class TelegramState:
    token: str
    clock: Callable[[], float] = time.time
    changed: Callable[[], None] = lambda: None
    lock: threading.RLock = field(default_factory=threading.RLock)
    next_update_id: int = 1000
    next_message_id: int = 1
    next_serial: int = 1
    users: dict[int, JSON] = field(default_factory=dict)
    chats: dict[int, JSON] = field(default_factory=dict)
    messages: dict[tuple[int, int], JSON] = field(default_factory=dict)
    pending: list[JSON] = field(default_factory=list)
    forced: set[int] = field(default_factory=set)
    history: dict[int, JSON] = field(default_factory=dict)
    allowed_updates: list[str] | None = None
    callback_ids: set[str] = field(default_factory=set)
    files: dict[str, StoredFile] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)
    callback_answers: list[CallbackAnswer] = field(default_factory=list)
    commands: dict[tuple[str, str], list[JSON]] = field(default_factory=dict)
    webhook: Webhook | None = None
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def bot(self) -> JSON:
        return build.bot_user(int(self.token.split(":")[0]), "gridvoice_test_bot")

    def now(self) -> int:
        return int(self.clock())

    def serial(self) -> int:
        with self.lock:
            self.next_serial += 1
            return self.next_serial - 1

    def new_message_id(self) -> int:
        with self.lock:
            self.next_message_id += 1
            return self.next_message_id - 1

    def user(self, user_id: int) -> JSON:
        with self.lock:
            return self.users.setdefault(user_id, build.user(user_id))

    def chat(self, chat_id: int) -> JSON:
        with self.lock:
            if chat_id in self.chats:
                return self.chats[chat_id]
            if chat_id in self.users:
                return build.private_chat(self.users[chat_id])
            return build.chat_for(chat_id)

    def remember(self, message: JSON) -> JSON:
        """Keep a message (the user's or the bot's) so edits and callbacks can find it."""
        with self.lock:
            self.chats.setdefault(message["chat"]["id"], message["chat"])
            self.messages[(message["chat"]["id"], message["message_id"])] = message
        return message

    def add_file(self, content: bytes, kind: str, **details: Any) -> StoredFile:
        file_id, unique_id = build.file_ids(self.serial(), kind)
        return self.keep_file(file_id, unique_id, content, kind, **details)

    def keep_file(
        self, file_id: str, unique_id: str, content: bytes, kind: str, **details: Any
    ) -> StoredFile:
        stored = StoredFile(file_id, unique_id, f"{kind}s/file_{unique_id}", content, **details)
        with self.lock:
            self.files[file_id] = stored
        return stored

    # The update queue, kept as Telegram keeps it: until confirmed by a later offset.

    def push(self, update: JSON) -> int:
        with self.lock:
            update_id = int(update.get("update_id", self.next_update_id))
            self.next_update_id = max(self.next_update_id, update_id + 1)
            stored = {"update_id": update_id, **update}
            self.history[update_id] = stored
            self.pending.append(stored)
            self.pending.sort(key=lambda u: u["update_id"])
        self.changed()
        return update_id

    def redeliver(self, update_id: int) -> None:
        """Queue an update again, to be delivered once even past the client's offset."""
        with self.lock:
            self.pending = [u for u in self.pending if u["update_id"] != update_id]
            self.forced.add(update_id)
        self.push(self.history[update_id])

    def confirm_below(self, offset: int) -> None:
        """What getUpdates' offset does: forget updates before it (negative: keep the last -n)."""
        with self.lock:
            if offset < 0:
                self.pending = self.pending[offset:]
            else:
                self.pending = [
                    u
                    for u in self.pending
                    if u["update_id"] >= offset or u["update_id"] in self.forced
                ]

    def take(self, limit: int, allowed: list[str] | None) -> list[JSON]:
        """The next updates to hand out; kinds the bot did not ask for are dropped."""
        with self.lock:
            if allowed is not None:  # an empty list goes back to the default
                self.allowed_updates = list(allowed) or None

            def wanted(update: JSON) -> bool:
                kind = next((key for key in update if key != "update_id"), "")
                if self.allowed_updates:
                    return kind in self.allowed_updates
                return kind not in NOT_BY_DEFAULT

            self.pending = [u for u in self.pending if wanted(u)]
            taken = self.pending[:limit]
            self.forced -= {u["update_id"] for u in taken}
            return taken

    def discard(self, update_id: int) -> None:
        """Forget one update: the webhook receiver took it."""
        with self.lock:
            self.pending = [u for u in self.pending if u["update_id"] != update_id]
            self.forced.discard(update_id)

    def drop_pending(self) -> None:
        with self.lock:
            self.pending.clear()
            self.forced.clear()

    def record(self, method: str, params: JSON) -> Call:
        with self.lock:
            call = Call(len(self.calls), method, params, time.monotonic())
            self.calls.append(call)
        self.changed()
        return call
