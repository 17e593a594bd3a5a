"""Which days are working days: weekends and China's public holidays with make-up workdays (调休).

Holidays come from the ``chinesecalendar`` package, which knows the State Council's schedule up
to the last year it was released for. For a later date the calendar falls back to the community's
working weekdays and logs one clear warning per year, so deadlines are still computed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

log = logging.getLogger(__name__)

IsWorkday = Callable[[date], bool]


def weekdays_only(days: Iterable[int]) -> IsWorkday:
    """A calendar that knows only the working weekdays (0 = Monday)."""
    working = frozenset(days)
    return lambda day: day.weekday() in working


@dataclass
class ChinaCalendar:
    """Working days in mainland China; beyond the package's years, the working weekdays."""

    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    _warned: set[int] = field(default_factory=set)

    def __call__(self, day: date) -> bool:
        import chinese_calendar

        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            if day.year not in self._warned:
                self._warned.add(day.year)
                log.warning(
                    "public holidays of %d are not known to the installed chinesecalendar "
                    "package: counting %d by weekdays only (upgrade chinesecalendar)",
                    day.year,
                    day.year,
                )
            return day.weekday() in self.days
