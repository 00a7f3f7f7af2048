"""allocation: early closes of request windows (one officer asks with a reason, another confirms)

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allocation_early_closes",
        sa.Column(
            "window_id", sa.String(36), sa.ForeignKey("allocation_windows.id"), nullable=False
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by", sa.String(36), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_close", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("window_id"),
        sa.CheckConstraint(
            "confirmed_by IS NULL OR confirmed_by <> requested_by",
            name="ck_allocation_early_closes_two_officers",
        ),
    )


def downgrade() -> None:
    op.drop_table("allocation_early_closes")
