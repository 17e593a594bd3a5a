"""Time settings: durations, daily time ranges and working hours."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from pydantic import Field, field_validator, model_validator

from bot.community.common import FrozenModel, raise_problems

_DURATION = re.compile(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?")
_CHINESE_UNITS = (("分钟", "m"), ("分", "m"), ("小时", "h"), ("天", "d"), ("日", "d"))
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Duration(FrozenModel):
    """A length of time written "30m", "4h", "5d" or "1d4h" (also 30分钟, 4小时, 5天).

    Days stay apart from minutes: on a working-time clock "5d" means five working days.
    """

    days: int = Field(ge=0)
    minutes: int = Field(ge=0)

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, dict | Duration):
            return value
        return cls.parse(value).model_dump()

    @classmethod
    def parse(cls, text: object) -> Duration:
        """Parse ``text``; a ValueError names the bad value and shows the syntax."""
        clean = str(text).strip().lower().replace(" ", "")
        for word, unit in _CHINESE_UNITS:
            clean = clean.replace(word, unit)
        match = _DURATION.fullmatch(clean) if isinstance(text, str) else None
        if not clean or match is None or not any(match.groups()):
            raise ValueError(f"bad duration {text!r}: write a number and a unit, e.g. 30m, 4h, 5d")
        days, hours, minutes = (int(g or 0) for g in match.groups())
        if days == hours == minutes == 0:
            raise ValueError(f"bad duration {text!r}: must be longer than zero")
        return cls.model_construct(days=days, minutes=hours * 60 + minutes)

    def to_timedelta(self) -> timedelta:
        """The wall-clock length (a working-time clock counts days and minutes differently)."""
        return timedelta(days=self.days, minutes=self.minutes)

    def __str__(self) -> str:
        hours, minutes = divmod(self.minutes, 60)
        parts = [(self.days, "d"), (hours, "h"), (minutes, "m")]
        return "".join(f"{n}{unit}" for n, unit in parts if n)


def parse_clock_time(value: object) -> time:
    """Parse "08:30". YAML 1.1 reads an unquoted 17:30 as the integer 1050; accept that too."""
    if isinstance(value, int) and not isinstance(value, bool) and 60 <= value < 24 * 60:
        return time(value // 60, value % 60)
    match = re.fullmatch(r"(\d{1,2})[:：](\d{2})", str(value).strip())
    if isinstance(value, str) and match and int(match[1]) < 24 and int(match[2]) < 60:
        return time(int(match[1]), int(match[2]))
    raise ValueError(f"bad time {value!r}: write hours and minutes, e.g. '08:30'")


class TimeRange(FrozenModel):
    """A daily time range "22:00-07:00"; it may run past midnight."""

    start: time
    end: time

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            parts = re.split(r"\s*[-~～—]\s*", value.strip())
            if len(parts) != 2:
                raise ValueError(f"bad time range {value!r}: write e.g. '22:00-07:00'")
            return {"start": parse_clock_time(parts[0]), "end": parse_clock_time(parts[1])}
        return value

    def contains(self, moment: time) -> bool:
        """Whether ``moment`` (local time of day) falls inside the range."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


def parse_weekdays(value: object) -> tuple[int, ...]:
    """Parse "mon-fri" or "mon-fri,sat" (or a list of day names) into weekday numbers, Monday 0."""
    items = value if isinstance(value, list) else str(value).split(",")
    days: set[int] = set()
    for item in items:
        ends = [_WEEKDAYS.index(d) if d in _WEEKDAYS else -1 for d in str(item).lower().split("-")]
        if len(ends) > 2 or -1 in ends:
            raise ValueError(f"bad days {value!r}: write e.g. 'mon-fri' or 'mon-fri,sat'")
        first, last = ends[0], ends[-1]
        days.update(d % 7 for d in range(first, last + 1 if last >= first else last + 8))
    return tuple(sorted(days))


class WorkingHours(FrozenModel):
    """When the office works; working-time clocks only run inside these hours."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: time = time(8, 30)
    end: time = time(17, 30)
    lunch: TimeRange | None = None

    @field_validator("days", mode="before")
    @classmethod
    def _parse_days(cls, value: object) -> object:
        return value if isinstance(value, tuple) else parse_weekdays(value)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_time(cls, value: object) -> object:
        return value if isinstance(value, time) else parse_clock_time(value)

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        problems = []
        if self.start >= self.end:
            problems.append(("end", "must be later than start"))
        lunch = self.lunch
        if lunch and not (self.start <= lunch.start < lunch.end <= self.end):
            problems.append(("lunch", "must lie inside the working day"))
        raise_problems(problems)
        return self

    def is_working_time(self, moment: datetime) -> bool:
        """Whether the local ``moment`` is inside working hours (holidays are not known here)."""
        clock = moment.time()
        if moment.weekday() not in self.days or not self.start <= clock < self.end:
            return False
        return not (self.lunch and self.lunch.contains(clock))
