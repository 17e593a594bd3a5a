"""Reminders and escalation by the clock: scheduling after every change, and the sweep.

The database is the only source of truth: each ticket carries the clock its reminders follow,
how many ladder steps were taken and when to look again. A sweep claims the due tickets
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, one writer on SQLite), takes at most one step per
ticket and records it, so two sweepers or a restarted one never send a step twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.domain.lifecycle import Action
from bot.domain.permissions import Actor, ActorRole
from bot.domain.reminders import CLOSE_AFTER, Clock, Step, after_quiet_hours, decide, ladder_times
from bot.service.assignment import leader_and_chair
from bot.service.context import Mailer, Services
from bot.service.notices import category_label, local_time, staff_title, tell_followers
from bot.texts import text
from storage import repositories as repo
from storage.enums import ActorKind, TicketStatus
from storage.models import Grid, Resident, StaffMember, Ticket

SYSTEM = Actor(ActorRole.SYSTEM)
SIGN_OFF_STATUSES = frozenset(
    {TicketStatus.ASSIGNED, TicketStatus.ESCALATED, TicketStatus.RETURNED}
)


@dataclass(frozen=True)
class Reminder:
    """One step a sweep took (or would take): to whom, for which ticket."""

    recipient: str
    code: str
    step: str


def lead_time(services: Services) -> timedelta:
    return services.community.reminders.lead_time.to_timedelta()


def schedule(ticket: Ticket, services: Services) -> None:
    """Point the ticket's reminders at the clock its status runs on, from the first step."""
    ticket.reminder_step = 0
    if ticket.paused_at is not None:  # waiting for the resident: the clocks stand still
        ticket.next_reminder_at = None
    elif ticket.status == TicketStatus.ACCEPTED and ticket.resolve_due_at is not None:
        ticket.reminder_clock = Clock.RESOLUTION
        ticket.next_reminder_at = ladder_times(ticket.resolve_due_at, lead_time(services))[0]
    elif ticket.status in SIGN_OFF_STATUSES and ticket.signoff_due_at is not None:
        ticket.reminder_clock = Clock.SIGN_OFF
        ticket.next_reminder_at = ladder_times(ticket.signoff_due_at, lead_time(services))[0]
    elif ticket.status == TicketStatus.RESOLVED and ticket.resolved_at is not None:
        ticket.reminder_clock = Clock.CLOSING
        ticket.next_reminder_at = ticket.resolved_at + CLOSE_AFTER
    else:
        ticket.reminder_clock, ticket.next_reminder_at = None, None


def sweep(
    session: Session, services: Services, *, now: datetime, limit: int = 500
) -> list[Reminder]:
    """Take the due step of every due ticket; the caller commits (or rolls back a dry run)."""
    mailer = Mailer(session, now)
    taken: list[Reminder] = []
    for ticket in repo.claim_due_reminders(session, now=now, limit=limit):
        taken.extend(_advance(session, mailer, services, ticket, now))
    return taken


def _advance(
    session: Session, mailer: Mailer, services: Services, ticket: Ticket, now: datetime
) -> list[Reminder]:
    if ticket.reminder_clock == Clock.CLOSING:
        return _close_unrated(session, mailer, services, ticket)
    due = (
        ticket.signoff_due_at if ticket.reminder_clock == Clock.SIGN_OFF else ticket.resolve_due_at
    )
    if due is None or ticket.status in (TicketStatus.CLOSED, TicketStatus.RESOLVED):
        ticket.next_reminder_at = None
        return []
    decision = decide(due, lead_time(services), ticket.reminder_step, now)
    if decision.step is None:
        ticket.next_reminder_at = decision.next_at
        return []
    community = services.community
    held = None if ticket.urgent else after_quiet_hours(now, community.quiet_hours, community.zone)
    if held is not None:
        ticket.next_reminder_at = held
        return []
    reminders = _send_step(session, mailer, services, ticket, decision.step, due)
    ticket.reminder_step, ticket.next_reminder_at = decision.taken, decision.next_at
    assert ticket.id is not None
    repo.add_event(
        session,
        ticket_id=ticket.id,
        kind="reminded",
        at=now,
        actor_kind=ActorKind.SYSTEM,
        from_status=ticket.status,
        to_status=ticket.status,
        details={"step": decision.step.value, "clock": ticket.reminder_clock},
    )
    return reminders


def _send_step(
    session: Session, mailer: Mailer, services: Services, ticket: Ticket, step: Step, due: datetime
) -> list[Reminder]:
    grid = session.get(Grid, ticket.grid_id) if ticket.grid_id else None
    assignee = session.get(StaffMember, ticket.assignee_id) if ticket.assignee_id else None
    values = {
        "code": ticket.code,
        "label": category_label(ticket.category),
        "due": local_time(due, services.community.zone),
        "grid": grid.name if grid else "",
        "clock": text(f"clock_{ticket.reminder_clock}"),
        "assignee": staff_title(assignee) if assignee else "-",
    }
    if step in (Step.BEFORE, Step.OVERDUE):
        targets = [assignee] if assignee else []
    else:
        ladder = leader_and_chair(session, services.community, grid)  # the chair comes last
        targets = ladder[-1:] if step == Step.CHAIR else ladder[:1]
    sent = []
    for member in targets:
        body = text(f"remind_{step.value}").format(**values)
        mailer.send(member.chat_id, body, ticket_id=ticket.id)
        sent.append(Reminder(member.name, ticket.code or "", step.value))
    if step in (Step.LEADER, Step.CHAIR) and targets:
        reporter = session.get(Resident, ticket.reporter_id) if ticket.reporter_id else None
        if reporter is not None:
            body = text(
                "resident_escalated",
                reporter.language,
                code=ticket.code,
                who=staff_title(targets[0]),
            )
            mailer.send(reporter.chat_id, body, ticket_id=ticket.id)
        tell_followers(mailer, ticket, "follower_escalated", who=staff_title(targets[0]))
    return sent


def _close_unrated(
    session: Session, mailer: Mailer, services: Services, ticket: Ticket
) -> list[Reminder]:
    from bot.service.actions import act

    ticket.next_reminder_at = None
    if ticket.status != TicketStatus.RESOLVED:
        return []
    outcome = act(mailer, services, actor=SYSTEM, ticket=ticket, action=Action.CLOSE)
    reporter = session.get(Resident, ticket.reporter_id) if ticket.reporter_id else None
    if outcome.ok and reporter is not None:
        mailer.send(
            reporter.chat_id,
            text("auto_closed", reporter.language, code=ticket.code),
            ticket_id=ticket.id,
        )
        return [
            Reminder(
                reporter.display_name or str(reporter.chat_id), ticket.code or "", Step.CLOSE.value
            )
        ]
    return []
