"""A comparable picture of the database: every row of the tables a test cares about."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from sqlmodel import select

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
from storage.unit_of_work import UnitOfWork

STATE_TABLES: tuple[type, ...] = (Ticket, TicketEvent, TicketFollower, Resident, LabelledExample)
"""What a refused action must not change (outbox and dialogue state are replies, not state)."""
ALL_TABLES: tuple[type, ...] = (*STATE_TABLES, OutboxMessage, ConversationState, AuditEntry)


def snapshot(
    make_uow: Callable[[], UnitOfWork], tables: Iterable[type] = STATE_TABLES
) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``tables`` as plain dicts, in id order."""
    picture: dict[str, list[dict[str, Any]]] = {}
    with make_uow() as uow:
        for model in tables:
            rows = uow.session.exec(select(model).order_by(model.id))  # type: ignore[attr-defined]
            picture[model.__name__] = [row.model_dump() for row in rows]
    return picture
