"""Reference data: the places (INM border points, assisted sites, ports of entry), the TVRH's
legal grounds in force, and the case workflow itself."""

from __future__ import annotations

from corredor.cases.domain.corridor import TVRH_POLICY, grounds
from corredor.cases.domain.workflow import TRANSITIONS
from corredor.cases.reference import Reference
from corredor.cases.schemas import GroundsOut, TransitionOut
from corredor.platform import Platform


def places(p: Platform) -> Reference:
    return p.reference


def grounds_in_force(p: Platform) -> GroundsOut:
    policy = p.catalogue.in_effect(TVRH_POLICY, p.today())
    if policy is None:
        return GroundsOut(policy_id=TVRH_POLICY, policy_version=None, grounds=[])
    return GroundsOut(
        policy_id=policy.id, policy_version=policy.version, grounds=sorted(grounds(policy))
    )


def workflow() -> list[TransitionOut]:
    return [
        TransitionOut(
            kind=t.kind,
            action=t.action,
            sources=sorted(t.sources),
            to=t.target,
            permission=t.permission,
            guards=[g.description for g in t.guards],
            events=list(t.events),
        )
        for t in TRANSITIONS
    ]
