"""What a channel hands to the engine, and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.service.context import Buttons, Outgoing

MAX_TEXT_CHARS = 10_000
"""Longer messages are cut to this length before they are stored."""


class Kind(StrEnum):
    TEXT = "text"
    COMMAND = "command"
    BUTTON = "button"
    LOCATION = "location"
    PHOTO = "photo"
    CONTACT = "contact"
    OTHER = "other"
    """Stickers, voice, video, documents …: answered with a short usage reply."""


@dataclass(frozen=True, slots=True)
class Incoming:
    """One event from a person, already translated by the channel."""

    kind: Kind
    chat_id: int
    user_id: int
    text: str = ""
    data: str = ""
    """Button payload (never trusted: it names an action and a ticket, nothing more)."""
    latitude: float | None = None
    longitude: float | None = None
    photo_file_id: str | None = None
    phone: str | None = None
    display_name: str | None = None
    message_ref: str | None = None
    """The message a pressed button belongs to (to edit it)."""
    update_id: int | None = None

    @property
    def command(self) -> tuple[str, str]:
        """``("/start", "rest")`` for a command message."""
        head, _, rest = self.text.strip().partition(" ")
        return head.split("@")[0].lower(), rest.strip()


Send = Outgoing
"""A message to a chat (written to the outbox first)."""


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text (and buttons) of the message a button was pressed on."""

    chat_id: int
    message_ref: str
    text: str
    buttons: Buttons | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """The short answer to a button press (a toast)."""

    text: str = ""


Action = Send | Edit | Answer
