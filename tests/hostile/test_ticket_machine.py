"""The ticket life cycle and the permission matrix under random sequences of actions.

The unit tests check single steps; here tickets move through many steps while they change hands
(return, escalate, reassign across people of the grid) and every person tries every action. The
service's ``check`` (permissions, then life cycle) must agree with an independent statement of
the rules: residents touch only their own tickets, staff only their grid's or those assigned to
them, and no transition leaves the documented table.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from bot.domain.lifecycle import ALLOWED_FROM, RESULT, Action
from bot.domain.permissions import Actor, ActorRole
from bot.service.actions import check
from storage.enums import TicketStatus as S
from storage.models import Ticket

GRIDS = (1, 2)
STAFF = {10: 1, 11: 1, 12: 1, 20: 2, 21: 2}  # staff id → grid
LEADERS = {1: 12, 2: 21}
CHAIR = Actor(ActorRole.CHAIR, 99)
PAUSED = datetime(2026, 11, 27, tzinfo=UTC)
RESIDENTS = (1, 2, 3)
RESIDENT_MAY = {Action.CONFIRM, Action.REOPEN, Action.RATE, Action.PROVIDE_INFO}
ASSIGNEE_MAY = {Action.ACCEPT, Action.RESOLVE, Action.RETURN, Action.ESCALATE,
                Action.REQUEST_EXTENSION, Action.ASK_INFO}  # fmt: skip
LEADER_MAY = {Action.ESCALATE, Action.APPROVE_EXTENSION, Action.REASSIGN, Action.ASSIGN,
              Action.RECATEGORISE}  # fmt: skip


def staff_actor(staff_id: int) -> Actor:
    grid = STAFF[staff_id]
    role = ActorRole.GRID_LEADER if LEADERS[grid] == staff_id else ActorRole.STAFF
    return Actor(role, staff_id, grid)


def everyone() -> list[Actor]:
    residents = [Actor(ActorRole.RESIDENT, r) for r in RESIDENTS]
    return [*residents, *(staff_actor(s) for s in STAFF), CHAIR]


def expected_permission(actor: Actor, action: Action, ticket: Ticket) -> bool:
    """The rules as the README states them, written independently of permissions.py."""
    if actor.role == ActorRole.CHAIR:
        return True
    if actor.role == ActorRole.RESIDENT:
        return actor.id == ticket.reporter_id and action in RESIDENT_MAY
    in_grid = actor.grid_id == ticket.grid_id
    if actor.id == ticket.assignee_id and action in ASSIGNEE_MAY:
        return True
    if actor.role == ActorRole.GRID_LEADER and in_grid and action in LEADER_MAY:
        return True
    return in_grid and action == Action.RECATEGORISE


class TicketMachine(RuleBasedStateMachine):
    """One ticket in a two-grid community; people act on it at random."""

    def __init__(self) -> None:
        super().__init__()
        self.ticket: Ticket | None = None
        self.history: list[tuple[S, Action, S]] = []

    @precondition(lambda self: self.ticket is None)
    @rule(reporter=st.sampled_from(RESIDENTS), grid=st.sampled_from(GRIDS), data=st.data())
    def report(self, reporter: int, grid: int, data: st.DataObject) -> None:
        assignee = data.draw(st.sampled_from([s for s, g in STAFF.items() if g == grid]))
        self.ticket = Ticket(category="environment", text="x", reporter_id=reporter,
                             grid_id=grid, assignee_id=assignee, status=S.ASSIGNED)  # fmt: skip

    @precondition(lambda self: self.ticket is not None)
    @rule(actor=st.sampled_from(everyone()), action=st.sampled_from(list(Action)), data=st.data())
    def act(self, actor: Actor, action: Action, data: st.DataObject) -> None:
        ticket = self.ticket
        assert ticket is not None
        refusal = check(actor, action, ticket)
        if not expected_permission(actor, action, ticket):
            assert refusal == "not_allowed", (actor, action, ticket.status)
            return
        if ticket.status not in ALLOWED_FROM[action]:
            assert refusal and refusal != "not_allowed"
            return
        if action == Action.PROVIDE_INFO and ticket.paused_at is None:
            assert refusal == "already_done"
            return
        assert refusal == ""
        before = ticket.status
        ticket.status = RESULT[action] or ticket.status
        if action in (Action.ASK_INFO, Action.PROVIDE_INFO):
            ticket.paused_at = PAUSED if action == Action.ASK_INFO else None
        if action in (Action.RETURN, Action.ESCALATE):
            ticket.assignee_id = LEADERS[ticket.grid_id or 1]
        elif action in (Action.ASSIGN, Action.REASSIGN, Action.RECATEGORISE):
            members = [s for s, g in STAFF.items() if g == ticket.grid_id]
            ticket.assignee_id = data.draw(st.sampled_from(members))
        self.history.append((before, action, ticket.status))

    @invariant()
    def only_documented_transitions(self) -> None:
        for before, action, after in self.history:
            assert before in ALLOWED_FROM[action]
            assert after == (RESULT[action] or before)

    @invariant()
    def nobody_outside_reaches_the_ticket(self) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        for actor in everyone():
            outsider = (actor.role == ActorRole.RESIDENT and actor.id != ticket.reporter_id) or (
                actor.role in (ActorRole.STAFF, ActorRole.GRID_LEADER)
                and actor.grid_id != ticket.grid_id
                and actor.id != ticket.assignee_id
            )
            if outsider:
                assert all(check(actor, a, ticket) == "not_allowed" for a in Action), actor

    @invariant()
    def a_closed_ticket_only_reopens_or_is_rated(self) -> None:
        if self.ticket is not None and self.ticket.status == S.CLOSED:
            allowed = {a for a in Action if check(CHAIR, a, self.ticket) == ""}
            assert allowed <= {Action.REOPEN, Action.RATE}


TicketMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
test_the_ticket_machine = TicketMachine.TestCase
