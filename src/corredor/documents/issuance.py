"""Signed documents along the case workflow, and the yes/no checks verifiers call.

Issuance follows the workflow: the TVRH grant issues a TVRH card to each member of the
household, the parole grant a travel authorization, admission a work authorization. Withdrawal
revokes a case's documents, the TVRH's expiry its cards. Every issuance, revocation, read and
check is in the audit log; a check answers valid or not with the validity dates, nothing more.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from corredor.cases.domain.corridor import GrantKind, TravelMode
from corredor.cases.records import (
    case_actor,
    cases_of_applicant,
    decrypt_person,
    latest_grant,
    load_case,
    note_on_timeline,
    persons_of,
    visible_case,
)
from corredor.documents import issuer_keys
from corredor.documents.credentials import sd_jwt
from corredor.documents.credentials.verifier import Verifier
from corredor.documents.domain.credentials import (
    FROM_GRANT,
    ISSUER,
    TITLE,
    CheckReason,
    Credential,
    DocumentType,
    from_claims,
)
from corredor.documents.domain.vc import (
    NAME,
    PICTURE,
    disclosable_claims,
    from_vc_claims,
    picture_url,
    plain_claims,
)
from corredor.documents.schemas import CheckIn, CheckOut, CounterAnswer, DocumentOut
from corredor.documents.tables import DocumentRow
from corredor.documents.work_age import work_age_rule
from corredor.identity.portraits import portraits_of
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.crypto import data_key_owner
from corredor.kernel.data_keys import data_keys, erased_among
from corredor.kernel.domain.permissions import Permission, Role
from corredor.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from corredor.platform import Platform, actor, new_id, now

if TYPE_CHECKING:  # the case's rows, handed in by the case workflow that calls these steps
    from corredor.cases.tables import Case, Grant

TOKEN_COLUMN = "documents.token"
# The timeline event when a household member is too young for a work authorization document.
NOT_OLD_ENOUGH_TO_WORK = "work_authorization_not_issued"


ERASED_REASON = "holder erased"


def _holder_hash(p: Platform, number: str, birth_date: date) -> str:
    return p.lookup.digest(f"{number}|{birth_date.isoformat()}")


def _terms(grant: Grant) -> dict[str, Any]:
    if grant.kind == GrantKind.PAROLE:
        mode = grant.details.get("travel_mode")
        return {"travel_mode": TravelMode(mode) if mode else None, "port": grant.details["port_id"]}
    if grant.kind == GrantKind.WORK_AUTHORIZATION:
        return {"category": grant.details.get("category")}
    return {}


def printed_photo(
    p: Platform, s: Session, row: DocumentRow, credential: Credential
) -> bytes | None:
    """The photo the card prints: only the one whose thumbnail its code carries. A photo taken
    or replaced after the document was signed waits for the next document, so the card never
    shows a face its code does not vouch for."""
    portrait = portraits_of(p, s, [row.person_id]).get(row.person_id)
    if portrait is None or credential.holder_picture != picture_url(portrait.thumbnail):
        return None
    return portrait.printed


def _store(p: Platform, s: Session, row: DocumentRow, credential: Credential, key_id: str) -> None:
    """Sign the document as an SD-JWT VC with every disclosure attached (the holder's copy)."""
    key = issuer_keys.get_key(s, key_id)
    token = sd_jwt.issue(
        issuer_keys.private_key(p, key),
        key.kid,
        plain_claims(credential, issuer_keys.status_uri(p, credential.issuer)),
        disclosable_claims(credential),
    )
    row.key_id = key.kid
    # the token names the holder: sealed under their own data key, erased with them
    row.token_enc = data_keys(s, p.cipher).seal([row.person_id], token, TOKEN_COLUMN)


def issue_for_grant(p: Platform, s: Session, who: Principal, grant: Grant) -> list[DocumentRow]:
    """One signed document per member of the household, for a grant just made; a work
    authorization only for those old enough to work on the grant's first day (`work_age_rule`),
    the others' absence noted on the case's timeline with the rule's citation."""
    document_type = FROM_GRANT[GrantKind(grant.kind)]
    issuer = ISSUER[document_type]
    key = issuer_keys.signing_key(p, s, issuer)
    case = load_case(s, grant.case_id)
    rule = work_age_rule()
    rows, too_young = [], []
    persons = persons_of(s, grant.case_id)
    # the thumbnail the INM desk took with consent, signed into the code: the holder binding
    portraits = portraits_of(p, s, [person.id for person in persons])
    for person in persons:
        holder = decrypt_person(p, person)
        if document_type is DocumentType.WORK and not rule.old_enough(
            holder.birth_date, grant.valid_from
        ):
            too_young.append(person.position + 1)
            continue
        credential = Credential(
            type=document_type,
            number=f"{grant.number}-{person.position + 1}",
            issuer=issuer,
            holder_name=holder.name,
            holder_birth_date=holder.birth_date,
            valid_from=grant.valid_from,
            valid_until=grant.valid_until,
            status_index=issuer_keys.next_status_index(s, issuer),
            holder_picture=picture_url(portraits[person.id].thumbnail)
            if person.id in portraits
            else None,
            **_terms(grant),
        )
        row = DocumentRow(
            id=new_id(),
            case_id=grant.case_id,
            grant_id=grant.id,
            person_id=person.id,
            kind=str(document_type),
            number=credential.number,
            issuer=issuer,
            status_index=credential.status_index,
            holder_hash=_holder_hash(p, credential.number, holder.birth_date),
            valid_from=credential.valid_from,
            valid_until=credential.valid_until,
            issued_at=now(),
        )
        _store(p, s, row, credential, key.kid)
        s.add(row)
        rows.append(row)
    # only the member's place in the household and the rule: never their birth date
    not_issued = {"minimum_age": rule.minimum_age, "citation": rule.citation}
    for member in too_young:
        note_on_timeline(s, who, case, NOT_OLD_ENOUGH_TO_WORK, {"member": member, **not_issued})
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.DOCUMENT_ISSUE,
        case_id=grant.case_id,
        detail={
            "type": str(document_type),
            "numbers": [r.number for r in rows],
            "key": key.kid,
            **({"not_issued": too_young, **not_issued} if too_young else {}),
        },
    )
    s.flush()
    return rows


def _revoke(rows: list[DocumentRow], reason: str) -> list[str]:
    revoked = []
    for row in rows:
        if row.revoked_at is None:
            row.revoked_at, row.revocation_reason = now(), reason
            revoked.append(row.number)
    return revoked


def revoke_case_documents(
    s: Session,
    who: Principal,
    case_id: str,
    reason: str,
    types: frozenset[DocumentType] | None = None,
) -> list[str]:
    """Called by the workflow when a case's status ends (withdrawal, TVRH expiry)."""
    rows = s.execute(select(DocumentRow).where(DocumentRow.case_id == case_id)).scalars().all()
    chosen = [r for r in rows if types is None or DocumentType(r.kind) in types]
    revoked = _revoke(chosen, reason)
    if revoked:
        audit.append(
            s,
            case_actor(s, who, load_case(s, case_id)),
            AuditTag.DOCUMENT_REVOKE,
            case_id=case_id,
            detail={"numbers": revoked, "reason": reason},
        )
    s.flush()
    return revoked


def _row(s: Session, document_id: str) -> DocumentRow:
    row = s.get(DocumentRow, document_id)
    if row is None:
        raise NotFound(f"no document {document_id}")
    return row


def revoke_document(
    p: Platform, s: Session, who: Principal, document_id: str, reason: str
) -> DocumentOut:
    """An officer of the issuing agency revokes one document (e.g. a lost or misused card)."""
    who.require(Permission.DOCUMENT_REVOKE)
    row = _row(s, document_id)
    if who.agency is None or str(who.agency) != row.issuer:
        raise Forbidden(f"only {row.issuer} revokes {row.issuer} documents")
    if row.revoked_at is not None:
        raise Conflict(f"document {row.number} is already revoked", state="revoked")
    revoke_case_documents(s, who, row.case_id, reason, frozenset({DocumentType(row.kind)}))
    return _out(p, row)


def revoke_key(p: Platform, s: Session, kid: str, reason: str) -> list[str]:
    """A compromised key vouches for nothing: revoke it and re-sign its live documents under
    the agency's active key (a new one if the compromised key was the active one). Holders
    then need their new card; the numbers of the re-signed documents are returned."""
    row = issuer_keys.mark_revoked(p, s, kid, reason)
    replacement = issuer_keys.signing_key(p, s, row.issuer)
    live = s.execute(
        select(DocumentRow).where(
            DocumentRow.key_id == kid,
            DocumentRow.revoked_at.is_(None),
            DocumentRow.valid_until >= p.today(),
        )
    ).scalars()
    reissued = []
    for document in live:
        credential = credential_of(p, document)[0]
        _store(p, s, document, credential, replacement.kid)
        reissued.append(document.number)
    audit.append(
        s,
        audit.Actor(user_id=None, role="key_custodian"),
        AuditTag.ISSUER_KEY_REVOKE,
        detail={"kid": kid, "reason": reason, "resigned": len(reissued), "by": replacement.kid},
    )
    s.flush()
    return reissued


# ---- reading ----


def _token(p: Platform, row: DocumentRow) -> str:
    session = object_session(row)
    if session is None:
        raise ValueError(f"document {row.id} is not in a unit of work")
    return data_keys(session, p.cipher).open(row.token_enc, TOKEN_COLUMN)


def readable(s: Session, rows: list[DocumentRow]) -> list[DocumentRow]:
    """The documents whose holder was not erased (an erased holder's token cannot be read)."""
    erased = erased_among(s, {row.person_id for row in rows})
    return [row for row in rows if row.person_id not in erased]


def erase_holder(p: Platform, s: Session, by: audit.Actor, person_id: str) -> list[str]:
    """A person is being erased: their documents are revoked (a verifier's check answers
    'revoked', the status list says so offline) and lose the number-and-birth-date hash; a
    token still under the master key (issued before data keys) moves under theirs first, so
    the erasure reaches it."""
    rows = list(s.execute(select(DocumentRow).where(DocumentRow.person_id == person_id)).scalars())
    revoked = _revoke(rows, ERASED_REASON)
    keys = data_keys(s, p.cipher)
    for row in rows:
        row.holder_hash = ""
        if data_key_owner(row.token_enc) is None:
            row.token_enc = keys.seal([person_id], _token(p, row), TOKEN_COLUMN)
    if revoked:
        audit.append(
            s,
            by,
            AuditTag.DOCUMENT_REVOKE,
            case_id=rows[0].case_id,
            detail={"numbers": revoked, "reason": ERASED_REASON},
        )
    s.flush()
    return revoked


def credential_of(p: Platform, row: DocumentRow) -> tuple[Credential, str]:
    """The document as we signed it (both formats), read from our own sealed copy."""
    token = _token(p, row)
    return read_own(token), token


def read_own(token: str) -> Credential:
    """A token we issued and stored, read without re-checking its signature."""
    presented = sd_jwt.parse(token)
    if presented.disclosures is None:
        return from_claims(presented.jwt.claims)
    shown = sd_jwt.disclosed(presented.jwt.claims, presented.disclosures)
    return from_vc_claims(presented.jwt.claims, shown)


def _out(p: Platform, row: DocumentRow) -> DocumentOut:
    credential, token = credential_of(p, row)
    return DocumentOut(
        id=row.id,
        case_id=row.case_id,
        type=row.kind,
        title=TITLE[credential.type],
        number=row.number,
        issuer=row.issuer,
        holder_name=credential.holder_name,
        holder_birth_date=credential.holder_birth_date,
        valid_from=credential.valid_from,
        valid_until=credential.valid_until,
        travel_mode=credential.travel_mode and str(credential.travel_mode),
        port=credential.port,
        category=credential.category,
        key_id=row.key_id,
        revoked=row.revoked_at is not None,
        issued_at=audit.as_utc(row.issued_at),
        credential=token,
    )


def _audit_read(s: Session, who: Principal, case: Case, rows: list[DocumentRow]) -> None:
    audit.append(
        s,
        case_actor(s, who, case),
        AuditTag.DOCUMENT_READ,
        case_id=case.id,
        detail={"documents": [r.number for r in rows]},
    )


def case_documents(p: Platform, s: Session, who: Principal, case_id: str) -> list[DocumentOut]:
    case = visible_case(s, who, case_id, Permission.DOCUMENT_READ)
    rows = list(
        s.execute(
            select(DocumentRow)
            .where(DocumentRow.case_id == case.id)
            .order_by(DocumentRow.issued_at, DocumentRow.number)
        ).scalars()
    )
    _audit_read(s, who, case, rows)
    return [_out(p, row) for row in readable(s, rows)]


def my_documents(p: Platform, s: Session, who: Principal) -> list[DocumentOut]:
    """An applicant's documents across their cases (other roles hold none of their own)."""
    who.require(Permission.DOCUMENT_READ)
    if who.role is not Role.APPLICANT:
        return []
    cases = cases_of_applicant(s, who.user_id)
    return [document for case in cases for document in case_documents(p, s, who, case.id)]


def one_document(
    p: Platform, s: Session, who: Principal, document_id: str
) -> tuple[Credential, str, DocumentRow]:
    row = _row(s, document_id)
    case = visible_case(s, who, row.case_id, Permission.DOCUMENT_READ)
    _audit_read(s, who, case, [row])
    credential, token = credential_of(p, row)
    return credential, token, row


def document_out(p: Platform, s: Session, who: Principal, document_id: str) -> DocumentOut:
    return _out(p, one_document(p, s, who, document_id)[2])


# ---- the yes/no checks ----


def _find(p: Platform, s: Session, body: CheckIn) -> DocumentRow | None:
    """The document presented, if it is genuine and ours; None says 'no' and nothing else."""
    if body.credential is not None:
        if body.number is not None or body.birth_date is not None:
            raise InvalidInput("credential", "send the credential alone, or number and birth_date")
        verdict = Verifier(issuer_keys.key_ring(s)).authentic(body.credential)
        if verdict.credential is None or not verdict.valid:
            return None
        number = verdict.credential.number
        query = select(DocumentRow).where(DocumentRow.number == number)
        row = s.execute(query).scalar_one_or_none()
        # The row's key must be the one that signed it: a re-signed document's old card fails.
        signed_by = sd_jwt.parse(body.credential).jwt.kid
        return row if row is not None and row.key_id == signed_by else None
    if body.number is None or body.birth_date is None:
        field = "number" if body.number is None else "birth_date"
        raise InvalidInput(field, "send the credential (QR content), or number and birth_date")
    row = s.execute(
        select(DocumentRow).where(DocumentRow.number == body.number)
    ).scalar_one_or_none()
    if row is None or row.holder_hash != _holder_hash(p, body.number, body.birth_date):
        return None
    return row


def _refusal(
    p: Platform, row: DocumentRow, body: CheckIn, accepted: frozenset[DocumentType]
) -> CheckReason | None:
    """Why this genuine document does not answer this check on that day, or None if it does."""
    kind, day = DocumentType(row.kind), body.on or p.today()
    if kind not in accepted:
        return CheckReason.MEXICO_ONLY if kind is DocumentType.TVRH else CheckReason.WRONG_DOCUMENT
    if row.revoked_at is not None:
        return CheckReason.REVOKED
    if day < row.valid_from:
        return CheckReason.NOT_YET_VALID
    if day > row.valid_until:
        return CheckReason.EXPIRED
    if kind is DocumentType.TRAVEL and body.port is not None:
        port = credential_of(p, row)[0].port or ""
        if port.casefold() != body.port.strip().casefold():
            return CheckReason.OTHER_PORT
    return None


def check(
    p: Platform,
    s: Session,
    who: Principal,
    body: CheckIn,
    *,
    permission: Permission,
    accepted: frozenset[DocumentType],
    named: bool = False,
    shows: frozenset[str] = frozenset({NAME}),
) -> CounterAnswer:
    """The yes/no check; `named` (a staff page at a counter) adds to a yes what `shows` lets
    that verifier see of the holder (the name; the photo for an airline), so the agent
    compares it with the person in front of them. The API's answer has no name."""
    who.require(permission)
    row = _find(p, s, body)
    answer = CheckOut(valid=False, reason=CheckReason.NOT_FOUND)
    if row is not None:
        kind = DocumentType(row.kind)
        reason = _refusal(p, row, body, accepted)
        answer = CheckOut(
            valid=reason is None,
            reason=reason,
            document_type=str(kind),
            valid_from=row.valid_from,
            valid_until=row.valid_until,
        )
    holder = credential_of(p, row)[0] if named and row and answer.valid else None
    name = holder.holder_name if holder is not None and NAME in shows else None
    picture = holder.holder_picture if holder is not None and PICTURE in shows else None
    audit.append(
        s,
        actor(s, who),
        AuditTag.of("document", permission.split(":")[1]),
        case_id=row.case_id if row is not None else None,
        detail={
            "document": row.number if row is not None else None,
            "via": "credential" if body.credential is not None else "number",
            "valid": answer.valid,
            **({"name_shown": True} if name else {}),
            **({"photo_shown": True} if picture else {}),
        },
    )
    return CounterAnswer(answer=answer, holder_name=name, holder_picture=picture)


def issue_latest(
    p: Platform, s: Session, who: Principal, case_id: str, kind: GrantKind
) -> list[DocumentRow]:
    """The workflow's hook: sign the documents of the grant of this kind just made."""
    grant = latest_grant(s, case_id, str(kind))
    if grant is None:
        raise NotFound(f"no {kind} grant on case {case_id}")
    return issue_for_grant(p, s, who, grant)
