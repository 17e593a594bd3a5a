"""Durations, hours and time limits read the way a committee writes them."""

from datetime import datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.community import Duration, LimitKind, TimeRange, Urgency, WorkingHours, load_community
from bot.community.patterns import NumberSet


@pytest.mark.parametrize(
    ("text", "days", "minutes"),
    [
        ("30m", 0, 30),
        ("4h", 0, 240),
        ("5d", 5, 0),
        ("1d4h", 1, 240),
        ("30分钟", 0, 30),
        ("2天", 2, 0),
    ],
)
def test_durations_keep_days_apart_from_minutes(text: str, days: int, minutes: int) -> None:
    duration = Duration.parse(text)
    assert (duration.days, duration.minutes) == (days, minutes)


@pytest.mark.parametrize("text", ["", "4", "4x", "0m", "h4"])
def test_bad_durations_are_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="bad duration"):
        Duration.parse(text)


def test_the_sample_time_limits_match_the_defaults() -> None:
    community = load_community()
    urgent = community.time_limits_for("noise", True, LimitKind.SIGN_OFF)
    assert (str(urgent.duration), urgent.working_time) == ("30m", False)
    assert str(community.time_limits_for("noise", True, "resolution").duration) == "24h"
    normal = community.time_limits_for("noise", Urgency.NORMAL, "resolution")
    assert (str(normal.duration), normal.working_time) == ("5d", True)
    enquiry = community.time_limits_for("other", Urgency.ENQUIRY, "resolution")
    assert str(enquiry.duration) == "2d"


def test_a_category_override_replaces_only_its_clock() -> None:
    community = load_community()
    sign_off = community.time_limits_for("fire_safety", False, "sign_off")
    resolution = community.time_limits_for("fire_safety", False, "resolution")
    assert (str(sign_off.duration), sign_off.working_time) == ("1h", True)
    assert (str(resolution.duration), resolution.working_time) == ("2d", False)
    assert str(community.time_limits_for("fire_safety", True, "sign_off").duration) == "30m"


def test_quiet_hours_run_past_midnight() -> None:
    quiet = TimeRange.model_validate("22:00-07:00")
    assert quiet.contains(time(23, 30)) and quiet.contains(time(6, 59))
    assert not quiet.contains(time(7, 0)) and not quiet.contains(time(12, 0))


def test_working_hours_exclude_lunch_and_weekends() -> None:
    hours = WorkingHours.model_validate({"days": "mon-fri", "lunch": "12:00-13:30"})
    monday = datetime(2025, 3, 3)
    assert hours.is_working_time(monday.replace(hour=9))
    assert not hours.is_working_time(monday.replace(hour=12, minute=30))
    assert not hours.is_working_time(monday.replace(hour=18))
    assert not hours.is_working_time(datetime(2025, 3, 8, 10))


@given(st.integers(min_value=1, max_value=300))
def test_an_odd_range_holds_exactly_the_odd_numbers_inside_it(number: int) -> None:
    odd = NumberSet.model_validate("1-99 odd")
    assert (number in odd) == (number <= 99 and number % 2 == 1)
    assert (number in NumberSet.model_validate("2-98 双号, 120")) == (
        number == 120 or (number <= 98 and number % 2 == 0)
    )
