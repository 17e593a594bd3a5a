"""Who may do what to which ticket: one place, checked on every action."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.lifecycle import Action


class ActorRole(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"
    GRID_LEADER = "grid_leader"
    CHAIR = "chair"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class Actor:
    """The person acting, as far as permissions care: identity from the transport, not buttons."""

    role: ActorRole
    id: int | None = None
    grid_id: int | None = None


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """The ticket fields permissions look at."""

    reporter_id: int | None
    grid_id: int | None
    assignee_id: int | None


RESIDENT_ACTIONS = frozenset({Action.CONFIRM, Action.REOPEN, Action.RATE, Action.PROVIDE_INFO})
ASSIGNEE_ACTIONS = frozenset(
    {
        Action.ACCEPT,
        Action.RESOLVE,
        Action.RETURN,
        Action.ESCALATE,
        Action.REQUEST_EXTENSION,
        Action.ASK_INFO,
    }
)
LEADER_ACTIONS = frozenset(
    {Action.ESCALATE, Action.APPROVE_EXTENSION, Action.REASSIGN, Action.ASSIGN, Action.RECATEGORISE}
)
STAFF_IN_GRID_ACTIONS = frozenset({Action.RECATEGORISE})


def may(actor: Actor, action: Action, ticket: TicketFacts) -> bool:
    """True when ``actor`` may apply ``action`` to ``ticket``."""
    if actor.role in (ActorRole.CHAIR, ActorRole.SYSTEM):
        return True
    if actor.role == ActorRole.RESIDENT:
        return (
            action in RESIDENT_ACTIONS and actor.id is not None and actor.id == ticket.reporter_id
        )
    is_assignee = actor.id is not None and actor.id == ticket.assignee_id
    in_grid = actor.grid_id is not None and actor.grid_id == ticket.grid_id
    if is_assignee and action in ASSIGNEE_ACTIONS:
        return True
    if actor.role == ActorRole.GRID_LEADER and in_grid and action in LEADER_ACTIONS:
        return True
    return in_grid and action in STAFF_IN_GRID_ACTIONS


def may_view(actor: Actor, ticket: TicketFacts) -> bool:
    """Residents see their own tickets; staff those of their grid or assigned to them."""
    if actor.role in (ActorRole.CHAIR, ActorRole.SYSTEM):
        return True
    if actor.role == ActorRole.RESIDENT:
        return actor.id is not None and actor.id == ticket.reporter_id
    return (actor.id is not None and actor.id == ticket.assignee_id) or (
        actor.grid_id is not None and actor.grid_id == ticket.grid_id
    )
