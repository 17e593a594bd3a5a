"""Staff invite codes: short, unambiguous, single-use; and adding a staff member by hand."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.community import GRID_ROLES, Role
from storage.enums import StaffRole
from storage.models import StaffMember
from storage.repositories import create_invite_code, grid_by_code, staff_by_name

INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Upper-case letters and digits without 0/O and 1/I, which are easily confused."""
INVITE_LENGTH = 8
INVITE_TTL = timedelta(hours=72)
STAFF_ROLES = tuple(role.value for role in Role if role is not Role.GRID_LEADER)


class InviteError(ValueError):
    """The invite cannot be made (unknown or ambiguous member, bad role or grid)."""


@dataclass(frozen=True)
class Invite:
    """A one-time code for a staff member; only its hash is stored."""

    code: str
    member: str
    staff_id: int
    expires_at: datetime


def new_invite_code() -> str:
    """A random code of 8 characters from :data:`INVITE_ALPHABET` (40 bits)."""
    return "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))


def normalize_invite_code(text: str) -> str:
    """What a person typed, as the stored code: trimmed, upper-case, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch not in " -")


def find_member(session: Session, *, name: str) -> StaffMember:
    """The one active staff member called ``name``; :class:`InviteError` otherwise."""
    members = staff_by_name(session, name=name)
    if not members:
        raise InviteError(f"unknown staff member {name!r} (check the community file)")
    if len(members) > 1:
        raise InviteError(f"{len(members)} active staff members are called {name!r}")
    return members[0]


def add_member(
    session: Session, *, name: str, role: str, grid_code: str | None, now: datetime
) -> tuple[StaffMember, bool]:
    """The active member ``name`` if they match ``role`` and grid, else a new one (created)."""
    if role not in STAFF_ROLES:
        raise InviteError(f"unknown role {role!r} (one of {', '.join(STAFF_ROLES)})")
    if Role(role) in GRID_ROLES and grid_code is None:
        raise InviteError(f"a {role} needs a grid: add --grid")
    if Role(role) not in GRID_ROLES and grid_code is not None:
        raise InviteError(f"a {role} serves the whole community: remove --grid")
    grid_id = None
    if grid_code is not None:
        grid = grid_by_code(session, code=grid_code)
        if grid is None or not grid.active:
            raise InviteError(f"unknown grid {grid_code!r}")
        grid_id = grid.id
    existing = staff_by_name(session, name=name)
    if existing:
        member = existing[0]
        if member.role != role or member.grid_id != grid_id:
            raise InviteError(f"{name!r} already exists with another role or grid: use --member")
        return member, False
    member = StaffMember(
        name=name, role=StaffRole(role), grid_id=grid_id, created_at=now, updated_at=now
    )
    session.add(member)
    session.flush()
    return member, True


def invite(
    session: Session, member: StaffMember, *, now: datetime, created_by: str | None = None
) -> Invite:
    """A new single-use code that binds a chat to ``member`` within :data:`INVITE_TTL`."""
    assert member.id is not None
    code = create_invite_code(
        session,
        staff_id=member.id,
        now=now,
        ttl=INVITE_TTL,
        created_by=created_by,
        code=new_invite_code(),
    )
    return Invite(code=code, member=member.name, staff_id=member.id, expires_at=now + INVITE_TTL)
