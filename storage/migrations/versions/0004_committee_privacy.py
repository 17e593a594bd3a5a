"""Followers of tickets, API keys, the audit log, attachments and anonymisation marks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ticket_follower",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["ticket.id"], name="fk_ticket_follower_ticket_id_ticket"
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"], ["resident.id"], name="fk_ticket_follower_resident_id_resident"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ticket_follower"),
        sa.UniqueConstraint(
            "ticket_id", "resident_id", name="uq_ticket_follower_ticket_id_resident_id"
        ),
    )
    op.create_index("ix_ticket_follower_resident_id", "ticket_follower", ["resident_id"])
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("key_hash", sa.String(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("revoked_at", UTC_TIME, nullable=True),
        sa.Column("last_used_at", UTC_TIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_key"),
        sa.UniqueConstraint("name", name="uq_api_key_name"),
        sa.UniqueConstraint("key_hash", name="uq_api_key_key_hash"),
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_entry"),
    )
    op.create_index("ix_audit_entry_at", "audit_entry", ["at"])
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", sa.String(), nullable=True))
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.add_column(sa.Column("forget_requested_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("anonymised_at", UTC_TIME, nullable=True))
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source", sa.String(), nullable=True))
        batch_op.add_column(sa.Column("anonymised_at", UTC_TIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("source")
    with op.batch_alter_table("resident", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
        batch_op.drop_column("forget_requested_at")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("attachment_name")
        batch_op.drop_column("attachment")
    op.drop_index("ix_audit_entry_at", table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_table("api_key")
    op.drop_index("ix_ticket_follower_resident_id", table_name="ticket_follower")
    op.drop_table("ticket_follower")
