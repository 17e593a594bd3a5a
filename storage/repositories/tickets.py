"""Tickets, their events and the labelled examples they produce."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.enums import OPEN_STATUSES, ActorKind, ExampleSource, TicketStatus
from storage.models import LabelledExample, Ticket, TicketEvent


def ticket_by_id(session: Session, *, ticket_id: int) -> Ticket | None:
    """The ticket with this id."""
    return session.get(Ticket, ticket_id)


def ticket_by_code(session: Session, *, code: str) -> Ticket | None:
    """The ticket with this code (e.g. "F-000123"); case-insensitive."""
    return session.exec(select(Ticket).where(Ticket.code == code.strip().upper())).first()


def assign_ticket_code(session: Session, *, ticket: Ticket, prefix: str) -> str:
    """Give `ticket` its code, `{prefix}-{id:06d}`; flushes to obtain the id."""
    if ticket.id is None:
        session.add(ticket)
        session.flush()
    assert ticket.id is not None
    ticket.code = f"{prefix.upper()}-{ticket.id:06d}"
    session.flush()
    return ticket.code


def tickets_of_resident(session: Session, *, resident_id: int, limit: int = 20) -> list[Ticket]:
    """A resident's tickets, newest first."""
    statement = (
        select(Ticket)
        .where(Ticket.reporter_id == resident_id)
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))


def _next_due() -> sa.ColumnElement[datetime]:
    """The sign-off deadline until accepted, then the resolution deadline."""
    return sa.case(
        (col(Ticket.accepted_at).is_(None), col(Ticket.signoff_due_at)),
        else_=col(Ticket.resolve_due_at),
    )


def _open_tickets(*criteria: Any) -> Any:
    return (
        select(Ticket)
        .where(col(Ticket.status).in_(OPEN_STATUSES), *criteria)
        .order_by(
            col(Ticket.urgent).desc(),
            _next_due().asc().nulls_last(),
            col(Ticket.created_at),
            col(Ticket.id),
        )
    )


def open_tickets_for_assignee(session: Session, *, staff_id: int) -> list[Ticket]:
    """Open tickets assigned to a staff member: urgent first, then earliest due."""
    return list(session.exec(_open_tickets(Ticket.assignee_id == staff_id)))


def open_tickets_for_grid(session: Session, *, grid_id: int) -> list[Ticket]:
    """Open tickets of a grid: urgent first, then earliest due."""
    return list(session.exec(_open_tickets(Ticket.grid_id == grid_id)))


def add_event(
    session: Session,
    *,
    ticket_id: int,
    kind: str,
    at: datetime,
    actor_kind: ActorKind,
    actor_id: int | None = None,
    from_status: TicketStatus | None = None,
    to_status: TicketStatus | None = None,
    details: dict[str, Any] | None = None,
) -> TicketEvent:
    """Record one change of a ticket."""
    event = TicketEvent(
        ticket_id=ticket_id,
        kind=kind,
        at=at,
        actor_kind=actor_kind,
        actor_id=actor_id,
        from_status=from_status,
        to_status=to_status,
        details=details or {},
    )
    session.add(event)
    return event


def events_of_ticket(session: Session, *, ticket_id: int) -> list[TicketEvent]:
    """A ticket's events in the order they happened."""
    statement = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket_id)
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
    )
    return list(session.exec(statement))


def add_labelled_example(
    session: Session,
    *,
    text: str,
    label: str,
    source: ExampleSource,
    now: datetime,
    previous_label: str | None = None,
    ticket_id: int | None = None,
) -> LabelledExample:
    """Keep a confirmed or corrected classification for retraining."""
    example = LabelledExample(
        text=text,
        label=label,
        previous_label=previous_label,
        source=source,
        ticket_id=ticket_id,
        created_at=now,
    )
    session.add(example)
    return example


def claim_due_reminders(session: Session, *, now: datetime, limit: int) -> list[Ticket]:
    """Tickets whose next reminder is due, locked for this sweep (others skip them)."""
    statement = (
        select(Ticket)
        .where(col(Ticket.next_reminder_at).is_not(None), col(Ticket.next_reminder_at) <= now)
        .order_by(col(Ticket.next_reminder_at), col(Ticket.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.exec(statement))


def upcoming_deadlines(session: Session, *, until: datetime) -> list[Ticket]:
    """Open tickets with a sign-off or resolution deadline before ``until``, soonest first."""
    due = sa.case(
        (col(Ticket.accepted_at).is_(None), col(Ticket.signoff_due_at)),
        else_=col(Ticket.resolve_due_at),
    )
    statement = (
        select(Ticket).where(col(Ticket.status).in_(OPEN_STATUSES), due <= until).order_by(due)
    )
    return list(session.exec(statement))
