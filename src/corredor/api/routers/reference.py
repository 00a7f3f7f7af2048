"""Reference data: INM border points, the assisted site, ports of entry; the workflow itself."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from corredor.api.security import platform_of, requires
from corredor.cases.domain.corridor import TVRH_POLICY, grounds
from corredor.cases.domain.workflow import TRANSITIONS
from corredor.cases.reference import Reference
from corredor.kernel.domain.permissions import Permission
from corredor.services.platform import Platform

router = APIRouter(prefix="/reference", tags=["reference"])
Reader = Depends(requires(Permission.REFERENCE_READ))


@router.get("/sites", response_model=Reference, dependencies=[Reader])
def sites(platform: Annotated[Platform, Depends(platform_of)]) -> Reference:
    return platform.reference


@router.get("/grounds", dependencies=[Reader])
def tvrh_grounds(platform: Annotated[Platform, Depends(platform_of)]) -> dict[str, Any]:
    """The legal grounds an INM officer may record: clause ids of the TVRH policy in effect."""
    policy = platform.catalogue.in_effect(TVRH_POLICY, platform.today())
    if policy is None:
        return {"policy_id": TVRH_POLICY, "policy_version": None, "grounds": []}
    return {
        "policy_id": policy.id,
        "policy_version": policy.version,
        "grounds": sorted(grounds(policy)),
    }


@router.get("/workflow", dependencies=[Reader])
def workflow() -> list[dict[str, Any]]:
    """The case state machine: each transition, who may perform it, and what it emits."""
    return [
        {
            "kind": t.kind,
            "action": t.action,
            "from": sorted(t.sources),
            "to": t.target,
            "permission": t.permission,
            "guards": [g.description for g in t.guards],
            "events": list(t.events),
        }
        for t in TRANSITIONS
    ]
