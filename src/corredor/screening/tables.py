"""Screening's one table: how often the public screener was completed, per day, language and
result. A counter, not a record: no answer, no time of day, no address, nothing that tells one
person's screening from another's (docs/portal.md, "Screener use")."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from corredor.kernel.tables import Base


class ScreenerUse(Base):
    __tablename__ = "screener_use"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    result: Mapped[str] = mapped_column(String(16), primary_key=True)  # eligible, unknown...
    count: Mapped[int] = mapped_column(Integer)
