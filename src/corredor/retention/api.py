"""The administrators' erasure of a person (irreversible: their data key is destroyed)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from corredor.api.security import platform_of, requires
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform
from corredor.retention import use_cases
from corredor.retention.schemas import ErasureIn, ErasureOut

router = APIRouter(prefix="/admin", tags=["retention"])
PersonId = Annotated[str, Path(min_length=1, max_length=36)]
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.post("/persons/{person_id}/erasure", response_model=ErasureOut)
def erase_person(
    person_id: PersonId,
    body: ErasureIn,
    who: Annotated[Principal, Depends(requires(Permission.PERSON_ERASE))],
    platform: PlatformDep,
) -> ErasureOut:
    """Erase one person: their data can never be read again, anywhere (rows, stored replies,
    backups); their documents are revoked; the audit chain records it. A second call is 409."""
    return use_cases.erase_person(platform, who, person_id, body.reason)
