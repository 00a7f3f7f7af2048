"""fair capacity: capacity days, request windows, requests, runs, seats

The partial unique indexes are the booking guarantees: one active request per person, and a
seat held by one active booking at a time.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

ACTIVE = sa.text("active")
ID = sa.String(length=36)


def upgrade() -> None:
    op.create_table(
        "capacity_days",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("quotas", sa.JSON(), nullable=False),
        sa.Column("updated_by", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "day"),
        sa.CheckConstraint("seats >= 0", name="ck_capacity_days_seats"),
    )
    op.create_table(
        "allocation_windows",
        sa.Column("id", ID, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("policy_id", sa.String(length=80), nullable=True),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("seed_commitment", sa.String(length=64), nullable=False),
        sa.Column("seed_enc", sa.Text(), nullable=True),
        sa.Column("seed", sa.String(length=64), nullable=True),
        sa.Column("created_by", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "allocation_requests",
        sa.Column("id", ID, nullable=False),
        sa.Column("window_id", ID, sa.ForeignKey("allocation_windows.id"), nullable=False),
        sa.Column("site_id", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("cohort", sa.String(length=80), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("waiting_since", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.String(length=36), nullable=True),
        sa.Column("applicant_user_id", ID, sa.ForeignKey("users.id"), nullable=True),
        sa.Column("registered_by", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("size >= 1", name="ck_allocation_requests_size"),
    )
    op.create_index(
        "ix_allocation_requests_window_status", "allocation_requests", ["window_id", "status"]
    )
    op.create_index(
        "ix_allocation_requests_applicant_user_id", "allocation_requests", ["applicant_user_id"]
    )
    op.create_table(
        "allocation_request_people",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("request_id", ID, sa.ForeignKey("allocation_requests.id"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_key", sa.String(length=64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_allocation_request_people_request_id", "allocation_request_people", ["request_id"]
    )
    op.create_index(
        "ix_allocation_request_people_person_key", "allocation_request_people", ["person_key"]
    )
    op.create_index(
        "uq_allocation_request_people_active_person",
        "allocation_request_people",
        ["person_key"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_table(
        "allocation_runs",
        sa.Column("id", ID, nullable=False),
        sa.Column("window_id", ID, sa.ForeignKey("allocation_windows.id"), nullable=False),
        sa.Column("run_date", sa.Date(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("policy", sa.String(length=120), nullable=True),
        sa.Column("cohorts_open", sa.JSON(), nullable=True),
        sa.Column("seed_commitment", sa.String(length=64), nullable=False),
        sa.Column("capacity", sa.JSON(), nullable=False),
        sa.Column("requests_sha256", sa.String(length=64), nullable=False),
        sa.Column("results_sha256", sa.String(length=64), nullable=False),
        sa.Column("assigned_requests", sa.Integer(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("set_aside", sa.JSON(), nullable=False),
        sa.Column("created_by", ID, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("window_id"),
    )
    op.create_table(
        "allocation_run_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", ID, sa.ForeignKey("allocation_runs.id"), nullable=False),
        sa.Column("request_id", ID, sa.ForeignKey("allocation_requests.id"), nullable=False),
        sa.Column("site_id", sa.String(length=80), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("cohort", sa.String(length=80), nullable=True),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("waiting_since", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("tier", sa.Integer(), nullable=True),
        sa.Column("tickets", sa.Integer(), nullable=True),
        sa.Column("draw_key", sa.String(length=16), nullable=True),
        sa.Column("draw_number", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("pool", sa.String(length=80), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", "request_id"),
    )
    op.create_table(
        "allocation_seats",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", ID, sa.ForeignKey("allocation_runs.id"), nullable=False),
        sa.Column("request_id", ID, sa.ForeignKey("allocation_requests.id"), nullable=False),
        sa.Column("holder", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.String(length=80), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seat_number", sa.Integer(), nullable=False),
        sa.Column("pool", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("release_reason", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint("seat_number >= 1", name="ck_allocation_seats_number"),
    )
    op.create_index("ix_allocation_seats_request_id", "allocation_seats", ["request_id"])
    op.create_index(
        "uq_allocation_seats_active_seat",
        "allocation_seats",
        ["site_id", "day", "seat_number"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )
    op.create_index(
        "uq_allocation_seats_active_holder",
        "allocation_seats",
        ["request_id", "holder"],
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    )


def downgrade() -> None:
    for table in (
        "allocation_seats",
        "allocation_run_entries",
        "allocation_runs",
        "allocation_request_people",
        "allocation_requests",
        "allocation_windows",
        "capacity_days",
    ):
        op.drop_table(table)
