"""person_keys, person_erasures: a data key per person (envelope encryption) and erasures

Existing persons' and documents' fields, sealed under the master key, move to per-person data
keys with `corredor keys reencrypt` (the migration holds no key); until then they still read.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("key_enc", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "person_erasures",
        sa.Column("person_id", sa.String(36), primary_key=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("person_erasures")
    op.drop_table("person_keys")
