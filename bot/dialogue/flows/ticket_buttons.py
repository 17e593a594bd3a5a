"""Buttons on ticket messages (``t:<action>:<ticket id>[:<value>]``), for staff and residents.

The payload only names an action and a ticket: who presses comes from the event, and the
permission and life-cycle checks of the service run on every press.
"""

from __future__ import annotations

import logging
import re

from bot.dialogue.turn import Turn
from bot.domain.lifecycle import Action
from bot.service.actions import act, check
from bot.service.notices import button, category_buttons, category_label, local_time, staff_title
from nlp import DEFAULT_CODES
from storage.models import StaffMember, Ticket

NOTE = "note"
NEEDS_NOTE = {
    Action.RESOLVE: "ask_resolve_note",
    Action.RETURN: "ask_return_reason",
    Action.ASK_INFO: "ask_info_question",
    Action.PROVIDE_INFO: "ask_info_answer",
}
DONE_TEXT = {
    Action.ACCEPT: "accepted",
    Action.RESOLVE: "resolved",
    Action.RETURN: "returned",
    Action.REQUEST_EXTENSION: "extension_requested",
    Action.ASK_INFO: "info_asked",
    Action.PROVIDE_INFO: "info_thanks",
}


log = logging.getLogger(__name__)

_TICKET_ID = re.compile("[0-9]{1,9}")
"""A ticket id as buttons carry it: ASCII digits that fit every database's integer."""


def parse(data: str) -> tuple[Action, int, str] | None:
    """``t:accept:12`` → (ACCEPT, 12, ""); anything malformed → None."""
    parts = data.split(":")
    if len(parts) not in (3, 4) or parts[0] != "t" or not _TICKET_ID.fullmatch(parts[2]):
        return None
    try:
        action = Action(parts[1])
    except ValueError:
        return None
    return action, int(parts[2]), parts[3] if len(parts) == 4 else ""


def on_button(turn: Turn) -> None:
    """Check and apply the pressed action, asking for a note where one is needed."""
    parsed = parse(turn.event.data)
    ticket = turn.session.get(Ticket, parsed[1]) if parsed else None
    if parsed is None or ticket is None:
        refuse(turn, "not_allowed", None)
        return
    action, _, value = parsed
    if action == Action.RECATEGORISE and not value:
        ask_category(turn, ticket)
        return
    if action in NEEDS_NOTE:
        refusal = check(turn.actor, action, ticket)
        if refusal:
            refuse(turn, refusal, ticket)
            return
        turn.answer()
        turn.reply(NEEDS_NOTE[action])
        turn.go(NOTE, action=action.value, ticket_id=ticket.id)
        return
    rating = int(value) if action == Action.RATE and value in ("1", "2", "3", "4", "5") else None
    category = value if action == Action.RECATEGORISE and value in DEFAULT_CODES else None
    if action == Action.RECATEGORISE and category is None:
        refuse(turn, "not_allowed", ticket)
        return
    apply(turn, ticket, action, rating=rating, category=category)


def refuse(turn: Turn, reason: str, ticket: Ticket | None) -> None:
    """Answer a press that changes nothing, and log it (pseudonymous ids only)."""
    actor = turn.actor
    log.info(
        "ticket button refused (%s): %s %s on ticket %s",
        reason,
        actor.role.value,
        actor.id,
        ticket.id if ticket else "-",
    )
    turn.answer(reason)


def ask_category(turn: Turn, ticket: Ticket) -> None:
    """Staff correct a category: check they may, then offer the categories."""
    refusal = check(turn.actor, Action.RECATEGORISE, ticket)
    if refusal:
        refuse(turn, refusal, ticket)
        return
    turn.answer()
    turn.reply("choose_category", category_buttons(f"t:recategorise:{ticket.id}:"))


def on_note(turn: Turn) -> None:
    """The note of a resolve or the reason of a return."""
    body = turn.event.text.strip()
    action = Action(turn.data.get("action", Action.RESOLVE.value))
    ticket = turn.session.get(Ticket, int(turn.data.get("ticket_id", 0)))
    if ticket is None:
        turn.go("")
        turn.reply("not_found")
        return
    if not body:
        turn.reply(NEEDS_NOTE.get(action, "ask_resolve_note"))
        return
    turn.go("")
    apply(turn, ticket, action, note=body[:500])


def apply(
    turn: Turn,
    ticket: Ticket,
    action: Action,
    *,
    note: str = "",
    rating: int | None = None,
    category: str | None = None,
) -> None:
    """Run the action through the service and tell the presser what happened."""
    outcome = act(
        turn.mailer,
        turn.services,
        actor=turn.actor,
        ticket=ticket,
        action=action,
        note=note,
        rating=rating,
        category=category,
    )
    if not outcome.ok:
        refuse(turn, outcome.reason, ticket)
        if turn.event.kind.value != "button":
            turn.reply(outcome.reason)
        return
    turn.answer()
    confirm_to_presser(turn, ticket, action, rating)


def confirm_to_presser(turn: Turn, ticket: Ticket, action: Action, rating: int | None) -> None:
    """Tell the person who pressed what happened (and ask the next question)."""
    zone = turn.services.community.zone
    holder = turn.session.get(StaffMember, ticket.assignee_id) if ticket.assignee_id else None
    assignee = staff_title(holder) if holder else "-"
    if action == Action.CONFIRM:
        turn.close_buttons(turn.t("btn_solved"))
        buttons = [[button(str(n), f"t:rate:{ticket.id}:{n}") for n in range(1, 6)]]
        turn.reply("ask_rating", buttons)
    elif action == Action.RATE:
        turn.close_buttons("★" * (rating or 0))
        turn.reply("thanks_rating")
    elif action == Action.REOPEN:
        turn.close_buttons(turn.t("btn_not_solved"))
        turn.reply("reopened", code=ticket.code, assignee=assignee)
    elif action in DONE_TEXT:
        due = local_time(ticket.resolve_due_at, zone)
        turn.reply(DONE_TEXT[action], code=ticket.code, due=due)
    elif action == Action.ESCALATE:
        turn.reply("escalated", code=ticket.code, assignee=assignee)
    elif action == Action.RECATEGORISE:
        label = category_label(ticket.category)
        turn.reply("recategorised", code=ticket.code, label=label, assignee=assignee)
    else:
        turn.reply("done", code=ticket.code)
