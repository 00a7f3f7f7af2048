"""What the matching keeps: each person's blocking keys (keyed hashes) and the officers'
decisions on possible duplicates."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import ID, Base


class PersonMatchKey(Base):
    """One blocking key of one person, as an HMAC under the lookup key: the table links records
    that may be one person without holding a name, a date or a number."""

    __tablename__ = "person_match_keys"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class DuplicateDecision(Base):
    """An officer's decision on a pair the matching found: the same person, two people, or a
    referral for review. The latest decision on a pair stands; the history stays."""

    __tablename__ = "duplicate_decisions"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    other_person_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), index=True
    )
    decision: Mapped[str] = mapped_column(String(16))
    score: Mapped[str] = mapped_column(String(8))  # the score the officer saw
    note: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PersonPhoto(Base):
    """A holder's photo taken at the INM desk, with the person's consent: the printed photo and
    its small copy for the card's code, each sealed under the person's data key (erasing the
    person makes both unreadable, and the erasure deletes the row). One photo per person; taking
    it again replaces it."""

    __tablename__ = "person_photos"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    printed_enc: Mapped[str] = mapped_column(Text)  # JPEG 300x375, base64, sealed
    thumbnail_enc: Mapped[str] = mapped_column(Text)  # WebP 48x60 greyscale, base64, sealed
    consent_by: Mapped[str] = mapped_column(String(64))  # the officer who recorded the consent
    consent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    consent_text_version: Mapped[str] = mapped_column(String(32))
    captured_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
