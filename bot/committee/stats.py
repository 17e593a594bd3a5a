"""How well the community is served: pure aggregation of ticket rows (no I/O, ``now`` passed in).

Every measure counts a ticket only once its outcome is known: a sign-off is *decided* when the
ticket was accepted or its sign-off deadline has passed, and *on time* when it was accepted by
the deadline; likewise for resolution. Times are wall-clock hours from the report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo

from storage.enums import OPEN_STATUSES, ResidenceType, TicketStatus
from storage.repositories.stats import TicketRow

NOT_STATED = "not_stated"
"""Reporter group of anonymous reports and of reports without a resident (e.g. the open API)."""
REPORTER_GROUPS: tuple[str, ...] = tuple(ResidenceType)
_OPEN = frozenset(str(s) for s in OPEN_STATUSES)
_HOUR = 3600.0


@dataclass(frozen=True, slots=True)
class ServiceFigures:
    """The service measures of one group of tickets."""

    reports: int = 0
    open: int = 0
    overdue: int = 0
    signoff_decided: int = 0
    signoff_on_time: int = 0
    resolve_decided: int = 0
    resolve_on_time: int = 0
    median_signoff_hours: float | None = None
    median_resolve_hours: float | None = None
    resolved: int = 0
    """Tickets resolved at least once (the base of the reopen rate and of the share rated)."""
    reopened: int = 0
    rated: int = 0
    mean_rating: float | None = None
    returned: int = 0

    @property
    def signoff_rate(self) -> float | None:
        return _share(self.signoff_on_time, self.signoff_decided)

    @property
    def resolve_rate(self) -> float | None:
        return _share(self.resolve_on_time, self.resolve_decided)

    @property
    def reopen_rate(self) -> float | None:
        return _share(self.reopened, self.resolved)

    @property
    def rated_share(self) -> float | None:
        return _share(self.rated, self.resolved)

    def as_dict(self) -> dict[str, Any]:
        """Counts, rates (0–1, None when nothing is decided yet) and medians, for JSON."""
        rates = ("signoff_rate", "resolve_rate", "reopen_rate", "rated_share")
        return asdict(self) | {name: _rounded(getattr(self, name)) for name in rates}


@dataclass(frozen=True, slots=True)
class Group:
    """One line of a breakdown: a grid, a category or a reporter group."""

    key: str
    figures: ServiceFigures


@dataclass(frozen=True, slots=True)
class Statistics:
    """The total and the breakdowns by grid, by category and by who reports."""

    now: datetime
    since: datetime | None
    total: ServiceFigures
    by_grid: list[Group] = field(default_factory=list)
    by_category: list[Group] = field(default_factory=list)
    by_reporter: list[Group] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        def groups(items: list[Group]) -> list[dict[str, Any]]:
            return [{"key": g.key, **g.figures.as_dict()} for g in items]

        return {
            "now": self.now.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "total": self.total.as_dict(),
            "by_grid": groups(self.by_grid),
            "by_category": groups(self.by_category),
            "by_reporter": groups(self.by_reporter),
        }


def is_overdue(row: TicketRow, now: datetime) -> bool:
    """Open, not waiting for the resident, and past the deadline of the current step."""
    if row.status not in _OPEN or row.paused:
        return False
    due = row.signoff_due_at if row.accepted_at is None else row.resolve_due_at
    return due is not None and due < now


def on_time(done: datetime | None, due: datetime | None, now: datetime) -> bool | None:
    """True/False once decided (done, or the deadline passed), None while it may still be met."""
    if due is None:
        return None
    if done is not None:
        return done <= due
    return False if due < now else None


def figures(rows: Iterable[TicketRow], now: datetime) -> ServiceFigures:
    """The service measures of ``rows`` as of ``now``."""
    counts = dict.fromkeys(
        ("reports", "open", "overdue", "signoff_decided", "signoff_on_time", "resolve_decided",
         "resolve_on_time", "resolved", "reopened", "returned"), 0,
    )  # fmt: skip
    signoff_hours: list[float] = []
    resolve_hours: list[float] = []
    ratings: list[int] = []
    for row in rows:
        counts["reports"] += 1
        counts["open"] += row.status in _OPEN
        counts["overdue"] += is_overdue(row, now)
        for step, done, due in (
            ("signoff", row.accepted_at, row.signoff_due_at),
            ("resolve", row.resolved_at, row.resolve_due_at),
        ):
            met = on_time(done, due, now)
            counts[f"{step}_decided"] += met is not None
            counts[f"{step}_on_time"] += met is True
        if row.accepted_at is not None:
            signoff_hours.append((row.accepted_at - row.created_at).total_seconds() / _HOUR)
        if row.resolved_at is not None:
            resolve_hours.append((row.resolved_at - row.created_at).total_seconds() / _HOUR)
        was_resolved = row.resolved_at is not None or row.reopen_count > 0
        counts["resolved"] += was_resolved or row.status == TicketStatus.CLOSED
        counts["reopened"] += row.reopen_count > 0
        counts["returned"] += row.return_count > 0
        if row.rating is not None:
            ratings.append(row.rating)
    return ServiceFigures(
        **counts,
        median_signoff_hours=_rounded(median(signoff_hours)) if signoff_hours else None,
        median_resolve_hours=_rounded(median(resolve_hours)) if resolve_hours else None,
        rated=len(ratings),
        mean_rating=_rounded(sum(ratings) / len(ratings)) if ratings else None,
    )


def reporter_group(row: TicketRow) -> str:
    """The residence type of the reporter, or :data:`NOT_STATED`."""
    return row.reporter_type or NOT_STATED


def breakdown(
    rows: Sequence[TicketRow],
    now: datetime,
    key: Callable[[TicketRow], str],
    always: Sequence[str] = (),
) -> list[Group]:
    """One :class:`Group` per key, ``always`` first (even when empty), then the others sorted."""
    buckets: dict[str, list[TicketRow]] = {k: [] for k in always}
    for row in rows:
        buckets.setdefault(key(row), []).append(row)
    extra = sorted(k for k in buckets if k not in always)
    return [Group(k, figures(buckets[k], now)) for k in (*always, *extra)]


def summarise(
    rows: Sequence[TicketRow],
    now: datetime,
    *,
    since: datetime | None = None,
    grids: Sequence[str] = (),
) -> Statistics:
    """The total and every breakdown; ``grids`` (codes) are listed even without reports."""
    return Statistics(
        now=now,
        since=since,
        total=figures(rows, now),
        by_grid=breakdown(rows, now, lambda r: r.grid_code or "-", grids),
        by_category=sorted(
            breakdown(rows, now, lambda r: r.category),
            key=lambda g: (-g.figures.reports, g.key),
        ),
        by_reporter=breakdown(rows, now, reporter_group, REPORTER_GROUPS),
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def parse_moment(value: str, *, zone: ZoneInfo) -> datetime:
    """``2025-03-01`` (local midnight) or an ISO time (without a zone: local); else ValueError."""
    value = value.strip()
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(), zone)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def parse_since(value: str, *, now: datetime, zone: ZoneInfo) -> datetime:
    """``30`` (the last 30 days) or a moment as :func:`parse_moment` reads it."""
    if value.strip().isdigit() and len(value.strip()) <= 4:
        return now - timedelta(days=int(value))
    return parse_moment(value, zone=zone)


def percent(rate: float | None) -> str | None:
    """``87%``; None when nothing was decided."""
    return None if rate is None else f"{rate * 100:.0f}%"


def hours_or_days(hours: float | None) -> tuple[str, float] | None:
    """``("hours", 5.5)`` below two days, else ``("days", 3.2)``; None without data."""
    if hours is None:
        return None
    return ("hours", round(hours, 1)) if hours < 48 else ("days", round(hours / 24, 1))
