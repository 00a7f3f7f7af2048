"""Consent and disclosure (seed 000, step 2): INM shares with CBP only what the person allowed.

CBP reads a disclosure's fields and nothing else; revoking the consent ends every disclosure
resting on it at once. Every read of personal data through a disclosure is audited.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Forbidden, InvalidInput, NotFound
from corredor.services.corridor import current_tvrh
from corredor.services.platform import (
    Platform,
    actor,
    decrypt_person,
    disclosure_out,
    load_case,
    new_id,
    now,
    persons_of,
    visible_case,
)
from corredor.services.schemas import ConsentIn, ConsentOut, DisclosedDataOut, DisclosureIn
from corredor.sharing.domain.disclosure import (
    DisclosableField,
    DisclosureRefused,
    Purpose,
    project,
    recipient_policy,
    releasable,
)
from corredor.sharing.tables import Consent, Disclosure

Answer = tuple[int, dict[str, Any]]


def _consent_out(consent: Consent) -> ConsentOut:
    return ConsentOut(
        id=consent.id,
        case_id=consent.case_id,
        recipient=consent.recipient,
        purpose=consent.purpose,
        fields=list(consent.fields),
        given_at=audit.as_utc(consent.given_at),
        revoked_at=audit.as_utc(consent.revoked_at) if consent.revoked_at else None,
    )


def record_consent(
    p: Platform, s: Session, who: Principal, case_id: str, body: ConsentIn
) -> Answer:
    case = visible_case(s, who, case_id, Permission.CONSENT_RECORD)
    consent = Consent(
        id=new_id(),
        case_id=case.id,
        recipient=body.recipient,
        purpose=str(body.purpose),
        fields=sorted({str(f) for f in body.fields}),
        recorded_by=who.user_id,
        given_at=now(),
    )
    s.add(consent)
    audit.append(
        s,
        actor(s, who, case),
        AuditTag.CONSENT_RECORD,
        case_id=case.id,
        detail={"consent_id": consent.id, "recipient": body.recipient, "fields": consent.fields},
    )
    s.flush()
    return 201, _consent_out(consent).model_dump(mode="json")


def _consent(s: Session, consent_id: str) -> Consent:
    consent = s.get(Consent, consent_id)
    if consent is None:
        raise NotFound(f"no consent {consent_id}")
    return consent


def revoke_consent(p: Platform, s: Session, who: Principal, consent_id: str) -> Answer:
    who.require(Permission.CONSENT_REVOKE)
    consent = _consent(s, consent_id)
    case = visible_case(s, who, consent.case_id, Permission.CONSENT_REVOKE)
    if consent.revoked_at is None:
        consent.revoked_at, consent.revoked_by = now(), who.user_id
        for disclosure in s.execute(
            select(Disclosure).where(
                Disclosure.consent_id == consent.id, Disclosure.revoked_at.is_(None)
            )
        ).scalars():
            disclosure.revoked_at = consent.revoked_at
        audit.append(
            s,
            actor(s, who, case),
            AuditTag.CONSENT_REVOKE,
            case_id=case.id,
            detail={"consent_id": consent.id},
        )
        s.flush()
    return 200, _consent_out(consent).model_dump(mode="json")


def create_disclosure(
    p: Platform, s: Session, who: Principal, case_id: str, body: DisclosureIn
) -> Answer:
    case = visible_case(s, who, case_id, Permission.DISCLOSURE_CREATE)
    consent = _consent(s, body.consent_id)
    if consent.case_id != case.id:
        raise InvalidInput("consent_id", "this consent belongs to another case")
    if consent.revoked_at is not None:
        raise InvalidInput("consent_id", "this consent was revoked")
    try:
        policy = recipient_policy(consent.recipient, Purpose(consent.purpose))
        fields = releasable(
            frozenset(body.fields),
            frozenset(DisclosableField(f) for f in consent.fields),
            policy,
        )
    except DisclosureRefused as error:
        raise InvalidInput(error.field, str(error)) from None
    disclosure = Disclosure(
        id=new_id(),
        case_id=case.id,
        consent_id=consent.id,
        recipient=policy.recipient,
        purpose=str(policy.purpose),
        legal_basis=policy.legal_basis,
        fields=sorted(str(f) for f in fields),
        created_by=who.user_id,
        created_at=now(),
    )
    s.add(disclosure)
    audit.append(
        s,
        actor(s, who, case),
        AuditTag.DISCLOSURE_CREATE,
        case_id=case.id,
        detail={
            "disclosure_id": disclosure.id,
            "recipient": policy.recipient,
            "fields": disclosure.fields,
        },
    )
    s.flush()
    return 201, disclosure_out(disclosure, True).model_dump(mode="json")


def _disclosure(s: Session, who: Principal, disclosure_id: str) -> Disclosure:
    disclosure = s.get(Disclosure, disclosure_id)
    if disclosure is None:
        raise NotFound(f"no disclosure {disclosure_id}")
    # A recipient agency sees only disclosures made to it.
    if who.role is Role.CBP_OFFICER and disclosure.recipient != "CBP":
        raise NotFound(f"no disclosure {disclosure_id}")
    return disclosure


def revoke_disclosure(p: Platform, s: Session, who: Principal, disclosure_id: str) -> Answer:
    who.require(Permission.DISCLOSURE_REVOKE)
    disclosure = _disclosure(s, who, disclosure_id)
    if disclosure.revoked_at is None:
        disclosure.revoked_at = now()
        audit.append(
            s,
            actor(s, who),
            AuditTag.DISCLOSURE_REVOKE,
            case_id=disclosure.case_id,
            detail={"disclosure_id": disclosure.id},
        )
        s.flush()
    consent = _consent(s, disclosure.consent_id)
    return 200, disclosure_out(disclosure, consent.revoked_at is None).model_dump(mode="json")


def read_disclosed(p: Platform, s: Session, who: Principal, disclosure_id: str) -> DisclosedDataOut:
    """The disclosed fields, and only those; refused once the disclosure or consent ended."""
    who.require(Permission.DISCLOSURE_READ)
    disclosure = _disclosure(s, who, disclosure_id)
    consent = _consent(s, disclosure.consent_id)
    if disclosure.revoked_at is not None or consent.revoked_at is not None:
        audit.append(
            s,
            actor(s, who),
            AuditTag.DISCLOSURE_READ_REFUSED,
            case_id=disclosure.case_id,
            detail={"disclosure_id": disclosure.id},
        )
        raise Forbidden(
            "this disclosure is no longer in force: the consent or disclosure was revoked"
        )
    fields = frozenset(DisclosableField(f) for f in disclosure.fields)
    case = load_case(s, disclosure.case_id)
    people = [
        decrypt_person(p, person).model_dump(mode="json") for person in persons_of(s, case.id)
    ]
    shown_people = [
        project({**person, "household": person["relation"]}, fields) for person in people
    ]
    case_data: dict[str, object] = {}
    if DisclosableField.TVRH in fields:
        card = current_tvrh(s, case.id)
        if card is not None:
            case_data["tvrh"] = {"number": card.number, "valid_until": card.valid_until.isoformat()}
    if DisclosableField.LEGAL_GROUND in fields:
        case_data["legal_ground"] = case.facts.get("ground")
    audit.append(
        s,
        actor(s, who),
        AuditTag.DISCLOSURE_READ,
        case_id=case.id,
        detail={"disclosure_id": disclosure.id, "fields": sorted(fields)},
    )
    return DisclosedDataOut(
        disclosure_id=disclosure.id,
        case_id=case.id,
        recipient=disclosure.recipient,
        fields=sorted(fields),
        persons=shown_people,
        case=case_data,
    )


def list_consents(s: Session, who: Principal, case_id: str) -> list[ConsentOut]:
    case = visible_case(s, who, case_id, Permission.CONSENT_RECORD)
    rows = s.execute(select(Consent).where(Consent.case_id == case.id).order_by(Consent.given_at))
    return [_consent_out(c) for c in rows.scalars()]
