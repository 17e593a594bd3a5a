"""What every use case needs: the community, the classifier, the clock, the outgoing messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlmodel import Session

from bot.community import Community
from bot.domain.calendar import IsWorkday
from nlp import Classification, Classifier
from storage import repositories as repo

Buttons = list[list[dict[str, str]]]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Services:
    """The long-lived collaborators, built once by the composition root."""

    community: Community
    classifier: Classifier | None = None
    """None where nothing is classified (administration, re-routing)."""
    clock: Callable[[], datetime] = utc_now
    is_workday: IsWorkday | None = None
    """Which days are working days (China's holidays and 调休); weekdays only when None."""

    def classify(self, text: str) -> Classification:
        """Classify a complaint (the classifier must have been given)."""
        if self.classifier is None:
            raise RuntimeError("this service was built without a classifier")
        return self.classifier.classify(text)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message written to the outbox in the current transaction."""

    chat_id: int
    text: str
    buttons: Buttons | None = None
    outbox_id: int | None = None


@dataclass
class Mailer:
    """Writes outgoing messages to the outbox and remembers them for the caller."""

    session: Session
    now: datetime
    sent: list[Outgoing] = field(default_factory=list)

    def send(
        self,
        chat_id: int | None,
        text: str,
        buttons: Buttons | None = None,
        *,
        ticket_id: int | None = None,
    ) -> None:
        """Queue ``text`` for ``chat_id`` (nobody bound → nothing to send)."""
        if chat_id is None:
            return
        row = repo.enqueue_message(
            self.session,
            chat_id=chat_id,
            text=text,
            now=self.now,
            buttons=buttons,
            ticket_id=ticket_id,
        )
        self.sent.append(Outgoing(chat_id, text, buttons, row.id))
