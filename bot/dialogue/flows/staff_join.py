"""Staff accounts: ``/join CODE`` binds this chat; the chair's ``/invite NAME`` makes a code."""

from __future__ import annotations

from bot.dialogue.turn import Turn
from bot.invites import InviteError, find_member, invite, normalize_invite_code
from bot.service.notices import staff_title
from storage import repositories as repo


def join(turn: Turn, code: str) -> None:
    """Bind this chat to the staff member the one-time code was made for."""
    if not code.strip():
        turn.reply("join_usage")
        return
    now = turn.mailer.now
    member = repo.consume_invite_code(turn.session, code=normalize_invite_code(code), now=now)
    if member is None:
        turn.reply("join_bad")
        return
    previous = repo.staff_by_chat_id(turn.session, chat_id=turn.event.chat_id)
    if previous is not None and previous.id != member.id:
        previous.chat_id = None
        turn.session.flush()
    member.chat_id, member.unreachable_since = turn.event.chat_id, None
    turn.staff = member
    turn.go("")
    turn.reply("join_ok", name=member.name, role=staff_title(member))


def invite_member(turn: Turn, name: str) -> None:
    """The chair creates a one-time code for a member named in the community."""
    if turn.staff is None or str(turn.staff.role) != "chair":
        turn.reply("not_staff")
        return
    if not name.strip():
        turn.reply("invite_usage")
        return
    try:
        member = find_member(turn.session, name=name.strip())
    except InviteError:
        turn.reply("unknown_member", name=name.strip()[:20])
        return
    created = invite(turn.session, member, now=turn.mailer.now, created_by=turn.staff.name)
    turn.reply("invite_created", code=created.code)
