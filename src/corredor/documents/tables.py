"""Tables for signed documents: issuer keys, issued documents, and status-list counters.

Private keys are stored sealed by the platform's field cipher (AES-256-GCM under
CORREDOR_ENCRYPTION_KEYS, column-bound), like every other secret at rest. A document's token
carries the holder's name and birth date, so it is sealed too; the `holder_hash` (keyed HMAC
of number and birth date) lets the yes/no check match a number without decrypting.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import ID, Base


class IssuerKeyRow(Base):
    __tablename__ = "issuer_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(16), index=True)
    state: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))
    private_key_enc: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    activated_on: Mapped[date] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    trusted_until: Mapped[date | None] = mapped_column(Date)
    revoked_on: Mapped[date | None] = mapped_column(Date)
    revocation_reason: Mapped[str | None] = mapped_column(Text)


class DocumentRow(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("issuer", "status_index"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    grant_id: Mapped[str] = mapped_column(ForeignKey("grants.id"), index=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id"))
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(48), unique=True)
    issuer: Mapped[str] = mapped_column(String(16))
    status_index: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(ForeignKey("issuer_keys.kid"), index=True)
    token_enc: Mapped[str] = mapped_column(Text)
    holder_hash: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revocation_reason: Mapped[str | None] = mapped_column(Text)


class StatusCounter(Base):
    """The next free status-list index of each issuer; locking the row serialises issuance."""

    __tablename__ = "status_counters"

    issuer: Mapped[str] = mapped_column(String(16), primary_key=True)
    next_index: Mapped[int] = mapped_column(Integer)
