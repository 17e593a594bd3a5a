"""The committee's commands: /stats (the chair sees every grid, a grid leader their own grid),
/report (the chair gets this week's report image) and /export (the chair gets the tickets as a
spreadsheet). Everyone else is refused politely."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from bot.committee.stats import (
    NOT_STATED,
    Group,
    ServiceFigures,
    hours_or_days,
    parse_moment,
    parse_since,
    percent,
    summarise,
)
from bot.dialogue.turn import Turn
from bot.domain.permissions import ActorRole
from bot.service.digests import send_report_image
from bot.service.notices import category_label
from storage.enums import OutboxKind
from storage.models import Grid
from storage.repositories import stats as stats_repo

EXPORT_FORMATS: dict[str, Literal["csv", "xlsx"]] = {"csv": "csv", "xlsx": "xlsx", "excel": "xlsx"}


def _stats_scope(turn: Turn) -> tuple[bool, str | None]:
    """(allowed, grid code): the chair sees all grids (None), a grid leader only their own."""
    actor = turn.actor
    if actor.role == ActorRole.CHAIR:
        return True, None
    if actor.role == ActorRole.GRID_LEADER and actor.grid_id is not None:
        grid = turn.session.get(Grid, actor.grid_id)
        return grid is not None, grid.code if grid else None
    return False, None


def stats(turn: Turn, rest: str) -> None:
    """Service statistics for the chair (all grids) or a grid leader (their grid)."""
    allowed, grid_code = _stats_scope(turn)
    if not allowed:
        turn.reply("stats_not_allowed")
        return
    now, zone = turn.mailer.now, turn.services.community.zone
    try:
        since = parse_since(rest, now=now, zone=zone) if rest else None
    except ValueError:
        turn.reply("stats_usage")
        return
    grids = dict(stats_repo.grid_names(turn.session))
    rows = stats_repo.ticket_rows(turn.session, since=since, grid_code=grid_code)
    shown = [grid_code] if grid_code else list(grids)
    result = summarise(rows, now, since=since, grids=shown)
    scope = grids.get(grid_code, grid_code) if grid_code else turn.t("stats_whole_community")
    if since is None:
        period = turn.t("stats_all_time")
    else:
        period = turn.t("stats_since", date=since.astimezone(zone).date().isoformat())
    lines = [turn.t("stats_title", scope=scope, period=period), _total(turn, result.total)]
    sections: list[tuple[str, list[Group], Callable[[str], str]]] = [
        ("stats_by_category", result.by_category, category_label),
        ("stats_by_reporter", result.by_reporter, lambda key: _reporter_label(turn, key)),
    ]
    if grid_code is None:
        label = lambda key: grids.get(key) or turn.t("no_grid_name")  # noqa: E731
        sections.insert(0, ("stats_by_grid", result.by_grid, label))
    for title, groups, name in sections:
        lines += ["", turn.t(title)]
        lines += [_line(turn, name(g.key), g.figures) for g in groups]
    turn.reply("\n".join(lines))


def _line(turn: Turn, name: str, figures: ServiceFigures) -> str:
    if figures.reports == 0:
        return turn.t("stats_line_empty", name=name)
    return turn.t("stats_line", name=name, **_values(turn, figures))


def _reporter_label(turn: Turn, key: str) -> str:
    return turn.t("grp_not_stated") if key == NOT_STATED else turn.t(f"res_{key}")


def _total(turn: Turn, figures: ServiceFigures) -> str:
    return turn.t(
        "stats_total",
        open=figures.open,
        returned=figures.returned,
        signoff_time=_duration(turn, figures.median_signoff_hours),
        reopen=percent(figures.reopen_rate) or turn.t("stats_none"),
        rated=percent(figures.rated_share) or turn.t("stats_none"),
        **_values(turn, figures),
    )


def _values(turn: Turn, figures: ServiceFigures) -> dict[str, object]:
    """The measures of one line, formatted; a dash where nothing is known yet."""
    none = turn.t("stats_none")
    rating = figures.mean_rating
    return {
        "reports": figures.reports,
        "overdue": figures.overdue,
        "signoff": percent(figures.signoff_rate) or none,
        "resolve": percent(figures.resolve_rate) or none,
        "resolve_time": _duration(turn, figures.median_resolve_hours),
        "rating": none if rating is None else turn.t("stats_rating", value=f"{rating:.1f}"),
    }


def _duration(turn: Turn, hours: float | None) -> str:
    shown = hours_or_days(hours)
    if shown is None:
        return turn.t("stats_none")
    unit, value = shown
    return turn.t(f"stats_{unit}", value=value)


def report(turn: Turn, rest: str) -> None:
    """The weekly report image, as a photo in the chair's chat (``/report 2026-11-30``: the
    week before that day)."""
    if turn.actor.role != ActorRole.CHAIR:
        turn.reply("report_not_allowed")
        return
    try:
        now = parse_moment(rest, zone=turn.services.community.zone) if rest else None
    except ValueError:
        turn.reply("report_usage")
        return
    if not send_report_image(turn.mailer, turn.services, turn.event.chat_id, now=now):
        turn.reply("error")


def export(turn: Turn, rest: str) -> None:
    """The tickets as a spreadsheet for the chair (``/export csv G04 2026-11-01``: format, grid
    and start in any order; Excel by default). Never with personal data: that is the command
    line's ``--with-personal-data``, which is audited."""
    if turn.actor.role != ActorRole.CHAIR:
        turn.reply("export_not_allowed")
        return
    fmt: Literal["csv", "xlsx"] = "xlsx"
    grid: str | None = None
    since: datetime | None = None
    zone = turn.services.community.zone
    for word in rest.split():
        if word.lower() in EXPORT_FORMATS:
            fmt = EXPORT_FORMATS[word.lower()]
        elif word[:1].isdigit():
            try:
                since = parse_moment(word, zone=zone)
            except ValueError:
                turn.reply("export_usage")
                return
        else:
            grid = word.upper()
    from bot.committee.export import UnknownGrid, export_tickets  # openpyxl: import when used

    try:
        data, name = export_tickets(
            turn.session, fmt=fmt, since=since, grid_code=grid, now=turn.mailer.now, zone=zone
        )
    except UnknownGrid:
        turn.reply("export_unknown_grid", code=grid)
        return
    caption = turn.t("export_caption", fmt=fmt.upper())
    turn.mailer.send_file(turn.event.chat_id, caption, data, name, OutboxKind.DOCUMENT)


COMMANDS: dict[str, Callable[[Turn, str], None]] = {
    "/stats": stats,
    "/report": report,
    "/export": export,
}
"""Slash commands this flow handles: /name → handler(turn, rest of the line)."""
STEPS: dict[str, Callable[[Turn], None]] = {}
"""Conversation states this flow owns → the step that handles the next event."""
BUTTONS: dict[str, Callable[[Turn], None]] = {}
"""Button data prefixes (with the colon, e.g. "fg:") → the step that handles the press."""
