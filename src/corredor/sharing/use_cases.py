"""Consent and disclosure (seed 000, step 2): INM shares with CBP only what the person allowed;
and who has seen a person's data.

CBP reads a disclosure's fields and nothing else; revoking the consent ends every disclosure
resting on it at once. Every read of personal data through a disclosure is audited. Each use
case opens its own unit of work, or is a `Command` its caller runs once per key.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.accounts.users import agencies_of
from corredor.cases.records import (
    case_actor,
    current_tvrh,
    decrypt_person,
    load_case,
    note_on_timeline,
    persons_of,
    visible_case,
)
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from corredor.kernel.tables import AuditEntry
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform, actor, new_id, now
from corredor.sharing.disclosures import disclosure_out, disclosures_of
from corredor.sharing.domain.disclosure import (
    DISCLOSABLE_STATES,
    DisclosableField,
    DisclosureRefused,
    Purpose,
    project,
    recipient_policy,
    releasable,
)
from corredor.sharing.schemas import (
    AccessPurpose,
    CaseAccessOut,
    CaseActivityOut,
    CaseConsentsOut,
    ConsentIn,
    ConsentOut,
    ConsentRevokeIn,
    DisclosedDataOut,
    DisclosureIn,
    DisclosureOut,
)
from corredor.sharing.tables import Consent, Disclosure


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


def _consent(s: Session, consent_id: str) -> Consent:
    consent = s.get(Consent, consent_id)
    if consent is None:
        raise NotFound(f"no consent {consent_id}")
    return consent


def _disclosure(s: Session, who: Principal, disclosure_id: str) -> Disclosure:
    disclosure = s.get(Disclosure, disclosure_id)
    if disclosure is None:
        raise NotFound(f"no disclosure {disclosure_id}")
    # A recipient agency sees only disclosures made to it.
    if who.role is Role.CBP_OFFICER and disclosure.recipient != "CBP":
        raise NotFound(f"no disclosure {disclosure_id}")
    return disclosure


# ---- consent ----


def record_consent(
    p: Platform, who: Principal, case_id: str, body: ConsentIn
) -> Command[ConsentOut]:
    """The person's consent to share named fields with a recipient for a purpose."""
    return Command(
        operation=f"case:{case_id}:consent",
        payload=body.model_dump(mode="json"),
        output=ConsentOut,
        run=lambda s: _record_consent(s, who, case_id, body),
    )


def _record_consent(s: Session, who: Principal, case_id: str, body: ConsentIn) -> ConsentOut:
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
    note_on_timeline(s, who, case, "consent_recorded", {"recipient": body.recipient})
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.CONSENT_RECORD,
        case_id=case.id,
        detail={"consent_id": consent.id, "recipient": body.recipient, "fields": consent.fields},
    )
    s.flush()
    return _consent_out(consent)


def revoke_consent(
    p: Platform, who: Principal, consent_id: str, body: ConsentRevokeIn | None = None
) -> Command[ConsentOut]:
    """Revoking consent ends every disclosure resting on it: no further reads. A caseworker
    revokes only on the person's own instruction, with a reason."""
    given = body or ConsentRevokeIn()
    return Command(
        operation=f"consent:{consent_id}:revoke",
        payload=given.model_dump(mode="json"),
        output=ConsentOut,
        run=lambda s: _revoke_consent(s, who, consent_id, given),
    )


def _instruction(who: Principal, body: ConsentRevokeIn) -> dict[str, object]:
    """What the timeline and the audit record about who asked for the revocation, and why.

    A consent is the person's: a caseworker (who may hold many cases) must not end it on their
    own account, which would block the person's parole application without their say."""
    if who.role is not Role.CASEWORKER:
        return {"reason": body.reason} if body.reason else {}
    if not body.on_instruction_of_person:
        raise InvalidInput(
            "on_instruction_of_person",
            "a caseworker withdraws a consent only on the person's own instruction",
        )
    if not body.reason:
        raise InvalidInput("reason", "say why the person asked for their consent to be withdrawn")
    return {"on_instruction_of_person": True, "reason": body.reason}


def _revoke_consent(
    s: Session, who: Principal, consent_id: str, body: ConsentRevokeIn
) -> ConsentOut:
    who.require(Permission.CONSENT_REVOKE)
    consent = _consent(s, consent_id)
    case = visible_case(s, who, consent.case_id, Permission.CONSENT_REVOKE)
    instruction = _instruction(who, body)
    if consent.revoked_at is None:
        consent.revoked_at, consent.revoked_by = now(), who.user_id
        for disclosure in s.execute(
            select(Disclosure).where(
                Disclosure.consent_id == consent.id, Disclosure.revoked_at.is_(None)
            )
        ).scalars():
            disclosure.revoked_at = consent.revoked_at
        note_on_timeline(
            s, who, case, "consent_revoked", {"recipient": consent.recipient, **instruction}
        )
        audit.append(
            s,
            case_actor(s, who, case),
            AuditTag.CONSENT_REVOKE,
            case_id=case.id,
            detail={"consent_id": consent.id, **instruction},
        )
        s.flush()
    return _consent_out(consent)


def list_consents(p: Platform, who: Principal, case_id: str) -> list[ConsentOut]:
    with unit_of_work(p) as s:
        return _consents(s, who, case_id)


def _consents(s: Session, who: Principal, case_id: str) -> list[ConsentOut]:
    case = visible_case(s, who, case_id, Permission.CONSENT_RECORD)
    rows = s.execute(select(Consent).where(Consent.case_id == case.id).order_by(Consent.given_at))
    return [_consent_out(c) for c in rows.scalars()]


def case_consents(p: Platform, who: Principal, case_id: str) -> CaseConsentsOut:
    """The case's consents and disclosures in force, for one who may see the case's status."""
    with unit_of_work(p) as s:
        case = visible_case(s, who, case_id, Permission.CASE_READ_STATUS)
        in_force = [d for d in disclosures_of(s, case.id) if d.active]
        return CaseConsentsOut(
            case_id=case.id, consents=_consents(s, who, case_id), disclosures_in_force=in_force
        )


# ---- disclosure ----


def create_disclosure(
    p: Platform, who: Principal, case_id: str, body: DisclosureIn
) -> Command[DisclosureOut]:
    """INM discloses to CBP the consented fields CBP needs for parole."""
    return Command(
        operation=f"case:{case_id}:disclosure",
        payload=body.model_dump(mode="json"),
        output=DisclosureOut,
        run=lambda s: _create_disclosure(s, who, case_id, body),
    )


def _create_disclosure(
    s: Session, who: Principal, case_id: str, body: DisclosureIn
) -> DisclosureOut:
    case = visible_case(s, who, case_id, Permission.DISCLOSURE_CREATE)
    if case.state not in DISCLOSABLE_STATES:
        raise Conflict(
            f"a disclosure to CBP for parole needs a case whose TVRH was issued; this case is "
            f"{case.state}",
            state=case.state,
            allowed=sorted(DISCLOSABLE_STATES),
        )
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
    note_on_timeline(s, who, case, "disclosed", {"recipient": policy.recipient})
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.DISCLOSURE_CREATE,
        case_id=case.id,
        detail={
            "disclosure_id": disclosure.id,
            "recipient": policy.recipient,
            "fields": disclosure.fields,
        },
    )
    s.flush()
    return disclosure_out(disclosure, True)


def revoke_disclosure(p: Platform, who: Principal, disclosure_id: str) -> Command[DisclosureOut]:
    return Command(
        operation=f"disclosure:{disclosure_id}:revoke",
        payload={},
        output=DisclosureOut,
        run=lambda s: _revoke_disclosure(s, who, disclosure_id),
    )


def _revoke_disclosure(s: Session, who: Principal, disclosure_id: str) -> DisclosureOut:
    who.require(Permission.DISCLOSURE_REVOKE)
    disclosure = _disclosure(s, who, disclosure_id)
    if disclosure.revoked_at is None:
        disclosure.revoked_at = now()
        case = load_case(s, disclosure.case_id)
        note_on_timeline(s, who, case, "disclosure_ended", {"recipient": disclosure.recipient})
        audit.append(
            s,
            actor(s, who),
            AuditTag.DISCLOSURE_REVOKE,
            case_id=disclosure.case_id,
            detail={"disclosure_id": disclosure.id},
        )
        s.flush()
    consent = _consent(s, disclosure.consent_id)
    return disclosure_out(disclosure, consent.revoked_at is None)


def read_disclosed(p: Platform, who: Principal, disclosure_id: str) -> DisclosedDataOut:
    """The disclosed fields, and only those; refused once the disclosure or consent ended."""
    with unit_of_work(p) as s:
        return _read(p, s, who, disclosure_id)


def _read(p: Platform, s: Session, who: Principal, disclosure_id: str) -> DisclosedDataOut:
    who.require(Permission.DISCLOSURE_READ)
    disclosure = _disclosure(s, who, disclosure_id)
    consent = _consent(s, disclosure.consent_id)
    if disclosure.revoked_at is not None or consent.revoked_at is not None:
        # NB: raised inside the unit of work, this entry is rolled back with it (as before the
        # move); keeping it needs its own unit of work.
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


# ---- who has seen the person's data ----

# Entries that read the person's data, and why each was allowed.
_READS: dict[str, AccessPurpose] = {
    AuditTag.CASE_READ_PERSONAL_DATA: AccessPurpose.CASE_WORK,
    AuditTag.DISCLOSURE_READ: AccessPurpose.PAROLE,
    AuditTag.DISCLOSURE_READ_FOR_VETTING: AccessPurpose.VETTING,
    AuditTag.VETTING_READ: AccessPurpose.VETTING,
    # a document holds the holder's name and birth date (the holder reading their own too)
    AuditTag.DOCUMENT_READ: AccessPurpose.CASE_WORK,
}


def _purpose(action: str) -> AccessPurpose:
    if action in _READS:
        return _READS[action]
    if action == AuditTag.CASE_REGISTER:
        return AccessPurpose.REGISTRATION
    if ":consent:" in action or ":disclosure:" in action:
        return AccessPurpose.CONSENT
    return AccessPurpose.DECISION


def case_activity(p: Platform, who: Principal, case_id: str) -> CaseActivityOut:
    """Every audit entry about the case, newest first, with the actor's role and agency: an
    applicant may ask, for their own case, which agency looked at their data, when, and why."""
    with unit_of_work(p) as s:
        case = visible_case(s, who, case_id, Permission.CASE_READ_STATUS)
        visible_case(s, who, case_id, Permission.CASE_READ)
        found = (
            s.execute(
                select(AuditEntry)
                .where(AuditEntry.case_id == case.id)
                .order_by(AuditEntry.seq.desc())
            )
            .scalars()
            .all()
        )
        agencies = agencies_of(s, {e.actor_id for e in found if e.actor_id is not None})
        rows = [(e, agencies.get(e.actor_id) if e.actor_id else None) for e in found]
        disclosure_ids = {
            str(entry.detail["disclosure_id"])
            for entry, _ in rows
            if "disclosure_id" in entry.detail
        }
        bases = dict(
            s.execute(
                select(Disclosure.id, Disclosure.legal_basis).where(
                    Disclosure.id.in_(disclosure_ids)
                )
            ).all()
        )
        entries = [
            CaseAccessOut(
                at=audit.as_utc(entry.at),
                action=entry.action,
                read_personal_data=entry.action in _READS,
                purpose=_purpose(entry.action),
                actor_role=entry.actor_role,
                actor_agency=agency,
                by_the_person=entry.actor_id is not None
                and entry.actor_id == case.applicant_user_id,
                on_behalf=entry.on_behalf_of is not None,
                legal_basis=bases.get(str(entry.detail.get("disclosure_id"))),
            )
            for entry, agency in rows
        ]
        return CaseActivityOut(case_id=case.id, entries=entries)
