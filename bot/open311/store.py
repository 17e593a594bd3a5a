"""The API's use cases on a session: list and read requests, and register a new one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.community import find_named_place, locate_address, locate_point
from bot.open311.disclosure import role_label
from bot.open311.errors import Open311Problem
from bot.open311.filters import RequestQuery
from bot.open311.mapping import CLOSED_STATUSES, TicketContext, to_request
from bot.open311.schemas import NewServiceRequest, ServiceRequest, ServiceRequestCreated
from bot.service.context import Mailer, Services
from bot.service.notices import local_time
from bot.service.tickets import Draft, create_ticket, explanation
from bot.texts import text
from nlp import DEFAULT_CODES
from storage import repositories as repo
from storage.models import Grid, Resident, StaffMember, Ticket
from storage.repositories.apikeys import use_api_key

SOURCE_PREFIX = "open311:"


def _context(session: Session, ticket: Ticket, community_name: str) -> TicketContext:
    grid = session.get(Grid, ticket.grid_id) if ticket.grid_id else None
    assignee = session.get(StaffMember, ticket.assignee_id) if ticket.assignee_id else None
    return TicketContext(grid.name if grid else None, assignee, community_name)


def _statement(query: RequestQuery) -> Any:
    statement = select(Ticket).where(col(Ticket.code).is_not(None))
    if query.codes:
        return statement.where(col(Ticket.code).in_(query.codes))
    if query.service_codes:
        statement = statement.where(col(Ticket.category).in_(query.service_codes))
    if query.start is not None:
        statement = statement.where(col(Ticket.created_at) >= query.start)
    if query.end is not None:
        statement = statement.where(col(Ticket.created_at) <= query.end)
    if query.statuses == ("closed",):
        statement = statement.where(col(Ticket.status).in_(CLOSED_STATUSES))
    elif query.statuses == ("open",):
        statement = statement.where(col(Ticket.status).not_in(CLOSED_STATUSES))
    return statement


def find_requests(
    session: Session, query: RequestQuery, services: Services
) -> list[ServiceRequest]:
    """The public view of the tickets matching ``query``, newest first."""
    statement = _statement(query).order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
    community = services.community
    return [
        to_request(ticket, _context(session, ticket, community.name), community.zone)
        for ticket in session.exec(statement.limit(query.limit))
    ]


def _grid(session: Session, services: Services, new: NewServiceRequest) -> Grid | None:
    """The grid of the address, else of the point, else of a place named in the description."""
    community = services.community
    code = None
    if new.address_string:
        match = locate_address(community, new.address_string)
        code = match.grid if match else None
    if code is None and new.lat is not None and new.long is not None:
        code = locate_point(community, new.lat, new.long)
    if code is None:
        named = find_named_place(community, f"{new.address_string or ''} {new.description}")
        code = named.grid if named else None
    return repo.grid_by_code(session, code=code) if code else None


def _draft(services: Services, new: NewServiceRequest) -> Draft:
    """The ticket to create: the given category, or the classifier's; urgency always checked."""
    if new.service_code is not None and new.service_code not in DEFAULT_CODES:
        raise Open311Problem(400, f"service_code: unknown service {new.service_code!r}")
    if not any(char.isalnum() for char in new.description):
        raise Open311Problem(400, "description: write what the problem is")
    result = services.classify(new.description)
    return Draft(
        text=new.description,
        category=new.service_code or result.category,
        classification={} if new.service_code else explanation(result),
        urgent=result.urgent,
        urgent_terms=result.urgent_terms,
        latitude=new.lat,
        longitude=new.long,
        place=new.address_string,
    )


def submit(
    session: Session, services: Services, *, key: str, new: NewServiceRequest, now: datetime
) -> ServiceRequestCreated:
    """Register a report from a platform: routed, timed and notified like a chat complaint."""
    api_key = use_api_key(session, key=key, now=now)
    if api_key is None:
        raise Open311Problem(403, "api_key is unknown or revoked")
    if (new.lat is None) != (new.long is None):
        raise Open311Problem(400, "lat and long go together")
    draft = _draft(services, new)
    # Transient, never added to the session: a platform's reporter is no resident of ours.
    reporter = Resident(chat_id=0, anonymous=True)
    ticket, assignee = create_ticket(
        session,
        Mailer(session, now),
        services,
        reporter=reporter,
        draft=draft,
        grid=_grid(session, services, new),
    )
    ticket.source = SOURCE_PREFIX + api_key.name
    due = local_time(ticket.signoff_due_at, services.community.zone)
    notice = text("open311_notice", role=role_label(assignee), due=due)
    return ServiceRequestCreated(service_request_id=ticket.code or "", service_notice=notice)
