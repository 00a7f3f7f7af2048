"""Issuer keys per agency: generate, rotate, retire, revoke; the public bundle; status lists.

Each agency (INM signs TVRH cards, CBP travel and work authorizations) has at most one active
key. Rotation makes a new active key and retires the old one: a retired key signs nothing more
but keeps vouching for the documents it signed, up to the latest validity among them
(`trusted_until`), so cards in people's pockets keep verifying until they expire. A revoked
(compromised) key vouches for nothing; `documents.revoke_key` re-signs its live documents.

Private keys are sealed with the platform's field cipher (AES-256-GCM, CORREDOR_ENCRYPTION_KEYS,
bound to the column `issuer_keys.private_key`), so a database dump alone signs nothing.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corredor.documents.credentials import jws
from corredor.documents.credentials.keys import KeyRing, PublishedKey, bundle, public_key_text
from corredor.documents.credentials.status import sign_status_list, status_bundle
from corredor.documents.domain.credentials import ISSUER, IssuerKey, KeyState
from corredor.documents.tables import DocumentRow, IssuerKeyRow, StatusCounter
from corredor.kernel.errors import Conflict, InvalidInput, NotFound
from corredor.platform import Platform, now

PRIVATE_COLUMN = "issuer_keys.private_key"
ISSUERS = sorted(set(ISSUER.values()))


def _check_issuer(issuer: str) -> str:
    if issuer not in ISSUERS:
        raise InvalidInput("issuer", f"not an issuing agency: {issuer!r}; one of {ISSUERS}")
    return issuer


def active_key(s: Session, issuer: str) -> IssuerKeyRow | None:
    return s.execute(
        select(IssuerKeyRow).where(
            IssuerKeyRow.issuer == issuer, IssuerKeyRow.state == str(KeyState.ACTIVE)
        )
    ).scalar_one_or_none()


def get_key(s: Session, kid: str) -> IssuerKeyRow:
    row = s.get(IssuerKeyRow, kid)
    if row is None:
        raise NotFound(f"no issuer key {kid}")
    return row


def all_keys(s: Session) -> list[IssuerKeyRow]:
    query = select(IssuerKeyRow).order_by(IssuerKeyRow.issuer, IssuerKeyRow.created_at)
    return list(s.execute(query).scalars().all())


def generate_key(p: Platform, s: Session, issuer: str) -> IssuerKeyRow:
    """A new active key for the agency; there must be no active key already (see rotate)."""
    _check_issuer(issuer)
    if active_key(s, issuer) is not None:
        raise Conflict(f"{issuer} already has an active key: rotate it instead")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    today = p.today()
    row = IssuerKeyRow(
        kid=f"{issuer.lower()}-{today:%Y%m%d}-{secrets.token_hex(3)}",
        issuer=issuer,
        state=str(KeyState.ACTIVE),
        public_key=public_key_text(private),
        private_key_enc=p.cipher.encrypt(jws.b64encode(raw), PRIVATE_COLUMN),
        created_at=now(),
        activated_on=today,
    )
    s.add(row)
    s.flush()
    return row


def signing_key(p: Platform, s: Session, issuer: str) -> IssuerKeyRow:
    """The agency's active key; its first key is made on first use."""
    return active_key(s, issuer) or generate_key(p, s, issuer)


def private_key(p: Platform, row: IssuerKeyRow) -> Ed25519PrivateKey:
    raw = jws.b64decode(p.cipher.decrypt(row.private_key_enc, PRIVATE_COLUMN))
    return Ed25519PrivateKey.from_private_bytes(raw)


def retire_key(p: Platform, s: Session, kid: str) -> IssuerKeyRow:
    row = get_key(s, kid)
    if row.state != KeyState.ACTIVE:
        raise Conflict(f"key {kid} is {row.state}; only an active key can be retired", row.state)
    latest = s.execute(
        select(func.max(DocumentRow.valid_until)).where(DocumentRow.key_id == kid)
    ).scalar_one()
    row.state = str(KeyState.RETIRED)
    row.retired_on = p.today()
    row.trusted_until = latest or p.today()
    s.flush()
    return row


def rotate_key(p: Platform, s: Session, issuer: str) -> tuple[IssuerKeyRow, IssuerKeyRow | None]:
    """A new active key; the previous one is retired. Returns (new, retired)."""
    _check_issuer(issuer)
    previous = active_key(s, issuer)
    retired = retire_key(p, s, previous.kid) if previous is not None else None
    return generate_key(p, s, issuer), retired


def mark_revoked(p: Platform, s: Session, kid: str, reason: str) -> IssuerKeyRow:
    row = get_key(s, kid)
    if row.state == KeyState.REVOKED:
        raise Conflict(f"key {kid} is already revoked", row.state)
    row.state = str(KeyState.REVOKED)
    row.revoked_on = p.today()
    row.revocation_reason = reason
    s.flush()
    return row


def published(row: IssuerKeyRow) -> PublishedKey:
    return PublishedKey(
        IssuerKey(
            kid=row.kid,
            issuer=row.issuer,
            state=KeyState(row.state),
            activated_on=row.activated_on,
            retired_on=row.retired_on,
            trusted_until=row.trusted_until,
            revoked_on=row.revoked_on,
        ),
        row.public_key,
    )


def key_ring(s: Session) -> KeyRing:
    return KeyRing([published(row) for row in all_keys(s)])


def key_bundle(s: Session) -> dict[str, object]:
    rows = all_keys(s)
    changed = max((r.created_at for r in rows), default=datetime(2026, 1, 1, tzinfo=UTC))
    return bundle([published(row) for row in rows], _hour(changed))


def current_hour() -> datetime:
    return _hour(now())


def _hour(moment: datetime) -> datetime:
    """Lists made within one hour are byte-identical: caches and ETags stay useful."""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.replace(minute=0, second=0, microsecond=0)


def next_status_index(s: Session, issuer: str) -> int:
    counter = s.execute(
        select(StatusCounter).where(StatusCounter.issuer == issuer).with_for_update()
    ).scalar_one_or_none()
    if counter is None:
        counter = StatusCounter(issuer=issuer, next_index=0)
        s.add(counter)
    index = counter.next_index
    counter.next_index = index + 1
    s.flush()
    return index


def status_lists(p: Platform, s: Session, at: datetime | None = None) -> dict[str, object]:
    """Every issuer's signed revocation list, as one bundle for verifiers to download."""
    issued = _hour(at or now())
    return status_bundle(signed_status_lists(p, s, issued), issued)


def signed_status_lists(p: Platform, s: Session, issued: datetime) -> dict[str, str]:
    """Each issuer's Token Status List as of an hour (the same bytes all that hour)."""
    lists = {}
    for counter in s.execute(select(StatusCounter).order_by(StatusCounter.issuer)).scalars():
        revoked = s.execute(
            select(DocumentRow.status_index).where(
                DocumentRow.issuer == counter.issuer, DocumentRow.revoked_at.is_not(None)
            )
        ).scalars()
        key = signing_key(p, s, counter.issuer)
        lists[counter.issuer] = sign_status_list(
            private_key(p, key),
            key.kid,
            counter.issuer,
            list(revoked),
            next_index=counter.next_index,
            issued_at=issued,
            uri=status_uri(p, counter.issuer),
        )
    return lists


def status_uri(p: Platform, issuer: str) -> str:
    """Where an issuer's token status list is published: the documents name it."""
    return f"{p.settings.public_url.rstrip('/')}/api/v1/credentials/status/{issuer}"
