"""The audit log: append-only and chained with a keyed MAC.

Each entry's `hash` is HMAC-SHA256, under the audit key (a setting, never in the database), of
its canonical JSON (sorted keys, UTC timestamps) including the previous entry's hash, so
changing, removing or reordering any entry breaks the chain from there on, and whoever can write
the database but lacks the key cannot recompute a chain that verifies. Removing the newest
entries, or the whole table, leaves a shorter chain that is still whole: signed checkpoints kept
outside the database catch that (`kernel.audit_checkpoints`). Appends lock the single
`audit_head` row, which serialises writers on PostgreSQL (SQLite serialises writers anyway). The
database also refuses UPDATE and DELETE by trigger.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from corredor.kernel.database import AUDIT_KEY, Database
from corredor.kernel.tables import AuditEntry, AuditHead

GENESIS = "0" * 64
BATCH = 1000


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class AuditKeyMissing(RuntimeError):
    """A session without the audit key: build the database with `Database.of(settings)`."""


def key_of(session: Session) -> bytes:
    key = session.info.get(AUDIT_KEY)
    if not isinstance(key, bytes):
        raise AuditKeyMissing("this session has no audit key; use Database.of(settings)")
    return key


def entry_hash(entry: AuditEntry, key: bytes) -> str:
    content = {
        "seq": entry.seq,
        "at": as_utc(entry.at).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_role": entry.actor_role,
        "on_behalf_of": entry.on_behalf_of,
        "action": entry.action,
        "case_id": entry.case_id,
        "detail": entry.detail,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Actor:
    user_id: str | None
    role: str | None
    on_behalf_of: str | None = None


def append(
    session: Session,
    actor: Actor,
    action: str,
    *,
    case_id: str | None = None,
    detail: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Add one entry in the caller's transaction: it commits or rolls back with the change."""
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    entry = AuditEntry(
        seq=head.seq + 1,
        at=as_utc(at or datetime.now(UTC)),
        actor_id=actor.user_id,
        actor_role=actor.role,
        on_behalf_of=actor.on_behalf_of,
        action=action,
        case_id=case_id,
        detail=detail or {},
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry, key_of(session))
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str | None = None


def _entries(session: Session) -> Iterator[AuditEntry]:
    last = 0
    while True:
        batch = (
            session.execute(
                select(AuditEntry)
                .where(AuditEntry.seq > last)
                .order_by(AuditEntry.seq)
                .limit(BATCH)
            )
            .scalars()
            .all()
        )
        if not batch:
            return
        yield from batch
        last = batch[-1].seq


def verify(session: Session) -> Verification:
    """Walk the chain from the start; report the first entry that does not hold."""
    key = key_of(session)
    previous, expected_seq, checked = GENESIS, 1, 0
    for entry in _entries(session):
        if entry.seq != expected_seq:
            return Verification(False, checked, expected_seq, f"entry {expected_seq} is missing")
        if entry.prev_hash != previous:
            return Verification(
                False, checked, entry.seq, "its link to the previous entry is broken"
            )
        if not hmac.compare_digest(entry_hash(entry, key), entry.hash):
            return Verification(False, checked, entry.seq, "its content does not match its hash")
        previous, expected_seq, checked = entry.hash, expected_seq + 1, checked + 1
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq, head.hash) != (checked, previous):
        return Verification(
            False, checked, checked + 1, "entries after this point were removed (head mismatch)"
        )
    return Verification(True, checked)


def head(session: Session) -> tuple[int, str]:
    """The chain's head as the database records it: (entries, last hash)."""
    row = session.get(AuditHead, 1)
    return (row.seq, row.hash) if row is not None else (0, GENESIS)


def entry_at(session: Session, seq: int) -> AuditEntry | None:
    return session.get(AuditEntry, seq)


def head_seq(database: Database) -> int:
    """How many entries the chain holds (its head), read without a transaction of its own."""
    with database.reading() as session:
        return head(session)[0]
