"""Privacy queries: who and what is past retention, and erasing free text around tickets.

Erasing replaces text with a marker and keeps every id, category, time and number, so the
statistics and the audit trail still add up. Rows are changed through the ORM (tickets keep
their optimistic version check); nothing here decides *what* is personal beyond free text.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, delete, select

from storage.enums import OutboxStatus, TicketStatus
from storage.models import (
    AuditEntry,
    ConversationState,
    LabelledExample,
    OutboxMessage,
    Resident,
    Ticket,
    TicketEvent,
    TicketFollower,
)

FREE_TEXT_KEYS = frozenset({"note", "question", "answer", "text", "comment", "message"})
"""Keys of ticket event details that hold what people wrote (any event kind)."""
FREE_TEXT_BY_KIND = {"return": frozenset({"reason"})}
"""Keys that are free text only for one event kind (``reason`` of an assignment is a rule)."""
REPORTER_FORGOTTEN = "reporter_forgotten"
"""Ticket event kind: the reporter of a still open ticket asked to be forgotten."""


def _not_closed_ticket_of(resident_id: Any) -> Any:
    return sa.exists().where(
        col(Ticket.reporter_id) == resident_id, col(Ticket.status) != TicketStatus.CLOSED
    )


def residents_past_retention(session: Session, *, cutoff: datetime) -> list[Resident]:
    """Residents not yet anonymised, quiet since before ``cutoff`` and with nothing open.

    Quiet: the row, their chat's dialogue state and their tickets (created, closed) are older
    than ``cutoff``; nothing open: no ticket of theirs or ticket they follow is unclosed.
    """
    recent_ticket = sa.exists().where(
        col(Ticket.reporter_id) == Resident.id,
        sa.or_(col(Ticket.created_at) >= cutoff, col(Ticket.closed_at) >= cutoff),
    )
    recent_chat = sa.exists().where(
        col(ConversationState.chat_id) == Resident.chat_id,
        col(ConversationState.updated_at) >= cutoff,
    )
    open_follow = sa.exists().where(
        col(TicketFollower.resident_id) == Resident.id,
        col(TicketFollower.ticket_id) == Ticket.id,
        col(Ticket.status) != TicketStatus.CLOSED,
    )
    statement = select(Resident).where(
        col(Resident.anonymised_at).is_(None),
        col(Resident.created_at) < cutoff,
        col(Resident.updated_at) < cutoff,
        ~_not_closed_ticket_of(Resident.id),
        ~recent_ticket,
        ~recent_chat,
        ~open_follow,
    )
    return list(session.exec(statement.order_by(col(Resident.id))))


def tickets_to_anonymise(session: Session, *, cutoff: datetime) -> list[Ticket]:
    """Closed tickets not yet anonymised: closed before ``cutoff``, or of a forgotten reporter."""
    forgotten_reporter = sa.exists().where(
        col(Resident.id) == Ticket.reporter_id, col(Resident.anonymised_at).is_not(None)
    )
    forgotten_event = sa.exists().where(
        col(TicketEvent.ticket_id) == Ticket.id, col(TicketEvent.kind) == REPORTER_FORGOTTEN
    )
    statement = select(Ticket).where(
        col(Ticket.status) == TicketStatus.CLOSED,
        col(Ticket.anonymised_at).is_(None),
        sa.or_(col(Ticket.closed_at) < cutoff, forgotten_reporter, forgotten_event),
    )
    return list(session.exec(statement.order_by(col(Ticket.id))))


def tickets_reported_by(session: Session, *, resident_id: int) -> list[Ticket]:
    """Every ticket a resident reported, oldest first."""
    statement = select(Ticket).where(col(Ticket.reporter_id) == resident_id)
    return list(session.exec(statement.order_by(col(Ticket.id))))


def forget_requests(session: Session) -> list[Resident]:
    """Residents who asked to be forgotten and are not anonymised yet, oldest request first."""
    statement = select(Resident).where(
        col(Resident.forget_requested_at).is_not(None), col(Resident.anonymised_at).is_(None)
    )
    return list(session.exec(statement.order_by(col(Resident.forget_requested_at))))


def scrub_details(kind: str, details: dict[str, Any], marker: str) -> dict[str, Any] | None:
    """``details`` with free text replaced by ``marker``; None when there is nothing to erase."""
    keys = FREE_TEXT_KEYS | FREE_TEXT_BY_KIND.get(kind, frozenset())
    hits = [k for k, v in details.items() if k in keys and v not in (None, "", marker)]
    return {**details, **dict.fromkeys(hits, marker)} if hits else None


def scrub_events(session: Session, *, ticket_ids: Collection[int], marker: str) -> int:
    """Erase the free text of these tickets' events; returns how many events changed."""
    changed = 0
    for chunk in _chunks(ticket_ids):
        statement = select(TicketEvent).where(col(TicketEvent.ticket_id).in_(chunk))
        for event in session.exec(statement):
            scrubbed = scrub_details(event.kind, dict(event.details), marker)
            if scrubbed is not None:
                event.details = scrubbed
                changed += 1
    session.flush()
    return changed


def scrub_examples(session: Session, *, ticket_ids: Collection[int], marker: str) -> int:
    """Erase the text of labelled examples taken from these tickets (labels are kept)."""
    changed = 0
    for chunk in _chunks(ticket_ids):
        statement = select(LabelledExample).where(
            col(LabelledExample.ticket_id).in_(chunk), col(LabelledExample.text) != marker
        )
        for example in session.exec(statement):
            example.text = marker
            changed += 1
    session.flush()
    return changed


def scrub_outbox(session: Session, *, ticket_ids: Collection[int], marker: str) -> int:
    """Erase text and attachment of sent (or abandoned) messages about these tickets; messages
    still to be sent are left alone. Returns how many changed."""
    changed = 0
    for chunk in _chunks(ticket_ids):
        statement = select(OutboxMessage).where(
            col(OutboxMessage.status) != OutboxStatus.PENDING,
            col(OutboxMessage.ticket_id).in_(chunk),
            sa.or_(col(OutboxMessage.text) != marker, col(OutboxMessage.attachment).is_not(None)),
        )
        for message in session.exec(statement):
            message.text, message.attachment, message.attachment_name = marker, None, None
            changed += 1
    session.flush()
    return changed


def delete_outbox(
    session: Session, *, chat_ids: Collection[int] = (), before: datetime | None = None
) -> int:
    """Delete sent (or abandoned) messages to these chats or created before ``before``."""
    where: list[sa.ColumnElement[bool]] = [
        col(OutboxMessage.chat_id).in_(chunk) for chunk in _chunks(chat_ids)
    ]
    if before is not None:
        where.append(col(OutboxMessage.created_at) < before)
    if not where:
        return 0
    statement = delete(OutboxMessage).where(
        col(OutboxMessage.status) != OutboxStatus.PENDING, sa.or_(*where)
    )
    return int(session.exec(statement).rowcount)


def delete_conversations(session: Session, *, chat_ids: Collection[int]) -> int:
    """Forget the dialogue state (drafts, locations) of these chats on every channel."""
    deleted = 0
    for chunk in _chunks(chat_ids):
        result = session.exec(
            delete(ConversationState).where(col(ConversationState.chat_id).in_(chunk))
        )
        deleted += int(result.rowcount)
    return deleted


def delete_follows(session: Session, *, resident_ids: Collection[int]) -> int:
    """Stop these residents following other people's tickets."""
    deleted = 0
    for chunk in _chunks(resident_ids):
        statement = delete(TicketFollower).where(col(TicketFollower.resident_id).in_(chunk))
        deleted += int(session.exec(statement).rowcount)
    return deleted


def add_audit_entry(
    session: Session, *, actor: str, action: str, now: datetime, details: dict[str, Any]
) -> AuditEntry:
    """Record a privacy action (``details`` must hold pseudonymous ids and counts only)."""
    entry = AuditEntry(at=now, actor=actor, action=action, details=details)
    session.add(entry)
    session.flush()
    return entry


def audit_entries(session: Session, *, action_prefix: str = "") -> list[AuditEntry]:
    """Audit entries whose action starts with ``action_prefix``, oldest first."""
    statement = select(AuditEntry).where(col(AuditEntry.action).startswith(action_prefix))
    return list(session.exec(statement.order_by(col(AuditEntry.at), col(AuditEntry.id))))


def _chunks(values: Iterable[int], size: int = 500) -> list[list[int]]:
    """Id lists small enough for one ``IN (...)`` on every database."""
    items = list(values)
    return [items[i : i + size] for i in range(0, len(items), size)]
