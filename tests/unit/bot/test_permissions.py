"""Permissions: residents touch only their own tickets, staff their grid's, the chair all."""

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.lifecycle import Action
from bot.domain.permissions import (
    RESIDENT_ACTIONS,
    Actor,
    ActorRole,
    TicketFacts,
    may,
    may_view,
)  # fmt: skip

TICKET = TicketFacts(reporter_id=7, grid_id=3, assignee_id=40)


def test_a_resident_may_rate_and_reopen_only_their_own_ticket() -> None:
    assert may(Actor(ActorRole.RESIDENT, 7), Action.RATE, TICKET)
    assert may(Actor(ActorRole.RESIDENT, 7), Action.REOPEN, TICKET)
    assert not may(Actor(ActorRole.RESIDENT, 8), Action.RATE, TICKET)


def test_a_resident_may_not_press_staff_buttons() -> None:
    assert not may(Actor(ActorRole.RESIDENT, 7), Action.ACCEPT, TICKET)


def test_the_assignee_may_accept_resolve_and_return() -> None:
    assignee = Actor(ActorRole.STAFF, 40, 3)
    assert all(may(assignee, a, TICKET) for a in (Action.ACCEPT, Action.RESOLVE, Action.RETURN))


def test_another_member_of_the_grid_may_not_accept_someone_elses_ticket() -> None:
    assert not may(Actor(ActorRole.STAFF, 41, 3), Action.ACCEPT, TICKET)
    assert may_view(Actor(ActorRole.STAFF, 41, 3), TICKET)


def test_staff_of_another_grid_can_neither_act_nor_see() -> None:
    outsider = Actor(ActorRole.GRID_LEADER, 50, 4)
    assert not any(may(outsider, a, TICKET) for a in Action)
    assert not may_view(outsider, TICKET)


def test_the_grid_leader_approves_extensions_and_reassigns_in_their_grid() -> None:
    leader = Actor(ActorRole.GRID_LEADER, 42, 3)
    assert may(leader, Action.APPROVE_EXTENSION, TICKET)
    assert may(leader, Action.REASSIGN, TICKET)
    assert not may(leader, Action.ACCEPT, TICKET)


def test_the_chair_may_do_anything() -> None:
    assert all(may(Actor(ActorRole.CHAIR, 1), a, TICKET) for a in Action)


@given(st.integers(1, 100), st.sampled_from(list(Action)))
def test_residents_never_act_on_tickets_that_are_not_theirs(resident: int, action: Action) -> None:
    allowed = may(Actor(ActorRole.RESIDENT, resident), action, TICKET)
    assert allowed == (resident == 7 and action in RESIDENT_ACTIONS)


@given(
    st.integers(1, 100),
    st.integers(1, 11),
    st.sampled_from([ActorRole.STAFF, ActorRole.GRID_LEADER]),
    st.sampled_from(list(Action)),
)
def test_staff_never_act_outside_their_grid_unless_assigned(
    staff: int, grid: int, role: ActorRole, action: Action
) -> None:
    if may(Actor(role, staff, grid), action, TICKET):
        assert grid == 3 or staff == 40
