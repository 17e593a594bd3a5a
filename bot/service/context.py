"""What every use case needs: the community, the classifier, the clock, the outgoing messages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot.community import Community
from bot.domain.calendar import IsWorkday
from nlp import Classification, Classifier
from nlp.similarity import DEFAULT_THRESHOLD, default_similarity
from storage import repositories as repo
from storage.enums import OutboxKind

Buttons = list[list[dict[str, str]]]


def utc_now() -> datetime:
    return datetime.now(UTC)


if TYPE_CHECKING:
    from bot.settings import Settings

DEFAULT_DUPLICATE_WINDOW_HOURS = 168.0


@dataclass(frozen=True)
class DuplicatePolicy:
    """How far back to look for the same problem and how alike two reports must be."""

    window: timedelta = timedelta(hours=DEFAULT_DUPLICATE_WINDOW_HOURS)
    threshold: float = DEFAULT_THRESHOLD

    @classmethod
    def from_settings(cls, settings: Settings) -> DuplicatePolicy:
        return cls(timedelta(hours=settings.duplicate_window_hours), settings.duplicate_threshold)


@dataclass
class Services:
    """The long-lived collaborators, built once by the composition root."""

    community: Community
    classifier: Classifier | None = None
    """None where nothing is classified (administration, re-routing)."""
    clock: Callable[[], datetime] = utc_now
    is_workday: IsWorkday | None = None
    """Which days are working days (China's holidays and 调休); weekdays only when None."""
    duplicates: DuplicatePolicy = field(default_factory=DuplicatePolicy)

    def warm_up(self) -> None:
        """Load now what the first complaint would otherwise load (the classifier's dictionary
        and model, the duplicate comparer's word weights): about two seconds at start-up
        instead of on a resident's first message."""
        if self.classifier is not None:
            self.classifier.classify("楼道里的垃圾三天没人清理")
            default_similarity(self.classifier.segmenter).ready()

    def classify(self, text: str) -> Classification:
        """Classify a complaint (the classifier must have been given)."""
        if self.classifier is None:
            raise RuntimeError("this service was built without a classifier")
        return self.classifier.classify(text)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message written to the outbox in the current transaction; with an attachment, ``text``
    is its caption and ``kind`` says whether it is a photo or a document."""

    chat_id: int
    text: str
    buttons: Buttons | None = None
    outbox_id: int | None = None
    kind: OutboxKind = OutboxKind.SEND
    attachment: bytes | None = None
    attachment_name: str | None = None


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
        self._queue(chat_id, text, buttons=buttons, ticket_id=ticket_id)

    def send_file(
        self,
        chat_id: int | None,
        caption: str,
        data: bytes,
        name: str,
        kind: OutboxKind = OutboxKind.DOCUMENT,
    ) -> None:
        """Queue a photo or document with ``caption`` for ``chat_id``, in this transaction."""
        if kind not in (OutboxKind.PHOTO, OutboxKind.DOCUMENT):
            raise ValueError(f"a file is sent as a photo or a document, not {kind}")
        self._queue(chat_id, caption, kind=kind, attachment=data, attachment_name=name)

    def _queue(self, chat_id: int | None, text: str, **fields: Any) -> None:
        if chat_id is None:
            return
        queued = repo.enqueue_message(
            self.session, chat_id=chat_id, text=text, now=self.now, **fields
        )
        self.sent.append(
            Outgoing(
                chat_id,
                text,
                fields.get("buttons"),
                queued,
                fields.get("kind", OutboxKind.SEND),
                fields.get("attachment"),
                fields.get("attachment_name"),
            )
        )
