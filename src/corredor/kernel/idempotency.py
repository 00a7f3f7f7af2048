"""Idempotency keys: a retried create or submit replays the first answer, never acts twice.

The key is scoped to the caller. The stored answer is written in the same transaction as the
change it describes, so either both exist or neither does. Reusing a key for a different
request is refused, naming the header.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corredor.adapters.db.models import IdempotencyRecord
from corredor.kernel.auth import Principal
from corredor.kernel.database import Database
from corredor.kernel.errors import InvalidInput

HEADER = "Idempotency-Key"
Answer = tuple[int, dict[str, Any]]


def fingerprint(operation: str, payload: dict[str, Any]) -> str:
    canonical = json.dumps([operation, payload], sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _stored(session: Session, principal: Principal, key: str, request: str) -> Answer | None:
    record = session.execute(
        select(IdempotencyRecord).where(
            IdempotencyRecord.user_id == principal.user_id, IdempotencyRecord.key == key
        )
    ).scalar_one_or_none()
    if record is None:
        return None
    if record.request_hash != request:
        raise InvalidInput(HEADER, "this key was already used for a different request")
    return record.status_code, record.body


def run_once(
    database: Database,
    principal: Principal,
    key: str,
    *,
    operation: str,
    payload: dict[str, Any],
    action: Callable[[Session], Answer],
) -> Answer:
    request = fingerprint(operation, payload)
    try:
        with database.transaction() as session:
            replay = _stored(session, principal, key, request)
            if replay is not None:
                return replay
            status, body = action(session)
            session.add(
                IdempotencyRecord(
                    user_id=principal.user_id,
                    key=key,
                    request_hash=request,
                    status_code=status,
                    body=body,
                    created_at=datetime.now(UTC),
                )
            )
            return status, body
    except IntegrityError:
        # A concurrent retry with the same key won the race: answer what it answered.
        with database.transaction() as session:
            replay = _stored(session, principal, key, request)
        if replay is None:
            raise
        return replay
