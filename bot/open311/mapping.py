"""Pure translation between GridVoice and Open311: categories → services, tickets → requests.

What leaves is deliberately less than what is stored: the description has phone-like numbers
and house numbers masked, the address is the grid (never the street number), coordinates are
rounded to 3 decimals (about 100 m), and names, chat ids, staff notes and photos never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo

from bot.open311.disclosure import redact, role_label
from bot.open311.schemas import Service, ServiceRequest
from bot.service.notices import category_label, status_name
from bot.texts import text
from nlp import DEFAULT_CODES, load_taxonomy
from storage.enums import TicketStatus
from storage.models import StaffMember, Ticket

COORDINATE_DECIMALS = 3
"""About 110 m of latitude: the block, not the door."""
CLOSED_STATUSES = frozenset({TicketStatus.RESOLVED, TicketStatus.CLOSED})


@dataclass(frozen=True)
class TicketContext:
    """What a request shows about a ticket beyond its own row."""

    grid_name: str | None
    assignee: StaffMember | None
    community_name: str


def round_coordinate(value: float | None) -> float | None:
    """A latitude or longitude rounded to the published precision."""
    return None if value is None else round(value, COORDINATE_DECIMALS)


def open311_status(status: TicketStatus) -> Literal["open", "closed"]:
    """``closed`` once resolved (reopening makes it ``open`` again), else ``open``."""
    return "closed" if status in CLOSED_STATUSES else "open"


def local_iso(moment: datetime, zone: ZoneInfo) -> str:
    """A W3C date-time with the community's UTC offset, to the second."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


@cache
def services() -> tuple[Service, ...]:
    """One Open311 service per GridVoice category, in taxonomy order."""
    taxonomy = load_taxonomy()
    found = []
    for code in DEFAULT_CODES:
        category = taxonomy.get(code)
        keywords = sorted(category.keywords.items(), key=lambda kv: -kv[1]) if category else []
        found.append(
            Service(
                service_code=code,
                service_name=category_label(code),
                description=(category.definition if category else "") or category_label(code),
                keywords=",".join(term.replace(" ", "") for term, _ in keywords[:8]),
                group=(category.label_en if category else "") or code,
            )
        )
    return tuple(found)


def service_by_code(code: str) -> Service | None:
    """The service of a category code, if it is one."""
    return next((s for s in services() if s.service_code == code), None)


def status_notes(ticket: Ticket) -> str:
    """The detail behind open/closed: the GridVoice status, reopenings, duplicates."""
    notes = status_name(ticket.status)
    if ticket.status == TicketStatus.CLOSED and ticket.solved is False:
        notes += text("open311_not_solved")
    if ticket.reopen_count:
        notes += text("open311_reopened", count=ticket.reopen_count)
    if ticket.paused_at is not None:
        notes += text("open311_waiting")
    return notes


def to_request(ticket: Ticket, context: TicketContext, zone: ZoneInfo) -> ServiceRequest:
    """The public view of one ticket."""
    anonymised = ticket.anonymised_at is not None
    address = context.community_name + (context.grid_name or "") if context.grid_name else None
    return ServiceRequest(
        service_request_id=ticket.code or "",
        status=open311_status(ticket.status),
        status_notes=status_notes(ticket),
        service_name=category_label(ticket.category),
        service_code=ticket.category,
        description="" if anonymised else redact(ticket.text),
        agency_responsible=role_label(context.assignee) if context.assignee else None,
        requested_datetime=local_iso(ticket.created_at, zone),
        updated_datetime=local_iso(ticket.updated_at, zone),
        expected_datetime=local_iso(ticket.resolve_due_at, zone) if ticket.resolve_due_at else None,
        address=address,
        lat=None if anonymised else round_coordinate(ticket.latitude),
        long=None if anonymised else round_coordinate(ticket.longitude),
    )
