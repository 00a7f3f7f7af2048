"""Personal data at rest: AES-GCM with a key id in every ciphertext, and keyed-hash lookups.

A ciphertext reads ``<key id>:<base64(nonce || ciphertext+tag)>``. New data is encrypted under
the active key; old keys stay in the key ring so older rows still decrypt after a rotation.
The column name is bound in as associated data, so a ciphertext copied into another column
(a name pasted over a document number) fails to decrypt instead of passing unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

NONCE_BYTES = 12


class DecryptionError(ValueError):
    pass


class FieldCipher:
    def __init__(self, keys: dict[str, bytes], active_key_id: str) -> None:
        if active_key_id not in keys:
            raise ValueError(f"active key {active_key_id!r} is not in the key ring")
        self._keys = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active_key_id = active_key_id

    def encrypt(self, plaintext: str, column: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._keys[self.active_key_id].encrypt(
            nonce, plaintext.encode("utf-8"), column.encode()
        )
        return f"{self.active_key_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, token: str, column: str) -> str:
        key_id, _, payload = token.partition(":")
        aead = self._keys.get(key_id)
        if aead is None:
            raise DecryptionError(f"no key {key_id!r} in the key ring")
        raw = base64.b64decode(payload)
        try:
            plain = aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], column.encode())
        except InvalidTag:
            raise DecryptionError(f"ciphertext for {column} failed authentication") from None
        return plain.decode("utf-8")


class LookupHasher:
    """HMAC-SHA256 of a normalised value: equal inputs match, the value cannot be read back."""

    def __init__(self, key: str) -> None:
        self._key = key.encode("utf-8")

    def digest(self, value: str) -> str:
        normalised = "".join(value.split()).upper()
        return hmac.new(self._key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


# ---- per-person data keys (envelope encryption) ----
#
# Each person's fields are sealed under a random key of their own; that key is stored sealed
# under the master key (`kernel.data_keys`). Destroying it makes every copy of their fields
# unreadable at once (rows, stored replies, backups), without touching any other row.
# A data-key ciphertext reads ``dk.<person id>:<base64(nonce || ciphertext+tag)>``: the person id
# (a random uuid, nothing personal) names the key that opens it, and is bound in with the column.

DATA_KEY_PREFIX: Final = "dk."
DATA_KEY_BYTES: Final = 32


def new_data_key() -> bytes:
    return os.urandom(DATA_KEY_BYTES)


def data_key_owner(token: str) -> str | None:
    """The person whose data key sealed this text, or None for text under a master key."""
    key_id = token.partition(":")[0]
    return key_id.removeprefix(DATA_KEY_PREFIX) if key_id.startswith(DATA_KEY_PREFIX) else None


def seal_with(key: bytes, person_id: str, plaintext: str, column: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), f"{column}|{person_id}".encode())
    return f"{DATA_KEY_PREFIX}{person_id}:{base64.b64encode(nonce + sealed).decode()}"


def open_with(key: bytes, token: str, column: str) -> str:
    key_id, _, payload = token.partition(":")
    person_id = key_id.removeprefix(DATA_KEY_PREFIX)
    raw = base64.b64decode(payload)
    try:
        plain = AESGCM(key).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{column}|{person_id}".encode()
        )
    except InvalidTag:
        raise DecryptionError(f"ciphertext for {column} failed authentication") from None
    return plain.decode("utf-8")
