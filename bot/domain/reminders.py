"""The reminder ladder of a ticket's clock, as pure rules (催办 → 超时 → 网格长 → 主任督办).

Steps of a deadline ``due`` with a lead time ``lead``:
1. ``before``  at ``due - lead``: remind the assignee;
2. ``overdue`` at ``due``: remind the assignee that the time is up;
3. ``leader``  at ``due + lead``: remind the grid leader (the assignee missed it twice);
4. ``chair``   at ``due + 2 × lead``: the chair supervises (督办).
After downtime only the latest step that is due is taken: one reminder, not one per missed step.
Normal reminders wait for the end of quiet hours; urgent ones go out at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.community.timing import TimeRange

CLOSE_AFTER = timedelta(days=3)
"""A resolved ticket the resident does not rate within this time is closed."""


class Clock(StrEnum):
    SIGN_OFF = "sign_off"
    RESOLUTION = "resolution"
    CLOSING = "closing"


class Step(StrEnum):
    BEFORE = "before"
    OVERDUE = "overdue"
    LEADER = "leader"
    CHAIR = "chair"
    CLOSE = "close"


LADDER = (Step.BEFORE, Step.OVERDUE, Step.LEADER, Step.CHAIR)


def ladder_times(due: datetime, lead: timedelta) -> list[datetime]:
    """When each step of :data:`LADDER` falls due."""
    return [due - lead, due, due + lead, due + 2 * lead]


@dataclass(frozen=True)
class Decision:
    """What a sweep does with one ticket now: the step to take (if any) and when to look again."""

    step: Step | None
    taken: int
    next_at: datetime | None


def decide(due: datetime, lead: timedelta, taken: int, now: datetime) -> Decision:
    """The latest due step not yet taken (coalescing missed ones), and the next step's time."""
    times = ladder_times(due, lead)
    reached = sum(1 for moment in times if moment <= now)
    if reached <= taken:
        return Decision(None, taken, times[taken] if taken < len(times) else None)
    next_at = times[reached] if reached < len(times) else None
    return Decision(LADDER[reached - 1], reached, next_at)


def after_quiet_hours(moment: datetime, quiet: TimeRange, zone: ZoneInfo) -> datetime | None:
    """The end of quiet hours if ``moment`` lies inside them, else None."""
    local = moment.astimezone(zone)
    if not quiet.contains(local.time()):
        return None
    end = local.replace(hour=quiet.end.hour, minute=quiet.end.minute, second=0, microsecond=0)
    if end <= local:
        end += timedelta(days=1)
    return end.astimezone(ZoneInfo("UTC"))
