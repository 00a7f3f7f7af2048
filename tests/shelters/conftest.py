"""Shelters on both backends: the platform fixtures of tests/platform, and a fresh shelter per
test, so that no two tests share a shelter's history."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from corredor.kernel.domain.permissions import Role
from corredor.platform import Platform
from corredor.shelters import use_cases
from corredor.shelters.domain.registry import Access, Operator, Service, Shelter
from tests.platform.conftest import Api, api, database_url, databases, session_platform

__all__ = ["api", "database_url", "databases", "session_platform"]
TODAY = date(2026, 11, 20)


def new_shelter(platform: Platform, beds: int = 40, region: str = "MX-CHP") -> str:
    shelter_id = f"test-{uuid.uuid4().hex[:12]}"
    use_cases.seed_registry(
        platform,
        (
            Shelter(
                id=shelter_id,
                name=f"Albergue de prueba {shelter_id}",
                operator=Operator.CHURCH,
                region=region,
                municipality="Tapachula",
                latitude=14.9,
                longitude=-92.26,
                services=frozenset({Service.BEDS, Service.MEALS}),
                accessibility=frozenset({Access.STEP_FREE}),
                contact="prueba@albergues.example",
                day_capacity=beds,
                night_capacity=beds,
                illustrative=True,
            ),
        ),
    )
    return shelter_id


@dataclass
class Staffed:
    api: Api
    shelter: str
    name: str

    def post(self, body: dict[str, Any], key: str | None = None, shelter: str = "") -> Any:
        path = f"/shelters/{shelter or self.shelter}/occupancy"
        return self.api.post(path, self.name, Role.SHELTER_STAFF, body, key=key)

    def history(self, shelter: str = "") -> Any:
        path = f"/shelters/{shelter or self.shelter}/occupancy"
        return self.api.get(path, self.name, Role.SHELTER_STAFF)


def staffed(api: Api, beds: int = 40) -> Staffed:
    """A new shelter, and a shelter-staff account that records for it; today is pinned."""
    api.platform.today = lambda: TODAY
    shelter = new_shelter(api.platform, beds)
    name = f"staff-{uuid.uuid4().hex[:6]}"
    use_cases.assign_staff(api.platform, shelter, api.user(name, Role.SHELTER_STAFF)["username"])
    return Staffed(api, shelter, name)


def report(**changes: int | str | None) -> dict[str, Any]:
    """12 people: 3 girls, 2 boys, 4 women, 3 men; 3 families, 1 unaccompanied child."""
    body: dict[str, Any] = {
        "present": 12,
        "female_0_17": 3,
        "male_0_17": 2,
        "female_18_59": 4,
        "male_18_59": 3,
        "female_60_plus": 0,
        "male_60_plus": 0,
        "families": 3,
        "unaccompanied_children": 1,
        "arrivals": 4,
        "departures": 2,
        "waiting_appointment": 5,
        "waiting_parole": 2,
        "waiting_comar": 1,
        "waiting_work": 0,
    }
    body.update(changes)
    return body
