"""Duplicates: the resident's answer to "already reported?", followers' ratings, and the staff
commands ``/merge DUPLICATE KEPT`` and ``/unmerge DUPLICATE``."""

from __future__ import annotations

from collections.abc import Callable

from bot.dialogue.events import Kind
from bot.dialogue.flows import complaint
from bot.dialogue.turn import Turn
from bot.service import duplicates
from bot.service.notices import status_name
from storage.models import Ticket


def on_duplicate(turn: Turn) -> None:
    """Follow the offered ticket, report separately, or cancel."""
    draft = turn.data.get("draft")
    if turn.event.kind != Kind.BUTTON or not draft:
        turn.go("")
        complaint.on_message(turn)
        return
    turn.answer()
    choice = turn.event.data
    if choice == "k:follow":
        complaint.follow_candidate(turn, draft)
    elif choice == "k:separate":
        turn.close_buttons(turn.t("btn_separate"))
        complaint.create(turn, draft, anonymous=False)
    else:
        turn.close_buttons(turn.t("cancelled"))
        turn.reply("cancelled")
        turn.go("")


def on_rate(turn: Turn) -> None:
    """A follower's rating button: ``dp:rate:<ticket id>:<1-5>``."""
    parts = turn.event.data.split(":")
    valid = len(parts) == 4 and parts[2].isdigit() and parts[3].isdigit()
    ticket = turn.session.get(Ticket, int(parts[2])) if valid else None
    if ticket is None or turn.resident is None:
        turn.answer("not_allowed")
        return
    rating = int(parts[3])
    refusal = duplicates.rate_as_follower(
        turn.mailer, resident=turn.resident, ticket=ticket, rating=rating
    )
    turn.answer(refusal)
    if not refusal:
        turn.close_buttons("★" * rating)
        turn.reply("thanks_rating")


def merge(turn: Turn, rest: str) -> None:
    """``/merge F-000124 F-000123``: 124 is closed as a duplicate of 123."""
    codes = rest.replace("，", " ").replace(",", " ").split()
    if turn.staff is None:
        turn.reply("not_staff")
        return
    if len(codes) != 2:
        turn.reply("dup_merge_usage")
        return
    found = [duplicates.ticket_for(turn.mailer, code) for code in codes]
    missing = [code for code, ticket in zip(codes, found, strict=True) if ticket is None]
    duplicate, target = found
    if missing or duplicate is None or target is None:
        turn.reply("dup_unknown_code", code=missing[0] if missing else "-")
        return
    refusal = duplicates.merge(
        turn.mailer, turn.services, actor=turn.actor, duplicate=duplicate, target=target
    )
    turn.reply(refusal or "dup_merge_done", code=duplicate.code, target=target.code)


def unmerge(turn: Turn, rest: str) -> None:
    """``/unmerge F-000124``: 124 is handled on its own again."""
    if turn.staff is None:
        turn.reply("not_staff")
        return
    if len(rest.split()) != 1:
        turn.reply("dup_unmerge_usage")
        return
    duplicate = duplicates.ticket_for(turn.mailer, rest.split()[0])
    if duplicate is None:
        turn.reply("dup_unknown_code", code=rest.strip())
        return
    refusal = duplicates.unmerge(turn.mailer, turn.services, actor=turn.actor, duplicate=duplicate)
    status = status_name(duplicate.status, turn.lang)
    turn.reply(refusal or "dup_unmerge_done", code=duplicate.code, status=status)


COMMANDS: dict[str, Callable[[Turn, str], None]] = {"/merge": merge, "/unmerge": unmerge}
"""Slash commands this flow handles: /name → handler(turn, rest of the line)."""
STEPS: dict[str, Callable[[Turn], None]] = {complaint.DUPLICATE: on_duplicate}
"""Conversation states this flow owns → the step that handles the next event."""
BUTTONS: dict[str, Callable[[Turn], None]] = {"dp:": on_rate}
"""Button data prefixes (with the colon, e.g. "fg:") → the step that handles the press."""
