"""Possible duplicates of a registered person, and the officer's decision on each; the holder's
photo taken at the INM desk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import Response

from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import platform_of, requires
from corredor.identity import use_cases
from corredor.identity.domain.portrait import MAX_BYTES
from corredor.identity.schemas import (
    DuplicateDecisionIn,
    DuplicateDecisionOut,
    PhotoOut,
    PossibleDuplicateOut,
)
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import InvalidInput
from corredor.platform import Platform

router = APIRouter(tags=["persons"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
PersonId = Annotated[str, Path(min_length=1, max_length=36)]
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
Position = Annotated[int, Path(ge=0, le=99, description="the person's place in the household")]
PHOTO_PATH = "/cases/{case_id}/persons/{position}/photo"
NO_STORE = {"Cache-Control": "no-store"}
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


@router.put(PHOTO_PATH, response_model=PhotoOut, tags=["photos"])
async def capture_photo(
    *,
    case_id: CaseId,
    position: Position,
    photo: Annotated[UploadFile, File(description="JPEG, PNG or WebP; at most 5 MB, 240x300 px")],
    consent: Annotated[bool, Form(description="the person agreed to their photo being kept")],
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PERSON_PHOTO_CAPTURE)],
) -> PhotoOut:
    """Keep the holder's photo taken at the INM desk, with their consent (`consent=true`): it
    is checked (type read from the bytes, size, pixels), turned upright, stripped of every
    metadata, and kept sealed in two sizes: the printed photo (300x375 JPEG) and a small
    greyscale copy for the card's code (48x60 WebP, at most 400 bytes). Taking it again
    replaces it. Audited."""
    data = await photo.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput("photo", "too large: at most 5 MB")
    return use_cases.capture_photo(platform, user, case_id, position, data=data, consent=consent)


@router.get(
    PHOTO_PATH,
    response_class=Response,
    tags=["photos"],
    responses={200: {"content": {"image/jpeg": {}}, "description": "the printed photo"}},
)
def read_photo(
    case_id: CaseId,
    position: Position,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PERSON_PHOTO_READ)],
) -> Response:
    """The holder's printed photo (JPEG), for staff who may read the case and for the
    applicant whose case it is. Never cached. Audited."""
    printed = use_cases.photo_of(platform, user, case_id, position)
    return Response(printed, media_type="image/jpeg", headers=NO_STORE)
