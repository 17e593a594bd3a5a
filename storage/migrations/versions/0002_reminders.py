"""Reminder ladder state on tickets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 15:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_clock", sa.String(), nullable=True))
        batch_op.add_column(
            sa.Column("reminder_step", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("next_reminder_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_ticket_next_reminder_at", ["next_reminder_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_next_reminder_at")
        batch_op.drop_column("next_reminder_at")
        batch_op.drop_column("reminder_step")
        batch_op.drop_column("reminder_clock")
