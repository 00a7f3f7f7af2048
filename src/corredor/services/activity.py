"""Who has seen or changed a person's case: the audit log, read for the person it is about.

An applicant may ask, for their own case, which agency looked at their data, when, and why. The
answer names roles and agencies, never the officers themselves, and carries no personal data.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.adapters.db.models import AuditEntry, User
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission
from corredor.services.platform import visible_case
from corredor.sharing.tables import Disclosure


class Purpose(StrEnum):
    """Why an entry touched the case, in words the person can be told."""

    REGISTRATION = "registration"  # the INM officer registered the household
    CASE_WORK = "case_work"  # an agency working on the case read it
    PAROLE = "parole"  # CBP, through a disclosure the person consented to
    VETTING = "vetting"  # CBP's security check, through the same disclosure
    CONSENT = "consent"  # consent given or withdrawn, disclosure made or ended
    DECISION = "decision"  # a step of the case: TVRH, application, decision, admission


# Entries that read the person's data, and why each was allowed.
_READS: dict[str, Purpose] = {
    AuditTag.CASE_READ_PERSONAL_DATA: Purpose.CASE_WORK,
    AuditTag.DISCLOSURE_READ: Purpose.PAROLE,
    AuditTag.DISCLOSURE_READ_FOR_VETTING: Purpose.VETTING,
    AuditTag.VETTING_READ: Purpose.VETTING,
    # a document holds the holder's name and birth date (the holder reading their own too)
    AuditTag.DOCUMENT_READ: Purpose.CASE_WORK,
}


class CaseAccessOut(BaseModel):
    at: datetime
    action: str  # the audit action, e.g. platform:disclosure:read
    read_personal_data: bool
    purpose: Purpose
    actor_role: str | None
    actor_agency: str | None
    by_the_person: bool  # the applicant themselves
    on_behalf: bool  # a caseworker acting for the person
    legal_basis: str | None  # for reads through a disclosure


def _purpose(action: str) -> Purpose:
    if action in _READS:
        return _READS[action]
    if action == AuditTag.CASE_REGISTER:
        return Purpose.REGISTRATION
    if ":consent:" in action or ":disclosure:" in action:
        return Purpose.CONSENT
    return Purpose.DECISION


def case_activity(s: Session, who: Principal, case_id: str) -> list[CaseAccessOut]:
    """Every audit entry about the case, newest first, with the actor's role and agency."""
    case = visible_case(s, who, case_id, Permission.CASE_READ)
    rows = s.execute(
        select(AuditEntry, User.agency)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.case_id == case.id)
        .order_by(AuditEntry.seq.desc())
    ).all()
    disclosure_ids = {
        str(entry.detail["disclosure_id"]) for entry, _ in rows if "disclosure_id" in entry.detail
    }
    bases = dict(
        s.execute(
            select(Disclosure.id, Disclosure.legal_basis).where(Disclosure.id.in_(disclosure_ids))
        ).all()
    )
    return [
        CaseAccessOut(
            at=audit.as_utc(entry.at),
            action=entry.action,
            read_personal_data=entry.action in _READS,
            purpose=_purpose(entry.action),
            actor_role=entry.actor_role,
            actor_agency=agency,
            by_the_person=entry.actor_id is not None and entry.actor_id == case.applicant_user_id,
            on_behalf=entry.on_behalf_of is not None,
            legal_basis=bases.get(str(entry.detail.get("disclosure_id"))),
        )
        for entry, agency in rows
    ]


def applicant_account(s: Session, who: Principal, username: str) -> str | None:
    """The id of the applicant account with this username, so an INM officer can link the case
    they register to the person's own account (and the person can then follow it)."""
    who.require(Permission.CASE_CREATE)
    found = s.execute(
        select(User.id).where(User.username == username, User.role == "applicant")
    ).scalar_one_or_none()
    return str(found) if found else None
