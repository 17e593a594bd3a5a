"""Rendering what people are told about a ticket: texts and buttons, per recipient."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo

from bot.service.context import Buttons, Mailer
from bot.texts import text
from nlp import DEFAULT_CODES, load_taxonomy
from storage.models import Resident, StaffMember, Ticket
from storage.repositories.followers import followers_of

RESIDENCE_TYPES = (
    "registered",
    "migrant_permit",
    "migrant_no_permit",
    "merchant",
    "registered_elsewhere",
)
MAX_SHOWN_TEXT = 500


@cache
def _category_labels() -> dict[str, str]:
    return {c.code: c.label for c in load_taxonomy().categories}


def category_label(code: str) -> str:
    """The Chinese label of a category code."""
    return _category_labels().get(code, code)


def staff_title(member: StaffMember) -> str:
    """``姓名（角色）`` as residents and colleagues see it."""
    role = text("role_grid_leader") if member.is_grid_leader else text(f"role_{member.role}")
    return f"{member.name}（{role}）"


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """A deadline as people read it: ``11月30日 11:00``."""
    if moment is None:
        return "-"
    local = moment.astimezone(zone)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def why(ticket: Ticket) -> str:
    """The matched words that explain the category."""
    words = [str(k[0]) for k in ticket.explanation.get("keywords", [])][:4]
    return "、".join(words) or text("chosen_by_resident")


def button(label: str, data: str) -> dict[str, str]:
    return {"text": label, "data": data}


def ticket_button(key: str, action: str, ticket: Ticket, lang: str = "zh") -> dict[str, str]:
    return button(text(key, lang), f"t:{action}:{ticket.id}")


def staff_buttons(ticket: Ticket) -> Buttons:
    """Buttons on an assignment: accept, resolve, recategorise, return, extension, escalate,
    ask the resident."""
    return [
        [
            ticket_button("btn_accept", "accept", ticket),
            ticket_button("btn_resolve", "resolve", ticket),
            ticket_button("btn_recategorise", "recategorise", ticket),
        ],
        [
            ticket_button("btn_return", "return", ticket),
            ticket_button("btn_extend", "request_extension", ticket),
            ticket_button("btn_escalate", "escalate", ticket),
            ticket_button("btn_ask_info", "ask_info", ticket),
        ],
    ]


def category_buttons(prefix: str) -> Buttons:
    """One button per category (two per row); data ``{prefix}{code}``."""
    flat = [button(category_label(code), f"{prefix}{code}") for code in DEFAULT_CODES]
    return [flat[i : i + 2] for i in range(0, len(flat), 2)]


def assignment_text(
    ticket: Ticket, reporter: Resident | None, grid_name: str, zone: ZoneInfo
) -> str:
    """The message a grid member gets for a new assignment (never the phone number)."""
    if ticket.anonymous or reporter is None:
        who = text("anonymous")
    else:
        kind = text(f"res_{reporter.residence_type}") if reporter.residence_type else "-"
        who = f"{reporter.display_name or text('a_resident')}（{kind}）"
        if reporter.phone:
            who += f" {text('phone_label')} {reporter.phone}"
    body = ticket.text if len(ticket.text) <= MAX_SHOWN_TEXT else ticket.text[:MAX_SHOWN_TEXT] + "…"
    address = (None if ticket.anonymous or reporter is None else reporter.address) or ticket.place
    return text(
        "assignment",
        code=ticket.code,
        urgent=" " + text("tag_urgent") if ticket.urgent else "",
        label=category_label(ticket.category),
        why=why(ticket),
        grid=grid_name,
        address=address or text("unknown_address"),
        reporter=who,
        text=body,
        signoff_due=local_time(ticket.signoff_due_at, zone),
        resolve_due=local_time(ticket.resolve_due_at, zone),
    )


def status_name(status: str, lang: str = "zh") -> str:
    return text(f"status_{status}", lang)


def follower_rating_buttons(ticket: Ticket) -> Callable[[str], Buttons]:
    """The 1–5 buttons a follower rates with (the reporter's are ``t:rate``)."""
    return lambda _lang: [[button(str(n), f"dp:rate:{ticket.id}:{n}") for n in range(1, 6)]]


def tell_followers(
    mailer: Mailer,
    ticket: Ticket,
    key: str,
    buttons: Callable[[str], Buttons] | None = None,
    **values: object,
) -> None:
    """Send every follower of ``ticket`` the text ``key`` in their language (nothing about the
    reporter or the other followers)."""
    if ticket.id is None:
        return
    for resident in followers_of(mailer.session, ticket_id=ticket.id):
        body = text(key, resident.language, code=ticket.code, **values)
        markup = buttons(resident.language) if buttons else None
        mailer.send(resident.chat_id, body, markup, ticket_id=ticket.id)
