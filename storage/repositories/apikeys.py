"""Keys of the open (Open311) API: only a key's sha256 is stored, never the key itself."""

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, col, select

from storage.models import ApiKey

KEY_PREFIX = "gv_"


def hash_api_key(key: str) -> str:
    """The sha256 hex digest under which an API key is stored."""
    return hashlib.sha256(key.strip().encode()).hexdigest()


def api_key_by_name(session: Session, *, name: str) -> ApiKey | None:
    """The key called ``name``, revoked or not."""
    return session.exec(select(ApiKey).where(ApiKey.name == name)).first()


def create_api_key(session: Session, *, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key called ``name``; returns the row and the key, which is shown only this once.

    Raises ``ValueError`` if a key of that name exists (revoked keys keep their name).
    """
    if api_key_by_name(session, name=name) is not None:
        raise ValueError(f"an API key named {name!r} already exists")
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    row = ApiKey(name=name, key_hash=hash_api_key(key), created_at=now)
    session.add(row)
    session.flush()
    return row, key


def revoke_api_key(session: Session, *, name: str, now: datetime) -> ApiKey | None:
    """Revoke the key called ``name`` (idempotent); None if there is no such key."""
    row = api_key_by_name(session, name=name)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now
        session.flush()
    return row


def all_api_keys(session: Session) -> list[ApiKey]:
    """Every key, by name."""
    return list(session.exec(select(ApiKey).order_by(col(ApiKey.name))))


def use_api_key(session: Session, *, key: str, now: datetime) -> ApiKey | None:
    """The active key matching ``key``, marked as used now; None if unknown or revoked."""
    statement = select(ApiKey).where(
        ApiKey.key_hash == hash_api_key(key), col(ApiKey.revoked_at).is_(None)
    )
    row = session.exec(statement).first()
    if row is not None:
        row.last_used_at = now
    return row
