"""Fair capacity tables: capacity per site and day, request windows, requests, runs and seats.

Two partial unique indexes carry the booking guarantees, so they hold whatever the code does:

- `uq_allocation_request_people_active_person`: a person (a keyed hash, never the clear value)
  is in at most one active request;
- `uq_allocation_seats_active_seat`: a seat (site, day, seat number) is held by at most one
  active booking, and `uq_allocation_seats_active_holder` gives each person of a request at most
  one active seat.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import ID, Base

ACTIVE = text("active")  # the WHERE of the partial indexes, valid on SQLite and PostgreSQL


class CapacityDay(Base):
    """Seats at one site on one day, with the seats reserved per cohort (quota)."""

    __tablename__ = "capacity_days"
    __table_args__ = (
        UniqueConstraint("site_id", "day"),
        CheckConstraint("seats >= 0", name="ck_capacity_days_seats"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_id: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    seats: Mapped[int] = mapped_column(Integer)
    quotas: Mapped[dict[str, Any]] = mapped_column(default=dict)  # cohort -> seats
    updated_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AllocationWindow(Base):
    """A request window: its sites and appointment days, and the committed seed of its draw."""

    __tablename__ = "allocation_windows"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    state: Mapped[str] = mapped_column(String(16))  # open, allocated, revealed
    sites: Mapped[list[Any]] = mapped_column(default=list)
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)
    opens_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closes_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    policy_id: Mapped[str | None] = mapped_column(String(80))
    rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    seed_commitment: Mapped[str] = mapped_column(String(64))
    # The secret seed, AES-GCM encrypted, until it is revealed; then `seed` holds it in hex.
    seed_enc: Mapped[str | None] = mapped_column(Text)
    seed: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AllocationEarlyClose(Base):
    """A window closed before its published close: who asked and why, who else confirmed, and
    when it really closed (set by the run). Published with the run's results, so the reason is
    public text, written by an officer for the public."""

    __tablename__ = "allocation_early_closes"
    __table_args__ = (
        CheckConstraint(
            "confirmed_by IS NULL OR confirmed_by <> requested_by",
            name="ck_allocation_early_closes_two_officers",
        ),
    )

    window_id: Mapped[str] = mapped_column(ForeignKey("allocation_windows.id"), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_by: Mapped[str | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_close: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AllocationRequest(Base):
    """One person's or household's request for seats at a site, during a window."""

    __tablename__ = "allocation_requests"
    __table_args__ = (
        Index("ix_allocation_requests_window_status", "window_id", "status"),
        CheckConstraint("size >= 1", name="ck_allocation_requests_size"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    window_id: Mapped[str] = mapped_column(ForeignKey("allocation_windows.id"))
    site_id: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    cohort: Mapped[str | None] = mapped_column(String(80))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    waiting_since: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[str | None] = mapped_column(String(36))
    applicant_user_id: Mapped[str | None] = mapped_column(ForeignKey("users.id"), index=True)
    registered_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AllocationRequestPerson(Base):
    """A person in a request, as a keyed hash; `active` while the request is."""

    __tablename__ = "allocation_request_people"
    __table_args__ = (
        Index(
            "uq_allocation_request_people_active_person",
            "person_key",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        Index("ix_allocation_request_people_person_key", "person_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("allocation_requests.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    person_key: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean)


class AllocationRun(Base):
    """The run of a window: the rule, the inputs' digests, the capacity used and the counts."""

    __tablename__ = "allocation_runs"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    window_id: Mapped[str] = mapped_column(ForeignKey("allocation_windows.id"), unique=True)
    run_date: Mapped[date] = mapped_column(Date)
    rule: Mapped[dict[str, Any]] = mapped_column(default=dict)
    policy: Mapped[str | None] = mapped_column(String(120))
    cohorts_open: Mapped[list[Any] | None] = mapped_column()
    seed_commitment: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[list[Any]] = mapped_column(default=list)  # the SiteDays, as run
    requests_sha256: Mapped[str] = mapped_column(String(64))
    results_sha256: Mapped[str] = mapped_column(String(64))
    assigned_requests: Mapped[int] = mapped_column(Integer)
    counts: Mapped[list[Any]] = mapped_column(default=list)
    set_aside: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_by: Mapped[str] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AllocationRunEntry(Base):
    """One request in a run: its inputs as drawn, its tier and draw, and its first outcome."""

    __tablename__ = "allocation_run_entries"
    __table_args__ = (UniqueConstraint("run_id", "request_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("allocation_runs.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("allocation_requests.id"))
    site_id: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    cohort: Mapped[str | None] = mapped_column(String(80))
    urgent: Mapped[bool] = mapped_column(Boolean)
    waiting_since: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # the outcome of the run itself
    rank: Mapped[int | None] = mapped_column(Integer)  # position in the site's ranking, 0-based
    tier: Mapped[int | None] = mapped_column(Integer)
    tickets: Mapped[int | None] = mapped_column(Integer)
    draw_key: Mapped[str | None] = mapped_column(String(16))
    draw_number: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[date | None] = mapped_column(Date)
    pool: Mapped[str | None] = mapped_column(String(80))


class AllocationSeat(Base):
    """One seat held by one person of a request; released seats stay as history."""

    __tablename__ = "allocation_seats"
    __table_args__ = (
        Index(
            "uq_allocation_seats_active_seat",
            "site_id",
            "day",
            "seat_number",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        Index(
            "uq_allocation_seats_active_holder",
            "request_id",
            "holder",
            unique=True,
            sqlite_where=ACTIVE,
            postgresql_where=ACTIVE,
        ),
        CheckConstraint("seat_number >= 1", name="ck_allocation_seats_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("allocation_runs.id"))
    request_id: Mapped[str] = mapped_column(ForeignKey("allocation_requests.id"), index=True)
    holder: Mapped[int] = mapped_column(Integer)  # which person of the request, 0-based
    site_id: Mapped[str] = mapped_column(String(80))
    day: Mapped[date] = mapped_column(Date)
    seat_number: Mapped[int] = mapped_column(Integer)
    pool: Mapped[str] = mapped_column(String(80))
    active: Mapped[bool] = mapped_column(Boolean)
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    release_reason: Mapped[str | None] = mapped_column(String(16))
