"""What the account endpoints and pages take and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from corredor.kernel.domain.permissions import Agency, Role


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


class RoleIn(_In):
    """A new role for an account, with the agency the role needs (if it needs one)."""

    role: Role
    agency: Agency | None = None


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
    active: bool
