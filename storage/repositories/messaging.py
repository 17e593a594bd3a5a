"""Update deduplication, conversation state and the outbox of messages to send."""

from datetime import datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.enums import OutboxKind, OutboxStatus
from storage.models import ConversationState, OutboxMessage, ProcessedUpdate
from storage.repositories._sql import dialect_of, insert_for, table_of
from storage.types import utcnow

Buttons = list[list[dict[str, str]]]


def mark_update_processed(
    session: Session, *, channel: str, update_id: int, now: datetime | None = None
) -> bool:
    """Record an incoming update; False when it was already recorded (a redelivery)."""
    values = {"channel": channel, "update_id": update_id, "processed_at": now or utcnow()}
    inserted = session.execute(_record_update(dialect_of(session)), values)
    return inserted.scalar_one_or_none() is not None


@cache
def _record_update(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, built once (values come at execution)."""
    statement = insert_for(dialect, table_of(ProcessedUpdate))
    return statement.on_conflict_do_nothing(index_elements=["channel", "update_id"]).returning(
        table_of(ProcessedUpdate).c.id
    )


def get_conversation_state(
    session: Session, *, channel: str, chat_id: int
) -> ConversationState | None:
    """The dialogue state of a chat, if any."""
    values = {"channel": channel, "chat_id": chat_id}
    return session.execute(_STATE_OF_CHAT, values).scalars().first()


# populate_existing: an upsert may have changed a row already in the session.
_STATE_OF_CHAT = (
    select(ConversationState)
    .where(
        ConversationState.channel == sa.bindparam("channel"),
        ConversationState.chat_id == sa.bindparam("chat_id"),
    )
    .execution_options(populate_existing=True)
)


def put_conversation_state(
    session: Session,
    *,
    channel: str,
    chat_id: int,
    state: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Create or replace the dialogue state of a chat."""
    values = {
        "channel": channel,
        "chat_id": chat_id,
        "state": state,
        "data": data,
        "updated_at": now,
    }
    session.execute(_replace_state(dialect_of(session)), values)


@cache
def _replace_state(dialect: str) -> Any:
    """INSERT … ON CONFLICT DO UPDATE of a chat's state, built once."""
    statement = insert_for(dialect, table_of(ConversationState))
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["channel", "chat_id"],
        set_={"state": excluded.state, "data": excluded.data, "updated_at": excluded.updated_at},
    )


def clear_conversation_state(session: Session, *, channel: str, chat_id: int) -> None:
    """Forget the dialogue state of a chat."""
    existing = get_conversation_state(session, channel=channel, chat_id=chat_id)
    if existing is not None:
        session.delete(existing)
        session.flush()


def enqueue_message(
    session: Session,
    *,
    chat_id: int,
    text: str,
    now: datetime,
    buttons: Buttons | None = None,
    kind: OutboxKind = OutboxKind.SEND,
    edit_message_ref: str | None = None,
    ticket_id: int | None = None,
    attachment: bytes | None = None,
    attachment_name: str | None = None,
) -> int:
    """Queue a message (with ``attachment``: a photo or document captioned ``text``); it becomes
    claimable at `now`. Returns its id. One INSERT, no object kept in the session."""
    values = {
        "chat_id": chat_id,
        "text": text,
        "buttons": buttons,
        "kind": kind,
        "edit_message_ref": edit_message_ref,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "ticket_id": ticket_id,
        "created_at": now,
        "next_attempt_at": now,
        "attachment": attachment,
        "attachment_name": attachment_name,
    }
    return int(session.execute(_ENQUEUE, values).scalar_one())


_ENQUEUE = sa.insert(table_of(OutboxMessage)).returning(table_of(OutboxMessage).c.id)


def claim_pending_outbox(
    session: Session, *, now: datetime, limit: int, lease: timedelta = timedelta(seconds=60)
) -> list[OutboxMessage]:
    """Claim due messages for sending: count the attempt and hide them for `lease`.

    PostgreSQL skips rows another transaction has locked (FOR UPDATE SKIP LOCKED);
    on SQLite the IMMEDIATE transaction already excludes other writers. Commit the
    claim, send outside the transaction, then `mark_sent` or `mark_failed`.
    """
    messages = list(session.execute(_due(limit), {"now": now}).scalars())
    if messages:  # one UPDATE for the batch; the loaded rows are told, not made dirty
        until = now + lease
        session.execute(_COUNT_ATTEMPT, {"ids": [m.id for m in messages], "until": until})
        for message in messages:
            set_committed_value(message, "attempts", message.attempts + 1)
            set_committed_value(message, "next_attempt_at", until)
    return messages


@cache
def _due(limit: int) -> Any:
    """The claim's SELECT, built once per batch size."""
    return (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            col(OutboxMessage.next_attempt_at) <= sa.bindparam("now"),
        )
        .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


_OUTBOX = table_of(OutboxMessage)
_COUNT_ATTEMPT = (
    sa.update(_OUTBOX)
    .where(_OUTBOX.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(attempts=_OUTBOX.c.attempts + 1, next_attempt_at=sa.bindparam("until"))
)


def mark_sent(session: Session, *, message_id: int, now: datetime) -> None:
    """Record a successful delivery."""
    mark_sent_many(session, message_ids=[message_id], now=now)


def mark_sent_many(session: Session, *, message_ids: list[int], now: datetime) -> None:
    """Record the successful delivery of a batch, in one statement."""
    if message_ids:
        session.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.id).in_(message_ids))
            .values(status=OutboxStatus.SENT, sent_at=now, last_error=None)
        )


def mark_failed(
    session: Session,
    *,
    message_id: int,
    error: str,
    now: datetime,
    give_up_after: timedelta = timedelta(hours=24),
    base_delay: timedelta = timedelta(seconds=2),
    max_delay: timedelta = timedelta(minutes=5),
) -> None:
    """Record a failed delivery (network trouble, a server error): retry with exponential
    backoff up to ``max_delay`` apart, and give up only once the message is ``give_up_after``
    old, so an outage of Telegram loses nothing."""
    message = session.get_one(OutboxMessage, message_id)
    message.last_error = error[:2000]
    if now - message.created_at >= give_up_after:
        message.status = OutboxStatus.FAILED
    else:
        message.status = OutboxStatus.PENDING
        backoff = base_delay * 2 ** min(max(message.attempts - 1, 0), 20)
        message.next_attempt_at = now + min(backoff, max_delay)
    session.flush()


def reschedule(session: Session, *, message_id: int, at: datetime, error: str) -> None:
    """Send again at ``at`` without counting the attempt (the server asked us to wait)."""
    message = session.get_one(OutboxMessage, message_id)
    message.status = OutboxStatus.PENDING
    message.attempts = max(message.attempts - 1, 0)
    message.next_attempt_at = at
    message.last_error = error[:2000]
    session.flush()


def give_up_chat(session: Session, *, chat_id: int, error: str) -> int:
    """Stop sending to a chat that refuses messages; returns how many were dropped."""
    statement = select(OutboxMessage).where(
        OutboxMessage.chat_id == chat_id, OutboxMessage.status == OutboxStatus.PENDING
    )
    dropped = list(session.exec(statement))
    for message in dropped:
        message.status = OutboxStatus.FAILED
        message.last_error = error[:2000]
    session.flush()
    return len(dropped)
