"""Tables of the shelter registry: shelters, who staffs each one, and daily occupancy.

Occupancy is never overwritten: a correction is a new revision of the same day, so the history
of what was reported, by whom and when, stays (and each revision is in the audit log too).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import ID, Base


class ShelterRow(Base):
    __tablename__ = "shelters"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    operator: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(6), index=True)  # ISO 3166-2
    municipality: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    services: Mapped[list[Any]] = mapped_column()
    accessibility: Mapped[list[Any]] = mapped_column()
    contact: Mapped[str | None] = mapped_column(String(200))
    day_capacity: Mapped[int] = mapped_column(Integer)
    night_capacity: Mapped[int] = mapped_column(Integer)
    illustrative: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ShelterStaffRow(Base):
    """Who records occupancy for which shelter: staff act for their own shelters only."""

    __tablename__ = "shelter_staff"

    shelter_id: Mapped[str] = mapped_column(ForeignKey("shelters.id"), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OccupancyRow(Base):
    __tablename__ = "shelter_occupancy"
    __table_args__ = (
        UniqueConstraint("shelter_id", "day", "revision"),
        Index("ix_shelter_occupancy_day", "day"),
        CheckConstraint("present >= 0", name="ck_shelter_occupancy_present"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    shelter_id: Mapped[str] = mapped_column(ForeignKey("shelters.id"))
    day: Mapped[date] = mapped_column(Date)
    revision: Mapped[int] = mapped_column(Integer)  # 1, then 2 for the first correction...
    present: Mapped[int] = mapped_column(Integer)
    female_0_17: Mapped[int] = mapped_column(Integer)
    male_0_17: Mapped[int] = mapped_column(Integer)
    female_18_59: Mapped[int] = mapped_column(Integer)
    male_18_59: Mapped[int] = mapped_column(Integer)
    female_60_plus: Mapped[int] = mapped_column(Integer)
    male_60_plus: Mapped[int] = mapped_column(Integer)
    families: Mapped[int] = mapped_column(Integer)
    unaccompanied_children: Mapped[int] = mapped_column(Integer)
    arrivals: Mapped[int] = mapped_column(Integer)
    departures: Mapped[int] = mapped_column(Integer)
    waiting_appointment: Mapped[int] = mapped_column(Integer)
    waiting_parole: Mapped[int] = mapped_column(Integer)
    waiting_comar: Mapped[int] = mapped_column(Integer)
    waiting_work: Mapped[int] = mapped_column(Integer)
    free_places: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)  # the night capacity on the day
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(ID, ForeignKey("users.id"))  # None: imported
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
