"""A document as an SD-JWT VC: which claims every verifier sees, which the holder discloses.

The format is the IETF's SD-JWT-based Verifiable Credential (draft-ietf-oauth-sd-jwt-vc, on
SD-JWT, RFC 9901): a signed JWT whose personal claims are replaced by salted digests, each
revealed by a separate "disclosure" the holder may show or keep back. The document's own facts
(type, number, issuer, validity, status, travel terms) are always shown: they say nothing about
who holds it. The holder's name, birth date and photo are each disclosed or withheld, per
verifier (`DISCLOSED_TO`): an employer learns the name and that the person may work until a
date, an airline the name, the photo and the travel terms, a border or checkpoint officer all of
it. Claim names are the registered JWT/OpenID ones (`name`, `birthdate`, `picture`); the
picture is a data: URL, as the EU's PID credential carries it. Why SD-JWT VC and not the W3C
data model's JSON-LD envelope is in docs/documents.md. Pure: no keys, no I/O.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Any, Final

from corredor.cases.domain.corridor import TravelMode
from corredor.documents.domain.credentials import (
    Credential,
    DocumentType,
    MalformedClaims,
)

MEDIA_TYPE: Final = "dc+sd-jwt"
# The credential types (vct), versioned so a later change of claims is a new type.
VCT: Final[dict[DocumentType, str]] = {
    DocumentType.TVRH: "urn:corredor:vct:tvrh:1",
    DocumentType.TRAVEL: "urn:corredor:vct:advance-parole:1",
    DocumentType.WORK: "urn:corredor:vct:employment-authorization:1",
}
TYPE_OF_VCT: Final = {vct: kind for kind, vct in VCT.items()}

NAME: Final = "name"
BIRTH_DATE: Final = "birthdate"
PICTURE: Final = "picture"
DISCLOSABLE: Final = frozenset({NAME, BIRTH_DATE, PICTURE})
PICTURE_PREFIX: Final = "data:image/webp;base64,"


class Audience(StrEnum):
    """Who a holder shows a document to; each learns only what its check needs."""

    EMPLOYER = "employer"  # may this person work here, and until when (I-9 style)
    AIRLINE = "airline"  # may this passenger board a flight to the United States
    BORDER = "border"  # a CBP port of entry or an INM checkpoint: the officer sees it all


DISCLOSED_TO: Final[dict[Audience, frozenset[str]]] = {
    Audience.EMPLOYER: frozenset({NAME}),
    Audience.AIRLINE: frozenset({NAME, PICTURE}),
    Audience.BORDER: DISCLOSABLE,
}
# The audiences a holder's page offers for each document: who checks that document.
AUDIENCES_FOR: Final[dict[DocumentType, tuple[Audience, ...]]] = {
    DocumentType.TVRH: (Audience.BORDER,),
    DocumentType.TRAVEL: (Audience.AIRLINE, Audience.BORDER),
    DocumentType.WORK: (Audience.EMPLOYER,),
}


def picture_url(webp: bytes) -> str:
    """The thumbnail as the `picture` claim carries it."""
    return PICTURE_PREFIX + base64.b64encode(webp).decode("ascii")


def picture_bytes(url: str) -> bytes:
    """The thumbnail's bytes from a `picture` claim (checked by `from_vc_claims`)."""
    return base64.b64decode(url.removeprefix(PICTURE_PREFIX))


_EPOCH: Final = date(1970, 1, 1).toordinal()
_DAY: Final = 86_400


def _seconds(day: date) -> int:
    return (day.toordinal() - _EPOCH) * _DAY


def _day(seconds: int) -> date:
    return date.fromordinal(_EPOCH + seconds // _DAY)


def plain_claims(credential: Credential, status_uri: str) -> dict[str, Any]:
    """What every verifier reads. Validity is in whole UTC days, as printed on the card: `nbf`
    is the first day's start, `exp` the end of the last day."""
    claims: dict[str, Any] = {
        "iss": credential.issuer,
        "vct": VCT[credential.type],
        "nbf": _seconds(credential.valid_from),
        "exp": _seconds(credential.valid_until + timedelta(days=1)),
        "document_number": credential.number,
        "status": {"status_list": {"idx": credential.status_index, "uri": status_uri}},
    }
    if credential.travel_mode is not None:
        claims["travel_mode"] = str(credential.travel_mode)
    if credential.port is not None:
        claims["port"] = credential.port
    if credential.category is not None:
        claims["category"] = credential.category
    return claims


def disclosable_claims(credential: Credential) -> dict[str, Any]:
    """The holder's personal claims, each to become a disclosure."""
    claims: dict[str, Any] = {}
    if credential.holder_name is not None:
        claims[NAME] = credential.holder_name
    if credential.holder_birth_date is not None:
        claims[BIRTH_DATE] = credential.holder_birth_date.isoformat()
    if credential.holder_picture is not None:
        claims[PICTURE] = credential.holder_picture
    return claims


def _text(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is None:
        return None
    if value.__class__ is not str or not value:
        raise MalformedClaims(name, "not text")
    return str(value)


def _seconds_claim(claims: Mapping[str, Any], name: str) -> int:
    value = claims.get(name)
    if value.__class__ is not int:
        raise MalformedClaims(name, "missing or not a whole number of seconds")
    return int(value)


def _status_index(claims: Mapping[str, Any]) -> int:
    status = claims.get("status")
    entry = status.get("status_list") if isinstance(status, dict) else None
    index = entry.get("idx") if isinstance(entry, dict) else None
    if index.__class__ is not int:
        raise MalformedClaims("status", "no status list index")
    return int(index)


def from_vc_claims(claims: Mapping[str, Any], disclosed: Mapping[str, Any]) -> Credential:
    """The credential a verified payload and its checked disclosures describe."""
    kind = TYPE_OF_VCT.get(claims.get("vct"))  # type: ignore[arg-type]
    if kind is None:
        raise MalformedClaims("vct", f"not a Corredor document type: {claims.get('vct')!r}")
    number, issuer = _text(claims, "document_number"), _text(claims, "iss")
    if number is None or issuer is None:
        raise MalformedClaims("document_number" if number is None else "iss", "missing")
    mode = _text(claims, "travel_mode")
    try:
        travel_mode = TravelMode(mode) if mode is not None else None
    except ValueError:
        raise MalformedClaims("travel_mode", f"unknown travel mode {mode!r}") from None
    birth = _text(disclosed, BIRTH_DATE)
    try:
        birth_date = date.fromisoformat(birth) if birth is not None else None
    except ValueError:
        raise MalformedClaims(BIRTH_DATE, f"not a date: {birth!r}") from None
    picture = _text(disclosed, PICTURE)
    if picture is not None and not picture.startswith(PICTURE_PREFIX):
        raise MalformedClaims(PICTURE, "not a WebP data: URL")
    return Credential(
        type=kind,
        number=number,
        issuer=issuer,
        holder_name=_text(disclosed, NAME),
        holder_birth_date=birth_date,
        valid_from=_day(_seconds_claim(claims, "nbf")),
        valid_until=_day(_seconds_claim(claims, "exp") - 1),
        status_index=_status_index(claims),
        travel_mode=travel_mode,
        port=_text(claims, "port"),
        category=_text(claims, "category"),
        holder_picture=picture,
    )
