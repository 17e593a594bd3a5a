"""``gridvoice export``: every ticket, one row each, as CSV or Excel."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from bot.bootstrap import build
from bot.committee.export import UnknownGrid, export_tickets, record_personal_data_export
from bot.settings import Settings
from storage.unit_of_work import UnitOfWork, run_in_transaction


def parse_since(text: str) -> date | datetime:
    """``2026-11-01`` (from midnight, local time) or an ISO date-time."""
    try:
        return date.fromisoformat(text) if len(text.strip()) == 10 else datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date like 2026-11-01: {text!r}") from None


def export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the export; with personal data the use is recorded first (audit log)."""
    app = build(settings)
    now = datetime.now(UTC)
    zone = app.community.zone
    since = args.since
    if isinstance(since, date) and not isinstance(since, datetime):
        since = datetime.combine(since, time(), zone)
    elif since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=zone)
    fmt, grid, personal = args.format, args.grid, args.with_personal_data

    def work(uow: UnitOfWork) -> tuple[bytes, str]:
        if personal:
            actor = f"cli:{getpass.getuser()}"
            record_personal_data_export(
                uow.session, actor=actor, fmt=fmt, now=now, since=since, grid_code=grid
            )
        return export_tickets(
            uow.session, fmt=fmt, since=since, grid_code=grid, with_personal_data=personal,
            now=now, zone=zone,
        )  # fmt: skip

    try:
        data, name = run_in_transaction(app.uow_factory, work)
    except UnknownGrid as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        app.database.dispose()
    out = Path(args.out or name)
    out.write_bytes(data)
    print(out)
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``export``."""
    command = commands.add_parser("export", help="every ticket, one row each (CSV or Excel)")
    command.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    command.add_argument("--since", type=parse_since, help="reported on or after, e.g. 2026-11-01")
    command.add_argument("--grid", help="one grid, by code (e.g. G04)")
    command.add_argument("--out", help="file to write (default: a name with the date, here)")
    command.add_argument(
        "--with-personal-data",
        action="store_true",
        help="add names, phones, addresses and the unmasked text; the use is recorded",
    )
    command.set_defaults(handler=export)
