"""What the auditors' endpoints answer."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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


class AuditFilter(BaseModel):
    """What an auditor narrows the log to; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    since: date | None = None  # from this day (UTC), inclusive
    until: date | None = None  # to this day (UTC), inclusive
    action: str | None = Field(default=None, max_length=80)  # part of the tag: "document"
    actor_role: str | None = Field(default=None, max_length=32)
    case: str | None = Field(default=None, min_length=4, max_length=36)  # a case id or its start
    page: int = Field(default=1, ge=1, le=100_000)


class AuditPage(BaseModel):
    entries: list[AuditEntryOut]  # newest first
    page: int
    more: bool  # another, older page follows
