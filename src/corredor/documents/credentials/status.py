"""Revocation offline: a signed, compressed status list per issuing agency.

Each document carries an index into its issuer's list; a set bit means revoked. The list is an
IETF Token Status List (draft-ietf-oauth-status-list): a JWT of media type `statuslist+jwt`
whose `status_list` holds one bit per document (`bits: 1`), the bit of index i being bit
i % 8 of byte i // 8 counted from the least significant, the bytes DEFLATE-compressed (zlib)
and base64url-encoded; its `sub` is the URI the documents name in their `status` claim. The
list is padded to at least 131,072 entries so the position of one document says little about
who holds it, and compresses to a few hundred bytes. A list says when it was made and until
when it may be relied on (`exp`); a verifier refuses to decide on a stale one rather than pass
a revoked document.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from corredor.documents.credentials import jws
from corredor.documents.credentials.keys import KeyRing
from corredor.documents.domain.credentials import KeyState

STATUS_FORMAT: Final = "corredor-status/2"  # the bundle; /1 held Corredor's own list format
MEDIA_TYPE: Final = "statuslist+jwt"
MIN_ENTRIES: Final = 131_072
MAX_BYTES: Final = 1 << 22  # refuse lists that would inflate past 4 MiB (32 M documents)
LIFETIME: Final = timedelta(days=2)


class StatusListError(ValueError):
    """A status list that cannot be trusted or read."""


def _size_for(highest: int) -> int:
    size = MIN_ENTRIES
    while size <= highest:
        size *= 2
    return size


def encode_bits(revoked: Iterable[int], size: int) -> str:
    bits = bytearray(size // 8)
    for index in revoked:
        bits[index // 8] |= 1 << (index % 8)
    return jws.b64encode(zlib.compress(bytes(bits), 9))


def decode_bits(text: str) -> bytes:
    inflater = zlib.decompressobj()
    raw = inflater.decompress(jws.b64decode(text), MAX_BYTES)
    if inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("the bitstring is too large or incomplete")
    return raw


def sign_status_list(
    private_key: Ed25519PrivateKey,
    kid: str,
    issuer: str,
    revoked: Iterable[int],
    *,
    next_index: int,
    issued_at: datetime,
    uri: str,
) -> str:
    """Ed25519 signatures are deterministic: the same list at the same hour is the same bytes,
    which keeps HTTP caches and ETags useful."""
    size = _size_for(next_index)
    claims = {
        "sub": uri,
        "iss": issuer,
        "iat": int(issued_at.timestamp()),
        "exp": int((issued_at + LIFETIME).timestamp()),
        "ttl": int(LIFETIME.total_seconds()) // 2,  # fetch a new one well before this expires
        "status_list": {"bits": 1, "lst": encode_bits(revoked, size)},
    }
    return jws.sign(private_key, kid, claims, typ=MEDIA_TYPE)


@dataclass(frozen=True)
class StatusList:
    issuer: str
    issued_at: datetime
    expires_at: datetime
    bits: bytes

    def revoked(self, index: int) -> bool | None:
        """True or False, or None when the list has no such entry."""
        if index >= len(self.bits) * 8:
            return None
        return bool(self.bits[index // 8] & (1 << (index % 8)))


def read_status_list(token: str, keys: KeyRing) -> StatusList:
    try:
        parsed = jws.parse(token)
    except ValueError as error:
        raise StatusListError(f"unreadable status list: {error}") from None
    key = keys.info(parsed.kid)
    if key is None or key.state is KeyState.REVOKED:
        raise StatusListError(f"status list signed by an unknown or revoked key {parsed.kid!r}")
    if not keys.signature_holds(parsed.kid, parsed.signature, parsed.signing_input):
        raise StatusListError("the status list's signature does not match")
    claims = parsed.claims
    if parsed.typ != MEDIA_TYPE or claims.get("iss") != key.issuer:
        raise StatusListError("not a status list of the key's own agency")
    status_list = claims.get("status_list")
    if not isinstance(status_list, dict) or status_list.get("bits") != 1:
        raise StatusListError("status_list: expected one bit per document")
    try:
        bits = decode_bits(str(status_list["lst"]))
        issued = datetime.fromtimestamp(int(claims["iat"]), UTC)
        expires = datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (KeyError, ValueError, TypeError, zlib.error) as error:
        raise StatusListError(f"the status list is malformed ({error})") from None
    return StatusList(issuer=key.issuer, issued_at=issued, expires_at=expires, bits=bits)


def status_bundle(lists: Mapping[str, str], issued_at: datetime) -> dict[str, Any]:
    return {
        "format": STATUS_FORMAT,
        "issued_at": issued_at.isoformat(timespec="seconds"),
        "lists": dict(sorted(lists.items())),
    }


def load_status_bundle(data: Any, keys: KeyRing) -> dict[str, StatusList]:
    if not isinstance(data, dict) or data.get("format") != STATUS_FORMAT:
        raise StatusListError(f"format: not a Corredor status bundle (expected {STATUS_FORMAT!r})")
    lists = data.get("lists")
    if not isinstance(lists, dict):
        raise StatusListError("lists: expected an object of issuer -> signed list")
    loaded = {}
    for issuer, token in lists.items():
        status = read_status_list(str(token), keys)
        if status.issuer != issuer:
            raise StatusListError(f"lists.{issuer}: the list inside is {status.issuer}'s")
        loaded[issuer] = status
    return loaded
