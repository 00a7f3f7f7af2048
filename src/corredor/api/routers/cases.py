"""Corridor cases: registration, TVRH, parole application, vetting, decision, admission."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query

from corredor.api.security import platform_of, requires
from corredor.api.submit import IdempotencyKey, submit
from corredor.cases.domain.workflow import CaseState
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.services import corridor
from corredor.services.platform import Platform
from corredor.services.schemas import (
    AdmissionIn,
    CaseOut,
    CaseStatusOut,
    EventOut,
    HouseholdIn,
    MemberIn,
    ParoleApplicationIn,
    ParoleDecisionIn,
    ReasonIn,
    VettingOut,
)

router = APIRouter(prefix="/cases", tags=["cases"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
CaseId = Annotated[str, Path(min_length=1, max_length=36)]
P = Permission


def who(permission: Permission) -> Any:
    return Depends(requires(permission))


@router.get("", response_model=list[CaseStatusOut])
def list_cases(
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_LIST)],
    state: CaseState | None = None,
    document_number: Annotated[str | None, Query(min_length=1, max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CaseStatusOut]:
    """Cases without personal data; an applicant sees only their own."""
    with platform.db.transaction() as s:
        return corridor.list_cases(
            platform, s, user, state=state, document_number=document_number, limit=limit
        )


@router.post("", response_model=CaseOut, status_code=201)
def register_household(
    body: HouseholdIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_CREATE)],
) -> object:
    """Step 1: an INM officer at a designated border point registers a person or household."""
    return submit(
        platform,
        user,
        key,
        "case:create",
        body,
        lambda s: corridor.register_household(platform, s, user, body),
    )


@router.get("/{case_id}", response_model=CaseOut)
def get_case(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ)]
) -> CaseOut:
    """The case with its personal data (decrypted); every read is in the audit log."""
    with platform.db.transaction() as s:
        return corridor.get_case(platform, s, user, case_id)


@router.get("/{case_id}/status", response_model=CaseStatusOut)
def get_status(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ_STATUS)]
) -> CaseStatusOut:
    with platform.db.transaction() as s:
        return corridor.get_status(s, user, case_id)


@router.get("/{case_id}/timeline", response_model=list[EventOut])
def get_timeline(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ_STATUS)]
) -> list[EventOut]:
    with platform.db.transaction() as s:
        return corridor.timeline(s, user, case_id)


@router.post("/{case_id}/members", response_model=CaseOut, status_code=201)
def add_member(
    case_id: CaseId,
    body: MemberIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.HOUSEHOLD_UPDATE)],
) -> object:
    """A household moves together: add a member before the TVRH is issued."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:add_member",
        body,
        lambda s: corridor.add_member(platform, s, user, case_id, body),
    )


@router.post("/{case_id}/tvrh", response_model=CaseStatusOut, status_code=201)
def decide_tvrh(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.TVRH_ISSUE)],
) -> object:
    """The policy engine decides: 201 with the TVRH issued, or 200 with the refusal and why."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:tvrh",
        None,
        lambda s: corridor.decide_tvrh(platform, s, user, case_id),
    )


@router.post("/{case_id}/tvrh/renewal", response_model=CaseStatusOut, status_code=201)
def renew_tvrh(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.TVRH_RENEW)],
) -> object:
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:tvrh_renewal",
        None,
        lambda s: corridor.renew_tvrh(platform, s, user, case_id),
    )


@router.post("/{case_id}/tvrh/expiry", response_model=CaseStatusOut)
def expire_tvrh(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.TVRH_EXPIRE)],
) -> object:
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:tvrh_expiry",
        None,
        lambda s: corridor.expire_tvrh(platform, s, user, case_id),
    )


@router.post("/{case_id}/parole-application", response_model=CaseStatusOut, status_code=201)
def apply_parole(
    case_id: CaseId,
    body: ParoleApplicationIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PAROLE_APPLY)],
) -> object:
    """Step 3: the applicant (app, web) or a caseworker at the assisted site applies for parole."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:parole_application",
        body,
        lambda s: corridor.apply_parole(platform, s, user, case_id, body),
    )


@router.post("/{case_id}/vetting", response_model=VettingOut, status_code=201)
def run_vetting(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.VETTING_RUN)],
) -> object:
    """Step 4: screen the household; a hit sends the case to secondary review."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:vetting",
        None,
        lambda s: corridor.run_vetting(platform, s, user, case_id),
    )


@router.get("/{case_id}/vetting")
def vetting_detail(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.PAROLE_DECIDE)]
) -> dict[str, Any]:
    """For secondary review: what the screening matched (decrypted; the read is audited)."""
    with platform.db.transaction() as s:
        return corridor.vetting_detail(platform, s, user, case_id)


@router.post("/{case_id}/parole-decision", response_model=CaseStatusOut, status_code=201)
def decide_parole(
    case_id: CaseId,
    body: ParoleDecisionIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PAROLE_DECIDE)],
) -> object:
    """Step 4-5: grant advance parole with the travel mode, or deny with a reason."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:parole_decision",
        body,
        lambda s: corridor.decide_parole(platform, s, user, case_id, body),
    )


@router.post("/{case_id}/admission", response_model=CaseStatusOut, status_code=201)
def record_admission(
    case_id: CaseId,
    body: AdmissionIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.ADMISSION_RECORD)],
) -> object:
    """Steps 5-6: paroled in at arrival; the parole activates work authorization."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:admission",
        body,
        lambda s: corridor.record_admission(platform, s, user, case_id, body),
    )


@router.post("/{case_id}/withdrawal", response_model=CaseStatusOut)
def withdraw(
    case_id: CaseId,
    body: ReasonIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_WITHDRAW)],
) -> object:
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:withdrawal",
        body,
        lambda s: corridor.withdraw(platform, s, user, case_id, body),
    )
