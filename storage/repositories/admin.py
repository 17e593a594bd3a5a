"""Staff invite codes and facts about the loaded community file."""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, col, select, update

from storage.models import CommunityMeta, InviteCode, StaffMember
from storage.repositories._sql import upsert


def hash_invite_code(code: str) -> str:
    """The sha256 hex digest under which an invite code is stored."""
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_invite_code(
    session: Session,
    *,
    staff_id: int,
    now: datetime,
    ttl: timedelta = timedelta(days=7),
    created_by: str | None = None,
    code: str | None = None,
) -> str:
    """Create a single-use invite for a staff member; returns the code (kept only hashed)."""
    code = code or secrets.token_urlsafe(12)
    session.add(
        InviteCode(
            code_hash=hash_invite_code(code),
            staff_id=staff_id,
            created_at=now,
            expires_at=now + ttl,
            created_by=created_by,
        )
    )
    session.flush()
    return code


def consume_invite_code(session: Session, *, code: str, now: datetime) -> StaffMember | None:
    """The invited staff member if the code is unused and unexpired; marks it used."""
    statement = (
        update(InviteCode)
        .where(
            col(InviteCode.code_hash) == hash_invite_code(code),
            col(InviteCode.used_at).is_(None),
            col(InviteCode.expires_at) > now,
        )
        .values(used_at=now)
        .returning(col(InviteCode.staff_id))
    )
    staff_id = session.exec(statement).scalar_one_or_none()
    return None if staff_id is None else session.get(StaffMember, staff_id)


def get_community_meta(session: Session, *, key: str) -> str | None:
    """A stored fact about the community file (e.g. "sha256")."""
    row = session.get(CommunityMeta, key, populate_existing=True)
    return None if row is None else row.value


def all_community_meta(session: Session) -> dict[str, str]:
    """Every stored fact about the community file."""
    return {row.key: row.value for row in session.exec(select(CommunityMeta))}


def set_community_meta(session: Session, *, key: str, value: str, now: datetime) -> None:
    """Store a fact about the community file, replacing any previous value."""
    statement = upsert(session, CommunityMeta).values(key=key, value=value, updated_at=now)
    statement = statement.on_conflict_do_update(
        index_elements=["key"], set_={"value": value, "updated_at": now}
    )
    session.exec(statement)


def claim_once(session: Session, *, key: str, now: datetime) -> bool:
    """True for the first caller with ``key`` (e.g. today's digest), False for every later one."""
    statement = (
        upsert(session, CommunityMeta)
        .values(key=key, value=now.isoformat(), updated_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(col(CommunityMeta.key))
    )
    return session.exec(statement).first() is not None
