"""Followers of a ticket (residents who reported the same problem) and duplicate candidates."""

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, select

from storage.enums import OPEN_STATUSES, TicketKind
from storage.models import Resident, Ticket, TicketFollower


def add_follower(session: Session, *, ticket_id: int, resident_id: int, now: datetime) -> bool:
    """Make the resident a follower of the ticket; False if they already follow it."""
    if is_follower(session, ticket_id=ticket_id, resident_id=resident_id):
        return False
    session.add(TicketFollower(ticket_id=ticket_id, resident_id=resident_id, created_at=now))
    session.flush()
    return True


def is_follower(session: Session, *, ticket_id: int, resident_id: int) -> bool:
    """Whether the resident follows the ticket."""
    statement = select(TicketFollower.id).where(
        TicketFollower.ticket_id == ticket_id, TicketFollower.resident_id == resident_id
    )
    return session.exec(statement).first() is not None


def followers_of(session: Session, *, ticket_id: int) -> list[Resident]:
    """The residents following a ticket, in the order they started."""
    statement = (
        select(Resident)
        .join(TicketFollower, col(TicketFollower.resident_id) == col(Resident.id))
        .where(TicketFollower.ticket_id == ticket_id)
        .order_by(col(TicketFollower.id))
    )
    return list(session.exec(statement))


def remove_followers(session: Session, *, ticket_id: int, resident_ids: Iterable[int]) -> None:
    """Stop these residents following the ticket (rows of others are kept)."""
    ids = list(resident_ids)
    if not ids:
        return
    statement = select(TicketFollower).where(
        TicketFollower.ticket_id == ticket_id, col(TicketFollower.resident_id).in_(ids)
    )
    for row in session.exec(statement):
        session.delete(row)
    session.flush()


def duplicate_candidates(
    session: Session,
    *,
    category: str,
    grid_id: int | None,
    place: str | None,
    since: datetime,
    limit: int = 50,
) -> list[Ticket]:
    """Open complaints of ``category`` created since ``since`` in the grid or naming the same
    place, not merged into another and not anonymised; newest first."""
    where = [col(Ticket.grid_id) == grid_id] if grid_id is not None else []
    if place:
        where.append(col(Ticket.place) == place)
    if not where:
        return []
    statement = (
        select(Ticket)
        .where(
            Ticket.category == category,
            Ticket.kind == TicketKind.COMPLAINT,
            col(Ticket.status).in_(OPEN_STATUSES),
            col(Ticket.created_at) >= since,
            col(Ticket.duplicate_of_id).is_(None),
            col(Ticket.anonymised_at).is_(None),
        )
        .where(where[0] if len(where) == 1 else where[0] | where[1])
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))
