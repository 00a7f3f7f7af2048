"""What the API, the pages and the CLI do with signed documents: each use case opens its own
unit of work and returns typed output, never a table row or a status code.

Issuing and revoking as part of a case's workflow (a TVRH granted, parole granted, admission)
happen inside the case workflow's own transaction: see `issuance`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import select

from corredor.documents import issuance, issuer_keys
from corredor.documents.credentials import render
from corredor.documents.credentials.status import load_status_bundle
from corredor.documents.credentials.verifier import Verifier
from corredor.documents.domain.credentials import TRAVEL_CHECK, Credential, DocumentType, Verdict
from corredor.documents.domain.vc import DISCLOSED_TO, Audience
from corredor.documents.held import my_held_documents
from corredor.documents.schemas import (
    CheckIn,
    CheckOut,
    CounterAnswer,
    DocumentOut,
    HeldDocument,
    RevocationIn,
)
from corredor.documents.tables import DocumentRow
from corredor.kernel import audit
from corredor.kernel.audit_tags import AuditTag
from corredor.kernel.auth import Principal
from corredor.kernel.commands import Command
from corredor.kernel.domain.permissions import Permission
from corredor.kernel.errors import NotFound
from corredor.kernel.unit_of_work import unit_of_work
from corredor.platform import Platform

OPERATOR = audit.Actor(user_id=None, role="operator")  # the command line, run by an operator


@dataclass(frozen=True)
class Rendered:
    """A document drawn as a file: what to send, its media type and a file name."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class ExportedDocument:
    number: str
    kind: str
    revoked: bool
    files: dict[str, bytes]  # suffix ("sd-jwt", "json", "qr.png", ...) -> content


@dataclass(frozen=True)
class KeyLine:
    kid: str
    issuer: str
    state: str
    activated_on: date
    retired_on: date | None
    trusted_until: date | None
    revoked_on: date | None
    revocation_reason: str | None


# ---- an applicant's, an officer's or a caseworker's reading ----


def my_documents(p: Platform, who: Principal) -> list[DocumentOut]:
    with unit_of_work(p) as s:
        return issuance.my_documents(p, s, who)


def held_documents(p: Platform, who: Principal) -> list[HeldDocument]:
    """The caller's documents with their standing today (valid, expired, revoked...)."""
    with unit_of_work(p) as s:
        return my_held_documents(p, s, who)


def case_documents(p: Platform, who: Principal, case_id: str) -> list[DocumentOut]:
    with unit_of_work(p) as s:
        return issuance.case_documents(p, s, who, case_id)


def document(p: Platform, who: Principal, document_id: str) -> DocumentOut:
    with unit_of_work(p) as s:
        return issuance.document_out(p, s, who, document_id)


def _credential(p: Platform, who: Principal, document_id: str) -> tuple[Credential, str, str]:
    with unit_of_work(p) as s:
        credential, token, row = issuance.one_document(p, s, who, document_id)
        return credential, token, row.number


def _printable(
    p: Platform, who: Principal, document_id: str
) -> tuple[Credential, str, str, bytes | None]:
    """The document and the holder's printed photo, read in one audited unit of work."""
    with unit_of_work(p) as s:
        credential, token, row = issuance.one_document(p, s, who, document_id)
        return credential, token, row.number, issuance.printed_photo(p, s, row, credential)


def qr_code(p: Platform, who: Principal, document_id: str, form: Literal["svg", "png"]) -> Rendered:
    """The QR code alone: it holds the whole signed document (reading it is audited)."""
    _, token, number = _credential(p, who, document_id)
    if form == "png":
        return Rendered(render.qr_png(token), "image/png", f"{number}-qr.png")
    return Rendered(render.qr_svg(token), "image/svg+xml", f"{number}-qr.svg")


def card(
    p: Platform, who: Principal, document_id: str, form: Literal["svg", "png", "pdf"]
) -> Rendered:
    """A printable card, bank-card size (reading it is audited)."""
    credential, token, number, photo = _printable(p, who, document_id)
    name = f"{number}.{form}"
    if form == "png":
        return Rendered(render.card_png(credential, token, photo), "image/png", name)
    if form == "pdf":
        return Rendered(render.card_pdf(credential, token, photo), "application/pdf", name)
    return Rendered(render.card_svg(credential, token, photo), "image/svg+xml", name)


def json_file(p: Platform, who: Principal, document_id: str) -> Rendered:
    """The document as JSON: its claims and the signed token (reading it is audited)."""
    with unit_of_work(p) as s:
        credential, token, row = issuance.one_document(p, s, who, document_id)
        form = render.json_form(credential, token, row.key_id)
        number = row.number
    content = json.dumps(form, ensure_ascii=False, indent=2).encode("utf-8")
    return Rendered(content, "application/json", f"{number}.json")


# ---- what offline verifiers download ----


def key_bundle(p: Platform) -> dict[str, object]:
    """Every agency's public keys with their state."""
    with unit_of_work(p) as s:
        return issuer_keys.key_bundle(s)


def status_lists(p: Platform) -> dict[str, object]:
    """Each agency's signed revocation list."""
    with unit_of_work(p) as s:
        return issuer_keys.status_lists(p, s)


def status_list(p: Platform, issuer: str) -> str:
    """One agency's list alone, as the URI in its documents' `status` claim serves it."""
    with unit_of_work(p) as s:
        lists = issuer_keys.signed_status_lists(p, s, issuer_keys.current_hour())
    if issuer not in lists:
        raise NotFound(f"no status list of {issuer}")
    return lists[issuer]


# ---- checks ----


def check(
    p: Platform,
    who: Principal,
    body: CheckIn,
    *,
    permission: Permission,
    accepted: frozenset[DocumentType],
) -> CheckOut:
    """The yes/no check of an airline, a port or an employer (audited)."""
    with unit_of_work(p) as s:
        return issuance.check(p, s, who, body, permission=permission, accepted=accepted).answer


def check_at_counter(
    p: Platform,
    who: Principal,
    body: CheckIn,
    *,
    permission: Permission,
    accepted: frozenset[DocumentType],
) -> CounterAnswer:
    """The same check from a staff page: a yes also says the holder's name, and shows the
    photo to an airline's agent (what `DISCLOSED_TO` lets that verifier see) (audited)."""
    audience = Audience.AIRLINE if accepted == TRAVEL_CHECK else Audience.EMPLOYER
    with unit_of_work(p) as s:
        return issuance.check(
            p,
            s,
            who,
            body,
            permission=permission,
            accepted=accepted,
            named=True,
            shows=DISCLOSED_TO[audience],
        )


def verify_presented(p: Platform, token: str) -> Verdict:
    """The public verifier: shape, key, signature and claims, then the dates (the platform's
    today) and revocation, against the platform's current keys and lists."""
    with unit_of_work(p) as s:
        ring = issuer_keys.key_ring(s)
        status = load_status_bundle(issuer_keys.status_lists(p, s), ring)
    verifier = Verifier(ring, status)
    verdict = verifier.authentic(token)
    if verdict.credential is None or not verdict.valid:
        return verdict
    return verifier.current(verdict.credential, p.today(), p.now())


# ---- the issuing agency ----


def revoke_document(
    p: Platform, who: Principal, document_id: str, body: RevocationIn
) -> Command[DocumentOut]:
    """The issuing agency revokes a document: it fails offline once verifiers refresh."""
    return Command(
        operation=f"document:{document_id}:revoke",
        payload=body.model_dump(mode="json"),
        output=DocumentOut,
        run=lambda s: issuance.revoke_document(p, s, who, document_id, body.reason),
    )


# ---- operators, from the command line ----


def key_lines(p: Platform) -> list[KeyLine]:
    with unit_of_work(p) as s:
        return [
            KeyLine(
                kid=row.kid,
                issuer=row.issuer,
                state=row.state,
                activated_on=row.activated_on,
                retired_on=row.retired_on,
                trusted_until=row.trusted_until,
                revoked_on=row.revoked_on,
                revocation_reason=row.revocation_reason,
            )
            for row in issuer_keys.all_keys(s)
        ]


KeyJob = Literal["generate", "rotate", "retire", "revoke"]


def run_key_job(
    p: Platform, job: KeyJob, *, issuer: str = "", kid: str = "", reason: str = ""
) -> str:
    """Generate, rotate, retire or revoke an issuer key (audited); says what it did."""
    with unit_of_work(p) as s:
        if job == "generate":
            made = issuer_keys.generate_key(p, s, issuer)
            said = f"new active key {made.kid} for {made.issuer}"
        elif job == "rotate":
            made, retired = issuer_keys.rotate_key(p, s, issuer)
            old = f"; retired {retired.kid} (vouches to {retired.trusted_until})" if retired else ""
            said = f"new active key {made.kid} for {made.issuer}{old}"
        elif job == "retire":
            row = issuer_keys.retire_key(p, s, kid)
            said = f"retired {row.kid}; it vouches for documents valid to {row.trusted_until}"
        else:
            resigned = issuance.revoke_key(p, s, kid, reason)
            said = f"revoked {kid}; re-signed {len(resigned)} live documents under a new key"
        audit.append(s, OPERATOR, AuditTag.of("issuer_key", job), detail={"result": said})
    return said


def export_case(p: Platform, case_id: str) -> list[ExportedDocument]:
    """Every document of a case in every form (audited as an export by the operator)."""
    with unit_of_work(p) as s:
        rows = list(s.execute(select(DocumentRow).where(DocumentRow.case_id == case_id)).scalars())
        if not rows:
            raise NotFound(f"no documents on case {case_id}")
        audit.append(
            s,
            OPERATOR,
            AuditTag.DOCUMENT_EXPORT,
            case_id=case_id,
            detail={"documents": [r.number for r in rows]},
        )
        exported = []
        for row in issuance.readable(s, rows):
            credential, token = issuance.credential_of(p, row)
            photo = issuance.printed_photo(p, s, row, credential)
            form = render.json_form(credential, token, row.key_id)
            exported.append(
                ExportedDocument(
                    number=row.number,
                    kind=row.kind,
                    revoked=row.revoked_at is not None,
                    files={
                        "sd-jwt": (token + "\n").encode("utf-8"),
                        "json": json.dumps(form, indent=2, ensure_ascii=False).encode("utf-8"),
                        "qr.png": render.qr_png(token),
                        "qr.svg": render.qr_svg(token),
                        "card.svg": render.card_svg(credential, token, photo),
                        "card.png": render.card_png(credential, token, photo),
                        "card.pdf": render.card_pdf(credential, token, photo),
                    },
                )
            )
        return exported
