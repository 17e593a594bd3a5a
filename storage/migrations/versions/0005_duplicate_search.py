"""Indexes for the duplicate check: open tickets of a grid or a place, by category, newest first.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 20:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "ix_ticket_grid_id_category_created_at": ["grid_id", "category", "created_at"],
    "ix_ticket_place_category_created_at": ["place", "category", "created_at"],
}


def upgrade() -> None:
    for name, columns in INDEXES.items():
        op.create_index(name, "ticket", columns)


def downgrade() -> None:
    for name in INDEXES:
        op.drop_index(name, table_name="ticket")
