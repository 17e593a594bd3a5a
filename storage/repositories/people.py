"""Grids, staff members and residents."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from storage.enums import StaffRole
from storage.models import Grid, Resident, StaffMember
from storage.repositories._sql import upsert


def grid_by_code(session: Session, *, code: str) -> Grid | None:
    """The grid with this code (e.g. "G01")."""
    return session.execute(_GRID_BY_CODE, {"code": code}).scalars().first()


# Statements of every turn, built once: values come at execution (half the Python work).
_GRID_BY_CODE = select(Grid).where(Grid.code == sa.bindparam("code"))
_STAFF_BY_CHAT = select(StaffMember).where(StaffMember.chat_id == sa.bindparam("chat_id"))
_RESIDENT_BY_CHAT = select(Resident).where(Resident.chat_id == sa.bindparam("chat_id"))


def active_grids(session: Session) -> list[Grid]:
    """Active grids in code order."""
    statement = select(Grid).where(col(Grid.active)).order_by(col(Grid.code))
    return list(session.exec(statement))


def staff_by_chat_id(session: Session, *, chat_id: int) -> StaffMember | None:
    """The staff member linked to this chat."""
    return session.execute(_STAFF_BY_CHAT, {"chat_id": chat_id}).scalars().first()


def staff_by_name(session: Session, *, name: str) -> list[StaffMember]:
    """Active staff members with exactly this name (names are not unique)."""
    statement = select(StaffMember).where(StaffMember.name == name, col(StaffMember.active))
    return list(session.exec(statement.order_by(col(StaffMember.id))))


def staff_of_grid(
    session: Session, *, grid_id: int, role: StaffRole | None = None
) -> list[StaffMember]:
    """Active staff members of a grid, optionally only those with `role`."""
    statement = select(StaffMember).where(StaffMember.grid_id == grid_id, col(StaffMember.active))
    if role is not None:
        statement = statement.where(StaffMember.role == role)
    return list(session.exec(statement.order_by(col(StaffMember.id))))


def staff_by_role(session: Session, *, role: StaffRole) -> list[StaffMember]:
    """Active staff members with `role`, whatever their grid."""
    statement = select(StaffMember).where(StaffMember.role == role, col(StaffMember.active))
    return list(session.exec(statement.order_by(col(StaffMember.id))))


def grid_leader(session: Session, *, grid_id: int) -> StaffMember | None:
    """The active leader of a grid."""
    statement = select(StaffMember).where(
        StaffMember.grid_id == grid_id,
        col(StaffMember.is_grid_leader),
        col(StaffMember.active),
    )
    return session.exec(statement.order_by(col(StaffMember.id))).first()


def chair(session: Session) -> StaffMember | None:
    """The active committee chair."""
    return next(iter(staff_by_role(session, role=StaffRole.CHAIR)), None)


def resident_by_chat_id(session: Session, *, chat_id: int) -> Resident | None:
    """The resident talking from this chat."""
    return session.execute(_RESIDENT_BY_CHAT, {"chat_id": chat_id}).scalars().first()


def get_or_create_resident(session: Session, *, chat_id: int, now: datetime) -> Resident:
    """The resident of this chat, created (race-free) on first contact."""
    existing = resident_by_chat_id(session, chat_id=chat_id)
    if existing is not None:  # the usual case: one select, no insert attempt
        return existing
    statement = (
        upsert(session, Resident)
        .values(chat_id=chat_id, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["chat_id"])
    )
    session.exec(statement)
    resident = resident_by_chat_id(session, chat_id=chat_id)
    assert resident is not None
    return resident
