"""Idempotency keys: a retried create or submit replays the first answer, never acts twice.

The key is scoped to the caller. The stored answer is written in the same transaction as the
change it describes, so either both exist or neither does. Reusing a key for a different
request is refused, naming the header.

A stored answer may hold personal data (a registered household's names and birth dates), so it
is sealed under the data key of every person whose data the unit of work sealed or opened
(`kernel.data_keys`): erasing any of them makes the replay unreadable too (a retry then gets a
409 naming the erasure). An answer that touched nobody's data is sealed under the master key.
Replays are kept only for `REPLAY_DAYS`: a retry comes
within minutes, and `corredor db purge-replays` (daily, from cron) deletes older ones.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corredor.kernel.auth import Principal
from corredor.kernel.crypto import FieldCipher
from corredor.kernel.data_keys import data_keys
from corredor.kernel.database import Database
from corredor.kernel.errors import InvalidInput
from corredor.kernel.tables import IdempotencyRecord
from corredor.kernel.unit_of_work import unit_of_work

HEADER = "Idempotency-Key"
Answer = tuple[int, dict[str, Any]]
SEALED_COLUMN: Final = "idempotency_keys.body"
REPLAY_DAYS: Final = 7


def fingerprint(operation: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps([operation, payload], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _sealed(session: Session, cipher: FieldCipher, body: dict[str, Any]) -> dict[str, Any]:
    keys = data_keys(session, cipher)
    return {"sealed": keys.seal(keys.touched, json.dumps(body), SEALED_COLUMN)}


def _opened(session: Session, cipher: FieldCipher, stored: dict[str, Any]) -> dict[str, Any]:
    sealed = stored.get("sealed")
    if not isinstance(sealed, str):
        return stored  # written before replays were sealed
    opened: dict[str, Any] = json.loads(data_keys(session, cipher).open(sealed, SEALED_COLUMN))
    return opened


def _stored(
    session: Session, cipher: FieldCipher, principal: Principal, key: str, request: str
) -> Answer | None:
    record = session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key
        )
    ).scalar_one_or_none()
    if record is None:
        return None
    if record.request_hash != request:
        raise InvalidInput(HEADER, "this key was already used for a different request")
    return record.status_code, _opened(session, cipher, record.body)


def run_once(
    database: Database,
    cipher: FieldCipher,
    principal: Principal,
    key: str,
    *,
    operation: str,
    payload: dict[str, Any],
    action: Callable[[Session], Answer],
) -> Answer:
    request = fingerprint(operation, payload)
    try:
        with unit_of_work(database) as session:
            replay = _stored(session, cipher, principal, key, request)
            if replay is not None:
                return replay
            status, body = action(session)
            session.add(
                IdempotencyRecord(
                    user_id=principal.user_id,
                    key=key,
                    request_hash=request,
                    status_code=status,
                    body=_sealed(session, cipher, body),
                    created_at=datetime.now(UTC),
                )
            )
            return status, body
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer what it answered.
        with unit_of_work(database) as session:
            replay = _stored(session, cipher, principal, key, request)
        if replay is None:
            raise
        return replay


def count_replays(database: Database, now: datetime, days: int = REPLAY_DAYS) -> int:
    """How many stored answers `purge_replays` would delete (a retention dry run)."""
    cutoff = now - timedelta(days=days)
    with unit_of_work(database) as session:
        return int(
            session.execute(
                select(func.count())
                .select_from(IdempotencyRecord)
                .where(IdempotencyRecord.created_at < cutoff)
            ).scalar_one()
        )


def purge_replays(database: Database, now: datetime, days: int = REPLAY_DAYS) -> int:
    """Delete stored answers older than `days`; returns how many went."""
    cutoff = now - timedelta(days=days)
    with unit_of_work(database) as session:
        gone = session.execute(
            delete(IdempotencyRecord)
            .where(IdempotencyRecord.created_at < cutoff)
            .returning(IdempotencyRecord.id)
        )
        return len(gone.all())
