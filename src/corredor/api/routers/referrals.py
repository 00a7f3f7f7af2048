"""Generic cases for every other pathway: referral in, decision out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from corredor.api.security import platform_of, requires
from corredor.api.submit import IdempotencyKey, submit
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.services import referrals
from corredor.services.platform import Platform
from corredor.services.schemas import CaseStatusOut, ReferralDecisionIn, ReferralIn

router = APIRouter(tags=["referrals"])
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.post("/referrals", response_model=CaseStatusOut, status_code=201)
def create_referral(
    body: ReferralIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, Depends(requires(Permission.REFERRAL_CREATE))],
) -> object:
    """A UNHCR/IOM/NGO caseworker refers a person to a pathway (e.g. us-cam, us-chnv-parole)."""
    return submit(
        platform,
        user,
        key,
        "referral:create",
        body,
        lambda s: referrals.create_referral(platform, s, user, body),
    )


@router.post("/cases/{case_id}/referral-decision", response_model=CaseStatusOut)
def decide_referral(
    case_id: Annotated[str, Path(min_length=1, max_length=36)],
    body: ReferralDecisionIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, Depends(requires(Permission.REFERRAL_DECIDE))],
) -> object:
    """The pathway's authority decides; approval needs the policy to find the person eligible."""
    return submit(
        platform,
        user,
        key,
        f"case:{case_id}:referral_decision",
        body,
        lambda s: referrals.decide_referral(platform, s, user, case_id, body),
    )
