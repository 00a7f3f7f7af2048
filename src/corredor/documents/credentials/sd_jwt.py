"""SD-JWT (RFC 9901) compact serialization: issue, present a subset, and read one back.

An SD-JWT is ``<issuer-signed JWT>~<disclosure>~<disclosure>~...~``. Each disclosure is
``base64url(["<salt>", "<claim name>", <value>])``; the JWT's ``_sd`` array holds the SHA-256
digest of each, so the issuer's signature covers a claim without revealing it, and the holder
reveals it by appending its disclosure. A presentation is the same JWT with fewer disclosures.
Corredor's presentations carry no key-binding JWT: a printed card has no device key to bind
to; the photo is what ties the document to its holder (docs/documents.md).

Hand-assembled like `jws` (the `sd-jwt` reference library reads what this writes, and this
reads what it writes: tests prove both), so that every failure has its own reason and the
offline hot path does no more than one signature and a digest per disclosure.
"""

from __future__ import annotations

import binascii
import hashlib
import os
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corredor.documents.credentials import jws
from corredor.documents.domain.vc import DISCLOSABLE, MEDIA_TYPE

DIGEST_ALGORITHM: Final = "sha-256"
SALT_BYTES: Final = 16  # 128 bits, as RFC 9901 section 9.3 recommends
SEPARATOR: Final = "~"


class BadDisclosure(ValueError):
    """A disclosure the issuer did not sign, a repeated one, or one that is not a claim."""


def digest(disclosure: str) -> str:
    return _digest(disclosure.encode("ascii"))


def _digest(disclosure: bytes) -> str:
    return jws.b64encode(hashlib.sha256(disclosure).digest())


_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def _issuers_text(disclosure: bytes) -> list[Any]:
    """Decode a disclosure whose digest the issuer signed: its text is then exactly what the
    issuer wrote, so the strict checks `jws.b64decode` makes for unsigned text are not needed
    (this runs once per disclosure per verification)."""
    return jws.json_array(binascii.a2b_base64(disclosure.translate(_TO_STANDARD) + b"=="))


def encode_disclosure(salt: bytes, name: str, value: Any) -> str:
    return jws.b64encode(jws.canonical_json([jws.b64encode(salt), name, value]))


def issue(
    private_key: Ed25519PrivateKey,
    kid: str,
    plain: Mapping[str, Any],
    disclosable: Mapping[str, Any],
    salt: Callable[[int], bytes] = os.urandom,
) -> str:
    """The full SD-JWT, every disclosure attached: what the holder keeps and presents from."""
    disclosures = [encode_disclosure(salt(SALT_BYTES), n, v) for n, v in disclosable.items()]
    # Decoy digests (RFC 9901 section 4.2.5) pad the list to one per holder claim, so a verifier
    # cannot count what was withheld (whether the person has a photo, say); sorted, so their
    # order does not say which digest hides which claim.
    decoys = [jws.b64encode(salt(SALT_BYTES)) for _ in range(len(DISCLOSABLE) - len(disclosures))]
    payload = {
        **plain,
        "_sd": sorted([*(digest(d) for d in disclosures), *(digest(d) for d in decoys)]),
        "_sd_alg": DIGEST_ALGORITHM,
    }
    issuer_jwt = jws.sign(private_key, kid, payload, typ=MEDIA_TYPE)
    return issuer_jwt + SEPARATOR + "".join(d + SEPARATOR for d in disclosures)


def disclosure_name(disclosure: str) -> str:
    decoded = jws.json_array(jws.b64decode(disclosure))
    return str(decoded[1])


def present(sd_jwt: str, names: Collection[str]) -> str:
    """The same document showing only the named claims: the subset a verifier needs."""
    issuer_jwt, _, rest = sd_jwt.strip().partition(SEPARATOR)
    kept = [d for d in rest.split(SEPARATOR) if d and disclosure_name(d) in names]
    return issuer_jwt + SEPARATOR + "".join(d + SEPARATOR for d in kept)


def is_selective(token: str) -> bool:
    """An SD-JWT (whose disclosures a holder may leave out), not a first-format plain JWS."""
    return SEPARATOR in token


@dataclass(frozen=True, slots=True)
class Presented:
    """A token split into its parts; `disclosures` is None for a first-format plain JWS."""

    jwt: jws.Parsed
    disclosures: list[str] | None


def parse(token: str) -> Presented:
    """Split a presented code; jws.Unreadable or jws.Truncated say what is wrong with its shape."""
    token = token.strip()
    if not token.isascii():
        raise jws.Unreadable("a document's code is ASCII only")
    issuer_jwt, separator, rest = token.partition(SEPARATOR)
    parsed = jws.parse(issuer_jwt)
    if parsed.typ != MEDIA_TYPE:
        if separator:
            raise jws.Unreadable(f"disclosures on a token of media type {parsed.typ!r}")
        return Presented(jwt=parsed, disclosures=None)
    if not separator:
        raise jws.Truncated("the code stops before its disclosures")
    if rest and not rest.endswith(SEPARATOR):
        # Either cut inside a disclosure or followed by a key-binding JWT, which Corredor's
        # presentations never carry; a cut is by far the likelier on a scanned code.
        raise jws.Truncated("the code stops inside a disclosure")
    return Presented(jwt=parsed, disclosures=rest.split(SEPARATOR)[:-1] if rest else [])


def disclosed(claims: Mapping[str, Any], disclosures: list[str]) -> dict[str, Any]:
    """The claims the disclosures reveal, each checked against the signed digests. Call only
    after the JWT's signature holds: the digests are what the issuer vouched for."""
    if not disclosures:
        return {}
    if claims.get("_sd_alg") != DIGEST_ALGORITHM:
        raise BadDisclosure(f"_sd_alg: expected {DIGEST_ALGORITHM}")
    signed = claims.get("_sd")
    if not isinstance(signed, list):
        raise BadDisclosure("_sd: the issuer signed no disclosable claims")
    revealed: dict[str, Any] = {}
    seen = set()
    for disclosure in disclosures:
        raw = disclosure.encode("ascii")  # parse() has refused anything not ASCII
        hashed = _digest(raw)
        if hashed not in signed:
            raise BadDisclosure("a disclosure whose digest the issuer did not sign")
        if hashed in seen:
            raise BadDisclosure("the same disclosure twice")
        seen.add(hashed)
        try:
            item = _issuers_text(raw)
        except (ValueError, binascii.Error):
            raise BadDisclosure("a disclosure is not base64url JSON") from None
        if len(item) != 3 or item[1].__class__ is not str or item[0].__class__ is not str:
            raise BadDisclosure("a disclosure is not [salt, claim name, value]")
        name = item[1]
        if name not in DISCLOSABLE or name in claims or name in revealed:
            raise BadDisclosure(f"a disclosure of {name!r}, which is not a holder claim")
        revealed[name] = item[2]
    return revealed
