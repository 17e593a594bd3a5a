"""Deadline arithmetic: wall-clock or working-time clocks, from the community's time limits.

Working time: days count as working days (same clock time on the N-th next working day);
minutes run only inside working hours (lunch excluded) of working days. Which days are working
days is a calendar (``is_workday``): weekdays by default, China's holidays and 调休 in service.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.community.limits import TimeLimit
from bot.community.timing import Duration, WorkingHours
from bot.domain.calendar import IsWorkday, weekdays_only

_MAX_STEPS = 10_000


def _is_working_time(moment: datetime, hours: WorkingHours, is_workday: IsWorkday) -> bool:
    clock = moment.time()
    if not is_workday(moment.date()) or not hours.start <= clock < hours.end:
        return False
    return not (hours.lunch and hours.lunch.contains(clock))


def _next_working_start(moment: datetime, hours: WorkingHours, is_workday: IsWorkday) -> datetime:
    """The first moment at or after ``moment`` that is working time."""
    for _ in range(_MAX_STEPS):
        if _is_working_time(moment, hours, is_workday):
            return moment
        clock = moment.time()
        day_start = moment.replace(
            hour=hours.start.hour, minute=hours.start.minute, second=0, microsecond=0
        )
        workday = is_workday(moment.date())
        if workday and clock < hours.start:
            moment = day_start
        elif hours.lunch and workday and hours.lunch.contains(clock):
            moment = moment.replace(
                hour=hours.lunch.end.hour, minute=hours.lunch.end.minute, second=0, microsecond=0
            )
        else:
            moment = day_start + timedelta(days=1)
    raise ValueError("working hours never open")


def _block_end(moment: datetime, hours: WorkingHours) -> datetime:
    """The end of the working block ``moment`` lies in (lunch or end of day)."""
    end = moment.replace(hour=hours.end.hour, minute=hours.end.minute, second=0, microsecond=0)
    if hours.lunch and moment.time() < hours.lunch.start:
        lunch = moment.replace(
            hour=hours.lunch.start.hour, minute=hours.lunch.start.minute, second=0, microsecond=0
        )
        return min(end, lunch)
    return end


def add_working_time(
    start: datetime, duration: Duration, hours: WorkingHours, is_workday: IsWorkday | None = None
) -> datetime:
    """``start`` (local, aware) plus ``duration`` counted in working days and working minutes."""
    is_workday = is_workday or weekdays_only(hours.days)
    moment = _next_working_start(start, hours, is_workday)
    for _ in range(duration.days):
        moment += timedelta(days=1)
        while not is_workday(moment.date()):
            moment += timedelta(days=1)
    remaining = timedelta(minutes=duration.minutes)
    while remaining > timedelta(0):
        moment = _next_working_start(moment, hours, is_workday)
        step = min(remaining, _block_end(moment, hours) - moment)
        moment += step
        remaining -= step
    return moment


def due_at(
    start: datetime,
    limit: TimeLimit,
    hours: WorkingHours,
    zone: ZoneInfo,
    is_workday: IsWorkday | None = None,
) -> datetime:
    """When a clock of ``limit`` started at ``start`` (aware, any zone) runs out, in UTC."""
    if not limit.working_time:
        return start + limit.duration.to_timedelta()
    local = add_working_time(start.astimezone(zone), limit.duration, hours, is_workday)
    return local.astimezone(ZoneInfo("UTC"))
