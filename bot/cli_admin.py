"""Administration commands of the command line: database schema, community file, staff invites.

Each handler takes the parsed arguments and the settings and returns the exit code.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.community import Community, CommunityConfigError, load_community
from bot.community.sync import SyncReport, sync_community
from bot.invites import Invite, InviteError, add_member, find_member, invite
from bot.lazy_import import load_entry
from bot.settings import Settings
from bot.startup import (
    check_revision_known,
    community_source,
    describe_url,
    ensure_community,
    file_sha256,
    prepare_database,
)
from storage import current_revision, head_revision, make_engine, schema_status, upgrade
from storage.models import StaffMember
from storage.repositories import open_tickets_for_assignee
from storage.unit_of_work import UnitOfWork, run_in_transaction, uow_factory

REROUTING_MODULE = "bot.service.rerouting"


@contextmanager
def _engine(engine: Engine) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        engine.dispose()


def db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the database to the newest schema."""
    with _engine(make_engine(settings.database_url)) as engine:
        check_revision_known(engine)
        upgrade(engine)
        print(f"{describe_url(settings.database_url)} at revision {current_revision(engine)}")
    return 0


def db_status(args: argparse.Namespace, settings: Settings) -> int:
    """Print missing, outdated or current; exit 1 unless current."""
    with _engine(make_engine(settings.database_url)) as engine:
        status = schema_status(engine)
        revision = current_revision(engine) or "none"
        print(f"{status} (database {revision}, code {head_revision()})")
    return 0 if status == "current" else 1


def community_check(args: argparse.Namespace, settings: Settings) -> int:
    """Print every problem of the file (exit 1), or a one-line summary."""
    try:
        community = load_community(Path(args.file))
    except CommunityConfigError as exc:
        for problem in exc.problems:
            print(problem)
        return 1
    print(f"ok: {len(community.grids)} grids, {len(community.staff)} staff")
    return 0


def community_load(args: argparse.Namespace, settings: Settings) -> int:
    """Apply a community file; re-route open tickets of members who left."""
    path = Path(args.file)
    community = load_community(path)
    now, sha256 = datetime.now(UTC), file_sha256(path)
    with _engine(prepare_database(settings)) as engine:
        make_uow = uow_factory(engine)
        report = run_in_transaction(
            make_uow,
            lambda uow: sync_community(uow.session, community, now=now, source_sha256=sha256),
        )
        print(f"community {community.name} ({community.code}) from {path}")
        print(*report_lines(report), sep="\n")
        if report.inactive_staff_with_open_tickets:
            _reroute(make_uow, report.inactive_staff_with_open_tickets, community, now)
    if path.resolve() != community_source(settings).resolve():
        print(f"note: the bot reads {community_source(settings)}; set GRIDVOICE_COMMUNITY={path}")
    return 0


def report_lines(report: SyncReport) -> list[str]:
    """The counts of a sync, or that nothing changed."""
    if not report.changed:
        return ["no changes"]
    return [
        f"grids: {report.grids_added} added, {report.grids_updated} updated, "
        f"{report.grids_deactivated} deactivated",
        f"staff: {report.staff_added} added, {report.staff_updated} updated, "
        f"{report.staff_deactivated} deactivated",
    ]


def _reroute(
    make_uow: Callable[[], UnitOfWork], staff_ids: list[int], community: Community, now: datetime
) -> None:
    """List inactive members still holding open tickets, then hand their tickets on."""
    with make_uow() as uow:
        print("inactive staff with open tickets:")
        for staff_id in staff_ids:
            member = uow.session.get_one(StaffMember, staff_id)
            count = len(open_tickets_for_assignee(uow.session, staff_id=staff_id))
            print(f"  {member.name} (id {staff_id}): {count} open")
    reroute = load_entry(REROUTING_MODULE, "reroute_open_tickets")
    if reroute is None:
        print(f"note: re-routing is not available yet ({REROUTING_MODULE}); reassign them by hand")
        return
    result = reroute(make_uow(), staff_ids, community, now)
    print(f"re-routed: {result}" if result is not None else "re-routed their open tickets")


def invite_usage_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the combination of invite options, if anything."""
    if (args.member is None) == (args.name is None):
        return "give --member NAME, or --name NAME --role ROLE [--grid G]"
    if args.member is not None and (args.role or args.grid):
        return "--role and --grid describe a new member: use them with --name"
    if args.name is not None and args.role is None:
        return "a new member needs --role"
    return None


def staff_invite(args: argparse.Namespace, settings: Settings) -> int:
    """Print a one-time invite code on the last line (or JSON); unknown member → exit 1."""
    problem = invite_usage_problem(args)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    now = datetime.now(UTC)

    def issue(uow: UnitOfWork) -> tuple[Invite, bool]:
        if args.member is not None:
            member, created = find_member(uow.session, name=args.member), False
        else:
            member, created = add_member(
                uow.session, name=args.name, role=args.role, grid_code=args.grid, now=now
            )
        return invite(uow.session, member, now=now, created_by="cli"), created

    with _engine(prepare_database(settings)) as engine:
        community = ensure_community(engine, settings, now=now)
        try:
            issued, created = run_in_transaction(uow_factory(engine), issue)
        except InviteError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    if created:
        print(
            f"note: {issued.member} is not in the community file: add them there, "
            "or the next `gridvoice community load` deactivates them",
            file=sys.stderr,
        )
    if args.json:
        fields = {"code": issued.code, "member": issued.member,
                  "expires_at": issued.expires_at.isoformat()}  # fmt: skip
        print(json.dumps(fields, ensure_ascii=False))
        return 0
    local = issued.expires_at.astimezone(community.zone).strftime("%Y-%m-%d %H:%M")
    print(f"invite for {issued.member}, single use, valid until {local} ({community.timezone})")
    print("they send /join CODE to the bot:")
    print(issued.code)
    return 0
