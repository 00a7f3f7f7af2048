"""Issuer keys as verifiers hold them: a public key bundle, and a key ring with parsed keys.

The bundle is a JSON file any verifier (an airline's app, a port-of-entry kiosk, an
employer's laptop) keeps offline. It lists every key of every agency with its state, so a
verifier can tell a retired key (still vouching for what it signed) from a revoked one
(vouching for nothing) and both from a key it has never heard of. Parsing a public key is the
expensive part of loading, so the ring parses each key once and keeps the object.

Keys are made and documents signed with `cryptography`; signatures are checked with libsodium
(PyNaCl, also a PyCA project): both are plain Ed25519, and libsodium verifies about twice as
fast as OpenSSL's Ed25519 on the machines measured (benchmarks/results/credentials.md), which
is what an airline's gate or a checkpoint scanning queue after queue needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from corredor.documents.credentials.jws import b64decode, b64encode, canonical_json
from corredor.documents.domain.credentials import IssuerKey, KeyState

BUNDLE_FORMAT: Final = "corredor-keys/1"


class BundleError(ValueError):
    """A key bundle that cannot be used: names the entry and field."""


def public_key_text(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return b64encode(raw)


@dataclass(frozen=True)
class PublishedKey:
    info: IssuerKey
    public_key: str  # base64url of the 32 raw Ed25519 bytes

    def as_json(self) -> dict[str, Any]:
        info = self.info

        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "kid": info.kid,
            "issuer": info.issuer,
            "alg": "EdDSA",
            "public_key": self.public_key,
            "state": str(info.state),
            "activated_on": info.activated_on.isoformat(),
            "retired_on": day(info.retired_on),
            "trusted_until": day(info.trusted_until),
            "revoked_on": day(info.revoked_on),
        }


def bundle(keys: list[PublishedKey], issued_at: datetime) -> dict[str, Any]:
    return {
        "format": BUNDLE_FORMAT,
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "keys": [key.as_json() for key in sorted(keys, key=lambda k: k.info.kid)],
    }


def fingerprint(data: Mapping[str, Any]) -> str:
    """SHA-256 over the keys: read it aloud to check a bundle copied by hand."""
    return hashlib.sha256(canonical_json({"keys": data.get("keys", [])})).hexdigest()


class KeyRing:
    """Public keys by key id, each parsed once."""

    def __init__(self, keys: list[PublishedKey]) -> None:
        self._keys: dict[str, tuple[IssuerKey, VerifyKey]] = {}
        for key in keys:
            raw = b64decode(key.public_key)
            if len(raw) != 32:
                raise ValueError(f"key {key.info.kid} has {len(raw)} bytes, not 32")
            self._keys[key.info.kid] = (key.info, VerifyKey(raw))

    def __len__(self) -> int:
        return len(self._keys)

    def info(self, kid: str) -> IssuerKey | None:
        found = self._keys.get(kid)
        return found[0] if found else None

    def signature_holds(self, kid: str, signature: bytes, data: bytes) -> bool:
        try:
            self._keys[kid][1].verify(data, signature)
        except BadSignatureError:
            return False
        return True

    def other_signer(self, kid: str, signature: bytes, data: bytes) -> str | None:
        """Which other key made this signature, if any (only asked after a failure)."""
        for other in self._keys:
            if other != kid and self.signature_holds(other, signature, data):
                return other
        return None

    def __iter__(self) -> Iterator[IssuerKey]:
        return (info for info, _ in self._keys.values())


def _day(entry: Mapping[str, Any], name: str, where: str) -> date | None:
    value = entry.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise BundleError(f"{where}.{name}: not a date: {value!r}") from None


def load_bundle(data: Any) -> KeyRing:
    """A key ring from a bundle's JSON; BundleError names what is wrong."""
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"format: not a Corredor key bundle (expected {BUNDLE_FORMAT!r})")
    entries = data.get("keys")
    if not isinstance(entries, list):
        raise BundleError("keys: expected a list")
    keys = []
    for position, entry in enumerate(entries):
        where = f"keys[{position}]"
        if not isinstance(entry, dict):
            raise BundleError(f"{where}: expected an object")
        try:
            state = KeyState(str(entry.get("state")))
            kid, issuer, public = str(entry["kid"]), str(entry["issuer"]), str(entry["public_key"])
        except (KeyError, ValueError) as error:
            raise BundleError(f"{where}: missing or bad field {error}") from None
        activated = _day(entry, "activated_on", where)
        if activated is None:
            raise BundleError(f"{where}.activated_on: missing")
        info = IssuerKey(
            kid=kid,
            issuer=issuer,
            state=state,
            activated_on=activated,
            retired_on=_day(entry, "retired_on", where),
            trusted_until=_day(entry, "trusted_until", where),
            revoked_on=_day(entry, "revoked_on", where),
        )
        keys.append(PublishedKey(info, public))
    try:
        return KeyRing(keys)
    except ValueError as error:
        raise BundleError(f"keys: a public key is not 32 base64url bytes ({error})") from None
