"""The ticket life cycle: which action may move a ticket from which status to which.

``new → assigned → accepted (签收) → resolved (办结) → closed``, plus ``returned`` (退单),
``escalated`` (上报), reopening by the resident, extensions (延期) and re-dispatch. Illegal
transitions are refused with a reason; nothing here touches storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.enums import TicketStatus as S

MAX_RETURNS_BEFORE_CHAIR = 2


class Action(StrEnum):
    """Something a person (or the system) does to a ticket."""

    ASSIGN = "assign"
    ACCEPT = "accept"
    RESOLVE = "resolve"
    RETURN = "return"
    ESCALATE = "escalate"
    REQUEST_EXTENSION = "request_extension"
    APPROVE_EXTENSION = "approve_extension"
    CONFIRM = "confirm"
    REOPEN = "reopen"
    RATE = "rate"
    CLOSE = "close"
    RECATEGORISE = "recategorise"
    REASSIGN = "reassign"
    ASK_INFO = "ask_info"
    PROVIDE_INFO = "provide_info"


OPEN = frozenset({S.NEW, S.ASSIGNED, S.ACCEPTED, S.RETURNED, S.ESCALATED})
IN_HAND = frozenset({S.ASSIGNED, S.ACCEPTED, S.ESCALATED})

ALLOWED_FROM: dict[Action, frozenset[S]] = {
    Action.ASSIGN: frozenset({S.NEW, S.RETURNED, S.ESCALATED}),
    Action.ACCEPT: frozenset({S.ASSIGNED, S.ESCALATED}),
    Action.RESOLVE: frozenset({S.ACCEPTED}),
    Action.RETURN: IN_HAND,
    Action.ESCALATE: IN_HAND,
    Action.REQUEST_EXTENSION: IN_HAND,
    Action.APPROVE_EXTENSION: IN_HAND,
    Action.CONFIRM: frozenset({S.RESOLVED}),
    Action.REOPEN: frozenset({S.RESOLVED, S.CLOSED}),
    Action.RATE: frozenset({S.RESOLVED, S.CLOSED}),
    Action.CLOSE: frozenset({S.RESOLVED}),
    Action.RECATEGORISE: OPEN,
    Action.REASSIGN: OPEN,
    Action.ASK_INFO: IN_HAND,
    Action.PROVIDE_INFO: OPEN,
}

RESULT: dict[Action, S | None] = {
    Action.ASSIGN: S.ASSIGNED,
    Action.ACCEPT: S.ACCEPTED,
    Action.RESOLVE: S.RESOLVED,
    Action.RETURN: S.RETURNED,
    Action.ESCALATE: S.ESCALATED,
    Action.REQUEST_EXTENSION: None,
    Action.APPROVE_EXTENSION: None,
    Action.CONFIRM: S.CLOSED,
    Action.REOPEN: S.ASSIGNED,
    Action.RATE: None,
    Action.CLOSE: S.CLOSED,
    Action.RECATEGORISE: S.ASSIGNED,
    Action.REASSIGN: S.ASSIGNED,
    Action.ASK_INFO: None,
    Action.PROVIDE_INFO: None,
}
"""The status after the action; None keeps the status."""

RESIDENT_AFTER_RESOLUTION = frozenset({Action.CONFIRM, Action.RATE, Action.REOPEN})


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of applying an action: allowed with a target status, or refused."""

    allowed: bool
    to_status: S | None = None
    reason: str = ""


def transition(status: S, action: Action) -> Transition:
    """Whether ``action`` may be applied to a ticket in ``status``, and where it leads."""
    if status in ALLOWED_FROM[action]:
        target = RESULT[action]
        return Transition(True, target if target is not None else status)
    if action == Action.RESOLVE and status in (S.ASSIGNED, S.ESCALATED):
        return Transition(False, reason="accept_first")
    if action in RESIDENT_AFTER_RESOLUTION and status in OPEN:
        return Transition(False, reason="not_resolved")
    return Transition(False, reason="closed" if status == S.CLOSED else "already_done")


def goes_to_chair_after_return(return_count: int) -> bool:
    """After two returns a ticket is no longer re-dispatched in the grid: the chair takes it."""
    return return_count >= MAX_RETURNS_BEFORE_CHAIR
