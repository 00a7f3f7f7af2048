"""The accounts table: who may sign in, with which role and for which agency. Passwords are kept
only as hashes (kernel/auth.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import ID, Base


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    agency: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # a disabled account cannot sign in, and its tokens stop working at once
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # bumped on sign-out, disabling and role change: every token issued before then ends
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
