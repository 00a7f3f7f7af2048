"""Signed documents as data: what a credential says, when it holds, and why one is refused.

Three documents travel with a person along the corridor (seed 000): the TVRH card INM issues at
the southern border, the advance-parole travel authorization CBP gives for the journey to a
designated port of entry or a flight to a named airport, and the work authorization parole
brings on admission. A credential carries only what a verifier needs to match it to the person
in front of them and to know it holds today: type, number, issuer, holder's name and birth
date, validity, and for travel the mode and the port. Signing and encoding live in
`corredor.documents.credentials`; this module is the vocabulary and the rules, with no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, Final

from corredor.cases.domain.corridor import GrantKind, TravelMode


class DocumentType(StrEnum):
    TVRH = "tvrh"
    TRAVEL = "travel"  # advance parole: the travel authorization to enter the United States
    WORK = "work"  # employment authorization that parole brings, category (c)(11)


# Which agency signs which document; a key of another agency is the wrong key.
ISSUER: Final[dict[DocumentType, str]] = {
    DocumentType.TVRH: "INM",
    DocumentType.TRAVEL: "CBP",
    DocumentType.WORK: "CBP",
}
FROM_GRANT: Final[dict[GrantKind, DocumentType]] = {
    GrantKind.TVRH: DocumentType.TVRH,
    GrantKind.PAROLE: DocumentType.TRAVEL,
    GrantKind.WORK_AUTHORIZATION: DocumentType.WORK,
}
TITLE: Final[dict[DocumentType, str]] = {
    DocumentType.TVRH: "Tarjeta de Visitante por Razones Humanitarias",
    DocumentType.TRAVEL: "Advance Parole - Travel Authorization",
    DocumentType.WORK: "Employment Authorization (parole)",
}

# What each yes/no check accepts: one kind each, so an integration that reads only `valid`
# never takes a Mexican visitor card for US travel or US work authorization. The TVRH
# authorizes travel and work inside Mexico (Ley de Migración art. 52 fr. V), and is checked
# on its own (`/verifications/mexico`).
TRAVEL_CHECK: Final = frozenset({DocumentType.TRAVEL})
WORK_CHECK: Final = frozenset({DocumentType.WORK})
MEXICO_CHECK: Final = frozenset({DocumentType.TVRH})


class CheckReason(StrEnum):
    """Why a yes/no check answered no (the document itself may be genuine)."""

    NOT_FOUND = "not_found"  # no genuine document of ours matches what was presented
    WRONG_DOCUMENT = "wrong_document"  # genuine, but not the kind this check is for
    MEXICO_ONLY = "mexico_only"  # a TVRH: travel and work inside Mexico only
    REVOKED = "revoked"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    OTHER_PORT = "other_port"  # a travel authorization for another port or airport


class Rejection(StrEnum):
    """Every way a presented document fails, each with its own reason."""

    NOT_A_CREDENTIAL = "not_a_credential"
    TRUNCATED = "truncated"
    BAD_SIGNATURE = "bad_signature"
    WRONG_KEY = "wrong_key"
    UNKNOWN_KEY = "unknown_key"
    KEY_REVOKED = "key_revoked"
    KEY_RETIRED = "key_retired"
    NOT_YET_VALID = "not_yet_valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    STATUS_UNKNOWN = "status_unknown"
    STATUS_LIST_STALE = "status_list_stale"
    WRONG_DOCUMENT = "wrong_document_type"
    BAD_DISCLOSURE = "bad_disclosure"


EXPLANATION: Final[dict[Rejection, str]] = {
    Rejection.NOT_A_CREDENTIAL: "this is not a Corredor document (unreadable or not signed data)",
    Rejection.TRUNCATED: "the document is cut short: part of the code or signature is missing",
    Rejection.BAD_SIGNATURE: "the signature does not match: the document was altered or forged",
    Rejection.WRONG_KEY: "the document was not signed by the key or agency it names",
    Rejection.UNKNOWN_KEY: "the signing key is not in the key bundle (forged, or refresh the keys)",
    Rejection.KEY_REVOKED: "the signing key was revoked as compromised; the holder needs a new "
    "document",
    Rejection.KEY_RETIRED: "the signing key was retired and does not vouch for this document",
    Rejection.NOT_YET_VALID: "the document is not valid yet",
    Rejection.EXPIRED: "the document has expired",
    Rejection.REVOKED: "the issuing agency has revoked this document",
    Rejection.STATUS_UNKNOWN: "the status list has no entry for this document (refresh it)",
    Rejection.STATUS_LIST_STALE: "the status list is out of date; refresh it before verifying",
    Rejection.WRONG_DOCUMENT: "this kind of document does not answer this check",
    Rejection.BAD_DISCLOSURE: "a detail shown with the document was not signed by the issuer: "
    "it was altered or added",
}


class KeyState(StrEnum):
    ACTIVE = "active"  # signs new documents
    RETIRED = "retired"  # signs nothing more; vouches for what it signed until that expires
    REVOKED = "revoked"  # compromised: vouches for nothing


@dataclass(frozen=True, slots=True)
class IssuerKey:
    """A public signing key as a verifier knows it (no key material: that is the adapter's)."""

    kid: str
    issuer: str
    state: KeyState
    activated_on: date
    retired_on: date | None = None
    # A retired key vouches only for documents valid no later than this: documents it signed
    # before retirement. A document claiming longer validity was signed after retirement.
    trusted_until: date | None = None
    revoked_on: date | None = None


class MalformedClaims(ValueError):
    """The signed payload is not a credential: names the claim at fault."""

    def __init__(self, claim: str, message: str) -> None:
        super().__init__(f"{claim}: {message}")
        self.claim = claim


@dataclass(frozen=True, slots=True)
class Credential:
    """A document's facts. The holder's name, birth date and photo are each disclosed or not:
    a document read from our records has all three (the photo when one was taken); a
    presentation shows a verifier only what its holder chose to disclose (None otherwise)."""

    type: DocumentType
    number: str
    issuer: str
    holder_name: str | None
    holder_birth_date: date | None
    valid_from: date
    valid_until: date
    status_index: int
    travel_mode: TravelMode | None = None
    port: str | None = None  # designated land port of entry, or the flight's destination airport
    category: str | None = None  # the employment authorization category
    # A small greyscale photo as a data: URL (image/webp), so a checker without a network sees
    # the face the issuer photographed; None when none was taken or it was not disclosed.
    holder_picture: str | None = None

    def __post_init__(self) -> None:
        if self.valid_until < self.valid_from:
            raise MalformedClaims("vu", "the validity ends before it starts")
        if self.status_index < 0:
            raise MalformedClaims("sli", "the status index is negative")
        if self.type is DocumentType.TRAVEL and (self.travel_mode is None or not self.port):
            raise MalformedClaims("tm", "a travel authorization names its travel mode and port")
        if self.type is DocumentType.WORK and not self.category:
            raise MalformedClaims("cat", "a work authorization names its category")

    @property
    def birth_year(self) -> int | None:
        return self.holder_birth_date.year if self.holder_birth_date is not None else None


def to_claims(credential: Credential) -> dict[str, Any]:
    """The first format's claims (a plain compact JWS, every claim always shown): documents
    issued before the move to SD-JWT VC still circulate, so verifiers keep reading them until
    they expire. New documents are issued by `corredor.documents.credentials.sd_jwt`."""
    if credential.holder_name is None or credential.holder_birth_date is None:
        raise MalformedClaims("nam", "the first format always names the holder")
    claims: dict[str, Any] = {
        "typ": str(credential.type),
        "num": credential.number,
        "iss": credential.issuer,
        "nam": credential.holder_name,
        "dob": credential.holder_birth_date.isoformat(),
        "vf": credential.valid_from.isoformat(),
        "vu": credential.valid_until.isoformat(),
        "sli": credential.status_index,
    }
    if credential.travel_mode is not None:
        claims["tm"] = str(credential.travel_mode)
    if credential.port is not None:
        claims["poe"] = credential.port
    if credential.category is not None:
        claims["cat"] = credential.category
    return claims


def _text(claims: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise MalformedClaims(name, "missing or not text")
    return value


def _date(claims: Mapping[str, Any], name: str) -> date:
    value = claims[name]  # from_claims has checked it is non-empty text
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MalformedClaims(name, f"not a date: {value!r}") from None


REQUIRED_TEXT: Final = ("typ", "num", "iss", "nam", "dob", "vf", "vu")


def from_claims(claims: Mapping[str, Any]) -> Credential:
    """The credential a first-format payload describes, or MalformedClaims naming the claim."""
    for name in REQUIRED_TEXT:  # one pass over the required claims: this runs per verification
        value = claims.get(name)
        if value.__class__ is not str or not value:
            _text(claims, name)  # raises, naming the claim
    try:
        document_type = DocumentType(claims["typ"])
    except ValueError:
        raise MalformedClaims("typ", f"unknown document type {claims['typ']!r}") from None
    index = claims.get("sli")
    if index.__class__ is not int:
        raise MalformedClaims("sli", "missing or not an integer")
    mode = _text(claims, "tm", required=False)
    try:
        travel_mode = TravelMode(mode) if mode is not None else None
    except ValueError:
        raise MalformedClaims("tm", f"unknown travel mode {mode!r}") from None
    return Credential(
        type=document_type,
        number=claims["num"],
        issuer=claims["iss"],
        holder_name=claims["nam"],
        holder_birth_date=_date(claims, "dob"),
        valid_from=_date(claims, "vf"),
        valid_until=_date(claims, "vu"),
        status_index=index,
        travel_mode=travel_mode,
        port=_text(claims, "poe", required=False),
        category=_text(claims, "cat", required=False),
    )


def key_state_rejection(key: IssuerKey) -> Rejection | None:
    """Checked before the signature: a compromised key's signatures prove nothing."""
    return Rejection.KEY_REVOKED if key.state is KeyState.REVOKED else None


def key_fit_rejection(key: IssuerKey, credential: Credential) -> Rejection | None:
    """Checked after the signature: the key must belong to the issuer and still vouch."""
    if key.issuer != credential.issuer or ISSUER[credential.type] != credential.issuer:
        return Rejection.WRONG_KEY
    if key.state is KeyState.RETIRED and (
        key.trusted_until is None or credential.valid_until > key.trusted_until
    ):
        return Rejection.KEY_RETIRED
    return None


def validity_rejection(credential: Credential, today: date) -> Rejection | None:
    if today < credential.valid_from:
        return Rejection.NOT_YET_VALID
    if today > credential.valid_until:
        return Rejection.EXPIRED
    return None


@dataclass(frozen=True, slots=True)
class Verdict:
    """A verification's answer: valid, or the one reason it is not."""

    reason: Rejection | None
    credential: Credential | None = None
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.reason is None

    @property
    def explanation(self) -> str:
        if self.reason is None:
            return "valid"
        text = EXPLANATION[self.reason]
        return f"{text} ({self.detail})" if self.detail else text


def accept(credential: Credential) -> Verdict:
    return Verdict(reason=None, credential=credential)


def reject(reason: Rejection, detail: str = "", credential: Credential | None = None) -> Verdict:
    return Verdict(reason=reason, credential=credential, detail=detail)
