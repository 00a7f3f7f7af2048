"""persons: name parts (sealed); person matching: blocking keys and duplicate decisions

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("persons") as table:
        table.add_column(sa.Column("name_parts_enc", sa.Text(), nullable=True))
    op.create_table(
        "person_match_keys",
        sa.Column(
            "person_id",
            sa.String(36),
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("key", sa.String(64), primary_key=True),
    )
    op.create_index("ix_person_match_keys_key", "person_match_keys", ["key"])
    op.create_table(
        "duplicate_decisions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column(
            "person_id",
            sa.String(36),
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "other_person_id",
            sa.String(36),
            sa.ForeignKey("persons.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("score", sa.String(8), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_duplicate_decisions_person_id", "duplicate_decisions", ["person_id"])
    op.create_index(
        "ix_duplicate_decisions_other_person_id", "duplicate_decisions", ["other_person_id"]
    )


def downgrade() -> None:
    op.drop_table("duplicate_decisions")
    op.drop_table("person_match_keys")
    with op.batch_alter_table("persons") as table:
        table.drop_column("name_parts_enc")
