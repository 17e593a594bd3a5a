"""A complaint: classify → show the category and why → confirm or pick → ticket."""

from __future__ import annotations

from typing import Any

from bot.community.locate import find_named_place
from bot.dialogue.events import MAX_TEXT_CHARS, Kind
from bot.dialogue.turn import Turn
from bot.service.notices import button, category_buttons, category_label, local_time, staff_title
from bot.service.tickets import Draft, create_ticket, explanation
from nlp import DEFAULT_CODES, normalize
from storage import repositories as repo
from storage.models import Grid

CONFIRM, PICK = "confirm", "pick_category"


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
        turn.reply("confirm_category", buttons, label=category_label(result.category), why=why)
        turn.go(CONFIRM, draft=draft)


def on_confirm(turn: Turn) -> None:
    """Submit as is, anonymously, pick another category, or cancel."""
    draft = turn.data.get("draft")
    choice = turn.event.data
    if turn.event.kind != Kind.BUTTON or not draft:
        turn.go("")
        on_message(turn)
        return
    turn.answer()
    if choice in ("k:yes", "k:anon"):
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
    create(turn, {**draft, "category": code}, anonymous=False)


def create(turn: Turn, draft: dict[str, Any], *, anonymous: bool) -> None:
    """Create the ticket and tell the resident its code, who handles it and by when."""
    resident = turn.resident
    assert resident is not None
    community = turn.services.community
    place = find_named_place(community, draft["text"])
    grid_id = resident.grid_id
    if place is not None:
        named = repo.grid_by_code(turn.session, code=place.grid)
        grid_id = named.id if named else grid_id
    grid = turn.session.get(Grid, grid_id) if grid_id else None
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
            place=place.name if place else None,
            photo_file_ids=(draft["photo"],) if draft.get("photo") else (),
        ),
    )
    turn.reply(
        "ticket_created",
        code=ticket.code,
        label=category_label(ticket.category),
        assignee=staff_title(assignee),
        due=local_time(ticket.signoff_due_at, community.zone),
    )
    turn.go("")
