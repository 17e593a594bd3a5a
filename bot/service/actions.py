"""Ticket actions after creation: each checks permission and life cycle, changes the ticket,
tells the people concerned and records an event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.domain import lifecycle
from bot.domain.lifecycle import Action
from bot.domain.permissions import Actor, ActorRole, TicketFacts, may
from bot.service.assignment import choose_assignee, leader_and_chair, reachable
from bot.service.context import Mailer, Services
from bot.service.notices import (
    assignment_text,
    follower_rating_buttons,
    local_time,
    staff_buttons,
    staff_title,
    status_name,
    tell_followers,
    ticket_button,
)
from bot.service.reminders import schedule
from bot.service.tickets import dispatch, record_event, set_deadlines
from bot.texts import text
from storage import repositories as repo
from storage.enums import ExampleSource, TicketStatus
from storage.models import Grid, Resident, StaffMember, Ticket

EXTENSION_DAYS = 3
REOPEN_WINDOW = timedelta(days=7)
"""After this long closed, only the chair can reopen a ticket."""


@dataclass(frozen=True)
class Outcome:
    """The result of an action: done, or refused with a reason key of the texts module."""

    ok: bool
    reason: str = ""
    ticket: Ticket | None = None


@dataclass
class Change:
    """One action being applied: the ticket, who acts, and what they said."""

    mailer: Mailer
    services: Services
    ticket: Ticket
    actor: Actor
    note: str = ""
    rating: int | None = None
    category: str | None = None

    @property
    def session(self) -> Any:
        return self.mailer.session

    def get(self, model: type, key: int | None) -> Any:
        return self.session.get(model, key) if key else None

    @property
    def grid(self) -> Grid | None:
        return self.get(Grid, self.ticket.grid_id)  # type: ignore[no-any-return]

    @property
    def reporter(self) -> Resident | None:
        return self.get(Resident, self.ticket.reporter_id)  # type: ignore[no-any-return]

    def staff_text(self, prefix: str = "") -> str:
        """The full assignment message, for whoever holds the ticket now."""
        grid = self.grid
        body = assignment_text(
            self.ticket, self.reporter, grid.name if grid else "-", self.services.community.zone
        )
        return prefix + body

    def tell_reporter(self, key: str, buttons: Any = None, **values: object) -> None:
        reporter = self.reporter
        if reporter is not None:
            body = text(key, reporter.language, code=self.ticket.code, **values)
            self.mailer.send(reporter.chat_id, body, buttons, ticket_id=self.ticket.id)

    def tell_status(self, status: TicketStatus) -> None:
        """The reporter and the residents who follow the ticket learn its new status."""
        self.tell_reporter("status_changed", status=status_name(status), note="")
        tell_followers(self.mailer, self.ticket, "dup_follower_status", status=status_name(status))


def facts(ticket: Ticket) -> TicketFacts:
    return TicketFacts(ticket.reporter_id, ticket.grid_id, ticket.assignee_id)


def check(actor: Actor, action: Action, ticket: Ticket) -> str:
    """The refusal reason for ``action`` (empty when allowed): permission first, then status."""
    if not may(actor, action, facts(ticket)):
        return "not_allowed"
    step = lifecycle.transition(ticket.status, action)
    if step.allowed and action == Action.PROVIDE_INFO and ticket.paused_at is None:
        return "already_done"  # nobody is waiting for an answer
    return "" if step.allowed else step.reason


def act(
    mailer: Mailer,
    services: Services,
    *,
    actor: Actor,
    ticket: Ticket,
    action: Action,
    note: str = "",
    rating: int | None = None,
    category: str | None = None,
) -> Outcome:
    """Apply ``action`` by ``actor`` if the permissions and the life cycle allow it."""
    refusal = check(actor, action, ticket)
    if not refusal and action == Action.RATE:
        refusal = "already_done" if ticket.rating is not None else ""
        refusal = refusal or ("" if rating is not None and 1 <= rating <= 5 else "not_allowed")
    if not refusal and action == Action.REOPEN and actor.role == ActorRole.RESIDENT:
        closed = ticket.closed_at
        refusal = "too_late" if closed and mailer.now - closed > REOPEN_WINDOW else ""
    if refusal:
        return Outcome(False, refusal, ticket)
    before = ticket.status
    ticket.updated_at = mailer.now
    details = HANDLERS[action](Change(mailer, services, ticket, actor, note, rating, category))
    if action not in (Action.RATE, Action.REQUEST_EXTENSION):
        schedule(ticket, services)
    record_event(mailer.session, ticket, actor, action.value, mailer.now, before, **details)
    return Outcome(True, "", ticket)


def _accept(change: Change) -> dict[str, Any]:
    change.ticket.status, change.ticket.accepted_at = TicketStatus.ACCEPTED, change.mailer.now
    change.tell_status(TicketStatus.ACCEPTED)
    return {}


def _resolve(change: Change) -> dict[str, Any]:
    ticket = change.ticket
    ticket.status, ticket.resolved_at = TicketStatus.RESOLVED, change.mailer.now
    ticket.resolution_note = change.note
    lang = change.reporter.language if change.reporter else "zh"
    buttons = [
        [
            ticket_button("btn_solved", "confirm", ticket, lang),
            ticket_button("btn_not_solved", "reopen", ticket, lang),
        ]
    ]
    change.tell_reporter("ask_solved", buttons, note=change.note or "-")
    rate = follower_rating_buttons(ticket)
    tell_followers(change.mailer, ticket, "dup_follower_resolved", rate, note=change.note or "-")
    return {"note": change.note}


def _return(change: Change) -> dict[str, Any]:
    ticket = change.ticket
    ticket.return_count += 1
    ticket.return_reason = change.note
    returned_by: StaffMember | None = change.get(StaffMember, ticket.assignee_id)
    ladder = leader_and_chair(change.session, change.services.community, change.grid)
    if lifecycle.goes_to_chair_after_return(ticket.return_count):
        ladder = [m for m in ladder if str(m.role) == "chair"] or ladder
    others = [m for m in ladder if m.id != ticket.assignee_id]
    dispatcher = others[0] if others else (ladder[-1] if ladder else None)
    ticket.status = TicketStatus.RETURNED
    ticket.assignee_id = dispatcher.id if dispatcher else None
    change.tell_status(TicketStatus.RETURNED)
    if dispatcher is not None:
        who = staff_title(returned_by) if returned_by else "-"
        body = text("returned_to_dispatcher", code=ticket.code, who=who, reason=change.note or "-")
        buttons = [[ticket_button("btn_redispatch", "assign", ticket)]]
        change.mailer.send(dispatcher.chat_id, body, buttons, ticket_id=ticket.id)
    return {
        "reason": change.note,
        "from": returned_by.id if returned_by else None,
        "to": ticket.assignee_id,
        "returns": ticket.return_count,
    }


def _escalate(change: Change) -> dict[str, Any]:
    ticket = change.ticket
    ladder = leader_and_chair(change.session, change.services.community, change.grid)
    above = [m for m in ladder if m.id not in (ticket.assignee_id, change.actor.id)] or ladder[-1:]
    target = above[0]
    ticket.status, ticket.assignee_id = TicketStatus.ESCALATED, target.id
    ticket.escalation_level += 1
    change.mailer.send(
        target.chat_id,
        change.staff_text(text("tag_escalated")),
        staff_buttons(ticket),
        ticket_id=ticket.id,
    )
    change.tell_reporter("escalated_notice", level=staff_title(target))
    tell_followers(change.mailer, ticket, "dup_follower_status", status=status_name(ticket.status))
    return {"to": target.id, "level": ticket.escalation_level, "note": change.note}


def _request_extension(change: Change) -> dict[str, Any]:
    ticket, actor = change.ticket, change.actor
    ladder = leader_and_chair(change.session, change.services.community, change.grid)
    approver = next((m for m in ladder if m.id != actor.id and reachable(m)), None)
    requester: StaffMember | None = change.get(StaffMember, actor.id)
    if approver is not None:
        who = staff_title(requester) if requester else "-"
        body = text("extension_ask", who=who, code=ticket.code, days=EXTENSION_DAYS)
        buttons = [[ticket_button("btn_approve_extension", "approve_extension", ticket)]]
        change.mailer.send(approver.chat_id, body, buttons, ticket_id=ticket.id)
    return {"days": EXTENSION_DAYS, "approver": approver.id if approver else None}


def _approve_extension(change: Change) -> dict[str, Any]:
    ticket, now = change.ticket, change.mailer.now
    previous = ticket.resolve_due_at
    ticket.resolve_due_at = max(previous, now) + timedelta(days=EXTENSION_DAYS) if previous else now
    assignee: StaffMember | None = change.get(StaffMember, ticket.assignee_id)
    if assignee is not None:
        due = local_time(ticket.resolve_due_at, change.services.community.zone)
        body = text("extension_approved", code=ticket.code, due=due)
        change.mailer.send(assignee.chat_id, body, ticket_id=ticket.id)
    return {
        "from": previous.isoformat() if previous else None,
        "to": ticket.resolve_due_at.isoformat(),
    }


def _confirm(change: Change) -> dict[str, Any]:
    ticket = change.ticket
    ticket.status, ticket.solved, ticket.closed_at = TicketStatus.CLOSED, True, change.mailer.now
    tell_followers(change.mailer, ticket, "dup_follower_closed")
    return {}


def _reopen(change: Change) -> dict[str, Any]:
    ticket = change.ticket
    ticket.status, ticket.solved, ticket.closed_at = TicketStatus.ASSIGNED, False, None
    ticket.reopen_count += 1
    ticket.accepted_at = ticket.resolved_at = None
    set_deadlines(ticket, change.services, change.mailer.now)
    tell_followers(change.mailer, ticket, "dup_follower_reopened")
    assignee: StaffMember | None = change.get(StaffMember, ticket.assignee_id)
    if assignee is not None:
        body = change.staff_text(text("tag_reopened"))
        change.mailer.send(assignee.chat_id, body, staff_buttons(ticket), ticket_id=ticket.id)
    return {"reopens": ticket.reopen_count}


def _ask_info(change: Change) -> dict[str, Any]:
    """Send the resident the question and stop the clocks until they answer."""
    ticket = change.ticket
    if ticket.paused_at is None:
        ticket.paused_at = change.mailer.now
    lang = change.reporter.language if change.reporter else "zh"
    buttons = [[ticket_button("btn_reply", "provide_info", ticket, lang)]]
    change.tell_reporter("info_question", buttons, question=change.note)
    return {"question": change.note}


def _provide_info(change: Change) -> dict[str, Any]:
    """Forward the answer, move the deadlines by the time spent waiting, restart the clocks."""
    ticket, now = change.ticket, change.mailer.now
    waited = now - ticket.paused_at if ticket.paused_at else timedelta(0)
    ticket.paused_at = None
    if ticket.signoff_due_at is not None and ticket.accepted_at is None:
        ticket.signoff_due_at += waited
    if ticket.resolve_due_at is not None:
        ticket.resolve_due_at += waited
    assignee: StaffMember | None = change.get(StaffMember, ticket.assignee_id)
    if assignee is not None:
        due = local_time(ticket.resolve_due_at, change.services.community.zone)
        body = text("info_answer", code=ticket.code, answer=change.note, due=due)
        change.mailer.send(assignee.chat_id, body, staff_buttons(ticket), ticket_id=ticket.id)
    return {"answer": change.note, "waited_seconds": int(waited.total_seconds())}


def _rate(change: Change) -> dict[str, Any]:
    change.ticket.rating = change.rating
    return {"rating": change.rating}


def _close(change: Change) -> dict[str, Any]:
    change.ticket.status, change.ticket.closed_at = TicketStatus.CLOSED, change.mailer.now
    tell_followers(change.mailer, change.ticket, "dup_follower_closed")
    return {}


def _last_returner(change: Change) -> int | None:
    """The staff member who last returned the ticket (not given it again on re-dispatch)."""
    events = repo.events_of_ticket(change.session, ticket_id=change.ticket.id or 0)
    returns = [e for e in events if e.kind == Action.RETURN.value]
    returner = returns[-1].details.get("from") if returns else None
    return int(returner) if returner is not None else None


def _redispatch(change: Change) -> dict[str, Any]:
    ticket, category = change.ticket, change.category
    previous = ticket.category
    if category and category != previous:
        ticket.category = category
        chair = change.actor.role == ActorRole.CHAIR
        repo.add_labelled_example(
            change.session,
            text=ticket.text,
            label=category,
            now=change.mailer.now,
            source=ExampleSource.CHAIR if chair else ExampleSource.STAFF,
            previous_label=previous,
            ticket_id=ticket.id,
        )
    returner = _last_returner(change) if ticket.status == TicketStatus.RETURNED else None
    assignment = choose_assignee(
        change.session,
        change.services.community,
        category=ticket.category,
        grid=change.grid,
        exclude=frozenset({returner}) if returner else frozenset(),
    )
    ticket.status = TicketStatus.ASSIGNED
    dispatch(change.session, change.mailer, change.services, ticket, assignment)
    change.tell_status(TicketStatus.ASSIGNED)
    return {"from_category": previous, "category": ticket.category, "to": assignment.assignee.id}


HANDLERS: dict[Action, Callable[[Change], dict[str, Any]]] = {
    Action.ACCEPT: _accept,
    Action.RESOLVE: _resolve,
    Action.RETURN: _return,
    Action.ESCALATE: _escalate,
    Action.REQUEST_EXTENSION: _request_extension,
    Action.APPROVE_EXTENSION: _approve_extension,
    Action.CONFIRM: _confirm,
    Action.REOPEN: _reopen,
    Action.RATE: _rate,
    Action.CLOSE: _close,
    Action.RECATEGORISE: _redispatch,
    Action.REASSIGN: _redispatch,
    Action.ASSIGN: _redispatch,
    Action.ASK_INFO: _ask_info,
    Action.PROVIDE_INFO: _provide_info,
}
