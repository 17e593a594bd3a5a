"""Re-routing the open tickets of staff members who left the community file."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from bot.community import Community
from bot.domain.lifecycle import Action
from bot.domain.permissions import Actor, ActorRole
from bot.service.actions import act
from bot.service.context import Mailer, Services
from storage.enums import OPEN_STATUSES
from storage.models import Ticket
from storage.unit_of_work import UnitOfWork

SYSTEM = Actor(ActorRole.SYSTEM)


def reroute_open_tickets(
    uow: UnitOfWork, staff_ids: list[int], community: Community, now: datetime
) -> str:
    """Give every open ticket of ``staff_ids`` to whoever the routing picks now; one line back."""
    services = Services(community, clock=lambda: now)
    with uow:
        statement = select(Ticket).where(
            col(Ticket.assignee_id).in_(staff_ids), col(Ticket.status).in_(OPEN_STATUSES)
        )
        tickets = list(uow.session.exec(statement))
        mailer = Mailer(uow.session, now)
        moved = [
            ticket.code
            for ticket in tickets
            if act(mailer, services, actor=SYSTEM, ticket=ticket, action=Action.REASSIGN).ok
        ]
        uow.commit()
    return f"re-routed {len(moved)} open ticket(s): {', '.join(c for c in moved if c) or '-'}"
