"""Verification: offline with a key bundle and status lists, or on the server with live status.

The order of checks decides which reason a verifier hears first, from the shape of the code to
the key, the signature, the claims, the dates and finally revocation. Each step fails with its
own reason, so a checkpoint officer can tell a torn QR from a forgery from an expired card.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from corredor.documents.credentials import jws, sd_jwt
from corredor.documents.credentials.keys import KeyRing
from corredor.documents.credentials.status import StatusList
from corredor.documents.domain.credentials import (
    Credential,
    MalformedClaims,
    Rejection,
    Verdict,
    accept,
    from_claims,
    key_fit_rejection,
    key_state_rejection,
    reject,
    validity_rejection,
)
from corredor.documents.domain.vc import from_vc_claims


class Verifier:
    """Verifies tokens against a key ring and, when given, the issuers' status lists.

    Without status lists (`status=None`) revocation is left to the caller: the server checks
    its own records instead, which are always current.
    """

    def __init__(self, keys: KeyRing, status: Mapping[str, StatusList] | None = None) -> None:
        self.keys = keys
        self.status = status

    def authentic(self, token: str) -> Verdict:
        """Shape, key, signature and disclosures: is this a document an agency really signed?
        Both formats are read: SD-JWT VC, and the first format's plain JWS, which documents
        issued before SD-JWT VC still carry until they expire."""
        try:
            presented = sd_jwt.parse(token)
        except jws.Truncated as error:
            return reject(Rejection.TRUNCATED, str(error))
        except ValueError as error:  # Unreadable, or a JSON error inside it
            return reject(Rejection.NOT_A_CREDENTIAL, str(error))
        parsed = presented.jwt
        key = self.keys.info(parsed.kid)
        if key is None:
            return reject(Rejection.UNKNOWN_KEY, f"key id {parsed.kid!r}")
        refused = key_state_rejection(key)
        if refused is not None:
            return reject(refused, f"key {key.kid} revoked on {key.revoked_on}")
        if not self.keys.signature_holds(parsed.kid, parsed.signature, parsed.signing_input):
            signer = self.keys.other_signer(parsed.kid, parsed.signature, parsed.signing_input)
            if signer is not None:
                return reject(Rejection.WRONG_KEY, f"names key {parsed.kid}, signed by {signer}")
            return reject(Rejection.BAD_SIGNATURE)
        try:
            if presented.disclosures is None:
                credential = from_claims(parsed.claims)
            else:
                shown = sd_jwt.disclosed(parsed.claims, presented.disclosures)
                credential = from_vc_claims(parsed.claims, shown)
        except sd_jwt.BadDisclosure as error:
            return reject(Rejection.BAD_DISCLOSURE, str(error))
        except MalformedClaims as error:
            return reject(Rejection.NOT_A_CREDENTIAL, f"signed, but not a document: {error}")
        refused = key_fit_rejection(key, credential)
        if refused is Rejection.WRONG_KEY:
            return reject(refused, f"key {key.kid} is {key.issuer}'s", credential)
        if refused is not None:
            detail = f"key {key.kid} retired {key.retired_on}, vouches up to {key.trusted_until}"
            return reject(refused, detail, credential)
        return accept(credential)

    def verify(self, token: str, now: datetime | None = None) -> Verdict:
        moment = now or datetime.now(UTC)
        verdict = self.authentic(token)
        if verdict.credential is None or not verdict.valid:
            return verdict
        return self.current(verdict.credential, moment.date(), moment)

    def current(self, credential: Credential, today: date, now: datetime) -> Verdict:
        """Dates, then revocation from the status list when one is held."""
        refused = validity_rejection(credential, today)
        if refused is not None:
            span = f"valid {credential.valid_from} to {credential.valid_until}"
            return reject(refused, span, credential)
        if self.status is None:
            return accept(credential)
        status = self.status.get(credential.issuer)
        if status is None:
            return reject(Rejection.STATUS_UNKNOWN, f"no list of {credential.issuer}", credential)
        if now > status.expires_at:
            detail = f"{credential.issuer}'s list expired {status.expires_at:%Y-%m-%d %H:%M} UTC"
            return reject(Rejection.STATUS_LIST_STALE, detail, credential)
        revoked = status.revoked(credential.status_index)
        if revoked is None:
            return reject(Rejection.STATUS_UNKNOWN, "index beyond the list", credential)
        if revoked:
            return reject(Rejection.REVOKED, f"{credential.issuer} list", credential)
        return accept(credential)
