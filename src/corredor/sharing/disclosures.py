"""A case's disclosures, read inside the caller's unit of work: the case's status lists them, and
the workflow asks whether one to CBP is in force before a parole application or vetting; and
whether the person's consent is in force (allocation, before a caseworker asks in their name)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.kernel import audit
from corredor.sharing.schemas import DisclosureOut
from corredor.sharing.tables import Consent, Disclosure


def disclosure_out(disclosure: Disclosure, consent_active: bool) -> DisclosureOut:
    return DisclosureOut(
        id=disclosure.id,
        case_id=disclosure.case_id,
        consent_id=disclosure.consent_id,
        recipient=disclosure.recipient,
        purpose=disclosure.purpose,
        legal_basis=disclosure.legal_basis,
        fields=list(disclosure.fields),
        active=disclosure.revoked_at is None and consent_active,
        created_at=audit.as_utc(disclosure.created_at),
    )


def disclosures_of(session: Session, case_id: str) -> list[DisclosureOut]:
    """Every disclosure of the case, oldest first; active while it and its consent stand."""
    consents = {
        consent_id: revoked_at is None
        for consent_id, revoked_at in session.execute(
            select(Consent.id, Consent.revoked_at).where(Consent.case_id == case_id)
        ).all()
    }
    rows = session.execute(
        select(Disclosure).where(Disclosure.case_id == case_id).order_by(Disclosure.created_at)
    ).scalars()
    return [disclosure_out(d, consents.get(d.consent_id, False)) for d in rows]


def in_force(session: Session, case_id: str, recipient: str) -> list[str]:
    """The ids of the case's disclosures to the recipient that are in force."""
    return list(
        session.execute(
            select(Disclosure.id)
            .join(Consent, Consent.id == Disclosure.consent_id)
            .where(
                Disclosure.case_id == case_id,
                Disclosure.recipient == recipient,
                Disclosure.revoked_at.is_(None),
                Consent.revoked_at.is_(None),
            )
        )
        .scalars()
        .all()
    )


def has_consent_in_force(session: Session, case_id: str) -> bool:
    """True when the case holds a consent not revoked: what a caseworker needs before acting for
    the household elsewhere (asking for appointments in their name)."""
    found = session.execute(
        select(Consent.id).where(Consent.case_id == case_id, Consent.revoked_at.is_(None)).limit(1)
    ).first()
    return found is not None
