"""Occupancy totals for the public portal, as SQL aggregates inside the caller's unit of work
(the portal's): a day's count at a shelter is its latest revision, summed by day and state.
No report is read one by one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.shelters.domain.occupancy import BREAKDOWN, WAITING
from corredor.shelters.tables import OccupancyRow, ShelterRow


@dataclass(frozen=True)
class DailyTotal:
    day: date
    region: str  # ISO 3166-2
    present: int
    waiting: int
    # people present by sex and age band (occupancy.BREAKDOWN): female_0_17... male_60_plus
    breakdown: dict[str, int] = field(default_factory=dict)


def daily_totals(session: Session, first: date, last: date) -> list[DailyTotal]:
    """People present and waiting in shelters, per day and state, from `first` to `last`."""
    latest = (
        select(
            OccupancyRow.shelter_id,
            OccupancyRow.day,
            func.max(OccupancyRow.revision).label("revision"),
        )
        .where(OccupancyRow.day >= first, OccupancyRow.day <= last)
        .group_by(OccupancyRow.shelter_id, OccupancyRow.day)
        .subquery()
    )
    waiting = sum(
        (getattr(OccupancyRow, field) for field in WAITING[1:]), OccupancyRow.waiting_appointment
    )
    rows = session.execute(
        select(
            OccupancyRow.day,
            ShelterRow.region,
            func.sum(OccupancyRow.present),
            func.sum(waiting),
            *(func.sum(getattr(OccupancyRow, cell)) for cell in BREAKDOWN),
        )
        .join(
            latest,
            (latest.c.shelter_id == OccupancyRow.shelter_id)
            & (latest.c.day == OccupancyRow.day)
            & (latest.c.revision == OccupancyRow.revision),
        )
        .join(ShelterRow, ShelterRow.id == OccupancyRow.shelter_id)
        .group_by(OccupancyRow.day, ShelterRow.region)
    )
    return [
        DailyTotal(
            day=day,
            region=region,
            present=int(present or 0),
            waiting=int(wait or 0),
            breakdown={cell: int(n or 0) for cell, n in zip(BREAKDOWN, cells, strict=True)},
        )
        for day, region, present, wait, *cells in rows
    ]


def regions(session: Session) -> list[str]:
    """The states that have a shelter in the registry."""
    return sorted(session.execute(select(ShelterRow.region).distinct()).scalars())
