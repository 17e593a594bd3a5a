"""String enumerations stored as plain VARCHAR values."""

from enum import StrEnum


class ResidenceType(StrEnum):
    """How a resident lives in the community."""

    REGISTERED = "registered"
    MIGRANT_PERMIT = "migrant_permit"
    MIGRANT_NO_PERMIT = "migrant_no_permit"
    MERCHANT = "merchant"
    REGISTERED_ELSEWHERE = "registered_elsewhere"


class StaffRole(StrEnum):
    """What a staff member does."""

    GRID_LEADER = "grid_leader"
    STREET_OFFICIAL = "street_official"
    COMMITTEE = "committee"
    POLICE = "police"
    SOCIAL_WORKER = "social_worker"
    CHAIR = "chair"


class TicketStatus(StrEnum):
    """Where a ticket is in its life cycle."""

    NEW = "new"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    RESOLVED = "resolved"
    CLOSED = "closed"
    RETURNED = "returned"
    ESCALATED = "escalated"


OPEN_STATUSES: frozenset[TicketStatus] = frozenset(
    {
        TicketStatus.NEW,
        TicketStatus.ASSIGNED,
        TicketStatus.ACCEPTED,
        TicketStatus.RETURNED,
        TicketStatus.ESCALATED,
    }
)
"""Statuses in which someone still has to act on the ticket."""


class TicketKind(StrEnum):
    """A complaint to act on, or an enquiry to answer."""

    COMPLAINT = "complaint"
    ENQUIRY = "enquiry"


class ActorKind(StrEnum):
    """Who caused a ticket event."""

    RESIDENT = "resident"
    STAFF = "staff"
    SYSTEM = "system"


class OutboxStatus(StrEnum):
    """Delivery state of an outgoing message."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxKind(StrEnum):
    """What the sender does with an outgoing message."""

    SEND = "send"
    EDIT = "edit"
    PHOTO = "photo"
    DOCUMENT = "document"


class ExampleSource(StrEnum):
    """Who supplied the label of a labelled example."""

    RESIDENT = "resident"
    STAFF = "staff"
    CHAIR = "chair"
