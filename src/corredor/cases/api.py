"""Cases: the corridor (registration, TVRH, parole application, vetting, decision, admission,
withdrawal), referrals to every other pathway, and the reference data they rest on."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Response

from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import platform_of, requires
from corredor.cases.domain.workflow import CaseState
from corredor.cases.reference import Reference
from corredor.cases.schemas import (
    AdmissionIn,
    AssignmentEndIn,
    AssignmentIn,
    AssignmentOut,
    CaseOut,
    CaseSearchIn,
    CaseStatusOut,
    EventOut,
    GroundsOut,
    HouseholdIn,
    MemberIn,
    ParoleApplicationIn,
    ParoleDecisionIn,
    ReasonIn,
    ReferralDecisionIn,
    ReferralIn,
    TransitionOut,
    VettingDetailOut,
    VettingOut,
)
from corredor.cases.use_cases import (
    assignments,
    parole,
    reading,
    reference,
    referrals,
    registration,
    tvrh,
)
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform

router = APIRouter(prefix="/cases", tags=["cases"])
referral_router = APIRouter(tags=["referrals"])
reference_router = APIRouter(prefix="/reference", tags=["reference"])
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
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[CaseStatusOut]:
    """Cases without personal data; an applicant sees only their own. To find a person's case
    by document number, POST to /cases/search (a number never goes in a URL)."""
    return reading.list_cases(platform, user, state=state, limit=limit)


@router.post("/search", response_model=list[CaseStatusOut])
def search_cases(
    body: CaseSearchIn, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_LIST)]
) -> list[CaseStatusOut]:
    """The cases holding a person with this document number (found by keyed hash; the search
    is audited). Cases without personal data."""
    return reading.list_cases(
        platform, user, document_number=body.document_number, limit=body.limit
    )


@router.post("", response_model=CaseOut, status_code=201)
def register_household(
    body: HouseholdIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_CREATE)],
) -> CaseOut:
    """Step 1: an INM officer at a designated border point registers a person or household."""
    return run_command(platform, user, key, registration.register_household(platform, user, body))


@router.get("/{case_id}", response_model=CaseOut)
def get_case(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ)]
) -> CaseOut:
    """The case with its personal data (decrypted); every read is in the audit log."""
    return reading.get_case(platform, user, case_id)


@router.get("/{case_id}/status", response_model=CaseStatusOut)
def get_status(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ_STATUS)]
) -> CaseStatusOut:
    return reading.get_status(platform, user, case_id)


@router.get("/{case_id}/timeline", response_model=list[EventOut])
def get_timeline(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ_STATUS)]
) -> list[EventOut]:
    return reading.timeline(platform, user, case_id)


@router.post("/{case_id}/members", response_model=CaseOut, status_code=201)
def add_member(
    case_id: CaseId,
    body: MemberIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.HOUSEHOLD_UPDATE)],
) -> CaseOut:
    """A household moves together: add a member before the TVRH is issued."""
    return run_command(platform, user, key, registration.add_member(platform, user, case_id, body))


@router.post("/{case_id}/tvrh", response_model=CaseStatusOut, status_code=201)
def decide_tvrh(
    case_id: CaseId,
    key: IdempotencyKey,
    response: Response,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.TVRH_ISSUE)],
) -> CaseStatusOut:
    """The policy engine decides: 201 with the TVRH issued, or 200 with the refusal and why."""
    status = run_command(platform, user, key, tvrh.decide_tvrh(platform, user, case_id))
    if tvrh.refused(status):
        response.status_code = 200
    return status


@router.post("/{case_id}/tvrh/renewal", response_model=CaseStatusOut, status_code=201)
def renew_tvrh(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.TVRH_RENEW)],
) -> CaseStatusOut:
    return run_command(platform, user, key, tvrh.renew_tvrh(platform, user, case_id))


@router.post("/{case_id}/tvrh/expiry", response_model=CaseStatusOut)
def expire_tvrh(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.TVRH_EXPIRE)],
) -> CaseStatusOut:
    return run_command(platform, user, key, tvrh.expire_tvrh(platform, user, case_id))


@router.post("/{case_id}/parole-application", response_model=CaseStatusOut, status_code=201)
def apply_parole(
    case_id: CaseId,
    body: ParoleApplicationIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PAROLE_APPLY)],
) -> CaseStatusOut:
    """Step 3: the applicant (app, web) or a caseworker at the assisted site applies for parole."""
    return run_command(platform, user, key, parole.apply_parole(platform, user, case_id, body))


@router.post("/{case_id}/vetting", response_model=VettingOut, status_code=201)
def run_vetting(
    case_id: CaseId,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.VETTING_RUN)],
) -> VettingOut:
    """Step 4: screen the household; a hit sends the case to secondary review."""
    return run_command(platform, user, key, parole.run_vetting(platform, user, case_id))


@router.get("/{case_id}/vetting")
def vetting_detail(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.PAROLE_DECIDE)]
) -> VettingDetailOut:
    """For secondary review: what the screening matched (decrypted; the read is audited)."""
    return parole.vetting_detail(platform, user, case_id)


@router.post("/{case_id}/parole-decision", response_model=CaseStatusOut, status_code=201)
def decide_parole(
    case_id: CaseId,
    body: ParoleDecisionIn,
    key: IdempotencyKey,
    *,
    response: Response,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.PAROLE_DECIDE)],
) -> CaseStatusOut:
    """Step 4-5: grant advance parole with the travel mode, or deny with a reason."""
    status = run_command(platform, user, key, parole.decide_parole(platform, user, case_id, body))
    if body.decision == "deny":
        response.status_code = 200
    return status


@router.post("/{case_id}/admission", response_model=CaseStatusOut, status_code=201)
def record_admission(
    case_id: CaseId,
    body: AdmissionIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.ADMISSION_RECORD)],
) -> CaseStatusOut:
    """Steps 5-6: paroled in at arrival; the parole activates work authorization."""
    return run_command(platform, user, key, parole.record_admission(platform, user, case_id, body))


@router.post("/{case_id}/withdrawal", response_model=CaseStatusOut)
def withdraw(
    case_id: CaseId,
    body: ReasonIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_WITHDRAW)],
) -> CaseStatusOut:
    return run_command(platform, user, key, parole.withdraw(platform, user, case_id, body))


# ---- who among the caseworkers may act on a case ----

AssignmentId = Annotated[str, Path(min_length=1, max_length=36)]


@router.get("/{case_id}/assignments", response_model=list[AssignmentOut])
def list_assignments(
    case_id: CaseId, platform: PlatformDep, user: Annotated[Principal, who(P.CASE_READ_STATUS)]
) -> list[AssignmentOut]:
    """The case's assignments to caseworkers, in force and ended (the history is kept)."""
    return assignments.assignments(platform, user, case_id)


@router.post("/{case_id}/assignments", response_model=AssignmentOut, status_code=201)
def assign_case(
    case_id: CaseId,
    body: AssignmentIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_ASSIGN)],
) -> AssignmentOut:
    """Give the case to a caseworker, or to an agency's caseworkers at an assisted site: by the
    person for their own case, or by an INM officer. Only then may a caseworker act on it."""
    return run_command(platform, user, key, assignments.assign_case(platform, user, case_id, body))


@router.post("/{case_id}/assignments/{assignment_id}/end", response_model=AssignmentOut)
def end_assignment(
    case_id: CaseId,
    assignment_id: AssignmentId,
    body: AssignmentEndIn,
    key: IdempotencyKey,
    *,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.CASE_ASSIGN)],
) -> AssignmentOut:
    """End an assignment (kept as history, with who ended it and why)."""
    return run_command(
        platform,
        user,
        key,
        assignments.end_assignment(platform, user, case_id, assignment_id, body),
    )


# ---- referrals: generic cases for every other pathway ----


@referral_router.post("/referrals", response_model=CaseStatusOut, status_code=201)
def create_referral(
    body: ReferralIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.REFERRAL_CREATE)],
) -> CaseStatusOut:
    """A UNHCR/IOM/NGO caseworker refers a person to a pathway (e.g. us-cam, us-chnv-parole)."""
    return run_command(platform, user, key, referrals.create_referral(platform, user, body))


@referral_router.post("/cases/{case_id}/referral-decision", response_model=CaseStatusOut)
def decide_referral(
    case_id: CaseId,
    body: ReferralDecisionIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.REFERRAL_DECIDE)],
) -> CaseStatusOut:
    """The pathway's authority decides; approval needs the policy to find the person eligible."""
    return run_command(
        platform, user, key, referrals.decide_referral(platform, user, case_id, body)
    )


# ---- reference data: the places, the legal grounds, the workflow ----

Reader = Depends(requires(Permission.REFERENCE_READ))


@reference_router.get("/sites", response_model=Reference, dependencies=[Reader])
def sites(platform: PlatformDep) -> Reference:
    return reference.places(platform)


@reference_router.get("/grounds", dependencies=[Reader])
def tvrh_grounds(platform: PlatformDep) -> GroundsOut:
    """The legal grounds an INM officer may record: clause ids of the TVRH policy in effect."""
    return reference.grounds_in_force(platform)


@reference_router.get("/workflow", dependencies=[Reader])
def workflow() -> list[TransitionOut]:
    """The case state machine: each transition, who may perform it, and what it emits."""
    return reference.workflow()
