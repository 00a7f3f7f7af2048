"""What the policy engine decides on a case, inside the caller's unit of work: the policy in
effect, the facts it reads (built from the case and its decrypted people), and each decision
stored citing the policy id, version and clauses."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.orm import Session

from corredor.cases.domain.corridor import TVRH_POLICY, citation, ground_fact
from corredor.cases.records import decrypt_person, persons_of
from corredor.cases.tables import Case
from corredor.cases.tables import Decision as DecisionRow
from corredor.kernel.auth import Principal
from corredor.kernel.errors import InvalidInput
from corredor.platform import Platform, new_id, now
from corredor.screening.domain.facts import HouseholdMember
from corredor.screening.domain.policy import Policy
from corredor.screening.domain.rules import Decision


def policy_in_effect(p: Platform, pathway: str, field: str) -> Policy:
    """The pathway's policy in effect today; otherwise the input `field` is refused."""
    policy = p.catalogue.in_effect(pathway, p.today())
    if policy is None:
        raise InvalidInput(field, f"the pathway {pathway} is not in effect on {p.today()}")
    return policy


def grant_number(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


def case_facts(
    p: Platform, s: Session, case: Case, criminal_history: bool | None = None
) -> dict[str, Any]:
    """The facts the policy engine reads, built from the case and its decrypted people."""
    people = [decrypt_person(p, person) for person in persons_of(s, case.id)]
    principal, members = people[0], people[1:]
    facts: dict[str, Any] = {
        "nationality": principal.nationality,
        "birth_date": principal.birth_date,
        "current_country": case.facts.get("current_country"),
        "current_region": case.facts.get("current_region"),
        "documents": list(case.facts.get("documents", [])),
        "household": [
            HouseholdMember(relation=m.relation, birth_date=m.birth_date) for m in members
        ],
    }
    ground = case.facts.get("ground")
    if ground:
        facts[ground_fact(policy_in_effect(p, TVRH_POLICY, "ground"), ground)] = True
    if criminal_history is not None:
        facts["criminal_history"] = criminal_history
    return facts


def record(
    s: Session, case: Case, subject: str, decision: Decision, who: Principal, *, note: str | None
) -> DecisionRow:
    cited = citation(decision)
    row = DecisionRow(
        id=new_id(),
        case_id=case.id,
        subject=subject,
        outcome=cited["outcome"],
        policy_id=cited["policy_id"],
        policy_version=cited["policy_version"],
        clauses=cited["clauses"],
        reasons=cited["reasons"],
        note=note,
        decided_by=who.user_id,
        decided_at=now(),
    )
    s.add(row)
    return row
