"""Shelters: the public registry with each shelter's free places, and the daily occupancy its
own staff record and read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import PUBLIC, platform_of, requires
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform
from corredor.shelters import use_cases
from corredor.shelters.schemas import OccupancyIn, OccupancyOut, ShelterOut

router = APIRouter(tags=["shelters"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
ShelterId = Annotated[str, Path(min_length=1, max_length=80)]
P = Permission


def who(permission: Permission) -> Any:
    return Depends(requires(permission))


@router.get("/shelters", response_model=list[ShelterOut], dependencies=[Depends(PUBLIC)])
def list_shelters(platform: PlatformDep) -> list[ShelterOut]:
    """Every shelter with its place (ISO 3166-2 region), services, contact and free places from
    its latest report. No sign-in: people need to know where there is room."""
    return use_cases.list_shelters(platform)


@router.get("/shelters/{shelter_id}/occupancy", response_model=list[OccupancyOut])
def occupancy_history(
    shelter_id: ShelterId,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.SHELTER_OCCUPANCY_READ)],
    days: Annotated[int, Query(ge=1, le=366)] = use_cases.HISTORY_DAYS,
) -> list[OccupancyOut]:
    """Every report of the last days at a shelter you staff, corrections included, newest first."""
    return use_cases.occupancy_history(platform, user, shelter_id, days)


@router.post("/shelters/{shelter_id}/occupancy", response_model=OccupancyOut)
def record_occupancy(
    shelter_id: ShelterId,
    body: OccupancyIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.SHELTER_OCCUPANCY_RECORD)],
) -> OccupancyOut:
    """Record a day's occupancy at a shelter you staff (audited). The breakdown by sex and age
    band must add up to `present`; above capacity, a `note` must say why. A second report of a
    day is a correction, kept with the first."""
    return run_command(
        platform, user, key, use_cases.record_occupancy(platform, user, shelter_id, body)
    )
