"""``gridvoice privacy purge | requests``: anonymise what is past retention; pending /forget."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from bot.bootstrap import build
from bot.service.privacy import Report, purge
from bot.settings import Settings
from storage.repositories.privacy import forget_requests
from storage.unit_of_work import UnitOfWork, run_in_transaction


def positive_days(value: str) -> int:
    """A whole number of days, at least 1."""
    if not value.strip().isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"not a number of days (1 or more): {value!r}")
    return int(value)


def privacy_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Anonymise residents and closed tickets older than ``--older-than`` days; print counts."""
    now = datetime.now(UTC)
    app = build(settings, channel="telegram", clock=lambda: now)
    days = args.older_than or app.community.retention_days
    older_than = timedelta(days=days)

    def run(uow: UnitOfWork) -> Report:
        return purge(uow.session, now=now, older_than=older_than, actor="cli")

    try:
        if args.dry_run:
            with app.uow_factory() as uow:  # rolled back on exit: nothing changes
                report = run(uow)
        else:
            report = run_in_transaction(app.uow_factory, run)
    finally:
        app.database.dispose()
    verb = "would anonymise" if args.dry_run else "anonymised"
    print(f"{verb} what is older than {days} days (before {(now - older_than).date()}):")
    for name, count in report.as_dict().items():
        print(f"  {name.replace('_', ' ')}: {count}")
    if args.dry_run:
        print("dry run: nothing was changed")
    return 0


def privacy_requests(_args: argparse.Namespace, settings: Settings) -> int:
    """Residents who asked (/forget) to be removed and wait for the chair."""
    app = build(settings, channel="telegram")
    try:
        with app.uow_factory() as uow:
            waiting = forget_requests(uow.session)
            lines = [f"resident #{r.id}\tasked {r.forget_requested_at:%Y-%m-%d %H:%M} UTC"
                     for r in waiting]  # fmt: skip
    finally:
        app.database.dispose()
    print("\n".join(lines) if lines else "no pending requests")
    return 0


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``privacy purge`` and ``privacy requests``."""
    privacy = commands.add_parser("privacy", help="retention and deletion requests")
    actions = privacy.add_subparsers(required=True)
    run = actions.add_parser("purge", help="anonymise residents and closed tickets past retention")
    run.add_argument(
        "--older-than",
        type=positive_days,
        metavar="DAYS",
        help="retention in days (default: retention_days of the community file)",
    )
    run.add_argument("--dry-run", action="store_true", help="print the counts; change nothing")
    run.set_defaults(handler=privacy_purge)
    requests = actions.add_parser("requests", help="pending /forget requests")
    requests.set_defaults(handler=privacy_requests)
