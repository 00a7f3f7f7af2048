"""What goes in and what comes out of the use cases; the API's OpenAPI contract is built from these.

Inputs forbid unknown fields and validate codes, so a mistake comes back as 422 naming the field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from corredor.kernel.domain.permissions import Agency, Role

Text = Field(min_length=1, max_length=200)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_In):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class UserIn(_In):
    username: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]{2,79}$")
    password: str = Field(min_length=10, max_length=200)
    role: Role
    agency: Agency | None = None


# ---- outputs ----


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    role: Role


class UserOut(BaseModel):
    id: str
    username: str
    role: Role
    agency: Agency | None


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
