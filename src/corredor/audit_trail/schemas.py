"""What the auditors' endpoints answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor_id: str | None
    actor_role: str | None
    on_behalf_of: str | None
    action: str
    case_id: str | None
    detail: dict[str, Any]
    hash: str


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    first_bad_seq: int | None
    problem: str | None
