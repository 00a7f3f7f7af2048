"""Compact JWS (RFC 7515) with Ed25519 (RFC 8037), assembled by hand so each failure is named.

A token is ``base64url(header).base64url(payload).base64url(signature)``, with the header
``{"alg":"EdDSA","kid":...}``. PyJWT reads these tokens too (a test shows it); the parser here
exists so a verifier can tell a truncated code from a tampered one, and so the hot path does
no more than decode, parse and check one signature.

Every segment must be *canonical* base64url: the last character of a segment carries a few
spare bits that common decoders ignore, so without this check a changed character could still
decode to the same bytes and a mutated code would verify.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ALGORITHM: Final = "EdDSA"
SIGNATURE_BYTES: Final = 64
SIGNATURE_CHARS: Final = 86  # 64 bytes in unpadded base64url


class Unreadable(ValueError):
    """Not a token at all: wrong shape, not base64url, not JSON."""


class Truncated(ValueError):
    """A token whose header reads, but whose remainder is cut short."""


def b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


_TO_STANDARD = bytes.maketrans(b"-_", b"+/")  # bytes.translate: far faster than str's
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALUE = {character: position for position, character in enumerate(_ALPHABET)}
_SPARE_BITS = {2: 0x0F, 3: 0x03}  # low bits of the last character that carry no data


def b64decode(text: str) -> bytes:
    """Strict, canonical base64url without padding; ValueError otherwise."""
    remainder = len(text) % 4
    if remainder == 1 or "+" in text or "/" in text or "=" in text:
        raise ValueError("not unpadded base64url")
    spare = _SPARE_BITS.get(remainder, 0)
    if spare and _VALUE.get(text[-1], 0) & spare:
        raise ValueError("not canonical base64url: spare bits are set")
    try:
        return binascii.a2b_base64(
            text.encode("ascii").translate(_TO_STANDARD) + b"=" * (-remainder % 4),
            strict_mode=True,
        )
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("not base64url") from None


def _json(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except RecursionError:  # '[[[[...' nested past the parser's depth
        raise ValueError("nested too deeply") from None
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def json_array(raw: bytes) -> list[Any]:
    """A JSON array (an SD-JWT disclosure), ValueError otherwise."""
    try:
        value = json.loads(raw)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(value, list):
        raise ValueError("not a JSON array")
    return value


def canonical_json(value: dict[str, Any] | list[Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(
    private_key: Ed25519PrivateKey, kid: str, claims: dict[str, Any], typ: str | None = None
) -> str:
    """`typ` names the media type when the token is more than a plain JWS (RFC 7515 4.1.9)."""
    fields = {"alg": ALGORITHM, "kid": kid} | ({"typ": typ} if typ else {})
    header = b64encode(canonical_json(fields))
    payload = b64encode(canonical_json(claims))
    signing_input = f"{header}.{payload}".encode("ascii")
    return f"{header}.{payload}.{b64encode(private_key.sign(signing_input))}"


@dataclass(frozen=True, slots=True)
class Parsed:
    kid: str
    typ: str | None  # the header's media type; None for the first format's plain tokens
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


def parse(token: str) -> Parsed:
    """Split and decode a token; Unreadable or Truncated say what is wrong with its shape."""
    token = token.strip()
    parts = token.split(".")
    if len(parts) > 3 or not token.isascii():
        raise Unreadable("not a compact JWS (three base64url parts)")
    try:
        kid, typ = _header(parts[0])
    except ValueError:
        # A header cut mid-way is still a truncation if what remains is a prefix of one.
        if len(parts) == 1 and _looks_like_header_prefix(parts[0]):
            raise Truncated("the code stops inside its header") from None
        raise Unreadable("the header is not base64url JSON naming an EdDSA key") from None
    if len(parts) < 3:
        raise Truncated("the payload or the signature is missing")
    payload_text, signature_text = parts[1], parts[2]
    if len(signature_text) < SIGNATURE_CHARS and _is_b64url_prefix(signature_text):
        have = len(signature_text)
        raise Truncated(f"the signature has {have} of {SIGNATURE_CHARS} characters")
    try:
        claims = _json(b64decode(payload_text))
        signature = b64decode(signature_text)
    except ValueError:
        raise Unreadable("the payload or signature is not base64url JSON") from None
    if len(signature) != SIGNATURE_BYTES:
        raise Unreadable(f"an Ed25519 signature has {SIGNATURE_BYTES} bytes")
    return Parsed(
        kid=kid,
        typ=typ,
        claims=claims,
        signing_input=f"{parts[0]}.{payload_text}".encode("ascii"),
        signature=signature,
    )


@lru_cache(maxsize=256)
def _header(segment: str) -> tuple[str, str | None]:
    """The key id and media type a header names. An agency has few keys and formats, so few
    distinct headers: cached."""
    header = _json(b64decode(segment))
    kid, typ = header.get("kid"), header.get("typ")
    if header.get("alg") != ALGORITHM or not isinstance(kid, str) or not kid:
        raise ValueError("the header does not name an EdDSA key")
    if typ is not None and not isinstance(typ, str):
        raise ValueError("the header's typ is not text")
    return kid, typ


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_HEADER_START = b64encode(b'{"alg":"EdDSA","kid":"')


def _is_b64url_prefix(text: str) -> bool:
    return all(character in _B64URL for character in text)


def _looks_like_header_prefix(text: str) -> bool:
    common = min(len(text), len(_HEADER_START) - 1)  # the last char may differ by spare bits
    return len(text) >= 8 and _is_b64url_prefix(text) and text[:common] == _HEADER_START[:common]
