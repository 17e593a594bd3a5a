"""Daily and weekly digests: overdue work by grid, what is due today, returned tickets waiting;
the weekly one to the chair comes with the report image."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.service.context import Mailer, Services
from bot.texts import text
from storage import repositories as repo
from storage.enums import OPEN_STATUSES, OutboxKind, TicketStatus
from storage.models import Grid, StaffMember, Ticket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GridFigures:
    overdue: int = 0
    today: int = 0
    returned: int = 0
    new: int = 0


def figures(session: Session, services: Services, now: datetime) -> dict[int | None, GridFigures]:
    """Per grid id: overdue open tickets, deadlines today, returned waiting, new this week."""
    zone = services.community.zone
    end_of_day = (now.astimezone(zone).replace(hour=23, minute=59, second=59)).astimezone(
        now.tzinfo
    )
    counts: dict[str, Counter[int | None]] = {
        k: Counter() for k in ("overdue", "today", "returned", "new")
    }
    for ticket in session.exec(select(Ticket).where(col(Ticket.status).in_(OPEN_STATUSES))):
        due = ticket.signoff_due_at if ticket.accepted_at is None else ticket.resolve_due_at
        if due is not None and due < now:
            counts["overdue"][ticket.grid_id] += 1
        elif due is not None and due <= end_of_day:
            counts["today"][ticket.grid_id] += 1
        if ticket.status == TicketStatus.RETURNED:
            counts["returned"][ticket.grid_id] += 1
    week_ago = now - timedelta(days=7)
    for ticket in session.exec(select(Ticket).where(col(Ticket.created_at) >= week_ago)):
        counts["new"][ticket.grid_id] += 1
    grids = set().union(*counts.values())
    return {
        g: GridFigures(*(counts[k][g] for k in ("overdue", "today", "returned", "new")))
        for g in grids
    }


def send_digest(session: Session, services: Services, *, now: datetime, weekly: bool) -> int:
    """Send the digest once per day (or week) across all bot processes; returns messages sent."""
    local = now.astimezone(services.community.zone)
    key = f"digest:{'week:' + local.strftime('%G-W%V') if weekly else local.date().isoformat()}"
    if not repo.claim_once(session, key=key, now=now):
        return 0
    by_grid = figures(session, services, now)
    names = {g.id: g.name for g in session.exec(select(Grid))}
    title = text(
        "digest_title",
        title=text("digest_weekly" if weekly else "digest_daily"),
        date=local.date().isoformat(),
    )
    mailer = Mailer(session, now)
    chair = repo.chair(session)
    lines = [
        text("digest_line", grid=names.get(g, "-"), **vars(f))
        for g, f in sorted(by_grid.items(), key=lambda i: names.get(i[0], ""))
    ]
    total = GridFigures(
        *(
            sum(getattr(f, k) for f in by_grid.values())
            for k in ("overdue", "today", "returned", "new")
        )
    )
    if chair is not None:
        mailer.send(chair.chat_id, "\n".join([title, *lines, text("digest_total", **vars(total))]))
        if weekly:
            send_report_image(mailer, services, chair.chat_id)
    if not weekly:
        leaders = session.exec(
            select(StaffMember).where(col(StaffMember.is_grid_leader), col(StaffMember.active))
        )
        for leader in leaders:
            own = by_grid.get(leader.grid_id, GridFigures())
            mailer.send(
                leader.chat_id,
                "\n".join(
                    [title, text("digest_line", grid=names.get(leader.grid_id, "-"), **vars(own))]
                ),
            )
    return len(mailer.sent)


def send_report_image(
    mailer: Mailer, services: Services, chat_id: int | None, *, now: datetime | None = None
) -> bool:
    """Queue the report image of the week before ``now`` (default: the mailer's) as a photo;
    False when it could not be drawn (logged; a digest still goes without it)."""
    if chat_id is None:
        return False
    from bot.committee.report_image import build_report, render_png  # matplotlib: slow import

    community = services.community
    try:
        report = build_report(
            mailer.session, now=now or mailer.now, zone=community.zone, community=community.name
        )
        png = render_png(report)
    except Exception:
        log.exception("the weekly report image could not be drawn")
        return False
    name = f"report-{report.end.isoformat()}.png"
    mailer.send_file(chat_id, text("report_caption", **report.texts()), png, name, OutboxKind.PHOTO)
    return True
