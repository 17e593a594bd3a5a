"""The query of ``GET requests.json``, parsed and checked before any database work. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.open311.errors import Open311Problem
from nlp import DEFAULT_CODES

DEFAULT_WINDOW = timedelta(days=90)
"""Without dates or ids, the last 90 days (as the GeoReport v2 specification suggests)."""
MAX_RESULTS = 1000
MAX_IDS = 100
STATUSES = ("open", "closed")


@dataclass(frozen=True)
class RequestQuery:
    """Which tickets to list: by code, or by category, time window and open/closed."""

    codes: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: tuple[str, ...] = ()
    limit: int = MAX_RESULTS


def _items(value: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in (value or "").split(",") if p.strip()))


def parse_moment(value: str, field: str, zone: ZoneInfo) -> datetime:
    """A W3C date or date-time; without an offset it is the community's local time."""
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Open311Problem(
            400, f"{field}: not a date-time like 2025-03-01T09:00:00+08:00: {value!r}"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def parse_query(
    *,
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
    now: datetime,
    zone: ZoneInfo,
) -> RequestQuery:
    """Check every parameter; ids given means the others are not applied (per the spec)."""
    codes = tuple(code.upper() for code in _items(service_request_id))
    if len(codes) > MAX_IDS:
        raise Open311Problem(400, f"service_request_id: at most {MAX_IDS} ids at once")
    services = _items(service_code)
    unknown = [code for code in services if code not in DEFAULT_CODES]
    if unknown:
        raise Open311Problem(400, f"service_code: unknown service {unknown[0]!r}")
    statuses = _items(status)
    if any(s not in STATUSES for s in statuses):
        raise Open311Problem(400, "status: use open, closed or open,closed")
    start = parse_moment(start_date, "start_date", zone) if start_date else None
    end = parse_moment(end_date, "end_date", zone) if end_date else None
    if start is None and end is None:
        start = now - DEFAULT_WINDOW
    if start is not None and end is not None and start > end:
        raise Open311Problem(400, "start_date is after end_date")
    if codes:
        return RequestQuery(codes=codes)
    return RequestQuery(service_codes=services, start=start, end=end, statuses=statuses)
