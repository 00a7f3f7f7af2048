"""Documents made in memory for the offline tests: keys, a ring, tokens and status lists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corredor.cases.domain.corridor import TravelMode
from corredor.documents.credentials import jws, sd_jwt
from corredor.documents.credentials.keys import KeyRing, PublishedKey, public_key_text
from corredor.documents.credentials.status import read_status_list, sign_status_list
from corredor.documents.credentials.verifier import Verifier
from corredor.documents.domain.credentials import (
    Credential,
    DocumentType,
    IssuerKey,
    KeyState,
    to_claims,
)
from corredor.documents.domain.vc import disclosable_claims, plain_claims

TODAY = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
STATUS_URI = "https://corredor.test/api/v1/credentials/status/{issuer}"
# A 2x2 greyscale WebP: a stand-in thumbnail small enough to read in a test's output.
PICTURE = "data:image/webp;base64,UklGRiQAAABXRUJQVlA4IBgAAABQAQCdASoCAAIAAsBMJaQABHQAAORAAAA="


def travel_document(**changes: Any) -> Credential:
    base = Credential(
        type=DocumentType.TRAVEL,
        number="PAROLE-0A1B2C3D4E-1",
        issuer="CBP",
        holder_name="Marie-Claude Joseph",
        holder_birth_date=date(1992, 4, 11),
        valid_from=TODAY - timedelta(days=10),
        valid_until=TODAY + timedelta(days=700),
        status_index=7,
        travel_mode=TravelMode.FLIGHT,
        port="us-fl-mia",
    )
    return replace(base, **changes)


def tvrh_document(**changes: Any) -> Credential:
    base = Credential(
        type=DocumentType.TVRH,
        number="TVRH-99AA00BB11-2",
        issuer="INM",
        holder_name="Nadège Joseph",
        holder_birth_date=date(2017, 6, 1),
        valid_from=TODAY - timedelta(days=30),
        valid_until=TODAY + timedelta(days=330),
        status_index=3,
    )
    return replace(base, **changes)


@dataclass
class Kit:
    """Two agencies' keys, with any states a test wants, and a verifier over them."""

    private: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    info: dict[str, IssuerKey] = field(default_factory=dict)
    revoked: dict[str, set[int]] = field(default_factory=dict)

    def key(self, kid: str, issuer: str, **changes: Any) -> str:
        self.private.setdefault(kid, Ed25519PrivateKey.generate())
        self.info[kid] = IssuerKey(
            kid=kid,
            issuer=issuer,
            state=changes.pop("state", KeyState.ACTIVE),
            activated_on=date(2026, 1, 1),
            **changes,
        )
        return kid

    def ring(self) -> KeyRing:
        return KeyRing(
            [PublishedKey(info, public_key_text(self.private[k])) for k, info in self.info.items()]
        )

    def sign(self, credential: Credential, kid: str, signer: str | None = None) -> str:
        """An SD-JWT VC with every disclosure attached, as the platform issues them."""
        return sd_jwt.issue(
            self.private[signer or kid],
            kid,
            plain_claims(credential, STATUS_URI.format(issuer=credential.issuer)),
            disclosable_claims(credential),
        )

    def sign_first_format(self, credential: Credential, kid: str) -> str:
        """A plain compact JWS, as documents were issued before SD-JWT VC."""
        return jws.sign(self.private[kid], kid, to_claims(credential))

    def status_token(self, issuer: str, kid: str, issued_at: datetime = NOW) -> str:
        revoked = self.revoked.get(issuer, set())
        return sign_status_list(
            self.private[kid],
            kid,
            issuer,
            revoked,
            next_index=100,
            issued_at=issued_at,
            uri=STATUS_URI.format(issuer=issuer),
        )

    def verifier(self, issued_at: datetime = NOW) -> Verifier:
        ring = self.ring()
        lists = {}
        for issuer in ("INM", "CBP"):
            kid = next(
                (k for k, i in self.info.items() if i.issuer == issuer and i.state != "revoked"),
                None,
            )
            if kid is not None:
                lists[issuer] = read_status_list(self.status_token(issuer, kid, issued_at), ring)
        return Verifier(ring, lists)


def standard_kit() -> Kit:
    kit = Kit()
    kit.key("cbp-1", "CBP")
    kit.key("inm-1", "INM")
    return kit
