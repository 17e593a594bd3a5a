"""SQLModel tables. Timestamps are `UTCDateTime`, chat ids 64-bit, enums plain strings."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from pydantic_core import PydanticUndefined
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.orm import declared_attr, registry
from sqlmodel import Field, SQLModel

from storage.enums import (
    ActorKind,
    ExampleSource,
    OutboxKind,
    OutboxStatus,
    ResidenceType,
    StaffRole,
    TicketKind,
    TicketStatus,
)
from storage.types import ChatId, JSONType, StrEnumType, UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class Base(SQLModel, registry=registry(metadata=metadata)):
    """Base of every GridVoice table; owns the shared `metadata`."""


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime())


def _updated() -> Any:
    return Field(
        default_factory=utcnow, sa_type=UTCDateTime(), sa_column_kwargs={"onupdate": utcnow}
    )


def _time() -> Any:
    return Field(default=None, sa_type=UTCDateTime())


def _enum(enum_class: Any, default: Any = PydanticUndefined) -> Any:
    """A `StrEnum` column; required unless a default (None for nullable) is given."""
    return Field(default=default, sa_type=StrEnumType(enum_class))


def _json_list() -> Any:
    return Field(default_factory=list, sa_type=MutableList.as_mutable(JSONType()))


def _json_dict() -> Any:
    return Field(default_factory=dict, sa_type=MutableDict.as_mutable(JSONType()))


def _fk(target: str, **kwargs: Any) -> Any:
    return Field(default=None, foreign_key=target, **kwargs)


class Grid(Base, table=True):
    """A grid (网格): a part of the community with its own team."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True)
    name: str
    active: bool = True
    created_at: datetime = _created()


class StaffMember(Base, table=True):
    """A grid member, committee member, social worker or the chair."""

    __tablename__ = "staff_member"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    role: StaffRole = _enum(StaffRole)
    grid_id: int | None = _fk("grid.id")
    is_grid_leader: bool = False
    specialty: str | None = None
    phone: str | None = None
    chat_id: int | None = Field(default=None, sa_type=ChatId, unique=True)
    active: bool = True
    unreachable_since: datetime | None = _time()
    created_at: datetime = _created()
    updated_at: datetime = _updated()


class Resident(Base, table=True):
    """Someone who lives (or is registered) in the community and talks to the bot."""

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=ChatId, unique=True)
    display_name: str | None = None
    anonymous: bool = False
    residence_type: ResidenceType | None = _enum(ResidenceType, None)
    grid_id: int | None = _fk("grid.id")
    address: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    consent_at: datetime | None = _time()
    language: str = "zh"
    unreachable_since: datetime | None = _time()
    forget_requested_at: datetime | None = _time()
    """Set when the resident asked (/forget) for their data to be removed; the chair confirms."""
    anonymised_at: datetime | None = _time()
    """Set when names, phone, address and exact location were erased (retention or /forget)."""
    created_at: datetime = _created()
    updated_at: datetime = _updated()


class Ticket(Base, table=True):
    """One reported problem; `version` is bumped by SQLAlchemy on every update."""

    __table_args__ = (
        sa.Index("ix_ticket_status", "status"),
        sa.Index("ix_ticket_assignee_id_status", "assignee_id", "status"),
        sa.Index("ix_ticket_grid_id_status", "grid_id", "status"),
        sa.Index("ix_ticket_reporter_id", "reporter_id"),
        sa.Index("ix_ticket_next_reminder_at", "next_reminder_at"),
        sa.Index("ix_ticket_grid_id_category_created_at", "grid_id", "category", "created_at"),
        sa.Index("ix_ticket_place_category_created_at", "place", "category", "created_at"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

    id: int | None = Field(default=None, primary_key=True)
    code: str | None = Field(default=None, unique=True)
    reporter_id: int | None = _fk("resident.id")
    anonymous: bool = False
    grid_id: int | None = _fk("grid.id")
    category: str
    confidence: float = 0.0
    urgent: bool = False
    urgent_terms: list[str] = _json_list()
    kind: TicketKind = _enum(TicketKind, TicketKind.COMPLAINT)
    status: TicketStatus = _enum(TicketStatus, TicketStatus.NEW)
    text: str
    explanation: dict[str, Any] = _json_dict()
    place: str | None = None
    assignee_id: int | None = _fk("staff_member.id")
    signoff_due_at: datetime | None = _time()
    resolve_due_at: datetime | None = _time()
    accepted_at: datetime | None = _time()
    resolved_at: datetime | None = _time()
    closed_at: datetime | None = _time()
    created_at: datetime = _created()
    updated_at: datetime = _updated()
    rating: int | None = None
    solved: bool | None = None
    resolution_note: str | None = None
    return_reason: str | None = None
    return_count: int = 0
    reopen_count: int = 0
    escalation_level: int = 0
    reminder_clock: str | None = None
    """Which clock the reminders follow: ``sign_off``, ``resolution`` or ``closing``."""
    reminder_step: int = 0
    """How many steps of that clock's ladder were taken (reminded, overdue, leader, chair)."""
    next_reminder_at: datetime | None = _time()
    paused_at: datetime | None = _time()
    """Set while the clocks wait for the resident's answer to a question from staff."""
    duplicate_of_id: int | None = _fk("ticket.id")
    latitude: float | None = None
    longitude: float | None = None
    photo_file_ids: list[str] = _json_list()
    source: str | None = None
    """Where the report came from when not a chat: e.g. ``open311:<api key name>``."""
    anonymised_at: datetime | None = _time()
    """Set when the text, place, photos and exact location were erased (retention or /forget)."""
    version: int = 1


class TicketEvent(Base, table=True):
    """One change of a ticket: who, when, what (the audit trail)."""

    __tablename__ = "ticket_event"
    __table_args__ = (sa.Index("ix_ticket_event_ticket_id_at", "ticket_id", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    at: datetime = _created()
    actor_kind: ActorKind = _enum(ActorKind)
    actor_id: int | None = None
    kind: str
    from_status: TicketStatus | None = _enum(TicketStatus, None)
    to_status: TicketStatus | None = _enum(TicketStatus, None)
    details: dict[str, Any] = _json_dict()


class ProcessedUpdate(Base, table=True):
    """An incoming update already handled (deduplicates redeliveries)."""

    __tablename__ = "processed_update"
    __table_args__ = (sa.UniqueConstraint("channel", "update_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    update_id: int = Field(sa_type=sa.BigInteger)
    processed_at: datetime = _created()


class ConversationState(Base, table=True):
    """Where a chat is in a dialogue flow, with the flow's data."""

    __tablename__ = "conversation_state"
    __table_args__ = (sa.UniqueConstraint("channel", "chat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    chat_id: int = Field(sa_type=ChatId)
    state: str
    data: dict[str, Any] = _json_dict()
    updated_at: datetime = _updated()


class OutboxMessage(Base, table=True):
    """A message waiting to be sent; `buttons` is a list of rows of {text, data}."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_type=ChatId)
    text: str
    buttons: list[list[dict[str, str]]] | None = Field(default=None, sa_type=JSONType)
    kind: OutboxKind = _enum(OutboxKind, OutboxKind.SEND)
    edit_message_ref: str | None = None
    status: OutboxStatus = _enum(OutboxStatus, OutboxStatus.PENDING)
    attempts: int = 0
    next_attempt_at: datetime = _created()
    last_error: str | None = None
    ticket_id: int | None = _fk("ticket.id")
    created_at: datetime = _created()
    sent_at: datetime | None = _time()
    attachment: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    """The file sent with a ``photo`` or ``document`` message (``text`` is its caption)."""
    attachment_name: str | None = None


class LabelledExample(Base, table=True):
    """A text with a confirmed or corrected category, for retraining the classifier."""

    __tablename__ = "labelled_example"

    id: int | None = Field(default=None, primary_key=True)
    text: str
    label: str
    previous_label: str | None = None
    source: ExampleSource = _enum(ExampleSource)
    ticket_id: int | None = _fk("ticket.id")
    created_at: datetime = _created()


class InviteCode(Base, table=True):
    """A single-use code that links a chat to a staff member; only its sha256 is kept."""

    __tablename__ = "invite_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True)
    staff_id: int = Field(foreign_key="staff_member.id")
    created_at: datetime = _created()
    expires_at: datetime = Field(sa_type=UTCDateTime())
    used_at: datetime | None = _time()
    created_by: str | None = None


class CommunityMeta(Base, table=True):
    """Key/value facts about the loaded community file (code, name, sha256)."""

    __tablename__ = "community_meta"

    key: str = Field(primary_key=True)
    value: str
    updated_at: datetime = _updated()


class TicketFollower(Base, table=True):
    """A resident who reported the same problem and follows another ticket's progress."""

    __tablename__ = "ticket_follower"
    __table_args__ = (
        sa.UniqueConstraint("ticket_id", "resident_id"),
        sa.Index("ix_ticket_follower_resident_id", "resident_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="ticket.id")
    resident_id: int = Field(foreign_key="resident.id")
    created_at: datetime = _created()


class ApiKey(Base, table=True):
    """A key of the open (Open311) API; only its sha256 is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    key_hash: str = Field(unique=True)
    created_at: datetime = _created()
    revoked_at: datetime | None = _time()
    last_used_at: datetime | None = _time()


class AuditEntry(Base, table=True):
    """A use of personal data or a privacy action: who, when, what (pseudonymous ids only)."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _created()
    actor: str
    action: str
    details: dict[str, Any] = _json_dict()
