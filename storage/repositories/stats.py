"""Rows for the committee's statistics: one flat row per ticket, with its grid and reporter type."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.models import Grid, Resident, Ticket


@dataclass(frozen=True, slots=True)
class TicketRow:
    """What the statistics need of one ticket (no text, no names: nothing personal)."""

    grid_code: str | None
    category: str
    status: str
    reporter_type: str | None
    """The reporter's residence type; None for anonymous reports and reports without a resident."""
    created_at: datetime
    signoff_due_at: datetime | None = None
    accepted_at: datetime | None = None
    resolve_due_at: datetime | None = None
    resolved_at: datetime | None = None
    paused: bool = False
    rating: int | None = None
    reopen_count: int = 0
    return_count: int = 0


def ticket_rows(
    session: Session, *, since: datetime | None = None, grid_code: str | None = None
) -> list[TicketRow]:
    """Tickets reported since ``since`` (all when None), of one grid when ``grid_code`` is given.

    Tickets merged into another as duplicates are left out: each problem counts once.
    """
    columns: tuple[Any, ...] = (
        Grid.code, Ticket.category, Ticket.status, Ticket.anonymous, Resident.residence_type,
        Ticket.created_at, Ticket.signoff_due_at, Ticket.accepted_at, Ticket.resolve_due_at,
        Ticket.resolved_at, Ticket.paused_at, Ticket.rating, Ticket.reopen_count,
        Ticket.return_count,
    )  # fmt: skip
    statement = (
        sa.select(*(col(column) for column in columns))
        .select_from(Ticket)
        .outerjoin(Grid, col(Grid.id) == col(Ticket.grid_id))
        .outerjoin(Resident, col(Resident.id) == col(Ticket.reporter_id))
        .where(col(Ticket.duplicate_of_id).is_(None))
        .order_by(col(Ticket.id))
    )
    if since is not None:
        statement = statement.where(col(Ticket.created_at) >= since)
    if grid_code is not None:
        statement = statement.where(col(Grid.code) == grid_code)
    return [
        TicketRow(
            grid_code=code,
            category=category,
            status=str(status),
            reporter_type=None if anonymous or kind is None else str(kind),
            created_at=created,
            signoff_due_at=signoff_due,
            accepted_at=accepted,
            resolve_due_at=resolve_due,
            resolved_at=resolved,
            paused=paused is not None,
            rating=rating,
            reopen_count=reopens,
            return_count=returns,
        )
        for (
            code, category, status, anonymous, kind, created, signoff_due, accepted,
            resolve_due, resolved, paused, rating, reopens, returns,
        ) in session.connection().execute(statement)
    ]  # fmt: skip


def grid_names(session: Session) -> list[tuple[str, str]]:
    """``(code, name)`` of every active grid, in code order."""
    statement = select(Grid.code, Grid.name).where(col(Grid.active)).order_by(col(Grid.code))
    return [(code, name) for code, name in session.exec(statement)]
