"""Steps 3 to 6 of the corridor: the parole application in Mexico City, vetting, CBP's
decision, admission at arrival (which starts work authorization), and withdrawal."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.cases.decisions import case_facts, grant_number, policy_in_effect, record
from corredor.cases.domain.corridor import CORRIDOR_POLICY, GrantKind, TravelMode, is_eligible
from corredor.cases.domain.vetting import VettingOutcome, VettingSubject
from corredor.cases.domain.workflow import Action, CaseState, GuardContext
from corredor.cases.records import (
    VETTING_COLUMN,
    advance,
    case_actor,
    current_tvrh,
    decrypt_person,
    open_sealed,
    persons_of,
    seal_for_case,
    status_out,
    visible_case,
)
from corredor.cases.schemas import (
    AdmissionIn,
    CaseStatusOut,
    ParoleApplicationIn,
    ParoleDecisionIn,
    ReasonIn,
    VettingDetailOut,
    VettingOut,
)
from corredor.cases.tables import Case, Grant, VettingRecord
from corredor.cases.tables import Decision as DecisionRow
from corredor.documents import issuance
from corredor.documents.domain.credentials import DocumentType
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, new_id, now
from corredor.screening.domain.rules import Outcome, evaluate
from corredor.sharing.disclosures import in_force

TRAVEL_DOCUMENTS = frozenset({DocumentType.TRAVEL})
WORK_AUTHORIZATION_CATEGORY = "(c)(11)"  # parolee employment category; parole is the proof


# ---- step 3: the parole application in Mexico City ----


def apply_parole(
    p: Platform, who: Principal, case_id: str, body: ParoleApplicationIn
) -> Command[CaseStatusOut]:
    """The applicant (app, web) or a caseworker at the assisted site applies for parole."""
    return Command(
        operation=f"case:{case_id}:parole_application",
        payload=body.model_dump(mode="json"),
        output=CaseStatusOut,
        run=lambda s: _apply(p, s, who, case_id, body),
    )


def _corridor_refused(s: Session, case_id: str) -> bool:
    """The case's latest corridor decision says the corridor is not open to the household."""
    latest = s.execute(
        select(DecisionRow.outcome)
        .where(DecisionRow.case_id == case_id, DecisionRow.subject == "corridor")
        .order_by(DecisionRow.decided_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return latest == Outcome.NOT_ELIGIBLE.value


def _apply(
    p: Platform, s: Session, who: Principal, case_id: str, body: ParoleApplicationIn
) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.PAROLE_APPLY)
    site_id = body.site_id or p.reference.assisted_sites[0].id
    site = p.reference.assisted_site(site_id)
    if site is None:
        raise InvalidInput("site_id", f"not an assisted site: {site_id}")
    if body.channel == "assisted_site" and who.role is not Role.CASEWORKER:
        raise InvalidInput("channel", "an assisted application is made by a caseworker")
    if _corridor_refused(s, case.id):
        raise InvalidInput(
            "case",
            "the TVRH was issued on its own grounds, but the US corridor is not open to this "
            "household (see the corridor decision of the case)",
        )
    card = current_tvrh(s, case.id)
    context = GuardContext(
        today=p.today(),
        tvrh_valid_until=card.valid_until if card else None,
        active_disclosure_to_cbp=bool(in_force(s, case.id, "CBP")),
    )
    # The TVRH brought the household to Mexico City: that is where they now are.
    case.facts = {
        **case.facts,
        "current_region": site.region,
        "documents": sorted({*case.facts.get("documents", []), "tvrh"}),
    }
    advance(
        s,
        who,
        case,
        Action.APPLY_PAROLE,
        context=context,
        data={"channel": body.channel, "site_id": site.id},
    )
    return status_out(s, case)


# ---- step 4: vetting and the parole decision ----


def run_vetting(p: Platform, who: Principal, case_id: str) -> Command[VettingOut]:
    """Screen the household; a hit sends the case to secondary review."""
    return Command(
        operation=f"case:{case_id}:vetting",
        payload={},
        output=VettingOut,
        run=lambda s: _vet(p, s, who, case_id),
    )


def _vetting_subjects(p: Platform, s: Session, who: Principal, case: Case) -> list[VettingSubject]:
    """CBP vets only through a disclosure in force; reading it is audited."""
    disclosures = in_force(s, case.id, "CBP")
    if not disclosures:
        raise Conflict(
            "no disclosure to CBP is in force (consent revoked?)", state=case.state, allowed=[]
        )
    people = [decrypt_person(p, person) for person in persons_of(s, case.id)]
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.DISCLOSURE_READ_FOR_VETTING,
        case_id=case.id,
        detail={"disclosure_id": disclosures[0], "persons": len(people)},
    )
    return [
        VettingSubject(
            person_id=person.id,
            name=person.name,
            birth_date=person.birth_date,
            nationality=person.nationality,
            document_number=person.document_number,
        )
        for person in people
    ]


def _vet(p: Platform, s: Session, who: Principal, case_id: str) -> VettingOut:
    case = visible_case(s, who, case_id, Permission.VETTING_RUN)
    if case.state != CaseState.PAROLE_REQUESTED:
        advance(s, who, case, Action.VETTING_CLEAR, context=GuardContext(today=p.today()))
    result = p.screening.check(_vetting_subjects(p, s, who, case))
    sealed = json.dumps(
        {
            "outcome": str(result.outcome),
            "matches": [m.__dict__ for m in result.matches],
        }
    )
    s.add(
        VettingRecord(
            id=new_id(),
            case_id=case.id,
            outcome_enc=seal_for_case(p, s, case.id, sealed, VETTING_COLUMN),
            source=result.source,
            checked_by=who.user_id,
            checked_at=now(),
        )
    )
    action = Action.VETTING_CLEAR if result.outcome is VettingOutcome.CLEAR else Action.VETTING_HIT
    advance(s, who, case, action, context=GuardContext(today=p.today()))
    return VettingOut(
        case_id=case.id,
        outcome=str(result.outcome),
        source=result.source,
        matches=len(result.matches),
        state=case.state,
    )


def vetting_detail(p: Platform, who: Principal, case_id: str) -> VettingDetailOut:
    """For secondary review: what matched, decrypted for the CBP officer, and audited."""
    with unit_of_work(p) as s:
        case = visible_case(s, who, case_id, Permission.PAROLE_DECIDE)
        found = s.execute(
            select(VettingRecord)
            .where(VettingRecord.case_id == case.id)
            .order_by(VettingRecord.checked_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if found is None:
            raise NotFound(f"case {case_id} has not been vetted")
        audit.append(s, case_actor(s, who, case), AuditTag.VETTING_READ, case_id=case.id, detail={})
        sealed = json.loads(open_sealed(p, s, found.outcome_enc, VETTING_COLUMN))
        return VettingDetailOut(case_id=case.id, source=found.source, **sealed)


def decide_parole(
    p: Platform, who: Principal, case_id: str, body: ParoleDecisionIn
) -> Command[CaseStatusOut]:
    """Grant advance parole with the travel mode, or deny with a reason."""
    return Command(
        operation=f"case:{case_id}:parole_decision",
        payload=body.model_dump(mode="json"),
        output=CaseStatusOut,
        run=lambda s: _decide(p, s, who, case_id, body),
    )


def _decide(
    p: Platform, s: Session, who: Principal, case_id: str, body: ParoleDecisionIn
) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.PAROLE_DECIDE)
    # After a vetting hit the officer's review settles criminal history: a grant from secondary
    # review means the hit was found not to be this person, so the rule is checked on that.
    hit_cleared = case.state == CaseState.SECONDARY_REVIEW and body.decision == "grant"
    criminal = case.state == CaseState.SECONDARY_REVIEW and not hit_cleared
    decision = evaluate(
        policy_in_effect(p, CORRIDOR_POLICY, "decision"),
        case_facts(p, s, case, criminal_history=criminal),
        p.today(),
    )
    if body.decision == "deny":
        advance(
            s,
            who,
            case,
            Action.DENY_PAROLE,
            context=GuardContext(today=p.today(), reason=body.reason),
            data={"reason": body.reason or ""},
        )
        record(s, case, "parole", decision, who, note=body.reason)
        return status_out(s, case)
    port = _travel_port(p, body)
    advance(
        s,
        who,
        case,
        Action.GRANT_PAROLE,
        context=GuardContext(
            today=p.today(),
            eligible=is_eligible(decision),
            reason=body.reason,
            travel_mode=body.travel_mode,
        ),
        data={"travel_mode": str(body.travel_mode), "port_id": port},
    )
    record(s, case, "parole", decision, who, note=body.reason)
    s.add(
        Grant(
            id=new_id(),
            case_id=case.id,
            kind=str(GrantKind.PAROLE),
            number=grant_number("PAROLE"),
            valid_from=p.today(),
            valid_until=p.today() + timedelta(days=body.parole_days - 1),
            details={
                "type": "advance_parole",
                "travel_mode": str(body.travel_mode),
                "port_id": port,
                "policy": f"{decision.pathway}@{decision.version}",
            },
            granted_by=who.user_id,
            granted_at=now(),
        )
    )
    s.flush()
    issuance.issue_latest(p, s, who, case.id, GrantKind.PAROLE)
    return status_out(s, case)


def _travel_port(p: Platform, body: ParoleDecisionIn) -> str | None:
    if body.travel_mode is None:
        return None  # the workflow guard refuses the grant and says why
    place = p.reference.port(body.port_id or "")
    wanted = "airport" if body.travel_mode is TravelMode.FLIGHT else "land"
    if place is None or place.kind != wanted:
        raise InvalidInput(
            "port_id",
            f"a {'destination airport' if wanted == 'airport' else 'designated land port'} id "
            f"is needed for travel by {body.travel_mode}",
        )
    return place.id


# ---- steps 5 and 6: admission, and work authorization from the parole ----


def record_admission(
    p: Platform, who: Principal, case_id: str, body: AdmissionIn
) -> Command[CaseStatusOut]:
    """Paroled in at arrival; the parole activates work authorization."""
    return Command(
        operation=f"case:{case_id}:admission",
        payload=body.model_dump(mode="json"),
        output=CaseStatusOut,
        run=lambda s: _admit(p, s, who, case_id, body),
    )


def _admit(
    p: Platform, s: Session, who: Principal, case_id: str, body: AdmissionIn
) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.ADMISSION_RECORD)
    if p.reference.port(body.port_id) is None:
        raise InvalidInput("port_id", f"not a known port of entry or airport: {body.port_id}")
    parole = s.execute(
        select(Grant).where(Grant.case_id == case.id, Grant.kind == str(GrantKind.PAROLE))
    ).scalar_one_or_none()
    granted_port = parole.details.get("port_id") if parole is not None else None
    if granted_port and granted_port != body.port_id:
        # the travel authorization names its port or airport: arriving elsewhere is a mistake
        # (or a different person) to resolve, never a silent admission
        raise Conflict(
            f"parole was granted for arrival at {granted_port}, not {body.port_id}",
            state=case.state,
            allowed=[f"admit at {granted_port}"],
        )
    advance(
        s,
        who,
        case,
        Action.ADMIT,
        context=GuardContext(today=p.today()),
        data={"port_id": body.port_id},
    )
    assert parole is not None  # the workflow admits only a case whose parole was granted
    s.add(
        Grant(
            id=new_id(),
            case_id=case.id,
            kind=str(GrantKind.WORK_AUTHORIZATION),
            number=grant_number("WORK"),
            valid_from=p.today(),
            valid_until=parole.valid_until,
            details={
                "basis": "parole",
                "parole": parole.number,
                "category": WORK_AUTHORIZATION_CATEGORY,
                "admitted_at": body.port_id,
            },
            granted_by=who.user_id,
            granted_at=now(),
        )
    )
    s.flush()
    issuance.issue_latest(p, s, who, case.id, GrantKind.WORK_AUTHORIZATION)
    # The travel authorization has done its job: once the holder is admitted it must not board
    # anyone again, so verifiers refuse it from the next status list on.
    issuance.revoke_case_documents(s, who, case.id, "used at admission", TRAVEL_DOCUMENTS)
    return status_out(s, case)


def withdraw(p: Platform, who: Principal, case_id: str, body: ReasonIn) -> Command[CaseStatusOut]:
    return Command(
        operation=f"case:{case_id}:withdrawal",
        payload=body.model_dump(mode="json"),
        output=CaseStatusOut,
        run=lambda s: _withdraw(p, s, who, case_id, body),
    )


def _withdraw(
    p: Platform, s: Session, who: Principal, case_id: str, body: ReasonIn
) -> CaseStatusOut:
    case = visible_case(s, who, case_id, Permission.CASE_WITHDRAW)
    advance(
        s,
        who,
        case,
        Action.WITHDRAW,
        context=GuardContext(today=p.today(), reason=body.reason),
        data={"reason": body.reason or ""},
    )
    issuance.revoke_case_documents(s, who, case.id, "case withdrawn")
    return status_out(s, case)
