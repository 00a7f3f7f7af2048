"""Signed documents: the holder's documents (JSON, QR, card), revocation, the public key bundle
and status lists for offline verifiers, and the yes/no checks for airlines and employers."""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse, Response

from corredor.api.idempotency import IdempotencyKey
from corredor.api.security import PUBLIC, platform_of, requires
from corredor.documents import use_cases
from corredor.documents.domain.credentials import (
    MEXICO_CHECK,
    TRAVEL_CHECK,
    WORK_CHECK,
    DocumentType,
)
from corredor.documents.schemas import CheckIn, CheckOut, DocumentOut, RevocationIn
from corredor.kernel import ratelimit
from corredor.kernel.auth import Principal
from corredor.kernel.commands import run_command
from corredor.kernel.domain.permissions import Permission
from corredor.platform import Platform

router = APIRouter(tags=["documents"])
PlatformDep = Annotated[Platform, Depends(platform_of)]
Id = Annotated[str, Path(min_length=1, max_length=36)]
P = Permission
# Verifiers may cache the bundle and the lists for five minutes, then revalidate by ETag.
CACHE_CONTROL = "public, max-age=300, must-revalidate"


def who(permission: Permission) -> Any:
    return Depends(requires(permission))


@router.get("/documents/mine", response_model=list[DocumentOut])
def my_documents(
    platform: PlatformDep, user: Annotated[Principal, who(P.DOCUMENT_READ)]
) -> list[DocumentOut]:
    """The signed-in applicant's documents, with the signed token each QR code carries."""
    return use_cases.my_documents(platform, user)


@router.get("/cases/{case_id}/documents", response_model=list[DocumentOut])
def case_documents(
    case_id: Id, platform: PlatformDep, user: Annotated[Principal, who(P.DOCUMENT_READ)]
) -> list[DocumentOut]:
    """Every document issued on the case (reading them is audited)."""
    return use_cases.case_documents(platform, user, case_id)


@router.get("/documents/{document_id}", response_model=DocumentOut)
def get_document(
    document_id: Id, platform: PlatformDep, user: Annotated[Principal, who(P.DOCUMENT_READ)]
) -> DocumentOut:
    """The document as JSON: its claims in plain words and the signed token."""
    return use_cases.document(platform, user, document_id)


@router.get("/documents/{document_id}/qr", response_class=Response)
def get_qr(
    document_id: Id,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DOCUMENT_READ)],
    format: Literal["svg", "png"] = "svg",
) -> Response:
    """The QR code alone (SVG or PNG); it holds the whole signed document."""
    drawn = use_cases.qr_code(platform, user, document_id, format)
    return Response(drawn.content, media_type=drawn.media_type)


@router.get("/documents/{document_id}/card", response_class=Response)
def get_card(
    document_id: Id,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DOCUMENT_READ)],
    format: Literal["svg", "png", "pdf"] = "svg",
) -> Response:
    """A printable card, bank-card size, in SVG, PNG (300 dpi) or PDF."""
    drawn = use_cases.card(platform, user, document_id, format)
    headers = {"Content-Disposition": f'inline; filename="{drawn.filename}"'}
    return Response(drawn.content, 200, headers, drawn.media_type)


@router.post("/documents/{document_id}/revocation", response_model=DocumentOut)
def revoke_document(
    document_id: Id,
    body: RevocationIn,
    key: IdempotencyKey,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DOCUMENT_REVOKE)],
) -> DocumentOut:
    """The issuing agency revokes a document; it fails offline once verifiers refresh the list."""
    return run_command(
        platform, user, key, use_cases.revoke_document(platform, user, document_id, body)
    )


def _cacheable(request: Request, content: dict[str, object]) -> Response:
    body = json.dumps(content, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return _cached(request, body, "application/json")


def _cached(request: Request, body: bytes, media_type: str) -> Response:
    """The body with an ETag a verifier revalidates with (304 when it has not changed)."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


@router.get("/credentials/keys", dependencies=[Depends(PUBLIC)])
def key_bundle(request: Request, platform: PlatformDep) -> Response:
    """Every agency's public keys with their state: what an offline verifier trusts."""
    return _cacheable(request, use_cases.key_bundle(platform))


@router.get("/credentials/status", dependencies=[Depends(PUBLIC)])
def status_lists(request: Request, platform: PlatformDep) -> Response:
    """Each agency's signed revocation list (compressed bitstring); refresh at least daily."""
    return _cacheable(request, use_cases.status_lists(platform))


@router.get("/credentials/status/{issuer}", dependencies=[Depends(PUBLIC)])
def status_list(
    request: Request,
    platform: PlatformDep,
    issuer: Annotated[str, Path(pattern="^[A-Z]{2,8}$")],
) -> Response:
    """One agency's Token Status List (application/statuslist+jwt), the URI its documents name."""
    token = use_cases.status_list(platform, issuer).encode("ascii")
    return _cached(request, token, "application/statuslist+jwt")


def _check(
    request: Request,
    platform: Platform,
    user: Principal,
    body: CheckIn,
    *,
    permission: Permission,
    accepted: frozenset[DocumentType],
) -> CheckOut | JSONResponse:
    refused = ratelimit.refusal(request, user.user_id)
    if refused is not None:
        return refused
    return use_cases.check(platform, user, body, permission=permission, accepted=accepted)


@router.post(
    "/verifications/travel",
    response_model=CheckOut,
    responses={429: {"description": "Too many checks; see Retry-After"}},
)
def check_travel(
    request: Request,
    body: CheckIn,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DOCUMENT_VERIFY_TRAVEL)],
) -> CheckOut | JSONResponse:
    """Airline or port of entry: is this US travel authorization valid on that day (`on`,
    default today) and, if `port` is sent, for that port or airport? Yes or no with the reason,
    its validity dates, and nothing about the person. Any other document, a TVRH included,
    answers no (`reason`). Rate-limited and audited."""
    return _check(
        request, platform, user, body, permission=P.DOCUMENT_VERIFY_TRAVEL, accepted=TRAVEL_CHECK
    )


@router.post(
    "/verifications/employment",
    response_model=CheckOut,
    responses={429: {"description": "Too many checks; see Retry-After"}},
)
def check_employment(
    request: Request,
    body: CheckIn,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DOCUMENT_VERIFY_WORK)],
) -> CheckOut | JSONResponse:
    """US employer: is this US work authorization valid today (or `on`)? Yes or no with the
    reason and the validity dates, nothing else. Any other document, a TVRH included, answers
    no. Rate-limited and audited."""
    return _check(
        request, platform, user, body, permission=P.DOCUMENT_VERIFY_WORK, accepted=WORK_CHECK
    )


@router.post(
    "/verifications/mexico",
    response_model=CheckOut,
    responses={429: {"description": "Too many checks; see Retry-After"}},
)
def check_mexico(
    request: Request,
    body: CheckIn,
    platform: PlatformDep,
    user: Annotated[Principal, who(P.DOCUMENT_VERIFY_TRAVEL)],
) -> CheckOut | JSONResponse:
    """Inside Mexico (a bus line, a domestic flight): is this humanitarian visitor card (TVRH)
    valid on that day? It authorizes travel and work in Mexico only; US documents answer no
    here. Rate-limited and audited."""
    return _check(
        request, platform, user, body, permission=P.DOCUMENT_VERIFY_TRAVEL, accepted=MEXICO_CHECK
    )
