"""Apply a community file to the database: grids by code, staff by name, idempotently.

Nothing is deleted: grids and staff missing from the file are marked inactive, so tickets and
events keep their references. The caller commits (``run_in_transaction``) and re-routes the
open tickets of inactive staff listed in the report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.community.schema import Community
from bot.community.schema import StaffMember as StaffEntry
from storage.enums import OPEN_STATUSES, StaffRole
from storage.models import Grid, StaffMember, Ticket
from storage.repositories import get_community_meta, set_community_meta

_LOCK_KEY = 0x6772_6964  # "grid": serialises concurrent syncs on PostgreSQL


@dataclass
class SyncReport:
    """What a sync changed, and the inactive staff members who still hold open tickets."""

    grids_added: int = 0
    grids_updated: int = 0
    grids_deactivated: int = 0
    staff_added: int = 0
    staff_updated: int = 0
    staff_deactivated: int = 0
    inactive_staff_with_open_tickets: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """True if any grid or staff row was added, changed or deactivated."""
        counts = (self.grids_added, self.grids_updated, self.grids_deactivated,
                  self.staff_added, self.staff_updated, self.staff_deactivated)  # fmt: skip
        return any(counts)


def lock_community(session: Session) -> None:
    """Serialise community syncs until the transaction ends (SQLite already has one writer)."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))


def community_loaded(session: Session) -> bool:
    """True once a community file has been applied to this database."""
    return get_community_meta(session, key="code") is not None


def sync_community(
    session: Session, community: Community, *, now: datetime, source_sha256: str | None = None
) -> SyncReport:
    """Make grids and staff match ``community``; record its code, name and file sha256."""
    lock_community(session)
    report = SyncReport()
    grid_ids = _sync_grids(session, community, report, now=now)
    _sync_staff(session, community, grid_ids, report, now=now)
    session.flush()
    report.inactive_staff_with_open_tickets = inactive_staff_with_open_tickets(session)
    meta = {"code": community.code, "name": community.name}
    if source_sha256 is not None:
        meta["sha256"] = source_sha256
    for key, value in meta.items():
        if get_community_meta(session, key=key) != value:
            set_community_meta(session, key=key, value=value, now=now)
    return report


def inactive_staff_with_open_tickets(session: Session) -> list[int]:
    """Ids of inactive staff members still assigned open tickets, in id order."""
    statement = (
        select(StaffMember.id)
        .join(Ticket, col(Ticket.assignee_id) == col(StaffMember.id))
        .where(~col(StaffMember.active), col(Ticket.status).in_(OPEN_STATUSES))
        .distinct()
    )
    return sorted(staff_id for staff_id in session.exec(statement) if staff_id is not None)


def _sync_grids(
    session: Session, community: Community, report: SyncReport, *, now: datetime
) -> dict[str, int]:
    """Upsert grids by code, deactivate the rest; returns code → id of the file's grids."""
    existing = {grid.code: grid for grid in session.exec(select(Grid))}
    wanted = {entry.code: entry.name for entry in community.grids}
    for code, name in wanted.items():
        grid = existing.get(code)
        if grid is None:
            session.add(Grid(code=code, name=name, created_at=now))
            report.grids_added += 1
        elif grid.name != name or not grid.active:
            grid.name, grid.active = name, True
            report.grids_updated += 1
    for code, grid in existing.items():
        if code not in wanted and grid.active:
            grid.active = False
            report.grids_deactivated += 1
    session.flush()
    rows = session.exec(select(Grid).where(col(Grid.code).in_(wanted)))
    return {grid.code: grid.id for grid in rows if grid.id is not None}


def _sync_staff(
    session: Session,
    community: Community,
    grid_ids: dict[str, int],
    report: SyncReport,
    *,
    now: datetime,
) -> None:
    """Upsert staff by name (active rows first), deactivate everyone else."""
    rows = session.exec(
        select(StaffMember).order_by(col(StaffMember.active).desc(), col(StaffMember.id))
    )
    by_name: dict[str, StaffMember] = {}
    duplicates: list[StaffMember] = []
    for row in rows:
        if row.name in by_name:
            duplicates.append(row)
        else:
            by_name[row.name] = row
    wanted = {entry.name for entry in community.staff}
    gone = [row for name, row in by_name.items() if name not in wanted] + duplicates
    for row in gone:
        if row.active:
            row.active = False
            row.updated_at = now
            report.staff_deactivated += 1
    for entry in community.staff:
        values = _staff_values(entry, grid_ids)
        member = by_name.get(entry.name)
        if member is None:
            _release_chat_id(session, entry.chat_id, keep=None)
            session.add(StaffMember(name=entry.name, created_at=now, updated_at=now, **values))
            report.staff_added += 1
        elif not member.active or any(getattr(member, k) != v for k, v in values.items()):
            _release_chat_id(session, entry.chat_id, keep=member)
            for key, value in values.items():
                setattr(member, key, value)
            member.active, member.updated_at = True, now
            report.staff_updated += 1


def _staff_values(entry: StaffEntry, grid_ids: dict[str, int]) -> dict[str, Any]:
    """The columns the file sets; chat_id only when the file gives one."""
    values: dict[str, Any] = {
        "role": StaffRole(entry.role.value),
        "grid_id": None if entry.grid is None else grid_ids[entry.grid],
        "is_grid_leader": entry.grid_leader,
        "specialty": entry.specialty,
        "phone": entry.phone,
    }
    if entry.chat_id is not None:
        values["chat_id"] = entry.chat_id
    return values


def _release_chat_id(session: Session, chat_id: int | None, *, keep: StaffMember | None) -> None:
    """The file gives ``chat_id`` to someone: unbind it from anyone else first (unique column)."""
    if chat_id is None:
        return
    holder = session.exec(select(StaffMember).where(StaffMember.chat_id == chat_id)).first()
    if holder is not None and holder is not keep:
        holder.chat_id = None
        session.flush()
