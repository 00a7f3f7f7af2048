"""Reading cases: one with its personal data (audited), its status without them, its timeline,
and lists (an applicant sees only their own; a search by document number is audited)."""

from __future__ import annotations

from sqlalchemy import select

from corredor.cases.domain.workflow import CaseState
from corredor.cases.records import full_out, status_out, visible_case
from corredor.cases.schemas import CaseOut, CaseStatusOut, EventOut
from corredor.cases.scope import within_scope
from corredor.cases.tables import Case, CaseEvent, Person
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor


def get_case(p: Platform, who: Principal, case_id: str) -> CaseOut:
    """The case with its personal data (decrypted); every read is in the audit log."""
    with unit_of_work(p) as s:
        return full_out(p, s, who, visible_case(s, who, case_id, Permission.CASE_READ))


def get_status(p: Platform, who: Principal, case_id: str) -> CaseStatusOut:
    with unit_of_work(p) as s:
        return status_out(s, visible_case(s, who, case_id, Permission.CASE_READ_STATUS))


def timeline(p: Platform, who: Principal, case_id: str) -> list[EventOut]:
    with unit_of_work(p) as s:
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
    who: Principal,
    *,
    state: CaseState | None = None,
    document_number: str | None = None,
    limit: int = 50,
) -> list[CaseStatusOut]:
    """Cases without personal data, newest first; an applicant sees only their own, a
    caseworker only those assigned to them (a search by document number included)."""
    who.require(Permission.CASE_LIST)
    query = select(Case).order_by(Case.created_at.desc()).limit(limit)
    if state is not None:
        query = query.where(Case.state == str(state))
    scope = within_scope(who)
    if scope is not None:
        query = query.where(scope)
    with unit_of_work(p) as s:
        if document_number is not None:
            # A search by document number looks up personal data: only for those who may read it.
            who.require(Permission.CASE_READ)
            digest = p.lookup.digest(document_number)
            query = query.join(Person, Person.case_id == Case.id).where(
                Person.document_hash == digest
            )
            audit.append(s, actor(s, who), AuditTag.CASE_SEARCH_BY_DOCUMENT, detail={})
        return [status_out(s, case) for case in s.execute(query).scalars().unique()]
