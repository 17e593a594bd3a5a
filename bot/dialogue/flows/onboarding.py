"""Resident onboarding: privacy consent → how they live here → where → ready."""

from __future__ import annotations

from bot.community.locate import locate_address, locate_point
from bot.dialogue.events import Kind
from bot.dialogue.turn import Turn
from bot.service.notices import RESIDENCE_TYPES, button
from storage import repositories as repo
from storage.enums import ResidenceType
from storage.models import Grid

CONSENT, RESIDENCE, WHERE = "consent", "residence", "where"


def start(turn: Turn) -> None:
    """Show the privacy notice with agree / disagree."""
    buttons = [
        [button(turn.t("btn_agree"), "c:agree"), button(turn.t("btn_disagree"), "c:disagree")]
    ]
    turn.reply("privacy", buttons, community=turn.services.community.name)
    turn.go(CONSENT)


def on_consent(turn: Turn) -> None:
    """Agree → ask how they live here; disagree → explain and stop."""
    assert turn.resident is not None
    if turn.event.data == "c:agree":
        turn.answer()
        turn.resident.consent_at = turn.mailer.now
        ask_residence(turn)
    elif turn.event.data == "c:disagree":
        turn.answer()
        turn.reply("declined")
        turn.go("")
    else:
        start(turn)


def ask_residence(turn: Turn) -> None:
    buttons = [[button(turn.t(f"res_{kind}"), f"rt:{kind}")] for kind in RESIDENCE_TYPES]
    turn.reply("ask_residence", buttons)
    turn.go(RESIDENCE)


def on_residence(turn: Turn) -> None:
    """Record the residence type, then ask where they live."""
    assert turn.resident is not None
    kind = turn.event.data.removeprefix("rt:")
    if turn.event.kind != Kind.BUTTON or kind not in RESIDENCE_TYPES:
        ask_residence(turn)
        return
    turn.answer()
    turn.resident.residence_type = ResidenceType(kind)
    ask_where(turn, "ask_where")


def grid_buttons(turn: Turn) -> list[list[dict[str, str]]]:
    grids = repo.active_grids(turn.session)
    flat = [button(g.name, f"g:{g.code}") for g in grids]
    return [flat[i : i + 3] for i in range(0, len(flat), 3)]


def ask_where(turn: Turn, key: str) -> None:
    turn.reply(key, grid_buttons(turn))
    turn.go(WHERE)


def on_where(turn: Turn) -> None:
    """Resolve an address, a location or a grid button to a grid."""
    assert turn.resident is not None
    event, community = turn.event, turn.services.community
    code: str | None = None
    if event.kind == Kind.BUTTON and event.data.startswith("g:"):
        turn.answer()
        code = event.data.removeprefix("g:")
    elif event.kind == Kind.TEXT and event.text.strip():
        match = locate_address(community, event.text)
        turn.resident.address = event.text.strip()[:200]
        code = match.grid if match else None
    elif event.kind == Kind.LOCATION and event.latitude is not None and event.longitude is not None:
        turn.resident.latitude, turn.resident.longitude = event.latitude, event.longitude
        code = locate_point(community, event.latitude, event.longitude)
    grid = repo.grid_by_code(turn.session, code=code) if code else None
    if grid is None:
        ask_where(turn, "where_not_found")
        return
    finish(turn, grid)


def finish(turn: Turn, grid: Grid) -> None:
    assert turn.resident is not None
    turn.resident.grid_id = grid.id
    turn.reply("ready", grid=grid.name)
    turn.go("")
