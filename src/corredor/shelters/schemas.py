"""What the shelter endpoints take and answer."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from corredor.shelters.domain.occupancy import Occupancy
from corredor.shelters.domain.registry import Access, Operator, Service, Zone


class ShelterOut(BaseModel):
    """A shelter as anyone may see it: where it is, what it offers, and its free places."""

    id: str
    name: str
    operator: Operator
    region: str = Field(description="ISO 3166-2 code of the state, e.g. MX-CHP")
    municipality: str
    zone: Zone
    latitude: float
    longitude: float
    services: list[Service]
    accessibility: list[Access]
    contact: str | None
    day_capacity: int
    night_capacity: int
    free_places: int | None = Field(description="From the latest report; null if none yet")
    reported_on: date | None = Field(description="The day of the latest report")
    illustrative: bool = Field(description="True where the record is made up, not sourced")


class OccupancyIn(Occupancy):
    """One day's counts at one shelter; the day defaults to the platform's today."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    day: date | None = None


class OccupancyOut(Occupancy):
    shelter_id: str
    day: date
    revision: int = Field(description="1 for the first report of the day, 2 for a correction...")
    free_places: int
    capacity: int
    over_capacity: bool
    recorded_by: str | None = Field(description="The account that recorded it; null if imported")
    recorded_at: datetime
