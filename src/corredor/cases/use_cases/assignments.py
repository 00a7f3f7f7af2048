"""Assigning a case to caseworkers, ending an assignment, and reading a case's assignments.

Who may assign (permission `case:assign`): the person themselves for their own case (they asked
for help from a caseworker at the assisted site), and INM officers, who register every case and
run the corridor. That is the smallest rule that needs no new role: there is no agency
supervisor account yet, and an admin manages accounts, not cases. A caseworker never assigns a
case to themselves by this route; the one way a case becomes theirs without someone else's say is
registering the person themselves (a referral they make at the site, `referrals`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.accounts.users import agencies_of, names_and_roles
from corredor.cases.records import case_actor, note_on_timeline, visible_case
from corredor.cases.reference import load_reference
from corredor.cases.schemas import AssignmentEndIn, AssignmentIn, AssignmentOut
from corredor.cases.tables import Case, CaseAssignment
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import InvalidInput, NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, new_id, now


def assign_case(
    p: Platform, who: Principal, case_id: str, body: AssignmentIn
) -> Command[AssignmentOut]:
    return Command(
        operation=f"case:{case_id}:assign",
        payload=body.model_dump(mode="json"),
        output=AssignmentOut,
        run=lambda s: _assign(s, who, case_id, body),
    )


def end_assignment(
    p: Platform, who: Principal, case_id: str, assignment_id: str, body: AssignmentEndIn
) -> Command[AssignmentOut]:
    return Command(
        operation=f"case:{case_id}:assignment:{assignment_id}:end",
        payload=body.model_dump(mode="json"),
        output=AssignmentOut,
        run=lambda s: _end(s, who, case_id, assignment_id, body),
    )


def assignments(p: Platform, who: Principal, case_id: str) -> list[AssignmentOut]:
    """A case's assignments, in force and ended, oldest first."""
    with unit_of_work(p) as s:
        case = visible_case(s, who, case_id, Permission.CASE_READ_STATUS)
        rows = s.execute(
            select(CaseAssignment)
            .where(CaseAssignment.case_id == case.id)
            .order_by(CaseAssignment.assigned_at, CaseAssignment.id)
        ).scalars()
        return [assignment_out(row) for row in rows]


def assign_registering_caseworker(s: Session, who: Principal, case: Case) -> None:
    """The caseworker who registers a person (a referral made with them) acts on that person's
    case: the person came to them for help. Inside the registration's transaction."""
    _record(
        s,
        who,
        case,
        caseworker_id=who.user_id,
        agency=None,
        site_id=None,
        reason="registered the person",
    )


# ---- the work, inside the caller's unit of work ----


def _assign(s: Session, who: Principal, case_id: str, body: AssignmentIn) -> AssignmentOut:
    case = visible_case(s, who, case_id, Permission.CASE_ASSIGN)
    if (body.caseworker_id is None) == (body.agency is None):
        raise InvalidInput("caseworker_id", "name either a caseworker_id or an agency, not both")
    if body.caseworker_id is not None:
        found = names_and_roles(s, {body.caseworker_id}).get(body.caseworker_id)
        if found is None or found[1] != Role.CASEWORKER:
            raise InvalidInput("caseworker_id", "no caseworker account has this id")
        site = body.site_id
        if site is not None:
            _check_site(site, agencies_of(s, {body.caseworker_id}).get(body.caseworker_id))
    else:
        if body.site_id is None:
            raise InvalidInput("site_id", "an agency is assigned at the site where it helps")
        site = _check_site(body.site_id, body.agency)
    row = _record(
        s,
        who,
        case,
        caseworker_id=body.caseworker_id,
        agency=body.agency,
        site_id=site,
        reason=body.reason,
    )
    return assignment_out(row)


def _check_site(site_id: str, agency: str | None) -> str:
    place = load_reference().assisted_site(site_id)
    if place is None:
        raise InvalidInput("site_id", f"{site_id} is not an assisted site")
    if agency not in place.partners:
        raise InvalidInput("site_id", f"{agency} does not help people at {site_id}")
    return site_id


def _record(
    s: Session,
    who: Principal,
    case: Case,
    *,
    caseworker_id: str | None,
    agency: str | None,
    site_id: str | None,
    reason: str,
) -> CaseAssignment:
    row = CaseAssignment(
        id=new_id(),
        case_id=case.id,
        caseworker_id=caseworker_id,
        agency=agency,
        site_id=site_id,
        reason=reason,
        assigned_by=who.user_id,
        assigned_at=now(),
    )
    s.add(row)
    whom = {"caseworker": caseworker_id} if caseworker_id else {"agency": agency}
    note_on_timeline(s, who, case, "caseworker_assigned", {**whom, "site": site_id})
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.CASE_ASSIGN,
        case_id=case.id,
        detail={"assignment": row.id, **whom, "site": site_id, "reason": reason},
    )
    s.flush()
    return row


def _end(
    s: Session, who: Principal, case_id: str, assignment_id: str, body: AssignmentEndIn
) -> AssignmentOut:
    case = visible_case(s, who, case_id, Permission.CASE_ASSIGN)
    row = s.get(CaseAssignment, assignment_id)
    if row is None or row.case_id != case.id:
        raise NotFound(f"no assignment {assignment_id}")
    if row.ended_at is None:
        row.ended_at, row.ended_by, row.end_reason = now(), who.user_id, body.reason
        note_on_timeline(s, who, case, "caseworker_unassigned", {"assignment": row.id})
        audit.append(
            s,
            case_actor(s, who, case),
            AuditTag.CASE_UNASSIGN,
            case_id=case.id,
            detail={"assignment": row.id, "reason": body.reason},
        )
        s.flush()
    return assignment_out(row)


def assignment_out(row: CaseAssignment) -> AssignmentOut:
    return AssignmentOut(
        id=row.id,
        case_id=row.case_id,
        caseworker_id=row.caseworker_id,
        agency=row.agency,
        site_id=row.site_id,
        reason=row.reason,
        assigned_by=row.assigned_by,
        assigned_at=audit.as_utc(row.assigned_at),
        ended_at=audit.as_utc(row.ended_at) if row.ended_at else None,
        ended_by=row.ended_by,
        end_reason=row.end_reason,
    )
