"""A complaint: classify → show the category and why → confirm or pick → ticket.

When an open ticket is probably the same problem, the confirmation says so and offers to follow
it instead (no new ticket); after a picked category the same offer is its own question. Urgent
reports are never held back: they become a ticket at once, linked for staff to merge.
"""

from __future__ import annotations

from typing import Any

from bot.community.locate import find_named_place
from bot.dialogue.events import MAX_TEXT_CHARS, Kind
from bot.dialogue.turn import Turn
from bot.service import duplicates
from bot.service.duplicates import Candidate
from bot.service.notices import (
    button,
    category_buttons,
    category_label,
    local_time,
    staff_title,
    status_name,
)
from bot.service.tickets import Draft, create_ticket, explanation
from nlp import DEFAULT_CODES, normalize
from storage import repositories as repo
from storage.models import Grid

CONFIRM, PICK, DUPLICATE = "confirm", "pick_category", "duplicate"


def on_message(turn: Turn) -> None:
    """Classify a text or captioned photo and ask the resident to confirm."""
    event = turn.event
    if event.kind == Kind.LOCATION:
        turn.data = {**turn.data, "lat": event.latitude, "lon": event.longitude}
        turn.reply("location_received")
        return
    body = event.text.strip()
    if event.kind == Kind.PHOTO and not normalize(body):
        turn.data = {**turn.data, "photo": event.photo_file_id}
        turn.reply("photo_received")
        return
    if not normalize(body):
        turn.reply("empty_message")
        return
    if len(body) > MAX_TEXT_CHARS:
        body = body[:MAX_TEXT_CHARS]
        turn.reply("too_long", limit=MAX_TEXT_CHARS)
    result = turn.services.classify(body)
    draft: dict[str, Any] = {
        "text": body,
        "category": result.category,
        "explain": explanation(result),
        "urgent": result.urgent,
        "urgent_terms": list(result.urgent_terms),
        "photo": event.photo_file_id or turn.data.get("photo"),
        "lat": turn.data.get("lat"),
        "lon": turn.data.get("lon"),
    }
    if result.urgent:
        turn.reply("urgent_notice")
        create(turn, draft, anonymous=False)
    elif result.low_confidence:
        turn.reply("choose_category", category_buttons("cat:"))
        turn.go(PICK, draft=draft)
    else:
        why = "、".join(k.term for k in result.keywords[:3]) or "-"
        buttons = [
            [button(turn.t("btn_yes"), "k:yes"), button(turn.t("btn_other_category"), "k:choose")],
            [button(turn.t("btn_anonymous"), "k:anon"), button(turn.t("btn_cancel"), "k:cancel")],
        ]
        candidate = find_candidate(turn, draft)
        if candidate is not None and not candidate.own:
            buttons.insert(0, [button(turn.t("btn_follow", code=candidate.code), "k:follow")])
        label = category_label(result.category)
        turn.reply(
            notice(turn, candidate) + turn.t("confirm_category", label=label, why=why), buttons
        )
        turn.go(CONFIRM, draft=draft, candidate=candidate.ticket_id if candidate else None)


def find_candidate(turn: Turn, draft: dict[str, Any]) -> Candidate | None:
    """The open ticket this report probably repeats (same grid or place, same category)."""
    grid_id, place = where_ids(turn, draft["text"])
    return duplicates.find_candidate(
        turn.mailer,
        turn.services,
        resident_id=turn.resident.id if turn.resident else None,
        body=draft["text"],
        category=draft["category"],
        grid_id=grid_id,
        place=place,
    )


def notice(turn: Turn, candidate: Candidate | None) -> str:
    """What the resident is told about a probable duplicate (its code and status, no more)."""
    if candidate is None:
        return ""
    status = status_name(candidate.status, turn.lang)
    if candidate.own:
        return turn.t("dup_own", code=candidate.code, status=status)
    shared = "、".join(candidate.shared) or "-"
    label = category_label(candidate.category)
    return turn.t("dup_notice", code=candidate.code, label=label, status=status, shared=shared)


def follow_candidate(turn: Turn, draft: dict[str, Any]) -> None:
    """Follow the offered ticket instead of a new one (a new ticket if it closed meanwhile)."""
    assert turn.resident is not None
    ticket_id = int(turn.data.get("candidate") or 0)
    ticket = repo.ticket_by_id(turn.session, ticket_id=ticket_id)
    code = ticket.code if ticket else ""
    if ticket is not None and duplicates.follow(
        turn.mailer, resident=turn.resident, ticket_id=ticket_id
    ):
        turn.close_buttons(turn.t("btn_follow", code=code))
        turn.reply("dup_followed", code=code)
        turn.go("")
        return
    turn.reply("dup_follow_gone", code=code or "-")
    create(turn, draft, anonymous=False)


def on_confirm(turn: Turn) -> None:
    """Submit as is, anonymously, pick another category, or cancel."""
    draft = turn.data.get("draft")
    choice = turn.event.data
    if turn.event.kind != Kind.BUTTON or not draft:
        turn.go("")
        on_message(turn)
        return
    turn.answer()
    if choice == "k:follow" and turn.data.get("candidate"):
        follow_candidate(turn, draft)
    elif choice in ("k:yes", "k:anon"):
        turn.close_buttons(category_label(draft["category"]))
        create(turn, draft, anonymous=choice == "k:anon")
    elif choice == "k:choose":
        turn.reply("choose_category", category_buttons("cat:"))
        turn.go(PICK, draft=draft)
    else:
        turn.close_buttons(turn.t("cancelled"))
        turn.reply("cancelled")
        turn.go("")


def on_pick(turn: Turn) -> None:
    """The resident picked a category: that is the ticket's category (and a labelled example)."""
    draft = turn.data.get("draft")
    code = turn.event.data.removeprefix("cat:")
    if turn.event.kind != Kind.BUTTON or not draft:
        turn.go("")
        on_message(turn)
        return
    turn.answer()
    if code not in DEFAULT_CODES:
        turn.reply("choose_category", category_buttons("cat:"))
        return
    turn.close_buttons(category_label(code))
    draft = {**draft, "category": code}
    candidate = find_candidate(turn, draft)
    if candidate is None or candidate.own:
        create(turn, draft, anonymous=False)
        return
    buttons = [
        [button(turn.t("btn_follow", code=candidate.code), "k:follow")],
        [button(turn.t("btn_separate"), "k:separate"), button(turn.t("btn_cancel"), "k:cancel")],
    ]
    turn.reply(notice(turn, candidate) + turn.t("dup_question"), buttons)
    turn.go(DUPLICATE, draft=draft, candidate=candidate.ticket_id)


def where(turn: Turn, body: str) -> tuple[Grid | None, str | None]:
    """The grid a report belongs to (a place it names wins over the resident's own grid)."""
    grid_id, place = where_ids(turn, body)
    return (turn.session.get(Grid, grid_id) if grid_id else None), place


def where_ids(turn: Turn, body: str) -> tuple[int | None, str | None]:
    """:func:`where` as the grid's id, without loading the grid (the resident's own grid is
    already known)."""
    assert turn.resident is not None
    place = find_named_place(turn.services.community, body)
    grid_id = turn.resident.grid_id
    if place is not None:
        named = repo.grid_by_code(turn.session, code=place.grid)
        grid_id = named.id if named else grid_id
    return grid_id, place.name if place else None


def create(turn: Turn, draft: dict[str, Any], *, anonymous: bool) -> None:
    """Create the ticket and tell the resident its code, who handles it and by when."""
    resident = turn.resident
    assert resident is not None
    community = turn.services.community
    grid, place = where(turn, draft["text"])
    ticket, assignee = create_ticket(
        turn.session,
        turn.mailer,
        turn.services,
        reporter=resident,
        grid=grid,
        draft=Draft(
            text=draft["text"],
            category=draft["category"],
            classification=draft["explain"],
            urgent=draft["urgent"],
            urgent_terms=tuple(draft["urgent_terms"]),
            anonymous=anonymous,
            latitude=draft.get("lat"),
            longitude=draft.get("lon"),
            place=place,
            photo_file_ids=(draft["photo"],) if draft.get("photo") else (),
        ),
    )
    if ticket.urgent:
        duplicates.link_urgent(turn.mailer, turn.services, ticket)
    turn.reply(
        "ticket_created",
        code=ticket.code,
        label=category_label(ticket.category),
        assignee=staff_title(assignee),
        due=local_time(ticket.signoff_due_at, community.zone),
    )
    turn.go("")
