"""Every other pathway as a generic case driven by its policy file: referral in, decision out.

A caseworker refers a person with their facts; an officer of the pathway's authority decides.
The policy file says who the authority is, so a new pathway needs a file, not code.
"""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from corredor.cases.domain.corridor import CORRIDOR_POLICY, citation, is_eligible
from corredor.cases.domain.workflow import INITIAL_STATE, Action, CaseKind, GuardContext
from corredor.cases.records import (
    advance,
    encrypt_person,
    open_sealed,
    seal_for,
    status_out,
    visible_case,
)
from corredor.cases.schemas import CaseStatusOut, ReferralDecisionIn, ReferralIn
from corredor.cases.tables import Case, CaseEvent
from corredor.cases.tables import Decision as DecisionRow
from corredor.cases.use_cases.assignments import assign_registering_caseworker
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Forbidden, InvalidInput
from corredor.platform import Platform, actor, new_id, now
from corredor.screening.domain.facts import Profile
from corredor.screening.domain.policy import Authority, Policy
from corredor.screening.domain.rules import evaluate

# Which officers decide for which authority. Mexican authorities -> INM; US ones -> CBP (the
# platform's US-side officers stand in for USCIS and State until those agencies join).
DECIDERS: dict[Authority, Role] = {
    Authority.INM: Role.INM_OFFICER,
    Authority.COMAR: Role.INM_OFFICER,
    Authority.DHS_CBP: Role.CBP_OFFICER,
    Authority.USCIS: Role.CBP_OFFICER,
    Authority.STATE_PRM: Role.CBP_OFFICER,
    Authority.STATE_CONSULAR: Role.CBP_OFFICER,
    Authority.DOL: Role.CBP_OFFICER,
    Authority.UNHCR: Role.CBP_OFFICER,
    Authority.IOM: Role.CBP_OFFICER,
}

PROFILE_COLUMN = "cases.profile"


def _policy(p: Platform, pathway: str) -> Policy:
    if pathway == CORRIDOR_POLICY:
        raise InvalidInput(
            "pathway_id", "the corridor starts at an INM border point, not by referral"
        )
    if pathway not in p.catalogue.pathway_ids():
        raise InvalidInput("pathway_id", f"unknown pathway {pathway}")
    policy = p.catalogue.in_effect(pathway, p.today())
    if policy is None:
        raise InvalidInput("pathway_id", f"the pathway {pathway} is not in effect today")
    return policy


def create_referral(p: Platform, who: Principal, body: ReferralIn) -> Command[CaseStatusOut]:
    """A UNHCR/IOM/NGO caseworker refers a person to a pathway (e.g. us-cam, us-chnv-parole)."""
    return Command(
        operation="referral:create",
        payload=body.model_dump(mode="json"),
        output=CaseStatusOut,
        run=lambda s: _refer(p, s, who, body),
    )


def _refer(p: Platform, s: Session, who: Principal, body: ReferralIn) -> CaseStatusOut:
    who.require(Permission.REFERRAL_CREATE)
    policy = _policy(p, body.pathway_id)
    screening = evaluate(policy, body.facts.known_facts(), p.today())
    case_id = new_id()
    person = encrypt_person(p, case_id, 0, "self", body.person, s=s)
    case = Case(
        id=case_id,
        kind=str(CaseKind.GENERIC),
        pathway_id=policy.id,
        state=str(INITIAL_STATE[CaseKind.GENERIC]),
        applicant_user_id=body.applicant_user_id,
        created_by=who.user_id,
        # The profile holds birth dates and household details: sealed as a whole, under the
        # person's own data key (erased with them).
        facts={
            "profile_enc": seal_for(p, s, [person.id], body.facts.model_dump_json(), PROFILE_COLUMN)
        },
        created_at=now(),
        updated_at=now(),
    )
    s.add(case)
    s.flush()
    s.add(person)
    if who.role is Role.CASEWORKER:
        assign_registering_caseworker(s, who, case)
    s.add(
        CaseEvent(
            case_id=case.id,
            name="referred",
            state=case.state,
            actor_id=who.user_id,
            actor_role=str(who.role),
            data={"pathway": policy.id, "screening": str(screening.outcome)},
            at=now(),
        )
    )
    audit.append(
        s,
        actor(s, who),
        AuditTag.REFERRAL_CREATE,
        case_id=case.id,
        detail={"pathway": policy.id, "version": policy.version, "agency": str(who.agency)},
    )
    s.flush()
    return status_out(s, case)


def decide_referral(
    p: Platform, who: Principal, case_id: str, body: ReferralDecisionIn
) -> Command[CaseStatusOut]:
    """The pathway's authority decides; approval needs the policy to find the person eligible."""
    return Command(
        operation=f"case:{case_id}:referral_decision",
        payload=body.model_dump(mode="json"),
        output=CaseStatusOut,
        run=lambda s: _decide(p, s, who, case_id, body),
    )


def _decide(
    p: Platform, s: Session, who: Principal, case_id: str, body: ReferralDecisionIn
) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.REFERRAL_DECIDE)
    policy = _policy(p, case.pathway_id)
    deciders = {DECIDERS[authority] for authority in policy.authority}
    if who.role not in deciders:
        raise Forbidden(f"{policy.id} is decided by {', '.join(sorted(deciders))}")
    profile = Profile.model_validate(
        json.loads(open_sealed(p, s, case.facts["profile_enc"], PROFILE_COLUMN))
    )
    decision = evaluate(policy, profile.known_facts(), p.today())
    action = Action.APPROVE_REFERRAL if body.decision == "approve" else Action.REFUSE_REFERRAL
    advance(
        s,
        who,
        case,
        action,
        context=GuardContext(today=p.today(), eligible=is_eligible(decision), reason=body.reason),
        data={"policy": f"{policy.id}@{policy.version}"},
    )
    cited = citation(decision)
    s.add(
        DecisionRow(
            id=new_id(),
            case_id=case.id,
            subject="referral",
            outcome="approved" if body.decision == "approve" else "refused",
            policy_id=cited["policy_id"],
            policy_version=cited["policy_version"],
            clauses=cited["clauses"],
            reasons=cited["reasons"],
            note=body.reason,
            decided_by=who.user_id,
            decided_at=now(),
        )
    )
    s.flush()
    return status_out(s, case)
