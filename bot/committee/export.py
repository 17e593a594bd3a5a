"""Ticket exports for departments and the committee: one row per ticket, CSV or Excel.

Personal data (names, phones, exact addresses and locations, the unmasked text) is left out
unless asked for; that use must be recorded with :func:`record_personal_data_export`.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlmodel import Session, col, select

from bot.committee.stats import on_time
from bot.open311.disclosure import redact, role_label
from bot.service.notices import category_label, status_name
from bot.texts import text
from storage.models import AuditEntry, Grid, Resident, StaffMember, Ticket, TicketEvent

log = logging.getLogger(__name__)
Format = Literal["csv", "xlsx"]
Cell = str | int | float | datetime | None
DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
AUDIT_ACTION = "export_personal_data"
_CHUNK = 500
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: tuple[str, ...] = (
    "code", "created_at", "source", "kind", "category", "urgent", "grid", "reporter_type",
    "status", "text", "assigned_at", "first_role", "assignee_role", "signed_off_at",
    "signoff_due_at", "signed_off_on_time", "resolved_at", "resolve_due_at", "resolved_on_time",
    "closed_at", "reopen_count", "return_count", "escalation_level", "reminders", "rating",
    "solved", "events",
)  # fmt: skip
"""Row keys, in column order; each header is the text ``export_col_<key>``."""
PERSONAL_COLUMNS: tuple[str, ...] = (
    "reporter_name", "phone", "address", "place", "latitude", "longitude", "assignee_name",
)  # fmt: skip
"""Added only with personal data."""
KINDS = frozenset({"complaint", "enquiry"})
"""Ticket kinds with a word of their own (``export_kind_<kind>``)."""


class UnknownGrid(ValueError):
    """The grid code names no grid."""


@dataclass(frozen=True)
class Selection:
    """Which tickets an export holds."""

    since: datetime | None = None
    grid_code: str | None = None


def _yes_no(value: bool | None) -> str:
    return "" if value is None else text("export_yes" if value else "export_no")


def _kind_word(kind: str) -> str:
    return text(f"export_kind_{kind}") if kind in KINDS else kind


def _tickets(session: Session, selection: Selection) -> list[tuple[Ticket, Grid | None]]:
    statement = select(Ticket, Grid).outerjoin(Grid, col(Grid.id) == col(Ticket.grid_id))
    if selection.since is not None:
        statement = statement.where(col(Ticket.created_at) >= selection.since)
    if selection.grid_code is not None:
        if session.exec(select(Grid).where(Grid.code == selection.grid_code)).first() is None:
            raise UnknownGrid(f"no grid {selection.grid_code!r}")
        statement = statement.where(Grid.code == selection.grid_code)
    return list(session.exec(statement.order_by(col(Ticket.id))))


@dataclass(frozen=True)
class People:
    """The staff and the reporters of the exported tickets, by id."""

    staff: dict[int, StaffMember]
    residents: dict[int, Resident]


def _in_chunks(session: Session, model: Any, column: Any, ids: Sequence[int]) -> Iterator[Any]:
    """The ``model`` rows whose ``column`` is one of ``ids`` (a few hundred per query)."""
    for start in range(0, len(ids), _CHUNK):
        statement = select(model).where(col(column).in_(ids[start : start + _CHUNK]))
        yield from session.exec(statement)


def _plain(
    ticket: Ticket, grid: Grid | None, events: list[TicketEvent], people: People, now: datetime
) -> dict[str, Cell]:
    """What anyone may see of a ticket: no names, phones, exact places; the text masked."""
    reporter = people.residents.get(ticket.reporter_id or 0)
    assigned = next((e for e in events if e.kind == "assigned"), None)
    first = people.staff.get(int((assigned.details if assigned else {}).get("assignee_id") or 0))
    current = people.staff.get(ticket.assignee_id or 0)
    kind = reporter.residence_type if reporter and not ticket.anonymous else None
    return {
        "code": ticket.code, "created_at": ticket.created_at, "source": ticket.source or "chat",
        "kind": _kind_word(str(ticket.kind)),
        "category": category_label(ticket.category), "urgent": _yes_no(ticket.urgent),
        "grid": grid.name if grid else None,
        "reporter_type": text(f"res_{kind}") if kind else text("anonymous"),
        "status": status_name(ticket.status), "text": redact(ticket.text),
        "assigned_at": assigned.at if assigned else None,
        "first_role": role_label(first) if first else None,
        "assignee_role": role_label(current) if current else None,
        "signed_off_at": ticket.accepted_at, "signoff_due_at": ticket.signoff_due_at,
        "signed_off_on_time": _yes_no(on_time(ticket.accepted_at, ticket.signoff_due_at, now)),
        "resolved_at": ticket.resolved_at, "resolve_due_at": ticket.resolve_due_at,
        "resolved_on_time": _yes_no(on_time(ticket.resolved_at, ticket.resolve_due_at, now)),
        "closed_at": ticket.closed_at, "reopen_count": ticket.reopen_count,
        "return_count": ticket.return_count, "escalation_level": ticket.escalation_level,
        "reminders": sum(e.kind == "reminded" for e in events), "rating": ticket.rating,
        "solved": _yes_no(ticket.solved), "events": len(events),
    }  # fmt: skip


def _personal(ticket: Ticket, people: People) -> dict[str, Cell]:
    """The personal data of a ticket (the reporter's only if they did not report anonymously)."""
    reporter = None if ticket.anonymous else people.residents.get(ticket.reporter_id or 0)
    assignee = people.staff.get(ticket.assignee_id or 0)
    return {
        "text": ticket.text,
        "reporter_name": reporter.display_name if reporter else None,
        "phone": reporter.phone if reporter else None,
        "address": reporter.address if reporter else None,
        "place": ticket.place, "latitude": ticket.latitude, "longitude": ticket.longitude,
        "assignee_name": assignee.name if assignee else None,
    }  # fmt: skip


def ticket_rows(
    session: Session, selection: Selection, *, now: datetime, personal: bool
) -> list[dict[str, Cell]]:
    """One row per selected ticket, its events summarised, oldest ticket first."""
    tickets = _tickets(session, selection)
    events: dict[int, list[TicketEvent]] = defaultdict(list)
    ticket_ids = [t.id for t, _ in tickets if t.id is not None]
    for event in _in_chunks(session, TicketEvent, TicketEvent.ticket_id, ticket_ids):
        events[event.ticket_id].append(event)
    reporter_ids = sorted({t.reporter_id for t, _ in tickets if t.reporter_id is not None})
    people = People(
        staff={m.id: m for m in session.exec(select(StaffMember)) if m.id is not None},
        residents={r.id: r for r in _in_chunks(session, Resident, Resident.id, reporter_ids)},
    )
    rows = []
    for ticket, grid in tickets:
        history = sorted(events.get(ticket.id or 0, []), key=lambda e: (e.at, e.id or 0))
        row = _plain(ticket, grid, history, people, now)
        rows.append(row | _personal(ticket, people) if personal else row)
    return rows


def _safe(value: Cell, zone: ZoneInfo) -> Cell:
    """Local naive times; text that Excel would run as a formula is quoted."""
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None, microsecond=0)
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """UTF-8 with a BOM and CRLF, so that Excel opens the Chinese correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            [v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else v for v in row]
        )
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """One sheet, a bold frozen header row, times as Excel dates."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("tickets")
    sheet.freeze_panes = "A2"
    bold = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def export_tickets(
    session: Session,
    *,
    fmt: Format,
    since: datetime | None = None,
    grid_code: str | None = None,
    with_personal_data: bool = False,
    now: datetime | None = None,
    zone: ZoneInfo = DEFAULT_ZONE,
) -> tuple[bytes, str]:
    """The export file's bytes and its name. Raises :class:`UnknownGrid`.

    With personal data, the caller records the use with :func:`record_personal_data_export`.
    """
    now = now or datetime.now(UTC)
    columns = COLUMNS + (PERSONAL_COLUMNS if with_personal_data else ())
    rows = ticket_rows(session, Selection(since, grid_code), now=now, personal=with_personal_data)
    values = ([_safe(row[key], zone) for key in columns] for row in rows)
    header = [text(f"export_col_{key}") for key in columns]
    data = to_csv(header, values) if fmt == "csv" else to_xlsx(header, values)
    parts = ["tickets", grid_code or "all", now.astimezone(zone).strftime("%Y%m%d-%H%M")]
    if with_personal_data:
        parts.append("personal")
    return data, "-".join(parts) + f".{fmt}"


def record_personal_data_export(
    session: Session,
    *,
    actor: str,
    fmt: Format,
    now: datetime,
    since: datetime | None = None,
    grid_code: str | None = None,
) -> AuditEntry:
    """Record (and log) that personal data was exported; only pseudonymous ids are kept."""
    tickets = _tickets(session, Selection(since, grid_code))
    residents = sorted({t.reporter_id for t, _ in tickets if t.reporter_id is not None})
    details: dict[str, Any] = {
        "format": fmt,
        "since": since.isoformat() if since else None,
        "grid": grid_code,
        "tickets": len(tickets),
        "resident_ids": residents,
    }
    entry = AuditEntry(at=now, actor=actor, action=AUDIT_ACTION, details=details)
    session.add(entry)
    log.warning(
        "personal data exported by %s: %d tickets of %d residents (grid %s, since %s)",
        actor, len(tickets), len(residents), grid_code or "all", details["since"] or "start",
    )  # fmt: skip
    return entry
