"""shelters: the registry, who staffs each shelter, and daily occupancy with its history

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.String(length=36)
COUNTS = (
    "present",
    "female_0_17",
    "male_0_17",
    "female_18_59",
    "male_18_59",
    "female_60_plus",
    "male_60_plus",
    "families",
    "unaccompanied_children",
    "arrivals",
    "departures",
    "waiting_appointment",
    "waiting_parole",
    "waiting_comar",
    "waiting_work",
    "free_places",
    "capacity",
)


def upgrade() -> None:
    op.create_table(
        "shelters",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("operator", sa.String(length=16), nullable=False),
        sa.Column("region", sa.String(length=6), nullable=False),
        sa.Column("municipality", sa.String(length=120), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("accessibility", sa.JSON(), nullable=False),
        sa.Column("contact", sa.String(length=200), nullable=True),
        sa.Column("day_capacity", sa.Integer(), nullable=False),
        sa.Column("night_capacity", sa.Integer(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_shelters_region", "shelters", ["region"])
    op.create_table(
        "shelter_staff",
        sa.Column("shelter_id", sa.String(length=80), sa.ForeignKey("shelters.id"), nullable=False),
        sa.Column("user_id", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("shelter_id", "user_id"),
    )
    op.create_index("ix_shelter_staff_user_id", "shelter_staff", ["user_id"])
    op.create_table(
        "shelter_occupancy",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("shelter_id", sa.String(length=80), sa.ForeignKey("shelters.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", ID, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shelter_id", "day", "revision"),
        sa.CheckConstraint("present >= 0", name="ck_shelter_occupancy_present"),
    )
    op.create_index("ix_shelter_occupancy_day", "shelter_occupancy", ["day"])


def downgrade() -> None:
    for table in ("shelter_occupancy", "shelter_staff", "shelters"):
        op.drop_table(table)
