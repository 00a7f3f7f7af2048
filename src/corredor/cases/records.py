"""A case inside the caller's unit of work: loading it within the caller's scope, its people
(encrypted at rest), moving it through the workflow, and its views.

The cases' use cases build on these; so do the steps other features take inside a case's
transaction (`documents.issuance` issuing a grant's document, `sharing` reading what a
disclosure carries).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.cases.domain.corridor import GrantKind
from corredor.cases.domain.workflow import (
    Action,
    CaseKind,
    CaseState,
    GuardContext,
    WorkflowError,
    allowed_actions,
    permission_for,
    step,
)
from corredor.cases.schemas import (
    CaseOut,
    CaseStatusOut,
    DecisionOut,
    GrantOut,
    PersonIn,
    PersonOut,
)
from corredor.cases.tables import Case, CaseEvent, Decision, Grant, Person
from corredor.identity.domain.names import split_name
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, NotFound
from corredor.platform import Platform, new_id, now
from corredor.sharing.disclosures import disclosures_of

# ---- loading, with scope ----


def load_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def visible_case(session: Session, who: Principal, case_id: str, permission: Permission) -> Case:
    """The case, if the caller may see it. Others' cases are 'not found' to an applicant."""
    who.require(permission)
    case = load_case(session, case_id)
    if who.role is Role.APPLICANT and case.applicant_user_id != who.user_id:
        raise NotFound(f"no case {case_id}")
    return case


def persons_of(session: Session, case_id: str) -> list[Person]:
    return list(
        session.execute(select(Person).where(Person.case_id == case_id).order_by(Person.position))
        .scalars()
        .all()
    )


def decrypt_person(p: Platform, person: Person) -> PersonOut:
    document = (
        p.cipher.decrypt(person.document_number_enc, "persons.document_number")
        if person.document_number_enc
        else None
    )
    name = p.cipher.decrypt(person.name_enc, "persons.name")
    given, first, second = (
        json.loads(p.cipher.decrypt(person.name_parts_enc, "persons.name_parts"))
        if person.name_parts_enc
        else split_name(name, person.nationality)
    )
    return PersonOut(
        id=person.id,
        relation=person.relation,
        name=name,
        birth_date=date.fromisoformat(
            p.cipher.decrypt(person.birth_date_enc, "persons.birth_date")
        ),
        nationality=person.nationality,
        document_number=document,
        given_names=given,
        first_surname=first,
        second_surname=second,
    )


def encrypt_person(
    p: Platform, case_id: str, position: int, relation: str, person: PersonIn
) -> Person:
    document_number = person.document_number
    parts = (
        (person.given_names, person.first_surname, person.second_surname or "")
        if person.given_names and person.first_surname
        else split_name(person.name, person.nationality)
    )
    return Person(
        id=new_id(),
        case_id=case_id,
        position=position,
        relation=relation,
        nationality=person.nationality,
        name_enc=p.cipher.encrypt(person.name, "persons.name"),
        birth_date_enc=p.cipher.encrypt(person.birth_date.isoformat(), "persons.birth_date"),
        document_number_enc=(
            p.cipher.encrypt(document_number, "persons.document_number")
            if document_number
            else None
        ),
        document_hash=p.lookup.digest(document_number) if document_number else None,
        name_parts_enc=p.cipher.encrypt(json.dumps(parts), "persons.name_parts"),
    )


def case_ids(session: Session) -> list[str]:
    """Every case's id, oldest first: the batch scans of the whole register walk them."""
    return list(session.scalars(select(Case.id).order_by(Case.created_at, Case.id)))


def persons_by_id(session: Session, person_ids: list[str]) -> list[Person]:
    """The persons with these ids (any case): the matching of a new registration reads the
    candidates its blocking keys found."""
    if not person_ids:
        return []
    return list(session.execute(select(Person).where(Person.id.in_(person_ids))).scalars().all())


def cases_of_applicant(session: Session, user_id: str) -> list[Case]:
    return list(
        session.execute(select(Case).where(Case.applicant_user_id == user_id)).scalars().all()
    )


def latest_grant(session: Session, case_id: str, kind: str) -> Grant | None:
    """The case's most recent grant of a kind (the one a document is issued for)."""
    return session.execute(
        select(Grant)
        .where(Grant.case_id == case_id, Grant.kind == kind)
        .order_by(Grant.granted_at.desc(), Grant.valid_until.desc())
        .limit(1)
    ).scalar_one_or_none()


def current_tvrh(session: Session, case_id: str) -> Grant | None:
    """The case's latest humanitarian visitor card, if it holds one."""
    return session.execute(
        select(Grant)
        .where(Grant.case_id == case_id, Grant.kind == str(GrantKind.TVRH))
        .order_by(Grant.valid_until.desc())
        .limit(1)
    ).scalar_one_or_none()


# ---- acting on a case ----


def acting_for(session: Session, who: Principal, case: Case) -> str | None:
    """Whom a caseworker acts for: the case's principal person, recorded beside the caseworker."""
    if who.role is Role.CASEWORKER:
        return f"person:{persons_of(session, case.id)[0].id}"
    return None


def case_actor(session: Session, who: Principal, case: Case | None) -> audit.Actor:
    """The caller as the audit log names them on this case (with whom a caseworker acts for)."""
    behalf = acting_for(session, who, case) if case is not None else None
    return audit.Actor(user_id=who.user_id, role=str(who.role), on_behalf_of=behalf)


def advance(
    session: Session,
    who: Principal,
    case: Case,
    action: Action,
    *,
    context: GuardContext,
    data: dict[str, Any] | None = None,
) -> None:
    """Move a case one step through the workflow, recording its events and an audit entry."""
    kind = CaseKind(case.kind)
    who.require(permission_for(kind, action))
    try:
        taken = step(kind, CaseState(case.state), action, context)
    except WorkflowError as error:
        raise Conflict(
            str(error), state=str(error.state), allowed=[str(a) for a in error.allowed]
        ) from None
    case.state = str(taken.target)
    case.updated_at = now()
    behalf = acting_for(session, who, case)
    for name in taken.events:
        session.add(
            CaseEvent(
                case_id=case.id,
                name=name,
                state=case.state,
                actor_id=who.user_id,
                actor_role=str(who.role),
                on_behalf_of=behalf,
                data=data or {},
                at=now(),
            )
        )
    audit.append(
        session,
        audit.Actor(who.user_id, str(who.role), behalf),
        AuditTag.of("case", action),
        case_id=case.id,
        detail={"from": str(taken.source), "to": case.state, **(data or {})},
    )
    session.flush()


def note_on_timeline(
    session: Session, who: Principal, case: Case, name: str, data: dict[str, Any]
) -> None:
    """An event on the case's timeline that moves no state (a consent given or revoked, a
    disclosure made or ended), inside the caller's transaction."""
    session.add(
        CaseEvent(
            case_id=case.id,
            name=name,
            state=case.state,
            actor_id=who.user_id,
            actor_role=str(who.role),
            on_behalf_of=acting_for(session, who, case),
            data=data,
            at=now(),
        )
    )


# ---- views ----


def grant_out(grant: Grant) -> GrantOut:
    return GrantOut(
        id=grant.id,
        kind=grant.kind,
        number=grant.number,
        valid_from=grant.valid_from,
        valid_until=grant.valid_until,
        details=grant.details,
    )


def decision_out(decision: Decision) -> DecisionOut:
    return DecisionOut(
        id=decision.id,
        subject=decision.subject,
        outcome=decision.outcome,
        policy_id=decision.policy_id,
        policy_version=decision.policy_version,
        clauses=list(decision.clauses),
        reasons=list(decision.reasons),
        note=decision.note,
        decided_by=decision.decided_by,
        decided_at=audit.as_utc(decision.decided_at),
    )


def status_out(session: Session, case: Case) -> CaseStatusOut:
    def rows(model: Any, order: Any) -> list[Any]:
        query = select(model).where(model.case_id == case.id).order_by(order)
        return list(session.execute(query).scalars().all())

    size = len(persons_of(session, case.id))
    return CaseStatusOut(
        id=case.id,
        kind=case.kind,
        pathway_id=case.pathway_id,
        state=case.state,
        site_id=case.site_id,
        household_size=size,
        allowed_actions=[
            str(a) for a in allowed_actions(CaseKind(case.kind), CaseState(case.state))
        ],
        grants=[grant_out(g) for g in rows(Grant, Grant.granted_at)],
        decisions=[decision_out(d) for d in rows(Decision, Decision.decided_at)],
        disclosures=disclosures_of(session, case.id),
        created_at=audit.as_utc(case.created_at),
        updated_at=audit.as_utc(case.updated_at),
    )


def full_out(p: Platform, session: Session, who: Principal, case: Case) -> CaseOut:
    """The case with its personal data; reading it is audited."""
    persons = [decrypt_person(p, person) for person in persons_of(session, case.id)]
    audit.append(
        session,
        case_actor(session, who, case),
        AuditTag.CASE_READ_PERSONAL_DATA,
        case_id=case.id,
        detail={"persons": len(persons), "fields": ["name", "birth_date", "document_number"]},
    )
    status = status_out(session, case)
    return CaseOut(**status.model_dump(), ground=case.facts.get("ground"), persons=persons)
