"""The audit log, for auditors: read it, and verify its hash chain."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from corredor.api.security import platform_of, requires
from corredor.audit_trail import use_cases
from corredor.audit_trail.schemas import AuditEntryOut, CheckpointsOut, VerificationOut
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform

router = APIRouter(prefix="/audit", tags=["audit"])
PlatformDep = Annotated[Platform, Depends(platform_of)]


@router.get("", response_model=list[AuditEntryOut])
def entries(
    platform: PlatformDep,
    user: Annotated[Principal, Depends(requires(Permission.AUDIT_READ))],
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditEntryOut]:
    return use_cases.audit_entries(platform, user, after, limit)


@router.get("/verification", response_model=VerificationOut)
def verification(
    platform: PlatformDep, user: Annotated[Principal, Depends(requires(Permission.AUDIT_VERIFY))]
) -> VerificationOut:
    return use_cases.verify_audit(platform, user)


@router.get("/checkpoints", response_model=CheckpointsOut)
def checkpoints(
    platform: PlatformDep, user: Annotated[Principal, Depends(requires(Permission.AUDIT_VERIFY))]
) -> CheckpointsOut:
    """The signed checkpoints kept outside the database, and the key that checks them."""
    return use_cases.checkpoints(platform, user)
