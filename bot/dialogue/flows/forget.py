"""/forget: a resident asks for their personal data to be removed; the chair decides.

``/forget`` → 确定删除 / 不删除 (``fg:me:yes|no``) → the request is recorded and the chair gets
同意删除 / 不同意 (``fg:ok:<resident id>`` / ``fg:no:<resident id>``) → the resident is
anonymised (``bot.service.privacy.forget``) or keeps their data, and is told either way.
A press by anyone but the chair, a second press or a stale button changes nothing and is
answered (and logged with pseudonymous ids).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.dialogue.events import Kind
from bot.dialogue.turn import Turn
from bot.domain.permissions import ActorRole
from bot.service.context import Buttons
from bot.service.notices import button
from bot.service.privacy import decline_forget, forget, request_forget
from bot.texts import text
from storage import repositories as repo
from storage.enums import TicketStatus
from storage.models import Resident
from storage.repositories.privacy import tickets_reported_by

ASKED = "forget_asked"
log = logging.getLogger(__name__)


def ask(turn: Turn, _rest: str = "") -> None:
    """Ask a resident to confirm that their data should be removed."""
    if turn.staff is not None or turn.resident is None:
        turn.reply("forget_staff")
        return
    if turn.resident.forget_requested_at is not None:
        turn.reply("forget_pending")
        return
    turn.reply("forget_ask", _yes_no(turn))
    turn.go(ASKED)


def on_other(turn: Turn) -> None:
    """Anything but the two buttons while asked: ask again (and answer a stray press)."""
    if turn.event.kind == Kind.BUTTON:
        turn.answer("already_done")
    turn.reply("forget_choose", _yes_no(turn))


def on_button(turn: Turn) -> None:
    """Route an ``fg:`` press: the resident's answer or the chair's decision."""
    who, _, value = turn.event.data.removeprefix("fg:").partition(":")
    if who == "me":
        on_answer(turn, value)
    elif who in ("ok", "no"):
        on_decision(turn, confirm=who == "ok", value=value)
    else:
        refuse(turn, "not_allowed")


def on_answer(turn: Turn, value: str) -> None:
    """The resident confirmed (the chair is asked) or changed their mind."""
    resident = turn.resident
    if resident is None or turn.state != ASKED or value not in ("yes", "no"):
        refuse(turn, "already_done")
        return
    turn.answer()
    turn.go("")
    if value == "no":
        turn.close_buttons(turn.t("cancelled"))
        turn.reply("cancelled")
        return
    request_forget(turn.session, resident, turn.mailer.now)
    turn.close_buttons(turn.t("btn_forget_yes"))
    turn.reply("forget_sent")
    tell_chair(turn, resident)


def tell_chair(turn: Turn, resident: Resident) -> None:
    """Send the chair the request with confirm / decline buttons."""
    chair = repo.chair(turn.session)
    if chair is None or resident.id is None:
        return
    tickets = tickets_reported_by(turn.session, resident_id=resident.id)
    unclosed = sum(t.status != TicketStatus.CLOSED for t in tickets)
    body = text("forget_chair", resident=resident.id, tickets=len(tickets), open=unclosed)
    buttons = [[button(text("btn_forget_confirm"), f"fg:ok:{resident.id}"),
                button(text("btn_forget_decline"), f"fg:no:{resident.id}")]]  # fmt: skip
    turn.mailer.send(chair.chat_id, body, buttons)


def on_decision(turn: Turn, *, confirm: bool, value: str) -> None:
    """The chair confirms (anonymise) or declines a pending request."""
    actor = turn.actor
    resident = turn.session.get(Resident, int(value)) if value.isdigit() else None
    if actor.role != ActorRole.CHAIR or resident is None:
        refuse(turn, "not_allowed")
        return
    if resident.forget_requested_at is None or resident.anonymised_at is not None:
        refuse(turn, "already_done")
        return
    chat_id, lang, now = resident.chat_id, resident.language, turn.mailer.now
    if confirm:
        report = forget(turn.session, resident, now=now, actor=f"staff:{actor.id}")
        turn.mailer.send(chat_id, text("forget_done", lang))
        note = turn.t("forget_confirmed", resident=resident.id, tickets=report.tickets)
    else:
        decline_forget(turn.session, resident, now=now, actor=f"staff:{actor.id}")
        turn.mailer.send(chat_id, text("forget_declined", lang))
        note = turn.t("forget_kept", resident=resident.id)
    log.info("forget request of resident %s %s", resident.id, "done" if confirm else "declined")
    turn.answer()
    turn.close_buttons(note)
    turn.reply(note)


def refuse(turn: Turn, reason: str) -> None:
    """Answer a press that changes nothing, and log it without personal data."""
    who = (
        f"staff:{turn.staff.id}" if turn.staff else f"resident:{getattr(turn.resident, 'id', None)}"
    )
    log.info("forget: refused press (%s) by %s", reason, who)
    turn.answer(reason)


def _yes_no(turn: Turn) -> Buttons:
    return [[button(turn.t("btn_forget_yes"), "fg:me:yes"),
             button(turn.t("btn_forget_no"), "fg:me:no")]]  # fmt: skip


COMMANDS: dict[str, Callable[[Turn, str], None]] = {"/forget": ask}
"""Slash commands this flow handles: /name → handler(turn, rest of the line)."""
STEPS: dict[str, Callable[[Turn], None]] = {ASKED: on_other}
"""Conversation states this flow owns → the step that handles the next event."""
BUTTONS: dict[str, Callable[[Turn], None]] = {"fg:": on_button}
"""Button data prefixes (with the colon) → the step that handles the press."""
