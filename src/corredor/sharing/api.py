"""Consents and disclosures: what INM shares with CBP, with the person's consent."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path

from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import platform_of, requires
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform
from corredor.sharing import use_cases
from corredor.sharing.schemas import (
    ConsentIn,
    ConsentOut,
    ConsentRevokeIn,
    DisclosedDataOut,
    DisclosureIn,
    DisclosureOut,
)

router = APIRouter(tags=["consent and disclosure"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
Id = Annotated[str, Path(min_length=1, max_length=36)]
P = Permission


def who(permission: Permission) -> Any:
    return Depends(requires(permission))


@router.get("/cases/{case_id}/consents", response_model=list[ConsentOut])
def list_consents(
    case_id: Id, platform: PlatformDep, user: Annotated[Principal, who(P.CONSENT_RECORD)]
) -> list[ConsentOut]:
    return use_cases.list_consents(platform, user, case_id)


@router.post("/cases/{case_id}/consents", response_model=ConsentOut, status_code=201)
def record_consent(
    case_id: Id,
    body: ConsentIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CONSENT_RECORD)],
) -> ConsentOut:
    """Record the person's consent to share named fields with a recipient for a purpose."""
    return run_command(platform, user, key, use_cases.record_consent(platform, user, case_id, body))


@router.post("/consents/{consent_id}/revocation", response_model=ConsentOut)
def revoke_consent(
    consent_id: Id,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CONSENT_REVOKE)],
    body: Annotated[ConsentRevokeIn | None, Body()] = None,
) -> ConsentOut:
    """Revoking consent ends every disclosure resting on it: no further reads. A caseworker
    sends `on_instruction_of_person: true` and a `reason` (422 naming the field otherwise)."""
    command = use_cases.revoke_consent(platform, user, consent_id, body)
    return run_command(platform, user, key, command)


@router.post("/cases/{case_id}/disclosures", response_model=DisclosureOut, status_code=201)
def create_disclosure(
    case_id: Id,
    body: DisclosureIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DISCLOSURE_CREATE)],
) -> DisclosureOut:
    """Step 2: INM discloses to CBP the consented fields CBP needs for parole."""
    return run_command(
        platform, user, key, use_cases.create_disclosure(platform, user, case_id, body)
    )


@router.get("/disclosures/{disclosure_id}/data", response_model=DisclosedDataOut)
def read_disclosed(
    disclosure_id: Id, platform: PlatformDep, user: Annotated[Principal, who(P.DISCLOSURE_READ)]
) -> DisclosedDataOut:
    """The disclosed fields and nothing else; audited; refused once consent is revoked."""
    return use_cases.read_disclosed(platform, user, disclosure_id)


@router.post("/disclosures/{disclosure_id}/revocation", response_model=DisclosureOut)
def revoke_disclosure(
    disclosure_id: Id,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DISCLOSURE_REVOKE)],
) -> DisclosureOut:
    return run_command(
        platform, user, key, use_cases.revoke_disclosure(platform, user, disclosure_id)
    )
