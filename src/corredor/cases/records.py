"""A case inside the caller's unit of work: loading it within the caller's scope, its people
(encrypted at rest), moving it through the workflow, and its views.

The cases' use cases build on these; so do the steps other features take inside a case's
transaction (`documents.issuance` issuing a grant's document, `sharing` reading what a
disclosure carries).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, object_session

from corredor.cases import tallies
from corredor.cases.domain.corridor import GrantKind
from corredor.cases.domain.workflow import (
    TRANSITIONS,
    Action,
    CaseKind,
    CaseState,
    GuardContext,
    WorkflowError,
    allowed_actions,
    is_terminal,
    permission_for,
    step,
)
from corredor.cases.schemas import (
    CaseOut,
    CaseStatusOut,
    DecisionOut,
    ErasedPersonOut,
    GrantOut,
    PersonIn,
    PersonOut,
)
from corredor.cases.scope import assigned_to, within_scope
from corredor.cases.tables import Case, CaseEvent, Decision, Grant, Person, VettingRecord
from corredor.identity.domain.names import split_name
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.crypto import data_key_owner
from corredor.kernel.data_keys import DataKeys, PersonErased, data_keys, erased_among
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, NotFound
from corredor.platform import Platform, new_id, now
from corredor.sharing.disclosures import disclosures_of

VETTING_COLUMN = "vetting_results.outcome"

# ---- loading, with scope ----


def load_case(session: Session, case_id: str) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def visible_case(session: Session, who: Principal, case_id: str, permission: Permission) -> Case:
    """The case, if the caller may act on it: every case-scoped read and write goes through here.

    An applicant reaches only their own cases, a caseworker only those assigned to them (by name
    or through their agency at a site, `cases.scope`); to either, any other case is 'not found',
    exactly as an id that does not exist, so the answer tells nothing about it.
    """
    who.require(permission)
    case = load_case(session, case_id)
    if who.role is Role.APPLICANT and case.applicant_user_id != who.user_id:
        raise NotFound(f"no case {case_id}")
    if who.role is Role.CASEWORKER and not assigned_to(session, who, case.id):
        raise NotFound(f"no case {case_id}")
    return case


def may_act_on(session: Session, who: Principal, case_id: str) -> bool:
    """Whether the case is within the caller's scope (as `visible_case`, without a permission)."""
    case = session.get(Case, case_id)
    if case is None:
        return False
    if who.role is Role.APPLICANT:
        return case.applicant_user_id == who.user_id
    return who.role is not Role.CASEWORKER or assigned_to(session, who, case_id)


def persons_of(session: Session, case_id: str) -> list[Person]:
    return list(
        session.execute(select(Person).where(Person.case_id == case_id).order_by(Person.position))
        .scalars()
        .all()
    )


def _keys(p: Platform, person: Person) -> DataKeys:
    session = object_session(person)
    if session is None:
        raise ValueError(f"person {person.id} is not in a unit of work")
    return data_keys(session, p.cipher)


def decrypt_person(p: Platform, person: Person) -> PersonOut:
    """The person's fields, opened with their data key; `PersonErased` (a 409) once erased."""
    keys = _keys(p, person)
    if (erased_at := keys.erased_at(person.id)) is not None:
        raise PersonErased(person.id, erased_at)
    document = (
        keys.open(person.document_number_enc, "persons.document_number")
        if person.document_number_enc
        else None
    )
    name = keys.open(person.name_enc, "persons.name")
    given, first, second = (
        json.loads(keys.open(person.name_parts_enc, "persons.name_parts"))
        if person.name_parts_enc
        else split_name(name, person.nationality)
    )
    return PersonOut(
        id=person.id,
        relation=person.relation,
        name=name,
        birth_date=date.fromisoformat(keys.open(person.birth_date_enc, "persons.birth_date")),
        nationality=person.nationality,
        document_number=document,
        given_names=given,
        first_surname=first,
        second_surname=second,
    )


def person_view(p: Platform, person: Person) -> PersonOut | ErasedPersonOut:
    """The person as a case shows them: their fields, or the day they were erased."""
    erased_at = _keys(p, person).erased_at(person.id)
    if erased_at is not None:
        return ErasedPersonOut(
            id=person.id, relation=person.relation, erased_on=audit.as_utc(erased_at).date()
        )
    return decrypt_person(p, person)


def encrypt_person(
    p: Platform, case_id: str, position: int, relation: str, person: PersonIn, *, s: Session
) -> Person:
    """A new person row, every personal field sealed under the person's own data key."""
    person_id = new_id()
    keys = data_keys(s, p.cipher)
    document_number = person.document_number

    def seal(value: str, column: str) -> str:
        return keys.seal([person_id], value, column)

    parts = (
        (person.given_names, person.first_surname, person.second_surname or "")
        if person.given_names and person.first_surname
        else split_name(person.name, person.nationality)
    )
    return Person(
        id=person_id,
        case_id=case_id,
        position=position,
        relation=relation,
        nationality=person.nationality,
        name_enc=seal(person.name, "persons.name"),
        birth_date_enc=seal(person.birth_date.isoformat(), "persons.birth_date"),
        document_number_enc=(
            seal(document_number, "persons.document_number") if document_number else None
        ),
        document_hash=p.lookup.digest(document_number) if document_number else None,
        name_parts_enc=seal(json.dumps(parts), "persons.name_parts"),
    )


def seal_for(p: Platform, s: Session, person_ids: list[str], value: str, column: str) -> str:
    """A value about these people, sealed under each one's data key."""
    return data_keys(s, p.cipher).seal(person_ids, value, column)


def seal_for_case(p: Platform, s: Session, case_id: str, value: str, column: str) -> str:
    """A value about the whole household (a vetting result): sealed under every member's data
    key, so erasing any one of them makes it unreadable."""
    return data_keys(s, p.cipher).seal([x.id for x in persons_of(s, case_id)], value, column)


def open_sealed(p: Platform, s: Session, token: str, column: str) -> str:
    """A value sealed by `seal_for_case` or `encrypt_person`; `PersonErased` (a 409) once one of
    its people is erased."""
    return data_keys(s, p.cipher).open(token, column)


def seal_household_legacy(p: Platform, s: Session, case_id: str) -> None:
    """The household's vetting results still under the master key (written before data keys)
    move under its members' keys, so that an erasure about to happen reaches them too."""
    keys = data_keys(s, p.cipher)
    people = [x.id for x in persons_of(s, case_id) if keys.erased_at(x.id) is None]
    query = select(VettingRecord).where(VettingRecord.case_id == case_id)
    for record in s.execute(query).scalars():
        if data_key_owner(record.outcome_enc) is None:
            plain = keys.open(record.outcome_enc, VETTING_COLUMN)
            record.outcome_enc = keys.seal(people, plain, VETTING_COLUMN)


def erase_person_fields(person: Person) -> None:
    """Nothing personal left on the row once its key is destroyed: the sealed fields and the
    document's lookup hash go too (the nationality stays, for the public aggregates)."""
    person.name_enc = ""
    person.birth_date_enc = ""
    person.document_number_enc = None
    person.document_hash = None
    person.name_parts_enc = None


def person_named(session: Session, person_id: str) -> Person | None:
    return session.get(Person, person_id)


def cases_left_in(session: Session, states: dict[str, list[str]], before: datetime) -> list[Case]:
    """Cases of each kind in one of its listed states, untouched since `before` (retention)."""
    if not states:
        return []
    return list(
        session.execute(
            select(Case)
            .where(
                or_(*(and_(Case.kind == k, Case.state.in_(v)) for k, v in states.items())),
                Case.updated_at < before,
            )
            .order_by(Case.updated_at, Case.id)
        )
        .scalars()
        .all()
    )


def closed_states() -> dict[str, list[str]]:
    """Per kind of case, the states it never leaves once reached (its file is closed)."""
    found: dict[str, list[str]] = {}
    for kind in CaseKind:
        moves = [t for t in TRANSITIONS if t.kind is kind]
        reached = {t.target for t in moves} | {s for t in moves for s in t.sources}
        found[str(kind)] = sorted(str(s) for s in reached if is_terminal(kind, s))
    return found


def case_ids(session: Session) -> list[str]:
    """Every case's id, oldest first: the batch scans of the whole register walk them."""
    return list(session.scalars(select(Case.id).order_by(Case.created_at, Case.id)))


def count_persons(session: Session) -> int:
    """How many persons the register holds (the matching's prior depends on it)."""
    return session.scalar(select(func.count()).select_from(Person)) or 0


def persons_of_cases(session: Session, case_ids: list[str]) -> list[Person]:
    """The persons of several cases in one query."""
    if not case_ids:
        return []
    return list(session.scalars(select(Person).where(Person.case_id.in_(case_ids))))


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


def cases_in_scope(session: Session, who: Principal, limit: int = 20) -> list[Case]:
    """The cases an applicant or a caseworker may act on (their own; those assigned to them),
    newest first. Officers reach every case: they are given none here, so no list of everyone's
    households is ever built for them."""
    scope = within_scope(who)
    if scope is None:
        return []
    query = select(Case).where(scope).order_by(Case.created_at.desc(), Case.id).limit(limit)
    return list(session.execute(query).scalars().all())


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
    tallies.count_step(session, case.id, case.state, now().date())
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

    people = persons_of(session, case.id)
    size = len(people)
    erased = erased_among(session, [person.id for person in people])
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
        erased_on=audit.as_utc(min(erased.values())).date() if erased else None,
    )


def full_out(p: Platform, session: Session, who: Principal, case: Case) -> CaseOut:
    """The case with its personal data; reading it is audited."""
    persons = [person_view(p, person) for person in persons_of(session, case.id)]
    audit.append(
        session,
        case_actor(session, who, case),
        AuditTag.CASE_READ_PERSONAL_DATA,
        case_id=case.id,
        detail={"persons": len(persons), "fields": ["name", "birth_date", "document_number"]},
    )
    status = status_out(session, case)
    return CaseOut(**status.model_dump(), ground=case.facts.get("ground"), persons=persons)
