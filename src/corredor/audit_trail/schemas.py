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
    ok: bool  # the chain holds and every signed checkpoint agrees with it
    checked: int
    first_bad_seq: int | None
    problem: str | None
    checkpoints: int  # signed checkpoints found outside the database
    latest_checkpoint_seq: int | None
    checkpoint_problems: list[str]


class CheckpointOut(BaseModel):
    seq: int
    head: str
    at: str
    signature: str


class CheckpointsOut(BaseModel):
    public_key: str  # base64 Ed25519: check each signature over {"at","head","seq"} (sorted JSON)
    checkpoints: list[CheckpointOut]
