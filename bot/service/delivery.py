"""What happens when a person cannot be reached (they blocked the bot or left Telegram)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, col, select

from bot.domain.lifecycle import Action
from bot.domain.permissions import Actor, ActorRole
from bot.service.actions import act
from bot.service.context import Mailer, Services
from storage import repositories as repo
from storage.enums import OPEN_STATUSES
from storage.models import Ticket

SYSTEM = Actor(ActorRole.SYSTEM)


def mark_unreachable(
    session: Session, services: Services, *, chat_id: int, now: datetime, reason: str
) -> list[str]:
    """Mark whoever uses ``chat_id`` unreachable, drop their queued messages, and hand a staff
    member's open tickets to the next person of the chain; returns the re-routed ticket codes."""
    repo.give_up_chat(session, chat_id=chat_id, error=reason)
    staff = repo.staff_by_chat_id(session, chat_id=chat_id)
    if staff is None:
        resident = repo.resident_by_chat_id(session, chat_id=chat_id)
        if resident is not None and resident.unreachable_since is None:
            resident.unreachable_since = now
        return []
    if staff.unreachable_since is None:
        staff.unreachable_since = now
    statement = select(Ticket).where(
        Ticket.assignee_id == staff.id, col(Ticket.status).in_(OPEN_STATUSES)
    )
    mailer = Mailer(session, now)
    moved = []
    for ticket in session.exec(statement):
        if act(mailer, services, actor=SYSTEM, ticket=ticket, action=Action.REASSIGN).ok:
            moved.append(ticket.code or "")
    return moved
