"""Possible duplicates of a registered person, and the officer's decision on each."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import platform_of, requires
from corredor.identity import use_cases
from corredor.identity.schemas import (
    DuplicateDecisionIn,
    DuplicateDecisionOut,
    PossibleDuplicateOut,
)
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform

router = APIRouter(tags=["persons"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
PersonId = Annotated[str, Path(min_length=1, max_length=36)]
P = Permission


def who(permission: Permission) -> Any:
    return Depends(requires(permission))


@router.get("/persons/{person_id}/possible-duplicates", response_model=list[PossibleDuplicateOut])
def possible_duplicates(
    person_id: PersonId,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PERSON_MATCH_READ)],
) -> list[PossibleDuplicateOut]:
    """Persons of other cases who may be this one: score (0 to 1) and the reasons, strongest
    first. Decided pairs of two different people are not shown again. Audited."""
    return use_cases.possible_duplicates_of(platform, user, person_id)


@router.post(
    "/persons/{person_id}/duplicate-decisions",
    response_model=DuplicateDecisionOut,
    status_code=201,
)
def decide_duplicate(
    person_id: PersonId,
    body: DuplicateDecisionIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PERSON_MATCH_DECIDE)],
) -> DuplicateDecisionOut:
    """Decide on a possible duplicate: `same` (one person: no second TVRH while the first card
    is valid), `different` (two people: not proposed again) or `review` (no TVRH until decided).
    Audited and shown on both cases' timelines."""
    return run_command(
        platform, user, key, use_cases.decide_duplicate(platform, user, person_id, body)
    )
