"""The reminder ladder as pure rules: steps, coalescing, quiet hours."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.community.timing import TimeRange
from bot.domain.reminders import LADDER, Step, after_quiet_hours, decide, ladder_times

ZONE = ZoneInfo("Asia/Shanghai")
DUE = datetime(2026, 11, 27, 15, 30, tzinfo=ZONE)
HOUR = timedelta(hours=1)
QUIET = TimeRange.model_validate("22:00-07:00")


def test_the_ladder_is_before_overdue_leader_chair() -> None:
    assert LADDER == (Step.BEFORE, Step.OVERDUE, Step.LEADER, Step.CHAIR)
    assert ladder_times(DUE, HOUR) == [DUE - HOUR, DUE, DUE + HOUR, DUE + 2 * HOUR]


def test_nothing_is_due_before_the_first_step() -> None:
    decision = decide(DUE, HOUR, 0, DUE - 2 * HOUR)
    assert decision.step is None and decision.next_at == DUE - HOUR


def test_each_step_is_taken_once_in_order() -> None:
    first = decide(DUE, HOUR, 0, DUE - HOUR)
    assert (first.step, first.taken, first.next_at) == (Step.BEFORE, 1, DUE)
    assert decide(DUE, HOUR, 1, DUE - HOUR + timedelta(minutes=5)).step is None
    second = decide(DUE, HOUR, 1, DUE)
    assert (second.step, second.taken) == (Step.OVERDUE, 2)


def test_missed_steps_coalesce_into_the_latest() -> None:
    decision = decide(DUE, HOUR, 0, DUE + 5 * HOUR)
    assert (decision.step, decision.taken, decision.next_at) == (Step.CHAIR, 4, None)


def test_a_finished_ladder_asks_for_nothing_more() -> None:
    decision = decide(DUE, HOUR, 4, DUE + 10 * HOUR)
    assert decision.step is None and decision.next_at is None


def test_quiet_hours_hold_until_seven_the_same_or_next_morning() -> None:
    late = datetime(2026, 11, 27, 23, 0, tzinfo=ZONE)
    early = datetime(2026, 11, 28, 5, 0, tzinfo=ZONE)
    morning = datetime(2026, 11, 28, 7, 0, tzinfo=ZONE)
    assert after_quiet_hours(late, QUIET, ZONE) == morning
    assert after_quiet_hours(early, QUIET, ZONE) == morning
    assert after_quiet_hours(DUE, QUIET, ZONE) is None
