"""Which cases a caseworker may act on: those assigned to them, by name or through their agency
at a site (cases.tables.CaseAssignment). Applicants' scope (their own cases) and officers' (every
case their permission reaches) need no table; this is the caseworkers' part, used by
`records.visible_case` for one case and by the lists and searches for many.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session

from corredor.cases.tables import Case, CaseAssignment
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Role


def _in_force_for(who: Principal) -> ColumnElement[bool]:
    """An assignment in force that names this caseworker, or their agency (for no one by name)."""
    by_agency = and_(
        CaseAssignment.caseworker_id.is_(None),
        CaseAssignment.agency == (str(who.agency) if who.agency else None),
    )
    return and_(
        CaseAssignment.ended_at.is_(None),
        or_(CaseAssignment.caseworker_id == who.user_id, by_agency),
    )


def assigned_to(session: Session, who: Principal, case_id: str) -> bool:
    """True when the case is assigned to this caseworker (by name or through their agency)."""
    found = session.execute(
        select(CaseAssignment.id)
        .where(CaseAssignment.case_id == case_id, _in_force_for(who))
        .limit(1)
    ).first()
    return found is not None


def within_scope(who: Principal) -> ColumnElement[bool] | None:
    """A filter on `Case` keeping only what the caller may list; None when nothing narrows it
    beyond the permission (officers). Applicants: their own; caseworkers: those assigned."""
    if who.role is Role.APPLICANT:
        return Case.applicant_user_id == who.user_id
    if who.role is Role.CASEWORKER:
        return exists(
            select(CaseAssignment.id).where(CaseAssignment.case_id == Case.id, _in_force_for(who))
        )
    return None
