"""portal: the computed figures per period (portal_figures); screening: completed screenings
counted per day, language and result (screener_use); cases: people reaching each step per day
by nationality (case_step_tallies)

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_figures",
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("period"),
    )
    op.create_table(
        "screener_use",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("result", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "language", "result"),
    )

    op.create_table(
        "case_step_tallies",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "state", "nationality"),
    )


def downgrade() -> None:
    op.drop_table("case_step_tallies")
    op.drop_table("screener_use")
    op.drop_table("portal_figures")
