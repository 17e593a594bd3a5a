"""One turn of the conversation: the event, the person, their state and the replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from bot.dialogue.events import Answer, Edit, Incoming
from bot.domain.permissions import Actor, ActorRole
from bot.service.context import Buttons, Mailer, Services
from bot.texts import ZH, text
from storage.models import Resident, StaffMember


@dataclass
class Turn:
    """Everything a flow step needs; steps reply through it and change ``state``/``data``."""

    session: Session
    mailer: Mailer
    services: Services
    event: Incoming
    resident: Resident | None
    staff: StaffMember | None
    state: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    ephemeral: list[Answer | Edit] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.resident.language if self.resident else "zh"

    def t(self, key: str, **values: object) -> str:
        """A text in this person's language."""
        return text(key, self.lang, **values)

    def reply(self, key_or_text: str, buttons: Buttons | None = None, **values: object) -> None:
        """Send a text (a key of the texts module, or literal text) to this chat."""
        body = self.t(key_or_text, **values) if _is_key(key_or_text) else key_or_text
        self.mailer.send(self.event.chat_id, body, buttons)

    def answer(self, key: str = "") -> None:
        """Answer the pressed button (always done, even with nothing to say)."""
        self.ephemeral.append(Answer(self.t(key) if key else ""))

    def close_buttons(self, note: str) -> None:
        """Replace the pressed message's buttons with a note, so it cannot be pressed again."""
        if self.event.message_ref:
            self.ephemeral.append(Edit(self.event.chat_id, self.event.message_ref, note))

    def go(self, state: str, **data: Any) -> None:
        self.state, self.data = state, dict(data)

    @property
    def actor(self) -> Actor:
        """The acting person for permission checks, from the chat identity only."""
        if self.staff is not None:
            if str(self.staff.role) == "chair":
                return Actor(ActorRole.CHAIR, self.staff.id, self.staff.grid_id)
            role = ActorRole.GRID_LEADER if self.staff.is_grid_leader else ActorRole.STAFF
            return Actor(role, self.staff.id, self.staff.grid_id)
        return Actor(ActorRole.RESIDENT, self.resident.id if self.resident else None)


def _is_key(value: str) -> bool:
    return value in ZH
