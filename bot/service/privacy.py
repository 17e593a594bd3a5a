"""Privacy: anonymise residents and closed tickets past retention, and forget a resident on request.

Anonymising erases what identifies a person — names, phone, address, exact location, the chat
link, ticket text, photos, places, staff notes, free text in the audit trail — and keeps what the
statistics need: category, grid, residence type, times, statuses, ratings, counts. The marker
``[已匿名]`` replaces erased text; ``anonymised_at`` marks the rows, so a second run changes
nothing. Every purge, request and decision writes an audit entry with pseudonymous ids only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from storage.enums import ActorKind, TicketStatus
from storage.models import Resident, Ticket
from storage.repositories import add_event
from storage.repositories import privacy as repo

ANONYMISED = "[已匿名]"
PSEUDONYM_BASE = -(2**62)
"""Anonymised residents get chat id ``PSEUDONYM_BASE - id``: no Telegram chat is that low."""


@dataclass(frozen=True)
class Report:
    """What an anonymisation changed (or, in a dry run, would change)."""

    residents: int = 0
    tickets: int = 0
    detached_open_tickets: int = 0
    events: int = 0
    messages: int = 0
    examples: int = 0
    conversations: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def pseudonymous_chat_id(resident_id: int) -> int:
    """The chat id an anonymised resident keeps (unique, never a real chat)."""
    return PSEUDONYM_BASE - resident_id


def anonymise_resident(resident: Resident, now: datetime) -> int:
    """Erase a resident's personal fields; returns their former chat id."""
    assert resident.id is not None
    chat_id = resident.chat_id
    resident.display_name = resident.phone = resident.address = None
    resident.latitude = resident.longitude = None
    resident.chat_id = pseudonymous_chat_id(resident.id)
    resident.unreachable_since = resident.unreachable_since or now
    resident.anonymised_at = resident.updated_at = now
    return chat_id


def anonymise_ticket(ticket: Ticket, now: datetime) -> None:
    """Erase a closed ticket's text, photos, place, exact location and staff notes."""
    ticket.text = ANONYMISED
    ticket.photo_file_ids = []
    ticket.place = ticket.latitude = ticket.longitude = None
    if ticket.resolution_note:
        ticket.resolution_note = ANONYMISED
    if ticket.return_reason:
        ticket.return_reason = ANONYMISED
    ticket.anonymised_at = now


def _erase(
    session: Session,
    now: datetime,
    residents: list[Resident],
    tickets: list[Ticket],
    *,
    before: datetime | None = None,
) -> Report:
    """Anonymise ``residents`` and ``tickets`` and erase the text around them."""
    chats = [anonymise_resident(resident, now) for resident in residents]
    for ticket in tickets:
        anonymise_ticket(ticket, now)
    session.flush()
    ids = [t.id for t in tickets if t.id is not None]
    return Report(
        residents=len(residents),
        tickets=len(tickets),
        events=repo.scrub_events(session, ticket_ids=ids, marker=ANONYMISED),
        examples=repo.scrub_examples(session, ticket_ids=ids, marker=ANONYMISED),
        messages=repo.scrub_outbox(session, ticket_ids=ids, marker=ANONYMISED)
        + repo.delete_outbox(session, chat_ids=chats, before=before),
        conversations=repo.delete_conversations(session, chat_ids=chats),
    )


def purge(session: Session, *, now: datetime, older_than: timedelta, actor: str = "cli") -> Report:
    """Anonymise residents and closed tickets past ``older_than``; writes one audit entry.

    Closed tickets of residents who were forgotten are anonymised whatever their age.
    """
    cutoff = now - older_than
    residents = repo.residents_past_retention(session, cutoff=cutoff)
    for resident in residents:
        assert resident.id is not None
        repo.delete_follows(session, resident_ids=[resident.id])
    session.flush()
    tickets = repo.tickets_to_anonymise(session, cutoff=cutoff)
    report = _erase(session, now, residents, tickets, before=cutoff)
    details: dict[str, Any] = {
        "older_than_days": older_than.days,
        "cutoff": cutoff.isoformat(),
        **report.as_dict(),
    }
    repo.add_audit_entry(session, actor=actor, action="privacy.purge", now=now, details=details)
    return report


def request_forget(session: Session, resident: Resident, now: datetime) -> None:
    """Record that a resident asked to be forgotten (the chair decides)."""
    resident.forget_requested_at = now
    repo.add_audit_entry(
        session,
        actor=f"resident:{resident.id}",
        action="privacy.forget_requested",
        now=now,
        details={"resident_id": resident.id},
    )


def forget(session: Session, resident: Resident, *, now: datetime, actor: str) -> Report:
    """Anonymise a resident and their closed tickets; their unclosed tickets go on anonymously.

    An unclosed ticket keeps its text, photos and place so the problem can still be solved, but
    loses its link to the reporter (who is no longer told of progress) and gets a
    ``reporter_forgotten`` event; it is anonymised by the first purge after it closes.
    """
    assert resident.id is not None
    tickets = repo.tickets_reported_by(session, resident_id=resident.id)
    unclosed = [t for t in tickets if t.status != TicketStatus.CLOSED]
    for ticket in unclosed:
        assert ticket.id is not None
        ticket.reporter_id, ticket.anonymous, ticket.updated_at = None, True, now
        add_event(session, ticket_id=ticket.id, kind=repo.REPORTER_FORGOTTEN, at=now,
                  actor_kind=ActorKind.SYSTEM, details={"resident_id": resident.id})  # fmt: skip
    repo.delete_follows(session, resident_ids=[resident.id])
    closed = [t for t in tickets if t.status == TicketStatus.CLOSED and t.anonymised_at is None]
    report = _erase(session, now, [resident], closed)
    unclosed_ids = [t.id for t in unclosed if t.id is not None]
    messages = repo.scrub_outbox(session, ticket_ids=unclosed_ids, marker=ANONYMISED)
    report = Report(**{**report.as_dict(), "detached_open_tickets": len(unclosed),
                       "messages": report.messages + messages})  # fmt: skip
    details = {"resident_id": resident.id, **report.as_dict()}
    repo.add_audit_entry(session, actor=actor, action="privacy.forget", now=now, details=details)
    return report


def decline_forget(session: Session, resident: Resident, *, now: datetime, actor: str) -> None:
    """The chair keeps the resident's data: the request is withdrawn and recorded."""
    resident.forget_requested_at = None
    repo.add_audit_entry(
        session,
        actor=actor,
        action="privacy.forget_declined",
        now=now,
        details={"resident_id": resident.id},
    )
