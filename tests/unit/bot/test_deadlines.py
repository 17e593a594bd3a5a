"""Deadlines: wall clock for urgent work, working hours for the rest."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.community.limits import TimeLimit
from bot.community.timing import Duration, TimeRange, WorkingHours
from bot.domain.deadlines import add_working_time, due_at

ZONE = ZoneInfo("Asia/Shanghai")
HOURS = WorkingHours(start="08:30", end="17:30", lunch=TimeRange.model_validate("12:00-13:30"))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)  # 2026-11-27 is a Friday


def test_four_working_hours_from_friday_afternoon_end_on_monday_morning() -> None:
    assert add_working_time(at(27, 16), Duration(days=0, minutes=240), HOURS) == at(30, 11)


def test_lunch_does_not_count() -> None:
    assert add_working_time(at(30, 11), Duration(days=0, minutes=120), HOURS) == at(30, 14, 30)


def test_a_ticket_filed_at_night_starts_counting_next_morning() -> None:
    assert add_working_time(at(30, 22), Duration(days=0, minutes=60), HOURS) == datetime(
        2026, 12, 1, 9, 30, tzinfo=ZONE
    )


def test_five_working_days_skip_the_weekend() -> None:
    assert add_working_time(at(27, 10), Duration(days=5, minutes=0), HOURS) == datetime(
        2026, 12, 4, 10, 0, tzinfo=ZONE
    )


def test_urgent_clocks_run_on_the_wall_clock() -> None:
    limit = TimeLimit(Duration(days=0, minutes=30), working_time=False)
    assert due_at(at(28, 23), limit, HOURS, ZONE) == at(28, 23, 30)


def test_working_days_from_an_evening_report_count_from_next_morning() -> None:
    assert add_working_time(at(27, 21, 49), Duration(days=1, minutes=0), HOURS) == datetime(
        2026, 12, 1, 8, 30, tzinfo=ZONE
    )


def test_public_holidays_do_not_count_and_make_up_workdays_do() -> None:
    from bot.domain.calendar import ChinaCalendar

    calendar = ChinaCalendar()
    # 2026-09-30 (Wed) + 1 working day: 1-7 October is the National Day holiday, 8 October works.
    start = datetime(2026, 9, 30, 10, 0, tzinfo=ZONE)
    assert add_working_time(start, Duration(days=1, minutes=0), HOURS, calendar) == datetime(
        2026, 10, 8, 10, 0, tzinfo=ZONE
    )
    # Saturday 2026-10-10 is a make-up workday (调休): four working hours end the same day.
    saturday = datetime(2026, 10, 10, 8, 30, tzinfo=ZONE)
    assert add_working_time(saturday, Duration(days=0, minutes=240), HOURS, calendar) == datetime(
        2026, 10, 10, 14, 0, tzinfo=ZONE
    )


def test_years_the_holiday_package_does_not_know_fall_back_to_weekdays_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.domain.calendar import ChinaCalendar

    calendar = ChinaCalendar()
    friday = datetime(2040, 1, 6, 16, 0, tzinfo=ZONE)  # a Friday
    assert add_working_time(friday, Duration(days=0, minutes=240), HOURS, calendar) == datetime(
        2040, 1, 9, 11, 0, tzinfo=ZONE
    )
    assert "2040 are not known" in caplog.text
    assert caplog.text.count("2040 are not known") == 1
