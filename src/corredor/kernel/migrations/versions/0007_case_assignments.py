"""cases: case_assignments (which caseworker, or which agency at a site, may act on a case)

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_assignments",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("case_id", sa.String(36), sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("caseworker_id", sa.String(36), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("agency", sa.String(32), nullable=True),
        sa.Column("site_id", sa.String(80), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assigned_by", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.String(36), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
    )
    op.create_index("ix_case_assignments_case_id", "case_assignments", ["case_id"])
    op.create_index("ix_case_assignments_caseworker_id", "case_assignments", ["caseworker_id"])


def downgrade() -> None:
    op.drop_index("ix_case_assignments_caseworker_id", "case_assignments")
    op.drop_index("ix_case_assignments_case_id", "case_assignments")
    op.drop_table("case_assignments")
