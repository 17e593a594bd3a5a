"""``gridvoice stats`` (service statistics as a table or JSON) and ``gridvoice report`` (the
weekly report image)."""

from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

from bot.bootstrap import build
from bot.committee.stats import (
    NOT_STATED,
    Group,
    ServiceFigures,
    parse_moment,
    parse_since,
    percent,
    summarise,
)
from bot.service.notices import category_label
from bot.settings import Settings
from bot.texts import text
from storage.repositories import stats as stats_repo

HEADER = (
    "", "reports", "open", "overdue", "signoff ok", "resolve ok", "signoff h", "resolve h",
    "reopened", "rating", "rated", "returned",
)  # fmt: skip
LEGEND = (
    "signoff ok / resolve ok: share of decided deadlines met (decided: met, or passed); "
    "signoff h / resolve h: median hours from the report; reopened, rated: share of resolved"
)


def stats_command(args: argparse.Namespace, settings: Settings) -> int:
    """Print the statistics of every grid (or ``--grid``) since ``--since``."""
    app = build(settings, channel="cli")
    try:
        now, zone = app.services.clock(), app.community.zone
        try:
            since = parse_since(args.since, now=now, zone=zone) if args.since else None
        except ValueError:
            print(
                f"error: --since: not a date, time or number of days: {args.since!r}",
                file=sys.stderr,
            )
            return 2
        with app.uow_factory() as uow:
            grids = dict(stats_repo.grid_names(uow.session))
            if args.grid and args.grid not in grids:
                print(f"error: no grid {args.grid!r} (known: {', '.join(grids)})", file=sys.stderr)
                return 2
            rows = stats_repo.ticket_rows(uow.session, since=since, grid_code=args.grid)
    finally:
        app.database.dispose()
    result = summarise(rows, now, since=since, grids=[args.grid] if args.grid else list(grids))
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
        return 0
    period = f"since {since.astimezone(zone):%Y-%m-%d %H:%M}" if since else "all reports"
    print(f"{app.community.name} — {period}, as of {now.astimezone(zone):%Y-%m-%d %H:%M}")
    sections: list[tuple[str, list[Group], Callable[[str], str]]] = [
        ("grid", result.by_grid, lambda key: grids.get(key, key)),
        ("category", result.by_category, category_label),
        ("reporter", result.by_reporter, _reporter_label),
    ]
    rows_out = [HEADER, _cells("total", result.total)]
    for name, groups, label in sections:
        rows_out += [(f"[{name}]",), *(_cells(label(g.key), g.figures) for g in groups)]
    print(table(rows_out))
    print(LEGEND)
    return 0


def report_command(args: argparse.Namespace, settings: Settings) -> int:
    """Write the weekly report image (the week before ``--now``) to ``--out``."""
    from bot.committee.report_image import build_report, render_png

    app = build(settings, channel="cli")
    try:
        zone = app.community.zone
        try:
            now = parse_moment(args.now, zone=zone) if args.now else app.services.clock()
        except ValueError:
            print(f"error: --now: not a date or time: {args.now!r}", file=sys.stderr)
            return 2
        with app.uow_factory() as uow:
            report = build_report(uow.session, now=now, zone=zone, community=app.community.name)
    finally:
        app.database.dispose()
    started = time.perf_counter()
    png = render_png(report)
    args.out.write_bytes(png)
    seconds = time.perf_counter() - started
    print(f"{args.out}: {report.start} to {report.end}, {len(png) // 1024} KB in {seconds:.2f} s")
    return 0


def _reporter_label(key: str) -> str:
    return text("grp_not_stated") if key == NOT_STATED else text(f"res_{key}")


def _cells(name: str, f: ServiceFigures) -> tuple[str, ...]:
    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    def rate(value: float | None, base: int) -> str:
        return f"{percent(value)} ({base})" if value is not None else "-"

    return (
        name, str(f.reports), str(f.open), str(f.overdue),
        rate(f.signoff_rate, f.signoff_decided), rate(f.resolve_rate, f.resolve_decided),
        number(f.median_signoff_hours), number(f.median_resolve_hours),
        rate(f.reopen_rate, f.resolved), number(f.mean_rating),
        rate(f.rated_share, f.resolved), str(f.returned),
    )  # fmt: skip


def width(cell: str) -> int:
    """Columns a string takes in a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in cell)


def table(rows: list[tuple[str, ...]]) -> str:
    """Left-aligned first column, right-aligned numbers; short rows are section titles."""
    columns = max(len(r) for r in rows)
    widths = [max((width(r[i]) for r in rows if len(r) == columns), default=0) for i in range(columns)]  # fmt: skip
    lines = []
    for r in rows:
        if len(r) < columns:
            lines.append(r[0])
            continue
        first = r[0] + " " * (widths[0] - width(r[0]))
        rest = [" " * (w - width(c)) + c for c, w in zip(r[1:], widths[1:], strict=True)]
        lines.append("  ".join([first, *rest]).rstrip())
    return "\n".join(lines)


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``stats`` and ``report``."""
    stats = commands.add_parser("stats", help="service statistics by grid, category and reporter")
    stats.add_argument(
        "--since", help="a date (2025-03-01, local), an ISO time, or a number of days (30)"
    )
    stats.add_argument("--grid", help="only this grid (its code, e.g. G01)")
    stats.add_argument("--json", action="store_true", help="print JSON instead of a table")
    stats.set_defaults(handler=stats_command)
    report = commands.add_parser("report", help="the weekly report image (PNG)")
    report.add_argument("--out", type=Path, required=True, help="the PNG file to write")
    report.add_argument(
        "--now", help="report the week before this date or ISO time (default: today)"
    )
    report.set_defaults(handler=report_command)
