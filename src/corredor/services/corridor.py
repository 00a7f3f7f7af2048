"""The joint TVRH -> parole corridor (seed 000, steps 1 and 3-6), one use case per function.

Each function runs inside the caller's transaction and returns what the API answers. The policy
engine decides eligibility; every decision is stored citing the policy id, version and clauses.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.adapters.db.models import User
from corredor.cases.domain.corridor import (
    CORRIDOR_POLICY,
    TVRH_POLICY,
    GrantKind,
    TravelMode,
    citation,
    ground_fact,
    is_eligible,
    tvrh_validity,
)
from corredor.cases.domain.vetting import VettingOutcome, VettingSubject
from corredor.cases.domain.workflow import Action, CaseKind, CaseState, GuardContext, is_terminal
from corredor.cases.tables import Case, CaseEvent, Grant, Person, VettingRecord
from corredor.cases.tables import Decision as DecisionRow
from corredor.documents import issuance
from corredor.documents.domain.credentials import DocumentType
from corredor.domain.facts import DOCUMENT_TYPES, HouseholdMember
from corredor.domain.policy import Policy
from corredor.domain.rules import Decision, Outcome, evaluate
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.services.platform import (
    Platform,
    active_disclosures,
    actor,
    advance,
    decrypt_person,
    encrypt_person,
    full_out,
    new_id,
    now,
    persons_of,
    status_out,
    visible_case,
)
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

Answer = tuple[int, dict[str, Any]]
TVRH_DOCUMENTS = frozenset({DocumentType.TVRH})
TRAVEL_DOCUMENTS = frozenset({DocumentType.TRAVEL})
WORK_AUTHORIZATION_CATEGORY = "(c)(11)"  # parolee employment category; parole is the proof


def _policy(p: Platform, pathway: str, field: str) -> Policy:
    policy = p.catalogue.in_effect(pathway, p.today())
    if policy is None:
        raise InvalidInput(field, f"the pathway {pathway} is not in effect on {p.today()}")
    return policy


def _number(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5).upper()}"


# ---- step 1: registration at a designated INM border point, TVRH ----


def register_household(p: Platform, s: Session, who: Principal, body: HouseholdIn) -> Answer:
    who.require(Permission.CASE_CREATE)
    point = p.reference.border_point(body.border_point_id)
    if point is None:
        raise InvalidInput(
            "border_point_id", f"not a designated INM border point: {body.border_point_id}"
        )
    try:
        ground_fact(_policy(p, TVRH_POLICY, "ground"), body.ground)
    except ValueError as error:
        raise InvalidInput("ground", str(error)) from None
    unknown = sorted(set(body.documents) - DOCUMENT_TYPES)
    if unknown:
        raise InvalidInput("documents", f"unknown document types: {', '.join(unknown)}")
    if body.applicant_user_id is not None:
        user = s.get(User, body.applicant_user_id)
        if user is None or user.role != Role.APPLICANT:
            raise InvalidInput("applicant_user_id", "not the id of an applicant account")
    everyone = [body.principal, *body.members]
    _refuse_duplicates(p, s, [m.document_number for m in everyone if m.document_number])
    case = Case(
        id=new_id(),
        kind=str(CaseKind.CORRIDOR),
        pathway_id=CORRIDOR_POLICY,
        state=str(CaseState.REGISTERED),
        site_id=point.id,
        applicant_user_id=body.applicant_user_id,
        created_by=who.user_id,
        facts={
            "ground": body.ground,
            "current_country": point.country,
            "current_region": point.region,
            "documents": sorted(set(body.documents)),
        },
        created_at=now(),
        updated_at=now(),
    )
    s.add(case)
    s.flush()
    s.add(encrypt_person(p, case.id, 0, "self", body.principal))
    for position, member in enumerate(body.members, start=1):
        s.add(encrypt_person(p, case.id, position, member.relation, member))
    s.add(
        CaseEvent(
            case_id=case.id,
            name="registered",
            state=case.state,
            actor_id=who.user_id,
            actor_role=str(who.role),
            data={"site_id": point.id, "household_size": len(everyone)},
            at=now(),
        )
    )
    audit.append(
        s,
        actor(s, who),
        AuditTag.CASE_REGISTER,
        case_id=case.id,
        detail={"site_id": point.id, "household_size": len(everyone), "ground": body.ground},
    )
    s.flush()
    return 201, full_out(p, s, who, case).model_dump(mode="json")


def _refuse_duplicates(p: Platform, s: Session, documents: list[str]) -> None:
    """One open case per person: the keyed hash finds a document number without decrypting."""
    if not documents:
        return
    hashes = [p.lookup.digest(number) for number in documents]
    rows = s.execute(
        select(Case.id, Case.kind, Case.state)
        .join(Person, Person.case_id == Case.id)
        .where(Person.document_hash.in_(hashes))
    ).all()
    for case_id, kind, state in rows:
        if not is_terminal(CaseKind(kind), CaseState(state)):
            raise Conflict(f"a person with this document already has an open case {case_id}")


def add_member(p: Platform, s: Session, who: Principal, case_id: str, body: MemberIn) -> Answer:
    case = visible_case(s, who, case_id, Permission.HOUSEHOLD_UPDATE)
    position = len(persons_of(s, case.id))
    if body.document_number:
        _refuse_duplicates(p, s, [body.document_number])
    advance(s, who, case, Action.ADD_MEMBER, context=GuardContext(today=p.today()))
    s.add(encrypt_person(p, case.id, position, body.relation, body))
    s.flush()
    return 201, full_out(p, s, who, case).model_dump(mode="json")


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
        facts[ground_fact(_policy(p, TVRH_POLICY, "ground"), ground)] = True
    if criminal_history is not None:
        facts["criminal_history"] = criminal_history
    return facts


def _record(
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


def _tvrh_decisions(p: Platform, s: Session, case: Case) -> tuple[Decision, Decision]:
    facts = case_facts(p, s, case)
    today = p.today()
    tvrh = evaluate(_policy(p, TVRH_POLICY, "ground"), facts, today)
    corridor = evaluate(_policy(p, CORRIDOR_POLICY, "pathway_id"), facts, today)
    return tvrh, corridor


def _tvrh_eligible(tvrh: Decision) -> bool | None:
    """INM's TVRH rests on its own grounds (Ley de Migración art. 52 fr. V), never on whether
    the US corridor is open to the household: those are two decisions by two agencies."""
    if tvrh.outcome is Outcome.UNKNOWN:
        return None
    return tvrh.outcome is Outcome.ELIGIBLE


def _corridor_open(corridor: Decision) -> bool:
    """The corridor's own decision: met, or nothing but vetting (criminal history) left open."""
    if corridor.outcome is Outcome.ELIGIBLE:
        return True
    pending = set(corridor.missing_facts) - {"criminal_history"}  # vetting settles that later
    return corridor.outcome is Outcome.UNKNOWN and not pending


def decide_tvrh(p: Platform, s: Session, who: Principal, case_id: str) -> Answer:
    case = visible_case(s, who, case_id, Permission.TVRH_ISSUE)
    if case.state != CaseState.REGISTERED:  # let the workflow explain before evaluating
        advance(s, who, case, Action.ISSUE_TVRH, context=GuardContext(today=p.today()))
    tvrh, corridor = _tvrh_decisions(p, s, case)
    eligible = _tvrh_eligible(tvrh)
    if eligible is None:
        missing = sorted(set(tvrh.missing_facts))
        raise InvalidInput("facts", f"not enough known to decide; missing: {', '.join(missing)}")
    _record(s, case, "tvrh", tvrh, who, note=None)
    _record(s, case, "corridor", corridor, who, note=None)  # its own pathway, its own decision
    corridor_open = _corridor_open(corridor)
    if not eligible:
        reasons = [r.text for r in tvrh.reasons if r.key.endswith("not_met")]
        reason = "; ".join(reasons) or "not eligible"
        advance(
            s,
            who,
            case,
            Action.REFUSE_TVRH,
            context=GuardContext(today=p.today(), eligible=False, reason=reason),
            data={"policy": f"{tvrh.pathway}@{tvrh.version}"},
        )
        return 200, status_out(s, case).model_dump(mode="json")
    valid_from, valid_until = tvrh_validity(_policy(p, TVRH_POLICY, "ground"), p.today())
    grant = Grant(
        id=new_id(),
        case_id=case.id,
        kind=str(GrantKind.TVRH),
        number=_number("TVRH"),
        valid_from=valid_from,
        valid_until=valid_until,
        details={
            "authorizes": ["stay_in_mexico", "travel_to_mexico_city", "work_authorization"]
            if corridor_open
            else ["stay_in_mexico", "work_authorization"],
            "corridor": corridor_open,
            "site_id": case.site_id,
            "renewals": 0,
            "policy": f"{tvrh.pathway}@{tvrh.version}",
        },
        granted_by=who.user_id,
        granted_at=now(),
    )
    s.add(grant)
    advance(
        s,
        who,
        case,
        Action.ISSUE_TVRH,
        context=GuardContext(today=p.today(), eligible=True),
        data={"tvrh": grant.number, "valid_until": valid_until.isoformat()},
    )
    issuance.issue_latest(p, s, who, case.id, GrantKind.TVRH)
    return 201, status_out(s, case).model_dump(mode="json")


def _corridor_refused(s: Session, case_id: str) -> bool:
    """The case's latest corridor decision says the corridor is not open to the household."""
    latest = s.execute(
        select(DecisionRow.outcome)
        .where(DecisionRow.case_id == case_id, DecisionRow.subject == "corridor")
        .order_by(DecisionRow.decided_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return latest == Outcome.NOT_ELIGIBLE.value


def current_tvrh(s: Session, case_id: str) -> Grant | None:
    return s.execute(
        select(Grant)
        .where(Grant.case_id == case_id, Grant.kind == str(GrantKind.TVRH))
        .order_by(Grant.valid_until.desc())
        .limit(1)
    ).scalar_one_or_none()


def renew_tvrh(p: Platform, s: Session, who: Principal, case_id: str) -> Answer:
    case = visible_case(s, who, case_id, Permission.TVRH_RENEW)
    previous = current_tvrh(s, case.id)
    tvrh = evaluate(_policy(p, TVRH_POLICY, "ground"), case_facts(p, s, case), p.today())
    eligible = is_eligible(tvrh)
    advance(
        s, who, case, Action.RENEW_TVRH, context=GuardContext(today=p.today(), eligible=eligible)
    )
    _record(s, case, "tvrh_renewal", tvrh, who, note=None)
    assert previous is not None  # the workflow only renews a case that holds a TVRH
    start = max(previous.valid_until + timedelta(days=1), p.today())
    valid_from, valid_until = tvrh_validity(_policy(p, TVRH_POLICY, "ground"), start)
    s.add(
        Grant(
            id=new_id(),
            case_id=case.id,
            kind=str(GrantKind.TVRH),
            number=_number("TVRH"),
            valid_from=valid_from,
            valid_until=valid_until,
            details={
                **previous.details,
                "renewals": previous.details.get("renewals", 0) + 1,
                "renews": previous.number,
            },
            granted_by=who.user_id,
            granted_at=now(),
        )
    )
    s.flush()
    issuance.issue_latest(p, s, who, case.id, GrantKind.TVRH)
    return 201, status_out(s, case).model_dump(mode="json")


def expire_tvrh(p: Platform, s: Session, who: Principal, case_id: str) -> Answer:
    case = visible_case(s, who, case_id, Permission.TVRH_EXPIRE)
    card = current_tvrh(s, case.id)
    context = GuardContext(today=p.today(), tvrh_valid_until=card.valid_until if card else None)
    advance(s, who, case, Action.EXPIRE_TVRH, context=context)
    issuance.revoke_case_documents(s, who, case.id, "TVRH expired", TVRH_DOCUMENTS)
    return 200, status_out(s, case).model_dump(mode="json")


# ---- step 3: the parole application in Mexico City ----


def apply_parole(
    p: Platform, s: Session, who: Principal, case_id: str, body: ParoleApplicationIn
) -> Answer:
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
        active_disclosure_to_cbp=bool(active_disclosures(s, case.id, "CBP")),
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
    return 201, status_out(s, case).model_dump(mode="json")


# ---- step 4: vetting and the parole decision ----


def _vetting_subjects(p: Platform, s: Session, who: Principal, case: Case) -> list[VettingSubject]:
    """CBP vets only through a disclosure in force; reading it is audited."""
    disclosures = active_disclosures(s, case.id, "CBP")
    if not disclosures:
        raise Conflict(
            "no disclosure to CBP is in force (consent revoked?)", state=case.state, allowed=[]
        )
    people = [decrypt_person(p, person) for person in persons_of(s, case.id)]
    audit.append(
        s,
        actor(s, who, case),
        AuditTag.DISCLOSURE_READ_FOR_VETTING,
        case_id=case.id,
        detail={"disclosure_id": disclosures[0].id, "persons": len(people)},
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


def run_vetting(p: Platform, s: Session, who: Principal, case_id: str) -> Answer:
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
            outcome_enc=p.cipher.encrypt(sealed, "vetting_results.outcome"),
            source=result.source,
            checked_by=who.user_id,
            checked_at=now(),
        )
    )
    action = Action.VETTING_CLEAR if result.outcome is VettingOutcome.CLEAR else Action.VETTING_HIT
    advance(s, who, case, action, context=GuardContext(today=p.today()))
    out = VettingOut(
        case_id=case.id,
        outcome=str(result.outcome),
        source=result.source,
        matches=len(result.matches),
        state=case.state,
    )
    return 201, out.model_dump(mode="json")


def decide_parole(
    p: Platform, s: Session, who: Principal, case_id: str, body: ParoleDecisionIn
) -> Answer:
    case = visible_case(s, who, case_id, Permission.PAROLE_DECIDE)
    # After a vetting hit the officer's review settles criminal history: a grant from secondary
    # review means the hit was found not to be this person, so the rule is checked on that.
    hit_cleared = case.state == CaseState.SECONDARY_REVIEW and body.decision == "grant"
    criminal = case.state == CaseState.SECONDARY_REVIEW and not hit_cleared
    decision = evaluate(
        _policy(p, CORRIDOR_POLICY, "decision"),
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
        _record(s, case, "parole", decision, who, note=body.reason)
        return 200, status_out(s, case).model_dump(mode="json")
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
    _record(s, case, "parole", decision, who, note=body.reason)
    s.add(
        Grant(
            id=new_id(),
            case_id=case.id,
            kind=str(GrantKind.PAROLE),
            number=_number("PAROLE"),
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
    return 201, status_out(s, case).model_dump(mode="json")


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
    p: Platform, s: Session, who: Principal, case_id: str, body: AdmissionIn
) -> Answer:
    case = visible_case(s, who, case_id, Permission.ADMISSION_RECORD)
    if p.reference.port(body.port_id) is None:
        raise InvalidInput("port_id", f"not a known port of entry or airport: {body.port_id}")
    parole = s.execute(
        select(Grant).where(Grant.case_id == case.id, Grant.kind == str(GrantKind.PAROLE))
    ).scalar_one_or_none()
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
            number=_number("WORK"),
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
    return 201, status_out(s, case).model_dump(mode="json")


def withdraw(p: Platform, s: Session, who: Principal, case_id: str, body: ReasonIn) -> Answer:
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
    return 200, status_out(s, case).model_dump(mode="json")


# ---- reading ----


def get_case(p: Platform, s: Session, who: Principal, case_id: str) -> CaseOut:
    return full_out(p, s, who, visible_case(s, who, case_id, Permission.CASE_READ))


def get_status(s: Session, who: Principal, case_id: str) -> CaseStatusOut:
    return status_out(s, visible_case(s, who, case_id, Permission.CASE_READ_STATUS))


def timeline(s: Session, who: Principal, case_id: str) -> list[EventOut]:
    case = visible_case(s, who, case_id, Permission.CASE_READ_STATUS)
    events = s.execute(
        select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    ).scalars()
    return [
        EventOut(
            name=e.name,
            state=e.state,
            actor_id=e.actor_id,
            actor_role=e.actor_role,
            on_behalf_of=e.on_behalf_of,
            data=e.data,
            at=audit.as_utc(e.at),
        )
        for e in events
    ]


def list_cases(
    p: Platform,
    s: Session,
    who: Principal,
    *,
    state: CaseState | None = None,
    document_number: str | None = None,
    limit: int = 50,
) -> list[CaseStatusOut]:
    who.require(Permission.CASE_LIST)
    query = select(Case).order_by(Case.created_at.desc()).limit(limit)
    if state is not None:
        query = query.where(Case.state == str(state))
    if who.role is Role.APPLICANT:
        query = query.where(Case.applicant_user_id == who.user_id)
    if document_number is not None:
        # A search by document number looks up personal data: only for those who may read it.
        who.require(Permission.CASE_READ)
        digest = p.lookup.digest(document_number)
        query = query.join(Person, Person.case_id == Case.id).where(Person.document_hash == digest)
        audit.append(s, actor(s, who), AuditTag.CASE_SEARCH_BY_DOCUMENT, detail={})
    return [status_out(s, case) for case in s.execute(query).scalars().unique()]


def vetting_detail(p: Platform, s: Session, who: Principal, case_id: str) -> dict[str, Any]:
    """For secondary review: what matched, decrypted for the CBP officer, and audited."""
    case = visible_case(s, who, case_id, Permission.PAROLE_DECIDE)
    record = s.execute(
        select(VettingRecord)
        .where(VettingRecord.case_id == case.id)
        .order_by(VettingRecord.checked_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if record is None:
        raise NotFound(f"case {case_id} has not been vetted")
    audit.append(s, actor(s, who, case), AuditTag.VETTING_READ, case_id=case.id, detail={})
    detail: dict[str, Any] = json.loads(
        p.cipher.decrypt(record.outcome_enc, "vetting_results.outcome")
    )
    return {"case_id": case.id, "source": record.source, **detail}


def expire_lapsed(p: Platform, s: Session, who: Principal) -> list[str]:
    """Expire every TVRH whose validity ended (run daily by an INM officer or a scheduler)."""
    who.require(Permission.TVRH_EXPIRE)
    # One query for the cases whose latest card (the one current_tvrh reads) has lapsed, read in
    # full before any of them changes state.
    lapsed = list(
        s.execute(
            select(Grant.case_id)
            .join(Case, Case.id == Grant.case_id)
            .where(Case.state == str(CaseState.TVRH_ISSUED), Grant.kind == str(GrantKind.TVRH))
            .group_by(Grant.case_id)
            .having(func.max(Grant.valid_until) < p.today())
            .order_by(Grant.case_id)
        ).scalars()
    )
    for case_id in lapsed:
        expire_tvrh(p, s, who, case_id)
    return lapsed
