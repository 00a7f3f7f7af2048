"""What a shelter is: the fields of established registries (Sahana Eden's shelter module) and
the zone of the route it lies in, read from its ISO 3166-2 region."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field


class Operator(StrEnum):
    CHURCH = "church"
    NGO = "ngo"
    MUNICIPALITY = "municipality"
    STATE = "state"


class Service(StrEnum):
    BEDS = "beds"
    MEALS = "meals"
    INTERNET = "internet"
    LEGAL_AID = "legal_aid"
    MEDICAL = "medical"
    CHILD_FRIENDLY_SPACE = "child_friendly_space"


class Access(StrEnum):
    STEP_FREE = "step_free"
    ACCESSIBLE_TOILET = "accessible_toilet"
    GROUND_FLOOR_BEDS = "ground_floor_beds"


class Zone(StrEnum):
    """Where along the route: seed 000's outcome is fewer people waiting in the north and the
    south, so the portal counts these three apart."""

    NORTH = "north"
    SOUTH = "south"
    MEXICO_CITY = "mexico_city"
    CENTRE = "centre"


# ISO 3166-2 codes of Mexico's border states; every other state is the centre of the route.
NORTHERN_BORDER: Final = frozenset({"MX-BCN", "MX-SON", "MX-CHH", "MX-COA", "MX-NLE", "MX-TAM"})
SOUTHERN_BORDER: Final = frozenset({"MX-CHP", "MX-TAB", "MX-CAM", "MX-ROO", "MX-OAX"})
MEXICO_CITY: Final = "MX-CMX"
REGION_CODE: Final = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"


def zone_of(region: str) -> Zone:
    if region == MEXICO_CITY:
        return Zone.MEXICO_CITY
    if region in NORTHERN_BORDER:
        return Zone.NORTH
    if region in SOUTHERN_BORDER:
        return Zone.SOUTH
    return Zone.CENTRE


class Shelter(BaseModel):
    """One shelter as the registry holds it."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(pattern=r"^[a-z0-9-]{3,80}$")
    name: str = Field(min_length=1, max_length=200)
    operator: Operator
    region: str = Field(pattern=REGION_CODE, description="ISO 3166-2, e.g. MX-CHP")
    municipality: str = Field(min_length=1, max_length=120)
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    services: frozenset[Service]
    accessibility: frozenset[Access]
    contact: str | None = Field(default=None, max_length=200)
    day_capacity: int = Field(ge=0)
    night_capacity: int = Field(ge=0, description="Beds: the capacity occupancy is judged by")
    illustrative: bool = Field(description="True where the record is made up, not sourced")

    @property
    def zone(self) -> Zone:
        return zone_of(self.region)
