"""The ticket life cycle allows exactly the documented transitions."""

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.lifecycle import OPEN, Action, goes_to_chair_after_return, transition
from storage.enums import TicketStatus as S


def test_the_happy_path_goes_new_assigned_accepted_resolved_closed() -> None:
    status = S.NEW
    for action, expected in [
        (Action.ASSIGN, S.ASSIGNED),
        (Action.ACCEPT, S.ACCEPTED),
        (Action.RESOLVE, S.RESOLVED),
        (Action.CONFIRM, S.CLOSED),
    ]:
        step = transition(status, action)
        assert step.allowed and step.to_status == expected
        status = expected


def test_resolving_before_accepting_is_refused_with_a_reason() -> None:
    step = transition(S.ASSIGNED, Action.RESOLVE)
    assert not step.allowed and step.reason == "accept_first"


def test_not_solved_reopens_to_assigned() -> None:
    assert transition(S.RESOLVED, Action.REOPEN).to_status == S.ASSIGNED


def test_a_button_pressed_twice_is_already_done() -> None:
    assert transition(S.ACCEPTED, Action.ACCEPT).reason == "already_done"
    assert transition(S.CLOSED, Action.ACCEPT).reason == "closed"


def test_returned_tickets_are_dispatched_again() -> None:
    assert transition(S.ASSIGNED, Action.RETURN).to_status == S.RETURNED
    assert transition(S.RETURNED, Action.ASSIGN).to_status == S.ASSIGNED
    assert not transition(S.RETURNED, Action.ACCEPT).allowed


def test_after_two_returns_the_chair_takes_over() -> None:
    assert not goes_to_chair_after_return(1)
    assert goes_to_chair_after_return(2)


@given(st.sampled_from(list(S)), st.sampled_from(list(Action)))
def test_refusals_keep_the_status_and_give_a_reason(status: S, action: Action) -> None:
    step = transition(status, action)
    if step.allowed:
        assert step.to_status is not None
    else:
        assert step.to_status is None and step.reason


@given(st.lists(st.sampled_from(list(Action)), max_size=30))
def test_no_sequence_of_actions_leaves_the_known_statuses(actions: list[Action]) -> None:
    status = S.NEW
    for action in actions:
        step = transition(status, action)
        if step.allowed:
            assert step.to_status in set(S)
            status = step.to_status  # type: ignore[assignment]
    assert status in set(S)


def test_closed_tickets_accept_only_reopen_and_rating() -> None:
    allowed = {a for a in Action if transition(S.CLOSED, a).allowed}
    assert allowed == {Action.REOPEN, Action.RATE}
    assert S.CLOSED not in OPEN
