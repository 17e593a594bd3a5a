"""``gridvoice reminders sweep | due``: the reminder sweep by hand, and upcoming deadlines."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

from bot.bootstrap import build
from bot.service.notices import category_label, local_time, staff_title, status_name
from bot.service.reminders import sweep
from bot.settings import Settings
from storage import repositories as repo
from storage.models import StaffMember
from storage.unit_of_work import run_in_transaction

_WINDOW = re.compile(r"^(\d+)([mhd])$")


def parse_window(text: str) -> timedelta:
    """``30m``, ``24h``, ``7d``."""
    match = _WINDOW.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"not a window like 24h: {text!r}")
    amount, unit = int(match.group(1)), match.group(2)
    return {
        "m": timedelta(minutes=amount),
        "h": timedelta(hours=amount),
        "d": timedelta(days=amount),
    }[unit]


def parse_time(text: str) -> datetime:
    """An ISO time; without a zone it is taken as UTC."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reminders_sweep(args: argparse.Namespace, settings: Settings) -> int:
    """One sweep as of ``--now``: print what is (or would be) sent; record it unless dry-run."""
    now = args.now or datetime.now(UTC)
    app = build(settings, channel="telegram", clock=lambda: now)
    try:
        if args.dry_run:
            with app.uow_factory() as uow:  # rolled back on exit: nothing is recorded or queued
                taken = sweep(uow.session, app.services, now=now)
        else:
            taken = run_in_transaction(
                app.uow_factory, lambda uow: sweep(uow.session, app.services, now=now)
            )
    finally:
        app.database.dispose()
    for reminder in taken:
        print(f"{reminder.recipient}\t{reminder.code}\t{reminder.step}")
    if not taken:
        print("nothing due")
    return 0


def reminders_due(args: argparse.Namespace, settings: Settings) -> int:
    """Open tickets whose sign-off or resolution deadline falls within ``--within``."""
    now = datetime.now(UTC)
    app = build(settings, channel="telegram")
    try:
        with app.uow_factory() as uow:
            zone = app.community.zone
            for ticket in repo.upcoming_deadlines(uow.session, until=now + args.within):
                due = ticket.signoff_due_at if ticket.accepted_at is None else ticket.resolve_due_at
                member = (
                    uow.session.get(StaffMember, ticket.assignee_id) if ticket.assignee_id else None
                )
                late = " overdue" if due is not None and due < now else ""
                print(
                    f"{ticket.code}\t{category_label(ticket.category)}\t{status_name(ticket.status)}\t"
                    f"{local_time(due, zone)}{late}\t{staff_title(member) if member else '-'}"
                )
    finally:
        app.database.dispose()
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``reminders sweep`` and ``reminders due``."""
    reminders = commands.add_parser("reminders", help="reminders and deadlines").add_subparsers(
        required=True
    )
    run = reminders.add_parser("sweep", help="run one reminder sweep now (or as of --now)")
    run.add_argument("--now", type=parse_time, help="ISO time to sweep as of (default: now)")
    run.add_argument(
        "--dry-run", action="store_true", help="print what would be sent; change nothing"
    )
    run.set_defaults(handler=reminders_sweep)
    due = reminders.add_parser("due", help="list upcoming deadlines")
    due.add_argument(
        "--within", type=parse_window, default=timedelta(hours=24), help="e.g. 24h, 7d"
    )
    due.set_defaults(handler=reminders_due)
