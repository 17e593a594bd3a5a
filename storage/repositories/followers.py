"""Followers of a ticket (residents who reported the same problem) and duplicate candidates."""

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

import sqlalchemy as sa
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


class CandidateRow(NamedTuple):
    """What the duplicate check needs of an open ticket (no full row, no JSON columns)."""

    id: int
    code: str | None
    category: str
    status: str
    text: str
    place: str | None
    reporter_id: int | None


def duplicate_candidates(
    session: Session,
    *,
    category: str,
    grid_id: int | None,
    place: str | None,
    since: datetime,
    limit: int = 50,
) -> list[CandidateRow]:
    """Open complaints of ``category`` created since ``since`` in the grid or naming the same
    place, not merged into another and not anonymised; newest first, at most ``limit``.

    One query per path (grid, place), each walking its index (grid or place, category,
    created_at) newest first: the cost stays bounded however many tickets are open."""
    paths = ([("grid", grid_id)] if grid_id is not None else []) + (
        [("place", place)] if place else []
    )
    found: dict[int, CandidateRow] = {}
    for path, key in paths:
        values = {"key": key, "category": category, "since": since}
        for row in session.execute(_candidates(path, limit), values):
            found.setdefault(row[0], CandidateRow(*row))
    return list(found.values()) if len(paths) < 2 else _newest(found.values(), limit)


@cache
def _candidates(path: str, limit: int) -> Any:
    """The candidate query of one path ("grid" or "place"), built once."""
    column = col(Ticket.grid_id) if path == "grid" else col(Ticket.place)
    return (
        sa.select(*_CANDIDATE_COLUMNS)
        .where(
            column == sa.bindparam("key"),
            col(Ticket.category) == sa.bindparam("category"),
            col(Ticket.created_at) >= sa.bindparam("since"),
            col(Ticket.kind) == TicketKind.COMPLAINT,
            col(Ticket.status).in_(OPEN_STATUSES),
            col(Ticket.duplicate_of_id).is_(None),
            col(Ticket.anonymised_at).is_(None),
        )
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
        .limit(limit)
    )


_CANDIDATE_COLUMNS = (
    col(Ticket.id),
    col(Ticket.code),
    col(Ticket.category),
    col(Ticket.status),
    col(Ticket.text),
    col(Ticket.place),
    col(Ticket.reporter_id),
)


def _newest(rows: Iterable[CandidateRow], limit: int) -> list[CandidateRow]:
    return sorted(rows, key=lambda row: -row.id)[:limit]
