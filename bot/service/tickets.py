"""Ticket use cases: create, and every action of the life cycle — each records an event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from bot.community.limits import LimitKind, Urgency
from bot.domain.deadlines import due_at
from bot.domain.enquiry import is_enquiry
from bot.domain.permissions import Actor, ActorRole
from bot.service.assignment import Assignment, choose_assignee
from bot.service.context import Mailer, Services
from bot.service.notices import (
    assignment_text,
    category_label,
    staff_buttons,
    staff_title,
)
from bot.service.reminders import schedule
from bot.texts import text
from nlp import Classification
from storage import repositories as repo
from storage.enums import ActorKind, ExampleSource, TicketKind, TicketStatus
from storage.models import Grid, Resident, StaffMember, Ticket

EXTENSION_DAYS = 3


@dataclass(frozen=True)
class Draft:
    """A complaint ready to become a ticket."""

    text: str
    category: str
    classification: dict[str, Any] = field(default_factory=dict)
    urgent: bool = False
    urgent_terms: tuple[str, ...] = ()
    anonymous: bool = False
    latitude: float | None = None
    longitude: float | None = None
    photo_file_ids: tuple[str, ...] = ()
    place: str | None = None


def explanation(result: Classification) -> dict[str, Any]:
    """What is kept of a classification on the ticket."""
    return {
        "suggested": result.category,
        "confidence": round(result.confidence, 4),
        "keywords": [[k.term, k.weight] for k in result.keywords[:8]],
        "alternatives": [[c, round(p, 4)] for c, p in result.alternatives],
    }


def set_deadlines(ticket: Ticket, services: Services, start: datetime) -> None:
    community = services.community
    if ticket.urgent:
        urgency = Urgency.URGENT
    else:
        urgency = Urgency.ENQUIRY if ticket.kind == TicketKind.ENQUIRY else Urgency.NORMAL
    for kind, attribute in (
        (LimitKind.SIGN_OFF, "signoff_due_at"),
        (LimitKind.RESOLUTION, "resolve_due_at"),
    ):
        limit = community.time_limits_for(ticket.category, urgency, kind)
        hours, zone = community.working_hours, community.zone
        setattr(ticket, attribute, due_at(start, limit, hours, zone, services.is_workday))
    if (
        ticket.signoff_due_at
        and ticket.resolve_due_at
        and ticket.resolve_due_at < ticket.signoff_due_at
    ):
        ticket.resolve_due_at = ticket.signoff_due_at  # never due to be resolved before signing off


def _actor_kind(actor: Actor) -> ActorKind:
    if actor.role == ActorRole.RESIDENT:
        return ActorKind.RESIDENT
    return ActorKind.SYSTEM if actor.role == ActorRole.SYSTEM else ActorKind.STAFF


def record_event(
    session: Session,
    ticket: Ticket,
    actor: Actor,
    kind: str,
    now: datetime,
    before: TicketStatus | None,
    **details: Any,
) -> None:
    assert ticket.id is not None
    repo.add_event(
        session,
        ticket_id=ticket.id,
        kind=kind,
        at=now,
        actor_kind=_actor_kind(actor),
        actor_id=actor.id,
        from_status=before,
        to_status=ticket.status,
        details=details or None,
    )


def _grid(session: Session, ticket: Ticket) -> Grid | None:
    return session.get(Grid, ticket.grid_id) if ticket.grid_id else None


def dispatch(
    session: Session, mailer: Mailer, services: Services, ticket: Ticket, assignment: Assignment
) -> None:
    """Give ``ticket`` to the chosen person and tell them, the informed and the committee."""
    ticket.assignee_id = assignment.assignee.id
    grid = _grid(session, ticket)
    grid_name = grid.name if grid else "-"
    reporter = session.get(Resident, ticket.reporter_id) if ticket.reporter_id else None
    zone = services.community.zone
    body = assignment_text(ticket, reporter, grid_name, zone)
    mailer.send(assignment.assignee.chat_id, body, staff_buttons(ticket), ticket_id=ticket.id)
    note = text(
        "informed",
        grid=grid_name,
        code=ticket.code,
        label=category_label(ticket.category),
        assignee=staff_title(assignment.assignee),
    )
    for member in assignment.informed:
        mailer.send(member.chat_id, note, ticket_id=ticket.id)
    if assignment.nobody_reachable or assignment.skipped:
        chair = repo.chair(session)
        if chair is not None:
            warning = text(
                "nobody_reachable",
                grid=grid_name,
                code=ticket.code,
                assignee=staff_title(assignment.assignee),
            )
            mailer.send(chair.chat_id, warning, ticket_id=ticket.id)


def create_ticket(
    session: Session,
    mailer: Mailer,
    services: Services,
    *,
    reporter: Resident,
    draft: Draft,
    grid: Grid | None,
) -> tuple[Ticket, StaffMember]:
    """Register a complaint, route it, set its clocks and notify the people responsible."""
    now = mailer.now
    ticket = Ticket(
        reporter_id=reporter.id,
        anonymous=draft.anonymous,
        grid_id=grid.id if grid else None,
        category=draft.category,
        confidence=float(draft.classification.get("confidence", 0.0)),
        urgent=draft.urgent,
        kind=TicketKind.ENQUIRY
        if is_enquiry(draft.text, draft.category, draft.urgent)
        else TicketKind.COMPLAINT,
        urgent_terms=list(draft.urgent_terms),
        text=draft.text,
        explanation=draft.classification,
        place=draft.place,
        latitude=draft.latitude,
        longitude=draft.longitude,
        photo_file_ids=list(draft.photo_file_ids),
        created_at=now,
        updated_at=now,
    )
    session.add(ticket)
    session.flush()
    repo.assign_ticket_code(session, ticket=ticket, prefix=services.community.code)
    resident_actor = Actor(ActorRole.RESIDENT, reporter.id)
    record_event(session, ticket, resident_actor, "created", now, None, category=draft.category)
    if draft.classification.get("suggested") not in (None, draft.category):
        repo.add_labelled_example(
            session,
            text=draft.text,
            label=draft.category,
            source=ExampleSource.RESIDENT,
            now=now,
            previous_label=draft.classification["suggested"],
            ticket_id=ticket.id,
        )
    assignment = choose_assignee(session, services.community, category=ticket.category, grid=grid)
    ticket.status = TicketStatus.ASSIGNED
    set_deadlines(ticket, services, now)
    schedule(ticket, services)
    dispatch(session, mailer, services, ticket, assignment)
    record_event(
        session,
        ticket,
        Actor(ActorRole.SYSTEM),
        "assigned",
        now,
        TicketStatus.NEW,
        assignee_id=assignment.assignee.id,
        reason=assignment.reason,
    )
    return ticket, assignment.assignee
