"""Step 1 of the corridor: registration of a person or household at a designated INM border
point, and a member added before the TVRH is issued."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.accounts.users import applicant_named, is_applicant
from corredor.cases import tallies
from corredor.cases.decisions import policy_in_effect
from corredor.cases.domain.corridor import CORRIDOR_POLICY, TVRH_POLICY, ground_fact
from corredor.cases.domain.workflow import Action, CaseKind, CaseState, GuardContext, is_terminal
from corredor.cases.records import (
    advance,
    encrypt_person,
    full_out,
    persons_of,
    visible_case,
)
from corredor.cases.schemas import CaseOut, HouseholdIn, MemberIn, PossibleDuplicateOut
from corredor.cases.tables import Case, CaseEvent, Person
from corredor.identity import register
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import Conflict, InvalidInput
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now
from corredor.screening.domain.facts import DOCUMENT_TYPES


def register_household(p: Platform, who: Principal, body: HouseholdIn) -> Command[CaseOut]:
    """An INM officer at a designated border point registers a person or household."""
    return Command(
        operation="case:create",
        payload=body.model_dump(mode="json"),
        output=CaseOut,
        run=lambda s: _register(p, s, who, body),
    )


def _register(p: Platform, s: Session, who: Principal, body: HouseholdIn) -> CaseOut:
    who.require(Permission.CASE_CREATE)
    point = p.reference.border_point(body.border_point_id)
    if point is None:
        raise InvalidInput(
            "border_point_id", f"not a designated INM border point: {body.border_point_id}"
        )
    try:
        ground_fact(policy_in_effect(p, TVRH_POLICY, "ground"), body.ground)
    except ValueError as error:
        raise InvalidInput("ground", str(error)) from None
    unknown = sorted(set(body.documents) - DOCUMENT_TYPES)
    if unknown:
        raise InvalidInput("documents", f"unknown document types: {', '.join(unknown)}")
    if body.applicant_user_id is not None and not is_applicant(s, body.applicant_user_id):
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
    s.add(encrypt_person(p, case.id, 0, "self", body.principal, s=s))
    for position, member in enumerate(body.members, start=1):
        s.add(encrypt_person(p, case.id, position, member.relation, member, s=s))
    s.flush()
    duplicates = _index_and_match(p, s, case.id)
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
    tallies.count_step(s, case.id, case.state, now().date())
    audit.append(
        s,
        actor(s, who),
        AuditTag.CASE_REGISTER,
        case_id=case.id,
        detail={
            "site_id": point.id,
            "household_size": len(everyone),
            "ground": body.ground,
            "possible_duplicates": len(duplicates),
        },
    )
    s.flush()
    return full_out(p, s, who, case).model_copy(update={"possible_duplicates": duplicates})


def _index_and_match(p: Platform, s: Session, case_id: str) -> list[PossibleDuplicateOut]:
    """Index the household for matching and find who of it may already be registered: shown to
    the officer, who decides (nothing is merged by itself)."""
    household = register.index_case(p, s, case_id)
    return register.possible_duplicates(p, s, household, outside_case=case_id)


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


def add_member(p: Platform, who: Principal, case_id: str, body: MemberIn) -> Command[CaseOut]:
    """A household moves together: a member is added before the TVRH is issued."""
    return Command(
        operation=f"case:{case_id}:add_member",
        payload=body.model_dump(mode="json"),
        output=CaseOut,
        run=lambda s: _add_member(p, s, who, case_id, body),
    )


def _add_member(p: Platform, s: Session, who: Principal, case_id: str, body: MemberIn) -> CaseOut:
    case = visible_case(s, who, case_id, Permission.HOUSEHOLD_UPDATE)
    position = len(persons_of(s, case.id))
    if body.document_number:
        _refuse_duplicates(p, s, [body.document_number])
    advance(s, who, case, Action.ADD_MEMBER, context=GuardContext(today=p.today()))
    s.add(encrypt_person(p, case.id, position, body.relation, body, s=s))
    s.flush()
    duplicates = _index_and_match(p, s, case.id)
    return full_out(p, s, who, case).model_copy(update={"possible_duplicates": duplicates})


def applicant_account(p: Platform, who: Principal, username: str) -> str | None:
    """The id of the applicant account with this username, so an INM officer can link the case
    they register to the person's own account (and the person can then follow it)."""
    who.require(Permission.CASE_CREATE)
    with unit_of_work(p) as s:
        return applicant_named(s, username)
